//! Starting the cockpit: everything is loaded and validated first, then the journal worker, the
//! probe scheduler and the marker are wired to the app, and only then is the terminal touched.

use crate::app::{self, App, Effect, Msg, SessionMeta};
use crate::checklist::Checklist;
use crate::config::ProbeSpec;
use crate::journal::{EventBody, JoinMode, Joined, NewEvent};
use crate::marking::Marker;
use crate::runtime::{self, Clock, Exit, JournalCmd, Wiring};
use crate::store::Store;
use crate::terminal::TerminalGuard;
use chrono::Utc;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

pub struct Launch {
    pub checklist: Checklist,
    /// Where the checklist came from, kept with the session.
    pub checklist_path: Option<String>,
    pub probes: Vec<ProbeSpec>,
    pub store: Store,
    pub session: String,
    pub actor: String,
    pub env: Option<String>,
    pub read_only: bool,
    pub ascii: bool,
    pub color: bool,
    /// Colours for a light terminal background.
    pub light: bool,
    pub bell: bool,
    /// `flightdeck demo`'s hook: the demo keys are installed and their commands go here.
    pub demo: Option<DemoHook>,
}

/// Carries out a demo key's command on the demo service.
pub type DemoHook = Box<dyn FnMut(crate::demo::DemoCommand) + Send>;

/// `$USER@hostname`, the default journal actor.
pub fn default_actor() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "someone".to_owned());
    let host = gethostname::gethostname().to_string_lossy().into_owned();
    format!("{user}@{host}")
}

/// Refuses names the journal cannot use: an empty actor or session, control characters, and the
/// automatic actor (`flightdeck`), which a person must not sign as.
pub fn check_names(actor: &str, session: &str) -> anyhow::Result<()> {
    let bad_chars = |s: &str| s.chars().any(char::is_control);
    if actor.trim().is_empty() {
        anyhow::bail!(
            "--as is empty: the journal records who did what\n  hint: pass your name, or leave \
             --as out for $USER@hostname"
        );
    }
    if actor.trim().eq_ignore_ascii_case(crate::marking::ACTOR) {
        anyhow::bail!(
            "--as {actor}: `{}` is the name of flightdeck's own automatic actions\n  hint: pass \
             your own name",
            crate::marking::ACTOR
        );
    }
    if bad_chars(actor) || actor.chars().count() > 200 {
        anyhow::bail!("--as: a name of at most 200 printable characters, please");
    }
    if session.trim().is_empty() {
        anyhow::bail!(
            "--session is empty\n  hint: pass a name, or leave --session out for the checklist's \
             name and the date"
        );
    }
    if bad_chars(session) || session.chars().count() > 200 {
        anyhow::bail!("--session: a name of at most 200 printable characters, please");
    }
    Ok(())
}

/// Colour unless `NO_COLOR` is set to something (https://no-color.org).
pub fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether to use the palette for a light background: `theme = "light"`, or `auto` when the
/// terminal says its background is light (`COLORFGBG`, set by rxvt, Konsole and others, ends in
/// the background's ANSI number: 7 or 15 is light).
pub fn light_wanted(theme: crate::config::Theme) -> bool {
    match theme {
        crate::config::Theme::Light => true,
        crate::config::Theme::Auto => std::env::var("COLORFGBG")
            .ok()
            .and_then(|v| v.rsplit(';').next().map(str::trim).map(str::to_owned))
            .is_some_and(|bg| bg == "7" || bg == "15"),
        crate::config::Theme::Dark | crate::config::Theme::Mono => false,
    }
}

/// Refuses to start a full-screen program when there is no terminal to draw on.
pub fn require_terminal() -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "the cockpit needs a terminal (stdin/stdout are not a TTY); for a headless look use \
             `flightdeck check` (probes) or `flightdeck report` (the journal)"
        );
    }
    Ok(())
}

/// Runs the cockpit on `launch` until the user quits, a signal arrives or the terminal goes away.
pub async fn run(launch: Launch) -> anyhow::Result<Exit> {
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
    require_terminal()?;
    let _log = crate::logging::init();
    tracing::info!(
        session = %session,
        actor = %actor,
        store = %store.display_url(),
        checklist = %checklist_path.as_deref().unwrap_or("-"),
        probes = probes.len(),
        read_only,
        "cockpit starting"
    );
    for p in &probes {
        tracing::info!(probe = %p.name, kind = p.kind().name(), target = %p.target(), "probe");
    }
    let intervals: HashMap<String, std::time::Duration> = probes
        .iter()
        .map(|p| (p.name.clone(), p.interval))
        .collect();
    let marker = if read_only {
        None
    } else {
        Some(Marker::new(&checklist, &intervals).map_err(|errors| {
            let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            anyhow::anyhow!("{}", text.join("\n"))
        })?)
    };
    if !read_only {
        store
            .open_session(&session, &checklist, checklist_path.as_deref(), &actor)
            .await?;
        let joined = Joined {
            mode: JoinMode::Drive,
            checklist_path: checklist_path.clone(),
            fingerprint: Some(checklist.fingerprint()),
        };
        store
            .append(&session, NewEvent::new(&actor, EventBody::Joined(joined)))
            .await?;
    }
    let events = store.events_after(&session, 0).await?;
    let last_seq = events.last().map_or(0, |e| e.seq);

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
    app.utc_offset_secs = chrono::Local::now().offset().local_minus_utc();
    app.marker = marker;
    app.demo = demo.is_some().then(app::demo::DemoState::new);
    app.set_probes(&probes);
    app::update(&mut app, Msg::Journaled { events, acked: 0 });

    let cancel = CancellationToken::new();
    let (msg_tx, msg_rx) = mpsc::channel::<Msg>(1024);
    let journal = runtime::spawn_journal(store.clone(), session.clone(), last_seq, msg_tx.clone());

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
    drop(msg_tx);

    let poller = scheduler.clone();
    let wiring = Wiring {
        msgs: msg_rx,
        journal,
        on_effect: Box::new(move |effect| match effect {
            Effect::PollNow(name) => {
                poller.poll_now(name);
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
    spawn_signal_watch(cancel.clone())?;
    let mut guard = TerminalGuard::enter()?;
    let (w, h) = guard.size();
    app::update(&mut app, Msg::Resize(w, h));
    let input = crossterm::event::EventStream::new();
    let exit = runtime::run(&mut app, &mut guard, input, wiring).await;
    drop(guard);
    cancel.cancel();
    match &exit {
        Exit::TerminalLost(why) => {
            tracing::warn!(session = %session, reason = %why, "terminal lost; cockpit closed")
        }
        Exit::Quit | Exit::Cancelled => tracing::info!(session = %session, "cockpit closed"),
    }
    Ok(exit)
}

/// The last line on the console after the cockpit closed; nothing when the terminal is gone
/// (writing to a dead terminal must not panic).
pub fn goodbye(exit: &Exit, line: &str) {
    use std::io::Write as _;
    if !matches!(exit, Exit::TerminalLost(_)) {
        let _ = writeln!(std::io::stdout(), "{line}");
    }
}

/// SIGTERM, SIGHUP, SIGINT and SIGQUIT end the cockpit the way `q` does: journal writes in flight
/// are waited for and the terminal is restored.
fn spawn_signal_watch(cancel: CancellationToken) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut signals = [
        signal(SignalKind::terminate())?,
        signal(SignalKind::hangup())?,
        signal(SignalKind::interrupt())?,
        signal(SignalKind::quit())?,
    ];
    tokio::spawn(async move {
        let [term, hup, int, quit] = &mut signals;
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
            _ = int.recv() => {}
            _ = quit.recv() => {}
            () = cancel.cancelled() => return,
        }
        cancel.cancel();
    });
    Ok(())
}
