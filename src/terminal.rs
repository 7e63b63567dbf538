//! The one place that owns the terminal: raw mode, the alternate screen, the panic hook, frames
//! written whole, and restoring all of it on every exit path (normal, error, panic, signals).

use crate::app::App;
use crate::app::Viewport;
use crate::runtime::Screen;
use crossterm::{cursor, execute, queue, terminal};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions};
use std::io::{self, Write};
use std::sync::{Arc, Mutex, Once};

/// Collects everything a frame writes and sends it to the terminal in one go on `commit`:
/// ratatui flushes its backend at the end of a draw, but the end of the synchronized update
/// must travel in the same write, and over ssh one write beats many. Clones share the buffer:
/// one sits in the ratatui backend, the guard keeps the other to commit.
#[derive(Default, Clone)]
pub struct FrameWriter {
    buf: Arc<Mutex<Vec<u8>>>,
}

impl Write for FrameWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.lock().extend_from_slice(data);
        Ok(data.len())
    }

    /// Nothing leaves before `commit`.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl FrameWriter {
    /// Writes what was collected to stdout and flushes it.
    pub fn commit(&mut self) -> io::Result<()> {
        let mut buf = self.lock();
        if buf.is_empty() {
            return Ok(());
        }
        let mut out = io::stdout().lock();
        let result = out.write_all(&buf).and_then(|()| out.flush());
        buf.clear();
        result
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // a panic while holding the lock leaves bytes that are still worth writing
        self.buf
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub type Term = Terminal<CrosstermBackend<FrameWriter>>;

/// Restores the terminal when dropped, whatever way the cockpit ends.
pub struct TerminalGuard {
    pub terminal: Term,
    out: FrameWriter,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen. Call only after all input has been validated.
    pub fn enter() -> io::Result<TerminalGuard> {
        install_panic_hook();
        // the size is asked once here and then followed through resize events: asking on every
        // frame reopens /dev/tty each time
        let (w, h) = terminal::size()?;
        terminal::enable_raw_mode()?;
        let mut out = io::stdout();
        if let Err(e) = execute!(out, terminal::EnterAlternateScreen, cursor::Hide) {
            restore();
            return Err(e);
        }
        let options = TerminalOptions {
            viewport: ratatui::Viewport::Fixed(Rect::new(0, 0, w, h)),
        };
        let out = FrameWriter::default();
        match Terminal::with_options(CrosstermBackend::new(out.clone()), options) {
            Ok(terminal) => Ok(TerminalGuard { terminal, out }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }

    /// The size the terminal had at the last resize.
    pub fn size(&mut self) -> (u16, u16) {
        let area = self.terminal.get_frame().area();
        (area.width, area.height)
    }

    fn writer(&mut self) -> &mut FrameWriter {
        &mut self.out
    }
}

impl Screen for TerminalGuard {
    /// One frame inside a synchronized update, in one write, so a slow link never shows half a
    /// frame.
    fn draw(&mut self, app: &App) -> io::Result<Viewport> {
        queue!(self.writer(), terminal::BeginSynchronizedUpdate)?;
        let mut drawn = Viewport::default();
        self.terminal.draw(|f| drawn = crate::view::draw(f, app))?;
        queue!(self.writer(), terminal::EndSynchronizedUpdate)?;
        self.writer().commit()?;
        Ok(drawn)
    }

    fn resize(&mut self, w: u16, h: u16) -> io::Result<()> {
        self.terminal.resize(Rect::new(0, 0, w, h))?;
        self.writer().commit()
    }

    /// Puts text on the clipboard of the terminal the user sits at (OSC 52; works over ssh, and
    /// in tmux with `set -s set-clipboard on`).
    fn copy(&mut self, text: &str) -> io::Result<()> {
        queue!(
            self.writer(),
            crossterm::clipboard::CopyToClipboard::to_clipboard_from(text.as_bytes())
        )?;
        self.writer().commit()
    }

    fn bell(&mut self) -> io::Result<()> {
        self.writer().write_all(b"\x07")?;
        self.writer().commit()
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call more than once,
/// and on a terminal that is gone (every error is ignored: there is nobody to tell).
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
