//! Alert channels in the inventory file: `apply` creates, updates and prunes them, keeps a
//! stored secret the file leaves out, writes one it carries, and never shows one (not in
//! an export, not in a plan).

use model::import::file::InventoryFile;
use model::import::plan::{Action, Mode, Plan, plan};
use model::import::text::{FileFormat, read, write};
use sqlx::SqlitePool;
use store::channels::{self, Route};
use store::import::{apply, drop_stored_secrets, snapshot};

const HOOK_URL: &str = "https://hooks.home.example/api/webhooks/41/s3cr3t-token";

const FILE: &str = r#"
v6watch: 1
channels:
  - name: ops
    kind: webhook
    enabled: true
    preset: discord
    url: https://hooks.home.example/api/webhooks/41/s3cr3t-token
    secret: bearer-value-7
  - name: mail
    kind: email
    enabled: false
    destination: smtp://mail.home.example:587
    security: starttls
    username: v6watch
    password: hunter2-smtp
    from: v6watch@home.example
    to: [me@home.example, Ops@Home.example]
"#;

async fn fresh() -> (SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let pool = store::open(&dir.path().join("v6watch.db")).await.unwrap();
    (pool, dir)
}

/// What `v6watch apply` does with a file's text: secrets already stored drop out, then
/// the plan against what is stored.
async fn plan_text(pool: &SqlitePool, text: &str, prune: bool) -> Result<Plan, String> {
    let mut desired: InventoryFile =
        read("inventory.yaml", text.as_bytes()).map_err(|e| e.to_string())?;
    drop_stored_secrets(pool, &mut desired).await.unwrap();
    let current = snapshot(pool).await.unwrap();
    plan(&current, &desired, Mode::Replace { prune }).map_err(|e| e.to_string())
}

async fn route_of(pool: &SqlitePool, name: &str) -> Route {
    let id = channels::list(pool)
        .await
        .unwrap()
        .into_iter()
        .find(|c| c.name == name)
        .unwrap()
        .id;
    channels::destination(pool, id).await.unwrap().route
}

#[tokio::test]
async fn a_file_creates_channels_with_their_secrets_and_twice_changes_nothing() {
    let (pool, _dir) = fresh().await;
    let first = plan_text(&pool, FILE, false).await.unwrap();
    assert_eq!(first.count(Action::Create), 2, "{}", first.render());
    let shown = first.render() + &serde_json::to_string(&first).unwrap();
    for secret in ["s3cr3t-token", "bearer-value-7", "hunter2-smtp"] {
        assert!(!shown.contains(secret), "a plan shows a secret: {shown}");
    }
    apply(&pool, &first).await.unwrap();

    match route_of(&pool, "ops").await {
        Route::Webhook { url, secret, .. } => {
            assert_eq!(url, HOOK_URL);
            assert_eq!(secret.as_deref(), Some("bearer-value-7"));
        }
        other => panic!("ops is {other:?}"),
    }
    match route_of(&pool, "mail").await {
        Route::Email {
            host,
            port,
            password,
            to,
            ..
        } => {
            assert_eq!((host.as_str(), port), ("mail.home.example", 587));
            assert_eq!(password.as_deref(), Some("hunter2-smtp"));
            assert_eq!(to.len(), 2);
        }
        other => panic!("mail is {other:?}"),
    }

    let again = plan_text(&pool, FILE, false).await.unwrap();
    assert!(again.is_noop(), "{}", again.render());

    // The export carries every setting but no secret, and applying it changes nothing.
    let exported = write(&snapshot(&pool).await.unwrap(), FileFormat::Yaml);
    for secret in ["s3cr3t-token", "bearer-value-7", "hunter2-smtp"] {
        assert!(
            !exported.contains(secret),
            "the export shows a secret:\n{exported}"
        );
    }
    assert!(
        exported.contains("https://hooks.home.example"),
        "{exported}"
    );
    assert!(
        exported.contains("smtp://mail.home.example:587"),
        "{exported}"
    );
    let round = plan_text(&pool, &exported, true).await.unwrap();
    assert!(round.is_noop(), "{}", round.render());
    match route_of(&pool, "ops").await {
        Route::Webhook { url, .. } => assert_eq!(url, HOOK_URL, "the export's apply kept the URL"),
        other => panic!("ops is {other:?}"),
    }
}

#[tokio::test]
async fn a_changed_secret_is_written_and_said_without_its_value() {
    let (pool, _dir) = fresh().await;
    apply(&pool, &plan_text(&pool, FILE, false).await.unwrap())
        .await
        .unwrap();
    let changed = FILE
        .replace("s3cr3t-token", "n3w-token")
        .replace("enabled: false", "enabled: true");
    let plan = plan_text(&pool, &changed, false).await.unwrap();
    assert_eq!(plan.count(Action::Update), 2, "{}", plan.render());
    let text = plan.render();
    assert!(text.contains("url: replaced (secret)"), "{text}");
    assert!(text.contains("enabled: false → true"), "{text}");
    assert!(!text.contains("n3w-token"), "{text}");
    apply(&pool, &plan).await.unwrap();
    match route_of(&pool, "ops").await {
        Route::Webhook { url, secret, .. } => {
            assert!(url.ends_with("/n3w-token"), "{url}");
            assert_eq!(
                secret.as_deref(),
                Some("bearer-value-7"),
                "the unchanged secret stays"
            );
        }
        other => panic!("ops is {other:?}"),
    }
}

#[tokio::test]
async fn a_webhook_the_file_cannot_locate_is_refused_and_nothing_changes() {
    let (pool, _dir) = fresh().await;
    let no_url = "v6watch: 1\nchannels:\n  - {name: ops, kind: webhook, enabled: true}\n";
    let err = plan_text(&pool, no_url, false).await.unwrap_err();
    assert!(
        err.contains("channels[0] (ops)") && err.contains("needs its URL"),
        "{err}"
    );

    apply(&pool, &plan_text(&pool, FILE, false).await.unwrap())
        .await
        .unwrap();
    let before = snapshot(&pool).await.unwrap();
    // Pointing a stored webhook elsewhere takes its URL, not only the origin shown.
    let moved = "v6watch: 1\nchannels:\n  - {name: ops, kind: webhook, enabled: true, \
                 destination: 'https://evil.example'}\n";
    let err = plan_text(&pool, moved, false).await.unwrap_err();
    assert!(
        err.contains("https://hooks.home.example") && err.contains("give its url"),
        "{err}"
    );
    let bad_mail = FILE.replace("smtp://mail.home.example:587", "mail.home.example");
    let err = plan_text(&pool, &bad_mail, false).await.unwrap_err();
    assert!(
        err.contains("channels[1] (mail)") && err.contains("smtp://host:port"),
        "{err}"
    );
    assert_eq!(snapshot(&pool).await.unwrap(), before);
}

#[tokio::test]
async fn prune_deletes_a_channel_the_file_does_not_list() {
    let (pool, _dir) = fresh().await;
    apply(&pool, &plan_text(&pool, FILE, false).await.unwrap())
        .await
        .unwrap();
    let only_ops =
        "v6watch: 1\nchannels:\n  - {name: ops, kind: webhook, enabled: true, preset: discord}\n";
    let kept = plan_text(&pool, only_ops, false).await.unwrap();
    assert!(
        kept.is_noop(),
        "without prune nothing goes: {}",
        kept.render()
    );
    let pruned = plan_text(&pool, only_ops, true).await.unwrap();
    assert_eq!(pruned.count(Action::Delete), 1, "{}", pruned.render());
    assert!(
        pruned.render().contains("- channel mail"),
        "{}",
        pruned.render()
    );
    apply(&pool, &pruned).await.unwrap();
    let names: Vec<String> = channels::list(&pool)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, ["ops"]);
}
