//! The whole config as loaded: store, UI, environments, probes and notify targets.

use super::kind::{Kinds, ProbeSpec};
use super::notify::NotifyTarget;
use super::types::{StoreConfig, UiConfig};
use crate::redact::{is_secret_name, redact_text};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The whole config: store, UI, environments and probes.
#[derive(Clone, Default)]
pub struct Config {
    /// The file it came from (`None`: no file was found, the config is empty).
    pub file: Option<PathBuf>,
    pub store: StoreConfig,
    pub ui: UiConfig,
    /// The environment chosen with `--env`.
    pub env: Option<String>,
    /// `[env.NAME]` variables, interpolated.
    pub envs: BTreeMap<String, BTreeMap<String, String>>,
    /// Probes from the config file, then from the checklist (`merge_checklist_probes`).
    pub probes: Vec<ProbeSpec>,
    /// `[[notify]]` targets, in file order.
    pub notify: Vec<NotifyTarget>,
    /// The probe kinds the loader was given; checklist probes are read with the same ones.
    pub kinds: Kinds,
    /// Warnings about the file (a secret in a file others can read), for the command to print.
    pub warnings: Vec<String>,
}

impl Config {
    pub fn probe(&self, name: &str) -> Option<&ProbeSpec> {
        self.probes.iter().find(|p| p.name == name)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let envs: BTreeMap<&String, BTreeMap<&String, String>> = self
            .envs
            .iter()
            .map(|(name, vars)| {
                let vars = vars
                    .iter()
                    .map(|(k, v)| {
                        let shown = if is_secret_name(k) {
                            "***".to_string()
                        } else {
                            redact_text(v)
                        };
                        (k, shown)
                    })
                    .collect();
                (name, vars)
            })
            .collect();
        f.debug_struct("Config")
            .field("file", &self.file)
            .field("store", &self.store.url)
            .field("ui", &self.ui)
            .field("env", &self.env)
            .field("envs", &envs)
            .field("probes", &self.probes)
            .field("notify", &self.notify)
            .field("kinds", &self.kinds)
            .finish()
    }
}
