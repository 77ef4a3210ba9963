//! Inventory forms: plain HTML forms that post to `/actions/...` and work without
//! JavaScript; once hydrated, each field is checked as the user types with the same
//! validation the server runs.

use crate::queries::flash::{Flash, take_flash};
use leptos::prelude::*;
use model::domain::FieldErrors;
use model::domain::FormValues;
use model::domain::form::Choice;
use std::collections::BTreeSet;

/// Checks a whole form and returns its errors (empty when valid).
pub type Validator = fn(&FormValues) -> FieldErrors;

#[derive(Clone, Copy)]
struct FormCtx {
    values: RwSignal<FormValues>,
    touched: RwSignal<BTreeSet<String>>,
    server_errors: StoredValue<FieldErrors>,
    validate: StoredValue<Validator>,
}

impl FormCtx {
    /// A touched field shows the live check; an untouched one what the server said.
    fn error(&self, field: &str) -> Option<String> {
        if self.touched.with(|t| t.contains(field)) {
            let validate = self.validate.get_value();
            self.values
                .with(|values| validate(values).get(field).map(str::to_string))
        } else {
            self.server_errors
                .with_value(|e| e.get(field).map(str::to_string))
        }
    }

    fn initial(&self, field: &str) -> String {
        self.values
            .with_untracked(|v| v.get(field).cloned().unwrap_or_default())
    }

    fn set(&self, field: &'static str, value: String) {
        self.values.update(|v| {
            v.insert(field.to_string(), value);
        });
        self.touched.update(|t| {
            t.insert(field.to_string());
        });
    }
}

/// What a form starts from: a just-rejected submission if there is one, else the stored
/// record's values (when editing), else blanks.
pub async fn starting_values(
    form: String,
    stored: impl std::future::Future<Output = Result<Option<FormValues>, ServerFnError>>,
) -> Result<(FormValues, FieldErrors), ServerFnError> {
    if let Some(Flash { values, errors, .. }) = take_flash(form).await? {
        return Ok((values, errors));
    }
    Ok((stored.await?.unwrap_or_default(), FieldErrors::default()))
}

#[component]
pub fn InventoryForm(
    action: String,
    values: FormValues,
    errors: FieldErrors,
    validate: Validator,
    submit: &'static str,
    cancel: String,
    children: Children,
) -> impl IntoView {
    let form_error = errors.get("_form").map(str::to_string);
    // Warnings after a save: the object is stored already, so leaving is keeping it.
    let only_warnings = !errors.0.is_empty()
        && errors
            .0
            .keys()
            .all(|k| model::plan_rules::is_warning_key(k));
    let leave = if only_warnings {
        "Keep as saved"
    } else {
        "Cancel"
    };
    let ctx = FormCtx {
        values: RwSignal::new(values),
        touched: RwSignal::new(BTreeSet::new()),
        server_errors: StoredValue::new(errors),
        validate: StoredValue::new(validate),
    };
    provide_context(ctx);
    view! {
        <form class="inventory" method="post" action=action novalidate>
            {form_error.map(|e| view! { <div class="notice error" role="alert">{e}</div> })}
            {children()}
            <div class="actions">
                <button type="submit" class="primary">{submit}</button>
                <a href=cancel>{leave}</a>
            </div>
        </form>
    }
}

fn field_ctx() -> FormCtx {
    expect_context::<FormCtx>()
}

#[component]
fn FieldError(name: &'static str) -> impl IntoView {
    let ctx = field_ctx();
    let warning = ctx.server_errors.with_value(|e| {
        e.get(&model::plan_rules::warning_key(name))
            .map(str::to_string)
    });
    view! {
        {move || {
            ctx.error(name).map(
                |e| view! { <p class="field-error" id=format!("{name}-error") role="alert">{e}</p> },
            )
        }}
        {warning.map(|w| view! { <p class="field-warning" id=format!("{name}-warning")>{w}</p> })}
    }
}

#[component]
pub fn TextField(
    name: &'static str,
    label: &'static str,
    #[prop(optional, into)] hint: String,
    #[prop(optional)] placeholder: &'static str,
    /// The input type; text unless given (e.g. "password").
    #[prop(optional)]
    kind: Option<&'static str>,
    #[prop(optional)] autocomplete: &'static str,
) -> impl IntoView {
    let ctx = field_ctx();
    view! {
        <div class="field" data-field=name class:invalid=move || ctx.error(name).is_some()>
            <label for=name>{label}</label>
            <input
                id=name
                name=name
                type=kind.unwrap_or("text")
                autocomplete=autocomplete
                value=ctx.initial(name)
                placeholder=placeholder
                aria-invalid=move || if ctx.error(name).is_some() { "true" } else { "false" }
                aria-describedby=format!("{name}-error {name}-warning {name}-hint")
                on:input=move |ev| ctx.set(name, event_target_value(&ev))
            />
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{name}-hint")>{hint}</p> })}
            <FieldError name/>
        </div>
    }
}

/// The text inside a `<textarea>`. The renderer writes a textarea's children into the
/// server's HTML as they are (it treats the element like `<script>`), so a stored
/// `</textarea><script>` would end the element and run: the server escapes the text here.
/// In the browser the text is set as a text node (and hydration leaves a textarea's
/// children alone), so it stays as typed.
/// A leading newline is doubled there, since the HTML parser drops the first one.
fn textarea_text(value: String) -> String {
    #[cfg(feature = "ssr")]
    let value = {
        let escaped = html_escape::encode_text(&value).into_owned();
        if escaped.starts_with('\n') {
            format!("\n{escaped}")
        } else {
            escaped
        }
    };
    value
}

#[component]
pub fn TextArea(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let ctx = field_ctx();
    view! {
        <div class="field" class:invalid=move || ctx.error(name).is_some()>
            <label for=name>{label}</label>
            <textarea
                id=name
                name=name
                rows="4"
                placeholder=placeholder
                aria-invalid=move || if ctx.error(name).is_some() { "true" } else { "false" }
                aria-describedby=format!("{name}-error {name}-warning {name}-hint")
                on:input=move |ev| ctx.set(name, event_target_value(&ev))
            >
                {textarea_text(ctx.initial(name))}
            </textarea>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{name}-hint")>{hint}</p> })}
            <FieldError name/>
        </div>
    }
}

/// A checkbox that posts `1` when ticked (and nothing when not).
#[component]
pub fn CheckboxField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let ctx = field_ctx();
    let checked = ctx.initial(name) == "1";
    view! {
        <div class="field checkbox" class:invalid=move || ctx.error(name).is_some()>
            <label>
                <input
                    type="checkbox"
                    id=name
                    name=name
                    value="1"
                    checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctx.set(name, if on { "1".into() } else { String::new() })
                    }
                />
                " " {label}
            </label>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{name}-hint")>{hint}</p> })}
            <FieldError name/>
        </div>
    }
}

/// A select over (value, label) options; `blank` adds an empty first option.
#[component]
pub fn SelectField(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    #[prop(optional)] blank: Option<&'static str>,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let ctx = field_ctx();
    let current = ctx.initial(name);
    let blank = blank.map(|text| {
        let selected = current.is_empty();
        view! { <option value="" selected=selected>{text}</option> }
    });
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let selected = value == current;
            view! { <option value=value selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:invalid=move || ctx.error(name).is_some()>
            <label for=name>{label}</label>
            <select
                id=name
                name=name
                aria-describedby=format!("{name}-error {name}-warning {name}-hint")
                on:change=move |ev| ctx.set(name, event_target_value(&ev))
            >
                {blank}
                {options}
            </select>
            {(!hint.is_empty()).then(|| view! { <p class="hint" id=format!("{name}-hint")>{hint}</p> })}
            <FieldError name/>
        </div>
    }
}

/// The options of a choice enum, for a SelectField.
pub fn choice_options<C: Choice>() -> Vec<(String, String)> {
    C::ALL
        .iter()
        .map(|c| (c.code().to_string(), c.label().to_string()))
        .collect()
}

/// A delete confirmation: says what goes, then posts to the delete action.
#[component]
pub fn ConfirmDelete(
    what: String,
    action: String,
    cancel: String,
    consequences: Vec<String>,
    /// The action's word; "Delete" unless given.
    #[prop(optional)]
    verb: Option<&'static str>,
) -> impl IntoView {
    let verb = verb.unwrap_or("Delete");
    view! {
        <section class="confirm" aria-labelledby="confirm-title">
            <h1 id="confirm-title">{verb} " " {what.clone()} "?"</h1>
            {if consequences.is_empty() {
                view! { <p>"Nothing else depends on it."</p> }.into_any()
            } else {
                view! {
                    <p>"This also affects:"</p>
                    <ul class="consequences">
                        {consequences.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <form method="post" action=action>
                <button type="submit" class="danger">{verb} " " {what}</button>
                <a href=cancel>"Cancel"</a>
            </form>
        </section>
    }
}
