//! ASCII slugs for URLs: article slugs derived only from the article itself, readable
//! pinyin for Chinese names, and sanitising of slugs requested in front matter.

use pinyin::ToPinyin;

/// Lowercase ASCII letters, digits and inner single dashes only.
pub fn is_ascii_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// Reduce any text to a safe slug: ASCII alphanumerics kept (lowercased), Han characters
/// spelt in toneless pinyin, everything else (slashes, dots, NUL, spaces) a dash.
/// Returns an empty string when nothing usable remains.
pub fn sanitize(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(p) = c.to_pinyin() {
            if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push_str(&ascii_syllable(p.plain()));
            out.push('-');
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-")
}

/// Pinyin of the first `max_han` Han characters of a title, dash-separated.
pub fn title_pinyin(title: &str, max_han: usize) -> String {
    let spelt: Vec<String> = title
        .chars()
        .filter_map(|c| c.to_pinyin())
        .take(max_han)
        .map(|p| ascii_syllable(p.plain()))
        .filter(|s| !s.is_empty())
        .collect();
    spelt.join("-")
}

/// A toneless pinyin syllable in ASCII. "Plain" pinyin still writes ü (女 nü, 绿 lü, 律 lü)
/// and ê; URLs write them v and e, as pinyin keyboards do (nv, lv). Anything else that is
/// not an ASCII letter is dropped, so a slug can never hold a non-ASCII character.
fn ascii_syllable(plain: &str) -> String {
    plain
        .chars()
        .filter_map(|c| match c {
            'ü' => Some('v'),
            'ê' => Some('e'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_slug_rules() {
        assert!(is_ascii_slug("new-employment"));
        assert!(is_ascii_slug("2024-03-06-abc"));
        assert!(!is_ascii_slug("../x"));
        assert!(!is_ascii_slug("a/b"));
        assert!(!is_ascii_slug("-a"));
        assert!(!is_ascii_slug("工会"));
        assert!(!is_ascii_slug(""));
    }

    #[test]
    fn sanitize_defuses_paths() {
        assert_eq!(sanitize("../../etc/passwd"), "etc-passwd");
        assert_eq!(sanitize("C:\\Windows\\x"), "c-windows-x");
        assert_eq!(sanitize("a\0b"), "a-b");
        assert_eq!(sanitize("/abs/path"), "abs-path");
        assert_eq!(sanitize("工会 News"), "gong-hui-news");
        assert_eq!(sanitize("..."), "");
    }

    #[test]
    fn u_umlaut_is_spelt_v() {
        assert_eq!(sanitize("女职工"), "nv-zhi-gong");
        assert_eq!(sanitize("䥨"), "lv");
        assert_eq!(title_pinyin("律师进企业", 3), "lv-shi-jin");
        assert!(is_ascii_slug(&sanitize("绿色出行")));
    }

    #[test]
    fn title_pinyin_takes_leading_han() {
        assert_eq!(title_pinyin("“港口工匠”大比武", 4), "gang-kou-gong-jiang");
    }
}
