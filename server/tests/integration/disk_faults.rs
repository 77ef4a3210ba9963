//! The real `serve` with its database on a small loop-mounted ext4 file system (root only):
//! the disk fills up, or the kernel turns the file system read-only after an error. The
//! server stays up, `/healthz` answers 503 with the cause, the sign-in page and the failed
//! writes say what is wrong, the log carries the cause, nothing panics, and the data
//! written before is intact (`PRAGMA integrity_check`) and, once there is room again,
//! writes work again.

use crate::support::process::{
    Answer, Serve, api, healthz, host_body, hosts_keeping, open_intact, request, write_token,
};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn require_root() {
    if run("id", &["-u"]) != "0" {
        panic!(
            "this test mounts file systems and needs root: run it as root (scripts/test.sh does)"
        );
    }
}

/// An 8 MiB ext4 file system on a loop device, mounted with `errors=remount-ro` in a
/// temporary directory; unmounted (and its loop device freed) when dropped, whatever the
/// test did.
struct LoopFs {
    dir: tempfile::TempDir,
    mount: PathBuf,
}

impl LoopFs {
    fn new() -> LoopFs {
        require_root();
        let dir = tempfile::tempdir().unwrap();
        let image = dir.path().join("fs.img");
        let mount = dir.path().join("mnt");
        std::fs::create_dir(&mount).unwrap();
        std::fs::File::create(&image)
            .unwrap()
            .set_len(8 << 20)
            .unwrap();
        run("mkfs.ext4", &["-q", image.to_str().unwrap()]);
        run(
            "mount",
            &[
                "-o",
                "loop,errors=remount-ro",
                image.to_str().unwrap(),
                mount.to_str().unwrap(),
            ],
        );
        LoopFs { dir, mount }
    }

    fn database(&self) -> PathBuf {
        self.mount.join("v6watch.db")
    }

    /// The loop device, as `/sys/fs/ext4/` names it (`loop0`).
    fn device(&self) -> String {
        let source = run("findmnt", &["-no", "SOURCE", self.mount.to_str().unwrap()]);
        source.trim_start_matches("/dev/").to_string()
    }

    /// Fills the file system with a ballast file until no byte more fits.
    fn fill(&self) {
        let mut ballast = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.mount.join("ballast"))
            .unwrap();
        let chunk = vec![0u8; 4096];
        while ballast.write_all(&chunk).is_ok() {}
        while ballast.write_all(&chunk[..1]).is_ok() {}
        let _ = ballast.sync_all();
    }

    fn free(&self) {
        std::fs::remove_file(self.mount.join("ballast")).unwrap();
    }

    /// Unmounts and mounts the image again (read-write), as after a reboot.
    fn remount(&self) {
        run("umount", &[self.mount.to_str().unwrap()]);
        let image = self.dir.path().join("fs.img");
        run(
            "mount",
            &[
                "-o",
                "loop",
                image.to_str().unwrap(),
                self.mount.to_str().unwrap(),
            ],
        );
    }
}

impl Drop for LoopFs {
    fn drop(&mut self) {
        // Lazy: even if a process still holds a file there, the mount goes (and with it the
        // loop device) once it lets go.
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

/// Checks the database file with a fresh connection: intact, and holding every host in
/// `names`.
async fn check_database(database: &Path, names: &[String]) {
    let pool = open_intact(database).await;
    hosts_keeping(&pool, names).await;
    pool.close().await;
}

/// `serve` on the loop file system's database, with a write token and five hosts stored.
fn serve_with_hosts(fs: &LoopFs, site: &Path) -> (Serve, SocketAddr, String, Vec<String>) {
    let (server, address) = Serve::start(&fs.database(), site, &["--no-scheduler"]);
    let token = write_token(address);
    let mut stored = Vec::new();
    for i in 0..5 {
        let name = format!("before-{i}");
        let answer = create(address, &token, &name);
        assert_eq!(answer.status, 201, "{answer:?}");
        stored.push(name);
    }
    (server, address, token, stored)
}

/// Creates host `name`; the answer.
fn create(address: SocketAddr, token: &str, name: &str) -> Answer {
    let notes = "x".repeat(3000);
    api(
        address,
        token,
        "POST",
        "/api/v1/hosts",
        &host_body(name, &notes),
    )
    .expect("the server answers")
}

/// `/healthz` until it answers 503 (a write may still fit in space the database file
/// already holds); the answer.
fn unhealthy(address: SocketAddr) -> Answer {
    let mut last = None;
    for _ in 0..20 {
        let answer = healthz(address).expect("the server still answers");
        if answer.status == 503 {
            return answer;
        }
        last = Some(answer);
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("/healthz kept answering {last:?}");
}

/// The sign-in page of a visitor without a session.
fn sign_in_page(address: SocketAddr) -> Answer {
    request(address, "GET", "/login", &[], "").expect("the server answers")
}

#[test]
#[ignore = "needs root to mount a loop file system (scripts/test.sh runs it as root)"]
fn a_full_disk_is_reported_and_writes_work_again_once_there_is_room() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fs = LoopFs::new();
    let site = tempfile::tempdir().unwrap();
    let (server, address, token, mut stored) = serve_with_hosts(&fs, site.path());

    fs.fill();
    // Writes fail once the database needs a block more than it holds.
    let mut refused = None;
    for i in 0..2000 {
        let name = format!("filling-{i}");
        let answer = create(address, &token, &name);
        if answer.status == 201 {
            stored.push(name);
        } else {
            refused = Some(answer);
            break;
        }
    }
    let refused = refused.expect("writes kept going through on a full disk");
    assert_eq!(refused.status, 503, "{refused:?}");
    assert!(
        refused
            .body
            .contains("the disk holding the database is full"),
        "{refused:?}"
    );

    let health = unhealthy(address);
    assert!(health.body.contains("cannot be written"), "{health:?}");
    assert!(
        health
            .body
            .contains("the disk holding the database is full"),
        "{health:?}"
    );
    let page = sign_in_page(address);
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains(r#"id="database-problem""#), "{page:?}");
    assert!(
        page.body.contains("the disk holding the database is full"),
        "{page:?}"
    );
    let log = server.log();
    assert!(log.contains("database or disk is full"), "{log}");
    assert!(!log.contains("panicked"), "{log}");

    fs.free();
    let health = healthz(address).expect("the server still answers");
    assert_eq!(health.status, 200, "{health:?}");
    // Enough writes to go through every pooled connection: one whose transaction the full
    // disk ended must not refuse them.
    for i in 0..16 {
        let name = format!("after-{i}");
        let answer = create(address, &token, &name);
        assert_eq!(answer.status, 201, "{answer:?}\n{}", server.log());
        stored.push(name);
    }

    let (status, log) = server.terminate(Duration::from_secs(20));
    assert!(status.is_some_and(|s| s.success()), "{status:?}: {log}");
    assert!(!log.contains("panicked"), "{log}");
    runtime.block_on(check_database(&fs.database(), &stored));
}

#[test]
#[ignore = "needs root to mount a loop file system (scripts/test.sh runs it as root)"]
fn a_file_system_turned_read_only_is_reported_and_the_data_stays_intact() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let fs = LoopFs::new();
    let site = tempfile::tempdir().unwrap();
    let (server, address, token, stored) = serve_with_hosts(&fs, site.path());

    // What the kernel does on an I/O error with errors=remount-ro (an SD card failing, say):
    // the file system turns read-only under the running server.
    std::fs::write(
        format!("/sys/fs/ext4/{}/trigger_fs_error", fs.device()),
        "v6watch test: the disk failed",
    )
    .unwrap();
    assert!(
        std::fs::write(fs.mount.join("probe"), "x").is_err(),
        "the file system still takes writes"
    );

    let health = unhealthy(address);
    assert!(health.body.contains("cannot be written"), "{health:?}");
    assert!(health.body.contains("I/O error"), "{health:?}");
    let refused = create(address, &token, "refused");
    // SQLite reports a file system turned read-only under an open database as an I/O error.
    assert_eq!(refused.status, 503, "{refused:?}");
    assert!(
        refused
            .body
            .contains("the disk holding the database failed"),
        "{refused:?}"
    );
    let page = sign_in_page(address);
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains(r#"id="database-problem""#), "{page:?}");
    assert!(page.body.contains("signing in will not work"), "{page:?}");
    let log = server.log();
    assert!(log.contains("the database cannot be written"), "{log}");
    assert!(log.contains("disk I/O error"), "{log}");
    assert!(!log.contains("panicked"), "{log}");

    let (status, log) = server.terminate(Duration::from_secs(20));
    assert!(status.is_some(), "did not stop on SIGTERM: {log}");
    assert!(!log.contains("panicked"), "{log}");
    fs.remount();
    runtime.block_on(check_database(&fs.database(), &stored));
}
