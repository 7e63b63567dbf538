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
    let store = open_store(store_url, &config).await?;
    Ok(Prepared {
        checklist,
        config,
        store,
    })
}

/// The store a reading command uses: `--store`, else the config's `[store] url` (the config given,
/// or found where `run` looks), else the default SQLite file — the journal `run` wrote.
pub fn store_url(store: Option<String>, config: Option<&Path>) -> anyhow::Result<String> {
    if let Some(url) = store {
        return Ok(url);
    }
    let config = crate::config::load(config, None, crate::probes::KINDS)?;
    match config.store.url {
        Some(url) => Ok(url.expose().to_owned()),
        None => crate::store::default_url(),
    }
}

/// Opens (creating it if needed) the store given on the command line, else the config's, else
/// the default SQLite file.
pub async fn open_store(store_url: Option<String>, config: &Config) -> anyhow::Result<Store> {
    let url = match store_url.or_else(|| config.store.url.as_ref().map(|u| u.expose().to_owned())) {
        Some(u) => u,
        None => crate::store::default_url()?,
    };
    Ok(Store::open(&url).await?)
}

/// Loads and cross-checks the checklist and config (no store).
pub fn load(
    checklist_path: &Path,
    config_args: &ConfigArgs,
    options: crate::checklist::markdown::Options,
) -> anyhow::Result<(Checklist, Config)> {
    let loaded = crate::checklist::load_located_with(checklist_path, options)?;
    let mut config = crate::config::load(
        config_args.config.as_deref(),
        config_args.env.as_deref(),
        crate::probes::KINDS,
    )?;
    config.merge_checklist_probes(&loaded.checklist.probes, checklist_path)?;
    crate::checklist::references::check(&loaded, &config)?;
    let checklist_warning =
        crate::redact::exposed_file_warning(&loaded.source.file, &loaded.source.text);
    for warning in config.warnings.iter().chain(checklist_warning.iter()) {
        crate::console::err(warning);
    }
    Ok((loaded.checklist, config))
}
