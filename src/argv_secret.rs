//! A password in `--store` on the command line is visible to every user of the host in `ps`. The
//! process moves it out of its arguments: it warns, puts the URL in `FLIGHTDECK_STORE` (readable by
//! its own user only, in `/proc/PID/environ`) and starts itself again without it.

use std::ffi::OsString;

/// The arguments without `--store URL` / `--store=URL`, and that URL, when the URL holds a password.
pub fn split_store_secret(args: &[OsString]) -> Option<(Vec<OsString>, String)> {
    let mut kept = Vec::with_capacity(args.len());
    let mut secret = None;
    let mut i = 0;
    while i < args.len() {
        let arg = args[i].to_string_lossy();
        if arg == "--" {
            kept.extend_from_slice(&args[i..]);
            break;
        }
        let value = if arg == "--store" {
            args.get(i + 1)
                .map(|v| (v.to_string_lossy().into_owned(), 2))
        } else {
            arg.strip_prefix("--store=").map(|v| (v.to_owned(), 1))
        };
        match value {
            Some((url, width)) if has_password(&url) => {
                secret = Some(url);
                i += width;
            }
            _ => {
                kept.push(args[i].clone());
                i += 1;
            }
        }
    }
    secret.map(|url| (kept, url))
}

fn has_password(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| u.password().is_some_and(|p| !p.is_empty()))
}

/// When `--store` holds a password: warns, and replaces this process with one that has the URL in
/// its environment instead. Returns only when there is nothing to move or the restart failed.
pub fn move_store_secret_out_of_argv() {
    let args: Vec<OsString> = std::env::args_os().collect();
    let Some((kept, url)) = split_store_secret(&args) else {
        return;
    };
    crate::console::err(
        "warning: a password given with --store is visible to every user of this host in `ps`; \
         flightdeck moved it to FLIGHTDECK_STORE for this run\n  hint: keep it out of the command \
         line: `[store] url = \"${DB_URL}\"` in the config, or export FLIGHTDECK_STORE",
    );
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    use std::os::unix::process::CommandExt as _;
    // exec replaces this process: it returns only when the restart failed, and then the run goes
    // on as it is
    let _ = std::process::Command::new(exe)
        .args(kept.iter().skip(1))
        .env("FLIGHTDECK_STORE", url)
        .exec();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_store_password_is_taken_out_of_the_arguments() {
        let (kept, url) = split_store_secret(&os(&[
            "flightdeck",
            "run",
            "c.toml",
            "--store",
            "postgres://ops:pw@db/j",
            "--as",
            "alice",
        ]))
        .unwrap();
        assert_eq!(kept, os(&["flightdeck", "run", "c.toml", "--as", "alice"]));
        assert_eq!(url, "postgres://ops:pw@db/j");
        let (kept, _) =
            split_store_secret(&os(&["flightdeck", "report", "--store=postgres://a:b@h/d"]))
                .unwrap();
        assert_eq!(kept, os(&["flightdeck", "report"]));
        // nothing to move: no password, or no --store
        assert!(
            split_store_secret(&os(&[
                "flightdeck",
                "run",
                "--store",
                "postgres://ops@db/j"
            ]))
            .is_none()
        );
        assert!(
            split_store_secret(&os(&["flightdeck", "run", "--store", "sqlite:///x.db"])).is_none()
        );
        assert!(split_store_secret(&os(&["flightdeck", "run", "c.toml"])).is_none());
    }
}
