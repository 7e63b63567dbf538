//! Config loading: the example config loads, a full config reads right, every bad fixture fails
//! with its exact file:line:column and a hint, and secrets never show in Debug.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use flightdeck::config::{self, ProbeSpec, Theme};
use flightdeck::probes::http::HttpSettings;
use flightdeck::probes::sql::SqlSettings;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

/// The kind's own settings of a probe, as the kind read them.
fn settings<T: 'static>(spec: &ProbeSpec) -> &T {
    spec.settings
        .as_any()
        .downcast_ref::<T>()
        .unwrap_or_else(|| {
            panic!(
                "probe `{}` has other settings: {:?}",
                spec.name, spec.settings
            )
        })
}

fn vars(name: &str) -> Option<String> {
    match name {
        "FD_TEST_DB" => Some("postgres://app:Pw-In-Env-9@db/app".into()),
        "STAGING_DATABASE_URL" | "PRODUCTION_DATABASE_URL" => {
            Some("postgres://app:Pw-In-Env-9@db/app".into())
        }
        "API_TOKEN" => Some("tok-from-env".into()),
        "REDIS_PASSWORD" => Some("redis-pw".into()),
        "SLACK_WEBHOOK_URL" => Some("https://hooks.slack.com/services/T0/B0/slack-token-9".into()),
        _ => None,
    }
}

#[test]
fn example_config_loads_with_its_variables_set() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    for env in ["staging", "production"] {
        let config = config::load_with(Some(&path), Some(env), &vars, flightdeck::probes::KINDS)
            .unwrap_or_else(|e| panic!("config.example.toml with --env {env}:\n{e}"));
        let kinds: Vec<&str> = config.probes.iter().map(|p| p.kind().name()).collect();
        // one example of every kind there is
        let every: Vec<&str> = flightdeck::probes::KINDS.iter().map(|k| k.name()).collect();
        assert_eq!(kinds, every);
        assert!(config.probes.iter().all(|p| p.timeout <= p.interval));
        // one example of every notify kind
        let notify: Vec<&str> = config.notify.iter().map(|t| t.kind_name()).collect();
        assert_eq!(notify, ["slack", "webhook", "command"]);
    }
    // without --env the `${env.…}` references cannot resolve, and say how to fix it
    let err = config::load_with(Some(&path), None, &vars, flightdeck::probes::KINDS).unwrap_err();
    assert!(err.to_string().contains("--env"), "{err}");
}

#[test]
fn full_config_reads_every_section() {
    let config = config::load_with(
        Some(&fixture("good/full.toml")),
        Some("production"),
        &vars,
        flightdeck::probes::KINDS,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.ui.theme, Theme::Mono);
    assert!(config.ui.ascii && config.ui.bell);
    assert_eq!(config.env.as_deref(), Some("production"));
    let api = config.probe("api").unwrap();
    assert_eq!(api.interval, Duration::from_secs(5));
    assert_eq!(api.timeout, Duration::from_secs(2));
    let http: &HttpSettings = settings(api);
    assert_eq!(http.url.expose(), "https://api.example.com/health");
    assert_eq!(http.method, "GET");
    assert_eq!(http.max_body, 1024 * 1024);
    let ok = api.ok.as_ref().unwrap();
    assert_eq!(ok.text, "status == 200 && latency < 500ms");
    assert_eq!((ok.line, ok.column), (18, 7));
    let queue = config.probe("queue").unwrap();
    assert_eq!(queue.interval, Duration::from_secs(10));
    assert_eq!(queue.timeout, Duration::from_secs(3));
    assert_eq!(
        settings::<SqlSettings>(queue).url.expose(),
        "postgres://app:Pw-In-Env-9@db/app"
    );
    // a multi-line string's condition starts on the line after the quotes
    let crit = queue.crit.as_ref().unwrap();
    assert_eq!((crit.line, crit.column), (29, 1));
    let located = crit.error_at(8, "x");
    assert_eq!((located.line, located.column), (29, 9));
    assert_eq!(queue.origin.line, 21);
}

#[test]
fn debug_output_hides_secrets() {
    let config = config::load_with(
        Some(&fixture("good/full.toml")),
        Some("production"),
        &vars,
        flightdeck::probes::KINDS,
    )
    .unwrap();
    let debug = format!("{config:?}");
    for secret in ["S3cretPw", "Pw-In-Env-9", "tok-abc123"] {
        assert!(!debug.contains(secret), "{secret} leaked in Debug: {debug}");
    }
    assert!(debug.contains("journal:***@db.internal"), "{debug}");
}

#[test]
fn no_file_given_and_none_found_is_an_empty_config() {
    let dir = tempfile::tempdir().unwrap();
    let here = std::env::current_dir().unwrap();
    // load() looks in the current directory: run it from an empty one, in a child process so
    // the test does not change this process's directory under other tests
    let exe = env!("CARGO_BIN_EXE_flightdeck");
    let out = std::process::Command::new(exe)
        .args(["check"])
        .current_dir(dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("HOME", dir.path())
        .output()
        .unwrap();
    // nothing to check is a config problem, with its own exit code (not a probe state)
    assert_eq!(out.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("nothing to check"), "{stderr}");
    assert!(stderr.contains("no config file found"), "{stderr}");
    drop(here);
}

/// (fixture, --env, exact `file:line:column`, message part, hint part)
const BAD: &[(&str, Option<&str>, &str, &str, &str)] = &[
    (
        "unknown_kind.toml",
        None,
        "3:8",
        "unknown probe kind `htp`",
        "did you mean `http`?",
    ),
    (
        "bad_duration.toml",
        None,
        "5:12",
        "bad duration for `interval`",
        "interval = \"5s\"",
    ),
    (
        "missing_env_var.toml",
        None,
        "4:23",
        "environment variable `FLIGHTDECK_TEST_NOT_SET` is not set",
        "export FLIGHTDECK_TEST_NOT_SET",
    ),
    (
        "missing_env_selection.toml",
        None,
        "7:8",
        "needs an environment",
        "pass --env NAME (defined: production)",
    ),
    (
        "missing_env_variable.toml",
        Some("production"),
        "7:8",
        "variable `api_bsae` is not defined in [env.production]",
        "it has: api_base",
    ),
    (
        "missing_env_selection.toml",
        Some("staging"),
        "1:2",
        "there is no [env.staging] table",
        "choose one of: production",
    ),
    (
        "duplicate_name.toml",
        None,
        "7:8",
        "duplicate probe name `api`",
        "the first `api` is at line 2",
    ),
    (
        "unknown_key.toml",
        None,
        "5:3",
        "unknown key `intervall` in a http probe",
        "did you mean `interval`?",
    ),
    (
        "missing_query.toml",
        None,
        "4:1",
        "a sql probe needs `query`",
        "add query =",
    ),
    (
        "timeout_over_interval.toml",
        None,
        "6:11",
        "timeout 3s is longer than interval 1s",
        "make timeout <= interval",
    ),
    (
        "bad_metrics_query.toml",
        None,
        "5:47",
        "bad metrics query: bad regex",
        "ratio(errors",
    ),
    (
        "bad_toml.toml",
        None,
        "3:13",
        "not valid TOML",
        "fix the TOML syntax",
    ),
    (
        "unknown_section.toml",
        None,
        "4:2",
        "unknown key `probes`",
        "did you mean `probe`?",
    ),
    (
        "bad_theme.toml",
        None,
        "2:9",
        "unknown theme `solarized`",
        "auto, dark, light, mono",
    ),
    (
        "bad_condition.toml",
        None,
        "5:38",
        "bad `ok` condition: unexpected `parsecs`",
        "join conditions",
    ),
    (
        "condition_with_for.toml",
        None,
        "6:21",
        "a probe's own condition cannot use `for`",
        "auto",
    ),
];

#[test]
fn every_bad_fixture_names_its_place_and_a_fix() {
    let mut failures = Vec::new();
    for (name, env, place, message, hint) in BAD {
        let path = fixture(&format!("bad/{name}"));
        let result = config::load_with(Some(&path), *env, &vars, flightdeck::probes::KINDS);
        let Err(errors) = result else {
            failures.push(format!("{name}: loaded without error"));
            continue;
        };
        let first = &errors.0[0];
        let text = first.to_string();
        let want = format!("{}:{place}: error: ", path.display());
        if !text.starts_with(&want) || !text.contains(message) {
            failures.push(format!("{name}: want `{want}…{message}`, got:\n{text}"));
        }
        if !first.hint.as_deref().unwrap_or("").contains(hint) {
            failures.push(format!(
                "{name}: want hint containing `{hint}`, got {:?}",
                first.hint
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn all_problems_of_a_file_are_reported_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.toml");
    std::fs::write(
        &path,
        "[[probe]]\nname = \"a\"\nkind = \"nope\"\n\n[[probe]]\nname = \"b\"\nkind = \"sql\"\nurl = \"sqlite:x\"\ninterval = \"fast\"\nquery = \"select 1\"\n",
    )
    .unwrap();
    let errors =
        config::load_with(Some(&path), None, &vars, flightdeck::probes::KINDS).unwrap_err();
    assert_eq!(errors.0.len(), 2, "{errors}");
    assert_eq!((errors.0[0].line, errors.0[1].line), (3, 9));
}

/// A checklist's `[[probe]]` tables as the checklist loader hands them over: plain, no places.
fn probe_tables(checklist: &Path) -> Vec<toml::Table> {
    let doc: toml::Table = std::fs::read_to_string(checklist).unwrap().parse().unwrap();
    doc["probe"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_table().unwrap().clone())
        .collect()
}

#[test]
fn checklist_probes_merge_with_places_found_in_the_checklist() {
    let mut config = config::load_with(
        Some(&fixture("good/full.toml")),
        Some("production"),
        &vars,
        flightdeck::probes::KINDS,
    )
    .unwrap();
    let path = fixture("checklist_with_probes.toml");
    let tables = probe_tables(&path);
    let errors = config
        .merge_checklist_probes_with(&tables, &path, &vars)
        .unwrap_err();
    let text = errors.to_string();
    assert!(
        text.starts_with(&format!(
            "{}:18:8: error: unknown probe kind `sqll`",
            path.display()
        )),
        "{text}"
    );
    assert_eq!(
        config.probes.len(),
        2,
        "nothing is added when the checklist has errors"
    );

    // the good table alone is added, interpolated with the config's --env
    config
        .merge_checklist_probes_with(&tables[..1], &path, &vars)
        .unwrap();
    let health = config.probe("health").unwrap();
    assert_eq!(
        settings::<HttpSettings>(health).url.expose(),
        "https://api.example.com/health"
    );
    assert_eq!(health.interval, Duration::from_secs(2));
    assert_eq!((health.origin.line, health.origin.column), (11, 8));

    // a second merge clashes with the probe now defined
    let errors = config
        .merge_checklist_probes_with(&tables[..1], &path, &vars)
        .unwrap_err();
    assert!(
        errors
            .to_string()
            .contains("probe `health` is already defined"),
        "{errors}"
    );
}

/// A checklist's `[[probe]]` arrive as plain tables; they are placed by the same reader as a
/// config file's, so every error points where a config file's would: at the key, inside a
/// multi-line condition, at the inline table's bad value.
#[test]
fn checklist_probes_are_placed_like_config_probes() {
    let dir = tempfile::tempdir().unwrap();
    let probe = "name = \"api\"\nkind = \"http\"\n  urll = \"http://127.0.0.1:1/\"\nok = '''\nstatus == 2OO'''\nheaders = { A = 1 }\n";
    let checklist = dir.path().join("c.toml");
    std::fs::write(&checklist, format!("title = \"T\"\n\n  [[probe]]\n{probe}")).unwrap();
    let config_file = dir.path().join("f.toml");
    std::fs::write(&config_file, format!("[[probe]]\n{probe}")).unwrap();

    let tables = probe_tables(&checklist);
    let mut config = config::Config {
        kinds: flightdeck::probes::KINDS,
        ..config::Config::default()
    };
    let from_checklist = config
        .merge_checklist_probes_with(&tables, &checklist, &vars)
        .unwrap_err();
    let from_config =
        config::load_with(Some(&config_file), None, &vars, flightdeck::probes::KINDS).unwrap_err();
    let places = |errors: &flightdeck::error::SourceErrors, header_line: usize| {
        let mut places: Vec<(usize, usize, String)> = errors
            .0
            .iter()
            .map(|e| (e.line - header_line, e.column, e.message.clone()))
            .collect();
        places.sort();
        places
    };
    let expected = vec![
        (0, 3, "a http probe needs `url`".to_string()),
        (3, 3, "unknown key `urll` in a http probe".to_string()),
        (5, 12, "bad `ok` condition: `OO` is not a unit".to_string()),
        (
            6,
            17,
            "header `A` must be a string, not an integer".to_string(),
        ),
    ];
    assert_eq!(places(&from_checklist, 3), expected);
    let shifted: Vec<_> = expected
        .into_iter()
        .map(|(l, c, m)| (l, if l == 0 { 1 } else { c }, m))
        .collect();
    assert_eq!(places(&from_config, 1), shifted);
}
