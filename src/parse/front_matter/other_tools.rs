//! Front matter keys of the tools a repository may come from (Jekyll,
//! Hugo, Docusaurus): what they mean here is listed in the README's
//! "Coming from another tool".

use jiff::civil::Date;

use super::{Reader, UrlKey};
use crate::yaml;

impl Reader<'_> {
    /// The first of `permalink`, `url` and `slug`; the others are reported.
    pub(super) fn url(&mut self) -> Option<UrlKey> {
        let mut found: Option<UrlKey> = None;
        for key in ["permalink", "url", "slug"] {
            let Some(value) = self.reference(key) else { continue };
            match &found {
                Some(first) => {
                    let n = self.0.key_node(key).expect("read just above");
                    let first_key = first.key;
                    self.0.warning(
                        n,
                        format!("`{key}` is ignored: `{first_key}` sets this page's URL"),
                        format!("remove `{key}` or `{first_key}`"),
                    );
                }
                None => found = Some(UrlKey { key, value }),
            }
        }
        found
    }

    /// A day, also when written with a time (`2017-08-07 10:00:00 -0500`,
    /// as Jekyll writes dates): the calendar day as written is kept.
    pub(super) fn day(&mut self, key: &'static str) -> Option<Date> {
        let n = self.0.node(key)?;
        let text = n.text().map(str::trim).unwrap_or_default();
        let day = text
            .get(..10)
            .filter(|_| text.len() == 10 || text[10..].starts_with([' ', 'T', 't']));
        match day.and_then(|d| d.parse::<Date>().ok()) {
            Some(d) if yaml::YEARS.contains(&d.year()) => Some(d),
            _ => {
                self.0.wrong(
                    key,
                    n,
                    "a date",
                    format!("write dates as YYYY-MM-DD, e.g. `{key}: 2026-01-31`"),
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::parse_text;

    #[test]
    fn keys_of_other_tools_map_to_ours() {
        let (fm, errors) = parse_text(
            "---\ntitle: Gifts\nredirect_from:\n  - /policy-site/old-gifts/\n  - /gifts.html\naliases: [/g/]\npublished: false\nnav_order: 3\nlayout: policy\ndate: 2017-08-07 10:00:00 -0500\nlast_modified_at: 2021-03-04T09:00:00Z\npermalink: /area/gifts/\n---\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        let aliases: Vec<&str> = fm.aliases.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(aliases, ["/g/", "/policy-site/old-gifts/", "/gifts.html"]);
        assert_eq!(fm.aliases[1].position.line, 4);
        assert!(fm.draft, "`published: false` is a draft");
        assert_eq!(fm.weight, Some(3));
        assert!(fm.layout);
        assert!(!fm.extra.contains_key("layout"), "ignored, not kept for templates");
        assert_eq!(fm.date, Some(jiff::civil::date(2017, 8, 7)));
        assert_eq!(fm.last_modified, Some(jiff::civil::date(2021, 3, 4)));
        let url = fm.url.expect("permalink");
        assert_eq!(
            (url.key, url.value.id.as_str(), url.value.position.line),
            ("permalink", "/area/gifts/", 12)
        );
    }

    #[test]
    fn one_url_key_wins_and_bad_dates_are_located() {
        let (fm, errors) = parse_text("---\nslug: gifts\npermalink: /a/\nlastmod: next week\npublished: true\n---\n");
        assert_eq!(fm.url.as_ref().map(|u| u.key), Some("permalink"));
        assert!(!fm.draft);
        let msgs: Vec<&str> = errors.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "`slug` is ignored: `permalink` sets this page's URL",
                "`lastmod` must be a date, found `next week`"
            ]
        );
        assert_eq!(errors[1].position.as_ref().unwrap().line, 4);
    }
}
