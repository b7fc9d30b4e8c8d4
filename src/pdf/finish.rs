//! What Chromium cannot set, fixed in its PDF with lopdf: the document's
//! metadata, and links. A page printed from disk links other pages as
//! `file:///…` URLs of the build machine; each becomes the page's address
//! under `base_url`, or plain text when the site has none.

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use lopdf::{Dictionary, Document, Object, ObjectId, text_string};

/// The document information a PDF carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    /// The day the document is dated: creation and modification date.
    pub date: Date,
}

/// Where the printed pages were, and where the site is published.
pub struct Links<'a> {
    /// The output folder the pages were printed from.
    pub out: &'a Path,
    /// Without a trailing slash; empty when not configured.
    pub base_url: &'a str,
}

/// What the fix did to the links, for the tests and the log.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Fixed {
    pub rewritten: usize,
    pub removed: usize,
}

/// Sets `meta` and fixes the links of the PDF at `pdf`, in place.
pub fn finish(pdf: &Path, meta: &Meta, links: &Links<'_>) -> Result<Fixed, String> {
    let mut doc = Document::load(pdf).map_err(|e| format!("could not read the printed PDF: {e}"))?;
    set_info(&mut doc, meta);
    let fixed = fix_links(&mut doc, links);
    doc.save(pdf)
        .map_err(|e| format!("could not write `{}`: {e}", crate::diag::display_path(pdf)))?;
    Ok(fixed)
}

fn set_info(doc: &mut Document, meta: &Meta) {
    let date = Object::string_literal(format!(
        "D:{:04}{:02}{:02}000000Z",
        meta.date.year(),
        meta.date.month(),
        meta.date.day()
    ));
    let mut info = Dictionary::new();
    info.set("Title", text_string(&meta.title));
    info.set("Author", text_string(&meta.author));
    info.set("Subject", text_string(&meta.subject));
    info.set("Creator", text_string("casebook"));
    info.set(
        "Producer",
        text_string(&format!("casebook {}", env!("CARGO_PKG_VERSION"))),
    );
    info.set("CreationDate", date.clone());
    info.set("ModDate", date);
    let id = doc.add_object(info);
    doc.trailer.set("Info", Object::Reference(id));
}

/// Rewrites or removes every `file:` link annotation of every page.
fn fix_links(doc: &mut Document, links: &Links<'_>) -> Fixed {
    let mut fixed = Fixed::default();
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for page in pages {
        let annots: Vec<Object> = match doc.get_dictionary(page).and_then(|p| p.get(b"Annots")) {
            Ok(Object::Array(a)) => a.clone(),
            Ok(Object::Reference(r)) => match doc.get_object(*r) {
                Ok(Object::Array(a)) => a.clone(),
                _ => continue,
            },
            _ => continue,
        };
        let mut kept = Vec::with_capacity(annots.len());
        for annot in annots {
            match fix_annotation(doc, &annot, links) {
                Action::Keep => kept.push(annot),
                Action::Rewritten => {
                    fixed.rewritten += 1;
                    kept.push(annot);
                }
                Action::Remove => fixed.removed += 1,
            }
        }
        if let Ok(p) = doc.get_dictionary_mut(page) {
            p.set("Annots", Object::Array(kept));
        }
    }
    fixed
}

enum Action {
    Keep,
    Rewritten,
    Remove,
}

fn fix_annotation(doc: &mut Document, annot: &Object, links: &Links<'_>) -> Action {
    let dict = match annot {
        Object::Reference(r) => doc.get_dictionary_mut(*r).ok(),
        _ => None,
    };
    let Some(dict) = dict else { return Action::Keep };
    let Ok(action) = dict.get_mut(b"A").and_then(Object::as_dict_mut) else {
        return Action::Keep;
    };
    let uri = match action.get(b"URI").and_then(Object::as_str) {
        Ok(u) => String::from_utf8_lossy(u).into_owned(),
        Err(_) => return Action::Keep,
    };
    if !uri.starts_with("file:") {
        return Action::Keep;
    }
    match published_url(&uri, links) {
        Some(url) => {
            action.set("URI", Object::string_literal(url));
            Action::Rewritten
        }
        None => Action::Remove,
    }
}

/// The published address of a `file:` URL inside the output folder:
/// `file:///out/policies/x/index.html#s` → `https://base/policies/x/#s`.
/// `None` without a `base_url`, or for a file outside the output folder.
pub fn published_url(uri: &str, links: &Links<'_>) -> Option<String> {
    if links.base_url.is_empty() {
        return None;
    }
    let rest = uri.strip_prefix("file://")?;
    let (path, fragment) = match rest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (rest, None),
    };
    let path = path.split_once('?').map_or(path, |(p, _)| p);
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
    let file = PathBuf::from(decoded.as_ref());
    let roots = [Some(links.out.to_path_buf()), links.out.canonicalize().ok()];
    let rel = roots.iter().flatten().find_map(|root| file.strip_prefix(root).ok())?;
    let rel = crate::diag::display_path(rel);
    if rel.split('/').any(|c| c == "..") {
        return None;
    }
    let rel = rel.strip_suffix("index.html").unwrap_or(&rel);
    let mut url = format!("{}/{rel}", links.base_url);
    if let Some(f) = fragment {
        url.push('#');
        url.push_str(f);
    }
    Some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn links<'a>(out: &'a Path, base: &'a str) -> Links<'a> {
        Links { out, base_url: base }
    }

    #[test]
    fn file_urls_become_published_addresses() {
        let out = Path::new("/tmp/site/public");
        let l = links(out, "https://legal.example/handbook");
        assert_eq!(
            published_url(
                "file:///tmp/site/public/policies/records-retention/index.html#scope",
                &l
            )
            .as_deref(),
            Some("https://legal.example/handbook/policies/records-retention/#scope")
        );
        assert_eq!(
            published_url("file:///tmp/site/public/index.html", &l).as_deref(),
            Some("https://legal.example/handbook/")
        );
        assert_eq!(
            published_url("file:///tmp/site/public/metrics/spend.csv", &l).as_deref(),
            Some("https://legal.example/handbook/metrics/spend.csv")
        );
        assert_eq!(
            published_url("file:///tmp/site/public/my%20page/index.html", &l).as_deref(),
            Some("https://legal.example/handbook/my page/")
        );
        assert_eq!(published_url("file:///etc/passwd", &l), None, "outside the site");
        assert_eq!(published_url("file:///tmp/site/public/../x", &l), None);
        assert_eq!(
            published_url("file:///tmp/site/public/a/", &links(out, "")),
            None,
            "no base_url"
        );
    }

    /// A one-page PDF with a link annotation to each URI.
    fn pdf_with_links(uris: &[&str]) -> Document {
        let mut doc = Document::with_version("1.4");
        let pages_id = doc.new_object_id();
        let annots: Vec<Object> = uris
            .iter()
            .map(|u| {
                Object::Reference(doc.add_object(dictionary! {
                    "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![0.into(), 0.into(), 10.into(), 10.into()],
                    "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal(*u) },
                }))
            })
            .collect();
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Annots" => annots,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        doc
    }

    fn uris(doc: &Document) -> Vec<String> {
        let page = doc.get_pages()[&1];
        doc.get_page_annotations(page)
            .expect("annotations")
            .iter()
            .filter_map(|a| a.get(b"A").ok()?.as_dict().ok()?.get(b"URI").ok()?.as_str().ok())
            .map(|u| String::from_utf8_lossy(u).into_owned())
            .collect()
    }

    #[test]
    fn a_printed_pdf_gets_metadata_and_no_file_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("public");
        let pdf = dir.path().join("report.pdf");
        let inside = format!("file://{}/policies/x/index.html", out.display());
        pdf_with_links(&[&inside, "https://example.com/", "file:///elsewhere/y.html"])
            .save(&pdf)
            .expect("save");
        let meta = Meta {
            title: "Board report — Q3 2026".into(),
            author: "Northwind Industries".into(),
            subject: "Board report, Q3 2026".into(),
            date: jiff::civil::date(2026, 10, 16),
        };
        let fixed = finish(&pdf, &meta, &links(&out, "https://legal.example")).expect("fixed");
        assert_eq!(
            fixed,
            Fixed {
                rewritten: 1,
                removed: 1
            }
        );
        let doc = Document::load(&pdf).expect("reload");
        assert_eq!(
            uris(&doc),
            ["https://legal.example/policies/x/", "https://example.com/"]
        );
        let info = doc
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .and_then(|r| doc.get_dictionary(r))
            .expect("an Info dictionary");
        let text = |k: &[u8]| lopdf::decode_text_string(info.get(k).expect("key")).expect("text");
        assert_eq!(text(b"Title"), "Board report — Q3 2026");
        assert_eq!(text(b"Author"), "Northwind Industries");
        assert_eq!(text(b"Creator"), "casebook");
        assert_eq!(text(b"CreationDate"), "D:20261016000000Z");

        // Without a `base_url` a link to a page is left as plain text.
        pdf_with_links(&[&inside]).save(&pdf).expect("save");
        let fixed = finish(&pdf, &meta, &links(&out, "")).expect("fixed");
        assert_eq!(
            fixed,
            Fixed {
                rewritten: 0,
                removed: 1
            }
        );
        assert!(uris(&Document::load(&pdf).expect("reload")).is_empty());
    }
}
