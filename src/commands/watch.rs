//! `flightdeck watch`: a second screen on a session someone else drives — the checklist as the
//! store holds it, the probes of the config given (or found), everything read-only until this
//! screen is handed the wheel.

use crate::cli::WatchArgs;
use crate::cockpit::{self, Launch};
use crate::store::{Store, StoreError};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(args: WatchArgs) -> anyhow::Result<ExitCode> {
    let actor = args.actor.clone().unwrap_or_else(cockpit::default_actor);
    cockpit::check_names(&actor, args.session.as_deref().unwrap_or("default"))?;
    let mut config = crate::config::load(
        args.config.config.as_deref(),
        args.config.env.as_deref(),
        crate::probes::KINDS,
    )?;
    let url = match args
        .store
        .store
        .or_else(|| config.store.url.as_ref().map(|u| u.expose().to_owned()))
    {
        Some(u) => u,
        None => crate::store::default_url()?,
    };
    let store = Store::open_existing(&url).await?;
    let session = match args.session {
        Some(name) => name,
        None => store
            .latest_session()
            .await?
            .ok_or_else(|| StoreError::UnknownSession {
                name: "(most recent)".to_owned(),
                url: store.display_url(),
                available: Vec::new(),
            })?,
    };
    let checklist = store.checklist(&session).await?;
    // The checklist's own probes, as `run` merged them (their places are best effort: the file
    // the session was started from may be on another host).
    let origin = store
        .sessions()
        .await?
        .into_iter()
        .find(|s| s.name == session)
        .and_then(|s| s.checklist_path)
        .unwrap_or_else(|| "(stored checklist)".to_owned());
    config.merge_checklist_probes(&checklist.probes, Path::new(&origin))?;
    let exit = cockpit::run_notifying(
        Launch {
            checklist,
            checklist_path: Some(origin),
            probes: config.probes.clone(),
            store,
            session: session.clone(),
            actor,
            env: args.config.env.clone(),
            read_only: true,
            ascii: args.ascii || config.ui.ascii,
            color: cockpit::color_wanted() && config.ui.theme != crate::config::Theme::Mono,
            light: cockpit::light_wanted(config.ui.theme),
            bell: config.ui.bell,
            demo: None,
        },
        config.notify.clone(),
    )
    .await?;
    cockpit::goodbye(&exit, &format!("stopped watching `{session}`"));
    Ok(ExitCode::SUCCESS)
}
