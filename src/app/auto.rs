//! The app's side of auto-marking: samples and journal news go to the marker, its events go to the
//! journal (with the bell on a fired trigger), and the countdowns on screen follow the clock.

use super::App;
use super::append;
use super::msg::Effect;
use crate::journal::EventBody;
use crate::marking::AutoStatus;
use crate::probes::Sample;
use std::collections::HashMap;
use std::sync::Arc;

/// A probe sample: the marker's events are appended; one bell per trigger fired.
pub(super) fn on_sample(app: &mut App, sample: &Arc<Sample>, fx: &mut Vec<Effect>) {
    if !super::pair::writes_auto(app) {
        return;
    }
    let Some(marker) = app.marker.as_mut() else {
        return;
    };
    let events = marker.on_sample(sample, &app.session);
    for ev in events {
        if matches!(ev.body, EventBody::TriggerFired(_)) && app.bell {
            fx.push(Effect::Bell);
        }
        append(app, fx, ev);
    }
    let now = app.now.max(sample.at);
    refresh(app, now);
}

/// The journal moved: phases may have started or finished.
pub(super) fn on_journal(app: &mut App, fx: &mut Vec<Effect>) {
    if !super::pair::writes_auto(app) {
        return;
    }
    let Some(marker) = app.marker.as_mut() else {
        return;
    };
    let events = marker.on_journal(&app.session, app.now);
    for ev in events {
        append(app, fx, ev);
    }
    refresh(app, app.now);
}

/// Recomputes the countdowns; the screen is dirty only when what it shows changed (a countdown's
/// second, or an item starting or stopping to hold).
pub(super) fn refresh(app: &mut App, now: chrono::DateTime<chrono::Utc>) {
    let Some(marker) = &app.marker else {
        return;
    };
    let auto = marker.auto_status(now);
    if shown(&auto) != shown(&app.auto) {
        app.dirty = true;
    }
    app.auto = auto;
}

/// What the screen shows of each status: pending and its whole seconds left, or waiting.
fn shown(auto: &HashMap<String, AutoStatus>) -> HashMap<&str, Option<u64>> {
    auto.iter()
        .map(|(id, s)| {
            let secs = match s {
                AutoStatus::Pending { remaining_ms, .. } => Some(remaining_ms / 1000),
                AutoStatus::Waiting { .. } => None,
            };
            (id.as_str(), secs)
        })
        .collect()
}
