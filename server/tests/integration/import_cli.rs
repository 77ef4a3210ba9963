//! `v6watch import`, `export` and `apply` as a user runs them: the plan printed, a dry run
//! by default for imports, exit 2 and nothing changed on bad input, export then apply a no-op.

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../model/tests/fixtures/import")
        .join(name)
}

fn run(db: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_v6watch"))
        .args(args)
        .arg("--database")
        .arg(db)
        .env("RUST_LOG", "error")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn import_plans_then_applies_and_export_apply_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v6watch.db");
    let file = fixture("docker-inspect-old.json");
    let file = file.to_str().unwrap();

    let (code, out, _) = run(&db, &["import", "docker", file, "--host", "dock"]);
    assert_eq!(code, 0);
    assert!(out.contains("+ container dock/legacy-web"), "{out}");
    assert!(out.contains("(a dry run: nothing was changed)"), "{out}");
    let (_, again, _) = run(&db, &["import", "docker", file, "--host", "dock"]);
    assert!(again.contains("2 to create"), "still a dry run: {again}");

    let (code, out, _) = run(
        &db,
        &["import", "docker", file, "--host", "dock", "--apply"],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("applied: 2 created"), "{out}");
    let (_, out, _) = run(
        &db,
        &["import", "docker", file, "--host", "dock", "--apply"],
    );
    assert!(
        out.contains("0 to create, 0 to update, 0 to delete, 2 unchanged"),
        "{out}"
    );

    let bad = fixture("bad/lxc-bad-address.json");
    let (code, out, err) = run(
        &db,
        &[
            "import",
            "lxd",
            bad.to_str().unwrap(),
            "--host",
            "dock",
            "--apply",
        ],
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("[2].state.network.eth0.addresses[1].address: \"zz\" is not an IP address"),
        "{err}"
    );

    for format in ["yaml", "json"] {
        let (code, exported, _) = run(&db, &["export", "--format", format]);
        assert_eq!(code, 0);
        let path = dir.path().join(format!("inventory.{format}"));
        std::fs::write(&path, &exported).unwrap();
        let (code, out, err) = run(&db, &["apply", path.to_str().unwrap(), "--prune"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains("0 to create, 0 to update, 0 to delete"),
            "{out}"
        );
        let (_, after, _) = run(&db, &["export", "--format", format]);
        assert_eq!(after, exported);
    }
}

fn run_with_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_v6watch"))
        .args(args)
        .arg("--database")
        .arg(db)
        .env("RUST_LOG", "error")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn apply_reads_a_channels_secret_from_the_environment_variable_it_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v6watch.db");
    let path = dir.path().join("inventory.yaml");
    std::fs::write(
        &path,
        "v6watch: 1\nchannels:\n  - name: ops\n    kind: webhook\n    enabled: true\n    \
         preset: ntfy\n    url_env: OPS_HOOK\n",
    )
    .unwrap();
    let file = path.to_str().unwrap();

    let (code, out, err) = run_with_env(&db, &["apply", file], &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("the environment variable OPS_HOOK is not set"),
        "{err}"
    );

    let hook = [("OPS_HOOK", "https://ntfy.home.example/v6watch-alerts-x7")];
    let (code, out, err) = run_with_env(&db, &["apply", file], &hook);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("+ channel ops"), "{out}");
    assert!(
        !out.contains("v6watch-alerts-x7"),
        "the plan shows the secret: {out}"
    );
    let (_, again, _) = run_with_env(&db, &["apply", file], &hook);
    assert!(again.contains("0 to create, 0 to update"), "{again}");

    let (_, exported, _) = run(&db, &["export", "--format", "yaml"]);
    assert!(exported.contains("https://ntfy.home.example"), "{exported}");
    assert!(!exported.contains("v6watch-alerts-x7"), "{exported}");
}
