//! A journal that rides out its own outages, on real stores: two writers × 1,000 random actions
//! at once land whole, once each, in one order, and both screens end the same (SQLite and
//! PostgreSQL); PostgreSQL stopped for 30 s while a person ticks and a probe regresses — every
//! action and the regression exactly once, in order, after the restart; the spool is private and a
//! replay lands once. (The store's disk full: tests/faults_disk_full.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/marking.rs"]
mod marking;
#[path = "support/pair.rs"]
mod pair;
#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/store_fixture.rs"]
mod store_fixture;

use flightdeck::app::{App, SessionMeta};
use flightdeck::checklist::Checklist;
use flightdeck::journal::{Event, EventBody, EventKind, NewEvent};
use flightdeck::marking::Marker;
use flightdeck::probes::ProbeState;
use flightdeck::session::SessionState;
use flightdeck::store::{Spool, Store};
use std::collections::{BTreeMap, HashSet};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

const ITEMS: usize = 30;

fn checklist() -> Checklist {
    store_fixture::items(ITEMS)
}

fn app(checklist: Checklist, actor: &str) -> App {
    let meta = SessionMeta {
        session: "s".into(),
        actor: actor.into(),
        env: None,
        read_only: false,
    };
    App::new(checklist, meta, chrono::Utc::now())
}

async fn spool(dir: &Path, name: &str, store: &Store) -> Spool {
    Spool::open(&dir.join(format!("{name}.db")), store, "s")
        .await
        .unwrap()
}

/// A tiny deterministic generator: the same "random" actions on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// 1,000 random actions by keys, on a random walk down the items: a tick or untick, a note, a
/// skip (its reason left empty: N/A). Each is exactly one event; the cursor stays on items. (Few
/// keys per action: the loop draws a frame per key, and a debug build draws slowly.)
fn random_actions(c: &pair::Cockpit, seed: u64) {
    let mut rng = Lcg(seed);
    let mut row = 1u64;
    for n in 0..1000 {
        match rng.next(3) {
            0 if row < ITEMS as u64 => {
                c.key('j');
                row += 1;
            }
            1 if row > 1 => {
                c.key('k');
                row -= 1;
            }
            _ => {}
        }
        match rng.next(4) {
            0 | 1 => c.key(' '),
            2 => {
                c.key('i');
                c.text(&n.to_string());
                c.enter();
            }
            _ => {
                c.key('s');
                c.enter();
            }
        }
    }
}

/// What a screen shows of the session, item by item.
fn state_of(s: &SessionState) -> BTreeMap<String, String> {
    s.items
        .iter()
        .map(|(id, st)| {
            let notes: Vec<&str> = st.notes.iter().map(|n| n.text.as_str()).collect();
            (
                id.clone(),
                format!(
                    "{:?} {:?} {:?} {:?}",
                    st.state, st.by, st.skip_reason, notes
                ),
            )
        })
        .collect()
}

async fn two_writers(url: &str) {
    let dir = tempfile::tempdir().unwrap();
    let setup = Store::open(url).await.unwrap();
    setup
        .open_session("s", &checklist(), None, "setup")
        .await
        .unwrap();
    let mut screens = Vec::new();
    for who in ["w1", "w2"] {
        // each writer a store handle (a pool) of its own, like another process
        let store = Store::open(url).await.unwrap();
        let spool = spool(dir.path(), who, &store).await;
        screens.push(pair::start(app(checklist(), who), &store, Some(spool), who).await);
    }
    for (i, c) in screens.iter().enumerate() {
        random_actions(c, 42 + i as u64);
    }
    let started = std::time::Instant::now();
    let deadline = started + Duration::from_secs(240);
    let events = loop {
        let events = setup.events_after("s", 0).await.unwrap();
        let people = events
            .iter()
            .filter(|e| e.actor == "w1" || e.actor == "w2")
            .count();
        if people >= 2000 {
            break events;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {people} of 2,000 landed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!("{url}: 2,000 actions landed in {:?}", started.elapsed());
    let last = events.last().unwrap().seq;
    for c in &screens {
        c.wait("the screen caught up", Duration::from_secs(30), |s| {
            s.last_seq == last && s.unsynced == 0
        })
        .await;
    }
    // all 2,000 in one order: each writer's own in the order it acted, none lost or doubled
    for who in ["w1", "w2"] {
        let mine: Vec<&Event> = events.iter().filter(|e| e.actor == who).collect();
        assert_eq!(mine.len(), 1000, "{who}: every action once");
        let numbers: Vec<u64> = mine
            .iter()
            .map(|e| {
                let key = e.key.as_deref().unwrap();
                key.rsplit('-').next().unwrap().parse().unwrap()
            })
            .collect();
        assert!(
            numbers.windows(2).all(|w| w[0] < w[1]),
            "{who}: in the order it acted"
        );
    }
    let keys: HashSet<&str> = events.iter().filter_map(|e| e.key.as_deref()).collect();
    assert_eq!(
        keys.len(),
        events.iter().filter(|e| e.key.is_some()).count()
    );
    let journal = SessionState::from_events("s", &checklist(), &events);
    let mut apps = Vec::new();
    for c in screens {
        apps.push(c.stop().await);
    }
    for a in &apps {
        assert_eq!(a.session.last_seq, journal.last_seq);
        assert_eq!(state_of(&a.session), state_of(&journal), "a screen differs");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_a_thousand_actions_each_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    two_writers(&format!("sqlite://{}/j.db", dir.path().display())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_writers_a_thousand_actions_each_on_postgres() {
    let pg = postgres::PgServer::start();
    two_writers(&pg.url()).await;
}

fn outage_checklist() -> Checklist {
    marking::checklist(
        vec![marking::phase(
            "p",
            None,
            vec![
                marking::item("a", None),
                marking::item("b", None),
                marking::item("c", None),
                marking::item("health", Some("api.status == 200 for 10s")),
                marking::item("later", None),
            ],
        )],
        vec![],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_for_30_seconds_loses_and_doubles_nothing() {
    let pg = postgres::PgServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&pg.url()).await.unwrap();
    let c = outage_checklist();
    store.open_session("s", &c, None, "alice").await.unwrap();
    let mut a = app(c.clone(), "alice");
    a.marker = Some(Marker::new(&c, &marking::intervals()).unwrap());
    let spool = spool(dir.path(), "alice", &store).await;
    let cockpit = pair::start(a, &store, Some(spool), "alice").await;
    // before: a person ticks `a`, the engine ticks `health`
    cockpit.key(' ');
    for secs in [0, 5, 10, 15] {
        cockpit
            .sample(marking::ok("api", secs, "status", 200.0))
            .await;
    }
    let before = cockpit
        .wait("the first ticks landed", Duration::from_secs(20), |s| {
            s.unsynced == 0 && s.text.contains("✔ Item health")
        })
        .await;

    pg.stop();
    let stopped = std::time::Instant::now();
    // during: a person ticks `b` and `c`, the probe regresses
    cockpit.key('j');
    cockpit.key(' ');
    cockpit.key('j');
    cockpit.key(' ');
    cockpit
        .wait("b and c spooled", Duration::from_secs(10), |s| {
            s.unsynced == 2
        })
        .await;
    cockpit
        .sample(marking::sample(
            "api",
            20,
            ProbeState::Crit,
            &[("status", 500.0)],
        ))
        .await;
    // the regression and the probe's change of state are journaled too
    let during = cockpit
        .wait(
            "the header to say the store is unreachable",
            Duration::from_secs(20),
            |s| !s.reachable && s.unsynced == 4,
        )
        .await;
    assert!(
        during.text.contains("store unreachable") && during.text.contains("4 waiting"),
        "{}",
        during.text
    );
    for item in ["✔ Item b", "✔ Item c"] {
        let row = during.text.lines().find(|l| l.contains(item)).unwrap();
        assert!(
            row.contains('✔') && row.contains('⇡'),
            "done but unsynced: {row}"
        );
    }
    // still said after 20 s: the mark lasts
    tokio::time::sleep(Duration::from_secs(20)).await;
    assert!(cockpit.shown().text.contains("store unreachable"));
    tokio::time::sleep(Duration::from_secs(30).saturating_sub(stopped.elapsed())).await;
    pg.start_again();
    let restarted = chrono::Utc::now();
    cockpit
        .wait("the spool drained", Duration::from_secs(60), |s| {
            s.reachable && s.unsynced == 0 && s.last_seq > before.last_seq + 2
        })
        .await;
    let app = cockpit.stop().await;
    let events = store.events_after("s", before.last_seq).await.unwrap();
    let after: Vec<(String, EventKind, Option<String>)> = events
        .iter()
        .map(|e| (e.actor.clone(), e.kind(), e.item.clone()))
        .collect();
    assert_eq!(
        after,
        [
            ("alice".into(), EventKind::Tick, Some("b".into())),
            ("alice".into(), EventKind::Tick, Some("c".into())),
            ("flightdeck".into(), EventKind::ProbeChanged, None),
            (
                "flightdeck".into(),
                EventKind::Regressed,
                Some("health".into())
            ),
        ],
        "every action and the regression once, in order"
    );
    for e in &events {
        assert!(e.at < restarted, "kept the time it happened: {e:?}");
    }
    assert!(app.session.item("health").is_some_and(|s| s.regressed));
}

#[tokio::test]
async fn the_spool_is_private_and_a_replay_lands_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/j.db", dir.path().display()))
        .await
        .unwrap();
    store
        .open_session("s", &checklist(), None, "a")
        .await
        .unwrap();
    let spool = spool(dir.path(), "spool", &store).await;
    let ev = NewEvent::on_item("a", "i0", Some("Item 0"), EventBody::tick()).with_key("k-1");
    let row = spool.push(&ev).await.unwrap();
    for file in ["spool.db", "spool.db-wal"] {
        let path = dir.path().join(file);
        if path.exists() {
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{file}");
        }
    }
    assert_eq!(spool.waiting().await.unwrap(), vec![row.clone()]);
    // delivered, then delivered again (a crash before the row was cleared): one event
    let first = store.append("s", row.event.clone()).await.unwrap();
    let again = store.append("s", row.event.clone()).await.unwrap();
    assert_eq!(first, again);
    spool.remove(row.id).await.unwrap();
    assert!(spool.waiting().await.unwrap().is_empty());
    let ticks = store
        .events_after("s", 0)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind() == EventKind::Tick)
        .count();
    assert_eq!(ticks, 1);
    // another store's spooled events are not this one's
    let other = Store::open(&format!("sqlite://{}/other.db", dir.path().display()))
        .await
        .unwrap();
    let theirs = Spool::open(&dir.path().join("spool.db"), &other, "s")
        .await
        .unwrap();
    theirs.push(&ev).await.unwrap();
    assert!(spool.waiting().await.unwrap().is_empty());
}
