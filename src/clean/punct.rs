//! Punctuation: text normalised to ASCII punctuation inside Chinese (`,` `:` `;` `?` `!` `()`)
//! gets its full-width forms back, but never inside numbers, times, URLs or Latin text.
//!
//! Rules:
//! - `,` `:` `;` `?` `!` become ，：；？！ when the character before or after them is Chinese
//!   (a Han character or full-width punctuation), except between two digits (1,000; 14:04;
//!   15:25:47) and inside URLs and e-mail addresses;
//! - a pair of ASCII parentheses becomes （） when its content holds Chinese or when the text
//!   right around the pair is Chinese: 周鸯鸯（左一）, 人工智能（AI）技术; (1+2) and Latin
//!   text keep ASCII parentheses;
//! - spaces after a mark made full-width go (`3月6日, 2023年` → `3月6日，2023年`), unless a
//!   Latin word follows;
//! - a comma right before another clause or sentence mark (`，，`, `，。`, `，、`), as spinning
//!   tools and careless edits leave it, goes and the other mark stays: Chinese typesetting
//!   never sets a comma there;
//! - the rules run until nothing changes, so cleaning clean output changes nothing.

use super::lines::is_han;
use super::Page;

/// Restore full-width punctuation in every line.
pub fn restore(page: &mut Page) {
    for line in &mut page.lines {
        if let Some((text, fixed)) = restore_line(&line.text) {
            line.text = text;
            page.report.punctuation_fixed += fixed;
        }
        if let Some((text, fixed)) = without_doubled_commas(&line.text) {
            line.text = text;
            page.report.punctuation_fixed += fixed;
        }
    }
}

/// Marks a comma is never set right before.
fn follows_no_comma(c: char) -> bool {
    matches!(c, '，' | '、' | '；' | '。' | '！' | '？' | '：')
}

/// The line without commas set right before another mark (`1月27日，，市总工会`,
/// `并讲话，。`), and how many went; None when there are none.
pub(crate) fn without_doubled_commas(text: &str) -> Option<(String, usize)> {
    let doubled = |(i, _): (usize, &str)| text[i + '，'.len_utf8()..].chars().next().is_some_and(follows_no_comma);
    if !text.match_indices('，').any(doubled) {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut dropped = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '，' && chars.get(i + 1).copied().is_some_and(follows_no_comma) {
            dropped += 1;
            continue;
        }
        out.push(c);
    }
    (dropped > 0).then_some((out, dropped))
}

/// The line with full-width punctuation restored and the number of marks changed, or `None`
/// when nothing changed.
pub fn restore_line(text: &str) -> Option<(String, usize)> {
    if !text.bytes().any(is_ascii_mark) {
        return None;
    }
    let mut chars: Vec<char> = text.chars().collect();
    let may_hold_address = text.contains("://") || text.contains('@') || text.to_ascii_lowercase().contains("www.");
    let mut fixed = 0;
    // Each pass only turns ASCII marks into full-width ones and drops spaces, so this ends;
    // another pass is needed when a converted mark, or a dropped space, makes a remaining
    // ASCII mark the neighbour of Chinese text.
    loop {
        let protected = may_hold_address.then(|| protected_spans(&chars));
        let protected = protected.as_deref();
        let changed = restore_parentheses(&mut chars, protected) + restore_marks(&mut chars, protected);
        fixed += changed;
        if changed > 0 {
            chars = without_spaces_after_marks(&chars);
        }
        if changed == 0 || !chars.iter().any(|&c| c.is_ascii() && is_ascii_mark(c as u8)) {
            break;
        }
    }
    (fixed > 0).then(|| (chars.into_iter().collect(), fixed))
}

/// The characters, without the spaces an English-style `, ` left after a mark that is
/// full-width now (`3月6日， 2023年`): Chinese sets no space after its punctuation. A space
/// before a Latin word stays, as mixed text spaces Latin words on purpose (`， iPhone 16`).
fn without_spaces_after_marks(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let mut after_mark = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && after_mark {
            let next = chars[i..].iter().find(|&&n| n != ' ');
            if next.is_some_and(|n| !n.is_ascii_alphabetic()) {
                continue;
            }
        }
        after_mark = matches!(c, '，' | '：' | '；' | '？' | '！') || (after_mark && c == ' ');
        out.push(c);
    }
    out
}

fn is_ascii_mark(b: u8) -> bool {
    matches!(b, b',' | b':' | b';' | b'?' | b'!' | b'(' | b')')
}

fn is_protected(protected: Option<&[bool]>, i: usize) -> bool {
    protected.is_some_and(|p| p[i])
}

/// Chinese text around punctuation: Han characters, CJK and full-width punctuation, and the
/// curly quotes, ellipsis and dash used in Chinese typesetting.
fn is_chinese(c: char) -> bool {
    is_han(c)
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF60}' | '\u{FE30}'..='\u{FE4F}')
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// The full-width form of an ASCII mark Chinese text writes full-width, if it has one.
pub(crate) fn full_width(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        _ => return None,
    })
}

fn restore_marks(chars: &mut [char], protected: Option<&[bool]>) -> usize {
    let mut fixed = 0;
    for i in 0..chars.len() {
        if !matches!(chars[i], ',' | ':' | ';' | '?' | '!') || is_protected(protected, i) {
            continue;
        }
        let before = i.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i + 1).copied();
        let in_number = before.is_some_and(|c| c.is_ascii_digit()) && after.is_some_and(|c| c.is_ascii_digit());
        let chinese_neighbour = before.is_some_and(is_chinese) || after.is_some_and(is_chinese);
        if chinese_neighbour && !in_number {
            if let Some(wide) = full_width(chars[i]) {
                chars[i] = wide;
                fixed += 1;
            }
        }
    }
    fixed
}

fn restore_parentheses(chars: &mut [char], protected: Option<&[bool]>) -> usize {
    let mut fixed = 0;
    let mut open: Vec<usize> = Vec::new();
    for i in 0..chars.len() {
        if !matches!(chars[i], '(' | ')') || is_protected(protected, i) {
            continue;
        }
        match chars[i] {
            '(' => open.push(i),
            ')' => {
                let Some(start) = open.pop() else { continue };
                let inner_chinese = chars[start + 1..i].iter().any(|&c| is_chinese(c));
                let before = start.checked_sub(1).map(|j| chars[j]);
                let after = chars.get(i + 1).copied();
                let around_chinese = before.is_some_and(is_chinese) || after.is_some_and(is_chinese);
                if inner_chinese || around_chinese {
                    chars[start] = '（';
                    chars[i] = '）';
                    fixed += 2;
                }
            }
            _ => {}
        }
    }
    fixed
}

/// Characters that belong to a URL or an e-mail address, whose punctuation is never touched.
fn protected_spans(chars: &[char]) -> Vec<bool> {
    let mut protected = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_graphic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_graphic() {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let lower = run.to_ascii_lowercase();
        let is_url = lower.contains("://") || lower.starts_with("www.");
        let is_email = run
            .split_once('@')
            .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
        if is_url || is_email {
            // Trailing sentence punctuation belongs to the sentence, not to the address.
            let mut end = i;
            while end > start && matches!(chars[end - 1], ',' | '.' | ';' | ':' | '!' | '?' | ')') {
                end -= 1;
            }
            protected[start..end].iter_mut().for_each(|p| *p = true);
        }
    }
    protected
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(text: &str) -> String {
        restore_line(text).map_or_else(|| text.to_string(), |(t, _)| t)
    }

    #[test]
    fn doubled_commas_go() {
        assert_eq!(
            without_doubled_commas("1月27日，，市总工会召开会议并讲话，。增强获得感，、幸福感"),
            Some(("1月27日，市总工会召开会议并讲话。增强获得感、幸福感".to_string(), 3))
        );
        assert_eq!(without_doubled_commas("他说：“好，”然后离开。"), None);
        // After ASCII marks are made full-width too (the page step runs both).
        let mut page = Page::from_text("t.txt", "1月27日,,市总工会召开会议");
        restore(&mut page);
        assert_eq!(page.lines[0].text, "1月27日，市总工会召开会议");
    }

    #[test]
    fn marks_next_to_chinese_become_full_width() {
        assert_eq!(
            fix("若何吸引他们参加工会?若何让他们有归属感?共有2.3万余家企业,20余万场次;好!"),
            "若何吸引他们参加工会？若何让他们有归属感？共有2.3万余家企业，20余万场次；好！"
        );
        assert_eq!(fix("来 源:云岭职工"), "来 源：云岭职工");
        assert_eq!(fix("主打一个字,“鲜”"), "主打一个字，“鲜”");
        assert_eq!(restore_line("工会,职工:活动").map(|(_, n)| n), Some(2));
    }

    #[test]
    fn no_space_after_a_mark_made_full_width() {
        assert_eq!(fix("3月6日, 2023年兵团技能竞赛启动"), "3月6日，2023年兵团技能竞赛启动");
        assert_eq!(fix("会议指出,  要坚持以职工为中心"), "会议指出，要坚持以职工为中心");
        assert_eq!(fix("发布了新款手机, iPhone 16"), "发布了新款手机， iPhone 16");
        assert_eq!(fix("会议指出, 要落实"), fix(&fix("会议指出, 要落实")));
    }

    #[test]
    fn numbers_times_and_dates_keep_ascii() {
        assert_eq!(fix("2024.03.06 14:04"), "2024.03.06 14:04");
        assert_eq!(fix("2023-06-07 15:25:47 中工网"), "2023-06-07 15:25:47 中工网");
        assert_eq!(fix("共1,000人,时间:14:04"), "共1,000人，时间：14:04");
        assert_eq!(fix("比分3:2"), "比分3:2");
    }

    #[test]
    fn urls_emails_and_latin_text_keep_ascii() {
        assert_eq!(
            fix("详见https://www.acftu.org/a?id=1,或发邮件至news@acftu.org,谢谢"),
            "详见https://www.acftu.org/a?id=1，或发邮件至news@acftu.org，谢谢"
        );
        assert_eq!(fix("Hello, world! (test)"), "Hello, world! (test)");
        assert_eq!(fix("brand化推行,全省"), "brand化推行，全省");
    }

    #[test]
    fn parentheses_convert_only_in_chinese_context() {
        assert_eq!(fix("周鸯鸯(左一)为大家宣讲"), "周鸯鸯（左一）为大家宣讲");
        assert_eq!(fix("有限公司(简称“瑞成公司”)的"), "有限公司（简称“瑞成公司”）的");
        assert_eq!(fix("人工智能(AI)技术"), "人工智能（AI）技术");
        assert_eq!(fix("(王钰哲)"), "（王钰哲）");
        assert_eq!(fix("x = (1+2) * 3"), "x = (1+2) * 3");
        assert_eq!(fix("1) 第一"), "1) 第一");
    }

    #[test]
    fn restoring_is_idempotent() {
        for text in ["a,(中)", "工会!!", "乡镇(街道),社区", "(a),b", "中:(x)"] {
            let once = fix(text);
            assert_eq!(fix(&once), once, "{text}");
        }
        assert_eq!(fix("工会!!"), "工会！！");
    }

    #[test]
    fn text_without_ascii_marks_is_untouched() {
        assert_eq!(restore_line("已是全角，无需修改。"), None);
    }
}
