//! A small checklist and journal helpers shared by the store and report tests.
#![allow(dead_code)]

use flightdeck::checklist::{Checklist, Field, FieldKind, Item, Phase, Severity, Trigger};
use std::time::Duration;

/// Two phases, a group, nesting, fields with unit and target, a command, an auto item, a
/// co-sign item and a trigger: every shape the report has to show.
pub fn checklist() -> Checklist {
    Checklist {
        title: "Orders API — production deploy".into(),
        version: Some("v2.3.0".into()),
        phases: vec![
            Phase {
                id: "prep".into(),
                name: "T-1h: Preparation".into(),
                budget: Some(Duration::from_secs(600)),
                items: vec![
                    Item {
                        id: "backup".into(),
                        text: "Take a database backup".into(),
                        group: Some("Database".into()),
                        required: true,
                        commands: vec!["pg_dump \"$DATABASE_URL\" > backup.sql".into()],
                        fields: vec![Field {
                            id: "size".into(),
                            label: "Backup size".into(),
                            kind: FieldKind::Number,
                            unit: Some("GB".into()),
                            ..Field::default()
                        }],
                        children: vec![Item {
                            id: "backup-verified".into(),
                            text: "Restore tested on staging".into(),
                            group: Some("Database".into()),
                            ..Item::default()
                        }],
                        ..Item::default()
                    },
                    Item {
                        id: "cdn".into(),
                        text: "Purge the CDN cache".into(),
                        group: Some("Edge".into()),
                        ..Item::default()
                    },
                    Item {
                        id: "signoff".into(),
                        text: "Change manager sign-off".into(),
                        group: Some("Edge".into()),
                        cosign: true,
                        ..Item::default()
                    },
                ],
                ..Phase::default()
            },
            Phase {
                id: "deploy".into(),
                name: "T-0: Deploy".into(),
                gate: true,
                items: vec![
                    Item {
                        id: "queue-drained".into(),
                        text: "Verify no active syncs (target: 0)".into(),
                        auto: Some("write_queue.value == 0 for 30s".into()),
                        ..Item::default()
                    },
                    Item {
                        id: "latency".into(),
                        text: "p95 latency checked".into(),
                        fields: vec![Field {
                            id: "p95".into(),
                            label: "p95 latency".into(),
                            kind: FieldKind::Number,
                            unit: Some("ms".into()),
                            target: Some("< 500ms".into()),
                            ..Field::default()
                        }],
                        ..Item::default()
                    },
                ],
                ..Phase::default()
            },
        ],
        triggers: vec![Trigger {
            name: "rollback-error-rate".into(),
            when: "error_rate.value > 0.05 for 5m".into(),
            severity: Severity::Critical,
            message: "Error rate > 5% sustained: immediate rollback criterion".into(),
        }],
        ..Checklist::default()
    }
}

/// A fresh SQLite journal URL in its own temp dir (kept alive by the returned guard).
pub fn sqlite_url() -> (tempfile::TempDir, String) {
    let dir = tempfile::Builder::new()
        .prefix("flightdeck-journal-")
        .tempdir()
        .expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("journal.db").display());
    (dir, url)
}

/// One phase of `n` plain items `i0`…: what pair-watching's tests and benchmarks act on.
pub fn items(n: usize) -> Checklist {
    Checklist {
        title: "Pair".into(),
        phases: vec![Phase {
            id: "p".into(),
            name: "Phase".into(),
            items: (0..n)
                .map(|i| Item {
                    id: format!("i{i}"),
                    text: format!("Item {i}"),
                    ..Item::default()
                })
                .collect(),
            ..Phase::default()
        }],
        ..Checklist::default()
    }
}
