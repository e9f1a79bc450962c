//! How a line looks: the shared vocabulary of the structural steps (chrome, layout, split,
//! headline). A heading is short and carries no full stop; a body paragraph is long or is
//! made of sentences; separators, enumerated section heads and quoted-only labels have their
//! own shapes. These are observations about typography, not about any one site.

use super::lines::{ends_sentence, is_han};

/// Longest line (in chars) still taken for a headline or a section head.
pub const MAX_HEADING_CHARS: usize = 40;
/// Longest kicker: a kicker leading into the title (ending with ？！……) may run longer,
/// and several kicker lines are published joined on one line.
pub const MAX_KICKER_CHARS: usize = 60;

/// Clause punctuation that may sit inside a sentence (full-width and ASCII).
pub fn is_clause_punct(c: char) -> bool {
    matches!(c, '，' | '、' | '；' | '：' | ',' | ';' | ':')
}

/// Sentence-final punctuation (full-width and ASCII).
pub fn is_final_punct(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?')
}

/// Any punctuation or symbol that is neither a letter, a digit nor a Han character.
pub fn is_punct(c: char) -> bool {
    !(c.is_alphanumeric() || is_han(c) || c.is_whitespace())
}

/// Number of chars of a string.
pub fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A line made only of rule characters: `-`, `——`, `***`, `====`, `·····`.
pub fn is_separator(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_whitespace()
                || matches!(
                    c,
                    '-' | '—'
                        | '–'
                        | '―'
                        | '─'
                        | '━'
                        | '_'
                        | '＿'
                        | '='
                        | '＝'
                        | '*'
                        | '＊'
                        | '~'
                        | '～'
                        | '·'
                        | '•'
                        | '#'
                        | '+'
                        | '|'
                        | '｜'
                        // Arrows pointing at what follows (↓↓↓ above a video or a list).
                        | '↓'
                        | '↑'
                        | '▼'
                        | '▲'
                )
        })
}

/// A full stop (。) anywhere, or a sentence end at the end: headings carry neither.
pub fn has_full_stop(s: &str) -> bool {
    s.contains('。')
}

/// A heading ends with a question, an exclamation or an ellipsis at most (kickers do);
/// it never carries a full stop or ends with a semicolon, and a kicker longer than a
/// headline holds no semicolon (two clauses set so open the text).
pub fn heading_like(s: &str) -> bool {
    let n = chars(s);
    n > 0
        && s.chars().any(|c| is_han(c) || c.is_alphanumeric())
        && (n <= MAX_HEADING_CHARS || (n <= MAX_KICKER_CHARS && ends_lead_in(s) && !s.contains(['；', ';'])))
        && !has_full_stop(s)
        && !s
            .trim_end_matches(['”', '’', '"', '」', '）', ')'])
            .ends_with(['；', ';', '，', ','])
        && !is_separator(s)
}

/// How an interview or a Q&A sets its questions and answers.
const QA_MARKERS: [&str; 10] = ["问：", "问:", "答：", "答:", "Q：", "Q:", "問：", "問:", "A：", "A:"];

/// A question or an answer of an interview (`问：…`, `答：…`): it opens a paragraph of its
/// own, never continues a line nor belongs to a headline.
pub fn opens_with_qa_marker(s: &str) -> bool {
    QA_MARKERS.iter().any(|m| s.starts_with(m))
}

/// Labels of the items of an agenda or a notice (`时间：`, `地点：`, `承办单位：`).
const ITEM_LABELS: [&str; 14] = [
    "时间",
    "地点",
    "日期",
    "主办单位",
    "承办单位",
    "协办单位",
    "参加人员",
    "参会人员",
    "报名方式",
    "联系人",
    "联系电话",
    "時間",
    "地點",
    "聯繫人",
];

/// An item of an agenda or a notice: a label and its colon (`时间：3月6日上午`, `地点：…`).
/// Such a line is part of the text, never a headline.
pub fn is_labelled_item(s: &str) -> bool {
    ITEM_LABELS.iter().any(|l| {
        s.strip_prefix(l)
            .is_some_and(|rest| rest.trim_start().starts_with(['：', ':']))
    })
}

/// A strict heading: heading-like and not ending like a sentence at all.
pub fn plain_heading(s: &str) -> bool {
    heading_like(s) && !ends_sentence(s)
}

/// Ends with a lead-in mark that points to the next line: a question, an exclamation, an
/// ellipsis, a colon or a dash. A headline line that ends like this is a kicker (引题).
pub fn ends_lead_in(s: &str) -> bool {
    let t = s.trim_end_matches(['”', '’', '"', '」', '）', ')']);
    t.ends_with(['？', '?', '！', '!', '…', '：', ':', '—']) || t.ends_with("...")
}

/// A paragraph of running text: long, or made of sentences.
pub fn body_like(s: &str) -> bool {
    let n = chars(s);
    (n >= 25 && s.chars().any(is_final_punct)) || n > 60
}

/// A line that opens with an enumerator of a section head: 一是, 一、, （一）, 1., 第一,
/// 首先. Such lines start sections, never continue a broken sentence.
pub fn starts_with_enumerator(s: &str) -> bool {
    let mut it = s.chars();
    let first = it.next();
    let second = it.next();
    let third = it.next();
    let han_digit = |c: char| "一二三四五六七八九十".contains(c);
    match (first, second, third) {
        (Some(a), Some('是' | '要' | '、' | '．' | '.'), _) if han_digit(a) => true,
        (Some('（' | '('), Some(b), _) if han_digit(b) || b.is_ascii_digit() => true,
        (Some('第'), Some(b), _) if han_digit(b) => true,
        (Some(a), Some('.' | '、' | '．' | '）' | ')'), _) if a.is_ascii_digit() => true,
        (Some(a), Some(b), Some('.' | '、' | '．')) if a.is_ascii_digit() && b.is_ascii_digit() => true,
        (Some('其'), Some('一' | '二' | '三' | '四' | '五' | '次'), _) => true,
        (Some('首'), Some('先'), _) => true,
        _ => false,
    }
}

/// Opening and closing marks of the quote and bracket pairs a layout break can split.
const PAIRS: [(char, char); 6] = [
    ('“', '”'),
    ('‘', '’'),
    ('（', '）'),
    ('(', ')'),
    ('《', '》'),
    ('「', '」'),
];

/// True when some quote or bracket pair is opened in `s` and not closed.
pub fn has_unclosed_pair(s: &str) -> bool {
    PAIRS.iter().any(|&(open, close)| {
        let mut depth = 0i32;
        for c in s.chars() {
            if c == open {
                depth += 1;
            } else if c == close && depth > 0 {
                depth -= 1;
            }
        }
        depth > 0
    })
}

/// True when `s` closes a quote or bracket it never opened.
pub fn has_unopened_close(s: &str) -> bool {
    PAIRS.iter().any(|&(open, close)| {
        let mut depth = 0i32;
        for c in s.chars() {
            if c == open {
                depth += 1;
            } else if c == close {
                if depth == 0 {
                    return true;
                }
                depth -= 1;
            }
        }
        false
    })
}

/// A line that is entirely one quoted or bracketed phrase: “守好红色根脉·班前十分钟活动”,
/// 【专题】. Newspapers print column labels this way. Book titles (《…》) are not included:
/// an article may well be titled by one.
pub fn quoted_only(s: &str) -> bool {
    let pairs = [('“', '”'), ('「', '」'), ('【', '】'), ('[', ']'), ('"', '"')];
    pairs.iter().any(|&(open, close)| {
        s.len() > open.len_utf8() + close.len_utf8()
            && s.starts_with(open)
            && s.ends_with(close)
            && !s[open.len_utf8()..s.len() - close.len_utf8()].contains([open, close])
    })
}

/// The Han characters and alphanumerics of a string: what two copies of a text share even
/// when their punctuation and spacing differ.
pub fn text_key(s: &str) -> String {
    s.chars().filter(|&c| is_han(c) || c.is_alphanumeric()).collect()
}

/// Han bigrams of a string, in order (duplicates kept).
pub fn han_bigrams(s: &str) -> Vec<[char; 2]> {
    let han: Vec<char> = s.chars().filter(|&c| is_han(c)).collect();
    han.windows(2).map(|w| [w[0], w[1]]).collect()
}

/// Share of the Han bigrams of `line` that also occur in `text` (0 when `line` has none).
pub fn bigram_overlap(line: &str, text: &str) -> f64 {
    let grams = han_bigrams(line);
    if grams.is_empty() {
        return 0.0;
    }
    let text_grams: std::collections::HashSet<[char; 2]> = han_bigrams(text).into_iter().collect();
    let hits = grams.iter().filter(|g| text_grams.contains(*g)).count();
    hits as f64 / grams.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators() {
        assert!(is_separator("-"));
        assert!(is_separator("——"));
        assert!(is_separator("* * *"));
        assert!(!is_separator("……"));
        assert!(!is_separator("-1"));
        assert!(!is_separator(""));
    }

    #[test]
    fn headings_and_bodies() {
        assert!(heading_like("湖南工会：瞄准“六强” 打造“桥头堡”"));
        assert!(heading_like("工会有为如何具体呈现？"));
        assert!(heading_like("除了与会代表带回“现场直击”，还有职工脱口秀……"));
        assert!(!heading_like("各县级工会加足马力守正创新。"));
        // A long lead-in of two clauses set apart by a semicolon opens the text.
        assert!(!heading_like(
            "五月的鲜花，献给奔走在城市街巷的快递骑手们；五月的目光，投向奋战在生产一线的产业工人……"
        ));
        assert!(plain_heading("主打一个字，“鲜”"));
        assert!(!plain_heading("工会有为如何具体呈现？"));
        assert!(body_like("2月24日，省总工会第十二届委员会第十二次全体会议在昆明召开。"));
        assert!(!body_like("当好主力军 建功新时代"));
    }

    #[test]
    fn lead_in_endings() {
        assert!(ends_lead_in("工会有为如何具体呈现？"));
        assert!(ends_lead_in("还有职工脱口秀……"));
        assert!(!ends_lead_in("这份用“心”书写的答卷很“秀”"));
    }

    #[test]
    fn enumerators() {
        for s in [
            "一是突出思想政治引领",
            "二、加强组织",
            "（三）服务职工",
            "1. 总则",
            "12、附则",
            "第一，",
            "首先，",
        ] {
            assert!(starts_with_enumerator(s), "{s}");
        }
        for s in ["一直以来，秀洲区", "十分钟很短", "2023年，全市", "人，儿子"] {
            assert!(!starts_with_enumerator(s), "{s}");
        }
    }

    #[test]
    fn pairs() {
        assert!(has_unclosed_pair("积极开展“守好红色根脉·班前十分"));
        assert!(!has_unclosed_pair("开展“十件实事”活动"));
        assert!(has_unopened_close("钟活动”，因地制宜"));
        assert!(!has_unopened_close("“鲜”"));
    }

    #[test]
    fn quoted_labels() {
        assert!(quoted_only("“守好红色根脉·班前十分钟活动”"));
        assert!(!quoted_only("“港口工匠”大比武"));
        assert!(!quoted_only("“初心”答卷：强化“政治”引领"));
        assert!(!quoted_only("《工会法》"));
    }

    #[test]
    fn overlap() {
        let lead = "近日，衢州市总工会组织开展了劳模工匠理论宣讲团成员培训班活动。";
        assert!(bigram_overlap("衢州劳模工匠理论宣讲团成员培训班开讲", lead) > 0.7);
        assert_eq!(bigram_overlap("讲好劳动故事有门道", lead), 0.0);
        assert_eq!(text_key("今年是，全面 贯彻"), "今年是全面贯彻");
    }
}
