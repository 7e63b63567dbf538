//! The one place that owns the terminal: raw mode, the alternate screen, the panic hook, and
//! restoring all of it on every exit path (normal, error, panic, SIGTERM/SIGINT/SIGHUP).

use crossterm::{cursor, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout, Write};
use std::sync::Once;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped, whatever way the cockpit ends.
pub struct TerminalGuard {
    pub terminal: Term,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen. Call only after all input has been validated.
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(io::stdout())) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// Draws one frame inside a synchronized update, so a slow link never shows half a frame.
    pub fn draw(&mut self, app: &crate::app::App) -> io::Result<()> {
        let _ = execute!(io::stdout(), terminal::BeginSynchronizedUpdate);
        let result = self
            .terminal
            .draw(|f| crate::view::draw(f, app))
            .map(|_| ());
        let _ = execute!(io::stdout(), terminal::EndSynchronizedUpdate);
        result
    }

    /// Puts text on the clipboard of the terminal the user sits at (OSC 52; works over ssh, and in
    /// tmux with `set -s set-clipboard on`).
    pub fn copy(&mut self, text: &str) -> io::Result<()> {
        execute!(
            io::stdout(),
            crossterm::clipboard::CopyToClipboard::to_clipboard_from(text.as_bytes())
        )
    }

    pub fn bell(&mut self) -> io::Result<()> {
        let mut out = io::stdout();
        out.write_all(b"\x07")?;
        out.flush()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call more than once.
pub fn restore() {
    let _ = execute!(
        io::stdout(),
        terminal::EndSynchronizedUpdate,
        terminal::LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
}

fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}
