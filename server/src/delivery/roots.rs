//! Extra CA certificates (`--ca-file`) for webhooks and SMTP over TLS: a home lab's own CA
//! signs its ntfy or mail server, and those must be trusted besides the standard roots.

use std::path::Path;
use std::sync::Arc;

/// The PEM certificates of one file, read and checked once at start-up.
#[derive(Clone, Debug)]
pub struct ExtraRoots {
    pem: Arc<[u8]>,
    http: Vec<reqwest::Certificate>,
}

impl ExtraRoots {
    pub fn read(path: &Path) -> Result<Self, String> {
        let bytes =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Self::from_pem(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn from_pem(bytes: &[u8]) -> Result<Self, String> {
        let http = reqwest::Certificate::from_pem_bundle(bytes)
            .map_err(|e| format!("not a PEM certificate file ({e})"))?;
        if http.is_empty() {
            return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into());
        }
        lettre::transport::smtp::client::Certificate::from_pem(bytes)
            .map_err(|e| format!("not a PEM certificate file ({e})"))?;
        Ok(Self {
            pem: Arc::from(bytes),
            http,
        })
    }

    /// For the webhook client.
    pub fn http(&self) -> &[reqwest::Certificate] {
        &self.http
    }

    /// For the mailer, which takes them per connection.
    pub fn smtp(&self) -> Option<lettre::transport::smtp::client::Certificate> {
        lettre::transport::smtp::client::Certificate::from_pem(&self.pem).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_without_certificates_are_refused_with_a_reason() {
        let empty = ExtraRoots::from_pem(b"# nothing here\n").unwrap_err();
        assert!(empty.contains("holds no PEM certificate"), "{empty}");
        let broken = ExtraRoots::from_pem(
            b"-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        );
        assert!(broken.is_err());
    }
}
