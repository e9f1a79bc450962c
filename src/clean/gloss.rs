//! Glosses and damage: romanisation glosses inserted by mirror sites (职工(zhígōng), 設(shè)),
//! runs of replacement marks (`? ? ?`, `？？？`, `�`), and mojibake lines (UTF-8 read as
//! Latin-1 or GBK: "ç¨æ·", "Ã©", "锟斤拷", "浣犲ソ").
//!
//! Evidence rules:
//! - a parenthesised run of Latin letters right after Han characters is a gloss when it is
//!   lower-case and its syllables are the readings of the characters before it (checked
//!   against the `pinyin` crate's heteronyms), or when it is tone-marked pinyin (zhígōng).
//!   Real parentheses such as (左一), (5G), (AI), (简称“瑞成公司”) or names like
//!   华为(Huawei) fail both tests and stay;
//! - replacement marks are damage when there are three or more, when two stand inside a word,
//!   or when `�` appears; a single `?` (a question) is never touched;
//! - a line is mojibake when re-encoding it as Latin-1 or GBK yields valid UTF-8 (the repaired
//!   line replaces it) or when it is dense with the tell-tale Latin-1 pairs and cannot be
//!   repaired (it is removed).

use std::collections::HashSet;
use std::sync::OnceLock;

use pinyin::ToPinyinMulti;

use super::lines::{is_han, remove_spans};
use super::script::CharSet;
use super::Page;
use crate::model::CleaningReport;

const MARKERS: &str = include_str!("../../data/damage-markers.txt");

/// Remove glosses and damage from every line, recording each removal.
pub fn repair(page: &mut Page) {
    let report = &mut page.report;
    let rare = gbk_rare();
    page.lines.retain_mut(|line| {
        let scan = Scan::of(&line.text, rare);
        if scan.may_be_mojibake() {
            match mojibake(&line.text, &scan) {
                Mojibake::No => {}
                Mojibake::Repaired(text) => {
                    report.remove("mojibake", std::mem::replace(&mut line.text, text));
                }
                Mojibake::Unreadable => {
                    report.remove("mojibake", line.text.as_str());
                    return false;
                }
            }
        }
        if scan.parenthesis {
            if let Some(text) = strip_glosses(&line.text, report) {
                line.text = text;
            }
        }
        if scan.damage {
            if let Some(text) = strip_damage(&line.text, report) {
                line.text = text;
            }
        }
        !line.text.trim().is_empty()
    });
}

/// What one pass over a line finds, so that the costly checks run only where they can apply.
#[derive(Debug, Default)]
struct Scan {
    /// Characters U+00C0–U+00FF: what a UTF-8 lead byte of a Chinese character reads as in
    /// Latin-1 (ä, å, æ, ç, è, é …). Without them there is no Latin-1 mojibake.
    latin1_leads: usize,
    han: usize,
    /// Han characters typical of UTF-8 bytes read as GBK.
    rare: usize,
    parenthesis: bool,
    /// Replacement marks or the first character of a damage marker.
    damage: bool,
}

impl Scan {
    fn of(text: &str, rare: &CharSet) -> Scan {
        let initials = marker_initials();
        let mut scan = Scan::default();
        for c in text.chars() {
            match c {
                '(' | '（' => scan.parenthesis = true,
                '?' | '？' | '\u{FFFD}' => scan.damage = true,
                '\u{C0}'..='\u{FF}' => scan.latin1_leads += 1,
                c if is_han(c) => {
                    scan.han += 1;
                    scan.rare += usize::from(rare.contains(c));
                    scan.damage |= initials.contains(&c);
                }
                _ => {}
            }
        }
        scan
    }

    fn may_be_mojibake(&self) -> bool {
        self.latin1_leads >= 2 || (self.rare >= 3 && self.rare * 4 >= self.han)
    }
}

/// The first characters of the damage markers (锟 of 锟斤拷 …).
fn marker_initials() -> &'static [char] {
    static INITIALS: OnceLock<Vec<char>> = OnceLock::new();
    INITIALS.get_or_init(|| markers().iter().filter_map(|m| m.chars().next()).collect())
}

// ---------------------------------------------------------------------------------------------
// Romanisation glosses

/// The line without its glosses, or `None` when it has none.
fn strip_glosses(text: &str, report: &mut CleaningReport) -> Option<String> {
    if !text.contains(['(', '（']) {
        return None;
    }
    remove_spans(text, "gloss", report, gloss_at)
}

/// If a gloss opens at `open`, the index just past its closing parenthesis.
fn gloss_at(chars: &[char], open: usize) -> Option<usize> {
    if !matches!(chars[open], '(' | '（') || open == 0 || !is_han(chars[open - 1]) {
        return None;
    }
    let close = (open + 1..chars.len().min(open + 48)).find(|&j| matches!(chars[j], ')' | '）'))?;
    let inner: String = chars[open + 1..close].iter().collect();
    if !looks_romanised(&inner) {
        return None;
    }
    let plain = plain_letters(&inner);
    let han_before: Vec<char> = chars[..open]
        .iter()
        .rev()
        .take_while(|&&c| is_han(c))
        .copied()
        .collect();
    let han_before: Vec<char> = han_before.into_iter().rev().collect();
    // Without tone marks only lower-case pinyin is a mirror site's gloss: 华为(Huawei) and
    // 北京(Beijing) are names a newsroom writes.
    let lower_case = !inner.chars().any(|c| c.is_ascii_uppercase());
    let reads_before =
        lower_case && (1..=han_before.len().min(8)).any(|k| spells(&plain, &han_before[han_before.len() - k..]));
    let tone_marked_pinyin = inner.chars().any(is_tone_mark) && splits_into_syllables(&plain);
    (reads_before || tone_marked_pinyin).then_some(close + 1)
}

/// Letters (ASCII or tone-marked), spaces, apostrophes, hyphens and tone digits only, with
/// at least one letter, and not an all-capitals acronym such as "AI" or "GDP".
fn looks_romanised(inner: &str) -> bool {
    let trimmed = inner.trim();
    let letters = trimmed
        .chars()
        .filter(|&c| c.is_ascii_alphabetic() || is_tone_mark(c) || c == 'ü')
        .count();
    let allowed = trimmed
        .chars()
        .all(|c| c.is_ascii_alphabetic() || is_tone_mark(c) || matches!(c, 'ü' | ' ' | '\'' | '’' | '-' | '1'..='5'));
    let acronym = letters >= 2 && trimmed.chars().all(|c| !c.is_ascii_lowercase() && !is_tone_mark(c));
    letters > 0 && allowed && !acronym
}

fn is_tone_mark(c: char) -> bool {
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ".contains(c)
}

/// Lowercase letters without tones, ü written as v, separators and tone digits dropped.
fn plain_letters(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    for c in inner.chars() {
        let base = match c {
            'ā' | 'á' | 'ǎ' | 'à' => 'a',
            'ē' | 'é' | 'ě' | 'è' => 'e',
            'ī' | 'í' | 'ǐ' | 'ì' => 'i',
            'ō' | 'ó' | 'ǒ' | 'ò' => 'o',
            'ū' | 'ú' | 'ǔ' | 'ù' => 'u',
            'ǖ' | 'ǘ' | 'ǚ' | 'ǜ' | 'ü' => 'v',
            'ń' | 'ň' | 'ǹ' => 'n',
            'ḿ' => 'm',
            c if c.is_ascii_alphabetic() => c.to_ascii_lowercase(),
            _ => continue,
        };
        out.push(base);
    }
    out
}

/// Plain readings of a character (heteronyms included), in the same spelling as
/// [`plain_letters`].
fn readings(c: char) -> Vec<String> {
    c.to_pinyin_multi()
        .map(|multi| multi.into_iter().map(|p| p.plain().replace(['ü'], "v")).collect())
        .unwrap_or_default()
}

/// True when `plain` is exactly one reading of each character of `chars`, in order.
fn spells(plain: &str, chars: &[char]) -> bool {
    match chars.split_first() {
        None => plain.is_empty(),
        Some((&first, rest)) => readings(first)
            .iter()
            .any(|r| !r.is_empty() && plain.starts_with(r.as_str()) && spells(&plain[r.len()..], rest)),
    }
}

/// Every plain pinyin syllable the `pinyin` crate knows.
fn syllables() -> &'static HashSet<String> {
    static SYLLABLES: OnceLock<HashSet<String>> = OnceLock::new();
    SYLLABLES.get_or_init(|| {
        ('\u{3400}'..='\u{9FFF}')
            .flat_map(readings)
            .filter(|r| !r.is_empty())
            .collect()
    })
}

/// True when `plain` is a sequence of one or more pinyin syllables.
fn splits_into_syllables(plain: &str) -> bool {
    if plain.is_empty() || !plain.is_ascii() {
        return false;
    }
    let set = syllables();
    let n = plain.len();
    let mut reachable = vec![false; n + 1];
    reachable[0] = true;
    for start in 0..n {
        if !reachable[start] {
            continue;
        }
        for len in 1..=6.min(n - start) {
            if set.contains(&plain[start..start + len]) {
                reachable[start + len] = true;
            }
        }
    }
    reachable[n]
}

// ---------------------------------------------------------------------------------------------
// Replacement marks and known byte-damage markers

fn is_mark(c: char) -> bool {
    matches!(c, '?' | '？' | '\u{FFFD}')
}

/// Known damage strings (锟斤拷 …) from `data/damage-markers.txt`.
fn markers() -> &'static [String] {
    static MARKER_LIST: OnceLock<Vec<String>> = OnceLock::new();
    MARKER_LIST.get_or_init(|| {
        MARKERS
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(str::split_whitespace)
            .map(str::to_string)
            .collect()
    })
}

/// The line without replacement-mark runs and damage markers, or `None` when it has none.
fn strip_damage(text: &str, report: &mut CleaningReport) -> Option<String> {
    let mut current = std::borrow::Cow::Borrowed(text);
    for marker in markers() {
        if current.contains(marker.as_str()) {
            report.remove("damage", marker.as_str());
            current = std::borrow::Cow::Owned(current.replace(marker.as_str(), ""));
        }
    }
    if current.contains(is_mark) {
        if let Some(fixed) = strip_mark_runs(&current, report) {
            current = std::borrow::Cow::Owned(fixed);
        }
    }
    match current {
        std::borrow::Cow::Borrowed(_) => None,
        // A run removed at the start or end of the line leaves the space beside it.
        std::borrow::Cow::Owned(s) => Some(s.trim().to_string()),
    }
}

fn strip_mark_runs(text: &str, report: &mut CleaningReport) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        if !is_mark(chars[i]) {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // A run: marks, possibly separated by spaces, ending on a mark.
        let mut end = i + 1;
        let mut j = i + 1;
        while j < chars.len() && (is_mark(chars[j]) || chars[j] == ' ') {
            if is_mark(chars[j]) {
                end = j + 1;
            }
            j += 1;
        }
        let run = &chars[i..end];
        if is_damage_run(run, chars[..i].last().copied(), chars.get(end).copied()) {
            report.remove("damage", run.iter().collect::<String>());
            changed = true;
            // Avoid leaving two spaces where the run stood between spaces.
            if out.ends_with(' ') && chars.get(end) == Some(&' ') {
                end += 1;
            }
        } else {
            out.extend(run);
        }
        i = end;
    }
    changed.then_some(out)
}

fn is_damage_run(run: &[char], before: Option<char>, after: Option<char>) -> bool {
    let marks = run.iter().filter(|&&c| is_mark(c)).count();
    let word_char = |c: Option<char>| c.is_some_and(|c| is_han(c) || c.is_alphanumeric());
    run.contains(&'\u{FFFD}')
        || marks >= 3
        || (marks == 2 && (run.contains(&' ') || (word_char(before) && word_char(after))))
}

// ---------------------------------------------------------------------------------------------
// Mojibake

enum Mojibake {
    No,
    /// The bytes could be recovered: the repaired line.
    Repaired(String),
    /// Clearly mojibake, but the bytes are lost.
    Unreadable,
}

fn mojibake(text: &str, scan: &Scan) -> Mojibake {
    if scan.latin1_leads >= 2 {
        if let Some(verdict) = latin1_mojibake(text) {
            return verdict;
        }
    }
    if scan.rare >= 3 && scan.rare * 4 >= scan.han {
        return gbk_mojibake(text).unwrap_or(Mojibake::No);
    }
    Mojibake::No
}

/// Windows-1252 characters for the bytes 0x80–0x9F (UTF-8 continuation bytes read as cp1252).
const CP1252_HIGH: &str = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";

fn cp1252_byte(c: char) -> Option<u8> {
    let code = c as u32;
    if code < 0x80 || (0xA0..=0xFF).contains(&code) {
        return Some(code as u8);
    }
    let index = CP1252_HIGH.chars().position(|h| h == c)?;
    let bytes: [u8; 27] = [
        0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8E, 0x91, 0x92, 0x93, 0x94, 0x95,
        0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9E, 0x9F,
    ];
    bytes.get(index).copied()
}

/// A UTF-8 lead byte read as Latin-1 (Ã, ä, å, æ, ç, è, é …) followed by a continuation byte
/// read as Latin-1 or cp1252 (©, ¨, ¤, €, ” …).
fn latin1_mojibake(text: &str) -> Option<Mojibake> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let is_lead = |c: char| ('\u{C2}'..='\u{EF}').contains(&c);
    let is_cont = |c: char| ('\u{A0}'..='\u{BF}').contains(&c) || CP1252_HIGH.contains(c);
    let pairs = chars.windows(2).filter(|w| is_lead(w[0]) && is_cont(w[1])).count();
    if pairs < 2 {
        return None;
    }
    let latin = chars
        .iter()
        .filter(|&&c| ('\u{80}'..='\u{FF}').contains(&c) || CP1252_HIGH.contains(c))
        .count();
    // Try to recover the bytes first: a valid UTF-8 result is proof.
    let bytes: Option<Vec<u8>> = text.chars().map(cp1252_byte).collect();
    if let Some(bytes) = bytes {
        if let Ok(repaired) = String::from_utf8(bytes) {
            if repaired != text && repaired.chars().any(|c| c as u32 > 0xFF) {
                return Some(Mojibake::Repaired(repaired));
            }
        }
    }
    // Unrecoverable (a byte was lost): remove only when the pairs dominate the line.
    (latin * 10 >= chars.len() * 3).then_some(Mojibake::Unreadable)
}

/// Han characters that UTF-8 bytes decoded as GBK typically produce: the GBK pairs of a
/// UTF-8 lead byte of a Chinese character (0xE4–0xE9) and a continuation byte (0x80–0xBF).
/// They are rare in real text of either script (0.4% of the Traditional seeds' characters,
/// against 40% of a mojibake line's).
fn gbk_rare() -> &'static CharSet {
    static RARE: OnceLock<CharSet> = OnceLock::new();
    RARE.get_or_init(|| {
        let mut chars = String::new();
        for lead in 0xE4u8..=0xE9 {
            for trail in 0x80u8..=0xBF {
                let pair = [lead, trail];
                let (decoded, _, malformed) = encoding_rs::GBK.decode(&pair);
                if !malformed {
                    chars.push_str(&decoded);
                }
            }
        }
        CharSet::from_data(&chars)
    })
}

fn gbk_mojibake(text: &str) -> Option<Mojibake> {
    let bytes = gbk_bytes(text)?;
    let (decoded, malformed) = encoding_rs::UTF_8.decode_without_bom_handling(&bytes);
    let decoded_han = decoded.chars().filter(|&c| is_han(c)).count();
    if decoded_han < 2 {
        return None;
    }
    if !malformed {
        return Some(Mojibake::Repaired(decoded.into_owned()));
    }
    let broken = decoded.chars().filter(|&c| c == '\u{FFFD}').count();
    (broken * 8 <= decoded.chars().count()).then_some(Mojibake::Unreadable)
}

/// The GBK bytes of `text`, with 0xFF (never valid in UTF-8) where a replacement character
/// stands; `None` when a character has no GBK form (then the text was never GBK).
fn gbk_bytes(text: &str) -> Option<Vec<u8>> {
    let mut encoder = encoding_rs::GBK.new_encoder();
    let mut out = Vec::with_capacity(text.len());
    let mut buffer = vec![
        0u8;
        encoder
            .max_buffer_length_from_utf8_without_replacement(text.len())?
            .max(16)
    ];
    let mut rest = text;
    loop {
        let (result, read, written) = encoder.encode_from_utf8_without_replacement(rest, &mut buffer, true);
        out.extend_from_slice(&buffer[..written]);
        rest = &rest[read..];
        match result {
            encoding_rs::EncoderResult::InputEmpty => return Some(out),
            encoding_rs::EncoderResult::OutputFull => {}
            encoding_rs::EncoderResult::Unmappable('\u{FFFD}') => out.push(0xFF),
            encoding_rs::EncoderResult::Unmappable(_) => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> Page {
        Page::from_text("t.txt", text)
    }

    fn repaired(text: &str) -> (Vec<String>, Vec<(String, String)>) {
        let mut p = page(text);
        repair(&mut p);
        (
            p.lines.into_iter().map(|l| l.text).collect(),
            p.report.removed.into_iter().map(|r| (r.kind, r.text)).collect(),
        )
    }

    #[test]
    fn tone_marked_and_reading_glosses_are_removed() {
        let (lines, removed) = repaired("全省职工(zhígōng)积极参与,扶植(fú zhí)工作,建設(shè)阵地");
        assert_eq!(lines, ["全省职工积极参与,扶植工作,建設阵地"]);
        assert_eq!(
            removed,
            [
                ("gloss".to_string(), "(zhígōng)".to_string()),
                ("gloss".to_string(), "(fú zhí)".to_string()),
                ("gloss".to_string(), "(shè)".to_string())
            ]
        );
    }

    #[test]
    fn plain_glosses_need_matching_readings() {
        let (lines, _) = repaired("工会（gonghui）组织和设(she)备");
        assert_eq!(lines, ["工会组织和设备"]);
        // "an" is a syllable but not the reading of 能.
        let (lines, removed) = repaired("人工智能(AI)与5G网络(5G),技能(an)");
        assert_eq!(lines, ["人工智能(AI)与5G网络(5G),技能(an)"]);
        assert!(removed.is_empty());
    }

    #[test]
    fn real_parentheses_stay() {
        for text in [
            "领讲员周鸯鸯(左一)为大家宣讲。",
            "浙江瑞成材料股份有限公司(简称“瑞成公司”)的包装生产流水线旁",
            "乡镇(街道)工会建设",
            "人工智能(AI)技术和(GDP)增长",
            "湖南工人报全媒体记者(Luo)",
            "华为(Huawei)公司和北京(Beijing)",
        ] {
            let (lines, removed) = repaired(text);
            assert_eq!(lines, [text]);
            assert!(removed.is_empty(), "{text}: {removed:?}");
        }
    }

    #[test]
    fn replacement_mark_runs_are_removed_but_questions_stay() {
        let (lines, removed) = repaired("职工? ? ?活动\n浙江？？？省\n这是什么?\n工会�组织\n真的吗?我们??去");
        assert_eq!(lines, ["职工活动", "浙江省", "这是什么?", "工会组织", "真的吗?我们去"]);
        assert_eq!(removed.len(), 4);
        let (lines, removed) = repaired("是这样吗??");
        assert_eq!(lines, ["是这样吗??"]);
        assert!(removed.is_empty());
    }

    #[test]
    fn damage_markers_are_removed() {
        let (lines, removed) = repaired("锟斤拷锟斤拷职工之家");
        assert_eq!(lines, ["职工之家"]);
        assert_eq!(removed[0].0, "damage");
    }

    #[test]
    fn latin1_mojibake_is_repaired_when_bytes_survive() {
        // "职工之家" as UTF-8 bytes read as Windows-1252.
        let garbled: String = "工会组织开展活动".bytes().map(cp1252_char).collect();
        let (lines, removed) = repaired(&garbled);
        assert_eq!(lines, ["工会组织开展活动"]);
        assert_eq!(removed, [("mojibake".to_string(), garbled)]);
    }

    fn cp1252_char(b: u8) -> char {
        let byte = [b];
        let (s, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
        s.chars().next().unwrap()
    }

    #[test]
    fn unrecoverable_latin1_mojibake_line_is_removed() {
        // Bytes lost (the C1 controls were stripped by the line model).
        let (lines, removed) = repaired("ç¨æ· å·¥ä¼ æ´»å¨\n正文。");
        assert_eq!(lines, ["正文。"]);
        assert_eq!(removed[0].0, "mojibake");
    }

    #[test]
    fn gbk_mojibake_is_repaired() {
        let bytes = "全省职工积极参与工会活动".as_bytes();
        let (garbled, _, _) = encoding_rs::GBK.decode(bytes);
        let garbled = garbled.into_owned();
        let (lines, removed) = repaired(&garbled);
        assert_eq!(lines, ["全省职工积极参与工会活动"], "{garbled}");
        assert_eq!(removed[0].0, "mojibake");
    }

    #[test]
    fn traditional_and_french_text_are_not_mojibake() {
        for text in [
            "湖南省總工會推動縣級工會加強年專項工作走深走實",
            "Café à la française, été",
            "埭溪镇总工会给出的答案",
        ] {
            let (lines, removed) = repaired(text);
            assert_eq!(lines, [text]);
            assert!(removed.is_empty(), "{text}");
        }
    }
}
