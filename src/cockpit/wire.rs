//! Wiring a cockpit without a terminal: join the session, start the journal worker (spool and
//! delivery), the follower, the presence heartbeat, the probe scheduler, the marker and the
//! notifier, and hand back the app and the loop's wiring — what `run` puts on the terminal, and
//! what tests and benchmarks put on a headless screen. `Closing::close` journals the leave on the
//! way out.

use super::{Launch, join};
use crate::app::{self, App, Effect, Msg, SessionMeta};
use crate::config::NotifyTarget;
use crate::journal::{EventBody, Left, NewEvent};
use crate::marking::Marker;
use crate::notify::{self, Notifier};
use crate::runtime::{self, Clock, JournalCmd, JournalSetup, Wiring};
use crate::store::{Spool, Store};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// A cockpit ready to run: its app, the loop's wiring, and what closing it takes.
pub struct Wired {
    pub app: App,
    pub wiring: Wiring,
    pub closing: Closing,
}

/// What the way out needs: the journal (for the leave), and the presence heartbeat to stop.
pub struct Closing {
    journal: mpsc::UnboundedSender<JournalCmd>,
    cancel: CancellationToken,
    presence_cancel: CancellationToken,
    heartbeats: tokio::task::JoinHandle<()>,
    screen: String,
    notifier: Option<Notifier>,
}

/// How long a notification attempt in flight at quit may take to finish (and be recorded).
const NOTIFY_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// Everything `run` does before the terminal: see the module's doc. No notify targets.
pub async fn wire(launch: Launch) -> anyhow::Result<Wired> {
    wire_notifying(launch, Vec::new()).await
}

/// `wire`, with the config's `[[notify]]` targets told about the session's events.
pub async fn wire_notifying(launch: Launch, targets: Vec<NotifyTarget>) -> anyhow::Result<Wired> {
    let Launch {
        checklist,
        checklist_path,
        probes,
        store,
        session,
        actor,
        env,
        read_only,
        ascii,
        color,
        light,
        bell,
        mut demo,
    } = launch;
    let intervals: HashMap<String, std::time::Duration> = probes
        .iter()
        .map(|p| (p.name.clone(), p.interval))
        .collect();
    // every screen has a marker: a watcher uses it once it takes the wheel
    let marker = Marker::new(&checklist, &intervals).map_err(|errors| {
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        anyhow::anyhow!("{}", text.join("\n"))
    })?;
    // a checklist edited since the session last ran: what changed, shown before anything else
    let mut changes = None;
    if !read_only {
        if let Ok(previous) = store.checklist(&session).await {
            changes = Some(crate::checklist::diff(&previous, &checklist)).filter(|d| !d.is_empty());
        }
        store
            .open_session(&session, &checklist, checklist_path.as_deref(), &actor)
            .await?;
    }
    let me = runtime::identity();
    let joining = join::join(
        &store,
        &session,
        (&checklist, checklist_path.as_deref()),
        &actor,
        &me,
        read_only,
    )
    .await?;
    let events = joining.events;
    let last_seq = events.last().map_or(0, |e| e.seq);
    let notify_setup = (!targets.is_empty()).then(|| notify::Setup {
        store: store.clone(),
        session: session.clone(),
        screen: me.screen.clone(),
        targets,
        checklist: checklist.clone(),
        env: env.clone(),
        secrets: probes
            .iter()
            .flat_map(|p| p.settings.secret_parts())
            .collect(),
        journal: events.clone(),
    });

    let meta = SessionMeta {
        session: session.clone(),
        actor,
        env,
        read_only,
    };
    let mut app = App::new(checklist, meta, Utc::now());
    app.ascii = ascii;
    app.color = color;
    app.light = light;
    app.bell = bell;
    app.demo = demo.is_some().then(app::demo::DemoState::new);
    app.utc_offset_secs = chrono::Local::now().offset().local_minus_utc();
    app.marker = Some(marker);
    app.pair.me = me.clone();
    app.pair.seen = joining.rows;
    app.set_probes(&probes);
    app::update(&mut app, Msg::Journaled { events, acked: 0 });
    if let Some(changes) = changes {
        app.changes = Some(changes);
        app.mode = app::Mode::Changes;
    }

    let cancel = CancellationToken::new();
    let (msg_tx, msg_rx) = mpsc::channel::<Msg>(1024);
    let spool = open_spool(&store, &session).await;
    if let Err(e) = &spool {
        app::update(&mut app, Msg::JournalError(e.clone()));
    }
    let notifier = notify_setup.map(|setup| Notifier::spawn(setup, msg_tx.clone()));
    // the notifier hears every committed event the journal worker hands the app
    let journal_tx = match &notifier {
        Some(n) => tee_journaled(msg_tx.clone(), n.events()),
        None => msg_tx.clone(),
    };
    let journal = runtime::spawn_journal(
        JournalSetup {
            store: store.clone(),
            session: session.clone(),
            last_seq,
            spool: spool.ok(),
            key_prefix: me.screen.clone(),
        },
        journal_tx,
    );
    let leaving = journal.clone();

    // other instances' events: the store tells us a newer seq exists, the worker fetches them
    let subscribed = store.subscribe(&session, last_seq).await;
    let refresh_on_clock = subscribed.is_err();
    if let Ok(mut news) = subscribed {
        let journal = journal.clone();
        let cancel = cancel.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    seq = news.recv() => match seq {
                        Some(_) => {
                            let _ = journal.send(JournalCmd::Refresh);
                        }
                        None => return,
                    },
                }
            }
        });
    }

    let (probe_tx, mut probe_rx) = mpsc::channel(1024);
    let scheduler = Arc::new(crate::probes::scheduler::spawn(
        probes,
        probe_tx,
        cancel.clone(),
    ));
    {
        let msg_tx = msg_tx.clone();
        tokio::spawn(async move {
            let mut last: HashMap<String, crate::probes::ProbeState> = HashMap::new();
            while let Some(m) = probe_rx.recv().await {
                let sample = crate::probes::scheduler::ProbeMsg::into_sample(m);
                // the log keeps state changes, not every poll
                if last.insert(sample.probe.clone(), sample.state) != Some(sample.state) {
                    tracing::info!(
                        probe = %sample.probe,
                        state = sample.state.as_str(),
                        reason = %sample.reason.as_deref().unwrap_or(""),
                        "probe state"
                    );
                }
                if msg_tx.send(Msg::Probe(sample)).await.is_err() {
                    return;
                }
            }
        });
    }
    let presence_cancel = CancellationToken::new();
    let first = app::pair::presence(&app);
    let (presence, heartbeats) = runtime::spawn_presence(
        store.clone(),
        session.clone(),
        first,
        msg_tx.clone(),
        presence_cancel.clone(),
    );
    drop(msg_tx);

    let poller = scheduler.clone();
    let wiring = Wiring {
        msgs: msg_rx,
        journal,
        on_effect: Box::new(move |effect| match effect {
            Effect::PollNow(name) => {
                poller.poll_now(name);
            }
            Effect::Presence(p) => {
                let _ = presence.send(p.clone());
            }
            Effect::Demo(command) => {
                if let Some(hook) = demo.as_mut() {
                    hook(*command);
                }
            }
            _ => {}
        }),
        cancel: cancel.clone(),
        refresh_on_clock,
        clock: Clock::System,
    };
    Ok(Wired {
        app,
        wiring,
        closing: Closing {
            journal: leaving,
            cancel,
            presence_cancel,
            heartbeats,
            screen: me.screen,
            notifier,
        },
    })
}

/// A queue in front of `app` that copies each batch of committed events to the notifier.
fn tee_journaled(
    app: mpsc::Sender<Msg>,
    notifier: mpsc::UnboundedSender<Vec<crate::journal::Event>>,
) -> mpsc::Sender<Msg> {
    let (tx, mut rx) = mpsc::channel::<Msg>(1024);
    tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if let Msg::Journaled { events, .. } = &msg {
                let _ = notifier.send(events.clone());
            }
            if app.send(msg).await.is_err() {
                return;
            }
        }
    });
    tx
}

impl Closing {
    /// Stops the workers, journals this screen's leave and gives the spool a few seconds to
    /// drain; removes the presence row.
    pub async fn close(self, app: &App) {
        self.cancel.cancel();
        leave(&self.journal, app, &self.screen).await;
        self.presence_cancel.cancel();
        let _ = self.heartbeats.await;
        if let Some(notifier) = self.notifier {
            notifier.close(NOTIFY_GRACE).await;
        }
    }
}

/// The spool beside the default journal (`FLIGHTDECK_SPOOL` names another file); the error is
/// shown on screen, and events are then delivered from memory.
async fn open_spool(store: &Store, session: &str) -> Result<Spool, String> {
    let path = match std::env::var_os("FLIGHTDECK_SPOOL") {
        Some(p) => std::path::PathBuf::from(p),
        None => crate::store::default_spool_path().map_err(|e| e.to_string())?,
    };
    Spool::open(&path, store, session)
        .await
        .map_err(|e| format!("spool: {e}"))
}

/// Journals this screen's leave and gives the spool a few seconds to drain; what is still
/// waiting then stays in the spool for the next cockpit on this session.
async fn leave(journal: &tokio::sync::mpsc::UnboundedSender<JournalCmd>, app: &App, screen: &str) {
    let left = Left {
        screen: screen.to_owned(),
        silent: false,
    };
    let ev =
        NewEvent::new(&app.meta.actor, EventBody::Left(left)).with_key(format!("left:{screen}"));
    let _ = journal.send(JournalCmd::Append(Box::new(ev)));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let _ = journal.send(JournalCmd::Flush(tx));
    match tokio::time::timeout(std::time::Duration::from_secs(3), rx).await {
        Ok(Ok(0)) => {}
        Ok(Ok(waiting)) => {
            tracing::warn!(
                waiting,
                "closing with events still in the spool; the next cockpit delivers them"
            )
        }
        _ => tracing::warn!("closing before the journal worker confirmed the spool drained"),
    }
}
