//! The demo's keys and first-run hint. Only `flightdeck demo` installs them (`App::demo`); outside
//! the demo the keymap is untouched. A key becomes an `Effect::Demo` the demo command carries out.

use super::msg::{Effect, Key};
use super::{App, flash};
use crate::demo::{DemoCommand, Fault, control_for};
use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct DemoState {
    /// Faults switched on and not healed yet: the strip marks them.
    pub faults: BTreeSet<Fault>,
    /// The first-run hint is on screen; the first key hides it.
    pub hint: bool,
}

impl DemoState {
    /// A fresh demo: nothing broken, the hint showing.
    pub fn new() -> DemoState {
        DemoState {
            faults: BTreeSet::new(),
            hint: true,
        }
    }
}

/// Handles a normal-mode key when the demo is installed: the first key hides the hint (Esc does
/// only that; any other key also does its usual job), `0`–`4` switch faults. True when the key
/// is used up.
pub(super) fn on_key(app: &mut App, key: Key, fx: &mut Vec<Effect>) -> bool {
    let Some(demo) = app.demo.as_mut() else {
        return false;
    };
    if std::mem::take(&mut demo.hint) && key == Key::Esc {
        return true;
    }
    let Key::Char(c) = key else {
        return false;
    };
    let Some(control) = control_for(c) else {
        return false;
    };
    match control.command {
        DemoCommand::Break(f) => {
            demo.faults.insert(f);
        }
        DemoCommand::Heal => demo.faults.clear(),
    }
    fx.push(Effect::Demo(control.command));
    flash(app, format!("demo: {}", control.reaction), false);
    true
}
