//! The alarm banners under the header: every fired trigger and regressed item, saying when it
//! fired and what its condition reads now. Loud until someone acknowledges it (`A`); then dimmed,
//! with who acknowledged it and when, for as long as it is still true.

use super::clock;
use crate::app::{App, PanelLookup};
use crate::condition::{self, Evidence};

pub struct Banner {
    pub text: String,
    /// Loud (an alarm nobody acknowledged, the wheel waiting for someone); else dimmed.
    pub loud: bool,
    /// The key that answers it, shown at the right (`A acknowledge`).
    pub hint: &'static str,
}

impl Banner {
    fn alarm(text: String) -> Banner {
        Banner {
            text,
            loud: true,
            hint: "A acknowledge ",
        }
    }

    fn acked(text: String) -> Banner {
        Banner {
            text,
            loud: false,
            hint: "",
        }
    }
}

/// The wheel when it needs someone, then unacknowledged alarms (triggers, then regressions),
/// then the acknowledged ones.
pub fn banners(app: &App) -> Vec<Banner> {
    let mut loud = Vec::new();
    wheel_banner(app, &mut loud);
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
            loud.push(Banner::alarm(text));
        } else {
            let by = t.acked_by.as_deref().unwrap_or("?");
            let at = t.acked_at.map(|a| short_clock(app, a)).unwrap_or_default();
            quiet.push(Banner::acked(format!(
                "{text} — acked by {} {at}",
                short_actor(by)
            )));
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
        loud.push(Banner::alarm(text));
    }
    if !acked.is_empty() {
        let names: Vec<_> = acked.iter().map(|(f, _)| f.item.text.as_str()).collect();
        let by = acked
            .first()
            .and_then(|(_, s)| s.regression_acked.as_ref())
            .map(|(who, at)| format!(" — acked by {} {}", short_actor(who), short_clock(app, *at)))
            .unwrap_or_default();
        quiet.push(Banner::acked(format!(
            "REGRESSED: {}{by}",
            names.join(", ")
        )));
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

/// The wheel, when it needs someone: a watcher asks the driver, or the driver's screen is silent.
fn wheel_banner(app: &App, out: &mut Vec<Banner>) {
    use crate::app::pair;
    use crate::store::Role;
    if app.pair.me.screen.is_empty() {
        return;
    }
    match pair::role(app) {
        Role::Driving => {
            if let Some(first) = pair::askers(app).first() {
                out.push(Banner {
                    text: format!("> {} asks for the wheel", first.presence.actor),
                    loud: true,
                    hint: "w hand over ",
                });
            }
        }
        Role::Watching => {
            if let Some(d) = &app.session.driver
                && !pair::driver_alive(app, d)
            {
                out.push(Banner {
                    text: format!("> {}'s screen is silent", d.actor),
                    loud: true,
                    hint: "w take the wheel ",
                });
            }
        }
    }
}
