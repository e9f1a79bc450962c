//! Emoji injected by spam mirror sites: copies of news with a pictograph in brackets inside
//! a word (`职工(🕤)书屋`, `劳动(🎀)(dòng )模范`), a bare pictograph between two characters
//! of a sentence (`已建🐚成`), or a line of nothing but pictographs above the text (`🦊⛵🚲`).
//! The sites add them so that a copy no longer matches its original word for word.
//!
//! Evidence rules (a pictograph is a character of the emoji blocks, U+1F000–U+1FAFF, or of
//! the Miscellaneous Symbols, Dingbats, Miscellaneous Technical and Symbols-and-Arrows blocks
//! that emoji also use, with its variation selector, joiner, keycap and skin-tone marks):
//! - brackets holding nothing but pictographs are removed with their content: no newsroom
//!   glosses a word with a picture;
//! - pictographs with a Han character right before and right after them are removed: a
//!   sentence does not put a picture inside a word or phrase;
//! - a line with no letter, digit or Han character and at least one character of the emoji
//!   blocks proper is removed (a row of ★ or ● alone is a separator, left to the later steps).
//!
//! Pictographs anywhere else stay: a WeChat headline may open with 🔥, and a list may use ✅.
//! Runs before the gloss step, so that a gloss the emoji hid (`劳动(🎀)(dòng )`) is found.
//! Removals are recorded as `spam-emoji`.

use super::lines::{is_han, normalise_line, remove_spans};
use super::Page;
use crate::model::CleaningReport;

/// Remove injected pictographs from every line, recording each removal.
pub fn strip(page: &mut Page) {
    let report = &mut page.report;
    page.lines.retain_mut(|line| {
        if !line.text.chars().any(is_pictograph) {
            return true;
        }
        if is_pictograph_line(&line.text) {
            report.remove("spam-emoji", line.text.as_str());
            return false;
        }
        // Until nothing changes: a bracketed pictograph taken out may leave a bare one
        // between two Han characters (婢🕤(🎀)工), so that cleaning the output again would
        // take more. Each pass removes something, so this ends.
        let mut changed = false;
        while let Some(text) = strip_inline(&line.text, report) {
            line.text = text;
            changed = true;
        }
        if changed {
            // As step 1 leaves lines: a pictograph between two spaces or at an end leaves
            // a doubled or an outer space.
            line.text = normalise_line(&line.text);
        }
        !line.text.is_empty()
    });
}

/// A character of the blocks emoji are drawn from. The angle brackets of Miscellaneous
/// Technical (〈 〉 U+2329, U+232A) are punctuation that some texts put around titles.
fn is_pictograph(c: char) -> bool {
    is_emoji_block(c)
        || (matches!(c, '\u{2300}'..='\u{23FF}' | '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}')
            && !matches!(c, '\u{2329}' | '\u{232A}'))
}

/// A character of the emoji blocks proper (U+1F000–U+1FAFF: mahjong and playing cards,
/// enclosed alphanumerics, pictographs, emoticons, transport, supplemental pictographs).
fn is_emoji_block(c: char) -> bool {
    matches!(c, '\u{1F000}'..='\u{1FAFF}')
}

/// Marks that belong to the pictograph before or after them.
fn is_emoji_mark(c: char) -> bool {
    matches!(c, '\u{FE0E}' | '\u{FE0F}' | '\u{200D}' | '\u{20E3}')
}

/// Part of a pictograph run: a pictograph or one of its marks.
fn in_run(c: char) -> bool {
    is_pictograph(c) || is_emoji_mark(c)
}

/// A line of pictographs and punctuation only, with at least one emoji proper.
fn is_pictograph_line(text: &str) -> bool {
    text.chars().any(is_emoji_block)
        && text
            .chars()
            .all(|c| !(c.is_alphanumeric() || is_han(c)) || in_run(c) || c.is_whitespace())
}

/// The line without its injected pictographs, or None when it has none.
fn strip_inline(text: &str, report: &mut CleaningReport) -> Option<String> {
    remove_spans(text, "spam-emoji", report, injected_at)
}

/// If an injected pictograph (bracketed, or bare between Han characters) starts at `i`,
/// the index just past it.
fn injected_at(chars: &[char], i: usize) -> Option<usize> {
    let c = chars[i];
    if matches!(c, '(' | '（') {
        let close = if c == '(' { ')' } else { '）' };
        let end = run_end(chars, i + 1);
        let bracketed = end > i + 1 && chars.get(end) == Some(&close);
        return bracketed.then_some(end + 1);
    }
    if !is_pictograph(c) {
        return None;
    }
    let end = run_end(chars, i);
    let han_before = i.checked_sub(1).and_then(|k| chars.get(k)).is_some_and(|&c| is_han(c));
    let han_after = chars.get(end).is_some_and(|&c| is_han(c));
    (han_before && han_after).then_some(end)
}

/// Index just past the pictograph run starting at `i` (skin tones are in the emoji block).
fn run_end(chars: &[char], i: usize) -> usize {
    let mut end = i;
    while end < chars.len() && in_run(chars[end]) && (end > i || is_pictograph(chars[end])) {
        end += 1;
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip_text(text: &str) -> (String, Vec<String>) {
        let mut page = Page::from_text("t.txt", text);
        strip(&mut page);
        let kept: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        let removed = page.report.removed.iter().map(|r| r.text.clone()).collect();
        (kept.join("\n"), removed)
    }

    #[test]
    fn bracketed_pictographs_inside_words_go() {
        let (text, removed) = strip_text("职工(🕤)书屋今天开放，全市已建（🐚）成服务站点12个。");
        assert_eq!(text, "职工书屋今天开放，全市已建成服务站点12个。");
        assert_eq!(removed, ["(🕤)", "（🐚）"]);
    }

    #[test]
    fn a_gloss_behind_an_emoji_is_left_next_to_its_word() {
        let (text, _) = strip_text("市总工会召开劳动(🎀)(dòng )模范表彰会。");
        assert_eq!(text, "市总工会召开劳动(dòng )模范表彰会。");
    }

    #[test]
    fn bare_pictographs_between_han_go_with_their_marks() {
        let (text, removed) = strip_text("本市户外劳动者驿站😷已有40个，服务❤️职工。");
        assert_eq!(text, "本市户外劳动者驿站已有40个，服务职工。");
        assert_eq!(removed, ["😷", "❤\u{FE0F}"]);
    }

    #[test]
    fn what_one_removal_uncovers_goes_too() {
        let (text, removed) = strip_text("奴婢🕤(🎀)工会");
        assert_eq!(text, "奴婢工会");
        assert_eq!(removed, ["(🎀)", "🕤"]);
    }

    #[test]
    fn lines_of_pictographs_go() {
        let (text, removed) = strip_text("🦊⛵🚲\n据介绍，驿站提供饮水和休息服务。\n🍎➌★");
        assert_eq!(text, "据介绍，驿站提供饮水和休息服务。");
        assert_eq!(removed, ["🦊⛵🚲", "🍎➌★"]);
    }

    #[test]
    fn pictographs_used_on_purpose_stay() {
        for line in [
            "🔥重磅！全国总工会发布新规",
            "✅ 报名截止：7月1日",
            "★★★",
            "● 一是突出思想政治引领",
            "欢迎点赞👍",
            "电话：☎0571-12345678",
            "图为李江（右二）为企业授旗。",
            "（完）",
            "()",
            "依据\u{2329}工会法\u{232A}规定",
        ] {
            assert_eq!(strip_text(line), (line.to_string(), vec![]), "{line}");
        }
    }
}
