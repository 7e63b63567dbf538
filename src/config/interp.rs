//! `${VAR}` interpolation in config strings: process environment variables, `${env.var}` from the
//! environment chosen with `--env`, and `${env.NAME.var}` from a named one. `$${` writes a literal `${`.

use std::collections::BTreeMap;

/// What a reference can resolve against.
pub(crate) struct Vars<'a> {
    /// The `--env NAME` given, if any.
    pub selected: Option<&'a str>,
    /// `[env.NAME]` tables, already interpolated.
    pub envs: &'a BTreeMap<String, BTreeMap<String, String>>,
    /// Process environment lookup (injected so tests need not mutate the real environment).
    pub process: &'a dyn Fn(&str) -> Option<String>,
    /// Inside `[env.NAME]` tables only process variables may be referenced.
    pub allow_env_tables: bool,
}

/// A reference that could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RefError {
    /// The reference as written (`${DATABASE_URL}`), to find it in the file.
    pub reference: String,
    pub message: String,
    pub hint: String,
}

/// Replaces every reference in `text`; collects every unresolvable one.
pub(crate) fn interpolate(text: &str, vars: &Vars<'_>) -> Result<String, Vec<RefError>> {
    if !text.contains("${") {
        return Ok(text.to_string());
    }
    let mut out = String::with_capacity(text.len());
    let mut errors = Vec::new();
    let mut rest = text;
    while let Some(pos) = rest.find("${") {
        if rest[..pos].ends_with('$') {
            out.push_str(&rest[..pos - 1]);
            out.push_str("${");
            rest = &rest[pos + 2..];
            continue;
        }
        out.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let Some(end) = after.find('}') else {
            errors.push(RefError {
                reference: rest[pos..].chars().take(20).collect(),
                message: "unterminated `${` reference".into(),
                hint: "close it with `}` (`${NAME}`), or write `$${` for a literal `${`".into(),
            });
            rest = "";
            break;
        };
        let inner = &after[..end];
        let reference = format!("${{{inner}}}");
        match resolve(inner.trim(), vars) {
            Ok(value) => out.push_str(&value),
            Err((message, hint)) => errors.push(RefError {
                reference,
                message,
                hint,
            }),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn resolve(inner: &str, vars: &Vars<'_>) -> Result<String, (String, String)> {
    if let Some(path) = inner.strip_prefix("env.") {
        if !vars.allow_env_tables {
            return Err((
                format!("`${{{inner}}}` cannot be used inside an [env.NAME] table"),
                "an environment's variables may refer to process variables (`${VAR}`) only".into(),
            ));
        }
        return resolve_env(inner, path, vars);
    }
    if inner.is_empty() || !inner.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err((
            format!("`${{{inner}}}` is not a valid reference"),
            "write `${VAR}` for an environment variable, `${env.var}` for a variable of the \
             --env environment, or `${env.NAME.var}` for a named one"
                .into(),
        ));
    }
    (vars.process)(inner).ok_or_else(|| {
        (
            format!("environment variable `{inner}` is not set"),
            format!("export {inner}=… before starting flightdeck, or put the value in the file"),
        )
    })
}

fn resolve_env(inner: &str, path: &str, vars: &Vars<'_>) -> Result<String, (String, String)> {
    let defined = || {
        if vars.envs.is_empty() {
            "no [env.NAME] tables are defined".to_string()
        } else {
            format!(
                "defined: {}",
                vars.envs.keys().cloned().collect::<Vec<_>>().join(", ")
            )
        }
    };
    let (env_name, var) = match path.split_once('.') {
        Some((name, var)) => (name, var),
        None => match vars.selected {
            Some(name) => (name, path),
            None => {
                return Err((
                    format!("`${{{inner}}}` needs an environment, and none was chosen"),
                    format!("pass --env NAME ({})", defined()),
                ));
            }
        },
    };
    let Some(table) = vars.envs.get(env_name) else {
        return Err((
            format!("`${{{inner}}}` refers to environment `{env_name}`, which is not defined"),
            format!("add an [env.{env_name}] table ({})", defined()),
        ));
    };
    table.get(var).cloned().ok_or_else(|| {
        let known: Vec<&str> = table.keys().map(String::as_str).collect();
        (
            format!("variable `{var}` is not defined in [env.{env_name}]"),
            if known.is_empty() {
                format!("add `{var} = \"…\"` to [env.{env_name}]")
            } else {
                format!(
                    "add `{var} = \"…\"` to [env.{env_name}] (it has: {}), or choose another --env",
                    known.join(", ")
                )
            },
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envs() -> BTreeMap<String, BTreeMap<String, String>> {
        let mut prod = BTreeMap::new();
        prod.insert("api".to_string(), "https://api.example".to_string());
        let mut m = BTreeMap::new();
        m.insert("production".to_string(), prod);
        m
    }

    fn lookup(name: &str) -> Option<String> {
        (name == "DB").then(|| "postgres://u:p@h/db".to_string())
    }

    #[test]
    fn resolves_all_forms() {
        let envs = envs();
        let vars = Vars {
            selected: Some("production"),
            envs: &envs,
            process: &lookup,
            allow_env_tables: true,
        };
        assert_eq!(
            interpolate("${env.api}/health", &vars),
            Ok("https://api.example/health".into())
        );
        assert_eq!(
            interpolate("${env.production.api}", &vars),
            Ok("https://api.example".into())
        );
        assert_eq!(
            interpolate("x ${DB} y", &vars),
            Ok("x postgres://u:p@h/db y".into())
        );
        assert_eq!(interpolate("a $${DB} b", &vars), Ok("a ${DB} b".into()));
    }

    #[test]
    fn reports_each_missing_reference() {
        let envs = envs();
        let vars = Vars {
            selected: None,
            envs: &envs,
            process: &lookup,
            allow_env_tables: true,
        };
        let errs = interpolate("${NOPE} ${env.api} ${env.staging.x}", &vars).unwrap_err();
        assert_eq!(errs.len(), 3);
        assert_eq!(errs[0].reference, "${NOPE}");
        assert!(errs[0].message.contains("NOPE"));
        assert!(errs[1].hint.contains("--env"));
        assert!(errs[2].message.contains("staging"));
    }
}
