//! `flightdeck import FILE.md`: a Markdown checklist converted to flightdeck's TOML on stdout.

use crate::checklist::{self, markdown, read, toml_format};
use crate::cli::ImportArgs;
use crate::error::SourceError;
use std::io::Write;
use std::process::ExitCode;

pub async fn run(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let path = &args.file;
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if is_toml {
        let e = SourceError::whole_file(
            path,
            "is already a flightdeck checklist; check it with `flightdeck validate`",
        );
        crate::warn_line!("{e}");
        return Ok(ExitCode::from(1));
    }
    let text = match read::read_source(path) {
        Ok(text) => text,
        Err(e) => {
            crate::warn_line!("{e}");
            return Ok(ExitCode::from(1));
        }
    };
    let options = markdown::Options {
        read_fenced: args.read_fenced,
    };
    let imported = match markdown::import_with(&text, path, options) {
        Ok(loaded) => loaded.checklist,
        Err(errors) => {
            crate::warn_line!("{errors}");
            return Ok(ExitCode::from(1));
        }
    };
    let out = checklist::to_toml(&imported);
    // The promise is that import output always loads; check it rather than hand out a broken file.
    if let Err(errors) = toml_format::parse(&out, path) {
        crate::warn_line!(
            "error: internal: the converted checklist does not load back, please report this:\n{errors}"
        );
        return Ok(ExitCode::from(70));
    }
    match std::io::stdout().lock().write_all(out.as_bytes()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        // `flightdeck import x.md | head` closing the pipe early is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}
