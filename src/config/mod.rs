//! Typed config: `[store]`, `[ui]`, `[env.NAME]`, `[[probe]]`, `[[notify]]`, with `${VAR}` interpolation and
//! errors that name file:line:column and a fix.

mod interp;
mod kind;
mod load;
mod merge;
mod notify;
mod probe;
mod reader;
mod sections;
mod settings;
mod template;
mod types;

pub use kind::{Headline, KindSettings, Kinds, Poller, ProbeKind, ProbeSpec};
pub use load::{default_paths, load, load_with, parse_str};
pub use notify::{
    DEFAULT_EXPIRE, DEFAULT_NOTIFY_TIMEOUT, DEFAULT_ON, Destination, Level, NOTICE_NAMES, Notice,
    NotifyTarget, WebhookUrl,
};
pub use probe::{DEFAULT_INTERVAL, DEFAULT_TIMEOUT};
pub use reader::TableReader;
pub use settings::Config;
pub use template::{PLACEHOLDERS, Placeholder, Template, TemplateError};
pub use types::*;
