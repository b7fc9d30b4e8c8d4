//! Arguments of component calls, read with one wording for every component.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diag::suggest;

pub fn string_arg<'a>(args: &'a BTreeMap<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match args.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!(
            "argument `{key}` must be text in double quotes, found `{other}`"
        )),
    }
}

pub fn list_arg(args: &BTreeMap<String, Value>, key: &str) -> Result<Option<Vec<String>>, String> {
    match args.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .map(Some)
            .ok_or_else(|| format!("argument `{key}` must be a list of texts, e.g. [\"a\", \"b\"]")),
        Some(other) => Err(format!("argument `{key}` must be a list of texts, found `{other}`")),
    }
}

/// The entry for `id` in one of the site's maps (roles, goals), or the
/// message for an unknown `what` with a did-you-mean.
pub fn known<'a, T>(map: &'a BTreeMap<String, T>, id: &str, what: &str) -> Result<&'a T, String> {
    map.get(id).ok_or_else(|| {
        format!(
            "unknown {what} `{id}`; {}",
            suggest(
                id,
                map.keys().map(String::as_str),
                &format!("{what}s are the files in content/{what}s/")
            )
        )
    })
}
