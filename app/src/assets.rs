//! Where a page finds v6watch's stylesheet, script and wasm. Built from a site directory
//! (development) they keep their plain names; built into the binary they carry a hash of
//! their content, so the server hands the names to each page through this context.

use leptos::prelude::*;

/// The paths the document's head links to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssetPaths {
    pub stylesheet: String,
    pub script: String,
    pub wasm: String,
    pub icon: String,
}

impl Default for AssetPaths {
    /// The names the site build writes (`scripts/build.sh`, or cargo-leptos).
    fn default() -> Self {
        AssetPaths {
            stylesheet: "/pkg/v6watch.css".into(),
            script: "/pkg/v6watch.js".into(),
            wasm: "/pkg/v6watch.wasm".into(),
            icon: "/favicon.svg".into(),
        }
    }
}

/// The stylesheet, the icon, and the script that loads the wasm and hydrates the page
/// (carrying this response's nonce, so the page's script policy admits it).
#[component]
pub fn AssetLinks() -> impl IntoView {
    let paths = use_context::<AssetPaths>().unwrap_or_default();
    let nonce = leptos::nonce::use_nonce();
    let boot = format!(
        "import({script}).then(m => m.default({{module_or_path: {wasm}}}).then(() => m.hydrate()));",
        script = js_string(&paths.script),
        wasm = js_string(&paths.wasm),
    );
    view! {
        <link rel="stylesheet" id="leptos" href=paths.stylesheet/>
        <link rel="icon" href=paths.icon type="image/svg+xml"/>
        <link rel="modulepreload" href=paths.script.clone() crossorigin="anonymous"/>
        <link
            rel="preload"
            href=paths.wasm.clone()
            r#as="fetch"
            r#type="application/wasm"
            crossorigin="anonymous"
        />
        <script type="module" nonce=nonce>{boot}</script>
    }
}

/// A path as a JavaScript string literal (the paths are v6watch's own, but quote them right).
fn js_string(path: &str) -> String {
    let mut quoted = String::from("\"");
    for c in path.chars() {
        match c {
            '"' | '\\' => {
                quoted.push('\\');
                quoted.push(c);
            }
            '<' => quoted.push_str("\\u003c"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::js_string;

    #[test]
    fn paths_become_string_literals_that_cannot_end_the_script() {
        assert_eq!(js_string("/pkg/v6watch.js"), r#""/pkg/v6watch.js""#);
        assert_eq!(js_string(r#"/a"b\</script>"#), r#""/a\"b\\\u003c/script>""#);
    }
}
