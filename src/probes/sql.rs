//! The `sql` kind: a scalar query on PostgreSQL, MySQL/MariaDB or SQLite (chosen by URL scheme);
//! outputs `value` (first column of the first row, a number where it is one) and `rows`.
//!
//! Each probe keeps one connection of its own (a pool of one) and opens a new one after any
//! failure: the connect error is then the reason shown (a pool would only say "timed out"), and a
//! restarted database is picked up on the next poll. PostgreSQL sessions get `statement_timeout`
//! (the probe's timeout) and `default_transaction_read_only`, so a probe can neither run on
//! after we gave up nor write.

use crate::config::{KindSettings, Poller, ProbeKind, ProbeSpec, SecretText, TableReader};
use crate::model::{Failure, OutputSpec, OutputType, Outputs, PollResult, Value, ValueUnit};
use futures_util::TryStreamExt;
use futures_util::future::BoxFuture;
use sqlx::mysql::{MySqlConnectOptions, MySqlRow};
use sqlx::postgres::{PgConnectOptions, PgRow, PgValueFormat};
use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{
    AssertSqlSafe, ConnectOptions, Executor, MySqlConnection, PgConnection, Row, SqliteConnection,
    TypeInfo, ValueRef,
};
use std::any::Any;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

const OUTPUTS: &[OutputSpec] = &[
    OutputSpec::new("value", OutputType::Any, "first column of the first row"),
    OutputSpec::new("rows", OutputType::Number(None), "rows the query returned"),
    OutputSpec::new(
        "latency",
        OutputType::Number(Some(ValueUnit::Millis)),
        "the query's run time",
    ),
];

/// The `sql` kind in the registry.
pub struct Sql;

impl ProbeKind for Sql {
    fn name(&self) -> &'static str {
        "sql"
    }

    fn keys(&self) -> &'static [&'static str] {
        &["url", "query"]
    }

    fn outputs(&self) -> &'static [OutputSpec] {
        OUTPUTS
    }

    fn read(&self, r: &mut TableReader<'_, '_>) -> Option<Arc<dyn KindSettings>> {
        let url = r.url("url = \"${DATABASE_URL}\"");
        let query = r.required("query", "query = \"SELECT count(*) FROM jobs\"");
        if let Some(u) = &url {
            r.check_scheme(
                u,
                &["postgres", "postgresql", "mysql", "mariadb", "sqlite"],
                "use postgres://, mysql:// or sqlite:",
            );
        }
        Some(Arc::new(SqlSettings {
            url: url?,
            query: query?,
        }))
    }
}

#[derive(Debug, Clone)]
pub struct SqlSettings {
    /// `postgres://`, `postgresql://`, `mysql://`, `mariadb://` or `sqlite:`.
    pub url: SecretText,
    pub query: String,
}

impl KindSettings for SqlSettings {
    fn target(&self) -> String {
        self.url.redacted()
    }

    fn secret_parts(&self) -> Vec<String> {
        self.url.secret_parts()
    }

    fn poller(&self, spec: &ProbeSpec) -> Box<dyn Poller> {
        Box::new(SqlProbe::new(self, spec.timeout))
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

enum Target {
    Pg(PgConnectOptions),
    My(MySqlConnectOptions),
    Lite(SqliteConnectOptions),
}

enum Conn {
    Pg(PgConnection),
    My(MySqlConnection),
    Lite(SqliteConnection),
}

pub struct SqlProbe {
    target: Result<Target, String>,
    conn: Option<Conn>,
    query: String,
    timeout: Duration,
}

impl SqlProbe {
    pub fn new(settings: &SqlSettings, timeout: Duration) -> SqlProbe {
        SqlProbe {
            target: target(&settings.url, timeout),
            conn: None,
            query: settings.query.clone(),
            timeout,
        }
    }

    async fn poll_once(&mut self) -> PollResult {
        let reused = self.conn.is_some();
        match self.query_once().await {
            Ok(out) => Ok(out),
            // a kept connection may have died with a restarted server: retry once on a new one
            Err(_) if reused => {
                self.conn = None;
                self.query_once().await
            }
            Err(e) => Err(e),
        }
    }

    async fn query_once(&mut self) -> PollResult {
        if self.conn.is_none() {
            self.conn = Some(self.connect().await?);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(Failure::no_answer("no connection"));
        };
        let started = Instant::now();
        let sql = AssertSqlSafe(self.query.clone());
        let result = match conn {
            Conn::Pg(c) => run(c.fetch(sqlx::query(sql)), pg_value).await,
            Conn::My(c) => run(c.fetch(sqlx::query(sql)), my_value).await,
            Conn::Lite(c) => run(c.fetch(sqlx::query(sql)), lite_value).await,
        };
        let (value, rows) = match result {
            Ok(r) => r,
            Err(QueryError::Sql(e)) => {
                let reason = format!("query failed: {}", describe_sqlx(&e));
                // the connection broke under the query: no answer; the server refused the
                // query (syntax, permissions, a statement timeout): an answer to judge as UNKNOWN
                if matches!(
                    e,
                    sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::Tls(_)
                ) {
                    self.conn = None;
                    return Err(Failure::no_answer(reason));
                }
                return Err(Failure::cannot_judge(reason));
            }
            Err(QueryError::Value(reason)) => return Err(Failure::cannot_judge(reason)),
        };
        let latency = started.elapsed().as_secs_f64() * 1000.0;
        let mut out = Outputs::answered_in(latency);
        out.number("rows", rows as f64);
        match value {
            Some(v) => out.set("value", v),
            None if rows > 0 => return Err(Failure::cannot_judge("no data: the value is NULL")),
            None => {}
        }
        Ok(out)
    }

    async fn connect(&self) -> Result<Conn, Failure> {
        let target = self
            .target
            .as_ref()
            .map_err(|e| Failure::cannot_judge(e.clone()))?;
        // a server that refuses us (a wrong password, no such database) answered; one that cannot
        // be reached did not
        let fail = |e: sqlx::Error| {
            let reason = format!("cannot connect: {}", describe_sqlx(&e));
            match e {
                sqlx::Error::Database(_) | sqlx::Error::Configuration(_) => {
                    Failure::cannot_judge(reason)
                }
                _ => Failure::no_answer(reason),
            }
        };
        Ok(match target {
            Target::Pg(o) => Conn::Pg(o.connect().await.map_err(fail)?),
            Target::My(o) => {
                let mut c = o.connect().await.map_err(fail)?;
                // server-side limits; MySQL and MariaDB spell them differently, so try both
                let ms = self.timeout.as_millis();
                let _ = c
                    .execute(AssertSqlSafe(format!(
                        "SET SESSION max_execution_time = {ms}"
                    )))
                    .await;
                let _ = c
                    .execute(AssertSqlSafe(format!(
                        "SET SESSION max_statement_time = {}",
                        self.timeout.as_secs_f64()
                    )))
                    .await;
                let _ = c.execute("SET SESSION TRANSACTION READ ONLY").await;
                Conn::My(c)
            }
            Target::Lite(o) => Conn::Lite(o.connect().await.map_err(fail)?),
        })
    }
}

impl Poller for SqlProbe {
    fn poll(&mut self) -> BoxFuture<'_, PollResult> {
        Box::pin(self.poll_once())
    }

    /// Drops the connection (after a timeout it may be mid-query).
    fn reset(&mut self) {
        self.conn = None;
    }
}

impl Drop for SqlProbe {
    fn drop(&mut self) {
        // closing politely needs the runtime; a dropped connection is closed by the OS
        self.conn.take();
    }
}

fn target(url: &SecretText, timeout: Duration) -> Result<Target, String> {
    let text = url.expose();
    let scheme = text.split(':').next().unwrap_or("").to_ascii_lowercase();
    let bad =
        |e: sqlx::Error| format!("bad database URL {}: {}", url.redacted(), describe_sqlx(&e));
    match scheme.as_str() {
        "postgres" | "postgresql" => {
            let ms = timeout.as_millis().max(1);
            let opts = PgConnectOptions::from_str(text).map_err(bad)?.options([
                ("statement_timeout", ms.to_string()),
                ("default_transaction_read_only", "on".to_string()),
            ]);
            Ok(Target::Pg(opts.application_name("flightdeck")))
        }
        "mysql" | "mariadb" => {
            let fixed = text.replacen("mariadb:", "mysql:", 1);
            Ok(Target::My(
                MySqlConnectOptions::from_str(&fixed).map_err(bad)?,
            ))
        }
        "sqlite" => Ok(Target::Lite(
            SqliteConnectOptions::from_str(text)
                .map_err(bad)?
                .create_if_missing(false)
                .busy_timeout(timeout),
        )),
        other => Err(format!(
            "unsupported database scheme `{other}:`; use postgres://, mysql:// or sqlite:"
        )),
    }
}

enum QueryError {
    Sql(sqlx::Error),
    Value(String),
}

/// Reads the first row's first column and counts the rows.
async fn run<'c, R: Row>(
    mut rows: futures_util::stream::BoxStream<'c, Result<R, sqlx::Error>>,
    decode: fn(&R) -> Result<Option<Value>, String>,
) -> Result<(Option<Value>, u64), QueryError> {
    let mut first = None;
    let mut count = 0u64;
    while let Some(row) = rows.try_next().await.map_err(QueryError::Sql)? {
        if count == 0 {
            if row.columns().is_empty() {
                return Err(QueryError::Value("the query returns no columns".into()));
            }
            first = decode(&row).map_err(QueryError::Value)?;
        }
        count += 1;
    }
    Ok((first, count))
}

fn unreadable(type_name: &str) -> String {
    format!(
        "cannot read a {type_name} column as a value; cast it in the query (`::float8`, `::text`, \
         `CAST(x AS DOUBLE)`)"
    )
}

fn pg_value(row: &PgRow) -> Result<Option<Value>, String> {
    let raw = row.try_get_raw(0).map_err(|e| e.to_string())?;
    if raw.is_null() {
        return Ok(None);
    }
    let type_name = raw.type_info().name().to_string();
    let num =
        |v: Result<f64, sqlx::Error>| v.map(|n| Some(Value::Number(n))).map_err(|e| e.to_string());
    match type_name.as_str() {
        "INT2" => num(row.try_get::<i16, _>(0).map(f64::from)),
        "INT4" => num(row.try_get::<i32, _>(0).map(f64::from)),
        "INT8" => num(row.try_get::<i64, _>(0).map(|n| n as f64)),
        "FLOAT4" => num(row.try_get::<f32, _>(0).map(f64::from)),
        "FLOAT8" => num(row.try_get::<f64, _>(0)),
        "OID" => num(row
            .try_get::<sqlx::postgres::types::Oid, _>(0)
            .map(|o| f64::from(o.0))),
        "BOOL" => row
            .try_get::<bool, _>(0)
            .map(|b| Some(Value::Bool(b)))
            .map_err(|e| e.to_string()),
        "NUMERIC" => {
            let n = match raw.format() {
                PgValueFormat::Text => raw.as_str().ok().and_then(|s| s.trim().parse::<f64>().ok()),
                PgValueFormat::Binary => raw.as_bytes().ok().and_then(decode_pg_numeric),
            };
            n.map(|n| Some(Value::Number(n)))
                .ok_or_else(|| "cannot read the NUMERIC value".to_string())
        }
        "JSON" | "JSONB" => row
            .try_get::<serde_json::Value, _>(0)
            .map(|j| Some(Value::from_json(&j)))
            .map_err(|e| e.to_string()),
        "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" | "CHAR" | "UNKNOWN" | "CITEXT" => row
            .try_get::<String, _>(0)
            .map(|s| Some(Value::Text(s)))
            .map_err(|e| e.to_string()),
        other => Err(unreadable(other)),
    }
}

/// PostgreSQL's binary NUMERIC: ndigits, weight, sign, dscale, then base-10000 digits.
fn decode_pg_numeric(bytes: &[u8]) -> Option<f64> {
    let word = |i: usize| -> Option<u16> {
        Some(u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]))
    };
    let ndigits = word(0)? as usize;
    let weight = word(2)? as i16;
    let sign = word(4)?;
    match sign {
        0xC000 => return Some(f64::NAN),
        0xD000 => return Some(f64::INFINITY),
        0xF000 => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    let mut value = 0.0f64;
    for i in 0..ndigits {
        let digit = f64::from(word(8 + 2 * i)?);
        value += digit * 10000f64.powi(i32::from(weight) - i as i32);
    }
    Some(if sign == 0x4000 { -value } else { value })
}

fn my_value(row: &MySqlRow) -> Result<Option<Value>, String> {
    let raw = row.try_get_raw(0).map_err(|e| e.to_string())?;
    if raw.is_null() {
        return Ok(None);
    }
    let type_name = raw.type_info().name().to_string();
    if let Ok(n) = row.try_get::<i64, _>(0) {
        return Ok(Some(Value::Number(n as f64)));
    }
    if let Ok(n) = row.try_get::<u64, _>(0) {
        return Ok(Some(Value::Number(n as f64)));
    }
    if let Ok(n) = row.try_get::<f64, _>(0) {
        return Ok(Some(Value::Number(n)));
    }
    if let Ok(n) = row.try_get::<f32, _>(0) {
        return Ok(Some(Value::Number(f64::from(n))));
    }
    if type_name.contains("DECIMAL") {
        // MySQL sends DECIMAL as text on the wire
        return row
            .try_get_unchecked::<String, _>(0)
            .ok()
            .and_then(|s| s.trim().parse::<f64>().ok())
            .map(|n| Some(Value::Number(n)))
            .ok_or_else(|| unreadable(&type_name));
    }
    if let Ok(s) = row.try_get::<String, _>(0) {
        return Ok(Some(Value::Text(s)));
    }
    Err(unreadable(&type_name))
}

fn lite_value(row: &SqliteRow) -> Result<Option<Value>, String> {
    let raw = row.try_get_raw(0).map_err(|e| e.to_string())?;
    if raw.is_null() {
        return Ok(None);
    }
    let type_name = raw.type_info().name().to_string();
    match type_name.as_str() {
        "INTEGER" | "BOOLEAN" => row
            .try_get_unchecked::<i64, _>(0)
            .map(|n| Some(Value::Number(n as f64)))
            .map_err(|e| e.to_string()),
        "REAL" | "NUMERIC" => row
            .try_get_unchecked::<f64, _>(0)
            .map(|n| Some(Value::Number(n)))
            .map_err(|e| e.to_string()),
        "TEXT" => row
            .try_get_unchecked::<String, _>(0)
            .map(|s| Some(Value::Text(s)))
            .map_err(|e| e.to_string()),
        other => Err(unreadable(other)),
    }
}

fn describe_sqlx(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => db.message().to_string(),
        other => super::web::describe(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_binary() {
        // 12345.678: ndigits 3, weight 1, sign +, dscale 3, digits [1, 2345, 6780]
        let bytes = [0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1A, 0x7C];
        let v = decode_pg_numeric(&bytes).unwrap();
        assert!((v - 12345.678).abs() < 1e-9, "{v}");
        // -0.5: ndigits 1, weight -1, sign -, digits [5000]
        let bytes = [0, 1, 0xFF, 0xFF, 0x40, 0, 0, 1, 0x13, 0x88];
        assert_eq!(decode_pg_numeric(&bytes), Some(-0.5));
        // zero: no digits
        assert_eq!(decode_pg_numeric(&[0, 0, 0, 0, 0, 0, 0, 0]), Some(0.0));
    }
}
