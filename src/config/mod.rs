//! Typed config: `[store]`, `[ui]`, `[env.NAME]`, `[[probe]]`, with `${VAR}` interpolation and
//! errors that name file:line:column and a fix.

mod interp;
mod kind;
mod load;
mod merge;
mod probe;
mod reader;
mod sections;
mod settings;
mod types;

pub use kind::{Headline, KindSettings, Kinds, Poller, ProbeKind, ProbeSpec};
pub use load::{default_paths, load, load_with, parse_str};
pub use probe::{DEFAULT_INTERVAL, DEFAULT_TIMEOUT};
pub use reader::TableReader;
pub use settings::Config;
pub use types::*;
