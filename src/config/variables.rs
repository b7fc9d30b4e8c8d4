//! `variables:` in casebook.yaml: text that `{{ variables.x }}` and Liquid's
//! `{% data variables.x %}` put into prose, so a repository written for
//! GitHub Docs or Jekyll keeps its product names in one place.

use std::collections::BTreeMap;

use crate::yaml::{Fields, Node, Value};

/// Names to text, nested: `product: {name: Acme}` is `variables.product.name`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables(BTreeMap<String, Var>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Var {
    Text(String),
    Group(Variables),
}

/// Why a name has no text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Unknown,
    /// The name is a group of variables, not one.
    Group,
}

impl Variables {
    /// The text of a dotted name below `variables.`: `product.name`.
    pub fn get(&self, name: &str) -> Result<&str, Missing> {
        let mut group = self;
        let mut parts = name.split('.').peekable();
        while let Some(part) = parts.next() {
            match (group.0.get(part), parts.peek()) {
                (Some(Var::Text(t)), None) => return Ok(t),
                (Some(Var::Group(_)), None) => return Err(Missing::Group),
                (Some(Var::Group(g)), Some(_)) => group = g,
                (Some(Var::Text(_)), Some(_)) | (None, _) => return Err(Missing::Unknown),
            }
        }
        Err(Missing::Unknown)
    }

    /// Every variable's dotted name, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut out = Vec::new();
        self.collect("", &mut out);
        out
    }

    fn collect(&self, prefix: &str, out: &mut Vec<String>) {
        for (k, v) in &self.0 {
            let name = format!("{prefix}{k}");
            match v {
                Var::Text(_) => out.push(name),
                Var::Group(g) => g.collect(&format!("{name}."), out),
            }
        }
    }
}

/// Reads `variables:`; `None` when the key is absent, so a site that never
/// defines variables keeps template text as written.
pub fn read(f: &mut Fields<'_>) -> Option<Variables> {
    let n = f.node("variables")?;
    if n.entries().is_none() {
        f.wrong(
            "variables",
            n,
            "a map",
            "e.g. `variables: {product: {name: Acme Cloud}}`",
        );
        return None;
    }
    Some(group(f, n, "variables"))
}

fn group(f: &mut Fields<'_>, n: &Node, path: &str) -> Variables {
    let mut out = BTreeMap::new();
    for (k, v) in n.entries().unwrap_or_default() {
        let key = k.text().unwrap_or_default();
        let name = format!("{path}.{key}");
        if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            f.error(
                k,
                format!("`{name}` is not a usable variable name"),
                "name variables with letters, digits, `_` and `-`",
            );
            continue;
        }
        let var = match &v.value {
            Value::Map(_) => Var::Group(group(f, v, &name)),
            Value::Scalar { .. } if v.is_null() => Var::Text(String::new()),
            Value::Scalar { text, .. } => Var::Text(text.clone()),
            Value::List(_) => {
                f.wrong(
                    &name,
                    v,
                    "text or a map of variables",
                    format!("write `{key}: some text`, or nest names under it"),
                );
                continue;
            }
        };
        out.insert(key.to_string(), var);
    }
    Variables(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::diag::Diagnostics;

    #[test]
    fn nested_names_read_as_written() {
        let mut diags = Diagnostics::default();
        let c = Config::parse(
            "variables:\n  product:\n    name: Acme Cloud\n    version: 2.10\n  support: help@acme.example\n",
            &mut diags,
        );
        assert!(diags.items.is_empty(), "{:?}", diags.items);
        let v = c.variables.expect("configured");
        assert_eq!(v.get("product.name"), Ok("Acme Cloud"));
        assert_eq!(v.get("product.version"), Ok("2.10"), "kept as written, not as a number");
        assert_eq!(v.get("product"), Err(Missing::Group));
        assert_eq!(v.get("product.name.x"), Err(Missing::Unknown));
        assert_eq!(v.get("nope"), Err(Missing::Unknown));
        assert_eq!(v.names(), ["product.name", "product.version", "support"]);
    }

    #[test]
    fn lists_are_errors_and_absence_is_none() {
        let mut diags = Diagnostics::default();
        let c = Config::parse("variables:\n  teams: [a, b]\n", &mut diags);
        assert_eq!(
            diags.items[0].message,
            "`variables.teams` must be text or a map of variables, found a list"
        );
        assert_eq!(diags.items[0].position.as_ref().unwrap().line, 2);
        assert_eq!(c.variables.unwrap().names(), Vec::<String>::new());
        assert!(Config::parse("title: x\n", &mut diags).variables.is_none());
    }
}
