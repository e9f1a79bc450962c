//! HTML left in the text: a page copied with its markup, or part of it, shows tags and
//! character references among the words (`<p class="ql-block"> 寒风料峭…</p>`, `<br/>`,
//! `职工&nbsp;书屋`).
//!
//! Evidence rule: only tags of HTML's own elements are taken out (the names in
//! [`ELEMENTS`], opening, closing or empty, with or without attributes), keeping the text
//! between them; a line left empty goes. Text in angle brackets that is not such a tag
//! (`<工会法>`, `a < b`, `<职工之家>`) stays. The common named references and numeric ones
//! become their characters. Each tag removed is recorded as `markup`.

use std::sync::LazyLock;

use regex::Regex;

use super::Page;

/// Elements whose tags a copied page carries.
const ELEMENTS: &str = "a|abbr|article|b|big|blockquote|body|br|center|code|dd|del|div|dl|dt|em|figcaption|figure|font|footer|form|h[1-6]|head|header|hr|html|i|iframe|img|input|ins|label|li|link|mark|meta|nav|noscript|ol|optgroup|option|p|pre|s|section|select|small|source|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|tr|tt|u|ul|video|wbr";

static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"(?i)</?(?:{ELEMENTS})(?:\s+[^<>]*)?/?>"#)).expect("compiled-in tag pattern")
});

static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]{2,8}));").expect("compiled-in pattern")
});

/// Named character references seen in copied Chinese pages.
fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "ldquo" => "“",
        "rdquo" => "”",
        "lsquo" => "‘",
        "rsquo" => "’",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "middot" => "·",
        "times" => "×",
        "copy" => "©",
        _ => return None,
    })
}

/// Elements set inside a line of text: their tags join what they separate (`职工<b>书屋</b>`);
/// other tags stand between blocks and leave a space.
const INLINE: [&str; 20] = [
    "a", "abbr", "b", "big", "code", "del", "em", "font", "i", "ins", "label", "mark", "s", "small", "span", "strike",
    "strong", "sub", "sup", "u",
];

/// Whether a tag (`<strong>`, `</span>`) is of an inline element.
fn is_inline(tag: &str) -> bool {
    let name: String = tag
        .trim_start_matches(['<', '/'])
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    INLINE.contains(&name.as_str())
}

/// Take HTML tags and character references out of every line, recording each tag.
pub fn strip(page: &mut Page) {
    let report = &mut page.report;
    page.lines.retain_mut(|line| {
        if !line.text.bytes().any(|b| b == b'<' || b == b'&') {
            return true;
        }
        let mut changed = false;
        if line.text.contains('<') {
            for tag in TAG.find_iter(&line.text) {
                report.remove("markup", tag.as_str());
                changed = true;
            }
            if changed {
                line.text = TAG
                    .replace_all(
                        &line.text,
                        |caps: &regex::Captures| if is_inline(&caps[0]) { "" } else { " " },
                    )
                    .into_owned();
            }
        }
        if line.text.contains('&') {
            let decoded = decode_references(&line.text);
            if decoded != line.text {
                line.text = decoded;
                changed = true;
            }
        }
        if changed {
            line.text = super::lines::normalise_line(&line.text);
        }
        !line.text.is_empty()
    });
}

/// The text with its character references turned into characters; unknown ones stay.
fn decode_references(text: &str) -> String {
    REFERENCE
        .replace_all(text, |caps: &regex::Captures| {
            let number = caps
                .get(1)
                .and_then(|d| d.as_str().parse::<u32>().ok())
                .or_else(|| caps.get(2).and_then(|h| u32::from_str_radix(h.as_str(), 16).ok()));
            match number {
                Some(n) => char::from_u32(n)
                    .filter(|c| !c.is_control())
                    .map_or_else(|| caps[0].to_string(), |c| c.to_string()),
                None => caps
                    .get(3)
                    .and_then(|name| named(name.as_str()))
                    .map_or_else(|| caps[0].to_string(), str::to_string),
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(text: &str) -> (Vec<String>, usize) {
        let mut page = Page::from_text("t.txt", text);
        strip(&mut page);
        let lines = page.lines.iter().map(|l| l.text.clone()).collect();
        (lines, page.report.removed.len())
    }

    #[test]
    fn tags_go_and_their_text_stays() {
        let (lines, removed) =
            cleaned("<p class=\"ql-block\"> 寒风料峭，市总工会送来温暖。</p>\n<br/>\n职工<strong>书屋</strong>开放");
        assert_eq!(lines, ["寒风料峭，市总工会送来温暖。", "职工书屋开放"]);
        assert_eq!(removed, 5);
    }

    #[test]
    fn angle_brackets_that_are_not_html_stay() {
        let text = "<工会法>第三条规定了职工的权利。\n当 a < b 且 c > d 时\n<职工之家>建设";
        assert_eq!(cleaned(text), (text.lines().map(str::to_string).collect(), 0));
    }

    #[test]
    fn character_references_become_characters() {
        let (lines, _) = cleaned("职工&nbsp;书屋&ldquo;开放&rdquo;&#8212;&#x4E2D;&unknown;");
        assert_eq!(lines, ["职工 书屋“开放”—中&unknown;"]);
    }
}
