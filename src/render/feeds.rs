//! Machine-readable outputs: Atom feeds, the sitemap, robots.txt and JSON. XML is written
//! by hand with strict escaping; JSON is escaped so it is safe even inside an HTML
//! `<script>` block; timestamps come from article dates only, so output is reproducible.

use std::io;

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter, Serializer};

/// Escape text for XML element content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_xml_escaped(&mut out, s);
    out
}

/// Append `s` to `out` escaped as [`xml_escape`] does.
fn push_xml_escaped(out: &mut String, s: &str) {
    // Most text (every URL) needs no escape: copied whole.
    let plain = |b: &u8| *b >= 0x20 && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0xEF);
    if s.as_bytes().iter().all(plain) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids are dropped rather than emitted.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

/// One entry of an Atom feed.
#[derive(Debug, Clone)]
pub struct FeedEntry {
    pub title: String,
    /// Absolute URL.
    pub url: String,
    /// RFC 3339 timestamp.
    pub updated: String,
    pub authors: Vec<String>,
    pub summary: String,
    pub categories: Vec<String>,
}

/// An Atom feed document.
pub fn atom(title: &str, self_url: &str, site_url: &str, entries: &[FeedEntry]) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated.as_str())
        .max()
        .unwrap_or("2000-01-01T00:00:00Z");
    let mut xml = String::new();
    xml.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n",
    );
    xml.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    xml.push_str(&format!("  <id>{}</id>\n", xml_escape(self_url)));
    xml.push_str(&format!("  <link rel=\"self\" href=\"{}\"/>\n", xml_escape(self_url)));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" href=\"{}\"/>\n",
        xml_escape(site_url)
    ));
    xml.push_str(&format!("  <updated>{updated}</updated>\n"));
    xml.push_str("  <generator>union-digest</generator>\n");
    for e in entries {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <title>{}</title>\n", xml_escape(&e.title)));
        xml.push_str(&format!("    <id>{}</id>\n", xml_escape(&e.url)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" href=\"{}\"/>\n",
            xml_escape(&e.url)
        ));
        xml.push_str(&format!("    <updated>{}</updated>\n", e.updated));
        let authors = if e.authors.is_empty() {
            vec!["佚名".to_string()]
        } else {
            e.authors.clone()
        };
        for a in &authors {
            xml.push_str(&format!("    <author><name>{}</name></author>\n", xml_escape(a)));
        }
        for c in &e.categories {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", xml_escape(c)));
        }
        xml.push_str(&format!("    <summary>{}</summary>\n", xml_escape(&e.summary)));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// A sitemap of the pages at `paths` (site-relative, in the order given) under `base_url`.
pub fn sitemap(base_url: &str, paths: &[String]) -> String {
    const HEAD: &str =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    const OPEN: &str = "  <url><loc>";
    const CLOSE: &str = "</loc></url>\n";
    const END: &str = "</urlset>\n";
    // One buffer of the right size (the sitemap of a large site is megabytes).
    let per_url = OPEN.len() + base_url.len() + CLOSE.len();
    let size = HEAD.len() + paths.iter().map(|p| per_url + p.len()).sum::<usize>() + END.len();
    let mut xml = String::with_capacity(size);
    xml.push_str(HEAD);
    for path in paths {
        xml.push_str(OPEN);
        push_xml_escaped(&mut xml, base_url);
        push_xml_escaped(&mut xml, path);
        xml.push_str(CLOSE);
    }
    xml.push_str(END);
    xml
}

pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {sitemap_url}\n")
}

/// Pretty JSON in which `<`, `>`, `&`, U+2028 and U+2029 inside strings are written as
/// `\uXXXX` escapes (still the same JSON value). Article text may hold `</script><script>…`;
/// escaped like this, the JSON can be inlined in a page (a search index, JSON-LD) without
/// closing the script element, and no raw markup from content appears in any output file.
pub fn to_json_pretty<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut serializer = Serializer::with_formatter(&mut out, HtmlSafe(PrettyFormatter::new()));
    value.serialize(&mut serializer)?;
    Ok(out)
}

/// The pretty JSON array of `items`, as [`to_json_pretty`] writes it, in pieces to write one
/// after the other (never joined: the data export holds every article's full text), each
/// serialised in parallel.
pub fn to_json_pretty_array<T: Serialize + Sync>(items: &[T]) -> serde_json::Result<Vec<Vec<u8>>> {
    use rayon::prelude::*;
    if items.is_empty() {
        return Ok(vec![b"[]".to_vec()]);
    }
    let mut pieces: Vec<Vec<u8>> = items
        .par_iter()
        .enumerate()
        .map(|(n, item)| super::json_array::element(item, if n == 0 { b"[\n  " } else { b",\n  " }))
        .collect::<serde_json::Result<_>>()?;
    pieces.push(b"\n]".to_vec());
    Ok(pieces)
}

/// Compact JSON escaped like [`to_json_pretty`].
pub fn to_json_compact<T: Serialize + ?Sized>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut serializer = Serializer::with_formatter(&mut out, HtmlSafe(serde_json::ser::CompactFormatter));
    value.serialize(&mut serializer)?;
    Ok(out)
}

/// A JSON formatter that escapes HTML-significant characters in strings and delegates
/// layout to the wrapped formatter.
struct HtmlSafe<F>(F);

impl<F: Formatter> Formatter for HtmlSafe<F> {
    fn write_string_fragment<W: ?Sized + io::Write>(&mut self, writer: &mut W, fragment: &str) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let escaped = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(escaped.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }

    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_key(writer)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_chars() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }

    #[test]
    fn json_escapes_markup_but_keeps_the_value() {
        let value = serde_json::json!({ "t<": ["</script><script>alert(1)</script>", "a&b\u{2028}", 1] });
        let pretty = String::from_utf8(to_json_pretty(&value).unwrap()).unwrap();
        assert_eq!(
            pretty,
            "{\n  \"t\\u003c\": [\n    \"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\",\n    \"a\\u0026b\\u2028\",\n    1\n  ]\n}"
        );
        let compact = to_json_compact(&value).unwrap();
        assert!(!compact.contains(&b'<') && !compact.contains(&b'>') && !compact.contains(&b'&'));
        let back: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(back, value);
        let back: serde_json::Value = serde_json::from_slice(&compact).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn escaping_keeps_plain_text_and_non_ascii_whole() {
        assert_eq!(xml_escape("https://x/articles/a-b_c/"), "https://x/articles/a-b_c/");
        assert_eq!(xml_escape("工会\u{FFFD}\u{FFFE}\u{FFFF}é\ta"), "工会\u{FFFD}é\ta");
    }

    #[test]
    fn sitemap_lists_absolute_urls_escaped() {
        let paths = ["".to_string(), "a&b/".to_string(), "区/".to_string()];
        assert_eq!(
            sitemap("https://x.org/s/", &paths),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n  <url><loc>https://x.org/s/</loc></url>\n  <url><loc>https://x.org/s/a&amp;b/</loc></url>\n  <url><loc>https://x.org/s/区/</loc></url>\n</urlset>\n"
        );
    }

    #[test]
    fn feed_updated_is_newest_entry() {
        let entry = |d: &str| FeedEntry {
            title: "<题>".into(),
            url: "https://x/a/".into(),
            updated: d.into(),
            authors: vec![],
            summary: "s".into(),
            categories: vec!["rights".into()],
        };
        let xml = atom(
            "T",
            "https://x/feed.xml",
            "https://x/",
            &[entry("2024-03-06T00:00:00Z"), entry("2023-01-01T00:00:00Z")],
        );
        assert!(xml.contains("<updated>2024-03-06T00:00:00Z</updated>\n  <generator>"));
        assert!(xml.contains("&lt;题&gt;"));
        assert!(!xml.contains("<题>"));
    }

    #[test]
    fn parallel_pretty_arrays_are_the_sequential_bytes() {
        let items = vec![
            serde_json::json!({ "a": [1, 2], "b": { "c": "x\ny</script>" }, "d": [] }),
            serde_json::json!({}),
            serde_json::json!("s"),
        ];
        assert_eq!(
            to_json_pretty_array(&items).unwrap().concat(),
            to_json_pretty(&items).unwrap()
        );
        let none: Vec<serde_json::Value> = Vec::new();
        assert_eq!(
            to_json_pretty_array(&none).unwrap().concat(),
            to_json_pretty(&none).unwrap()
        );
    }
}
