//! A config (or a checklist with probes) that holds a password as it is, and that others on the
//! host may read, gets a warning naming the file and the fix; the same file at mode 600, or with
//! the secret as `${ENV_VAR}`, gets none.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_flightdeck");

fn validate(dir: &std::path::Path, config: &std::path::Path) -> String {
    let checklist = dir.join("c.toml");
    std::fs::write(
        &checklist,
        "title = \"W\"\nuses = [\"db\"]\n\n[[phase]]\nname = \"S\"\n\n[[phase.item]]\nid = \"a\"\ntext = \"a\"\n",
    )
    .unwrap();
    let out = Command::new(BIN)
        .args(["validate", checklist.to_str().unwrap(), "--config"])
        .arg(config)
        .env("DB_URL", "postgres://ops:env-pw@db/app")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_readable_file_holding_a_password_is_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("flightdeck.toml");
    std::fs::write(
        &config,
        "[[probe]]\nname = \"db\"\nkind = \"sql\"\nurl = \"postgres://ops:Plain-pw-9@db/app\"\nquery = \"select 1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    let stderr = validate(dir.path(), &config);
    assert!(stderr.contains("holds a password or token"), "{stderr}");
    assert!(
        stderr.contains("mode 644") && stderr.contains("chmod 600"),
        "{stderr}"
    );
    assert!(!stderr.contains("Plain-pw-9"), "{stderr}");

    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(!validate(dir.path(), &config).contains("warning"));

    // a reference is not a secret in the file
    std::fs::write(
        &config,
        "[[probe]]\nname = \"db\"\nkind = \"sql\"\nurl = \"${DB_URL}\"\nquery = \"select 1\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&config, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(!validate(dir.path(), &config).contains("warning"));
}

/// The mode of `path` without the file type bits.
fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn a_new_journal_is_readable_by_its_owner_only_and_an_existing_one_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/new/j.db", dir.path().display());
    let store = flightdeck::store::Store::open(&url).await.unwrap();
    store.close().await;
    for file in ["j.db", "j.db-wal", "j.db-shm"] {
        let path = dir.path().join("new").join(file);
        if path.exists() {
            assert_eq!(mode(&path), 0o600, "{file}");
        }
    }
    assert!(dir.path().join("new/j.db").exists());

    // a team that shares a journal between accounts widened it on purpose: left as it is
    let shared = dir.path().join("shared.db");
    std::fs::write(&shared, "").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o660)).unwrap();
    let url = format!("sqlite://{}", shared.display());
    let store = flightdeck::store::Store::open(&url).await.unwrap();
    store.close().await;
    assert_eq!(mode(&shared), 0o660);
}
