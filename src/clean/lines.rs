//! Line model. Repairs invisible damage every scraped page carries: carriage returns,
//! non-breaking and ideographic spaces, zero-width characters, runs of blank lines and
//! indentation, so that later steps see one trimmed line per paragraph or heading; and the
//! small-form punctuation of Big5 pages (﹔ ﹐ ﹖), set as the standard full-width marks.

use crate::model::CleaningReport;

/// One non-empty line of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// 1-based line number in the source file (for reports and errors).
    pub no: usize,
    /// True when one or more blank lines preceded this line in the source.
    pub blank_before: bool,
}

impl Line {
    pub fn new(text: impl Into<String>, no: usize) -> Line {
        Line {
            text: text.into(),
            no,
            blank_before: false,
        }
    }

    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Characters that render as nothing and only get in the way of matching.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{202A}'..='\u{202E}'
    ) || (c.is_control() && c != '\t')
}

/// Normalise one line: drop invisible characters, turn exotic spaces into plain spaces,
/// collapse runs of spaces and trim.
pub fn normalise_line(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        if is_invisible(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(standard_form(c));
    }
    out
}

/// The standard full-width mark for a small form variant (U+FE50–FE5E), which Big5 text
/// uses and the punctuation rules do not know; any other character as it is.
fn standard_form(c: char) -> char {
    match c {
        '﹐' => '，',
        '﹑' => '、',
        '﹔' => '；',
        '﹕' => '：',
        '﹖' => '？',
        '﹗' => '！',
        '﹙' => '（',
        '﹚' => '）',
        '﹝' => '〔',
        '﹞' => '〕',
        _ => c,
    }
}

/// Split text into trimmed, non-empty lines, remembering where blank lines were.
pub fn split_lines(text: &str, first_line_no: usize) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut blank = false;
    for (i, raw) in text.split('\n').enumerate() {
        let text = normalise_line(raw);
        if text.is_empty() {
            blank = true;
            continue;
        }
        lines.push(Line {
            text,
            no: first_line_no + i,
            blank_before: blank,
        });
        blank = false;
    }
    lines
}

/// True for CJK ideographs (the unified block and its extensions).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FA1F}')
}

/// Number of Han characters in a string.
pub fn han_count(s: &str) -> usize {
    s.chars().filter(|&c| is_han(c)).count()
}

/// Sentence-final punctuation (full-width and ASCII) and closing quotes/brackets that may
/// follow it.
pub fn ends_sentence(s: &str) -> bool {
    let trimmed = s.trim_end_matches(['”', '’', '」', '』', '）', ')', '"', '\'', '》']);
    trimmed.ends_with(['。', '！', '？', '!', '?', '…', '；', ';']) || trimmed.ends_with("......")
}

/// The line without the spans `span_at` finds (it returns where a span starting at a
/// character ends), each recorded as a removal of `kind`; None when there is none.
pub fn remove_spans(
    text: &str,
    kind: &str,
    report: &mut CleaningReport,
    span_at: impl Fn(&[char], usize) -> Option<usize>,
) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = span_at(&chars, i) {
            report.remove(kind, chars[i..end].iter().collect::<String>());
            changed = true;
            i = end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_spaces_and_invisibles() {
        assert_eq!(
            normalise_line("\u{3000}\u{3000}来\u{00A0}源:\u{200B}云岭职工  "),
            "来 源:云岭职工"
        );
        assert_eq!(normalise_line(" \t "), "");
        assert_eq!(normalise_line("會員﹔職工﹙含退休﹚"), "會員；職工（含退休）");
    }

    #[test]
    fn splits_and_remembers_blanks() {
        let lines = split_lines("标题\n\n\n正文一。\n正文二。\n", 1);
        assert_eq!(lines.len(), 3);
        assert_eq!((lines[0].no, lines[0].blank_before), (1, false));
        assert_eq!((lines[1].no, lines[1].blank_before), (4, true));
        assert_eq!((lines[2].no, lines[2].blank_before), (5, false));
    }

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("他说。”"));
        assert!(ends_sentence("还有职工脱口秀……"));
        assert!(!ends_sentence("去年“双11”旺季期间,嘉"));
        assert!(!ends_sentence("主打一个字,“鲜”"));
    }
}
