//! Typed config: `[store]`, `[ui]`, `[env.NAME]`, `[[probe]]`, with `${VAR}` interpolation. (being built)
