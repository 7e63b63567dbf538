//! Starting the cockpit: everything is loaded and validated first, then the screen joins the
//! session (presence, `joined`, the wheel), the journal worker (spool and delivery), the
//! presence heartbeat, the probe scheduler and the marker are wired to the app, and only then is
//! the terminal touched. On the way out the screen journals its leave and waits briefly for the
//! spool to drain.

mod join;
mod wire;

pub use wire::{Closing, Wired, wire, wire_notifying};

use crate::app::{self, Msg};
use crate::checklist::Checklist;
use crate::config::ProbeSpec;
use crate::runtime::{self, Exit};
use crate::store::Store;
use crate::terminal::TerminalGuard;
use std::io::IsTerminal;
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
    /// `watch` / `run --read-only`: the screen writes its presence (and a co-sign) only, until it
    /// takes the wheel.
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
    run_notifying(launch, Vec::new()).await
}

/// `run`, telling the config's `[[notify]]` targets about the session's events.
pub async fn run_notifying(
    launch: Launch,
    targets: Vec<crate::config::NotifyTarget>,
) -> anyhow::Result<Exit> {
    require_terminal()?;
    let _log = crate::logging::init();
    tracing::info!(
        session = %launch.session,
        actor = %launch.actor,
        store = %launch.store.display_url(),
        checklist = %launch.checklist_path.as_deref().unwrap_or("-"),
        probes = launch.probes.len(),
        read_only = launch.read_only,
        "cockpit starting"
    );
    for p in &launch.probes {
        tracing::info!(probe = %p.name, kind = p.kind().name(), target = %p.target(), "probe");
    }
    for t in &targets {
        tracing::info!(notify = %t.name, kind = t.kind_name(), target = %t.display_target(), "notify target");
    }
    let session = launch.session.clone();
    let Wired {
        mut app,
        wiring,
        closing,
    } = wire_notifying(launch, targets).await?;
    let cancel = wiring.cancel.clone();
    spawn_signal_watch(cancel.clone())?;
    let mut guard = TerminalGuard::enter()?;
    let (w, h) = guard.size();
    app::update(&mut app, Msg::Resize(w, h));
    let input = crossterm::event::EventStream::new();
    let exit = runtime::run(&mut app, &mut guard, input, wiring).await;
    drop(guard);
    closing.close(&app).await;
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
