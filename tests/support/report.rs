//! Reading a session back through the real binary: `flightdeck report --format json`, and the
//! item of a given id in it.
#![allow(dead_code)]

use serde_json::Value;
use std::process::Command;

/// The JSON report of `session` (the most recent one when `None`) in `store`.
pub fn report_json(store: &str, session: Option<&str>) -> Value {
    let mut args = vec!["report", "--store", store, "--format", "json"];
    if let Some(s) = session {
        args.extend(["--session", s]);
    }
    let out = Command::new(env!("CARGO_BIN_EXE_flightdeck"))
        .args(&args)
        .output()
        .expect("run flightdeck report");
    assert!(
        out.status.success(),
        "report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

/// The report's entry for item `id`.
pub fn item<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["id"] == id))
        .unwrap_or_else(|| panic!("no item `{id}` in the report"))
}

/// The item's state: `todo`, `done` or `skipped`.
pub fn state(report: &Value, id: &str) -> String {
    item(report, id)["state"].as_str().unwrap_or("").to_owned()
}
