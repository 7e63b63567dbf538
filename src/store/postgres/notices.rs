//! The notifications table on PostgreSQL: leases and retry times on the server's clock (one
//! clock for every host); a lease takes the row lock, so two screens leasing at once queue.

use super::PgStore;
use crate::store::StoreError;
use crate::store::notices::{
    Attempted, COLUMNS, DeliveryStatus, Lease, LeaseRow, NewNotification, Notification,
    still_waiting,
};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::postgres::PgRow;
use std::time::Duration;

impl PgStore {
    pub(crate) async fn record_notifications(
        &self,
        session: &str,
        notes: &[NewNotification],
    ) -> Result<usize, StoreError> {
        self.timed("record notifications", async {
            let mut tx = self.pool.begin().await?;
            let mut added = 0;
            for n in notes {
                let done = sqlx::query(
                    "INSERT INTO flightdeck.notifications (session, target, notice, seq, kind, \
                     happened_at, expires_at, document, next_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6) \
                     ON CONFLICT (session, target, notice) DO NOTHING",
                )
                .bind(session)
                .bind(&n.target)
                .bind(&n.notice)
                .bind(n.seq)
                .bind(&n.kind)
                .bind(n.happened_at)
                .bind(n.expires_at)
                .bind(&n.document)
                .execute(&mut *tx)
                .await?;
                added += done.rows_affected() as usize;
            }
            tx.commit().await?;
            Ok(added)
        })
        .await
    }

    pub(crate) async fn lease_notification(
        &self,
        session: &str,
        target: &str,
        screen: &str,
        hold: Duration,
    ) -> Result<Lease, StoreError> {
        self.timed("lease a notification", async {
            let mut tx = self.pool.begin().await?;
            loop {
                let row = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS}, clock_timestamp() AS now FROM flightdeck.notifications \
                     WHERE session = $1 AND target = $2 AND status = 'pending' \
                     ORDER BY id LIMIT 1 FOR UPDATE"
                )))
                .bind(session)
                .bind(target)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    tx.commit().await?;
                    return Ok(Lease::Idle);
                };
                let now: DateTime<Utc> = row.try_get("now")?;
                let (note, lease_by, lease_until, next_at) = decode(&row)?;
                if note.expires_at <= now {
                    sqlx::query(
                        "UPDATE flightdeck.notifications SET status = 'expired' WHERE id = $1",
                    )
                    .bind(note.id)
                    .execute(&mut *tx)
                    .await?;
                    continue;
                }
                if let Some(wait) = still_waiting(now, screen, lease_by, lease_until, next_at) {
                    tx.commit().await?;
                    return Ok(Lease::Wait(wait));
                }
                sqlx::query(
                    "UPDATE flightdeck.notifications SET lease_by = $1, \
                     lease_until = clock_timestamp() + make_interval(secs => $2) WHERE id = $3",
                )
                .bind(screen)
                .bind(hold.as_secs_f64())
                .bind(note.id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                return Ok(Lease::Got(Box::new(note)));
            }
        })
        .await
    }

    pub(crate) async fn finish_notification(
        &self,
        id: i64,
        screen: &str,
        outcome: &Attempted,
    ) -> Result<Option<DeliveryStatus>, StoreError> {
        let status: Option<String> = self
            .timed("record a notification's attempt", async {
                let query = match outcome {
                    Attempted::Delivered => sqlx::query_scalar(
                        "UPDATE flightdeck.notifications SET status = 'delivered', \
                         attempts = attempts + 1, delivered_at = clock_timestamp(), \
                         last_error = NULL, lease_by = NULL, lease_until = NULL \
                         WHERE id = $1 AND lease_by = $2 RETURNING status",
                    )
                    .bind(id)
                    .bind(screen),
                    Attempted::Retry { error, after } => sqlx::query_scalar(
                        "UPDATE flightdeck.notifications SET attempts = attempts + 1, \
                         last_error = $3, \
                         next_at = clock_timestamp() + make_interval(secs => $4), \
                         lease_by = NULL, lease_until = NULL, \
                         status = CASE WHEN clock_timestamp() + make_interval(secs => $4) \
                           >= expires_at THEN 'expired' ELSE 'pending' END \
                         WHERE id = $1 AND lease_by = $2 RETURNING status",
                    )
                    .bind(id)
                    .bind(screen)
                    .bind(error)
                    .bind(after.as_secs_f64()),
                    Attempted::Failed { error } => sqlx::query_scalar(
                        "UPDATE flightdeck.notifications SET status = 'failed', \
                         attempts = attempts + 1, last_error = $3, lease_by = NULL, \
                         lease_until = NULL WHERE id = $1 AND lease_by = $2 RETURNING status",
                    )
                    .bind(id)
                    .bind(screen)
                    .bind(error),
                };
                query.fetch_optional(&self.pool).await
            })
            .await?;
        Ok(status.map(|s| DeliveryStatus::parse(&s)))
    }

    pub(crate) async fn notifications(
        &self,
        session: &str,
    ) -> Result<Vec<Notification>, StoreError> {
        let rows = self
            .timed(
                "read notifications",
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM flightdeck.notifications WHERE session = $1 \
                     ORDER BY id"
                )))
                .bind(session)
                .fetch_all(&self.pool),
            )
            .await?;
        rows.iter()
            .map(|row| {
                decode(row)
                    .map(|(n, ..)| n)
                    .map_err(|e| StoreError::from_sqlx(&self.url, "read notifications", &e))
            })
            .collect()
    }
}

fn decode(row: &PgRow) -> Result<LeaseRow, sqlx::Error> {
    let status: String = row.try_get("status")?;
    let note = Notification {
        id: row.try_get("id")?,
        target: row.try_get("target")?,
        notice: row.try_get("notice")?,
        seq: row.try_get("seq")?,
        kind: row.try_get("kind")?,
        happened_at: row.try_get("happened_at")?,
        expires_at: row.try_get("expires_at")?,
        document: row.try_get("document")?,
        status: DeliveryStatus::parse(&status),
        attempts: row.try_get("attempts")?,
        delivered_at: row.try_get("delivered_at")?,
        last_error: row.try_get("last_error")?,
    };
    Ok((
        note,
        row.try_get("lease_by")?,
        row.try_get("lease_until")?,
        row.try_get("next_at")?,
    ))
}
