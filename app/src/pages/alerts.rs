//! The alerts pages: open and resolved incidents with what changed and the evidence, one
//! incident in full, maintenance windows, and the header's live unread count.

use super::loaded::{id_param, loaded};
use crate::queries::alerts::{
    CheckStanding, IncidentRow, InventoryNotice, MuteRow, load_alerts, load_incident, unread_alerts,
};
use crate::queries::flash::take_flash;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// UTC, to the minute.
pub(super) fn when(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

pub(super) fn iso(at_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The incident's state in words (never by colour alone).
fn state(i: &IncidentRow) -> String {
    let mut words = vec![if i.resolved_at.is_some() {
        "resolved"
    } else {
        "open"
    }];
    if i.folded_into.is_some() {
        words.push("folded");
    }
    if i.muted {
        words.push("muted");
    }
    if i.acknowledged_at.is_some() {
        words.push("acknowledged");
    }
    words.join(" · ")
}

/// Why a check whose newest IPv6 result failed has an incident open or none (yet), in
/// plain words: one that never passed says "never worked over IPv6" and since when.
pub(super) fn standing_note(s: &CheckStanding) -> String {
    let what = if s.ever_passed {
        match s.failing_since {
            Some(at) => format!("IPv6 failing since {}", when(at)),
            None => "IPv6 failing".to_string(),
        }
    } else {
        match s.first_result_at {
            Some(at) => format!("never worked over IPv6 since {}", when(at)),
            None => "never worked over IPv6".to_string(),
        }
    };
    let maintenance = s.muted_until.map(|until| {
        format!(
            "in maintenance until {}, so no message is sent",
            when(until)
        )
    });
    let why = match (s.incident_id, s.incident_rule.as_deref()) {
        (Some(id), rule) => {
            let mut why = format!("incident #{id} is open");
            if rule == Some("never_worked") {
                why.push_str(" (told once; not repeated while this lasts)");
            }
            if let Some(m) = maintenance {
                why.push_str(&format!("; {m}"));
            }
            why
        }
        (None, _) if s.fails_in_row < s.fail_after => {
            let mut why = format!(
                "no incident yet: one opens after {} failed runs in a row ({} so far)",
                s.fail_after, s.fails_in_row
            );
            if let Some(m) = maintenance {
                why.push_str(&format!("; {m}"));
            }
            why
        }
        (None, _) => {
            let mut why =
                "no incident yet: the alert stage has not read the newest results".to_string();
            if let Some(m) = maintenance {
                why.push_str(&format!("; {m}"));
            }
            why
        }
    };
    format!("{what} — {why}")
}

fn failing_list(failing: Vec<CheckStanding>) -> impl IntoView {
    (!failing.is_empty()).then(|| {
        view! {
            <h2 id="failing-heading">"Failing checks"</h2>
            <p>"Checks whose newest IPv6 result failed, and why an incident is open or not."</p>
            <ul class="failing" id="failing" aria-labelledby="failing-heading">
                {failing.into_iter().map(|s| {
                    let note = standing_note(&s);
                    view! {
                        <li>
                            <a href=s.subject_path()>{format!("{} {}", s.subject_kind, s.subject_name)}</a>
                            " " <code>{s.target.clone()}</code>": "
                            <span class="note">{note}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

fn acknowledge_form(id: i64, back: String) -> impl IntoView {
    view! {
        <form class="inline" method="post" action=format!("/actions/alerts/{id}/acknowledge")>
            <input type="hidden" name="back" value=back/>
            <button type="submit">"Acknowledge"</button>
        </form>
    }
}

fn row(i: IncidentRow) -> impl IntoView {
    let open = i.resolved_at.is_none();
    let class = format!(
        "incident {} {}",
        i.severity,
        if open { "open" } else { "resolved" }
    );
    let ack =
        (open && i.acknowledged_at.is_none()).then(|| acknowledge_form(i.id, "/alerts".into()));
    view! {
        <tr class=class>
            <td data-label="State">{state(&i)}</td>
            <td data-label="What"><a href=format!("/alerts/{}", i.id)>{i.title.clone()}</a>
                {i.folded_into.map(|f| view! { " " <small>"(folded into " <a href=format!("/alerts/{f}")>{format!("#{f}")}</a> ")"</small> })}</td>
            <td data-label="Subject"><a href=i.subject_path()>{format!("{} {}", i.subject_kind, i.subject_name)}</a></td>
            <td data-label="Before → after"><code>{i.before.clone()}</code> " → " <code>{i.after.clone()}</code></td>
            <td data-label="Opened"><time datetime=iso(i.opened_at)>{when(i.opened_at)}</time></td>
            <td data-label="Resolved">{i.resolved_at.map(|r| view! { <time datetime=iso(r)>{when(r)}</time> })}</td>
            <td data-label="Acknowledged">{i.acknowledged_by.clone().map(|by| format!("by {by}"))}{ack}</td>
        </tr>
    }
}

fn table(rows: Vec<IncidentRow>) -> impl IntoView {
    view! {
        <table class="list incidents">
            <thead><tr><th scope="col">"State"</th><th scope="col">"What"</th><th scope="col">"Subject"</th>
                <th scope="col">"Before → after"</th><th scope="col">"Opened"</th><th scope="col">"Resolved"</th>
                <th scope="col">"Acknowledged"</th></tr></thead>
            <tbody>{rows.into_iter().map(row).collect_view()}</tbody>
        </table>
    }
}

fn mutes_list(mutes: Vec<MuteRow>) -> impl IntoView {
    if mutes.is_empty() {
        return view! { <p class="empty">"Nothing is muted."</p> }.into_any();
    }
    view! {
        <ul class="mutes">
            {mutes.into_iter().map(|m| view! {
                <li>
                    {format!("{} {}", m.subject_kind, m.subject_name.clone().unwrap_or_else(|| m.subject_id.to_string()))}
                    " muted until " <time datetime=iso(m.until)>{when(m.until)}</time>
                    {(!m.note.is_empty()).then(|| format!(" — {}", m.note))}
                    {(!m.created_by.is_empty()).then(|| format!(" (by {})", m.created_by))}
                    " "
                    <form class="inline" method="post" action=format!("/actions/alerts/mutes/{}/delete", m.id)>
                        <button type="submit" class="link">"End now"</button>
                    </form>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// What the last mute form sent back (values and errors), if it was refused.
type MuteFlash = Resource<Result<Option<crate::queries::flash::Flash>, ServerFnError>>;

#[component]
fn MuteForm(subjects: Vec<(String, String)>, flash: MuteFlash) -> impl IntoView {
    view! {
        <Suspense>
            {move || {
                let subjects = subjects.clone();
                Suspend::new(async move {
                    let flash = flash.await.ok().flatten().unwrap_or_default();
                    let value = |f: &str| flash.values.get(f).cloned().unwrap_or_default();
                    let error = |f: &str| flash.errors.get(f).map(|e| view! { <span class="error" role="alert">{e.to_string()}</span> });
                    let chosen = value("subject");
                    view! {
                        <form class="mute" method="post" action="/actions/alerts/mutes">
                            {error("_form")}
                            <label>"Mute "
                                <select name="subject" required>
                                    <option value="">"choose…"</option>
                                    {subjects.into_iter().map(|(v, label)| {
                                        let selected = v == chosen;
                                        view! { <option value=v selected=selected>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                            {error("subject")}
                            " "
                            <label>"until (UTC) "
                                <input type="datetime-local" name="until" required value=value("until")/>
                            </label>
                            {error("until")}
                            " "
                            <label>"note " <input type="text" name="note" maxlength="200" value=value("note")/></label>
                            {error("note")}
                            " "
                            <button type="submit">"Mute"</button>
                        </form>
                    }
                })
            }}
        </Suspense>
    }
}

/// What was told the channels without an incident: live sync's news, a port new to an
/// exposure diff, a new address-plan problem.
fn notices_list(notices: Vec<InventoryNotice>) -> impl IntoView {
    (!notices.is_empty()).then(|| {
        view! {
            <h2 id="notices-heading">"Notices"</h2>
            <p>"Told to the channels once, with no incident to resolve: inventory news from live sync, ports that answer over IPv6 only, address-plan problems."</p>
            <ul class="notices" id="notices" aria-labelledby="notices-heading">
                {notices.into_iter().map(|n| {
                    let lines: Vec<String> = n.body.lines()
                        .filter_map(|l| l.strip_prefix("- "))
                        .map(str::to_string)
                        .collect();
                    view! {
                        <li>
                            <time datetime=iso(n.at)>{when(n.at)}</time>" "
                            <a href=n.path>{n.title}</a>
                            {(lines.len() > 1).then(|| view! {
                                <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    // Incidents and notices follow the live updates; the maintenance form does not, so a
    // change elsewhere never clears what is being typed into it.
    let live = super::live::use_live();
    let data = Resource::new(live, |_| load_alerts());
    let maintenance = Resource::new(|| (), |_| load_alerts());
    // Every resource of the page is made here, none inside a suspense: one made while a
    // suspended view renders gets another place in the order on the server than in the
    // browser (the page hydrates with the wrong data), and the suspense can loop making it.
    let flash: MuteFlash = Resource::new(|| (), |_| take_flash("alert-mute".into()));
    view! {
        <Title text="Alerts"/>
        <h1>"Alerts"</h1>
        {loaded(data, |d| {
            let (open, resolved): (Vec<_>, Vec<_>) = d.incidents.into_iter().partition(|i| i.resolved_at.is_none());
            view! {
                <h2>"Open"</h2>
                {if open.is_empty() { view! { <p class="empty">"No open incidents."</p> }.into_any() } else { table(open).into_any() }}
                {failing_list(d.failing)}
                {notices_list(d.notices)}
                <h2>"Resolved"</h2>
                {if resolved.is_empty() { view! { <p class="empty">"None yet."</p> }.into_any() } else { table(resolved).into_any() }}
            }
        })}
        {loaded(maintenance, move |d| {
            view! {
                <h2>"Maintenance"</h2>
                <p>"A muted host or service (and whatever runs on a muted host) still records incidents but sends no message."</p>
                {mutes_list(d.mutes)}
                <MuteForm subjects=d.subjects flash/>
            }
        })}
    }
}

#[component]
pub fn IncidentPage() -> impl IntoView {
    let id = id_param();
    let detail = Resource::new(move || id.get(), |id| load_incident(id.unwrap_or_default()));
    view! {
        {loaded(detail, |d| {
            let i = d.incident;
            let back = format!("/alerts/{}", i.id);
            let ack = (i.resolved_at.is_none() && i.acknowledged_at.is_none()).then(|| acknowledge_form(i.id, back));
            let evidence = i.evidence_lines();
            view! {
                <Title text=i.title.clone()/>
                <p><A href="/alerts">"← All alerts"</A></p>
                <h1>{i.title.clone()}</h1>
                <dl class="facts">
                    <dt>"State"</dt><dd>{state(&i)}</dd>
                    <dt>"Rule"</dt><dd><code>{i.rule.clone()}</code> " (" {i.severity.clone()} ")"</dd>
                    <dt>"Subject"</dt><dd><a href=i.subject_path()>{format!("{} {}", i.subject_kind, i.subject_name)}</a>
                        " — its checks and results"</dd>
                    <dt>"What changed"</dt><dd><code>{i.before.clone()}</code> " → " <code>{i.after.clone()}</code></dd>
                    <dt>"Opened"</dt><dd><time datetime=iso(i.opened_at)>{when(i.opened_at)}</time></dd>
                    <dt>"Resolved"</dt><dd>{i.resolved_at.map_or_else(|| "not yet".to_string(), when)}</dd>
                    <dt>"Acknowledged"</dt><dd>{match (i.acknowledged_at, i.acknowledged_by.clone()) {
                        (Some(at), by) => format!("{} by {}", when(at), by.unwrap_or_default()),
                        _ => "no".to_string(),
                    }}</dd>
                    {i.folded_into.map(|f| view! { <dt>"Folded into"</dt><dd><a href=format!("/alerts/{f}")>{format!("incident #{f}")}</a></dd> })}
                </dl>
                {ack}
                <h2>"Evidence"</h2>
                <ul class="evidence">{evidence.into_iter().map(|e| view! { <li>{e}</li> }).collect_view()}</ul>
                {(!d.folded.is_empty()).then(|| view! {
                    <h2>"Folded into this incident"</h2>
                    {table(d.folded)}
                })}
                <h2>"Messages"</h2>
                {if d.sent.is_empty() {
                    view! { <p class="empty">"None sent (folded, muted, or still waiting for a root cause)."</p> }.into_any()
                } else {
                    view! { <ul>{d.sent.into_iter().map(|s| view! { <li>{format!("{} at {}", s.kind, when(s.at))}</li> }).collect_view()}</ul> }.into_any()
                }}
            }
        })}
    }
}

/// How often the header's count is fetched again in the browser.
const UNREAD_REFRESH_MS: u64 = 15_000;

/// "Alerts" in the header with the number of incidents opened since the user last looked;
/// rendered on the server and refreshed in the browser without a reload.
#[component]
pub fn AlertsNavLink() -> impl IntoView {
    let tick = RwSignal::new(0_u32);
    let live = super::live::use_live();
    let unread = Resource::new(move || (tick.get(), live()), |_| unread_alerts());
    Effect::new(move |_| {
        set_interval(
            move || tick.update(|t| *t = t.wrapping_add(1)),
            std::time::Duration::from_millis(UNREAD_REFRESH_MS),
        );
    });
    view! {
        <A href="/alerts">
            "Alerts"
            <Transition>
                {move || Suspend::new(async move {
                    let count = unread.await.unwrap_or(0);
                    (count > 0).then(|| view! {
                        " " <span class="unread" title="new incidents since you last looked">
                            {count.to_string()}
                            <span class="visually-hidden">" unread"</span>
                        </span>
                    })
                })}
            </Transition>
        </A>
    }
}

#[cfg(test)]
mod tests {
    use super::{CheckStanding, standing_note};
    use model::SubjectKind;

    fn standing() -> CheckStanding {
        CheckStanding {
            check_id: 1,
            subject_kind: SubjectKind::Host,
            subject_id: 2,
            subject_name: "nas".into(),
            target: "2001:db8::2".into(),
            first_result_at: Some(0),
            failing_since: Some(60_000),
            fails_in_row: 1,
            ever_passed: false,
            fail_after: 2,
            incident_id: None,
            incident_rule: None,
            muted_until: None,
        }
    }

    #[test]
    fn a_failing_check_says_why_it_has_an_incident_or_none() {
        let s = standing();
        assert_eq!(
            standing_note(&s),
            "never worked over IPv6 since 1970-01-01 00:00 UTC — no incident yet: one opens after 2 failed runs in a row (1 so far)"
        );
        let s = CheckStanding {
            fails_in_row: 5,
            incident_id: Some(7),
            incident_rule: Some("never_worked".into()),
            ..standing()
        };
        assert_eq!(
            standing_note(&s),
            "never worked over IPv6 since 1970-01-01 00:00 UTC — incident #7 is open (told once; not repeated while this lasts)"
        );
        let s = CheckStanding {
            ever_passed: true,
            fails_in_row: 3,
            incident_id: Some(8),
            incident_rule: Some("down".into()),
            muted_until: Some(3_600_000),
            ..standing()
        };
        assert_eq!(
            standing_note(&s),
            "IPv6 failing since 1970-01-01 00:01 UTC — incident #8 is open; in maintenance until 1970-01-01 01:00 UTC, so no message is sent"
        );
    }
}
