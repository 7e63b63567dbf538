//! Freezing a real service: SIGSTOP to its processes, SIGCONT when the guard drops — also when
//! the test fails, or stopping the server at the end would wait on it.
#![allow(dead_code)]

use std::process::Command;

/// Sends `sig` (`STOP`, `CONT`, `TERM`…) to `pids`; whether `kill` succeeded.
pub fn signal(pids: &[u32], sig: &str) -> bool {
    Command::new("kill")
        .arg(format!("-{sig}"))
        .args(pids.iter().map(u32::to_string))
        .status()
        .is_ok_and(|s| s.success())
}

/// Processes frozen by SIGSTOP, thawed when dropped.
pub struct Frozen(Vec<u32>);

impl Frozen {
    pub fn new(pids: Vec<u32>) -> Frozen {
        assert!(
            !pids.is_empty() && signal(&pids, "STOP"),
            "SIGSTOP {pids:?}"
        );
        Frozen(pids)
    }
}

impl Drop for Frozen {
    fn drop(&mut self) {
        signal(&self.0, "CONT");
    }
}
