//! The fold of pair-watching: screens join and leave, the wheel moves only from the screen that
//! holds it, and a co-sign must come from another person on another account or host.

use super::tests::{checklist, ev};
use super::*;
use crate::journal::{Cosign, EventBody, JoinMode, Joined, Left, Tick, Wheel, WheelHow};

fn joined(screen: &str, mode: JoinMode) -> EventBody {
    EventBody::Joined(Joined {
        mode,
        screen: Some(screen.into()),
        os_user: Some("u".into()),
        host: Some("h".into()),
        client: None,
        ..Joined::default()
    })
}

fn wheel(screen: &str, to: &str, from: Option<&str>, how: WheelHow) -> EventBody {
    EventBody::Wheel(Wheel {
        screen: screen.into(),
        to: to.into(),
        from: from.map(str::to_owned),
        how,
    })
}

#[test]
fn the_wheel_moves_only_from_the_screen_that_holds_it() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    s.apply(&ev(1, "alice", None, joined("A", JoinMode::Drive)));
    s.apply(&ev(
        2,
        "alice",
        None,
        wheel("A", "alice", None, WheelHow::First),
    ));
    s.apply(&ev(3, "bob", None, joined("B", JoinMode::Watch)));
    // a second "first" written before its writer saw alice's: void
    s.apply(&ev(
        4,
        "carol",
        None,
        wheel("C", "carol", None, WheelHow::First),
    ));
    assert_eq!(s.driver.as_ref().map(|d| d.actor.as_str()), Some("alice"));
    s.apply(&ev(
        5,
        "alice",
        None,
        wheel("B", "bob", Some("A"), WheelHow::Handed),
    ));
    // alice's screen grabbing it back with a stale view: void
    s.apply(&ev(
        6,
        "alice",
        None,
        wheel("A", "alice", Some("C"), WheelHow::Taken),
    ));
    let d = s.driver.clone().unwrap_or_else(|| panic!("a driver"));
    assert_eq!((d.screen.as_str(), d.actor.as_str()), ("B", "bob"));
    assert_eq!(s.spells.len(), 2);
    assert_eq!(s.spells[0].actor, "alice");
    assert_eq!(s.spells[0].to, Some(s.spells[1].from));
    assert_eq!(s.spells[1].how, WheelHow::Handed);
    assert_eq!(s.screens.len(), 2);
    // the driver's screen leaves: nobody drives, the spell ends
    let left = EventBody::Left(Left {
        screen: "B".into(),
        silent: true,
    });
    s.apply(&ev(7, "alice", None, left));
    assert!(s.driver.is_none());
    assert!(s.spells[1].to.is_some());
    assert!(s.screen("B").is_some_and(|b| b.left_at.is_some()));
    // ...and anyone may take it from nobody
    s.apply(&ev(
        8,
        "alice",
        None,
        wheel("A", "alice", None, WheelHow::Taken),
    ));
    assert_eq!(s.driver.map(|d| d.screen), Some("A".into()));
}

fn tick_from(user: &str, host: &str) -> EventBody {
    EventBody::Tick(Tick {
        os_user: Some(user.into()),
        host: Some(host.into()),
        ..Tick::default()
    })
}

fn cosign_from(user: &str, host: &str) -> EventBody {
    EventBody::Cosign(Cosign {
        item_text: None,
        os_user: Some(user.into()),
        host: Some(host.into()),
    })
}

#[test]
fn a_cosign_needs_another_actor_and_another_account_or_host() {
    let c = checklist();
    let mut s = SessionState::new("s", &c);
    s.apply(&ev(1, "alice", Some("b"), tick_from("alice", "vm1")));
    assert_eq!(s.item_state("b"), ItemState::AwaitingCosign);
    let status = s.item("b").cloned().unwrap_or_default();
    // one person, two --as names, one account
    assert!(cosign_refusal(&status, "alias", "alice", "vm1").is_some_and(|r| r.contains("same")));
    assert!(cosign_refusal(&status, "alice", "bob", "vm2").is_some());
    assert_eq!(cosign_refusal(&status, "bob", "bob", "vm1"), None);
    assert_eq!(cosign_refusal(&status, "bob", "alice", "vm2"), None);
    s.apply(&ev(2, "alias", Some("b"), cosign_from("alice", "vm1")));
    assert_eq!(
        s.item_state("b"),
        ItemState::AwaitingCosign,
        "refused by the fold"
    );
    s.apply(&ev(3, "bob", Some("b"), cosign_from("alice", "vm2")));
    assert_eq!(s.item_state("b"), ItemState::Done);
    assert_eq!(
        s.item("b").and_then(|i| i.cosigned_by.clone()),
        Some("bob".into())
    );
    assert_eq!(
        s.item("b").map(|i| i.changes),
        Some(3),
        "tick, refused co-sign, co-sign"
    );
}
