use super::*;

fn src(text: &str) -> Source<'_> {
    Source {
        file: "x.yaml",
        full: text,
    }
}

fn one(text: &str) -> Node {
    parse(text, src(text), 0).unwrap().unwrap()
}

fn err(text: &str) -> Diagnostic {
    parse(text, src(text), 0).unwrap_err()
}

#[test]
fn values_keep_their_places_after_an_offset() {
    let full = "---\ntitle: A\nowner: legal-ops\n---\nbody";
    let yaml = "title: A\nowner: legal-ops\n";
    let root = parse(yaml, src(full), 1).unwrap().unwrap();
    let (k, v) = &root.entries().unwrap()[1];
    assert_eq!((k.line, k.column), (3, 1));
    assert_eq!((v.line, v.column, v.len), (3, 8, 9));
    assert_eq!(&*v.position(src(full)).source_line, "owner: legal-ops");
}

#[test]
fn scalars_follow_the_core_schema_with_strict_booleans() {
    let root = one("a: true\nb: yes\nc: 12\nd: '12'\ne: 1.5e3\nf: ~\ng: 0x1f\nh: 1,000\ni: !!str true\n");
    let v = |k: &str| {
        root.entries()
            .unwrap()
            .iter()
            .find(|(key, _)| key.text() == Some(k))
            .unwrap()
            .1
            .to_json()
    };
    assert_eq!(v("a"), serde_json::json!(true));
    assert_eq!(v("b"), serde_json::json!("yes"));
    assert_eq!(v("c"), serde_json::json!(12));
    assert_eq!(v("d"), serde_json::json!("12"));
    assert_eq!(v("e"), serde_json::json!(1500.0));
    assert_eq!(v("f"), serde_json::Value::Null);
    assert_eq!(v("g"), serde_json::json!(31));
    assert_eq!(v("h"), serde_json::json!("1,000"));
    assert_eq!(v("i"), serde_json::json!("true"));
}

#[test]
fn numbers_keep_the_digits_written() {
    let root = one("v: 1302000.50\n");
    assert_eq!(root.entries().unwrap()[0].1.text(), Some("1302000.50"));
}

#[test]
fn a_key_twice_names_both_lines() {
    let e = err("title: A\nowner: x\ntitle: B\n");
    assert_eq!(e.message, "key `title` appears twice; first at line 1");
    assert_eq!(e.position.as_ref().map(|p| (p.line, p.column)), Some((3, 1)));
    let nested = err("values:\n  2026-Q3: 1\n  2026-Q3: 2\n");
    assert_eq!(nested.message, "key `2026-Q3` appears twice; first at line 2");
}

#[test]
fn syntax_errors_are_located_and_worded_plainly() {
    let full = "---\ntitle: \"unclosed\nx: 1\n---\n";
    let e = parse("title: \"unclosed\nx: 1\n", src(full), 1).unwrap_err();
    assert!(e.message.starts_with("invalid YAML: "), "{}", e.message);
    assert!(!e.message.contains(" at char "), "{}", e.message);
    assert!(e.position.unwrap().line >= 2);
}

#[test]
fn aliases_expand_within_a_budget() {
    let root = one("a: &x [1, 2]\nb: *x\n");
    assert_eq!(root.entries().unwrap()[1].1.items().unwrap().len(), 2);
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (i, name) in ["b", "c", "d", "e", "f", "g"].iter().enumerate() {
        let prev = ["a", "b", "c", "d", "e", "f"][i];
        bomb.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let e = err(&bomb);
    assert!(e.message.contains("expands too much"), "{}", e.message);
}

#[test]
fn deep_nesting_and_complex_keys_are_refused() {
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    assert!(err(&deep).message.contains("nested too deeply"));
    assert!(err("? [a, b]\n: c\n").message.starts_with("a key must be text"));
}

#[test]
fn a_list_is_not_a_mapping() {
    let e = parse_map("- a\n- b\n", src("- a\n- b\n"), 0).unwrap_err();
    assert_eq!(e.message, "expected a mapping of `key: value` lines, found a list");
}

#[test]
fn fields_report_wrong_types_and_unknown_keys_with_suggestions() {
    let text = "title: [A]\nweight: soon\nownr: x\n";
    let root = parse_map(text, src(text), 0).unwrap();
    let mut f = Fields::new(root.as_ref(), src(text));
    assert_eq!(f.text("title"), None);
    assert_eq!(f.int("weight", 0..=10, "e.g. `weight: 3`"), None);
    f.text("owner");
    let d = f.finish("casebook.yaml");
    let msgs: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "`title` must be text, found a list",
            "`weight` must be a whole number, found `soon`",
            "unknown key `ownr` in casebook.yaml"
        ]
    );
    assert!(d[2].help.as_deref().unwrap().starts_with("did you mean `owner`?"));
    assert_eq!(d[2].position.as_ref().unwrap().line, 3);
}

#[test]
fn dates_outside_four_digit_years_are_refused() {
    let text = "a: 0000-01-01\nb: 2026-02-30\nc: 2026-02-28\n";
    let root = parse_map(text, src(text), 0).unwrap();
    let mut f = Fields::new(root.as_ref(), src(text));
    assert_eq!(f.date("a"), None);
    assert_eq!(f.date("b"), None);
    assert_eq!(f.date("c"), Some(jiff::civil::date(2026, 2, 28)));
    let d = f.finish("x");
    assert_eq!(d[0].message, "`a` is in the year 0000, outside 1900–2999");
    assert_eq!(d[1].message, "`b` must be a date, found `2026-02-30`");
}
