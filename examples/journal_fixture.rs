//! Writes a journal holding every event kind through the real code paths: two cockpits (`App` +
//! `Marker`) driven by keys and probe samples, their appends committed to a real SQLite store.
//! `cargo run --example journal_fixture -- OUT.db`. `tests/fixtures/journal/` holds the one an
//! older build wrote (see its README); run this to keep a fixture of today's format before the
//! next change to it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Duration as Secs, Utc};
use flightdeck::app::{App, Effect, Key, Msg, SessionMeta, update};
use flightdeck::condition::Value;
use flightdeck::journal::{EventBody, Joined, NewEvent, Untick};
use flightdeck::marking::Marker;
use flightdeck::probes::{ProbeState, Sample};
use flightdeck::store::Store;
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

const SESSION: &str = "fixture";
const CHECKLIST: &str = "tests/fixtures/journal/checklist.toml";

struct Rig {
    store: Store,
    t0: DateTime<Utc>,
}

impl Rig {
    fn at(&self, secs: i64) -> DateTime<Utc> {
        self.t0 + Secs::seconds(secs)
    }

    /// Appends what the screen asked for, hands it back everything it has not seen, and repeats
    /// until it is quiet (the marker answers with phase and baseline events).
    async fn commit(&self, app: &mut App, fx: Vec<Effect>) {
        let mut fx = fx;
        loop {
            let mut acked = 0;
            for e in fx {
                if let Effect::Append(ev) = e {
                    self.store.append(SESSION, ev).await.unwrap();
                    acked += 1;
                }
            }
            let unseen = self
                .store
                .events_after(SESSION, app.session.last_seq)
                .await
                .unwrap();
            if acked == 0 && unseen.is_empty() {
                return;
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

    async fn probe(&self, app: &mut App, probe: &str, secs: i64, output: &str, v: f64) {
        let s = self.sample(probe, secs, ProbeState::Ok, Some((output, v)));
        self.feed(app, s).await;
    }

    async fn blind(&self, app: &mut App, probe: &str, secs: i64) {
        let mut s = self.sample(probe, secs, ProbeState::Unknown, None);
        s.latency_ms = None;
        s.reason = Some("timeout after 2s".into());
        self.feed(app, s).await;
    }

    async fn feed(&self, app: &mut App, s: Sample) {
        update(app, Msg::Clock(s.at));
        let fx = update(app, Msg::Probe(s.into()));
        self.commit(app, fx).await;
    }

    fn sample(
        &self,
        probe: &str,
        secs: i64,
        state: ProbeState,
        output: Option<(&str, f64)>,
    ) -> Sample {
        Sample {
            probe: probe.into(),
            at: self.at(secs),
            latency_ms: Some(3.0),
            outputs: output
                .map(|(k, v)| (k.to_owned(), Value::Number(v)))
                .into_iter()
                .collect::<BTreeMap<_, _>>(),
            state,
            reason: None,
        }
    }

    async fn keys(&self, app: &mut App, keys: &[Key]) {
        let fx: Vec<Effect> = keys
            .iter()
            .flat_map(|k| update(app, Msg::Key(*k)))
            .collect();
        self.commit(app, fx).await;
    }

    /// What `flightdeck run` does when it joins.
    async fn join(&self, actor: &str) {
        let joined = NewEvent::new(actor, EventBody::Joined(Joined::default()));
        self.store.append(SESSION, joined).await.unwrap();
    }
}

fn typed(s: &str) -> Vec<Key> {
    s.chars().map(Key::Char).collect()
}

fn with_enter(first: Key, text: &str) -> Vec<Key> {
    let mut keys = vec![first];
    keys.extend(typed(text));
    keys.push(Key::Enter);
    keys
}

fn select(app: &mut App, id: &str) {
    for _ in 0..app.rows.len() {
        update(app, Msg::Key(Key::Char('k')));
    }
    for _ in 0..app.rows.len() {
        if app.selected_item().map(|f| f.item.id.as_str()) == Some(id) {
            return;
        }
        update(app, Msg::Key(Key::Char('j')));
    }
    panic!("no item {id}");
}

fn screen(checklist: &flightdeck::checklist::Checklist, actor: &str, t0: DateTime<Utc>) -> App {
    let intervals: HashMap<String, Duration> = ["api", "write_queue", "error_rate", "redis"]
        .iter()
        .map(|p| (p.to_string(), Duration::from_secs(5)))
        .collect();
    let meta = SessionMeta {
        session: SESSION.into(),
        actor: actor.into(),
        env: None,
        read_only: false,
    };
    let mut app = App::new(checklist.clone(), meta, t0);
    app.marker = Some(Marker::new(checklist, &intervals).expect("conditions parse"));
    update(&mut app, Msg::Resize(120, 40));
    app
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let out = std::env::args()
        .nth(1)
        .expect("usage: journal_fixture OUT.db");
    let _ = std::fs::remove_file(&out);
    let checklist = flightdeck::checklist::load(std::path::Path::new(CHECKLIST)).unwrap();
    let store = Store::open(&format!("sqlite://{out}")).await.unwrap();
    let t0 = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
    let rig = Rig { store, t0 };
    let (alice_name, bob_name) = ("alice@bastion", "bob@laptop");

    rig.store
        .open_session(SESSION, &checklist, Some(CHECKLIST), alice_name)
        .await
        .unwrap();
    rig.join(alice_name).await;
    let mut alice = screen(&checklist, alice_name, t0);
    rig.commit(&mut alice, Vec::new()).await;
    rig.store
        .open_session(SESSION, &checklist, Some(CHECKLIST), bob_name)
        .await
        .unwrap();
    rig.join(bob_name).await;
    let mut bob = screen(&checklist, bob_name, t0);
    rig.commit(&mut bob, Vec::new()).await;

    // session baselines, and `health` pending then ticked by the engine (prep starts)
    rig.probe(&mut alice, "error_rate", 0, "value", 0.01).await;
    rig.probe(&mut alice, "write_queue", 0, "value", 3.0).await;
    rig.probe(&mut alice, "redis", 0, "len", 5.0).await;
    for t in [0, 5, 10] {
        rig.probe(&mut alice, "api", t, "status", 200.0).await;
    }

    // a co-sign across two screens
    select(&mut alice, "approve");
    rig.keys(&mut alice, &[Key::Char(' ')]).await;
    rig.commit(&mut bob, Vec::new()).await;
    select(&mut bob, "approve");
    rig.keys(&mut bob, &[Key::Char('c')]).await;
    rig.commit(&mut alice, Vec::new()).await;

    // a field missed, then met
    select(&mut alice, "latency");
    rig.keys(&mut alice, &with_enter(Key::Char('e'), "620"))
        .await;
    let mut keys = vec![Key::Char('e'), Key::Ctrl('u')];
    keys.extend(typed("430"));
    keys.push(Key::Enter);
    rig.keys(&mut alice, &keys).await;
    select(&mut alice, "latency");
    rig.keys(&mut alice, &[Key::Char(' ')]).await;

    // a note, a tick, an untick, a tick again; a skip with a reason (prep finishes)
    select(&mut alice, "announce");
    rig.keys(&mut alice, &with_enter(Key::Char('n'), "posted in #ops"))
        .await;
    rig.keys(&mut alice, &[Key::Char(' ')]).await;
    rig.keys(&mut alice, &[Key::Char(' ')]).await;
    rig.keys(&mut alice, &[Key::Char(' ')]).await;
    select(&mut alice, "docs");
    rig.keys(&mut alice, &with_enter(Key::Char('s'), "no docs change"))
        .await;

    // a note on the session (no key writes one today; the store and the fold take it)
    let note = NewEvent::new(bob_name, EventBody::note("all hands on the bridge"));
    rig.store.append(SESSION, note).await.unwrap();
    rig.commit(&mut alice, Vec::new()).await;

    // deploy: the queue pends, alice overrides it (deploy starts, its baseline is captured)
    for t in [15, 20] {
        rig.probe(&mut alice, "write_queue", t, "value", 0.0).await;
    }
    select(&mut alice, "queue");
    rig.keys(&mut alice, &with_enter(Key::Char(' '), "drained by hand"))
        .await;

    // steady ticks against the deploy baseline; the canary ticks, goes blind, recovers, regresses
    for t in [20, 25, 30, 35] {
        rig.probe(&mut alice, "error_rate", t, "value", 0.012).await;
    }
    for t in [20, 25] {
        rig.probe(&mut alice, "redis", t, "len", 0.0).await;
    }
    rig.blind(&mut alice, "redis", 30).await;
    rig.blind(&mut alice, "redis", 35).await;
    for t in [40, 45] {
        rig.probe(&mut alice, "redis", t, "len", 0.0).await;
    }
    rig.probe(&mut alice, "redis", 50, "len", 7.0).await;

    // the rollback trigger fires (steady regresses with it), clears, and is acknowledged
    for t in [40, 45, 50] {
        rig.probe(&mut alice, "error_rate", t, "value", 0.08).await;
    }
    rig.probe(&mut alice, "error_rate", 55, "value", 0.011)
        .await;
    rig.keys(&mut alice, &[Key::Char('A')]).await;

    // the smoke test: ticked, unticked with a reason (no key asks for one today), ticked again
    select(&mut alice, "smoke");
    rig.keys(&mut alice, &[Key::Char(' ')]).await;
    let untick = Untick {
        reason: Some("ran against the wrong host".into()),
        item_text: None,
    };
    let untick = alice.item_event("smoke", EventBody::Untick(untick));
    rig.store.append(SESSION, untick).await.unwrap();
    rig.commit(&mut alice, Vec::new()).await;
    rig.keys(&mut alice, &[Key::Char(' ')]).await;

    // the go/no-go
    rig.keys(&mut alice, &with_enter(Key::Char('D'), "go all green"))
        .await;
    rig.commit(&mut bob, Vec::new()).await;
    rig.store.close().await;
}
