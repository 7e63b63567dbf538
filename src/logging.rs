//! The log file: `flightdeck.log` in the XDG state directory (or `$FLIGHTDECK_LOG_DIR`), written
//! off the screen's thread. Every line passes through the redactor on its way to disk, so a
//! password that slips into a message never lands in the file.

use std::io::Write;
use std::path::PathBuf;
use tracing_appender::non_blocking::WorkerGuard;

/// Where the log goes: `$FLIGHTDECK_LOG_DIR`, else the XDG state dir, else the data dir.
pub fn log_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("FLIGHTDECK_LOG_DIR") {
        return Some(PathBuf::from(dir));
    }
    let dirs = directories::ProjectDirs::from("", "", "flightdeck")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// Redacts each write before it reaches the file.
struct Redacting<W: Write>(W);

impl<W: Write> Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0
            .write_all(crate::redact::redact_text(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Starts logging to the file; keep the guard alive until exit (it flushes on drop). Logging is
/// best effort: when the directory cannot be made, the cockpit runs without a log.
pub fn init() -> Option<WorkerGuard> {
    let dir = log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("flightdeck.log"))
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(Redacting(file));
    let filter = tracing_subscriber::EnvFilter::try_from_env("FLIGHTDECK_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .finish();
    tracing::subscriber::set_global_default(subscriber).ok()?;
    Some(guard)
}
