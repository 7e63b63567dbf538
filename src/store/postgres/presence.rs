//! The presence table on PostgreSQL: an upsert per heartbeat, ages on the server's clock (one
//! clock for every host).

use super::PgStore;
use crate::store::StoreError;
use crate::store::presence::{FORGET_AFTER, Presence, Role, Seen};
use sqlx::Row;
use sqlx::postgres::PgRow;
use std::time::Duration;

const SELECT_ROWS: &str = "SELECT screen, actor, os_user, host, client, role, item, asked_at, \
     joined_at, seen_at, \
     (EXTRACT(EPOCH FROM (clock_timestamp() - seen_at)) * 1000)::float8 AS age_ms \
     FROM flightdeck.presence WHERE session = $1 ORDER BY joined_at, screen";

impl PgStore {
    /// Refreshes `me`'s row and reads every row of `session` (the silent ones too, with their age).
    pub(crate) async fn heartbeat(
        &self,
        session: &str,
        me: &Presence,
    ) -> Result<Vec<Seen>, StoreError> {
        let forget_s = FORGET_AFTER.as_secs_f64();
        let rows = self
            .timed("refresh presence", async {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO flightdeck.presence (session, screen, actor, os_user, host, \
                     client, role, item, asked_at, joined_at, seen_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                     CASE WHEN $9 THEN clock_timestamp() END, clock_timestamp(), \
                     clock_timestamp()) \
                     ON CONFLICT (session, screen) DO UPDATE SET actor = excluded.actor, \
                     os_user = excluded.os_user, host = excluded.host, client = excluded.client, \
                     role = excluded.role, item = excluded.item, \
                     asked_at = CASE WHEN $9 \
                       THEN COALESCE(flightdeck.presence.asked_at, clock_timestamp()) END, \
                     seen_at = excluded.seen_at",
                )
                .bind(session)
                .bind(&me.screen)
                .bind(&me.actor)
                .bind(&me.os_user)
                .bind(&me.host)
                .bind(me.client.as_deref())
                .bind(me.role.as_str())
                .bind(me.item.as_deref())
                .bind(me.asks_wheel)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "DELETE FROM flightdeck.presence \
                     WHERE seen_at < clock_timestamp() - make_interval(secs => $1)",
                )
                .bind(forget_s)
                .execute(&mut *tx)
                .await?;
                let rows = sqlx::query(SELECT_ROWS)
                    .bind(session)
                    .fetch_all(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(rows)
            })
            .await?;
        rows.iter()
            .map(|row| {
                decode_seen(row)
                    .map_err(|e| StoreError::from_sqlx(&self.url, "refresh presence", &e))
            })
            .collect()
    }

    /// Reads every row of `session` without writing: the looks between heartbeats.
    pub(crate) async fn who_is_here(&self, session: &str) -> Result<Vec<Seen>, StoreError> {
        let rows = self
            .timed(
                "read presence",
                sqlx::query(SELECT_ROWS).bind(session).fetch_all(&self.pool),
            )
            .await?;
        rows.iter()
            .map(|row| {
                decode_seen(row).map_err(|e| StoreError::from_sqlx(&self.url, "read presence", &e))
            })
            .collect()
    }

    /// Removes `screen`'s row: it closed.
    pub(crate) async fn leave(&self, session: &str, screen: &str) -> Result<(), StoreError> {
        self.timed(
            "leave the session",
            sqlx::query("DELETE FROM flightdeck.presence WHERE session = $1 AND screen = $2")
                .bind(session)
                .bind(screen)
                .execute(&self.pool),
        )
        .await
        .map(|_| ())
    }
}

fn decode_seen(row: &PgRow) -> Result<Seen, sqlx::Error> {
    let age_ms: f64 = row.try_get("age_ms")?;
    let asked_at: Option<chrono::DateTime<chrono::Utc>> = row.try_get("asked_at")?;
    let role: String = row.try_get("role")?;
    Ok(Seen {
        presence: Presence {
            screen: row.try_get("screen")?,
            actor: row.try_get("actor")?,
            os_user: row.try_get("os_user")?,
            host: row.try_get("host")?,
            client: row.try_get("client")?,
            role: Role::parse(&role),
            item: row.try_get("item")?,
            asks_wheel: asked_at.is_some(),
        },
        asked_at,
        joined_at: row.try_get("joined_at")?,
        seen_at: row.try_get("seen_at")?,
        age: Duration::from_secs_f64(age_ms.max(0.0) / 1000.0),
    })
}
