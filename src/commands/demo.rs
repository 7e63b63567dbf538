//! `flightdeck demo`: a demo service on loopback and the bundled demo checklist against it — the
//! newcomer's first command. The session is journaled like any other (`flightdeck report`).

use crate::cli::DemoArgs;
use crate::cockpit::{self, Launch};
use crate::store::Store;
use std::path::Path;
use std::process::ExitCode;
use tokio_util::sync::CancellationToken;

const CHECKLIST: &str = include_str!("../demo/checklist.toml");
const CONFIG: &str = include_str!("../demo/config.toml");

pub async fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    cockpit::require_terminal()?;
    let checklist =
        crate::checklist::toml_format::parse(CHECKLIST, Path::new("demo/checklist.toml"))?;
    let dir = std::env::temp_dir().join(format!("flightdeck-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let cancel = CancellationToken::new();
    let service = crate::demo::start(&dir, cancel.clone()).await?;
    let world = service.world.clone();
    let base = service.base_url();
    let db = format!("sqlite://{}", service.db_path.display());
    let redis = args.redis.clone();
    let vars = move |name: &str| match name {
        "DEMO_BASE" => Some(base.clone()),
        "DEMO_DB" => Some(db.clone()),
        "DEMO_REDIS" => Some(redis.clone()),
        _ => None,
    };
    let config = crate::config::parse_str(
        Path::new("demo/config.toml"),
        CONFIG,
        None,
        &vars,
        crate::probes::KINDS,
    )?;
    let url = match args.store.store {
        Some(u) => u,
        None => crate::store::default_url()?,
    };
    let store = Store::open(&url).await?;
    let session = format!("demo-{}", chrono::Local::now().format("%Y-%m-%d-%H%M%S"));
    let result = cockpit::run(Launch {
        checklist,
        checklist_path: Some("(built-in demo)".to_owned()),
        probes: config.probes.clone(),
        store,
        session: session.clone(),
        actor: cockpit::default_actor(),
        env: Some("demo".to_owned()),
        read_only: false,
        ascii: args.ascii,
        color: cockpit::color_wanted(),
        light: cockpit::light_wanted(crate::config::Theme::Auto),
        bell: true,
        demo: Some(Box::new(move |command| world.apply(command))),
    })
    .await;
    cancel.cancel();
    let _ = std::fs::remove_dir_all(&dir);
    cockpit::goodbye(
        &result?,
        &format!(
            "demo session `{session}` is saved: `flightdeck report --session {session}` prints its record"
        ),
    );
    Ok(ExitCode::SUCCESS)
}
