//! Who was on the window: every person with the role(s) they had, how long they drove (each spell
//! at the wheel, and how it came to them), the screens they used, and what they did.
//!
//! Only journals written with pair-watching say who drove and from where; for older ones the
//! report keeps its older shape (the `actors` list alone).

use crate::journal::{EventBody, JoinMode, WheelHow};
use crate::session::SessionState;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One person's part in the window.
pub struct Person {
    pub actor: String,
    /// `driving` and/or `watching`.
    pub roles: Vec<&'static str>,
    pub driving_s: i64,
    pub spells: Vec<(DateTime<Utc>, Option<DateTime<Utc>>, WheelHow)>,
    /// `user@host` (and the ssh client) of each screen they opened, with its mode.
    pub screens: Vec<String>,
    /// How many events of each kind they journaled (presence and the wheel left out).
    pub did: BTreeMap<String, usize>,
}

/// Whether the journal knows who drove (it was written with pair-watching).
pub fn known(state: &SessionState) -> bool {
    !state.screens.is_empty() || !state.spells.is_empty()
}

/// Every person, in order of first appearance.
pub fn people(state: &SessionState) -> Vec<Person> {
    let end = state.events.last().map(|e| e.at);
    let mut actors: Vec<String> = state.actors.clone();
    for name in state
        .screens
        .iter()
        .map(|s| &s.actor)
        .chain(state.spells.iter().map(|s| &s.actor))
    {
        if !actors.contains(name) {
            actors.push(name.clone());
        }
    }
    actors
        .into_iter()
        .map(|actor| {
            let spells: Vec<_> = state
                .spells
                .iter()
                .filter(|s| s.actor == actor)
                .map(|s| (s.from, s.to, s.how))
                .collect();
            let driving_ms: i64 = spells
                .iter()
                .map(|(from, to, _)| millis(*from, to.or(end)))
                .sum();
            let screens: Vec<_> = state.screens.iter().filter(|s| s.actor == actor).collect();
            let on_screens: i64 = screens
                .iter()
                .map(|s| millis(s.joined_at, s.left_at.or(end)))
                .sum();
            let mut roles = Vec::new();
            if !spells.is_empty() {
                roles.push("driving");
            }
            // on a screen while someone else drove
            if screens.iter().any(|s| s.mode == JoinMode::Watch) || on_screens > driving_ms {
                roles.push("watching");
            }
            let mut did = BTreeMap::new();
            for e in state.events.iter().filter(|e| e.actor == actor) {
                if !matches!(
                    e.body,
                    EventBody::Joined(_) | EventBody::Left(_) | EventBody::Wheel(_)
                ) {
                    *did.entry(e.body.kind_name().to_owned()).or_insert(0) += 1;
                }
            }
            Person {
                actor,
                roles,
                driving_s: driving_ms / 1000,
                spells,
                screens: screens
                    .iter()
                    .map(|s| {
                        let mut text = match (&s.os_user, &s.host) {
                            (Some(u), Some(h)) => format!("{u}@{h}"),
                            _ => s.screen.clone(),
                        };
                        if let Some(c) = &s.client {
                            text.push_str(&format!(" from {c}"));
                        }
                        text.push_str(&format!(" ({})", s.mode.as_str()));
                        text
                    })
                    .collect(),
                did,
            }
        })
        .collect()
}

fn millis(from: DateTime<Utc>, to: Option<DateTime<Utc>>) -> i64 {
    to.map_or(0, |t| (t - from).num_milliseconds().max(0))
}

/// The `people` array of the JSON report.
pub fn json(state: &SessionState) -> Value {
    Value::Array(
        people(state)
            .into_iter()
            .map(|p| {
                json!({
                    "actor": p.actor,
                    "roles": p.roles,
                    "driving_s": p.driving_s,
                    "spells": p.spells.iter().map(|(from, to, how)| json!({
                        "from": from, "to": to, "how": how.as_str(),
                    })).collect::<Vec<_>>(),
                    "screens": p.screens,
                    "did": p.did,
                })
            })
            .collect(),
    )
}
