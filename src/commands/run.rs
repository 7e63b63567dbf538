//! `flightdeck run`: the cockpit on a checklist, resuming the session when it exists.

use crate::cli::RunArgs;
use crate::cockpit::{self, Launch};
use crate::store::Store;
use std::process::ExitCode;

pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let prepared =
        super::prepare::prepare(&args.checklist, &args.config, args.store.store.clone()).await?;
    let session = match args.session {
        Some(s) => s,
        None => default_session(&prepared.store, &args.checklist).await,
    };
    let path = args.checklist.display().to_string();
    let exit = cockpit::run(Launch {
        checklist: prepared.checklist,
        checklist_path: Some(path.clone()),
        probes: prepared.config.probes.clone(),
        store: prepared.store,
        session: session.clone(),
        actor: args.actor.unwrap_or_else(cockpit::default_actor),
        env: args.config.env.clone(),
        read_only: args.read_only,
        ascii: args.ascii || prepared.config.ui.ascii,
        color: cockpit::color_wanted() && prepared.config.ui.theme != crate::config::Theme::Mono,
        light: cockpit::light_wanted(prepared.config.ui.theme),
        bell: prepared.config.ui.bell,
    })
    .await?;
    cockpit::goodbye(
        &exit,
        &format!(
            "session `{session}` is saved; resume with the same command, or read it with `flightdeck report --session {session}`"
        ),
    );
    Ok(ExitCode::SUCCESS)
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
