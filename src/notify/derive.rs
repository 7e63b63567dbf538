//! Which journal events make which notices: a fold over the journal in seq order that knows the
//! checklist's names (phases, items, triggers) and which phases have finished, so every screen
//! reading the same journal derives the same notices with the same documents.

use super::document::Facts;
use crate::checklist::{Checklist, Severity};
use crate::config::{Level, Notice};
use crate::journal::{Event, EventBody};
use std::collections::{HashMap, HashSet};

/// The fold: see the module's doc.
#[derive(Debug, Clone)]
pub struct Deriver {
    session: String,
    title: String,
    env: Option<String>,
    /// Id and name of each phase, in order.
    phases: Vec<(String, String)>,
    /// Phases with items: the session is finished when each has finished.
    with_items: HashSet<String>,
    item_phase: HashMap<String, usize>,
    item_text: HashMap<String, String>,
    triggers: HashMap<String, (Severity, String, String)>,
    /// Started and not finished, most recent last.
    open: Vec<String>,
    last_started: Option<String>,
    finished: HashSet<String>,
    announced_finish: bool,
    last_seq: i64,
}

fn level(s: Severity) -> Level {
    match s {
        Severity::Info => Level::Info,
        Severity::Warning => Level::Warning,
        Severity::Critical => Level::Critical,
    }
}

impl Deriver {
    pub fn new(session: &str, checklist: &Checklist, env: Option<String>) -> Deriver {
        let mut item_phase = HashMap::new();
        let mut item_text = HashMap::new();
        for r in checklist.walk() {
            item_phase.insert(r.item.id.clone(), r.phase);
            item_text.insert(r.item.id.clone(), r.item.text.clone());
        }
        Deriver {
            session: session.to_owned(),
            title: checklist.title.clone(),
            env,
            phases: checklist
                .phases
                .iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect(),
            with_items: checklist
                .phases
                .iter()
                .filter(|p| !p.items.is_empty())
                .map(|p| p.id.clone())
                .collect(),
            item_phase,
            item_text,
            triggers: checklist
                .triggers
                .iter()
                .map(|t| {
                    let message = if t.message.is_empty() {
                        t.when.clone()
                    } else {
                        t.message.clone()
                    };
                    (t.name.clone(), (t.severity, message, t.when.clone()))
                })
                .collect(),
            open: Vec::new(),
            last_started: None,
            finished: HashSet::new(),
            announced_finish: false,
            last_seq: 0,
        }
    }

    fn phase_named(&self, id: &str) -> (String, String) {
        let name = self
            .phases
            .iter()
            .find(|(pid, name)| pid == id || name == id)
            .map_or(id, |(_, name)| name.as_str());
        (id.to_owned(), name.to_owned())
    }

    /// The phase the window is in: the most recently started one still open, else the last
    /// started.
    fn current_phase(&self) -> Option<(String, String)> {
        self.open
            .last()
            .or(self.last_started.as_ref())
            .map(|id| self.phase_named(id))
    }

    fn facts(&self, e: &Event, kind: Notice, severity: Level) -> Facts {
        let item = e.item.as_ref().map(|id| {
            let text = e
                .body
                .item_text()
                .map(str::to_owned)
                .or_else(|| self.item_text.get(id).cloned())
                .unwrap_or_else(|| id.clone());
            (id.clone(), text)
        });
        let phase = match (&e.item, &e.body) {
            (_, EventBody::PhaseStarted(p) | EventBody::PhaseFinished(p)) => {
                Some(self.phase_named(&p.phase))
            }
            (_, EventBody::Decision(d)) => Some(self.phase_named(&d.phase)),
            (Some(item), _) => self
                .item_phase
                .get(item)
                .and_then(|i| self.phases.get(*i))
                .cloned()
                .or_else(|| self.current_phase()),
            (None, _) => self.current_phase(),
        };
        let trigger = e.body.trigger().map(|name| {
            let known = self.triggers.get(name);
            let (message, when) = match &e.body {
                EventBody::TriggerFired(t) => (t.message.clone(), t.when.clone()),
                EventBody::TriggerCleared(t) => (
                    known.map(|k| k.1.clone()).unwrap_or_default(),
                    t.when.clone(),
                ),
                _ => known
                    .map(|k| (k.1.clone(), k.2.clone()))
                    .unwrap_or_default(),
            };
            (name.to_owned(), message, when)
        });
        let decision = match &e.body {
            EventBody::Decision(d) => Some((d.decision.clone(), d.note.clone())),
            _ => None,
        };
        let note = match &e.body {
            EventBody::Note(n) => Some(n.text.clone()),
            _ => None,
        };
        Facts {
            kind,
            severity,
            session: self.session.clone(),
            checklist: self.title.clone(),
            env: self.env.clone(),
            seq: e.seq,
            time: e.at,
            actor: e.actor.clone(),
            phase,
            item,
            trigger,
            decision,
            note,
            evidence: e.body.evidence().map(<[_]>::to_vec).unwrap_or_default(),
        }
    }

    /// The notices `e` makes (none for most events), before they are matched against targets. Events at or before one already seen are
    /// ignored, so a batch handed over twice derives nothing twice.
    pub fn on_event(&mut self, e: &Event) -> Vec<Facts> {
        if e.seq <= self.last_seq {
            return Vec::new();
        }
        self.last_seq = e.seq;
        let trigger_level = |name: &str| {
            self.triggers
                .get(name)
                .map_or(Level::Warning, |(s, ..)| level(*s))
        };
        let notice = match &e.body {
            EventBody::TriggerFired(t) => Some((Notice::TriggerFired, level(t.severity))),
            EventBody::TriggerAcked(t) => Some((Notice::TriggerAcked, trigger_level(&t.trigger))),
            EventBody::TriggerCleared(t) => {
                Some((Notice::TriggerCleared, trigger_level(&t.trigger)))
            }
            EventBody::Regressed(_) => Some((Notice::Regressed, Level::Warning)),
            EventBody::Recovered(_) => Some((Notice::Recovered, Level::Info)),
            EventBody::Decision(d) => {
                let go = d.decision.eq_ignore_ascii_case("GO");
                Some((
                    Notice::Decision,
                    if go { Level::Info } else { Level::Warning },
                ))
            }
            EventBody::PhaseStarted(p) => {
                self.open.retain(|id| *id != p.phase);
                self.open.push(p.phase.clone());
                self.last_started = Some(p.phase.clone());
                Some((Notice::PhaseStarted, Level::Info))
            }
            EventBody::PhaseFinished(p) => {
                self.open.retain(|id| *id != p.phase);
                self.finished.insert(p.phase.clone());
                Some((Notice::PhaseFinished, Level::Info))
            }
            EventBody::Note(n) if e.item.is_none() && n.phase.is_none() => {
                Some((Notice::Note, Level::Info))
            }
            _ => None,
        };
        let Some((kind, severity)) = notice else {
            return Vec::new();
        };
        let mut out = vec![self.facts(e, kind, severity)];
        let all_done = !self.with_items.is_empty() && self.with_items.is_subset(&self.finished);
        if kind == Notice::PhaseFinished && all_done && !self.announced_finish {
            self.announced_finish = true;
            let mut facts = self.facts(e, Notice::SessionFinished, Level::Info);
            facts.phase = None;
            out.push(facts);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{Item, Phase, Trigger};
    use crate::journal::{GoNoGo, NewEvent, TriggerFired, TriggerRef};

    fn checklist() -> Checklist {
        let item = |id: &str| Item {
            id: id.into(),
            text: format!("do {id}"),
            ..Item::default()
        };
        Checklist {
            title: "Deploy".into(),
            phases: vec![
                Phase {
                    id: "prep".into(),
                    name: "Preparation".into(),
                    items: vec![item("a")],
                    ..Phase::default()
                },
                Phase {
                    id: "notes".into(),
                    name: "Notes only".into(),
                    ..Phase::default()
                },
                Phase {
                    id: "go".into(),
                    name: "Go live".into(),
                    items: vec![item("b")],
                    ..Phase::default()
                },
            ],
            triggers: vec![Trigger {
                name: "slow".into(),
                when: "api.latency > 1s".into(),
                severity: Severity::Info,
                message: String::new(),
            }],
            ..Checklist::default()
        }
    }

    fn events(bodies: Vec<(Option<&str>, EventBody)>) -> Vec<Event> {
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        bodies
            .into_iter()
            .enumerate()
            .map(|(i, (item, body))| {
                let ev = match item {
                    Some(id) => NewEvent::on_item("alice", id, None, body),
                    None => NewEvent::new("alice", body),
                };
                ev.committed("s", i as i64 + 1, at)
            })
            .collect()
    }

    fn kinds(d: &mut Deriver, evs: &[Event]) -> Vec<(Notice, Level, Option<String>)> {
        evs.iter()
            .flat_map(|e| d.on_event(e))
            .map(|f| (f.kind, f.severity, f.phase.map(|p| p.1)))
            .collect()
    }

    #[test]
    fn which_events_tell_what() {
        let mut d = Deriver::new("s", &checklist(), None);
        let evs = events(vec![
            (Some("a"), EventBody::tick()),
            (None, EventBody::phase_started("prep")),
            (None, EventBody::trigger_acked("slow")),
            (None, EventBody::note("paged the DBA")),
            (Some("a"), EventBody::note("on an item: not the window's")),
            (
                None,
                EventBody::Decision(GoNoGo {
                    phase: "prep".into(),
                    decision: "NO-GO".into(),
                    note: Some("db lag".into()),
                }),
            ),
        ]);
        assert_eq!(
            kinds(&mut d, &evs),
            [
                (
                    Notice::PhaseStarted,
                    Level::Info,
                    Some("Preparation".into())
                ),
                // the trigger's own severity; the window's phase
                (
                    Notice::TriggerAcked,
                    Level::Info,
                    Some("Preparation".into())
                ),
                (Notice::Note, Level::Info, Some("Preparation".into())),
                (Notice::Decision, Level::Warning, Some("Preparation".into())),
            ]
        );
        // a batch handed over again tells nothing twice
        assert!(kinds(&mut d, &evs).is_empty());
    }

    #[test]
    fn the_last_phase_to_finish_finishes_the_session_once() {
        let mut d = Deriver::new("s", &checklist(), None);
        let fired = EventBody::TriggerFired(TriggerFired {
            trigger: "slow".into(),
            severity: Severity::Critical,
            message: "slow".into(),
            evidence: Vec::new(),
            when: "api.latency > 1s".into(),
        });
        let evs = events(vec![
            (None, EventBody::phase_started("go")),
            (None, EventBody::phase_finished("go")),
            (None, fired),
            (None, EventBody::phase_started("prep")),
            (None, EventBody::phase_finished("prep")),
            (None, EventBody::phase_finished("prep")),
            (
                None,
                EventBody::TriggerAcked(TriggerRef {
                    trigger: "x".into(),
                }),
            ),
        ]);
        let told = kinds(&mut d, &evs);
        assert_eq!(
            told,
            [
                (Notice::PhaseStarted, Level::Info, Some("Go live".into())),
                (Notice::PhaseFinished, Level::Info, Some("Go live".into())),
                // as the journal says: critical; the last phase started
                (
                    Notice::TriggerFired,
                    Level::Critical,
                    Some("Go live".into())
                ),
                (
                    Notice::PhaseStarted,
                    Level::Info,
                    Some("Preparation".into())
                ),
                (
                    Notice::PhaseFinished,
                    Level::Info,
                    Some("Preparation".into())
                ),
                (Notice::SessionFinished, Level::Info, None),
                (
                    Notice::PhaseFinished,
                    Level::Info,
                    Some("Preparation".into())
                ),
                // a trigger the checklist does not know: warning; none open, the last started
                (
                    Notice::TriggerAcked,
                    Level::Warning,
                    Some("Preparation".into())
                ),
            ]
        );
    }
}
