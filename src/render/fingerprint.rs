//! Fingerprints of what a template render sees, for incremental rebuilds.
//!
//! [`hash`] feeds any `Serialize` value into a hasher structurally: every
//! primitive with a type tag, every string with its length, every sequence
//! and map closed by an end mark. Two values hash alike only when they
//! serialize alike (up to a 64-bit collision). Unlike JSON it keeps NaN apart
//! from `null`, and it allocates nothing.
//!
//! [`closures`] gives each template one hash covering its own source and the
//! source of every template it can pull in when rendered.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hash, Hasher};

use serde::ser::{self, Serialize};

/// Feeds `value` into `h`, structurally.
pub fn hash<T: Serialize + ?Sized, H: Hasher>(value: &T, h: &mut H) {
    // Only a `Serialize` impl can fail; Tera would refuse that value too.
    if value.serialize(&mut Structural(h)).is_err() {
        h.write_u8(tag::FAILED);
    }
}

/// The hasher of fingerprints: 64 bits, fixed seeds, and several times
/// faster than SipHash on the many small writes a page view makes.
pub type Fingerprinter = ahash::AHasher;

pub fn hasher() -> Fingerprinter {
    ahash::RandomState::with_seeds(0x6361_7365, 0x626f_6f6b, 0x7365_7276, 0x6520_6d65).build_hasher()
}

/// The fingerprint of one value.
pub fn of<T: Serialize + ?Sized>(value: &T) -> u64 {
    let mut h = hasher();
    hash(value, &mut h);
    h.finish()
}

/// For every template, a hash of its source and of each template it may use:
/// the ones it names (`extends`, `include`; any mention of the name counts)
/// and, since Tera components are visible from every template, each template
/// that defines a component. A render of a template depends on nothing else
/// from the theme, so an unchanged closure hash means an unchanged template.
pub fn closures<'a>(templates: impl IntoIterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, u64> {
    let templates: BTreeMap<&str, &str> = templates.into_iter().collect();
    let global: Vec<&str> = templates
        .iter()
        .filter(|(_, src)| defines_component(src))
        .map(|(name, _)| *name)
        .collect();
    let uses = |src: &str| -> Vec<&str> {
        templates
            .keys()
            .copied()
            .filter(|name| src.contains(name))
            .chain(global.iter().copied())
            .collect()
    };
    let mut out = BTreeMap::new();
    for &name in templates.keys() {
        let mut seen = BTreeSet::from([name]);
        let mut todo = vec![name];
        while let Some(t) = todo.pop() {
            for dep in uses(templates[t]) {
                if seen.insert(dep) {
                    todo.push(dep);
                }
            }
        }
        let mut h = hasher();
        for t in seen {
            t.hash(&mut h);
            templates[t].hash(&mut h);
        }
        out.insert(name.to_string(), h.finish());
    }
    out
}

/// Whether a template holds a `{% component name(..) %}` definition.
fn defines_component(src: &str) -> bool {
    src.match_indices("{%").any(|(i, _)| {
        let rest = src[i + 2..].trim_start_matches(['-', '+']).trim_start();
        rest.strip_prefix("component")
            .is_some_and(|r| r.starts_with(char::is_whitespace))
    })
}

mod tag {
    pub const FAILED: u8 = 0;
    pub const BOOL: u8 = 1;
    pub const INT: u8 = 2;
    pub const UINT: u8 = 3;
    pub const FLOAT: u8 = 4;
    pub const CHAR: u8 = 5;
    pub const STR: u8 = 6;
    pub const BYTES: u8 = 7;
    pub const NONE: u8 = 8;
    pub const SOME: u8 = 9;
    pub const UNIT: u8 = 10;
    pub const VARIANT: u8 = 11;
    pub const NEWTYPE: u8 = 12;
    pub const SEQ: u8 = 13;
    pub const MAP: u8 = 14;
    pub const STRUCT: u8 = 15;
    pub const ITEM: u8 = 16;
    pub const END: u8 = 17;
}

struct Structural<'h, H: Hasher>(&'h mut H);

impl<H: Hasher> Structural<'_, H> {
    fn str(&mut self, s: &str) {
        self.0.write_u8(tag::STR);
        self.0.write_usize(s.len());
        self.0.write(s.as_bytes());
    }
}

#[derive(Debug)]
struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the value could not be serialized")
    }
}

impl std::error::Error for Failed {}

impl ser::Error for Failed {
    fn custom<T: std::fmt::Display>(_: T) -> Failed {
        Failed
    }
}

macro_rules! int {
    ($($method:ident: $ty:ty => $tag:ident as $wide:ty),* $(,)?) => {$(
        fn $method(self, v: $ty) -> Result<(), Failed> {
            self.0.write_u8(tag::$tag);
            self.0.write(&<$wide>::from(v).to_le_bytes());
            Ok(())
        }
    )*};
}

impl<H: Hasher> ser::Serializer for &mut Structural<'_, H> {
    type Ok = ();
    type Error = Failed;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    int! {
        serialize_i8: i8 => INT as i128,
        serialize_i16: i16 => INT as i128,
        serialize_i32: i32 => INT as i128,
        serialize_i64: i64 => INT as i128,
        serialize_i128: i128 => INT as i128,
        serialize_u8: u8 => UINT as u128,
        serialize_u16: u16 => UINT as u128,
        serialize_u32: u32 => UINT as u128,
        serialize_u64: u64 => UINT as u128,
        serialize_u128: u128 => UINT as u128,
    }

    fn serialize_bool(self, v: bool) -> Result<(), Failed> {
        self.0.write_u8(tag::BOOL);
        self.0.write_u8(u8::from(v));
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Failed> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Failed> {
        self.0.write_u8(tag::FLOAT);
        self.0.write_u64(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Failed> {
        self.0.write_u8(tag::CHAR);
        self.0.write_u32(u32::from(v));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Failed> {
        self.str(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Failed> {
        self.0.write_u8(tag::BYTES);
        self.0.write_usize(v.len());
        self.0.write(v);
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Failed> {
        self.0.write_u8(tag::NONE);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Failed> {
        self.0.write_u8(tag::SOME);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Failed> {
        self.0.write_u8(tag::UNIT);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Failed> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, _i: u32, variant: &'static str) -> Result<(), Failed> {
        self.0.write_u8(tag::VARIANT);
        self.str(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> Result<(), Failed> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Failed> {
        self.0.write_u8(tag::NEWTYPE);
        self.str(variant);
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, Failed> {
        self.0.write_u8(tag::SEQ);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Self, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<Self, Failed> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Failed> {
        self.0.write_u8(tag::NEWTYPE);
        self.str(variant);
        self.0.write_u8(tag::SEQ);
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, Failed> {
        self.0.write_u8(tag::MAP);
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Failed> {
        self.0.write_u8(tag::STRUCT);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _i: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self, Failed> {
        self.0.write_u8(tag::NEWTYPE);
        self.str(variant);
        self.0.write_u8(tag::STRUCT);
        Ok(self)
    }
}

impl<H: Hasher> Structural<'_, H> {
    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        self.0.write_u8(tag::ITEM);
        value.serialize(self)
    }
    fn end(&mut self) -> Result<(), Failed> {
        self.0.write_u8(tag::END);
        Ok(())
    }
}

macro_rules! compound {
    ($($trait:ident :: $method:ident),* $(,)?) => {$(
        impl<H: Hasher> ser::$trait for &mut Structural<'_, H> {
            type Ok = ();
            type Error = Failed;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
                self.item(value)
            }
            fn end(self) -> Result<(), Failed> {
                Structural::end(self)
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
}

impl<H: Hasher> ser::SerializeMap for &mut Structural<'_, H> {
    type Ok = ();
    type Error = Failed;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Failed> {
        self.item(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Failed> {
        value.serialize(&mut **self)
    }
    fn end(self) -> Result<(), Failed> {
        Structural::end(self)
    }
}

impl<H: Hasher> ser::SerializeStruct for &mut Structural<'_, H> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Failed> {
        self.0.write_u8(tag::ITEM);
        self.str(key);
        value.serialize(&mut **self)
    }
    fn skip_field(&mut self, key: &'static str) -> Result<(), Failed> {
        self.0.write_u8(tag::ITEM);
        self.str(key);
        self.0.write_u8(tag::FAILED);
        Ok(())
    }
    fn end(self) -> Result<(), Failed> {
        Structural::end(self)
    }
}

impl<H: Hasher> ser::SerializeStructVariant for &mut Structural<'_, H> {
    type Ok = ();
    type Error = Failed;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Failed> {
        ser::SerializeStruct::serialize_field(self, key, value)
    }
    fn end(self) -> Result<(), Failed> {
        Structural::end(self)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn values_that_render_differently_hash_differently() {
        // JSON writes NaN as `null`; Tera shows `NaN`.
        assert_ne!(of(&Some(f64::NAN)), of(&None::<f64>));
        assert_ne!(of(&f64::NAN), of(&()));
        let pairs = [
            (json!(["a", "b"]), json!(["a\", \"b"])),
            (json!(["ab"]), json!(["a", "b"])),
            (json!({"a": 1}), json!({"a": "1"})),
            (json!([[1], 2]), json!([[1, 2]])),
            (json!({"a": {}}), json!({"a": []})),
        ];
        for (a, b) in pairs {
            assert_ne!(of(&a), of(&b), "{a} and {b}");
        }
        assert_eq!(of(&json!({"a": [1, 2.5, "x"]})), of(&json!({"a": [1, 2.5, "x"]})));
    }

    #[test]
    fn closures_follow_names_and_component_definitions() {
        let base = ("base.html", "<main>{% block body %}{% endblock body %}</main>");
        let page = (
            "page.html",
            "{% extends \"base.html\" %}{% block body %}x{% endblock body %}",
        );
        let policy = ("policy.html", "{% extends 'page.html' %}");
        let other = ("other.html", "standalone");
        let h = closures([base, page, policy, other]);
        let h2 = closures([("base.html", "<main>changed</main>"), page, policy, other]);
        assert_ne!(h["policy.html"], h2["policy.html"], "base reaches policy through page");
        assert_eq!(h["other.html"], h2["other.html"]);
        let comp = (
            "macros.html",
            "{%- component card(title) %}{{ title }}{% endcomponent card %}",
        );
        let comp2 = (
            "macros.html",
            "{% component card(title) %}<b>{{ title }}</b>{% endcomponent card %}",
        );
        assert_ne!(
            closures([other, comp])["other.html"],
            closures([other, comp2])["other.html"],
            "components are global"
        );
        assert!(!defines_component(
            "<div class=\"component\">{% if x %}{% endif %}</div>"
        ));
    }
}
