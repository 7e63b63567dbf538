//! Auto-marking test kit: an injected clock, samples, checklists with `auto` items and triggers, and a
//! simulated journal that commits appended events with increasing seqs (shared by several screens).
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::app::{App, Effect, Msg, SessionMeta, update};
use flightdeck::checklist::{Checklist, Item, Phase, Severity, Trigger};
use flightdeck::condition::Evidence;
use flightdeck::condition::Value;
use flightdeck::journal::{Baseline, BaselineValue, Event, EventBody, EventKind, NewEvent};
use flightdeck::marking::Marker;
use flightdeck::probes::{ProbeState, Sample};
use flightdeck::session::SessionState;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub const SESSION: &str = "s1";

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
}

/// `secs` seconds after t0.
pub fn at(secs: i64) -> DateTime<Utc> {
    t0() + chrono::Duration::seconds(secs)
}

pub fn sample(probe: &str, secs: i64, state: ProbeState, outputs: &[(&str, f64)]) -> Sample {
    Sample {
        probe: probe.into(),
        at: at(secs),
        latency_ms: Some(3.0),
        outputs: outputs
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Number(*v)))
            .collect::<BTreeMap<_, _>>(),
        state,
        reason: None,
    }
}

pub fn ok(probe: &str, secs: i64, output: &str, v: f64) -> Sample {
    sample(probe, secs, ProbeState::Ok, &[(output, v)])
}

pub fn unknown(probe: &str, secs: i64) -> Sample {
    let mut s = sample(probe, secs, ProbeState::Unknown, &[]);
    s.latency_ms = None;
    s.reason = Some("timeout after 2s".into());
    s
}

pub fn item(id: &str, auto: Option<&str>) -> Item {
    Item {
        id: id.into(),
        text: format!("Item {id}"),
        auto: auto.map(str::to_owned),
        ..Item::default()
    }
}

pub fn phase(id: &str, budget: Option<Duration>, items: Vec<Item>) -> Phase {
    Phase {
        id: id.into(),
        name: format!("Phase {id}"),
        budget,
        items,
        ..Phase::default()
    }
}

pub fn trigger(name: &str, when: &str) -> Trigger {
    Trigger {
        name: name.into(),
        when: when.into(),
        severity: Severity::Critical,
        message: "Error rate > 5% sustained: roll back".into(),
    }
}

pub fn checklist(phases: Vec<Phase>, triggers: Vec<Trigger>) -> Checklist {
    Checklist {
        title: "Marking test".into(),
        phases,
        triggers,
        ..Checklist::default()
    }
}

/// Every probe polled every 5 s.
pub fn intervals() -> HashMap<String, Duration> {
    ["api", "write_queue", "error_rate", "redis"]
        .iter()
        .map(|p| (p.to_string(), Duration::from_secs(5)))
        .collect()
}

/// Plays the journal: one ordered list of committed events, for one or several screens.
#[derive(Default)]
pub struct Journal {
    pub events: Vec<Event>,
}

impl Journal {
    /// Commits events at `at` with the next seqs.
    pub fn append(&mut self, new: Vec<NewEvent>, at: DateTime<Utc>) -> Vec<Event> {
        new.into_iter()
            .map(|e| {
                let event = e.committed(SESSION, self.events.len() as i64 + 1, at);
                self.events.push(event.clone());
                event
            })
            .collect()
    }

    /// Commits a screen's appends at `at` and hands it back everything it has not seen; the
    /// marker's answers (phase events) are committed in turn until the screen is quiet. Returns
    /// the events committed and the effects that were not appends (bells, copies).
    pub fn commit(
        &mut self,
        app: &mut App,
        fx: Vec<Effect>,
        at: DateTime<Utc>,
    ) -> (Vec<Event>, Vec<Effect>) {
        let mut committed = Vec::new();
        let mut others = Vec::new();
        let mut fx = fx;
        loop {
            let mut mine = Vec::new();
            for e in fx {
                match e {
                    Effect::Append(ev) => mine.push(ev),
                    other => others.push(other),
                }
            }
            let acked = mine.len();
            committed.extend(self.append(mine, at));
            let unseen: Vec<Event> = self
                .events
                .iter()
                .filter(|e| e.seq > app.session.last_seq)
                .cloned()
                .collect();
            if acked == 0 && unseen.is_empty() {
                return (committed, others);
            }
            fx = update(
                app,
                Msg::Journaled {
                    events: unseen,
                    acked,
                },
            );
        }
    }

    /// Another screen catches up with the journal (what it appends in answer is committed too).
    pub fn deliver(&mut self, app: &mut App, at: DateTime<Utc>) -> (Vec<Event>, Vec<Effect>) {
        self.commit(app, Vec::new(), at)
    }
}

/// The engine alone, with its session folded from a simulated journal.
pub struct Rig {
    pub marker: Marker,
    pub session: SessionState,
    pub journal: Journal,
    pub checklist: Checklist,
}

impl Rig {
    pub fn new(checklist: Checklist) -> Rig {
        let marker = Marker::new(&checklist, &intervals()).expect("conditions parse");
        Rig {
            session: SessionState::new(SESSION, &checklist),
            marker,
            journal: Journal::default(),
            checklist,
        }
    }

    fn commit(&mut self, new: Vec<NewEvent>, at: DateTime<Utc>) -> Vec<Event> {
        let mut out = Vec::new();
        let mut new = new;
        while !new.is_empty() {
            let events = self.journal.append(new, at);
            for e in &events {
                self.session.apply(e);
            }
            out.extend(events);
            new = self.marker.on_journal(&self.session, at);
        }
        out
    }

    /// A probe sample reaches the engine; what it asks for is committed (at the sample's time).
    /// Returned: the events about items, triggers, phases and baselines — a probe's change of
    /// state is committed too but left out here (`feed_all` has it; `marking_probe_changes`
    /// tests it), so these tests read as the rules they check.
    pub fn feed(&mut self, s: Sample) -> Vec<Event> {
        self.feed_all(s)
            .into_iter()
            .filter(|e| e.kind() != flightdeck::journal::EventKind::ProbeChanged)
            .collect()
    }

    /// Like `feed`, with every event committed.
    pub fn feed_all(&mut self, s: Sample) -> Vec<Event> {
        let at = s.at;
        let new = self.marker.on_sample(&s.into(), &self.session);
        self.commit(new, at)
    }

    /// Feeds `value` of `probe.output` every 5 s from `from` to `to` seconds (inclusive).
    pub fn feed_ok(
        &mut self,
        probe: &str,
        output: &str,
        value: f64,
        from: i64,
        to: i64,
    ) -> Vec<Event> {
        let mut out = Vec::new();
        let mut t = from;
        while t <= to {
            out.extend(self.feed(ok(probe, t, output, value)));
            t += 5;
        }
        out
    }

    /// A person writes an event at `secs` (about `item`, stamped with its text, when given).
    pub fn person(
        &mut self,
        actor: &str,
        item: Option<&str>,
        body: EventBody,
        secs: i64,
    ) -> Vec<Event> {
        let ev = match item {
            Some(id) => {
                let text = self.checklist.item(id).map(|r| r.item.text.clone());
                NewEvent::on_item(actor, id, text.as_deref(), body)
            }
            None => NewEvent::new(actor, body),
        };
        self.commit(vec![ev], at(secs))
    }
}

pub fn kinds(events: &[Event]) -> Vec<EventKind> {
    events.iter().map(Event::kind).collect()
}

/// What the condition read, for an event the engine writes with evidence.
pub fn evidence(e: &Event) -> &[Evidence] {
    e.body
        .evidence()
        .unwrap_or_else(|| panic!("no evidence on {e:?}"))
}

/// The value one piece of evidence read, as a number.
pub fn number(e: &Evidence) -> f64 {
    e.value
        .as_ref()
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("no number in {e:?}"))
}

/// The body of a `baseline` event.
pub fn baseline(e: &Event) -> &Baseline {
    match &e.body {
        EventBody::Baseline(b) => b,
        other => panic!("not a baseline: {other:?}"),
    }
}

/// The output `name` of the sample a baseline captured for `probe`.
pub fn captured_value(b: &Baseline, probe: &str, name: &str) -> f64 {
    b.values
        .get(probe)
        .and_then(BaselineValue::sample)
        .and_then(|s| s.output(name))
        .and_then(|v| v.as_f64())
        .unwrap_or_else(|| panic!("no {probe}.{name} in {b:?}"))
}

pub fn meta(actor: &str) -> SessionMeta {
    SessionMeta {
        session: SESSION.into(),
        actor: actor.into(),
        env: None,
        read_only: false,
    }
}

/// A driving screen with its marker, at t0, 120x40.
pub fn driving_app(checklist: Checklist, actor: &str) -> App {
    let marker = Marker::new(&checklist, &intervals()).expect("conditions parse");
    let mut app = App::new(checklist, meta(actor), t0());
    app.marker = Some(marker);
    // the panels know the probes too (banners read what a condition reads now from them)
    let config: String = intervals()
        .keys()
        .map(|name| {
            format!(
                "[[probe]]\nname = \"{name}\"\nkind = \"sql\"\nurl = \"sqlite:x.db\"\nquery = \"select 1\"\ninterval = \"5s\"\n"
            )
        })
        .collect();
    let config = flightdeck::config::parse_str(
        std::path::Path::new("flightdeck.toml"),
        &config,
        None,
        &|_| None,
        flightdeck::probes::KINDS,
    )
    .expect("test probes load");
    app.set_probes(&config.probes);
    update(&mut app, Msg::Resize(120, 40));
    app
}
