//! The cockpit's state and its pure `update`: no I/O, no clock reads, no terminal.
//!
//! Messages come in (`msg::Msg`), the state changes, effects go out (`msg::Effect`) for the runtime
//! to carry out. A tick is shown only once the journal hands the committed event back.

mod actions;
mod auto;
pub mod demo;
pub mod keymap;
pub mod msg;
pub mod pair;
mod probe_list;
mod prompts;
mod search;
mod tree;
pub mod unsynced;
mod update;

pub use msg::{Effect, Key, Msg, NotifyHealth, StoreHealth, Viewport};
pub use probe_list::{PanelLookup, severity_rank};
pub use prompts::{choices as prompt_choices, picked as prompt_pick};
pub use tree::{FlatItem, Row, visible_scroll};
pub use update::update;

use crate::checklist::Checklist;
use crate::journal::{EventBody, NewEvent};
use crate::probes::Sample;
use crate::session::SessionState;
use chrono::{DateTime, Utc};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Asks the journal to write `event`; it shows once the journal has made it durable (in the
/// spool, marked unsynced until the store has it).
pub(crate) fn append(app: &mut App, fx: &mut Vec<Effect>, event: crate::store::NewEvent) {
    for ev in pair::prepare(app, event) {
        app.pending_writes += 1;
        app.in_flight.push_back(ev.clone());
        fx.push(Effect::Append(ev));
    }
}

/// A one-line message in the footer for a few seconds.
pub(crate) fn flash(app: &mut App, text: impl Into<String>, error: bool) {
    app.flash = Some(Flash {
        text: text.into(),
        error,
        until: app.now + chrono::Duration::seconds(4),
    });
    app.dirty = true;
}

/// Who is at the console and what they are looking at.
#[derive(Debug, Clone, Default)]
pub struct SessionMeta {
    pub session: String,
    pub actor: String,
    pub env: Option<String>,
    /// `watch` mode: keys that would write are refused.
    pub read_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Checklist,
    Probes,
}

/// Whose field a prompt fills in: an item's, or one the phase records as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldOwner {
    Item(String),
    Phase(String),
}

/// What a note is written on.
#[derive(Debug, Clone, PartialEq)]
pub enum NoteOn {
    Item(String),
    Phase(String),
    /// The whole window: a timeline entry ("02:14 paged the DBA").
    Session,
}

/// What a text prompt is for.
#[derive(Debug, Clone, PartialEq)]
pub enum Prompt {
    /// Skip `item` as not applicable; a required item needs a reason.
    Skip {
        item: String,
        required: bool,
    },
    Note {
        on: NoteOn,
    },
    /// Editing field `index` of an item or a phase. For a choice field, `choice` is the option
    /// picked so far: none until the person picks one (Enter never records an answer nobody chose).
    Field {
        owner: FieldOwner,
        index: usize,
        choice: Option<usize>,
    },
    Untick {
        item: String,
    },
    /// Ticking an auto item before its condition held: a reason (optional) is journaled.
    Override {
        item: String,
    },
    /// Ticking an item past a gate that has not said GO: a reason is needed, and journaled.
    PastGate {
        item: String,
        gate: crate::marking::GateBlock,
    },
    /// Go / no-go for a gate phase: first the decision (none picked until the person picks)…
    Decision {
        phase: String,
        choice: Option<usize>,
    },
    /// …then a note; Enter records both.
    DecisionNote {
        phase: String,
        decision: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Help,
    ConfirmQuit,
    Input {
        prompt: Prompt,
        buffer: String,
    },
    Search {
        query: String,
        origin: usize,
    },
    /// The full view of one probe (index into `App::probes`).
    ProbeDetail(usize),
    /// What changed in the checklist since the session last ran (shown on resume; any key).
    Changes,
}

/// One probe as the screen shows it.
#[derive(Debug, Clone)]
pub struct ProbeView {
    pub spec: crate::config::ProbeSpec,
    /// Shared with the marker: one allocation per sample, HTTP bodies included.
    pub latest: Option<Arc<Sample>>,
    /// An hour of the primary value, for the sparkline.
    pub history: crate::probes::history::History,
}

impl ProbeView {
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    pub fn interval_ms(&self) -> u64 {
        self.spec.interval.as_millis() as u64
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    pub until: DateTime<Utc>,
}

pub struct App {
    pub checklist: Checklist,
    pub session: SessionState,
    pub meta: SessionMeta,
    pub flat: Vec<FlatItem>,
    pub rows: Vec<Row>,
    pub folded: HashSet<usize>,
    /// Index into `rows`.
    pub cursor: usize,
    /// First visible row of the checklist list.
    pub scroll: usize,
    pub mode: Mode,
    pub focus: Focus,
    pub probes: Vec<ProbeView>,
    pub probe_cursor: usize,
    /// First row of the Live panel's list when it has the focus (the view follows the same rule).
    pub probe_scroll: usize,
    pub auto: HashMap<String, crate::marking::AutoStatus>,
    pub now: DateTime<Utc>,
    pub size: (u16, u16),
    /// What the last frame had room for (the view tells; zero until the first frame).
    pub viewport: Viewport,
    pub flash: Option<Flash>,
    /// The last search kept with Enter, for `n` / `N`.
    pub last_search: Option<String>,
    /// What changed in the checklist since the session last ran, when it did.
    pub changes: Option<crate::checklist::ChecklistDiff>,
    /// Writes sent to the journal and not yet back.
    pub pending_writes: usize,
    /// This screen's own appends not yet handed back, oldest first: a key acts on the state the
    /// person saw plus their own keys still in flight (two fast spaces: tick, then untick).
    pub in_flight: std::collections::VecDeque<crate::store::NewEvent>,
    /// Something shown changed since the last frame: draw at once.
    pub dirty: bool,
    /// Only values moved (a probe's new sample in the same state): draw at the next beat.
    pub dirty_on_beat: bool,
    pub ascii: bool,
    pub color: bool,
    /// Colours for a light terminal background.
    pub light: bool,
    /// The console's UTC offset, fixed at start, for wall-clock times on screen.
    pub utc_offset_secs: i32,
    pub quit: bool,
    /// The auto-marking engine; `None` in watch (read-only) mode, where another screen drives.
    pub marker: Option<crate::marking::Marker>,
    /// Ring the terminal bell when a trigger fires.
    pub bell: bool,
    /// Who this screen is, who else is here, who asks for the wheel.
    pub pair: pair::Pair,
    /// Events durable in the spool and not yet in the store, shown marked.
    pub unsynced: unsynced::Overlay,
    /// Whether the store takes our events.
    pub store: StoreHealth,
    /// How notifications fare (`[[notify]]`).
    pub notify: NotifyHealth,
    /// The demo's keys and hint; `None` outside `flightdeck demo`.
    pub demo: Option<demo::DemoState>,
}

impl App {
    pub fn new(checklist: Checklist, meta: SessionMeta, now: DateTime<Utc>) -> App {
        let session = SessionState::new(&meta.session, &checklist);
        let flat = tree::flatten(&checklist);
        let mut app = App {
            checklist,
            session,
            meta,
            flat,
            rows: Vec::new(),
            folded: HashSet::new(),
            cursor: 0,
            scroll: 0,
            mode: Mode::Normal,
            focus: Focus::Checklist,
            probes: Vec::new(),
            probe_cursor: 0,
            probe_scroll: 0,
            auto: HashMap::new(),
            now,
            size: (80, 24),
            viewport: Viewport::default(),
            flash: None,
            last_search: None,
            changes: None,
            pending_writes: 0,
            in_flight: std::collections::VecDeque::new(),
            dirty: true,
            dirty_on_beat: false,
            ascii: false,
            color: true,
            light: false,
            utc_offset_secs: 0,
            quit: false,
            marker: None,
            bell: true,
            pair: pair::Pair::default(),
            unsynced: unsynced::Overlay::default(),
            store: StoreHealth::default(),
            notify: NotifyHealth::default(),
            demo: None,
        };
        app.rebuild_rows();
        app.cursor = app
            .rows
            .iter()
            .position(|r| matches!(r, Row::Item(_)))
            .unwrap_or(0);
        app
    }

    /// Registers the probes the panels show, in config order.
    pub fn set_probes(&mut self, specs: &[crate::config::ProbeSpec]) {
        self.probes = specs
            .iter()
            .map(|spec| ProbeView {
                spec: spec.clone(),
                latest: None,
                history: crate::probes::history::History::new(spec.interval),
            })
            .collect();
        self.dirty = true;
    }

    /// The item under the cursor, if the cursor is on an item.
    pub fn selected_item(&self) -> Option<&FlatItem> {
        match self.rows.get(self.cursor)? {
            Row::Item(i) => self.flat.get(*i),
            _ => None,
        }
    }

    /// An event by this console's actor about item `id`, stamped with the item's text as it
    /// reads now.
    pub fn item_event(&self, id: &str, body: EventBody) -> NewEvent {
        let text = self
            .flat
            .iter()
            .find(|f| f.item.id == id)
            .map(|f| f.item.text.as_str());
        NewEvent::on_item(&self.meta.actor, id, text, body)
    }

    /// Field `index` of an item or a phase.
    pub fn field(&self, owner: &FieldOwner, index: usize) -> Option<&crate::checklist::Field> {
        match owner {
            FieldOwner::Item(item) => self
                .flat
                .iter()
                .find(|f| f.item.id == *item)
                .and_then(|f| f.item.fields.get(index)),
            FieldOwner::Phase(phase) => self
                .checklist
                .phases
                .iter()
                .find(|p| p.id == *phase)
                .and_then(|p| p.fields.get(index)),
        }
    }

    /// The phase the cursor is in.
    pub fn selected_phase(&self) -> usize {
        match self.rows.get(self.cursor) {
            Some(Row::Phase(p)) | Some(Row::Group(p, _)) => *p,
            Some(Row::Item(i)) => self.flat.get(*i).map_or(0, |f| f.phase),
            None => 0,
        }
    }

    pub fn elapsed(&self) -> std::time::Duration {
        self.session
            .started_at
            .and_then(|s| (self.now - s).to_std().ok())
            .unwrap_or_default()
    }
}
