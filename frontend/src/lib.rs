//! Browser entry point: hydrates the server-rendered pages.

#![recursion_limit = "256"]

use leptos::wasm_bindgen::JsValue;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
    // A flag the end-to-end tests wait for before they rely on live validation.
    let _ = js_sys::Reflect::set(
        &leptos::prelude::window(),
        &JsValue::from_str("__v6watch_hydrated"),
        &JsValue::TRUE,
    );
}
