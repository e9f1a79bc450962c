//! Layout: paragraphs broken mid-word or mid-sentence by print layout (嘉|兴, 残疾|人,
//! 十分|钟, 金敏|军, 联合主|办), usually with a blank line between the halves, are rejoined;
//! real headings, captions, poster-style short lines, section heads and bylines stay
//! separate.
//!
//! Evidence for a join, on the pair of lines alone (so that cleaning is idempotent):
//! the first half does not end a sentence and is running text (it holds a full stop, or it
//! is long and holds clause punctuation, or its last clause is cut to a few characters, or
//! it leaves a quote or bracket open), or the second half starts with a one-character
//! clause (`人，儿子…`) that can only be the end of a word. The second half must continue
//! running text: not a heading, not an enumerated section head, not a dateline, byline or
//! photo credit. A first half closed by a photo credit (`…召开。王明 摄`, a caption) is
//! complete. Each join is counted in `report.joined_lines`.

use super::lines::{ends_sentence, is_han, Line};
use super::meta;
use super::shape::{self, chars};
use super::Page;

/// A line this long with clause punctuation inside is running text, not a headline.
const LONG_LINE: usize = 35;
/// A last clause this short (Han characters) after a comma, in a line at least
/// `CUT_LINE` long, is a sentence cut off (…期间，临安|全区), not a headline's half
/// (奋斗，正当时).
const CUT_CLAUSE: usize = 2;
const CUT_LINE: usize = 10;

/// Rejoin broken lines, counting joins in the report. The result is a fixpoint: a joined
/// line is checked again against the line before it, so that cleaning the output again
/// joins nothing more.
pub fn rejoin(page: &mut Page) {
    let lines = std::mem::take(&mut page.lines);
    // The line the chrome step found above the publication info is the headline: a long
    // one with commas (广征求，谋建设，促发展 ——…报道) reads like running text, but the body
    // is not its continuation.
    let title = page.meta.title_line;
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        out.push(line);
        while out.len() >= 2 {
            let n = out.len();
            if Some(out[n - 2].no) == title || !broken_between(&out[n - 2].text, &out[n - 1].text) {
                break;
            }
            let second = out.pop().map(|l| l.text).unwrap_or_default();
            if let Some(first) = out.last_mut() {
                join_into(&mut first.text, &second);
                // The seam may set a comma before another mark (`…，` + `。…`), which the
                // punctuation step repairs in a line: repair it here too, so that cleaning
                // the output again changes nothing.
                if let Some((text, fixed)) = super::punct::without_doubled_commas(&first.text) {
                    first.text = text;
                    page.report.punctuation_fixed += fixed;
                }
            }
            page.report.joined_lines += 1;
        }
    }
    page.lines = out;
}

/// Append the second half of a broken line; a space only between two Latin words.
fn join_into(first: &mut String, second: &str) {
    let a = first.chars().next_back();
    let b = second.chars().next();
    if a.is_some_and(|c| c.is_ascii_alphabetic()) && b.is_some_and(|c| c.is_ascii_alphabetic()) {
        first.push(' ');
    }
    first.push_str(second);
}

/// How much of the end of the first half is looked at (chars): where a line was cut is
/// decided by its end, and a bound keeps rejoining linear on pages of thousands of
/// broken lines.
const TAIL_CHARS: usize = 200;

/// The last `TAIL_CHARS` characters of `s`.
fn tail(s: &str) -> &str {
    match s.char_indices().rev().nth(TAIL_CHARS - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// True when `a` and `b` are two halves of one paragraph broken by layout.
pub fn broken_between(a: &str, b: &str) -> bool {
    let a = tail(a);
    if ends_sentence(a) || a.ends_with(['：', ':', '—']) || !continues(b) || is_apart(a) {
        return false;
    }
    first_half_is_running_text(a)
        || starts_with_word_tail(b)
        || (shape::has_unclosed_pair(a) && shape::has_unopened_close(b))
}

/// Lines that stand on their own whatever follows: separators, bylines, credits, datelines
/// without body text, captions closed by their photo credit (`…召开。王明 摄`).
fn is_apart(s: &str) -> bool {
    shape::is_separator(s)
        || meta::parse_byline_line(s).is_some()
        || meta::parse_credit(s).is_some()
        || meta::trailing_credit(s).is_some()
}

/// The first half shows it was cut inside running text.
fn first_half_is_running_text(a: &str) -> bool {
    let body = a.trim_end_matches(|c: char| shape::is_clause_punct(c) || c == ' ');
    let inner_clause = body.chars().any(shape::is_clause_punct);
    // A full stop inside: a paragraph, whatever its length.
    if body.contains('。') || (chars(body) >= LONG_LINE && body.contains(['！', '？'])) {
        return true;
    }
    // A long line with a clause break of its own; one inside a quotation is a headline's
    // (组织开展“礼遇劳动模范、致敬劳动者”主题志愿服务活动).
    if chars(body) >= LONG_LINE && has_clause_outside_quotes(body) {
        return true;
    }
    if shape::has_unclosed_pair(a) && chars(body) >= 12 && inner_clause {
        return true;
    }
    // "整个“红五月”期间，临安": the last clause is a few characters, not a phrase.
    if inner_clause {
        let last = body.rsplit(shape::is_clause_punct).next().unwrap_or(body);
        let quoted = last.starts_with(['“', '‘', '"', '《']) || last.ends_with(['”', '’', '"', '》']);
        let han = last.chars().filter(|&c| is_han(c)).count();
        if !quoted && han > 0 && han <= CUT_CLAUSE && chars(body) >= CUT_LINE {
            return true;
        }
    }
    false
}

/// Whether a clause mark stands outside every quotation and title mark of `s`.
fn has_clause_outside_quotes(s: &str) -> bool {
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '“' | '‘' | '《' | '「' | '『' => depth += 1,
            '”' | '’' | '》' | '」' | '』' => depth = depth.saturating_sub(1),
            c if depth == 0 && shape::is_clause_punct(c) => return true,
            _ => {}
        }
    }
    false
}

/// `人，儿子…` / `办。毅行…`: one character then punctuation can only end a broken word.
fn starts_with_word_tail(b: &str) -> bool {
    let mut it = b.chars();
    let first = it.next();
    let second = it.next();
    first.is_some_and(is_han)
        && second.is_some_and(|c| shape::is_clause_punct(c) || shape::is_final_punct(c))
        && chars(b) >= 8
}

/// The second half continues running text: it is not a heading or any line that starts
/// something new.
fn continues(b: &str) -> bool {
    if shape::starts_with_enumerator(b)
        || shape::opens_with_qa_marker(b)
        || is_apart(b)
        || meta::parse_dateline(b).is_some()
    {
        return false;
    }
    // A short line without sentence punctuation is a heading or label, unless it visibly
    // closes a quote the first half opened (checked by the caller).
    let runs_on =
        b.chars().any(|c| shape::is_clause_punct(c) || shape::is_final_punct(c)) || chars(b) > shape::MAX_HEADING_CHARS;
    runs_on && !shape::plain_heading(b) || starts_with_word_tail(b) || shape::has_unopened_close(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::lines::split_lines;
    use crate::clean::{Page, PageMeta};
    use crate::model::CleaningReport;

    fn run(text: &str) -> (Vec<String>, usize) {
        let mut page = Page {
            file: "t.txt".into(),
            source_hash: String::new(),
            lines: split_lines(text, 1),
            meta: PageMeta::default(),
            report: CleaningReport::default(),
        };
        rejoin(&mut page);
        (
            page.lines.into_iter().map(|l| l.text).collect(),
            page.report.joined_lines,
        )
    }

    #[test]
    fn the_headline_the_chrome_found_is_not_joined_to_the_body() {
        let text = "广征求，谋建设，促发展 ——某某中学第七届教职工代表大会第四次会议报道\n为了谋求学校更好的建设与发展，学校召开了教代会。";
        let mut page = Page {
            file: "t.txt".into(),
            source_hash: String::new(),
            lines: split_lines(text, 1),
            meta: PageMeta {
                title_line: Some(1),
                ..PageMeta::default()
            },
            report: CleaningReport::default(),
        };
        rejoin(&mut page);
        assert_eq!(page.lines.len(), 2);
        // Without the chrome's word, such a line reads as running text.
        assert_eq!(run(text).1, 1);
    }

    #[test]
    fn a_long_headline_with_punctuation_only_inside_quotes_is_not_joined() {
        let text = "某某区总工会组织开展“礼遇劳动模范、致敬劳动者”主题志愿服务活动\n为营造劳动最光荣的良好社会氛围，区总工会开展了系列活动。";
        assert_eq!(run(text).1, 0);
        // With a clause break of its own, a long line is running text.
        let text = "某某区总工会组织开展礼遇劳动模范活动，致敬劳动者的主题志愿服务活动也同时\n在全区各个社区展开，为营造劳动最光荣的良好社会氛围。";
        assert_eq!(run(text).1, 1);
        // A word broken at the end of the first line is still joined.
        let (lines, joins) = run("把新就业形态劳动者“请进家”，让他们真切感受到温暖。去年旺季期间，嘉\n\n兴圆通速递有限公司快递员刘震迎来了慰问。");
        assert_eq!((lines.len(), joins), (1, 1));
    }

    #[test]
    fn a_comma_left_at_the_seam_before_a_mark_goes() {
        // A second cleaning would drop it (the punctuation step), so the join does.
        assert_eq!(run("一。，\n。一"), (vec!["一。。一".to_string()], 1));
    }

    #[test]
    fn questions_and_answers_open_their_paragraphs() {
        let (lines, joins) =
            run("女职工权益保护知识问答，请大家认真学习\n问：女职工的产假是如何规定的？\n答：女职工生育享受98天产假。");
        assert_eq!(joins, 0);
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn words_broken_by_layout_are_rejoined() {
        let (lines, joins) = run("把新就业形态劳动者“请进家”，让他们真切感受到温暖。去年旺季期间，嘉\n\n兴圆通速递有限公司快递员刘震迎来了慰问。");
        assert_eq!(lines, ["把新就业形态劳动者“请进家”，让他们真切感受到温暖。去年旺季期间，嘉兴圆通速递有限公司快递员刘震迎来了慰问。"]);
        assert_eq!(joins, 1);
        let (lines, _) = run("原来李某和妻子均是残疾\n\n人，儿子突然患了白血病，巨额的治疗费难倒了一家人。");
        assert_eq!(
            lines,
            ["原来李某和妻子均是残疾人，儿子突然患了白血病，巨额的治疗费难倒了一家人。"]
        );
        let (lines, _) = run("整个“红五月”期间，临安\n\n全区各级工会共有相关活动80余场，包括劳模宣讲、技能大赛等。");
        assert_eq!(
            lines,
            ["整个“红五月”期间，临安全区各级工会共有相关活动80余场，包括劳模宣讲、技能大赛等。"]
        );
        let (lines, _) =
            run("去年以来，平阳县总工会积极开展“守好红色根脉·班前十分\n\n钟活动”，因地制宜地创造性开展宣讲。");
        assert_eq!(
            lines,
            ["去年以来，平阳县总工会积极开展“守好红色根脉·班前十分钟活动”，因地制宜地创造性开展宣讲。"]
        );
    }

    #[test]
    fn headings_and_poster_lines_stay_apart() {
        let text = "为深入学习贯彻党的二十大精神\n\n贯彻落实省委十一届三次全会精神\n\n云南省总工会制定出台\n\n当好主力军 建功新时代\n\n一是突出思想政治引领\n\n以“中国梦·劳动美”为主题，充分发挥劳模工匠的作用。";
        let (lines, joins) = run(text);
        assert_eq!(lines.len(), 6);
        assert_eq!(joins, 0);
    }

    #[test]
    fn section_heads_with_commas_stay_apart() {
        for head in [
            "统筹推动，坚持创新发展“主基调”",
            "“初心”答卷：强化政治引领 筑牢信仰之基",
            "主打一个字，“鲜”",
        ] {
            let text =
                format!("上一段结束了。\n{head}\n近日，市总工会组织开展了劳模工匠理论宣讲活动，覆盖职工一万人次。");
            let (lines, joins) = run(&text);
            assert_eq!((lines.len(), joins), (3, 0), "{head}");
        }
    }

    #[test]
    fn bylines_datelines_and_credits_stay_apart() {
        let (lines, _) = run("这份用“心”书写的答卷很“秀”\n通讯员蒋或森报道 去年以来，嘉兴秀洲区总工会聚焦主业。");
        assert_eq!(lines.len(), 2);
        let (lines, _) = run("近日，瑞成公司包装车间班前会上领讲员周鸯鸯（左一）为大家宣讲\n记者邹伟锋 摄");
        assert_eq!(lines.len(), 2);
        let (lines, _) =
            run("工人日报-中工网记者 邹倜然 通讯员 胡慧霞\n五年感恩奋进，实干争先。全国现场会在浙江召开。");
        assert_eq!(lines.len(), 2);
        let (lines, joins) = run(
            "5月1日，市劳动模范表彰大会在市民中心召开。王明 摄\n4月8日，全市职工技能竞赛启动仪式在职工文化中心举行。王明 摄",
        );
        assert_eq!((lines.len(), joins), (2, 0));
    }

    #[test]
    fn a_colon_introduces_rather_than_breaks() {
        let (lines, _) = run("主要做法如下：\n一是加强组织建设，推动基层工会规范化。");
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn joining_twice_changes_nothing() {
        let text = "实现高质量发展离不开高素质的技能人才。近年来，秀洲区总工会推进产业工人队伍建设\n\n改革，工人阶级主力军作用更加彰显。\n\n小标题\n\n正文继续。";
        let (once, _) = run(text);
        let (twice, joins) = run(&once.join("\n\n"));
        assert_eq!(once, twice);
        assert_eq!(joins, 0);
    }
}
