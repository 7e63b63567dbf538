//! Drives the real `flightdeck` binary in a real terminal: a private tmux server, send-keys,
//! capture-pane, and the pane's process id for `kill -9`.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
    pub session: String,
}

impl Tmux {
    /// Starts `command` in a detached tmux session of `width`x`height` on a private server.
    pub fn start(dir: &Path, command: &str, width: u16, height: u16) -> Tmux {
        let socket = dir.join("tmux.sock").display().to_string();
        let t = Tmux {
            socket,
            session: "fd".into(),
        };
        let out = t
            .cmd()
            .args(["new-session", "-d", "-s", &t.session, "-x"])
            .arg(width.to_string())
            .arg("-y")
            .arg(height.to_string())
            .arg(command)
            .output();
        let out = match out {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!(
                    "tmux not found: install the Debian package `tmux` (apt-get install -y tmux)"
                )
            }
            Err(e) => panic!("cannot run tmux: {e}"),
        };
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // keep the pane around after the program exits so its last screen can be read
        let _ = t
            .cmd()
            .args(["set-option", "-w", "-t", &t.session, "remain-on-exit", "on"])
            .output();
        t
    }

    /// Kills the tmux session: the terminal goes away under the program, as when an ssh link
    /// drops (the pane's processes get SIGHUP and their tty is gone).
    pub fn kill_session(&self) {
        let _ = self
            .cmd()
            .args(["kill-session", "-t", &self.session])
            .output();
    }

    /// The server's socket path (for a client attaching from another terminal).
    pub fn socket(&self) -> &str {
        &self.socket
    }

    /// Sets a window option of the session (`window-size smallest`).
    pub fn set_option(&self, name: &str, value: &str) {
        let out = self
            .cmd()
            .args(["set-option", "-w", "-t", &self.session, name, value])
            .output()
            .expect("tmux set-option");
        assert!(out.status.success(), "set-option {name} failed");
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new("tmux");
        c.args(["-S", &self.socket, "-f", "/dev/null"]);
        c
    }

    /// Sends keys as tmux names them (`Space`, `Enter`, `j`, `C-c`).
    pub fn send(&self, keys: &[&str]) {
        for k in keys {
            let out = self
                .cmd()
                .args(["send-keys", "-t", &self.session, k])
                .output()
                .expect("tmux send-keys");
            assert!(out.status.success(), "send-keys {k} failed");
        }
    }

    /// Sends keys as tmux names them, all in one tmux command (a fast burst, as a quick typist's).
    pub fn send_burst(&self, keys: &[&str]) {
        let out = self
            .cmd()
            .args(["send-keys", "-t", &self.session])
            .args(keys)
            .output()
            .expect("tmux send-keys");
        assert!(out.status.success(), "send-keys {keys:?} failed");
    }

    /// Types literal text.
    pub fn type_text(&self, text: &str) {
        let out = self
            .cmd()
            .args(["send-keys", "-t", &self.session, "-l", text])
            .output()
            .expect("tmux send-keys -l");
        assert!(out.status.success());
    }

    pub fn capture(&self) -> String {
        self.capture_with(&[])
    }

    /// The screen with lines the terminal wrapped joined back: text a shell printed over a
    /// killed program's screen (`echo EXITED-137`) may wrap at the pane's edge.
    pub fn capture_joined(&self) -> String {
        self.capture_with(&["-J"])
    }

    fn capture_with(&self, flags: &[&str]) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", &self.session])
            .args(flags)
            .output()
            .expect("tmux capture-pane");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// Waits until the screen contains `needle`, returning the screen; panics with the last screen.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            if screen.contains(needle) {
                return screen;
            }
            let joined = self.capture_joined();
            if joined.contains(needle) {
                return joined;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {needle:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The pid of the program running in the pane.
    pub fn pane_pid(&self) -> u32 {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, "#{pane_pid}"])
            .output()
            .expect("tmux display-message");
        String::from_utf8_lossy(&out.stdout)
            .trim()
            .parse()
            .expect("pane pid")
    }

    /// The pid of the process named `name` running in the pane: the pane's own process, or one of
    /// its children (when a shell runs it).
    pub fn program_pid(&self, name: &str) -> Option<u32> {
        let pane = self.pane_pid();
        let comm = |pid: u32| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .map(|c| c.trim().to_owned())
                .unwrap_or_default()
        };
        if comm(pane) == name {
            return Some(pane);
        }
        let out = Command::new("pgrep")
            .args(["-P", &pane.to_string(), "-x", name])
            .output()
            .ok()?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
    }

    /// Whether the pane's program has exited.
    pub fn pane_dead(&self) -> bool {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", &self.session, "#{pane_dead}"])
            .output()
            .expect("tmux display-message");
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// Runs `command` again in the same pane (after the first program died).
    pub fn respawn(&self, command: &str) {
        let out = self
            .cmd()
            .args(["respawn-pane", "-k", "-t", &self.session, command])
            .output()
            .expect("tmux respawn-pane");
        assert!(
            out.status.success(),
            "respawn-pane failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}
