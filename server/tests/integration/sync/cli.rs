//! `v6watch sync docker --socket PATH --host NAME`: the plan printed as `import` prints it,
//! nothing changed without `--apply`, a missing socket refused with exit 2.

use super::{docker, fake};
use std::path::Path;
use std::process::Command;

async fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_v6watch"));
    command
        .args(args)
        .arg("--database")
        .arg(db)
        .env("RUST_LOG", "error");
    // Blocking, while the fake daemon answers on this test's runtime.
    let out = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_cli_prints_the_plan_and_applies_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (socket, _) = docker::daemon(dir.path()).await;
    let socket = socket.to_str().unwrap().to_string();
    let db = dir.path().join("v6watch.db");
    let args = ["sync", "docker", "--socket", &socket, "--host", "pi"];

    let (code, out, err) = run(&db, &args).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("+ host pi"), "{out}");
    assert!(out.contains("+ container pi/cloud"), "{out}");
    assert!(out.contains("+ prefix fd00:db8:4::/64"), "{out}");
    assert!(out.contains("(a dry run: nothing was changed)"), "{out}");
    let pool = store::open(&db).await.unwrap();
    assert!(fake::containers(&pool).await.is_empty());
    assert!(fake::changes(&pool).await.is_empty());

    let (code, out, err) = run(&db, &[&args[..], &["--apply"]].concat()).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("applied: "), "{out}");
    assert_eq!(fake::containers(&pool).await.len(), 1);
    let logged = fake::changes(&pool).await;
    assert!(
        !logged.is_empty() && logged.iter().all(|(.., src)| src == "sync docker"),
        "{logged:?}"
    );

    let (code, out, _) = run(&db, &[&args[..], &["--apply"]].concat()).await;
    assert_eq!(code, 0);
    assert!(
        out.contains("0 to create, 0 to update, 0 to delete"),
        "{out}"
    );
    assert_eq!(fake::changes(&pool).await.len(), logged.len());

    let missing = dir.path().join("gone.sock");
    let (code, out, err) = run(
        &db,
        &[
            "sync",
            "lxd",
            "--socket",
            missing.to_str().unwrap(),
            "--host",
            "pi",
            "--apply",
        ],
    )
    .await;
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("LXD/Incus socket")
            && err.contains("gone.sock")
            && err.contains("no such socket"),
        "{err}"
    );
    assert!(err.contains("nothing was changed"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_refuses_a_sync_socket_without_a_host() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v6watch.db");
    let (code, _, err) = run(
        &db,
        &[
            "serve",
            "--no-scheduler",
            "--listen",
            "[::1]:0",
            "--sync-docker",
            "/var/run/docker.sock",
        ],
    )
    .await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--sync-host"), "{err}");
    let (code, _, err) = run(&db, &["serve", "--sync-interval", "5"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--sync-interval"), "{err}");
}
