//! The alarm banners under the header: every fired trigger and regressed item, saying when it
//! fired and what its condition reads now. Loud until someone acknowledges it (`A`); then dimmed,
//! with who acknowledged it and when, for as long as it is still true.

use super::clock;
use crate::app::{App, PanelLookup};
use crate::condition::{self, Evidence};

pub struct Banner {
    pub text: String,
    /// Waiting for someone to acknowledge it: loud, with the `A` hint.
    pub unacked: bool,
}

/// Unacknowledged alarms first (triggers, then regressions), then the acknowledged ones.
pub fn banners(app: &App) -> Vec<Banner> {
    let mut loud = Vec::new();
    let mut quiet = Vec::new();
    let mut fired: Vec<_> = app
        .session
        .triggers
        .iter()
        .filter(|(_, t)| t.unacknowledged || t.active)
        .collect();
    fired.sort_by(|a, b| a.0.cmp(b.0));
    for (name, t) in fired {
        let severity = t.severity.as_deref().unwrap_or("warning").to_uppercase();
        let message = t.message.clone().unwrap_or_else(|| name.clone());
        let mut text = format!("! {severity} {name}: {message}");
        if let Some(at) = t.fired_at {
            text.push_str(&format!(" — fired {}", short_clock(app, at)));
        }
        match t.cleared_at.filter(|_| !t.active) {
            Some(at) => text.push_str(&format!(", cleared {}", short_clock(app, at))),
            None => {
                let when = app
                    .checklist
                    .triggers
                    .iter()
                    .find(|tr| &tr.name == name)
                    .map(|tr| tr.when.as_str());
                if let Some(now) = when.and_then(|w| reading_now(app, w)) {
                    text.push_str(&format!(", now {now}"));
                }
            }
        }
        if t.unacknowledged {
            loud.push(Banner {
                text,
                unacked: true,
            });
        } else {
            let by = t.acked_by.as_deref().unwrap_or("?");
            let at = t.acked_at.map(|a| short_clock(app, a)).unwrap_or_default();
            quiet.push(Banner {
                text: format!("{text} — acked by {} {at}", short_actor(by)),
                unacked: false,
            });
        }
    }
    let regressed: Vec<_> = app
        .flat
        .iter()
        .filter_map(|f| {
            let status = app.session.item(&f.item.id)?;
            status.regressed.then_some((f, status))
        })
        .collect();
    let (acked, unacked): (Vec<_>, Vec<_>) = regressed
        .into_iter()
        .partition(|(_, s)| s.regression_acked.is_some());
    if let Some((first, status)) = unacked.first() {
        let names: Vec<_> = unacked.iter().map(|(f, _)| f.item.text.as_str()).collect();
        let mut text = format!("! REGRESSED: {}", names.join(", "));
        if let Some(at) = status.regressed_at {
            text.push_str(&format!(" — since {}", short_clock(app, at)));
        }
        if let Some(now) = first.item.auto.as_deref().and_then(|a| reading_now(app, a)) {
            text.push_str(&format!(", now {now}"));
        }
        loud.push(Banner {
            text,
            unacked: true,
        });
    }
    if !acked.is_empty() {
        let names: Vec<_> = acked.iter().map(|(f, _)| f.item.text.as_str()).collect();
        let by = acked
            .first()
            .and_then(|(_, s)| s.regression_acked.as_ref())
            .map(|(who, at)| format!(" — acked by {} {}", short_actor(who), short_clock(app, *at)))
            .unwrap_or_default();
        quiet.push(Banner {
            text: format!("REGRESSED: {}{by}", names.join(", ")),
            unacked: false,
        });
    }
    loud.extend(quiet);
    loud
}

/// What a condition reads now from the panels: `errors.value = 0.062`.
fn reading_now(app: &App, source: &str) -> Option<String> {
    let cond = condition::parse(source).ok()?;
    let lookup = PanelLookup { app };
    let read: Vec<String> = condition::evidence(&cond, &lookup)
        .iter()
        .filter(|e| !e.baseline)
        .map(describe)
        .collect();
    (!read.is_empty()).then(|| read.join(", "))
}

fn describe(e: &Evidence) -> String {
    let value = e.value.as_ref().map_or("—".to_owned(), ToString::to_string);
    format!("{}.{} = {value}", e.probe, e.path)
}

fn short_clock(app: &App, at: chrono::DateTime<chrono::Utc>) -> String {
    let full = clock(app, at);
    full.get(..5).unwrap_or(&full).to_owned()
}

/// `bob` for `bob@bastion`: the header has little room.
fn short_actor(actor: &str) -> &str {
    actor.split('@').next().unwrap_or(actor)
}
