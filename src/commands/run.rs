//! `flightdeck run`: the cockpit on a checklist, resuming the session when it exists.

use crate::cli::RunArgs;
use crate::cockpit::{self, Launch};
use crate::store::Store;
use std::process::ExitCode;

pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    // refuse before anything is created: a bad name, bad input, or no terminal to draw on
    let actor = args.actor.clone().unwrap_or_else(cockpit::default_actor);
    cockpit::check_names(&actor, args.session.as_deref().unwrap_or("default"))?;
    let options = crate::checklist::markdown::Options {
        read_fenced: args.read_fenced,
    };
    let (checklist, config) = super::prepare::load(&args.checklist, &args.config, options)?;
    cockpit::require_terminal()?;
    let store = super::prepare::open_store(args.store.store.clone(), &config).await?;
    let prepared = super::prepare::Prepared {
        checklist,
        config,
        store,
    };
    let session = match args.session {
        Some(s) => s,
        None => default_session(&prepared.store, &args.checklist).await,
    };
    let path = args.checklist.display().to_string();
    if !same_checklist_or_confirmed(&prepared.store, &session, &args.checklist).await? {
        anyhow::bail!(
            "nothing opened: session `{session}` keeps its checklist\n  hint: pass --session NAME \
             to start a separate session for {path}"
        );
    }
    let exit = cockpit::run_notifying(
        Launch {
            checklist: prepared.checklist,
            checklist_path: Some(path.clone()),
            probes: prepared.config.probes.clone(),
            store: prepared.store,
            session: session.clone(),
            actor,
            env: args.config.env.clone(),
            read_only: args.read_only,
            ascii: args.ascii || prepared.config.ui.ascii,
            color: cockpit::color_wanted()
                && prepared.config.ui.theme != crate::config::Theme::Mono,
            light: cockpit::light_wanted(prepared.config.ui.theme),
            demo: None,
            bell: prepared.config.ui.bell,
        },
        prepared.config.notify.clone(),
    )
    .await?;
    cockpit::goodbye(
        &exit,
        &format!(
            "session `{session}` is saved; resume with the same command, or read it with `flightdeck report --session {session}`"
        ),
    );
    Ok(ExitCode::SUCCESS)
}

/// A session records the checklist file it runs: opened with another file (`seed.md` where it ran
/// `seed.toml`), it asks, naming both — the answer `y` opens it with the new one.
async fn same_checklist_or_confirmed(
    store: &Store,
    session: &str,
    checklist: &std::path::Path,
) -> anyhow::Result<bool> {
    let sessions = store.sessions().await?;
    let Some(old) = sessions
        .iter()
        .find(|s| s.name == session)
        .and_then(|s| s.checklist_path.clone())
    else {
        return Ok(true);
    };
    let same = |a: &std::path::Path, b: &std::path::Path| match (a.canonicalize(), b.canonicalize())
    {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if same(std::path::Path::new(&old), checklist) {
        return Ok(true);
    }
    use std::io::{BufRead as _, Write as _};
    let mut err = std::io::stderr();
    let _ = write!(
        err,
        "session `{session}` runs the checklist {old}; you opened {}.\nOpen `{session}` with {}? \
         Its journal keeps every tick with the text it ticked. [y/N] ",
        checklist.display(),
        checklist.display()
    );
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "Yes" | "YES"))
}

/// `<checklist file stem>-<local date>`, but a session of the same checklist active in the last
/// 12 hours is resumed instead, so a window that crosses midnight stays one session.
async fn default_session(store: &Store, checklist: &std::path::Path) -> String {
    let stem = checklist
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "session".to_owned());
    let now = chrono::Utc::now();
    if let Ok(sessions) = store.sessions().await {
        let recent = sessions
            .iter()
            .filter(|s| s.name.starts_with(&format!("{stem}-")))
            .filter(|s| {
                s.last_at
                    .is_some_and(|t| now - t < chrono::Duration::hours(12))
            })
            .max_by_key(|s| s.last_at);
        if let Some(s) = recent {
            return s.name.clone();
        }
    }
    format!("{stem}-{}", chrono::Local::now().format("%Y-%m-%d"))
}
