//! Readable ASCII for region URLs: the pinyin of a division's suffix-less name
//! (浙江省 → zhejiang, 六安市 → luan), without the polyphone errors of a per-character table
//! (重庆 is chongqing, not zhongqing). Corrections live in `data/region-pinyin.txt`.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use pinyin::ToPinyin;

use super::gazetteer::{bare_name, data_lines};

const CORRECTIONS: &str = include_str!("../../data/region-pinyin.txt");

/// Readings that differ from the `pinyin` crate's first reading.
struct Corrections {
    /// Whole names (重庆 → chongqing), tried longest first at each position.
    words: BTreeMap<String, String>,
    longest_word: usize,
    /// Characters read one way in every place name (长 → chang).
    chars: BTreeMap<char, String>,
}

fn corrections() -> &'static Corrections {
    static CORRECTIONS_TABLE: OnceLock<Corrections> = OnceLock::new();
    CORRECTIONS_TABLE.get_or_init(|| {
        let mut table = Corrections {
            words: BTreeMap::new(),
            longest_word: 0,
            chars: BTreeMap::new(),
        };
        for line in data_lines(CORRECTIONS) {
            let Some((name, reading)) = line.split_once(char::is_whitespace) else {
                continue;
            };
            let reading = reading.trim().to_string();
            let mut chars = name.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    table.chars.insert(c, reading);
                }
                _ => {
                    table.longest_word = table.longest_word.max(name.chars().count());
                    table.words.insert(name.to_string(), reading);
                }
            }
        }
        table
    })
}

/// The URL segment of a division name: pinyin of the suffix-less name, lowercase ASCII
/// letters and digits only ("余杭区" → "yuhang"; "东区" keeps its suffix: "dongqu").
pub fn region_slug(name: &str) -> String {
    let base = bare_name(name).unwrap_or_else(|| name.to_string());
    let slug = to_pinyin(&base);
    if slug.is_empty() {
        "region".to_string()
    } else {
        slug
    }
}

/// Pinyin without tones or separators; letters and digits kept, anything else dropped.
pub fn to_pinyin(text: &str) -> String {
    let table = corrections();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let longest = table.longest_word.min(chars.len() - i);
        let word = (2..=longest).rev().find_map(|n| {
            let candidate: String = chars[i..i + n].iter().collect();
            table.words.get(&candidate).map(|reading| (n, reading))
        });
        if let Some((n, reading)) = word {
            out.push_str(reading);
            i += n;
            continue;
        }
        let c = chars[i];
        if let Some(reading) = table.chars.get(&c) {
            out.push_str(reading);
        } else if let Some(p) = c.to_pinyin() {
            out.push_str(&p.plain().replace('ü', "v"));
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
        i += 1;
    }
    out.retain(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polyphones_read_as_the_place_is_called() {
        for (name, slug) in [
            ("重庆市", "chongqing"),
            ("长沙市", "changsha"),
            ("长沙县", "changsha"),
            ("厦门市", "xiamen"),
            ("蚌埠市", "bengbu"),
            ("六安市", "luan"),
            ("丽水市", "lishui"),
            ("乐山市", "leshan"),
            ("乐清市", "yueqing"),
            ("长子县", "zhangzi"),
            ("成都市", "chengdu"),
            ("库尔勒市", "kuerle"),
            ("佛山市", "foshan"),
            ("西藏自治区", "xizang"),
            ("番禺区", "panyu"),
            ("六盘水市", "liupanshui"),
        ] {
            assert_eq!(region_slug(name), slug, "{name}");
        }
    }

    #[test]
    fn suffixes_are_dropped_and_output_is_ascii() {
        assert_eq!(region_slug("浙江省"), "zhejiang");
        assert_eq!(region_slug("余杭区"), "yuhang");
        assert_eq!(region_slug("新疆维吾尔自治区"), "xinjiang");
        assert_eq!(region_slug("恩施土家族苗族自治州"), "enshi");
        assert_eq!(region_slug("绿园区"), "lvyuan");
        assert_eq!(region_slug("东区"), "dongqu");
        assert_eq!(region_slug("沙区"), "shaqu");
        assert_eq!(region_slug("？"), "region");
    }

    #[test]
    fn every_division_has_an_ascii_slug() {
        let g = super::super::gazetteer::Gazetteer::global();
        for id in 0..g.len() {
            let slug = region_slug(&g.division(id).name);
            assert!(
                slug.len() >= 2 && slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()),
                "{} → {slug:?}",
                g.division(id).name
            );
        }
    }
}
