//! The notifications table on SQLite: records, leases and outcomes under the same write lock as
//! appends (`BEGIN IMMEDIATE`, so two processes leasing at once queue instead of both winning).

use super::{SqliteStore, format_at, parse_at};
use crate::store::StoreError;
use crate::store::notices::{
    Attempted, COLUMNS, DeliveryStatus, Lease, LeaseRow, NewNotification, Notification,
    still_waiting,
};
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Connection, Row};
use std::time::Duration;

fn later(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl SqliteStore {
    pub(crate) async fn record_notifications(
        &self,
        session: &str,
        notes: &[NewNotification],
    ) -> Result<usize, StoreError> {
        let action = "record notifications";
        let _guard = self.write_lock.lock().await;
        let mut conn = self.pool.acquire().await.map_err(self.err(action))?;
        let result = async {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            let mut added = 0;
            for n in notes {
                let done = sqlx::query(
                    "INSERT INTO notifications (session, target, notice, seq, kind, happened_at, \
                     expires_at, document, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT (session, target, notice) DO NOTHING",
                )
                .bind(session)
                .bind(&n.target)
                .bind(&n.notice)
                .bind(n.seq)
                .bind(&n.kind)
                .bind(format_at(n.happened_at))
                .bind(format_at(n.expires_at))
                .bind(&n.document)
                .bind(format_at(n.happened_at))
                .execute(&mut *tx)
                .await?;
                added += done.rows_affected() as usize;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(added)
        }
        .await;
        if result.is_err() {
            // see `append`: a failed write may leave the connection in a half-open transaction
            conn.close_on_drop();
        }
        result.map_err(self.err(action))
    }

    pub(crate) async fn lease_notification(
        &self,
        session: &str,
        target: &str,
        screen: &str,
        hold: Duration,
    ) -> Result<Lease, StoreError> {
        let action = "lease a notification";
        // a look without the write lock first: an idle target asks every few seconds, and most
        // of the time there is nothing due
        let head: Option<(String, Option<String>, Option<String>, String)> = sqlx::query_as(
            "SELECT next_at, lease_until, lease_by, expires_at FROM notifications \
             WHERE session = ? AND target = ? AND status = 'pending' ORDER BY id LIMIT 1",
        )
        .bind(session)
        .bind(target)
        .fetch_optional(&self.pool)
        .await
        .map_err(self.err(action))?;
        let Some((next_at, lease_until, lease_by, expires_at)) = head else {
            return Ok(Lease::Idle);
        };
        let parse = |at: &str| parse_at(at).map_err(|m| self.corrupt(session, &m));
        let now = Utc::now();
        let lease_until = lease_until.as_deref().map(parse).transpose()?;
        if parse(&expires_at)? > now
            && let Some(wait) = still_waiting(now, screen, lease_by, lease_until, parse(&next_at)?)
        {
            return Ok(Lease::Wait(wait));
        }
        let _guard = self.write_lock.lock().await;
        let mut conn = self.pool.acquire().await.map_err(self.err(action))?;
        let result = async {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            let now = Utc::now();
            loop {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM notifications WHERE session = ? AND target = ? \
                     AND status = 'pending' ORDER BY id LIMIT 1"
                )))
                .bind(session)
                .bind(target)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    tx.commit().await?;
                    return Ok(Lease::Idle);
                };
                let (note, lease_by, lease_until, next_at) =
                    decode(&row).map_err(|m| sqlx::Error::Decode(m.into()))?;
                if note.expires_at <= now {
                    sqlx::query("UPDATE notifications SET status = 'expired' WHERE id = ?")
                        .bind(note.id)
                        .execute(&mut *tx)
                        .await?;
                    continue;
                }
                if let Some(wait) = still_waiting(now, screen, lease_by, lease_until, next_at) {
                    tx.commit().await?;
                    return Ok(Lease::Wait(wait));
                }
                sqlx::query("UPDATE notifications SET lease_by = ?, lease_until = ? WHERE id = ?")
                    .bind(screen)
                    .bind(format_at(later(now, hold)))
                    .bind(note.id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(Lease::Got(Box::new(note)));
            }
        }
        .await;
        if result.is_err() {
            conn.close_on_drop();
        }
        result.map_err(self.err(action))
    }

    pub(crate) async fn finish_notification(
        &self,
        id: i64,
        screen: &str,
        outcome: &Attempted,
    ) -> Result<Option<DeliveryStatus>, StoreError> {
        let action = "record a notification's attempt";
        let now = Utc::now();
        let _guard = self.write_lock.lock().await;
        let query = match outcome {
            Attempted::Delivered => sqlx::query(
                "UPDATE notifications SET status = 'delivered', attempts = attempts + 1, \
                 delivered_at = ?, last_error = NULL, lease_by = NULL, lease_until = NULL \
                 WHERE id = ? AND lease_by = ? RETURNING status",
            )
            .bind(format_at(now))
            .bind(id)
            .bind(screen),
            Attempted::Retry { error, after } => {
                let next = format_at(later(now, *after));
                sqlx::query(
                    "UPDATE notifications SET attempts = attempts + 1, last_error = ?1, \
                     next_at = ?2, lease_by = NULL, lease_until = NULL, \
                     status = CASE WHEN ?2 >= expires_at THEN 'expired' ELSE 'pending' END \
                     WHERE id = ?3 AND lease_by = ?4 RETURNING status",
                )
                .bind(error)
                .bind(next)
                .bind(id)
                .bind(screen)
            }
            Attempted::Failed { error } => sqlx::query(
                "UPDATE notifications SET status = 'failed', attempts = attempts + 1, \
                 last_error = ?, lease_by = NULL, lease_until = NULL \
                 WHERE id = ? AND lease_by = ? RETURNING status",
            )
            .bind(error)
            .bind(id)
            .bind(screen),
        };
        let row = query
            .fetch_optional(&self.pool)
            .await
            .map_err(self.err(action))?;
        Ok(row
            .and_then(|r| r.try_get::<String, _>("status").ok())
            .map(|s| DeliveryStatus::parse(&s)))
    }

    pub(crate) async fn notifications(
        &self,
        session: &str,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM notifications WHERE session = ? ORDER BY id"
        )))
        .bind(session)
        .fetch_all(&self.pool)
        .await
        .map_err(self.err("read notifications"))?;
        rows.iter()
            .map(|row| {
                decode(row)
                    .map(|(n, ..)| n)
                    .map_err(|m| self.corrupt(session, &m))
            })
            .collect()
    }
}

fn decode(row: &SqliteRow) -> Result<LeaseRow, String> {
    let text = |col: &str| row.try_get::<String, _>(col).map_err(|e| e.to_string());
    let opt = |col: &str| {
        row.try_get::<Option<String>, _>(col)
            .map_err(|e| e.to_string())
    };
    let int = |col: &str| row.try_get::<i64, _>(col).map_err(|e| e.to_string());
    let note = Notification {
        id: int("id")?,
        target: text("target")?,
        notice: text("notice")?,
        seq: int("seq")?,
        kind: text("kind")?,
        happened_at: parse_at(&text("happened_at")?)?,
        expires_at: parse_at(&text("expires_at")?)?,
        document: text("document")?,
        status: DeliveryStatus::parse(&text("status")?),
        attempts: int("attempts")?,
        delivered_at: opt("delivered_at")?.as_deref().map(parse_at).transpose()?,
        last_error: opt("last_error")?,
    };
    let lease_until = opt("lease_until")?.as_deref().map(parse_at).transpose()?;
    let next_at = parse_at(&text("next_at")?)?;
    Ok((note, opt("lease_by")?, lease_until, next_at))
}
