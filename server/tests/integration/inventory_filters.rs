//! The inventory lists' filters and sort order over HTTP: each criterion (search text, tag,
//! kind or runtime, verdict, in prefix) keeps the right rows, column headers sort both ways
//! and say so with `aria-sort`, and a bad prefix is explained while the list stays whole.

use reqwest::StatusCode;

use crate::support;

use support::{TestApp, spawn};

impl TestApp {
    async fn host(&self, name: &str, dns: &str, addresses: &str, tags: &str) -> i64 {
        let r = self
            .post(
                "/actions/hosts",
                &[
                    ("name", name),
                    ("dns_name", dns),
                    ("addresses", addresses),
                    ("tags", tags),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        to.rsplit('/').next().unwrap().parse().unwrap()
    }

    async fn sql(&self, statement: &str) {
        sqlx::query(statement).execute(&self.pool).await.unwrap();
    }

    /// The names linked from the rows of the table `table_id`, in page order.
    async fn rows(&self, path: &str, table_id: &str, prefix: &str) -> Vec<String> {
        let page = self.page(path).await;
        rows_of(&page, table_id, prefix)
    }
}

fn rows_of(page: &str, table_id: &str, prefix: &str) -> Vec<String> {
    let Some((_, table)) = page.split_once(&format!("id=\"{table_id}\"")) else {
        return Vec::new();
    };
    let table = table.split("</table>").next().unwrap();
    let body = table.split("<tbody>").nth(1).unwrap_or("");
    let marker = format!("href=\"{prefix}");
    body.split("<tr")
        .skip(1)
        .filter_map(|row| {
            let link = row.split(&marker).nth(1)?;
            let text = link.split_once('>')?.1.split('<').next()?;
            Some(text.to_string())
        })
        .collect()
}

#[tokio::test]
async fn hosts_filter_by_text_tag_and_prefix_and_sort_both_ways() {
    let app = spawn().await;
    app.host("alpha", "alpha.lab.test", "2001:db8:1::10", "lab")
        .await;
    app.host("Bravo", "", "2001:db8:2::20", "edge").await;
    app.host("charlie", "", "fd00::30", "lab, edge").await;
    let hosts = |q: &'static str| {
        let app = &app;
        async move { app.rows(&format!("/hosts{q}"), "hosts", "/hosts/").await }
    };

    assert_eq!(hosts("").await, ["alpha", "Bravo", "charlie"]);
    // Free text: name (any case), DNS name, address.
    assert_eq!(hosts("?q=BRAVO").await, ["Bravo"]);
    assert_eq!(hosts("?q=alpha.lab").await, ["alpha"]);
    assert_eq!(hosts("?q=fd00%3A%3A3").await, ["charlie"]);
    assert_eq!(hosts("?tag=lab").await, ["alpha", "charlie"]);
    assert_eq!(
        hosts("?prefix=2001%3Adb8%3A%3A%2F32").await,
        ["alpha", "Bravo"]
    );
    assert_eq!(hosts("?prefix=2001%3Adb8%3A1%3A%3A%2F48").await, ["alpha"]);
    assert_eq!(hosts("?tag=edge&q=char").await, ["charlie"]);
    assert!(hosts("?q=nothing-like-this").await.is_empty());

    // The filter form is a GET form showing what was asked, and says how many are shown.
    let page = app.page("/hosts?tag=lab").await;
    let form = page
        .split("<form")
        .find(|f| f.contains(r#"class="filters""#))
        .unwrap();
    let form_tag = form.split('>').next().unwrap();
    assert!(form_tag.contains(r#"method="get""#), "{form_tag}");
    assert!(form_tag.contains(r#"action="/hosts""#), "{form_tag}");
    assert!(
        page.contains(r#"id="filter-tag" name="tag" type="text" value="lab""#),
        "{page}"
    );
    assert!(page.contains("Showing 2 of 3 hosts."), "{page}");

    // Sorting: by name descending; by address (numeric) both ways.
    assert_eq!(
        hosts("?sort=name&dir=desc").await,
        ["charlie", "Bravo", "alpha"]
    );
    assert_eq!(hosts("?sort=address").await, ["alpha", "Bravo", "charlie"]);
    assert_eq!(
        hosts("?sort=address&dir=desc").await,
        ["charlie", "Bravo", "alpha"]
    );
    let page = app.page("/hosts?sort=name&dir=desc&tag=lab").await;
    let name_header = page.split("<th").find(|th| th.contains(">Name<")).unwrap();
    assert!(
        name_header.contains(r#"aria-sort="descending""#),
        "{name_header}"
    );
    // Following it again sorts ascending and keeps the filter.
    assert!(
        name_header.contains("href=\"?tag=lab&amp;sort=name&amp;dir=asc\""),
        "{name_header}"
    );
    let dns_header = page
        .split("<th")
        .find(|th| th.contains(">DNS name<"))
        .unwrap();
    assert!(!dns_header.contains("aria-sort"), "{dns_header}");
}

#[tokio::test]
async fn a_bad_prefix_is_explained_and_the_list_stays_whole() {
    let app = spawn().await;
    app.host("alpha", "", "2001:db8:1::10", "").await;
    app.host("bravo", "", "fd00::1", "").await;
    let page = app.page("/hosts?prefix=2001%3Adb8%3A%3Azz%2F64").await;
    assert!(page.contains(r#"id="prefix-error""#), "{page}");
    assert!(page.contains("is not a prefix (address/length)"), "{page}");
    assert_eq!(rows_of(&page, "hosts", "/hosts/"), ["alpha", "bravo"]);
    let page = app.page("/hosts?prefix=2001%3Adb8%3A%3A1%2F64").await;
    assert!(page.contains("has host bits set"), "{page}");
    assert_eq!(rows_of(&page, "hosts", "/hosts/"), ["alpha", "bravo"]);
}

#[tokio::test]
async fn containers_tunnels_and_services_filter_by_kind_prefix_and_verdict() {
    let app = spawn().await;
    let pi = app.host("pi", "", "2001:db8:1::1", "").await;
    app.sql(&format!(
        "INSERT INTO containers (name, runtime, host_id, network_mode) VALUES
            ('web', 'lxc', {pi}, 'bridged'), ('db', 'docker', {pi}, 'bridged'),
            ('cache', 'docker', {pi}, 'bridged')"
    ))
    .await;
    let containers = |q: &'static str| {
        let app = &app;
        async move {
            app.rows(&format!("/containers{q}"), "containers", "/containers/")
                .await
        }
    };
    assert_eq!(containers("").await, ["cache", "db", "web"]);
    assert_eq!(containers("?kind=docker").await, ["cache", "db"]);
    assert_eq!(
        containers("?kind=docker&sort=name&dir=desc").await,
        ["db", "cache"]
    );
    assert_eq!(containers("?q=pi&kind=lxc").await, ["web"]);

    app.sql(
        "INSERT INTO tunnels (name, kind, remote_endpoint, routed_prefixes) VALUES
            ('he', '6in4', '198.51.100.1', '2001:db8:100::/48'),
            ('wg', 'wireguard', '203.0.113.9', 'fd10::/64')",
    )
    .await;
    let tunnels = |q: &'static str| {
        let app = &app;
        async move {
            app.rows(&format!("/tunnels{q}"), "tunnels", "/tunnels/")
                .await
        }
    };
    assert_eq!(tunnels("?kind=wireguard").await, ["wg"]);
    assert_eq!(tunnels("?prefix=2001%3Adb8%3A%3A%2F32").await, ["he"]);
    assert_eq!(tunnels("?sort=remote&dir=desc").await, ["wg", "he"]);

    app.sql(&format!(
        "INSERT INTO services (name, kind, target, port, host_id) VALUES
            ('cloud', 'http', 'https://[2001:db8:1::80]/', NULL, {pi}),
            ('ssh', 'tcp', '2001:db8:2::22', 22, {pi}),
            ('blog', 'http', 'https://blog.example.test/', NULL, {pi})"
    ))
    .await;
    let services = |q: &'static str| {
        let app = &app;
        async move {
            app.rows(&format!("/services{q}"), "services", "/services/")
                .await
        }
    };
    assert_eq!(services("").await, ["blog", "cloud", "ssh"]);
    assert_eq!(services("?kind=http").await, ["blog", "cloud"]);
    assert_eq!(
        services("?prefix=2001%3Adb8%3A1%3A%3A%2F48").await,
        ["cloud"]
    );
    assert_eq!(services("?q=example.test").await, ["blog"]);
    assert_eq!(services("?verdict=unjudged&kind=tcp").await, ["ssh"]);
    assert!(services("?verdict=broken").await.is_empty());
    assert_eq!(
        services("?sort=kind&dir=desc").await,
        ["ssh", "blog", "cloud"]
    );
}

/// The prefixes shown in the address plan's tree, in page order.
fn plan_of(page: &str) -> Vec<String> {
    let Some((_, tree)) = page.split_once("id=\"plan\"") else {
        return Vec::new();
    };
    let tree = tree.split("</ul>\n").next().unwrap();
    tree.split("<li")
        .skip(1)
        // Prefix entries carry their depth; the addresses placed in them do not.
        .filter(|item| {
            item.split('>')
                .next()
                .is_some_and(|tag| tag.contains("data-depth"))
        })
        .filter_map(|item| {
            let code = item.split("<code>").nth(1)?;
            Some(code.split('<').next()?.to_string())
        })
        .collect()
}

#[tokio::test]
async fn the_address_plan_filters_by_text_prefix_and_family() {
    let app = spawn().await;
    for (cidr, purpose) in [
        ("2001:db8:1::/48", "broker"),
        ("2001:db8:1:10::/64", "LAN"),
        ("2001:db8:2::/48", "lab"),
        ("192.0.2.0/24", "legacy"),
    ] {
        let r = app
            .post("/actions/prefixes", &[("cidr", cidr), ("purpose", purpose)])
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{cidr}");
    }
    app.host("nas", "", "2001:db8:1:10::5", "").await;
    let plan = async |query: &str| plan_of(&app.page(&format!("/prefixes{query}")).await);
    assert_eq!(plan("").await.len(), 4);
    assert_eq!(plan("?q=lan").await, ["2001:db8:1:10::/64"]);
    assert_eq!(plan("?q=nas").await, ["2001:db8:1:10::/64"], "by owner");
    assert_eq!(
        plan("?prefix=2001:db8:1::/48").await,
        ["2001:db8:1::/48", "2001:db8:1:10::/64"]
    );
    assert_eq!(plan("?kind=ipv4").await, ["192.0.2.0/24"]);
    let page = app.page("/prefixes?q=nothing-like-it").await;
    assert!(page.contains("No prefix matches.") && page.contains("Showing 0 of 4 prefixes."));
}
