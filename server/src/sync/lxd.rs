//! The LXD/Incus REST API over its Unix socket: `GET /1.0/instances?recursion=2` of every
//! project, whose `metadata` is the list `lxc list --all-projects --format json` prints
//! (instances with `project` and `state.network`), read by `model::import::lxd`. One
//! HTTP/1.1 request per connection; the answer is bounded to the import limit.

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use model::import::MAX_IMPORT_BYTES;
use serde_json::Value;
use std::path::Path;

/// Every instance with its state, in every project.
pub const INSTANCES: &str = "/1.0/instances?recursion=2&all-projects=true";

/// The same of the default project only, for a daemon too old to know `all-projects`.
pub const DEFAULT_PROJECT: &str = "/1.0/instances?recursion=2";

/// The status and body of a GET on the socket.
async fn get(socket: &Path, path: &str) -> Result<(u16, Bytes), String> {
    let stream = tokio::net::UnixStream::connect(socket)
        .await
        .map_err(|e| super::connect_error(&e))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("no HTTP answer: {e}"))?;
    let driver = tokio::spawn(connection);
    let request = hyper::Request::get(path)
        .header(hyper::header::HOST, "lxd")
        .body(Empty::<Bytes>::new())
        .map_err(|e| e.to_string())?;
    let answer = sender.send_request(request).await;
    let result = match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            Limited::new(response.into_body(), MAX_IMPORT_BYTES)
                .collect()
                .await
                .map(|body| (status, body.to_bytes()))
                .map_err(|e| {
                    if e.is::<http_body_util::LengthLimitError>() {
                        format!("the answer is larger than {MAX_IMPORT_BYTES} bytes")
                    } else {
                        format!("the answer broke off: {e}")
                    }
                })
        }
        Err(e) => Err(format!("no HTTP answer: {e}")),
    };
    driver.abort();
    result
}

/// The instance list as JSON text.
pub async fn fetch(socket: &Path) -> Result<String, String> {
    let (mut path, (mut status, mut body)) = (INSTANCES, get(socket, INSTANCES).await?);
    if status == 400 {
        path = DEFAULT_PROJECT;
        (status, body) = get(socket, path).await?;
    }
    let answer: Option<Value> = serde_json::from_slice(&body).ok();
    if !(200..300).contains(&status) {
        // LXD and Incus answer errors as {"type": "error", "error": "...", "error_code": N}.
        let detail = answer
            .as_ref()
            .and_then(|a| a.get("error"))
            .and_then(Value::as_str)
            .map(|e| format!(": {e}"))
            .unwrap_or_default();
        return Err(format!("GET {path} answered HTTP {status}{detail}"));
    }
    let Some(answer) = answer else {
        return Err(format!(
            "GET {path} did not answer JSON (is this an LXD or Incus socket?)"
        ));
    };
    match answer.get("metadata") {
        Some(list @ Value::Array(_)) => Ok(list.to_string()),
        _ => Err(format!(
            "GET {path} answered JSON without a list of instances in \"metadata\""
        )),
    }
}
