//! `flightdeck report`: the record of a session from the journal (and the notifications sent
//! about it), as Markdown or JSON on stdout.

use crate::cli::{ReportArgs, ReportFormat};
use crate::session::SessionState;
use crate::store::{Store, StoreError};
use std::io::Write;
use std::process::ExitCode;

pub async fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let url = super::prepare::store_url(args.store.store, args.config.as_deref())?;
    let store = Store::open_existing(&url).await?;
    let session = match args.session {
        Some(name) => name,
        None => store.latest_session().await?.ok_or_else(|| {
            // Same message as an unknown name, so the user sees the hint to start one.
            StoreError::UnknownSession {
                name: "(most recent)".to_owned(),
                url: store.display_url(),
                available: Vec::new(),
            }
        })?,
    };
    let (checklist, events) = store.load(&session).await?;
    let state = SessionState::from_events(&session, &checklist, &events);
    let notifications = store.notifications(&session).await?;
    let text = match args.format {
        ReportFormat::Md => {
            let mut md = crate::report::markdown(&checklist, &state);
            md.push_str(&crate::report::notifications_markdown(&notifications));
            md
        }
        ReportFormat::Json => {
            let mut report = crate::report::json(&checklist, &state);
            // only when there are any: a session without targets reports as it always did
            if !notifications.is_empty()
                && let serde_json::Value::Object(map) = &mut report
            {
                map.insert(
                    "notifications".to_owned(),
                    crate::report::notifications_json(&notifications),
                );
            }
            let mut t = serde_json::to_string_pretty(&report)?;
            t.push('\n');
            t
        }
    };
    store.close().await;
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`| head`) is the reader's choice, not an error worth a message.
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
