//! The demo's fault switches: which key breaks what. The demo strip, the `?` screen and the
//! key handling all read this one table.

/// Something the demo service can be made to do wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// `/health` answers 503.
    FailHealth,
    /// The 5xx ratio climbs above the rollback criterion (5 %).
    ErrorSpike,
    /// The job queue fills up (CRIT above 200).
    FillQueue,
    /// `/health` accepts the connection and never answers.
    HangHealth,
}

/// What a demo key asks of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoCommand {
    Break(Fault),
    /// Clear every fault: the service recovers by itself.
    Heal,
}

/// One demo key.
pub struct Control {
    pub key: char,
    pub command: DemoCommand,
    /// The words on the demo strip.
    pub label: &'static str,
    /// What the cockpit does about it, said in the footer when the key is pressed.
    pub reaction: &'static str,
}

pub const CONTROLS: &[Control] = &[
    Control {
        key: '1',
        command: DemoCommand::Break(Fault::FailHealth),
        label: "fail health",
        reaction: "/health answers 503 now: api turns CRIT, the health item regresses",
    },
    Control {
        key: '2',
        command: DemoCommand::Break(Fault::ErrorSpike),
        label: "error spike",
        reaction: "12 % of requests fail now: 5xx ratio CRIT, rollback banner after 5 s",
    },
    Control {
        key: '3',
        command: DemoCommand::Break(Fault::FillQueue),
        label: "fill queue",
        reaction: "480 jobs queued now: jobs queued CRIT, the drain item waits",
    },
    Control {
        key: '4',
        command: DemoCommand::Break(Fault::HangHealth),
        label: "hang health",
        reaction: "/health never answers now: api CRIT after its 500 ms timeout",
    },
    Control {
        key: '0',
        command: DemoCommand::Heal,
        label: "heal",
        reaction: "healed: every probe recovers within a poll or two (the queue drains)",
    },
];

/// The control bound to `key`, if any.
pub fn control_for(key: char) -> Option<&'static Control> {
    CONTROLS.iter().find(|c| c.key == key)
}
