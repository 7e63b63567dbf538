//! Files readable by their owner only: the journal and the spool hold every note and value typed
//! during the window.

use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Creates `path` readable by its owner only, or narrows an existing file to that (the spool:
/// one person's, never shared).
pub fn narrowed(path: &Path) -> std::io::Result<()> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

/// Creates `path` empty and readable by its owner only when it does not exist (SQLite gives a
/// database's `-wal` and `-shm` its mode). An existing file keeps its mode: a team that shares a
/// journal between accounts (`chmod 660`) keeps that choice.
pub fn create_new(path: &Path) -> std::io::Result<()> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
