//! The large texts of a parsed page, its source, its HTML and its
//! searchable sections, are read once or twice each, long after the parse
//! (by the render, the search index, a late diagnostic), while every page
//! of the site is held: they wait LZ4-compressed, a third to a quarter of
//! their size, and are unpacked where they are used. Copies share the
//! packed bytes.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use super::sections::Section;

/// The largest packing each thread keeps a buffer for.
const BUFFER_KEPT: usize = 1 << 20;

/// Bytes kept compressed. The same bytes always pack the same, so packed
/// bytes are equal exactly when the bytes are.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Packed(Arc<[u8]>);

impl Packed {
    /// As `lz4_flex::compress_prepend_size` packs, through a buffer kept
    /// per thread: the packed bytes are copied once, to their own size,
    /// where that function zeroes, shrinks and copies a buffer of its own.
    pub fn new(bytes: &[u8]) -> Self {
        thread_local! {
            static BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        let most = 4 + lz4_flex::block::get_maximum_output_size(bytes.len());
        // A huge file is rare: its buffer is not kept.
        if most > BUFFER_KEPT {
            return Packed(lz4_flex::compress_prepend_size(bytes).into());
        }
        BUFFER.with_borrow_mut(|buffer| {
            if buffer.len() < most {
                buffer.resize(most, 0);
            }
            let size = u32::try_from(bytes.len()).expect("packed texts are under 4 GiB");
            buffer[..4].copy_from_slice(&size.to_le_bytes());
            let len = lz4_flex::block::compress_into(bytes, &mut buffer[4..most])
                .expect("the buffer holds the largest packing");
            Packed(Arc::from(&buffer[..4 + len]))
        })
    }

    pub fn unpack(&self) -> Vec<u8> {
        if self.0.is_empty() {
            return Vec::new();
        }
        lz4_flex::decompress_size_prepended(&self.0).expect("the bytes were compressed by `Packed::new`")
    }
}

/// A page's source or HTML.
#[derive(Clone, Default)]
pub struct Text(Packed);

impl Text {
    pub fn new(text: &str) -> Self {
        Text(Packed::new(text.as_bytes()))
    }

    pub fn unpack(&self) -> String {
        String::from_utf8(self.0.unpack()).expect("packed from a `str`")
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.unpack(), f)
    }
}

/// A page's sections: each field as its length (four bytes, little-endian)
/// and its UTF-8 bytes, four fields a section.
#[derive(Clone, Default)]
pub struct Sections(Packed);

impl Sections {
    pub fn new(sections: &[Section]) -> Self {
        let mut bytes = Vec::new();
        for s in sections {
            for field in [&s.anchor, &s.heading, &s.text, &s.terms] {
                let len = u32::try_from(field.len()).expect("a page's text is under 4 GiB");
                bytes.extend_from_slice(&len.to_le_bytes());
                bytes.extend_from_slice(field.as_bytes());
            }
        }
        Sections(Packed::new(&bytes))
    }

    pub fn list(&self) -> Vec<Section> {
        let bytes = self.0.unpack();
        let mut rest = bytes.as_slice();
        let mut out = Vec::new();
        while !rest.is_empty() {
            let [anchor, heading, text, terms] = [(); 4].map(|()| field(&mut rest));
            out.push(Section {
                anchor,
                heading,
                text,
                terms,
            });
        }
        out
    }
}

/// The field at the start of `rest`, which moves past it.
fn field(rest: &mut &[u8]) -> String {
    let (len, after) = rest.split_first_chunk::<4>().expect("written by `Sections::new`");
    let (text, after) = after.split_at(u32::from_le_bytes(*len) as usize);
    *rest = after;
    String::from_utf8(text.to_vec()).expect("written from a `str`")
}

impl fmt::Debug for Sections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.list(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_sections_come_back_as_they_went_in() {
        let html = "<h2 id=\"é\">Gifts — “über” 🎁</h2>\n<p>{{ not a tag }}</p>\n".repeat(50);
        assert_eq!(Text::new(&html).unpack(), html);
        assert_eq!(Text::new("").unpack(), "");
        assert_eq!(Text::default().unpack(), "");
        assert!(Text::new(&html).0.0.len() < html.len() / 4, "repeated text packs small");
        // The format `unpack` reads, from the buffer kept and without it.
        let huge = "Gifts and hospitality, declared. ".repeat(40_000);
        for bytes in [&b""[..], b"abc", html.as_bytes(), huge.as_bytes()] {
            assert_eq!(*Packed::new(bytes).0, *lz4_flex::compress_prepend_size(bytes));
        }
        assert!(huge.len() > BUFFER_KEPT);
        // A short packing after a long one in the same buffer is cut to its own length.
        let _ = Packed::new(html.as_bytes());
        assert_eq!(*Packed::new(b"abc").0, *lz4_flex::compress_prepend_size(b"abc"));

        let sections = vec![
            Section::default(),
            Section {
                anchor: "gifts".into(),
                heading: "Gifts · and\nhospitality".into(),
                text: "Declare them \u{0} all · within\n30 days".into(),
                terms: "Gift".into(),
            },
            Section {
                anchor: String::new(),
                heading: "x".repeat(70_000),
                text: String::new(),
                terms: "¶".into(),
            },
        ];
        assert_eq!(Sections::new(&sections).list(), sections);
        assert_eq!(Sections::new(&[]).list(), Vec::<Section>::new());
        assert_eq!(Sections::default().list(), Vec::<Section>::new());
    }
}
