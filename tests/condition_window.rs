#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `for` windows with an injected clock: holds, breaks, holds again; gaps, Unknowns and the
//! two-sample minimum. No sleeping: time is a number here.

use chrono::{DateTime, TimeZone, Utc};
use flightdeck::condition::{self, HoldStatus, HoldWindow, Truth};
use std::time::Duration;

fn t(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000, 0).unwrap() + chrono::Duration::seconds(secs)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn pending(since: i64, remaining: u64) -> HoldStatus {
    HoldStatus::Pending {
        since: t(since),
        remaining: secs(remaining),
    }
}

fn held(since: i64) -> HoldStatus {
    HoldStatus::Held { since: t(since) }
}

/// A sample taken at `at` and seen at the same moment.
fn feed(w: &mut HoldWindow, at: i64, truth: Truth) -> HoldStatus {
    w.observe(t(at), &truth, t(at))
}

/// `write_queue.value == 0 for 30s`, polled every 5 s.
fn window_30s() -> HoldWindow {
    let c = condition::parse("write_queue.value == 0 for 30s").unwrap();
    HoldWindow::for_condition(&c, secs(5))
}

#[test]
fn holds_after_the_duration_with_a_countdown() {
    let mut w = window_30s();
    assert_eq!(w.hold(), secs(30));
    assert_eq!(w.status(t(0)), HoldStatus::Idle);
    assert_eq!(feed(&mut w, 0, Truth::True), pending(0, 30));
    assert_eq!(feed(&mut w, 5, Truth::True), pending(0, 25));
    assert_eq!(feed(&mut w, 10, Truth::True), pending(0, 20));
    // Between samples the countdown moves with the clock.
    assert_eq!(w.status(t(12)), pending(0, 18));
    for at in [15, 20, 25] {
        assert!(matches!(
            feed(&mut w, at, Truth::True),
            HoldStatus::Pending { .. }
        ));
    }
    assert_eq!(feed(&mut w, 30, Truth::True), held(0));
    assert!(w.status(t(31)).is_held());
    // It stays held while the condition does.
    assert_eq!(feed(&mut w, 35, Truth::True), held(0));
}

#[test]
fn breaks_and_holds_again_with_the_countdown_restarted() {
    let mut w = window_30s();
    for at in (0..=20).step_by(5) {
        feed(&mut w, at, Truth::True);
    }
    assert_eq!(w.status(t(20)), pending(0, 10));
    assert_eq!(feed(&mut w, 25, Truth::False), HoldStatus::Idle);
    assert_eq!(w.status(t(27)), HoldStatus::Idle);
    assert_eq!(feed(&mut w, 30, Truth::True), pending(30, 30));
    for at in (35..=55).step_by(5) {
        assert!(matches!(
            feed(&mut w, at, Truth::True),
            HoldStatus::Pending { .. }
        ));
    }
    assert_eq!(feed(&mut w, 60, Truth::True), held(30));
    // Once held, a False ends it too.
    assert_eq!(feed(&mut w, 65, Truth::False), HoldStatus::Idle);
    assert_eq!(feed(&mut w, 70, Truth::True), pending(70, 30));
}

#[test]
fn a_gap_between_samples_resets_the_count() {
    let mut w = window_30s();
    for at in [0, 5, 10] {
        feed(&mut w, at, Truth::True);
    }
    // 7.5 s is the most a 5 s interval may stretch; 7 s is fine, 8 s is a gap.
    assert_eq!(feed(&mut w, 17, Truth::True), pending(0, 13));
    assert_eq!(feed(&mut w, 25, Truth::True), pending(25, 30));
    // While samples stop coming, a pending countdown is no longer shown.
    assert_eq!(w.status(t(32)), pending(25, 23));
    assert_eq!(w.status(t(33)), HoldStatus::Idle);
}

#[test]
fn an_unknown_resets_the_count_and_is_never_a_pass() {
    let mut w = window_30s();
    for at in (0..=25).step_by(5) {
        feed(&mut w, at, Truth::True);
    }
    let timeout = Truth::Unknown("`write_queue.value`: probe `write_queue` is UNKNOWN".into());
    assert_eq!(feed(&mut w, 30, timeout.clone()), HoldStatus::Idle);
    assert_eq!(feed(&mut w, 35, Truth::True), pending(35, 30));
    // Even with no `for`, Unknown does not hold.
    let mut now = HoldWindow::new(None, secs(5));
    assert_eq!(feed(&mut now, 0, timeout), HoldStatus::Idle);
}

#[test]
fn needs_two_samples_even_when_the_duration_is_shorter_than_the_interval() {
    // `for 1s` on a 5 s probe: the first true sample cannot prove anything held for a second.
    let mut w = HoldWindow::new(Some(secs(1)), secs(5));
    assert_eq!(feed(&mut w, 0, Truth::True), pending(0, 1));
    assert_eq!(w.status(t(3)), pending(0, 0));
    // The same sample seen again (another probe of the condition updated) adds nothing.
    assert_eq!(w.observe(t(4), &Truth::True, t(0)), pending(0, 0));
    assert_eq!(feed(&mut w, 5, Truth::True), held(0));
}

#[test]
fn without_for_one_true_sample_holds() {
    let c = condition::parse("api.ok").unwrap();
    let mut w = HoldWindow::for_condition(&c, secs(5));
    assert_eq!(w.hold(), Duration::ZERO);
    assert_eq!(feed(&mut w, 0, Truth::True), held(0));
    assert_eq!(feed(&mut w, 5, Truth::False), HoldStatus::Idle);
    assert_eq!(feed(&mut w, 10, Truth::True), held(10));
}

#[test]
fn a_long_interval_still_counts_two_samples_within_one_and_a_half_intervals() {
    let mut w = HoldWindow::new(Some(secs(30)), secs(60));
    assert_eq!(feed(&mut w, 0, Truth::True), pending(0, 30));
    assert_eq!(feed(&mut w, 60, Truth::True), held(0));
}

#[test]
fn reset_forgets_the_run() {
    let mut w = window_30s();
    feed(&mut w, 0, Truth::True);
    w.reset();
    assert_eq!(w.status(t(1)), HoldStatus::Idle);
    assert_eq!(feed(&mut w, 5, Truth::True), pending(5, 30));
}

#[test]
fn a_zero_interval_turns_the_gap_rule_off() {
    let mut w = HoldWindow::new(Some(secs(30)), Duration::ZERO);
    feed(&mut w, 0, Truth::True);
    assert_eq!(feed(&mut w, 100, Truth::True), held(0));
}
