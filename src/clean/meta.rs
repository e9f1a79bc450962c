//! Bylines, datelines and photo credits: who wrote an article, as newsrooms print it.
//!
//! - bylines: `工人日报-中工网记者 邹倜然 通讯员 胡慧霞`, `文/张三`, `本报记者 李四 王五`
//!   (the outlet before the role is dropped; editors are never authors);
//! - datelines opening the first paragraph: `本报讯 记者李凡 通讯员徐冬云、姚磊报道 近日，…`,
//!   `通讯员蒋或森报道 去年以来，…`, `本报讯（记者 张三）…` (the body after them is kept);
//! - closing bylines in brackets: `（王钰哲）`, `（湖南工人报全媒体记者 罗晓芳）`;
//! - photo credits: `记者邹伟锋 摄`, `通讯员杜斌斌 摄` (they stay in the body; the
//!   photographer is an author only when nobody else is named).
//!
//! Names are accepted on evidence: 2–4 Han characters starting with a known surname
//! (`data/surnames.txt`), after a role word (`data/bylines.txt`) or in a closing bracket.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::lines::is_han;
use super::shape::chars;

/// Byline vocabulary compiled in from `data/bylines.txt` and `data/surnames.txt`.
struct Vocab {
    /// Role words, longest first.
    roles: Vec<String>,
    /// First characters of the role and editor-role words (a quick test before matching).
    role_starts: HashSet<char>,
    editor_roles: Vec<String>,
    report: Vec<String>,
    credit: Vec<String>,
    wire: Vec<String>,
    outlet_ends: Vec<String>,
    not_names: HashSet<String>,
    surnames: HashSet<char>,
    compound_surnames: HashSet<String>,
}

fn data_entries(text: &str) -> impl Iterator<Item = (&str, &str)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once(char::is_whitespace))
        .map(|(k, v)| (k, v.trim()))
}

fn longest_first(mut words: Vec<String>) -> Vec<String> {
    words.sort_by(|a, b| chars(b).cmp(&chars(a)).then_with(|| a.cmp(b)));
    words.dedup();
    words
}

static VOCAB: LazyLock<Vocab> = LazyLock::new(|| {
    let bylines = include_str!("../../data/bylines.txt");
    let of = |cat: &str| -> Vec<String> {
        data_entries(bylines)
            .filter(|(k, _)| *k == cat)
            .map(|(_, v)| v.to_string())
            .collect()
    };
    let mut surnames = HashSet::new();
    let mut compound_surnames = HashSet::new();
    for line in include_str!("../../data/surnames.txt").lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        for word in line.split_whitespace() {
            let mut cs = word.chars();
            match (cs.next(), cs.next()) {
                (Some(c), None) => {
                    surnames.insert(c);
                }
                (Some(_), Some(_)) => {
                    compound_surnames.insert(word.to_string());
                }
                _ => {}
            }
        }
    }
    let roles = longest_first(of("role"));
    let editor_roles = longest_first(of("editor-role"));
    let role_starts = roles
        .iter()
        .chain(&editor_roles)
        .filter_map(|r| r.chars().next())
        .collect();
    Vocab {
        roles,
        role_starts,
        editor_roles,
        report: longest_first(of("report")),
        credit: longest_first(of("credit")),
        wire: of("wire"),
        outlet_ends: of("outlet-end"),
        not_names: of("not-name").into_iter().collect(),
        surnames,
        compound_surnames,
    }
});

/// True for a plausible personal name: 2–4 Han characters (a compound surname allows 5)
/// starting with a known surname, or a transcribed minority name with a middle dot.
pub fn is_name(s: &str) -> bool {
    let v = &*VOCAB;
    if v.not_names.contains(s) || is_role_word(s) {
        return false;
    }
    if s.contains(['·', '•']) {
        let n = chars(s);
        return (3..=12).contains(&n) && s.chars().all(|c| is_han(c) || c == '·' || c == '•');
    }
    let n = chars(s);
    if !(2..=5).contains(&n) || !s.chars().all(is_han) {
        return false;
    }
    let compound = s.chars().take(2).collect::<String>();
    if n >= 3 && v.compound_surnames.contains(&compound) {
        return true;
    }
    n <= 4 && s.chars().next().is_some_and(|c| v.surnames.contains(&c))
}

/// A name read inside a dateline frame (a role before it, 报道 after it): the frame is the
/// evidence, so a surname missing from the list is forgiven; the shape still counts.
fn is_framed_name(s: &str) -> bool {
    is_name(s) || ((2..=3).contains(&chars(s)) && s.chars().all(is_han) && !VOCAB.not_names.contains(s))
}

/// Split a list of names printed as `徐冬云、姚磊`, `郑涛 魏星`, `张三，李四`, `甲和乙`.
/// None unless every item is a name.
pub fn split_names(s: &str) -> Option<Vec<String>> {
    split_names_with(s, is_name)
}

fn split_names_with(s: &str, is_name: fn(&str) -> bool) -> Option<Vec<String>> {
    let items: Vec<&str> = s
        .split(|c: char| {
            matches!(c, '、' | '，' | ',' | ' ' | '/' | '／' | '；' | ';' | '丨' | '|' | '｜') || c.is_whitespace()
        })
        .flat_map(|item| {
            // "甲和乙": split on 和/及 only when both sides are names.
            for sep in ['和', '及', '与'] {
                if let Some((a, b)) = item.split_once(sep) {
                    if is_name(a) && is_name(b) {
                        return vec![a, b];
                    }
                }
            }
            vec![item]
        })
        .filter(|s| !s.is_empty())
        .collect();
    let names = join_spaced_names(&items, is_name);
    if names.is_empty() || !names.iter().all(|i| is_name(i)) {
        return None;
    }
    Some(names)
}

/// Items with two-character names put back together where typesetting spaced them out to
/// the width of a three-character one (`王 明 李文静`): two single Han characters in a row
/// that form a name are one name.
fn join_spaced_names(items: &[&str], is_name: fn(&str) -> bool) -> Vec<String> {
    let single_han = |s: &str| s.chars().count() == 1 && s.chars().all(is_han);
    let mut names = Vec::with_capacity(items.len());
    let mut k = 0;
    while k < items.len() {
        if let Some(next) = items.get(k + 1) {
            let joined = format!("{}{}", items[k], next);
            if single_han(items[k]) && single_han(next) && is_name(&joined) {
                names.push(joined);
                k += 2;
                continue;
            }
        }
        names.push(items[k].to_string());
        k += 1;
    }
    names
}

/// Most names a line of bare names under a headline holds (an author line of a paper).
const MAX_PADDED_NAMES: usize = 4;

/// A line of nothing but personal names, at least one of them a two-character name spaced
/// out to the width of three (`徐 良`, `徐 良  王文静`): how papers and journals set the
/// author line under the title. The padding is the evidence: a bare name unspaced
/// (`王进喜`) may be a profile's title, a padded one never is. None for anything else.
pub fn padded_name_line(text: &str) -> Option<Vec<String>> {
    let items: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '，' | ',' | '、'))
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() < 2 || items.len() > 2 * MAX_PADDED_NAMES {
        return None;
    }
    let names = join_spaced_names(&items, is_name);
    let padded = names.len() < items.len();
    (padded && names.len() <= MAX_PADDED_NAMES && names.iter().all(|n| is_name(n))).then_some(names)
}

/// A line of two to four personal names and nothing else (`柳姗姗 彭冰`, `张三、李四`): under a
/// headline, the authors; a headline or a subtitle is never a bare list of names. None for
/// anything else, and for one name alone (a profile may be titled by its subject's name).
pub fn name_list_line(text: &str) -> Option<Vec<String>> {
    let items: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '、')
        .filter(|s| !s.is_empty())
        .collect();
    ((2..=MAX_PADDED_NAMES).contains(&items.len()) && items.iter().all(|i| is_name(i)))
        .then(|| items.iter().map(|i| i.to_string()).collect())
}

/// A paper's affiliation line under its author line: in brackets, with a six-digit postal
/// code (`（山西省总工会干部学校，山西 太原 030006）`).
pub fn is_affiliation_line(text: &str) -> bool {
    let inner = text.strip_prefix(['（', '(']).and_then(|t| t.strip_suffix(['）', ')']));
    inner.is_some_and(|inner| inner.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() == 6))
}

/// A role word at the start of `s`: (role, is_editor, byte length).
fn role_at(s: &str) -> Option<(&'static str, bool, usize)> {
    let v = &*VOCAB;
    if !s.chars().next().is_some_and(|c| v.role_starts.contains(&c)) {
        return None;
    }
    let found = v
        .editor_roles
        .iter()
        .map(|r| (r, true))
        .chain(v.roles.iter().map(|r| (r, false)))
        .filter(|(r, _)| s.starts_with(r.as_str()))
        .max_by_key(|(r, _)| r.len())?;
    let (role, editor) = found;
    let rest = &s[role.len()..];
    // A one-character role (文, 图) must be followed by a separator, or 文静 would read as
    // the role 文 before the name 静.
    if chars(role) == 1 && !rest.starts_with([' ', '/', '／', '：', ':', '|', '｜', '丨']) {
        return None;
    }
    Some((role.as_str(), editor, role.len()))
}

/// A role word and nothing else (通讯员, 记者): never a name, whatever its first character.
fn is_role_word(s: &str) -> bool {
    role_at(s).is_some_and(|(_, _, len)| len == s.len())
}

/// Text before the first role in a byline: nothing, or an outlet (工人日报-中工网,
/// 湖南工人报, 本报) of at most 20 characters.
fn is_outlet_prefix(s: &str) -> bool {
    let t = s.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '—' | '－' | '|' | '｜' | '■' | '□' | '●'));
    t.is_empty()
        || (chars(t) <= 20
            && !t.contains(['。', '，', ',', '！', '？'])
            && VOCAB.outlet_ends.iter().any(|e| t.ends_with(e.as_str())))
}

/// Authors of a byline such as `工人日报-中工网记者 邹倜然 通讯员 胡慧霞` or
/// `记者李凡 通讯员徐冬云、姚磊`. At least one role must be printed; names after an editor
/// role are read (so the line is recognised) but not returned.
pub fn parse_byline(text: &str) -> Option<Vec<String>> {
    parse_byline_with(text, is_name)
}

/// A byline inside a dateline frame (`记者X报道`, `本报讯（记者 X）`): names need not start
/// with a listed surname.
fn parse_framed_byline(text: &str) -> Option<Vec<String>> {
    parse_byline_with(text, is_framed_name)
}

fn parse_byline_with(text: &str, is_name: fn(&str) -> bool) -> Option<Vec<String>> {
    let s = strip_brackets(text.trim());
    let s = strip_suffix_word(s, &VOCAB.report).trim_end_matches([' ', '：', ':']);
    if s.is_empty() || chars(s) > 60 {
        return None;
    }
    // Role positions. A one-character role (文, 图) must not follow a Han character, or
    // 王文/ would read as the name 王 and the role 文.
    let mut roles: Vec<(usize, usize, bool)> = Vec::new(); // (start, end, editor)
    let mut i = 0;
    while i < s.len() {
        if let Some((role, editor, len)) = role_at(&s[i..]) {
            let prev = s[..i].chars().next_back();
            if chars(role) > 1 || prev.is_none_or(|c| !is_han(c)) {
                roles.push((i, i + len, editor));
                i += len;
                continue;
            }
        }
        i += s[i..].chars().next().map_or(1, char::len_utf8);
    }
    let first = roles.first()?;
    let prefix = &s[..first.0];
    // Names before the first role are the reporters, their role left out as a closing
    // byline prints it (`（吴桧 通讯员 刘晨）`).
    let mut authors: Vec<String> = if is_outlet_prefix(prefix) {
        Vec::new()
    } else {
        split_names_with(prefix.trim(), is_name)?
    };
    for (k, &(_, end, editor)) in roles.iter().enumerate() {
        let until = roles.get(k + 1).map_or(s.len(), |r| r.0);
        let names_text = s[end..until]
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '：' | ':' | '/' | '／' | '|' | '｜' | '丨'));
        if names_text.is_empty() {
            continue;
        }
        let names = split_names_with(names_text, is_name)?;
        if !editor {
            for n in names {
                if !authors.contains(&n) {
                    authors.push(n);
                }
            }
        }
    }
    if authors.is_empty() && roles.iter().all(|r| r.2) {
        // Only editors: a byline, but no authors. Still "recognised".
        return Some(Vec::new());
    }
    Some(authors)
}

fn strip_brackets(s: &str) -> &str {
    for (open, close) in [('（', '）'), ('(', ')'), ('【', '】'), ('[', ']')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            if !inner.contains([open, close]) {
                return inner.trim();
            }
        }
    }
    s
}

fn strip_suffix_word<'a>(s: &'a str, words: &[String]) -> &'a str {
    let t = s.trim_end();
    for w in words {
        if let Some(rest) = t.strip_suffix(w.as_str()) {
            return rest.trim_end();
        }
    }
    t
}

/// A dateline opening a paragraph: the authors it names, the text it occupies (to be
/// removed) and where the body starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Dateline {
    pub authors: Vec<String>,
    /// Byte length of the dateline prefix (the body starts there).
    pub len: usize,
}

/// Wire opener at the start: 本报讯, 本报5月1日讯, 中工网讯, 新华社北京5月1日电.
fn wire_prefix(s: &str) -> Option<usize> {
    for (i, c) in s.char_indices().take(16) {
        let mark = VOCAB.wire.iter().any(|w| w.starts_with(c)) || c == '电' || c == '電';
        if mark && i > 0 {
            let head = &s[..i];
            let ok = head.starts_with("本报")
                || head.starts_with("本報")
                || VOCAB.outlet_ends.iter().any(|e| {
                    head.trim_end_matches(|c: char| c.is_ascii_digit() || "月日年".contains(c))
                        .contains(e.as_str())
                });
            let next = s[i + c.len_utf8()..].chars().next();
            let boundary = next.is_none_or(|n| {
                n == ' ' || n == '（' || n == '(' || n == '：' || n == ':' || role_at(&s[i + c.len_utf8()..]).is_some()
            });
            if ok && boundary && !head.contains(['，', '。', ',']) {
                return Some(i + c.len_utf8());
            }
        }
    }
    None
}

/// Read a dateline at the start of a paragraph (`本报讯 记者李凡 通讯员徐冬云、姚磊报道 近日，…`).
pub fn parse_dateline(text: &str) -> Option<Dateline> {
    let wire = wire_prefix(text);
    let mut at = wire.unwrap_or(0);
    at += text[at..].len() - text[at..].trim_start().len();
    let rest = &text[at..];
    // Bracketed byline: 本报讯（记者 张三 通讯员 李四）
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner_start) = rest.strip_prefix(open) {
            if let Some(end) = inner_start.find(close) {
                let inner = &inner_start[..end];
                let framed = if wire.is_some() {
                    parse_framed_byline(inner)
                } else {
                    parse_byline(inner)
                };
                if let Some(authors) = framed {
                    let mut len = at + open.len_utf8() + end + close.len_utf8();
                    len += skip_dateline_gap(&text[len..]);
                    return Some(Dateline { authors, len });
                }
            }
        }
    }
    // Byline closed by a report verb: 记者李凡 通讯员徐冬云、姚磊报道
    let window: String = rest.chars().take(48).collect();
    for verb in &VOCAB.report {
        if let Some(pos) = window.find(verb.as_str()) {
            let byline = &rest[..pos];
            // After a wire opener, names with a known surname and nothing else before the
            // verb (`本报讯 徐金星报道`); without one a role must be printed.
            let bare_names = || {
                let names = byline.trim();
                let only_names = !names.contains(['，', ',', '。', '：', ':']);
                wire.filter(|_| only_names).and_then(|_| split_names(names))
            };
            if let Some(authors) = parse_framed_byline(byline).or_else(bare_names) {
                if authors.is_empty() {
                    continue;
                }
                let mut len = at + pos + verb.len();
                len += skip_dateline_gap(&text[len..]);
                return Some(Dateline { authors, len });
            }
        }
    }
    // A wire opener alone: 本报讯 近日，…
    wire.map(|w| Dateline {
        authors: Vec::new(),
        len: w + skip_dateline_gap(&text[w..]),
    })
}

fn skip_dateline_gap(s: &str) -> usize {
    s.len() - s.trim_start_matches([' ', '：', ':', '　']).len()
}

/// A photo credit line: `记者邹伟锋 摄`, `通讯员杜斌斌 摄`, `张三/摄`, `摄影：张三`, `张三 供图`.
/// Returns the photographers.
pub fn parse_credit(text: &str) -> Option<Vec<String>> {
    let s = strip_brackets(text.trim());
    if chars(s) > 40 {
        return None;
    }
    let v = &*VOCAB;
    // Name(s) then the verb.
    for verb in &v.credit {
        if let Some(before) = s.strip_suffix(verb.as_str()) {
            let before = before.trim_end_matches([' ', '/', '／', '：', ':']);
            if before.is_empty() {
                continue;
            }
            if let Some(names) = parse_byline(before).filter(|n| !n.is_empty()) {
                return Some(names);
            }
            if let Some(names) = split_names(before) {
                return Some(names);
            }
            // A picture supplied by a body or a place, not a person (`西海岸新区总工会供图`,
            // `/ 德庆 供图`): a credit without a photographer.
            if is_supplied_picture(before, verb) {
                return Some(Vec::new());
            }
        }
    }
    // The verb as a label: 摄影：张三, 图/张三.
    for label in ["摄影", "攝影", "图", "圖"] {
        if let Some(rest) = s.strip_prefix(label) {
            if let Some(rest) = rest.strip_prefix([' ', '/', '／', '：', ':']) {
                if let Some(names) = split_names(rest.trim()) {
                    return Some(names);
                }
            }
        }
    }
    None
}

/// Longest name of a body or a place credited with a picture.
const MAX_SUPPLIER_CHARS: usize = 16;

/// `供图` (supplied the picture) after a short name of Han characters: the supplier is a
/// union, a company or a place rather than a photographer, and the line is still a credit.
fn is_supplied_picture(before: &str, verb: &str) -> bool {
    let supplier = before.trim_start_matches([' ', '/', '／', '（', '(']).trim();
    matches!(verb, "供图" | "供圖")
        && (2..=MAX_SUPPLIER_CHARS).contains(&chars(supplier))
        && supplier.chars().all(|c| is_han(c) || c == ' ')
}

/// A photo credit closing a caption, after its last sentence: `…表彰大会在市民中心召开。王明 摄`.
/// Returns the photographers.
pub fn trailing_credit(text: &str) -> Option<Vec<String>> {
    let t = text.trim_end();
    let (at, mark) = t
        .char_indices()
        .rev()
        .find(|&(_, c)| matches!(c, '。' | '！' | '？' | '!' | '?'))?;
    let credit = &t[at + mark.len_utf8()..];
    if credit.trim().is_empty() || t[..at].trim().is_empty() {
        return None;
    }
    parse_credit(credit)
}

/// A byline closing an article, printed in brackets: `（王钰哲）`,
/// `（湖南工人报全媒体记者 罗晓芳）`, `（记者 张三 通讯员 李四）`.
pub fn parse_closing_byline(text: &str) -> Option<Vec<String>> {
    let s = text.trim();
    let inner = strip_brackets(s);
    if inner.len() == s.len() || inner.is_empty() {
        return None;
    }
    if let Some(authors) = parse_byline(inner).filter(|a| !a.is_empty()) {
        return Some(authors);
    }
    // The contributor's union before the names (`（澄江市总工会 李倩）`).
    let names = match inner.split_once(' ') {
        Some((body, names)) if is_union_body(body) => names,
        _ => inner,
    };
    split_names(names).filter(|n| n.len() <= 4)
}

/// A union named as a contributor's affiliation: a short name ending in 工会 (澄江市总工会,
/// 某某公司工会).
fn is_union_body(s: &str) -> bool {
    (3..=20).contains(&chars(s)) && (s.ends_with("工会") || s.ends_with("工會")) && s.chars().all(is_han)
}

/// A closing byline at the very end of a paragraph: `…提供人才支撑。（记者 张三）`.
/// Returns the authors and the byte position where the bracket starts.
pub fn trailing_byline(text: &str) -> Option<(Vec<String>, usize)> {
    let t = text.trim_end();
    let close = t.chars().next_back()?;
    let open = match close {
        '）' => '（',
        ')' => '(',
        _ => return None,
    };
    let start = t.rfind(open)?;
    let before = t[..start].trim_end();
    if before.is_empty() || !super::lines::ends_sentence(before) {
        return None;
    }
    let authors = parse_closing_byline(&t[start..])?;
    Some((authors, start))
}

/// A line that is a byline and nothing else (top or bottom of an article).
pub fn parse_byline_line(text: &str) -> Option<Vec<String>> {
    if chars(text) > 50 || text.contains(['。', '！', '？']) {
        return None;
    }
    if let Some(authors) = parse_byline(text) {
        return Some(authors);
    }
    parse_closing_byline(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(names: &[&str]) -> Option<Vec<String>> {
        Some(names.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn padded_names_set_apart_by_commas() {
        assert_eq!(padded_name_line("杨 健，王 彤"), v(&["杨健", "王彤"]));
    }

    #[test]
    fn padded_two_character_names_make_an_author_line() {
        assert_eq!(padded_name_line("徐 良"), v(&["徐良"]));
        assert_eq!(padded_name_line("徐　良　 王文静"), v(&["徐良", "王文静"]));
        // Unpadded names, words that are not names, a name with a sentence: not author lines.
        assert_eq!(padded_name_line("王进喜"), None);
        assert_eq!(padded_name_line("王文静 李明辉"), None);
        assert_eq!(padded_name_line("工 会"), None);
        assert_eq!(padded_name_line("徐 良 说"), None);
        assert_eq!(padded_name_line("徐 良 同志的事迹"), None);
    }

    #[test]
    fn lines_of_several_names() {
        assert_eq!(name_list_line("柳姗姗 彭冰"), v(&["柳姗姗", "彭冰"]));
        assert_eq!(name_list_line("张三、李四、王五"), v(&["张三", "李四", "王五"]));
        assert_eq!(name_list_line("王进喜"), None);
        assert_eq!(name_list_line("工匠 精神"), None);
    }

    #[test]
    fn affiliation_lines_are_bracketed_with_a_postal_code() {
        assert!(is_affiliation_line("（山西省总工会干部学校，山西 太原 030006）"));
        assert!(is_affiliation_line("(中国劳动关系学院, 北京 100048)"));
        assert!(!is_affiliation_line("（山西省总工会干部学校）"));
        assert!(!is_affiliation_line("（2024年3月6日 0300061）"));
        assert!(!is_affiliation_line("山西 太原 030006"));
    }

    #[test]
    fn names_need_a_surname() {
        assert!(is_name("王钰哲"));
        assert!(is_name("欧阳娜娜"));
        assert!(is_name("荣荣江"));
        assert!(!is_name("见面会"));
        assert!(!is_name("完"));
        assert!(!is_name("待续"));
        assert!(!is_name("张"));
        assert!(!is_name("张三四五六"));
        assert!(!is_name("通讯员"));
        assert!(!is_name("记者"));
    }

    #[test]
    fn bylines_with_outlets_and_several_roles() {
        assert_eq!(
            parse_byline("工人日报-中工网记者 邹倜然 通讯员 胡慧霞"),
            v(&["邹倜然", "胡慧霞"])
        );
        assert_eq!(
            parse_byline("记者李凡 通讯员徐冬云、姚磊"),
            v(&["李凡", "徐冬云", "姚磊"])
        );
        assert_eq!(parse_byline("湖南工人报全媒体记者 罗晓芳"), v(&["罗晓芳"]));
        assert_eq!(parse_byline("文/张三"), v(&["张三"]));
        assert_eq!(parse_byline("本报记者 张三 李四"), v(&["张三", "李四"]));
        assert_eq!(parse_byline("记者 文静"), v(&["文静"]));
        assert_eq!(parse_byline("新华社记者樊曦"), v(&["樊曦"]));
        // The reporter's role left out before the first printed one.
        assert_eq!(parse_byline("吴桧 通讯员 刘晨"), v(&["吴桧", "刘晨"]));
        assert_eq!(parse_closing_byline("（吴桧 通讯员 刘晨）"), v(&["吴桧", "刘晨"]));
        assert_eq!(parse_closing_byline("（澄江市总工会 李倩）"), v(&["李倩"]));
        assert_eq!(parse_closing_byline("（芦冬伟）"), v(&["芦冬伟"]));
        assert_eq!(parse_closing_byline("（澄江市总工会 活动现场）"), None);
        assert_eq!(
            parse_byline("工人日報-中工網記者 鄒倜然 通信員 胡慧霞"),
            v(&["鄒倜然", "胡慧霞"])
        );
    }

    #[test]
    fn editors_are_not_authors() {
        assert_eq!(parse_byline("记者 张三 编辑 李四"), v(&["张三"]));
    }

    #[test]
    fn sentences_are_not_bylines() {
        assert_eq!(parse_byline("市总工会召开记者见面会"), None);
        assert_eq!(parse_byline("我们采访了记者张三和李四。"), None);
        assert_eq!(
            parse_byline_line("记者了解到，为进一步推动基层工会服务阵地建设。"),
            None
        );
    }

    #[test]
    fn datelines() {
        let s = "本报讯 记者李凡 通讯员徐冬云、姚磊报道 近日，衢州市总工会组织开展了活动。";
        let d = parse_dateline(s).unwrap();
        assert_eq!(d.authors, ["李凡", "徐冬云", "姚磊"]);
        assert_eq!(&s[d.len..], "近日，衢州市总工会组织开展了活动。");

        let s = "通讯员蒋或森报道 去年以来，嘉兴秀洲区总工会聚焦主业。";
        let d = parse_dateline(s).unwrap();
        assert_eq!(d.authors, ["蒋或森"]);
        assert_eq!(&s[d.len..], "去年以来，嘉兴秀洲区总工会聚焦主业。");

        let s = "本报讯（记者 张三 通讯员 李四）近日，市总工会召开会议。";
        let d = parse_dateline(s).unwrap();
        assert_eq!(d.authors, ["张三", "李四"]);
        assert_eq!(&s[d.len..], "近日，市总工会召开会议。");

        let s = "记者邹伟锋、金钧胤报道 “走遍千山万水”";
        assert_eq!(parse_dateline(s).unwrap().authors, ["邹伟锋", "金钧胤"]);

        let s = "本报讯 近日，市总工会召开会议。";
        let d = parse_dateline(s).unwrap();
        assert!(d.authors.is_empty());
        assert_eq!(&s[d.len..], "近日，市总工会召开会议。");

        // After a wire opener, names alone before 报道.
        let s = "本报讯 徐金星报道  近日，市总工会为困难职工带去暖意。";
        let d = parse_dateline(s).unwrap();
        assert_eq!(d.authors, ["徐金星"]);
        assert_eq!(&s[d.len..], "近日，市总工会为困难职工带去暖意。");
        // Without one, a name before 报道 is a sentence's subject; after one, a clause.
        assert_eq!(parse_dateline("王明报道了这一消息。"), None);
        let s = "本报讯 近日，央视报道了市总工会的做法。";
        assert_eq!(&s[parse_dateline(s).unwrap().len..], "近日，央视报道了市总工会的做法。");
    }

    #[test]
    fn ordinary_paragraphs_are_not_datelines() {
        assert_eq!(
            parse_dateline("记者了解到，为进一步推动基层工会服务阵地建设，湖南省总工会加大投入。"),
            None
        );
        assert_eq!(
            parse_dateline("近日，建德市举行庆祝“五一”国际劳动节暨劳模事迹报告会。"),
            None
        );
        assert_eq!(parse_dateline("本报记者近日走访了十家企业。"), None);
    }

    #[test]
    fn credits() {
        assert_eq!(parse_credit("记者邹伟锋 摄"), v(&["邹伟锋"]));
        assert_eq!(parse_credit("通讯员杜斌斌 摄"), v(&["杜斌斌"]));
        assert_eq!(parse_credit("张三/摄"), v(&["张三"]));
        assert_eq!(parse_credit("摄影：李四"), v(&["李四"]));
        assert_eq!(parse_credit("近日，瑞成公司包装车间班前会上领讲员为大家宣讲。"), None);
    }

    #[test]
    fn two_character_names_spaced_to_three() {
        assert_eq!(split_names("王 明"), v(&["王明"]));
        assert_eq!(split_names("王 明 李文静"), v(&["王明", "李文静"]));
        assert_eq!(parse_byline("记者 王 明 通讯员 李文静"), v(&["王明", "李文静"]));
        assert_eq!(split_names("王 明 李"), None);
    }

    #[test]
    fn broadcasters_as_outlets() {
        assert_eq!(
            parse_closing_byline("（总台央视记者 张凯 李文静）"),
            v(&["张凯", "李文静"])
        );
        assert_eq!(parse_byline("东方卫视记者 张三"), v(&["张三"]));
    }

    #[test]
    fn credits_closing_a_caption() {
        assert_eq!(trailing_credit("表彰大会在市民中心召开。王明 摄"), v(&["王明"]));
        assert_eq!(trailing_credit("图为活动现场。 记者邹伟锋 摄"), v(&["邹伟锋"]));
        assert_eq!(trailing_credit("王明 摄"), None);
        assert_eq!(trailing_credit("表彰大会在市民中心召开。"), None);
        assert_eq!(trailing_credit("大会召开。会议由张三主持拍摄"), None);
    }

    #[test]
    fn pictures_supplied_by_a_body_or_a_place() {
        assert_eq!(parse_credit("西海岸新区总工会供图"), Some(Vec::new()));
        assert_eq!(parse_credit("/ 德庆 供图"), Some(Vec::new()));
        assert_eq!(
            trailing_credit("职工安全生产知识竞赛现场。西海岸新区总工会供图"),
            Some(Vec::new())
        );
        // Only 供图: 摄 after a word that is not a name is not read as a credit.
        assert_eq!(parse_credit("精彩瞬间抓拍摄"), None);
    }

    #[test]
    fn closing_bylines() {
        assert_eq!(parse_closing_byline("（王钰哲）"), v(&["王钰哲"]));
        assert_eq!(parse_closing_byline("(王钰哲)"), v(&["王钰哲"]));
        assert_eq!(parse_closing_byline("（湖南工人报全媒体记者 罗晓芳）"), v(&["罗晓芳"]));
        assert_eq!(parse_closing_byline("（完）"), None);
        assert_eq!(parse_closing_byline("（资料图）"), None);
        assert_eq!(parse_closing_byline("王钰哲"), None);
        let (authors, at) = trailing_byline("为发展提供支撑。（记者 张三）").unwrap();
        assert_eq!(authors, ["张三"]);
        assert_eq!(at, "为发展提供支撑。".len());
        assert_eq!(trailing_byline("成立了工会（联合会）"), None);
    }

    #[test]
    fn framed_names_forgive_rare_surnames_bare_ones_do_not() {
        let d = parse_dateline("本报讯（记者 仉鹏）近日，市总工会召开会议。").unwrap();
        assert_eq!(d.authors, ["仉鹏"]);
        let d = parse_dateline("记者 仉鹏 报道 近日，市总工会召开会议。").unwrap();
        assert_eq!(d.authors, ["仉鹏"]);
        assert_eq!(parse_byline_line("记者 仉鹏"), None);
        assert_eq!(parse_byline_line("记者手记"), None);
        assert_eq!(parse_byline("文丨张三"), v(&["张三"]));
    }
}
