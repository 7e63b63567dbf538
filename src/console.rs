//! Lines for the console outside the cockpit (errors, tables, reports): written without ever
//! panicking — a terminal that went away (ssh dropped, tmux killed) or a closed pipe (`| head`) is
//! no reason to crash, and there is nobody left to tell.

use std::io::Write as _;

/// A line on stdout.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::console::out(&format!($($arg)*), true)
    };
}

/// A line on stderr.
#[macro_export]
macro_rules! warn_line {
    ($($arg:tt)*) => {
        $crate::console::err(&format!($($arg)*))
    };
}

/// Writes `text` (and a newline when `newline`) to stdout; errors are dropped.
pub fn out(text: &str, newline: bool) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    if newline {
        let _ = stdout.write_all(b"\n");
    }
    let _ = stdout.flush();
}

/// Writes `text` and a newline to stderr; errors are dropped.
pub fn err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{text}");
    let _ = stderr.flush();
}
