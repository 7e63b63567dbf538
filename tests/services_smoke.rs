//! The test harness itself: a real PostgreSQL and a real Redis start on loopback and answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/postgres.rs"]
mod postgres;
#[path = "support/redis.rs"]
mod redis_support;

#[test]
fn postgres_starts_answers_restarts() {
    let pg = postgres::PgServer::start();
    assert_eq!(pg.psql("postgres", "SELECT 40 + 2"), "42");
    pg.stop();
    pg.start_again();
    assert_eq!(pg.psql("postgres", "SELECT 1"), "1");
}

#[test]
fn redis_starts_answers_restarts() {
    let mut r = redis_support::RedisServer::start_with(Some("pw-xyz"));
    assert_eq!(r.cli(&["PING"]), "PONG");
    r.stop();
    r.start_again();
    assert_eq!(r.cli(&["PING"]), "PONG");
}
