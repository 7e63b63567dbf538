//! A screen without a terminal: frames go to a ratatui `TestBackend`, for tests, benchmarks and
//! the `peek` example. It counts frames, keeps what the clipboard and the bell were asked, and
//! hands each frame to an observer when one is set (what a test or a benchmark watches for).

use super::Screen;
use crate::app::App;
use crate::app::Viewport;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use std::io;

/// Called after each frame with the app it showed and the screen that drew it.
pub type Observer = Box<dyn FnMut(&App, &HeadlessScreen) + Send>;

pub struct HeadlessScreen {
    pub terminal: Terminal<TestBackend>,
    /// Frames drawn so far.
    pub frames: usize,
    pub copied: Vec<String>,
    pub bells: usize,
    observer: Option<Observer>,
}

impl HeadlessScreen {
    pub fn new(w: u16, h: u16) -> HeadlessScreen {
        let terminal = match Terminal::new(TestBackend::new(w, h)) {
            Ok(t) => t,
            Err(never) => match never {},
        };
        HeadlessScreen {
            terminal,
            frames: 0,
            copied: Vec::new(),
            bells: 0,
            observer: None,
        }
    }

    /// The same screen, calling `observer` after every frame.
    pub fn observed(mut self, observer: Observer) -> HeadlessScreen {
        self.observer = Some(observer);
        self
    }

    /// The last frame as text, one line per row.
    pub fn text(&self) -> String {
        self.terminal.backend().to_string()
    }
}

impl Screen for HeadlessScreen {
    fn draw(&mut self, app: &App) -> io::Result<Viewport> {
        let mut drawn = Viewport::default();
        let Ok(_) = self.terminal.draw(|f| drawn = crate::view::draw(f, app));
        self.frames += 1;
        if let Some(mut observe) = self.observer.take() {
            observe(app, self);
            self.observer = Some(observe);
        }
        Ok(drawn)
    }

    fn resize(&mut self, w: u16, h: u16) -> io::Result<()> {
        self.terminal.backend_mut().resize(w, h);
        let Ok(()) = self.terminal.resize(Rect::new(0, 0, w, h));
        Ok(())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        self.copied.push(text.to_owned());
        Ok(())
    }

    fn bell(&mut self) -> io::Result<()> {
        self.bells += 1;
        Ok(())
    }
}
