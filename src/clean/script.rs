//! Script: mirror sites convert Simplified originals to Traditional, sometimes only partly.
//! Text is converted to the configured target script; text already in it is unchanged.
//!
//! Evidence first: a line is converted only when it holds characters that exist in the other
//! script alone (`data/script-hant-only.txt`, `data/script-hans-only.txt`, generated from
//! OpenCC's character tables), so Simplified text stays byte-identical and never pays for a
//! conversion. The conversion itself is OpenCC's phrase-aware table (the `ferrous-opencc`
//! crate), plus one repair OpenCC leaves out: the aspect particle 著 → 着
//! (`data/script-zhe-keep.txt` lists the words where 著 is a real Simplified character).
//!
//! For the default target (Simplified) the conversion runs on tables built from OpenCC when
//! the first line needs them: its character conversions (asked of ferrous-opencc character
//! by character) and its phrase list (`data/script-t2s-phrases.tsv`, OpenCC's TSPhrases),
//! applied with the same longest-match rule. A unit test checks the result equals
//! ferrous-opencc's; the tables are several times faster, because ferrous-opencc allocates
//! for every character.

use std::sync::{Arc, OnceLock};

use ferrous_opencc::config::BuiltinConfig;
use ferrous_opencc::OpenCC;

use super::Page;
use crate::config::{Config, TargetScript};

const HANT_ONLY: &str = include_str!("../../data/script-hant-only.txt");
const HANS_ONLY: &str = include_str!("../../data/script-hans-only.txt");
const ZHE_KEEP: &str = include_str!("../../data/script-zhe-keep.txt");
const T2S_PHRASES: &str = include_str!("../../data/script-t2s-phrases.tsv");

/// A converter to the site's target script, built once per build and shared by all threads
/// (`OpenCC` is `Send + Sync`; the `Arc` makes the `Cleaner` cheap to clone).
#[derive(Clone)]
pub struct Converter {
    pub target: TargetScript,
    engine: Option<Arc<Engine>>,
}

/// What a conversion needs: the evidence table of its source script, and the conversion,
/// made at the first line that has evidence.
struct Engine {
    config: BuiltinConfig,
    /// None if the built-in OpenCC configuration fails to load (the text is then kept).
    conversion: OnceLock<Option<Conversion>>,
    /// Characters of the source script that the target script never uses.
    evidence: CharSet,
    /// Words in which a converted 著 stays 著 (Simplified target only).
    zhe_keep: Vec<String>,
}

/// The OpenCC chain and its tables. Made on first need: building them asks OpenCC for every
/// Han character (about 10 ms), and most pages, the one new article of a quick rebuild
/// among them, are in the target script already.
struct Conversion {
    opencc: OpenCC,
    /// Tables equivalent to `opencc`, when available (Traditional → Simplified).
    tables: Option<Tables>,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter")
            .field("target", &self.target)
            .field("enabled", &self.engine.is_some())
            .finish()
    }
}

impl Converter {
    pub fn new(config: &Config) -> Converter {
        let engine = match config.script {
            TargetScript::Keep => None,
            TargetScript::Hans => Some(Engine::new(BuiltinConfig::T2s, HANT_ONLY, true)),
            TargetScript::Hant => Some(Engine::new(BuiltinConfig::S2t, HANS_ONLY, false)),
        };
        Converter {
            target: config.script,
            engine: engine.map(Arc::new),
        }
    }

    /// Convert every line of the page that carries evidence of the other script.
    pub fn apply(&self, page: &mut Page) {
        let Some(engine) = &self.engine else { return };
        for line in &mut page.lines {
            if let Some(converted) = engine.convert_line(&line.text) {
                if converted != line.text {
                    line.text = converted;
                    page.report.script_converted = true;
                }
            }
        }
    }

    /// Convert one string (used by tests and by callers outside a page).
    pub fn convert(&self, text: &str) -> String {
        match &self.engine {
            Some(engine) => engine.convert_line(text).unwrap_or_else(|| text.to_string()),
            None => text.to_string(),
        }
    }
}

impl Engine {
    fn new(config: BuiltinConfig, evidence: &str, zhe: bool) -> Engine {
        Engine {
            config,
            conversion: OnceLock::new(),
            evidence: CharSet::from_data(evidence),
            zhe_keep: if zhe { data_words(ZHE_KEEP) } else { Vec::new() },
        }
    }

    /// The conversion, made on first call. The built-in configurations are compiled into the
    /// crate; failure here would be a packaging bug, which the unit tests catch. Without a
    /// conversion the text is kept.
    fn conversion(&self) -> Option<&Conversion> {
        self.conversion
            .get_or_init(|| {
                let opencc = OpenCC::from_config(self.config).ok()?;
                let tables =
                    (self.config == BuiltinConfig::T2s).then(|| Tables::new(&opencc, &self.evidence, T2S_PHRASES));
                Some(Conversion { opencc, tables })
            })
            .as_ref()
    }

    /// The converted line, or `None` when the line has no evidence of the source script.
    fn convert_line(&self, text: &str) -> Option<String> {
        if !text.chars().any(|c| self.evidence.contains(c)) {
            return None;
        }
        let conversion = self.conversion()?;
        let converted = match &conversion.tables {
            Some(tables) => tables.convert(text),
            None => conversion.opencc.convert(text),
        };
        if self.zhe_keep.is_empty() {
            Some(converted)
        } else {
            Some(fix_zhe(&converted, &self.zhe_keep))
        }
    }
}

/// OpenCC's Traditional → Simplified conversion as tables: phrases first (longest match),
/// then characters, exactly as OpenCC's dictionary group matches them.
struct Tables {
    phrases: aho_corasick::AhoCorasick,
    phrase_values: Vec<String>,
    /// Converted form of each BMP character (0: unchanged).
    bmp: Vec<u32>,
    other: std::collections::HashMap<char, char>,
}

impl Tables {
    fn new(opencc: &OpenCC, evidence: &CharSet, phrases: &str) -> Tables {
        // Ask OpenCC for every candidate character at once, one per line, so no phrase can
        // match across them.
        let candidates: Vec<char> = ('\u{3400}'..='\u{9FFF}')
            .chain('\u{F900}'..='\u{FAFF}')
            .chain(('\u{20000}'..='\u{2FFFF}').filter(|&c| evidence.contains(c)))
            .collect();
        let joined: String = candidates.iter().flat_map(|&c| [c, '\n']).collect();
        let converted = opencc.convert(&joined);
        let mut bmp = vec![0u32; 0x1_0000];
        let mut other = std::collections::HashMap::new();
        for (&from, to) in candidates.iter().zip(converted.split('\n')) {
            let mut chars = to.chars();
            if let (Some(to), None) = (chars.next(), chars.next()) {
                if to != from {
                    match usize::try_from(u32::from(from)) {
                        Ok(code) if code < bmp.len() => bmp[code] = u32::from(to),
                        _ => {
                            other.insert(from, to);
                        }
                    }
                }
            }
        }
        let (keys, phrase_values): (Vec<&str>, Vec<String>) = phrases
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, v)| (k, v.to_string()))
            .unzip();
        let phrases = aho_corasick::AhoCorasickBuilder::new()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(&keys)
            .expect("t2s phrase automaton");
        Tables {
            phrases,
            phrase_values,
            bmp,
            other,
        }
    }

    fn convert_char(&self, c: char, out: &mut String) {
        let code = u32::from(c) as usize;
        let to = if code < self.bmp.len() {
            char::from_u32(self.bmp[code]).filter(|_| self.bmp[code] != 0)
        } else {
            self.other.get(&c).copied()
        };
        out.push(to.unwrap_or(c));
    }

    fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for m in self.phrases.find_iter(text) {
            text[copied..m.start()]
                .chars()
                .for_each(|c| self.convert_char(c, &mut out));
            out.push_str(&self.phrase_values[m.pattern().as_usize()]);
            copied = m.end();
        }
        text[copied..].chars().for_each(|c| self.convert_char(c, &mut out));
        out
    }
}

/// OpenCC keeps 著 because it is also a Simplified character (著名, 显著); in converted
/// Traditional text it is far more often the aspect particle 着 (沿著, 隨著, 意味著).
fn fix_zhe(text: &str, keep: &[String]) -> String {
    if !text.contains('著') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '著' && !inside_any_word(&chars, i, keep) {
            out.push('着');
        } else {
            out.push(c);
        }
    }
    out
}

/// True when the character at `at` is part of an occurrence of one of `words`.
fn inside_any_word(chars: &[char], at: usize, words: &[String]) -> bool {
    words.iter().any(|word| {
        let w: Vec<char> = word.chars().collect();
        (0..w.len()).any(|offset| {
            at >= offset && at - offset + w.len() <= chars.len() && chars[at - offset..at - offset + w.len()] == w[..]
        })
    })
}

/// Whitespace-separated words of a data file, without `#` comment lines.
fn data_words(data: &str) -> Vec<String> {
    data.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .flat_map(str::split_whitespace)
        .map(str::to_string)
        .collect()
}

/// A set of characters as a bitmap over the planes where Han characters live.
pub(crate) struct CharSet {
    bits: Vec<u64>,
}

impl CharSet {
    const LIMIT: u32 = 0x3_0000;

    pub(crate) fn from_data(data: &str) -> CharSet {
        let mut bits = vec![0u64; (Self::LIMIT / 64) as usize];
        for line in data.lines().filter(|l| !l.trim_start().starts_with('#')) {
            for c in line.chars().filter(|c| !c.is_whitespace()) {
                let code = c as u32;
                if code < Self::LIMIT {
                    bits[(code / 64) as usize] |= 1 << (code % 64);
                }
            }
        }
        CharSet { bits }
    }

    pub(crate) fn contains(&self, c: char) -> bool {
        let code = c as u32;
        code < Self::LIMIT && self.bits[(code / 64) as usize] & (1 << (code % 64)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converter(script: TargetScript) -> Converter {
        Converter::new(&Config {
            script,
            ..Config::default()
        })
    }

    fn page(text: &str) -> Page {
        Page::from_text("t.txt", text)
    }

    #[test]
    fn builtin_engines_load() {
        for script in [TargetScript::Hans, TargetScript::Hant] {
            let engine = converter(script).engine.expect("an engine for a conversion");
            assert!(engine.conversion.get().is_none(), "made on first need");
            assert!(engine.conversion().is_some(), "the built-in OpenCC configuration loads");
        }
        assert!(converter(TargetScript::Keep).engine.is_none());
    }

    #[test]
    fn traditional_lines_become_simplified() {
        let c = converter(TargetScript::Hans);
        assert_eq!(
            c.convert("湖南省總工會推動縣級工會加強年"),
            "湖南省总工会推动县级工会加强年"
        );
        assert_eq!(c.convert("資料圖"), "资料图");
    }

    #[test]
    fn simplified_text_is_left_alone_even_with_ambiguous_characters() {
        let c = converter(TargetScript::Hans);
        // 乾 and 著 are valid Simplified characters; with no Traditional-only character the
        // line is not converted at all.
        let text = "乾隆年间的著名学者显著提升,大学生著书立说。";
        assert_eq!(c.convert(text), text);
        let mut p = page(text);
        c.apply(&mut p);
        assert_eq!(p.lines[0].text, text);
        assert!(!p.report.script_converted);
        let engine = c.engine.as_ref().unwrap();
        assert!(
            engine.conversion.get().is_none(),
            "no conversion made for text without evidence"
        );
    }

    #[test]
    fn partly_converted_page_has_only_its_traditional_lines_converted() {
        let c = converter(TargetScript::Hans);
        let mut p = page("工会工作回眸\n浙江工會五年工作回眸\n");
        c.apply(&mut p);
        assert_eq!(p.lines[0].text, "工会工作回眸");
        assert_eq!(p.lines[1].text, "浙江工会五年工作回眸");
        assert!(p.report.script_converted);
    }

    #[test]
    fn particle_zhe_is_repaired_but_words_keep_it() {
        let c = converter(TargetScript::Hans);
        assert_eq!(c.convert("沿著發展道路,顯著提升"), "沿着发展道路,显著提升");
        assert_eq!(c.convert("隨著著名學者的著作問世"), "随着著名学者的著作问世");
    }

    #[test]
    fn hant_target_converts_simplified() {
        let c = converter(TargetScript::Hant);
        assert_eq!(c.convert("工会组织职工"), "工會組織職工");
        let trad = "工會組織";
        assert_eq!(c.convert(trad), trad);
    }

    #[test]
    fn tables_agree_with_ferrous_opencc() {
        let c = converter(TargetScript::Hans);
        let conversion = c.engine.as_ref().and_then(|e| e.conversion()).unwrap();
        let tables = conversion.tables.as_ref().unwrap();
        let mut samples: Vec<String> = T2S_PHRASES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(k, _)| format!("在{k}中"))
            .collect();
        samples.push("湖南省總工會推動“縣級工會加強年”專項工作走深走實，乾隆年間於是瞭解後來的發展。".into());
        samples.push(HANT_ONLY.lines().filter(|l| !l.starts_with('#')).collect());
        for sample in samples {
            assert_eq!(tables.convert(&sample), conversion.opencc.convert(&sample), "{sample}");
        }
    }

    #[test]
    fn keep_target_changes_nothing() {
        let c = converter(TargetScript::Keep);
        assert_eq!(c.convert("工會"), "工會");
    }

    #[test]
    fn evidence_tables_are_disjoint_and_plausible() {
        let hant = CharSet::from_data(HANT_ONLY);
        let hans = CharSet::from_data(HANS_ONLY);
        for c in "會學與關於們這國".chars().filter(|&c| c != '於') {
            assert!(hant.contains(c), "{c}");
            assert!(!hans.contains(c), "{c}");
        }
        for c in "会学与关们这国".chars() {
            assert!(hans.contains(c), "{c}");
            assert!(!hant.contains(c), "{c}");
        }
        for c in "工人中乾於著".chars() {
            assert!(!hant.contains(c) && !hans.contains(c), "{c}");
        }
    }
}
