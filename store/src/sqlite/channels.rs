//! The channels table. Pages read [`Channel`] (secrets reduced to flags); only the
//! delivery stage reads a [`Destination`], which carries them.

use super::{Result, StoreError, split_lines, unique_to_conflict};
use model::channels::channel::url_origin;
use model::channels::{
    Channel, ChannelInput, ChannelKind, SecretChange, SmtpSecurity, Target, WebhookPreset,
};
use model::domain::form::Choice;
use sqlx::{SqliteConnection, SqlitePool};

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    name: String,
    kind: String,
    enabled: bool,
    webhook_preset: String,
    url: Option<String>,
    secret_header: Option<String>,
    has_secret: bool,
    smtp_host: Option<String>,
    smtp_port: Option<i64>,
    smtp_security: String,
    smtp_username: Option<String>,
    has_password: bool,
    mail_from: Option<String>,
    mail_to: String,
    created_at: String,
    updated_at: String,
    last_status: Option<String>,
}

impl From<Row> for Channel {
    fn from(row: Row) -> Self {
        Channel {
            id: row.id,
            name: row.name,
            kind: row.kind,
            enabled: row.enabled,
            webhook_preset: row.webhook_preset,
            url_origin: row.url.as_deref().and_then(url_origin),
            secret_header: row.secret_header,
            has_secret: row.has_secret,
            smtp_host: row.smtp_host,
            smtp_port: row.smtp_port,
            smtp_security: row.smtp_security,
            smtp_username: row.smtp_username,
            has_password: row.has_password,
            mail_from: row.mail_from,
            mail_to: split_lines(&row.mail_to),
            created_at: row.created_at,
            updated_at: row.updated_at,
            last_status: row.last_status,
        }
    }
}

/// Every column a page may see; the secrets only as "is one stored".
const COLUMNS: &str = "c.id, c.name, c.kind, c.enabled, c.webhook_preset, c.url, c.secret_header,
    c.secret IS NOT NULL AS has_secret, c.smtp_host, c.smtp_port, c.smtp_security,
    c.smtp_username, c.smtp_password IS NOT NULL AS has_password, c.mail_from, c.mail_to,
    c.created_at, c.updated_at,
    (SELECT d.status FROM deliveries d WHERE d.channel_id = c.id ORDER BY d.id DESC LIMIT 1)
        AS last_status";

pub async fn list(pool: &SqlitePool) -> Result<Vec<Channel>> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM channels c ORDER BY c.name COLLATE NOCASE"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(Channel::from).collect())
}

pub async fn get(pool: &SqlitePool, id: i64) -> Result<Channel> {
    let row: Row = sqlx::query_as(&format!("SELECT {COLUMNS} FROM channels c WHERE c.id = ?"))
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.into())
}

/// Where and how to send, secrets included: for the delivery stage only.
#[derive(Clone, Debug, PartialEq)]
pub struct Destination {
    pub id: i64,
    pub name: String,
    pub route: Route,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Webhook {
        preset: WebhookPreset,
        url: String,
        secret: Option<String>,
        secret_header: Option<String>,
    },
    Email {
        host: String,
        port: u16,
        security: SmtpSecurity,
        username: Option<String>,
        password: Option<String>,
        from: String,
        to: Vec<String>,
    },
}

#[derive(sqlx::FromRow)]
struct DestinationRow {
    id: i64,
    name: String,
    kind: String,
    webhook_preset: String,
    url: Option<String>,
    secret: Option<String>,
    secret_header: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<i64>,
    smtp_security: String,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    mail_from: Option<String>,
    mail_to: String,
}

impl DestinationRow {
    /// None when the stored settings are incomplete (only a hand-edited database).
    fn route(self) -> Option<Route> {
        match ChannelKind::from_code(&self.kind)? {
            ChannelKind::Webhook => Some(Route::Webhook {
                preset: WebhookPreset::from_code(&self.webhook_preset)?,
                url: self.url?,
                secret: self.secret,
                secret_header: self.secret_header,
            }),
            ChannelKind::Email => Some(Route::Email {
                host: self.smtp_host?,
                port: u16::try_from(self.smtp_port?).ok()?,
                security: SmtpSecurity::from_code(&self.smtp_security)?,
                username: self.smtp_username,
                password: self.smtp_password,
                from: self.mail_from?,
                to: split_lines(&self.mail_to),
            }),
        }
    }
}

pub async fn destination(pool: &SqlitePool, id: i64) -> Result<Destination> {
    let row: DestinationRow = sqlx::query_as(
        "SELECT id, name, kind, webhook_preset, url, secret, secret_header, smtp_host, smtp_port,
                smtp_security, smtp_username, smtp_password, mail_from, mail_to
         FROM channels WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?;
    let (id, name) = (row.id, row.name.clone());
    let route = row.route().ok_or_else(|| StoreError::Conflict {
        field: "kind",
        message: "the stored channel settings are incomplete; edit and save the channel".into(),
    })?;
    Ok(Destination { id, name, route })
}

/// Column values of an input; `keep_*` true leaves the stored secret as it is.
struct Columns<'a> {
    preset: &'static str,
    /// None: keep the stored URL (an e-mail channel stores none).
    url: Option<&'a str>,
    secret_header: Option<&'a str>,
    keep_secret: bool,
    secret: Option<&'a str>,
    smtp_host: Option<&'a str>,
    smtp_port: Option<u16>,
    smtp_security: &'static str,
    smtp_username: Option<&'a str>,
    keep_password: bool,
    password: Option<&'a str>,
    mail_from: Option<&'a str>,
    mail_to: String,
}

fn secret_columns(change: &SecretChange) -> (bool, Option<&str>) {
    match change {
        SecretChange::Keep => (true, None),
        SecretChange::Set(value) => (false, Some(value)),
        SecretChange::Clear => (false, None),
    }
}

/// The other kind's settings are cleared, its secret too.
fn columns(input: &ChannelInput) -> Columns<'_> {
    match &input.target {
        Target::Webhook {
            preset,
            url,
            secret_header,
            secret,
        } => {
            let (keep_secret, secret) = secret_columns(secret);
            Columns {
                preset: preset.code(),
                url: url.as_deref(),
                secret_header: secret_header.as_deref(),
                keep_secret,
                secret,
                smtp_host: None,
                smtp_port: None,
                smtp_security: SmtpSecurity::StartTls.code(),
                smtp_username: None,
                keep_password: false,
                password: None,
                mail_from: None,
                mail_to: String::new(),
            }
        }
        Target::Email {
            host,
            port,
            security,
            username,
            password,
            from,
            to,
        } => {
            let (keep_password, password) = secret_columns(password);
            Columns {
                preset: WebhookPreset::Generic.code(),
                url: None,
                secret_header: None,
                keep_secret: false,
                secret: None,
                smtp_host: Some(host),
                smtp_port: Some(*port),
                smtp_security: security.code(),
                smtp_username: username.as_deref(),
                keep_password,
                password,
                mail_from: Some(from),
                mail_to: to.join("\n"),
            }
        }
    }
}

fn name_taken(err: sqlx::Error, input: &ChannelInput) -> StoreError {
    unique_to_conflict(
        err,
        "name",
        format!("a channel named '{}' already exists", input.name),
    )
}

/// A webhook saved without a URL where none is stored yet.
fn url_missing() -> StoreError {
    StoreError::Conflict {
        field: "url",
        message: "enter the webhook URL".into(),
    }
}

fn is_webhook(input: &ChannelInput) -> bool {
    matches!(input.target, Target::Webhook { .. })
}

pub async fn create(pool: &SqlitePool, input: &ChannelInput) -> Result<i64> {
    let mut conn = pool.acquire().await?;
    create_in(&mut conn, input).await
}

/// [`create`] on the caller's connection (inside its transaction).
pub(crate) async fn create_in(conn: &mut SqliteConnection, input: &ChannelInput) -> Result<i64> {
    let c = columns(input);
    if is_webhook(input) && c.url.is_none() {
        return Err(url_missing());
    }
    let id = sqlx::query_scalar(
        "INSERT INTO channels (name, kind, enabled, webhook_preset, url, secret_header, secret,
             smtp_host, smtp_port, smtp_security, smtp_username, smtp_password, mail_from, mail_to)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&input.name)
    .bind(input.kind().code())
    .bind(input.enabled)
    .bind(c.preset)
    .bind(c.url)
    .bind(c.secret_header)
    .bind(c.secret)
    .bind(c.smtp_host)
    .bind(c.smtp_port)
    .bind(c.smtp_security)
    .bind(c.smtp_username)
    .bind(c.password)
    .bind(c.mail_from)
    .bind(&c.mail_to)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| name_taken(e, input))?;
    Ok(id)
}

pub async fn update(pool: &SqlitePool, id: i64, input: &ChannelInput) -> Result<()> {
    let mut tx = super::write_tx(pool).await?;
    update_in(&mut tx, id, input).await?;
    tx.commit().await?;
    Ok(())
}

/// [`update`] inside the caller's transaction.
pub(crate) async fn update_in(
    tx: &mut SqliteConnection,
    id: i64,
    input: &ChannelInput,
) -> Result<()> {
    let c = columns(input);
    let done = sqlx::query(
        "UPDATE channels SET name = ?, kind = ?, enabled = ?, webhook_preset = ?,
             url = CASE WHEN ? = 'webhook' THEN COALESCE(?, url) END,
             secret_header = ?, secret = CASE WHEN ? THEN secret ELSE ? END,
             smtp_host = ?, smtp_port = ?, smtp_security = ?, smtp_username = ?,
             smtp_password = CASE WHEN ? THEN smtp_password ELSE ? END,
             mail_from = ?, mail_to = ?,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?",
    )
    .bind(&input.name)
    .bind(input.kind().code())
    .bind(input.enabled)
    .bind(c.preset)
    .bind(input.kind().code())
    .bind(c.url)
    .bind(c.secret_header)
    .bind(c.keep_secret)
    .bind(c.secret)
    .bind(c.smtp_host)
    .bind(c.smtp_port)
    .bind(c.smtp_security)
    .bind(c.smtp_username)
    .bind(c.keep_password)
    .bind(c.password)
    .bind(c.mail_from)
    .bind(&c.mail_to)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(|e| name_taken(e, input))?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    // An e-mail channel turned into a webhook has no URL to keep.
    let url: Option<String> = sqlx::query_scalar("SELECT url FROM channels WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
    if is_webhook(input) && url.is_none() {
        return Err(url_missing());
    }
    Ok(())
}

/// Whether the channel of this name stores exactly these secrets (`None`: not compared).
/// Lets an inventory file that carries secrets be applied twice with no change.
pub(crate) async fn stores_secrets(
    pool: &SqlitePool,
    name: &str,
    url: Option<&str>,
    secret: Option<&str>,
    password: Option<&str>,
) -> Result<bool> {
    let row: Option<(Option<String>, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT url, secret, smtp_password FROM channels WHERE name = ?")
            .bind(name)
            .fetch_optional(pool)
            .await?;
    let Some((stored_url, stored_secret, stored_password)) = row else {
        return Ok(false);
    };
    let same = |given: Option<&str>, stored: &Option<String>| {
        given.is_none_or(|g| stored.as_deref() == Some(g))
    };
    Ok(same(url, &stored_url) && same(secret, &stored_secret) && same(password, &stored_password))
}

/// Deletes the channel and its delivery log.
pub async fn delete(pool: &SqlitePool, id: i64) -> Result<()> {
    let done = sqlx::query("DELETE FROM channels WHERE id = ?")
        .bind(id)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_pool;

    fn webhook(name: &str, secret: SecretChange) -> ChannelInput {
        ChannelInput {
            name: name.into(),
            enabled: true,
            target: Target::Webhook {
                preset: WebhookPreset::Ntfy,
                url: Some("https://ntfy.example.test/lab".into()),
                secret_header: None,
                secret,
            },
        }
    }

    #[tokio::test]
    async fn secrets_are_kept_replaced_or_cleared_and_never_read_by_pages() {
        let (pool, _dir) = test_pool().await;
        let id = create(&pool, &webhook("phone", SecretChange::Set("tk_1".into())))
            .await
            .unwrap();
        let secret = async |pool: &SqlitePool| match destination(pool, id).await.unwrap().route {
            Route::Webhook { secret, .. } => secret,
            Route::Email { .. } => panic!("not a webhook"),
        };
        assert_eq!(secret(&pool).await.as_deref(), Some("tk_1"));
        assert!(get(&pool, id).await.unwrap().has_secret);

        update(&pool, id, &webhook("phone", SecretChange::Keep))
            .await
            .unwrap();
        assert_eq!(secret(&pool).await.as_deref(), Some("tk_1"), "kept");
        update(
            &pool,
            id,
            &webhook("phone", SecretChange::Set("tk_2".into())),
        )
        .await
        .unwrap();
        assert_eq!(secret(&pool).await.as_deref(), Some("tk_2"), "replaced");
        update(&pool, id, &webhook("phone", SecretChange::Clear))
            .await
            .unwrap();
        assert_eq!(secret(&pool).await, None, "cleared");
        assert!(!get(&pool, id).await.unwrap().has_secret);

        create(&pool, &webhook("other", SecretChange::Keep))
            .await
            .unwrap();
        let err = update(&pool, id, &webhook("OTHER", SecretChange::Keep))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict { field: "name", .. }));
        assert_eq!(get(&pool, id).await.unwrap().name, "phone");
    }

    fn hook_url(pool_url: Option<&str>) -> ChannelInput {
        ChannelInput {
            name: "discord".into(),
            enabled: true,
            target: Target::Webhook {
                preset: WebhookPreset::Discord,
                url: pool_url.map(String::from),
                secret_header: None,
                secret: SecretChange::Keep,
            },
        }
    }

    async fn stored_url(pool: &SqlitePool, id: i64) -> String {
        match destination(pool, id).await.unwrap().route {
            Route::Webhook { url, .. } => url,
            Route::Email { .. } => panic!("not a webhook"),
        }
    }

    #[tokio::test]
    async fn a_webhook_url_is_kept_when_left_empty_and_pages_see_only_its_origin() {
        let (pool, _dir) = test_pool().await;
        let err = create(&pool, &hook_url(None)).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { field: "url", .. }));

        let token = "https://discord.example.test/api/webhooks/1/t0ken";
        let id = create(&pool, &hook_url(Some(token))).await.unwrap();
        let page = get(&pool, id).await.unwrap();
        assert_eq!(
            page.url_origin.as_deref(),
            Some("https://discord.example.test")
        );
        let shown = serde_json::to_string(&page).unwrap();
        assert!(
            !shown.contains("t0ken"),
            "a page's data carries the token: {shown}"
        );

        update(&pool, id, &hook_url(None)).await.unwrap();
        assert_eq!(stored_url(&pool, id).await, token, "kept");
        let other = "https://discord.example.test/api/webhooks/2/other";
        update(&pool, id, &hook_url(Some(other))).await.unwrap();
        assert_eq!(stored_url(&pool, id).await, other, "replaced");

        // An e-mail channel turned into a webhook must be given a URL.
        let mail = ChannelInput {
            name: "mail".into(),
            enabled: true,
            target: Target::Email {
                host: "smtp.example.test".into(),
                port: 587,
                security: SmtpSecurity::StartTls,
                username: None,
                password: SecretChange::Keep,
                from: "v6watch@example.test".into(),
                to: vec!["me@example.test".into()],
            },
        };
        let mail_id = create(&pool, &mail).await.unwrap();
        let mut turned = hook_url(None);
        turned.name = "mail".into();
        let err = update(&pool, mail_id, &turned).await.unwrap_err();
        assert!(matches!(err, StoreError::Conflict { field: "url", .. }));
        assert_eq!(
            get(&pool, mail_id).await.unwrap().kind,
            "email",
            "left intact"
        );
    }
}
