//! What flows into `update` (messages) and what comes out of it (effects for the runtime to carry out).

use crate::probes::Sample;
use crate::store::{Event, NewEvent, Presence, Seen};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A key as the app understands it; the runtime converts terminal key events into these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Enter,
    Esc,
    Backspace,
    Tab,
    BackTab,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
}

/// What a frame laid out that the app needs for its next keys: the view tells, after each frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Viewport {
    /// Checklist rows that fit in the list pane (0 when the pane is hidden).
    pub list_rows: usize,
    /// Probe rows that fit in the Live panel (0 when it is hidden).
    pub probe_rows: usize,
}

#[derive(Debug, Clone)]
pub enum Msg {
    Key(Key),
    /// The wall clock moved on (sent once a second, and with every other message's time).
    Clock(DateTime<Utc>),
    /// Events committed to the journal (ours and other instances'), in seq order; `acked` is how
    /// many of this instance's own appends they complete.
    Journaled {
        events: Vec<Event>,
        acked: usize,
    },
    /// Events made durable in the local spool, on their way to the store (shown at once, marked
    /// unsynced until the journal hands them back); `acked` is how many of this instance's own
    /// appends they complete.
    Spooled {
        events: Vec<NewEvent>,
        acked: usize,
    },
    /// Whether the store takes our events (lasting: shown until it changes).
    Store(StoreHealth),
    /// How this screen's notifications fare (lasting: a quiet header mark until it changes).
    Notify(NotifyHealth),
    /// Who is on the session: every presence row, this screen's too, with its age. `settled`:
    /// this screen's own heartbeats have gone through steadily for as long as silence takes, so
    /// another screen's silence is its own (not an outage we shared).
    Presence {
        rows: Vec<Seen>,
        settled: bool,
    },
    /// The journal could not be written or read; the text is already redacted.
    JournalError(String),
    /// A probe finished a poll; the panel and the marker keep this one allocation.
    Probe(Arc<Sample>),
    Resize(u16, u16),
    /// What the last frame had room for (paging and scrolling use it).
    Viewport(Viewport),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Write an event to the journal; the screen changes only once it comes back committed.
    Append(NewEvent),
    /// Put text on the clipboard with OSC 52.
    Copy(String),
    /// Poll this probe now.
    PollNow(String),
    /// Ring the terminal bell.
    Bell,
    /// What this screen's presence row says changed: heartbeat it.
    Presence(Presence),
    /// Break or heal the demo service (only `flightdeck demo` installs the keys).
    Demo(crate::demo::DemoCommand),
    Quit,
}

/// The store as the journal worker last found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreHealth {
    /// `false` while appends or reads fail.
    pub reachable: bool,
    /// When it started failing.
    pub since: Option<DateTime<Utc>>,
    /// Why (redacted).
    pub error: Option<String>,
}

/// Notifications as this screen's notifier last found them; empty when all is well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyHealth {
    /// Targets whose last attempt failed and that are being retried: name, and why (redacted).
    pub failing: Vec<(String, String)>,
    /// Notifications given up on (refused for good, or expired), by any target.
    pub undelivered: usize,
}

impl Default for StoreHealth {
    fn default() -> Self {
        StoreHealth {
            reachable: true,
            since: None,
            error: None,
        }
    }
}
