//! `flightdeck sessions`: the sessions in a journal store, most recently active first.

use crate::cli::SessionsArgs;
use crate::redact::redact_text;
use crate::store::{SessionInfo, Store};
use std::process::ExitCode;

pub async fn run(args: SessionsArgs) -> anyhow::Result<ExitCode> {
    let url = super::prepare::store_url(args.store.store, args.config.as_deref())?;
    let store = match Store::open_existing(&url).await {
        Err(crate::store::StoreError::Missing { path }) => {
            crate::say!(
                "no sessions yet: there is no journal at {path} — `flightdeck run CHECKLIST` starts one"
            );
            return Ok(ExitCode::SUCCESS);
        }
        other => other?,
    };
    let sessions = store.sessions().await?;
    store.close().await;
    if sessions.is_empty() {
        crate::say!(
            "no sessions yet in {} — `flightdeck run CHECKLIST` starts one",
            store.display_url()
        );
    } else {
        crate::console::out(&table(&sessions), false);
    }
    Ok(ExitCode::SUCCESS)
}

/// A plain aligned table: NAME, CHECKLIST, STARTED, EVENTS, LAST ACTIVITY (UTC).
pub fn table(sessions: &[SessionInfo]) -> String {
    let header = [
        "NAME",
        "CHECKLIST",
        "STARTED (UTC)",
        "EVENTS",
        "LAST ACTIVITY (UTC)",
    ];
    let rows: Vec<[String; 5]> = sessions
        .iter()
        .map(|s| {
            [
                redact_text(&s.name),
                redact_text(&s.checklist_title),
                s.created_at.format("%Y-%m-%d %H:%M").to_string(),
                s.events.to_string(),
                s.last_at.map_or("-".to_owned(), |t| {
                    t.format("%Y-%m-%d %H:%M:%S").to_string()
                }),
            ]
        })
        .collect();
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 5]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            let pad = w.saturating_sub(cell.chars().count());
            if i == 3 {
                l.push_str(&" ".repeat(pad));
                l.push_str(cell);
            } else {
                l.push_str(cell);
                if i < 4 {
                    l.push_str(&" ".repeat(pad));
                }
            }
            if i < 4 {
                l.push_str("  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(header);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
    out
}
