//! The presence table on SQLite: an upsert per heartbeat, under the same write lock as appends.

use super::{SqliteStore, format_at, parse_at};
use crate::store::StoreError;
use crate::store::presence::{FORGET_AFTER, Presence, Role, Seen};
use chrono::Utc;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

impl SqliteStore {
    /// Refreshes `me`'s row and reads every row of `session` (the silent ones too, with their age).
    pub(crate) async fn heartbeat(
        &self,
        session: &str,
        me: &Presence,
    ) -> Result<Vec<Seen>, StoreError> {
        let action = "refresh presence";
        let now = Utc::now();
        let now_text = format_at(now);
        let forget = format_at(now - chrono::Duration::from_std(FORGET_AFTER).unwrap_or_default());
        let _guard = self.write_lock.lock().await;
        let mut conn = self.pool.acquire().await.map_err(self.err(action))?;
        let result = async {
            let mut tx = sqlx::Connection::begin(&mut *conn).await?;
            sqlx::query(
                "INSERT INTO presence (session, screen, actor, os_user, host, client, role, item, \
                 asked_at, joined_at, seen_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, CASE WHEN ?9 THEN ?10 END, ?10, ?10) \
                 ON CONFLICT (session, screen) DO UPDATE SET actor = excluded.actor, \
                 os_user = excluded.os_user, host = excluded.host, client = excluded.client, \
                 role = excluded.role, item = excluded.item, \
                 asked_at = CASE WHEN ?9 THEN COALESCE(presence.asked_at, ?10) END, \
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
            .bind(&now_text)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM presence WHERE seen_at < ?")
                .bind(&forget)
                .execute(&mut *tx)
                .await?;
            let rows = sqlx::query(SELECT_ROWS)
                .bind(session)
                .fetch_all(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(rows)
        }
        .await;
        let rows = match result {
            Ok(rows) => rows,
            Err(e) => {
                conn.close_on_drop();
                return Err(self.err(action)(e));
            }
        };
        rows.iter()
            .map(|row| decode_seen(row, now).map_err(|m| self.corrupt(session, &m)))
            .collect()
    }

    /// Reads every row of `session` without writing: the looks between heartbeats.
    pub(crate) async fn who_is_here(&self, session: &str) -> Result<Vec<Seen>, StoreError> {
        let now = Utc::now();
        let rows = sqlx::query(SELECT_ROWS)
            .bind(session)
            .fetch_all(&self.pool)
            .await
            .map_err(self.err("read presence"))?;
        rows.iter()
            .map(|row| decode_seen(row, now).map_err(|m| self.corrupt(session, &m)))
            .collect()
    }

    /// Removes `screen`'s row: it closed.
    pub(crate) async fn leave(&self, session: &str, screen: &str) -> Result<(), StoreError> {
        let action = "leave the session";
        let _guard = self.write_lock.lock().await;
        sqlx::query("DELETE FROM presence WHERE session = ? AND screen = ?")
            .bind(session)
            .bind(screen)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(self.err(action))
    }
}

const SELECT_ROWS: &str = "SELECT screen, actor, os_user, host, client, role, item, asked_at, \
     joined_at, seen_at FROM presence WHERE session = ? ORDER BY joined_at, screen";

fn decode_seen(row: &SqliteRow, now: chrono::DateTime<Utc>) -> Result<Seen, String> {
    let get = |col: &str| -> Result<String, String> {
        row.try_get::<String, _>(col).map_err(|e| e.to_string())
    };
    let opt = |col: &str| -> Result<Option<String>, String> {
        row.try_get::<Option<String>, _>(col)
            .map_err(|e| e.to_string())
    };
    let seen_at = parse_at(&get("seen_at")?)?;
    Ok(Seen {
        presence: Presence {
            screen: get("screen")?,
            actor: get("actor")?,
            os_user: get("os_user")?,
            host: get("host")?,
            client: opt("client")?,
            role: Role::parse(&get("role")?),
            item: opt("item")?,
            asks_wheel: opt("asked_at")?.is_some(),
        },
        asked_at: opt("asked_at")?.as_deref().map(parse_at).transpose()?,
        joined_at: parse_at(&get("joined_at")?)?,
        seen_at,
        age: (now - seen_at).to_std().unwrap_or_default(),
    })
}
