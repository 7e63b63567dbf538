//! What `run`, `validate` and `demo` share: load the checklist and the config, merge the
//! checklist's own probes, check every condition and probe reference, open the store — all before
//! the terminal is touched, every error located.

use crate::checklist::Checklist;
use crate::cli::ConfigArgs;
use crate::config::Config;
use crate::store::Store;
use std::path::Path;

pub struct Prepared {
    pub checklist: Checklist,
    pub config: Config,
    pub store: Store,
}

pub async fn prepare(
    checklist_path: &Path,
    config_args: &ConfigArgs,
    store_url: Option<String>,
    options: crate::checklist::markdown::Options,
) -> anyhow::Result<Prepared> {
    let (checklist, config) = load(checklist_path, config_args, options)?;
    let url = match store_url.or_else(|| config.store.url.as_ref().map(|u| u.expose().to_owned())) {
        Some(u) => u,
        None => crate::store::default_url()?,
    };
    let store = Store::open(&url).await?;
    Ok(Prepared {
        checklist,
        config,
        store,
    })
}

/// Loads and cross-checks the checklist and config (no store).
pub fn load(
    checklist_path: &Path,
    config_args: &ConfigArgs,
    options: crate::checklist::markdown::Options,
) -> anyhow::Result<(Checklist, Config)> {
    let loaded = crate::checklist::load_located_with(checklist_path, options)?;
    let mut config =
        crate::config::load(config_args.config.as_deref(), config_args.env.as_deref())?;
    config.merge_checklist_probes(&loaded.checklist.probes, checklist_path)?;
    crate::checklist::references::check(&loaded, &config)?;
    Ok((loaded.checklist, config))
}
