//! Headline block and bylines of one article section: the title, with an optional kicker
//! (引题) above it and subtitle (副题) below it, column labels dropped (红五月,
//! “守好红色根脉·班前十分钟活动”), and the authors from the bylines around the body, which
//! leave the body (a dateline's body sentence stays).
//!
//! Which headline line is the title, on evidence, strongest first:
//! 1. the line the chrome pointed at (the breadcrumb tail printed again, or the headline
//!    just above the publication-info line);
//! 2. a dash-led line (——浙江工会五年工作回眸) is a subtitle;
//! 3. a line ending in a lead-in mark (？ ！ …… ：) is a kicker, with every line above it;
//! 4. of two unmarked lines, the one whose words the lead paragraph repeats is the title
//!    (a kicker or subtitle is a slogan; the title states the news), then the longer one,
//!    then the lower one (newspaper convention: kicker above title).

use super::lines::{is_han, Line};
use super::meta;
use super::shape::{self, chars};

/// Most lines a headline block may have.
const MAX_BLOCK: usize = 5;
/// Lines from the top of a section where a title pointed at by the chrome is looked for.
const HINT_REACH: usize = 10;
/// Lead-paragraph overlap difference that decides between two headline lines.
const OVERLAP_MARGIN: f64 = 0.15;
/// A column label is this short (Han characters) or a quoted-only line.
const MAX_COLUMN_LABEL: usize = 4;

/// What the chrome step learned about the headline.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// Source line number (`Line::no`) of the title.
    pub title_line: Option<usize>,
}

/// The headline of a section and the body lines after it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headline {
    pub kicker: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    /// Authors from bylines and datelines.
    pub authors: Vec<String>,
    /// Photographers from credits (authors only when nobody else is named).
    pub photographers: Vec<String>,
    pub body: Vec<Line>,
    /// Text taken out of the section, as (kind, text) for the cleaning report.
    pub removed: Vec<(String, String)>,
}

impl Headline {
    fn add_authors(&mut self, names: Vec<String>) {
        for n in names {
            if !self.authors.contains(&n) {
                self.authors.push(n);
            }
        }
    }

    fn removed(&mut self, kind: &str, text: &str) {
        self.removed.push((kind.to_string(), text.to_string()));
    }
}

/// A line that may be part of a headline block. Never the salutation of a speech or the
/// addressees of a notice or letter (`各位代表、各位来宾：`, `各基层单位：`, `全市广大职工：`),
/// a question or answer of an interview (`问：…`), nor an agenda's item (`时间：…`): they
/// open the text.
fn block_line(text: &str) -> bool {
    shape::heading_like(text)
        && !addresses_readers(text)
        && !shape::opens_with_qa_marker(text)
        && !shape::is_labelled_item(text)
        && !super::dates::opens_with_day(text)
        && !shape::starts_with_enumerator(text)
        && meta::parse_byline_line(text).is_none()
        && meta::parse_credit(text).is_none()
        && meta::parse_dateline(text).is_none()
}

/// Whom a speech or a notice addresses, on a line of its own ending in a colon: a list of
/// addressees (`各位代表、各位来宾，女士们、先生们：`, `各基层单位：`, `同志们：`,
/// `尊敬的各位领导：`). A kicker ending in a colon (`聚焦两会：`) names a topic, not people.
fn addresses_readers(text: &str) -> bool {
    let Some(body) = text.strip_suffix(['：', ':']) else {
        return false;
    };
    chars(body) <= MAX_ADDRESS_CHARS
        && (["各", "尊敬的", "亲爱的", "親愛的"].iter().any(|p| body.starts_with(p))
            || body.contains("广大")
            || ADDRESSEES.iter().any(|a| body.ends_with(a)))
}

/// How a list of addressees ends (`同志们：`, `全市广大职工：`, `各位会员：`).
const ADDRESSEES: [&str; 8] = ["们", "們", "职工", "同志", "朋友", "会员", "工友", "同胞"];

/// Longest salutation line.
const MAX_ADDRESS_CHARS: usize = 40;

/// A column label above a headline: very short, or one quoted phrase.
fn column_label(text: &str) -> bool {
    let han = text.chars().filter(|&c| is_han(c)).count();
    (han <= MAX_COLUMN_LABEL && text.chars().all(is_han)) || shape::quoted_only(text)
}

fn is_dash_led(text: &str) -> bool {
    text.starts_with(['—', '－', '─']) || text.starts_with("--")
}

fn without_dash(text: &str) -> String {
    text.trim_start_matches(['—', '－', '─', '-', ' ']).trim().to_string()
}

/// Most byline lines read under a headline.
const MAX_BYLINE_LINES: usize = 3;

/// Take the headline and bylines from a section.
pub fn take_headline(section: Vec<Line>, hints: &Hints) -> Headline {
    let mut head = Headline::default();
    let mut lines = section;

    // The headline block: ends at the hinted title (plus a dash-led subtitle), or is the
    // run of headline-like lines at the top.
    let hinted = hints
        .title_line
        .and_then(|no| lines.iter().take(HINT_REACH).position(|l| l.no == no))
        .filter(|&h| block_line(&lines[h].text));
    // A dash-led line right above the date is the subtitle; the title is above it.
    let hinted = hinted.map(|h| {
        if h > 0 && is_dash_led(&lines[h].text) && block_line(&lines[h - 1].text) {
            h - 1
        } else {
            h
        }
    });
    let (start, title_at, end) = match hinted {
        Some(h) => {
            let mut start = h;
            while start > 0 && h - start + 1 < MAX_BLOCK && block_line(&lines[start - 1].text) {
                start -= 1;
            }
            let end = if lines
                .get(h + 1)
                .is_some_and(|l| block_line(&l.text) && is_dash_led(&l.text))
            {
                h + 2
            } else {
                h + 1
            };
            (start, Some(h - start), end)
        }
        None => {
            let run = lines.iter().take_while(|l| block_line(&l.text)).count();
            // Nothing but headlines: the last line is body, not a subtitle.
            let run = if run == lines.len() { run.saturating_sub(1) } else { run };
            // A long run of short lines is a poster or a list, not a headline block:
            // only its first line can be the title.
            let mut end = if run > MAX_BLOCK { 1 } else { run };
            // A line ending with a colon introduces the body (各区总工会：), unless a
            // headline line follows it.
            while end > 1 && lines[end - 1].text.ends_with(['：', ':']) {
                end -= 1;
            }
            (0, None, end)
        }
    };
    let block: Vec<Line> = lines.drain(start..end).collect();
    let mut block_texts: Vec<String> = block.into_iter().map(|l| l.text).collect();
    let mut title_at = title_at;

    // Bylines right under the headline, and a dateline opening the first paragraph; a
    // dateline on a line of its own may come before the byline (新华社北京1月17日电, then
    // 新华社记者樊曦).
    let at = start;
    let mut bylines = 0;
    while let Some(line) = lines.get_mut(at) {
        if let Some(names) = meta::parse_byline_line(&line.text).filter(|_| bylines < MAX_BYLINE_LINES) {
            let line = lines.remove(at);
            head.add_authors(names);
            head.removed("byline", &line.text);
            bylines += 1;
            continue;
        }
        let Some(d) = meta::parse_dateline(&line.text) else {
            break;
        };
        let prefix = line.text[..d.len].trim().to_string();
        head.add_authors(d.authors);
        head.removed("byline", &prefix);
        line.text = line.text[d.len..].trim().to_string();
        if !line.text.is_empty() {
            break;
        }
        lines.remove(at);
    }
    let lead = lines.get(at).map(|l| l.text.clone()).unwrap_or_default();

    // Column labels at the top of a block of several lines.
    while block_texts.len() >= 2
        && title_at != Some(0)
        && column_label(&block_texts[0])
        && block_texts[1..].iter().any(|l| !is_dash_led(l))
    {
        let label = block_texts.remove(0);
        head.removed("column", &label);
        title_at = title_at.map(|t| t - 1);
    }
    take_author_lines(&mut head, &mut block_texts, &mut title_at);
    assign_headline(&mut head, block_texts, title_at, &lead);
    head.title = head.title.map(|t| tidy_title(&t));

    closing_bylines(&mut head, &mut lines);
    for l in &lines {
        if let Some(names) = meta::parse_credit(&l.text) {
            for n in names {
                if !head.photographers.contains(&n) {
                    head.photographers.push(n);
                }
            }
        }
    }
    head.body = lines;
    head
}

/// Author lines in a headline block of several lines: padded names (`徐 良` under a paper's
/// title, see [`meta::padded_name_line`]) or several names (`柳姗姗 彭冰`, see
/// [`meta::name_list_line`]): bylines, never the title or subtitle, and so is the
/// affiliation line right under one ([`meta::is_affiliation_line`]). A block of that line
/// alone is left as it is: there is no other line to be the title.
fn take_author_lines(head: &mut Headline, block: &mut Vec<String>, title_at: &mut Option<usize>) {
    let mut k = 0;
    while k < block.len() && block.len() >= 2 {
        let names = meta::padded_name_line(&block[k]).or_else(|| meta::name_list_line(&block[k]));
        let Some(names) = names else {
            k += 1;
            continue;
        };
        head.add_authors(names);
        remove_block_line(head, block, title_at, k);
        if block.len() >= 2 && block.get(k).is_some_and(|l| meta::is_affiliation_line(l)) {
            remove_block_line(head, block, title_at, k);
        }
    }
}

/// Longest site name a page title carries after an underscore (`…职工心“e”站_全球头条`).
const MAX_SITE_SUFFIX: usize = 16;

/// The title without what a page's `<title>` adds to it: the site's name after an
/// underscore, and separators left at its end (`… |`).
fn tidy_title(title: &str) -> String {
    let t = title.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '_' | '-' | '—'));
    let t = match t.rsplit_once('_') {
        Some((main, site))
            if chars(site) <= MAX_SITE_SUFFIX && !site.contains(char::is_whitespace) && chars(main.trim()) >= 4 =>
        {
            main.trim_end()
        }
        _ => t,
    };
    t.to_string()
}

/// Remove line `k` of the headline block as part of a byline, keeping `title_at` on its line.
fn remove_block_line(head: &mut Headline, block: &mut Vec<String>, title_at: &mut Option<usize>, k: usize) {
    let line = block.remove(k);
    head.removed("byline", &line);
    *title_at = match *title_at {
        Some(t) if t > k => Some(t - 1),
        Some(t) if t == k => None,
        other => other,
    };
}

/// Decide kicker, title and subtitle among the block's lines.
fn assign_headline(head: &mut Headline, mut block: Vec<String>, title_at: Option<usize>, lead: &str) {
    if block.is_empty() {
        return;
    }
    let join = |v: &[String]| -> Option<String> {
        let parts: Vec<String> = v.iter().map(|s| without_dash(s)).filter(|s| !s.is_empty()).collect();
        (!parts.is_empty()).then(|| parts.join(" "))
    };
    if let Some(mut t) = title_at.filter(|&t| t < block.len()) {
        // The chrome points at the line above the date; when that line and the one above
        // it are an unmarked pair, the lead decides which is the title (ties: the one
        // pointed at), so a title over an undashed subtitle is not read as a kicker.
        if t >= 1 && t + 1 == block.len() && !shape::ends_lead_in(&block[t - 1]) && !is_dash_led(&block[t]) {
            let (oa, ob) = (
                shape::bigram_overlap(&block[t - 1], lead),
                shape::bigram_overlap(&block[t], lead),
            );
            if oa - ob >= OVERLAP_MARGIN {
                t -= 1;
            }
        }
        head.kicker = join(&block[..t]);
        head.title = Some(block[t].clone());
        head.subtitle = join(&block[t + 1..]);
        return;
    }
    // A dash-led line and everything after it is the subtitle.
    if let Some(s) = block.iter().skip(1).position(|l| is_dash_led(l)).map(|p| p + 1) {
        head.subtitle = join(&block[s..]);
        block.truncate(s);
    }
    let n = block.len();
    if n == 1 {
        head.title = block.pop();
        return;
    }
    // Lines up to the last lead-in (？！……：) are the kicker; the title follows.
    if let Some(k) = (0..n - 1).rev().find(|&k| shape::ends_lead_in(&block[k])) {
        head.kicker = join(&block[..=k]);
        head.title = Some(block[k + 1].clone());
        if head.subtitle.is_none() {
            head.subtitle = join(&block[k + 2..]);
        }
        return;
    }
    let title = if n == 2 {
        pick_of_two(&block[0], &block[1], lead)
    } else {
        n - 2
    };
    head.kicker = join(&block[..title]);
    head.title = Some(block[title].clone());
    if head.subtitle.is_none() {
        head.subtitle = join(&block[title + 1..]);
    }
}

/// Index (0 or 1) of the title among two unmarked headline lines.
fn pick_of_two(a: &str, b: &str, lead: &str) -> usize {
    let (oa, ob) = (shape::bigram_overlap(a, lead), shape::bigram_overlap(b, lead));
    if ob - oa >= OVERLAP_MARGIN {
        1
    } else if oa - ob >= OVERLAP_MARGIN {
        0
    } else {
        1
    }
}

/// Bylines closing the section: `（王钰哲）`, `（湖南工人报全媒体记者 罗晓芳）`, a last
/// paragraph ending with `（记者 张三）`. Photo credits and captions may sit between.
///
/// Only the paragraphs that stay (credits) count towards how far back to look: a byline
/// taken out must not use up a look, or cleaning the output again would look one paragraph
/// further and take a byline the first pass kept.
fn closing_bylines(head: &mut Headline, lines: &mut Vec<Line>) {
    let mut k = lines.len();
    let mut credits_passed = 0;
    while k > 1 && credits_passed < 4 {
        k -= 1;
        let text = lines[k].text.clone();
        if meta::parse_credit(&text).is_some() {
            credits_passed += 1;
            continue;
        }
        let names = meta::parse_closing_byline(&text)
            .or_else(|| meta::parse_byline(&text).filter(|n| !n.is_empty() && chars(&text) <= 40));
        if let Some(names) = names {
            lines.remove(k);
            head.add_authors(names);
            head.removed("byline", &text);
            continue;
        }
        if let Some((names, at)) = meta::trailing_byline(&text) {
            head.add_authors(names);
            head.removed("byline", text[at..].trim());
            lines[k].text = text[..at].trim_end().to_string();
        }
        break;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts.iter().enumerate().map(|(i, t)| Line::new(*t, i + 1)).collect()
    }

    fn take(texts: &[&str]) -> Headline {
        take_headline(lines(texts), &Hints::default())
    }

    fn body(h: &Headline) -> Vec<&str> {
        h.body.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn title_then_dash_subtitle() {
        let head = take(&["标题", "——副题", "正文。"]);
        assert_eq!(head.title.as_deref(), Some("标题"));
        assert_eq!(head.subtitle.as_deref(), Some("副题"));
        assert_eq!(body(&head), ["正文。"]);
    }

    #[test]
    fn a_sentence_is_not_a_title() {
        let head = take(&["这是一句完整的话。", "第二句。"]);
        assert_eq!(head.title, None);
        assert_eq!(head.body.len(), 2);
    }

    #[test]
    fn a_paper_author_line_of_padded_names_is_a_byline_not_the_title() {
        for block in [
            ["新时代产业工人队伍建设改革的路径探析", "徐 良"],
            ["徐 良", "新时代产业工人队伍建设改革的路径探析"],
        ] {
            let head = take(&[
                block[0],
                block[1],
                "摘要：产业工人是工人阶级的主体力量，是创造社会财富的中坚力量。",
            ]);
            assert_eq!(head.title.as_deref(), Some("新时代产业工人队伍建设改革的路径探析"));
            assert_eq!(head.authors, ["徐良"]);
            assert_eq!(head.removed, [("byline".to_string(), "徐 良".to_string())]);
            assert_eq!(body(&head).len(), 1);
        }
        // With the affiliation under it: both go, neither is the subtitle.
        let head = take(&[
            "新时代产业工人队伍建设改革的路径探析",
            "徐 良",
            "（山西省总工会干部学校，山西 太原 030006）",
            "摘要：产业工人是工人阶级的主体力量，是创造社会财富的中坚力量。",
        ]);
        assert_eq!(head.title.as_deref(), Some("新时代产业工人队伍建设改革的路径探析"));
        assert_eq!(head.subtitle, None);
        assert_eq!(head.authors, ["徐良"]);
        assert_eq!(head.removed.len(), 2);
        // Alone it stays: there is no other line to be the title.
        let head = take(&[
            "徐 良",
            "摘要：产业工人是工人阶级的主体力量，是创造社会财富的中坚力量。",
        ]);
        assert!(head.authors.is_empty());
    }

    #[test]
    fn question_kicker_then_title_and_dateline_authors() {
        let head = take(&[
            "工会有为如何具体呈现？",
            "这份用“心”书写的答卷很“秀”",
            "通讯员蒋或森报道 去年以来，嘉兴秀洲区总工会聚焦工会主责主业。",
        ]);
        assert_eq!(head.kicker.as_deref(), Some("工会有为如何具体呈现？"));
        assert_eq!(head.title.as_deref(), Some("这份用“心”书写的答卷很“秀”"));
        assert_eq!(head.authors, ["蒋或森"]);
        assert_eq!(body(&head), ["去年以来，嘉兴秀洲区总工会聚焦工会主责主业。"]);
        assert_eq!(head.removed, [("byline".to_string(), "通讯员蒋或森报道".to_string())]);
    }

    #[test]
    fn column_label_dropped_and_lead_picks_the_title() {
        let head = take(&[
            "红五月",
            "讲好劳动故事有门道",
            "衢州劳模工匠理论宣讲团成员培训班开讲",
            "本报讯 记者李凡 通讯员徐冬云、姚磊报道 近日，衢州市总工会组织开展了劳模工匠理论宣讲团成员培训班活动。",
        ]);
        assert_eq!(head.kicker.as_deref(), Some("讲好劳动故事有门道"));
        assert_eq!(head.title.as_deref(), Some("衢州劳模工匠理论宣讲团成员培训班开讲"));
        assert_eq!(head.authors, ["李凡", "徐冬云", "姚磊"]);
        assert!(head.body[0].text.starts_with("近日，衢州市"));
        assert!(head.removed.contains(&("column".to_string(), "红五月".to_string())));
    }

    #[test]
    fn title_then_unmarked_subtitle() {
        let head = take(&[
            "湖州南浔工会多维度提升职工生活品质",
            "把关键小事办成暖心大事",
            "本报讯 记者程雪 通讯员张斌报道 在湖州太平微特电机有限公司，企业和职工实现了双提升。",
        ]);
        assert_eq!(head.title.as_deref(), Some("湖州南浔工会多维度提升职工生活品质"));
        assert_eq!(head.subtitle.as_deref(), Some("把关键小事办成暖心大事"));
        assert_eq!(head.authors, ["程雪", "张斌"]);
    }

    #[test]
    fn kicker_lines_up_to_an_ellipsis_and_quoted_column_label() {
        let head = take(&[
            "“守好红色根脉·班前十分钟活动”",
            "平阳“守好红色根脉·班前十分钟活动”",
            "除了与会代表带回“现场直击”，还有职工脱口秀……",
            "主打一个字，“鲜”",
            "记者邹伟锋、金钧胤报道 “走遍千山万水。”近日，平阳县总工会开展宣讲。",
            "近日，瑞成公司包装车间班前会上领讲员为大家宣讲。",
            "记者邹伟锋 摄",
        ]);
        assert_eq!(
            head.kicker.as_deref(),
            Some("平阳“守好红色根脉·班前十分钟活动” 除了与会代表带回“现场直击”，还有职工脱口秀……")
        );
        assert_eq!(head.title.as_deref(), Some("主打一个字，“鲜”"));
        assert_eq!(head.authors, ["邹伟锋", "金钧胤"]);
        assert_eq!(body(&head).last(), Some(&"记者邹伟锋 摄"));
        assert_eq!(head.photographers, ["邹伟锋"]);
    }

    #[test]
    fn hinted_title_with_kicker_above() {
        let mut ls = lines(&[
            "于继承中前行 在创新中开拓",
            "郑荣胜赴余杭区调研工会工作",
            "11月21日，郑荣胜赴余杭区调研。",
            "（王钰哲）",
        ]);
        ls[1].no = 7;
        let head = take_headline(ls, &Hints { title_line: Some(7) });
        assert_eq!(head.kicker.as_deref(), Some("于继承中前行 在创新中开拓"));
        assert_eq!(head.title.as_deref(), Some("郑荣胜赴余杭区调研工会工作"));
        assert_eq!(head.authors, ["王钰哲"]);
        assert_eq!(body(&head), ["11月21日，郑荣胜赴余杭区调研。"]);
    }

    #[test]
    fn byline_line_under_the_headline() {
        let head = take(&["工人日报-中工网记者 邹倜然 通讯员 胡慧霞", "五年感恩奋进，实干争先。"]);
        assert_eq!(head.title, None);
        assert_eq!(head.authors, ["邹倜然", "胡慧霞"]);
        assert_eq!(body(&head), ["五年感恩奋进，实干争先。"]);
    }

    #[test]
    fn names_under_the_title_are_its_authors() {
        let head = take(&[
            "职工书屋点亮“文化灯”",
            "柳姗姗 彭冰",
            "近日，市总工会命名了一批职工书屋。",
        ]);
        assert_eq!(head.title.as_deref(), Some("职工书屋点亮“文化灯”"));
        assert_eq!(head.subtitle, None);
        assert_eq!(head.authors, ["柳姗姗", "彭冰"]);
    }

    #[test]
    fn salutations_and_questions_open_the_text() {
        let head = take(&[
            "各位代表、各位来宾，女士们、先生们：",
            "大家上午好！",
            "迎着和煦的春风，两岸职工论坛今天开幕。",
        ]);
        assert_eq!(head.title, None);
        assert_eq!(head.kicker, None);
        assert_eq!(body(&head).len(), 3);
        let head = take(&["各基层单位：", "12月20日，集团公司召开了一届二次职代会。"]);
        assert_eq!(head.title, None);
        assert_eq!(body(&head).len(), 2);
        let head = take(&[
            "《工会法》知识学习问答",
            "问：各级政府如何保障工会参与的权利？",
            "答：各级人民政府应当为工会开展工作创造条件。",
        ]);
        assert_eq!(head.title.as_deref(), Some("《工会法》知识学习问答"));
        assert_eq!(body(&head).len(), 2);
        let head = take(&[
            "全市广大职工：",
            "五一国际劳动节即将到来，市总工会向大家致以节日的问候。",
        ]);
        assert_eq!(head.title, None);
        let head = take(&["时间：3月6日14:30", "地点：市职工服务中心", "主办单位：市总工会"]);
        assert_eq!(head.title, None);
        assert_eq!(body(&head).len(), 3);
        // A kicker naming a topic still leads the title.
        let head = take(&[
            "聚焦两会：",
            "工会代表委员热议职工权益保障",
            "3月5日，十四届全国人大三次会议开幕。",
        ]);
        assert_eq!(head.title.as_deref(), Some("工会代表委员热议职工权益保障"));
    }

    #[test]
    fn page_title_suffixes_are_not_the_title() {
        assert_eq!(
            tidy_title("烟台：工会“向日葵”职工心“e”站_全球头条"),
            "烟台：工会“向日葵”职工心“e”站"
        );
        assert_eq!(tidy_title("全总要闻 |"), "全总要闻");
        assert_eq!(tidy_title("职工书屋建设成果展示"), "职工书屋建设成果展示");
        assert_eq!(tidy_title("工会_a"), "工会_a");
    }

    #[test]
    fn byline_under_a_dateline_of_its_own() {
        let head = take(&[
            "冬日送关怀 工会行动持续推进",
            "新华社北京1月17日电",
            "新华社记者樊曦",
            "近日，北京市总工会慰问组走进交通枢纽。",
        ]);
        assert_eq!(head.title.as_deref(), Some("冬日送关怀 工会行动持续推进"));
        assert_eq!(head.authors, ["樊曦"]);
        assert_eq!(body(&head), ["近日，北京市总工会慰问组走进交通枢纽。"]);
    }

    #[test]
    fn closing_bylines_and_credits() {
        let head = take(&["标题", "正文第一段。", "（湖南工人报全媒体记者 罗晓芳）"]);
        assert_eq!(head.authors, ["罗晓芳"]);
        assert_eq!(body(&head), ["正文第一段。"]);
        let head = take(&["标题", "正文第一段。", "正文第二段。（记者 张三）"]);
        assert_eq!(head.authors, ["张三"]);
        assert_eq!(body(&head), ["正文第一段。", "正文第二段。"]);
        let head = take(&["“港口工匠”大比武", "正文第一段。", "通讯员杜斌斌 摄"]);
        assert!(head.authors.is_empty());
        assert_eq!(head.photographers, ["杜斌斌"]);
        assert_eq!(head.body.len(), 2);
    }

    #[test]
    fn bylines_among_closing_credits_all_go_so_a_second_pass_takes_none() {
        let closing = [
            "（王钰哲）",
            "通讯员杜斌斌 摄",
            "通讯员杜斌斌 摄",
            "通讯员杜斌斌 摄",
            "（王钰哲）",
        ];
        let mut texts = vec!["标题", "正文。"];
        texts.extend(closing);
        let head = take(&texts);
        assert_eq!(head.authors, ["王钰哲"]);
        assert_eq!(
            body(&head),
            ["正文。", "通讯员杜斌斌 摄", "通讯员杜斌斌 摄", "通讯员杜斌斌 摄"]
        );
        let mut again = vec!["标题"];
        again.extend(body(&head));
        assert_eq!(body(&take(&again)), body(&head));
    }

    #[test]
    fn only_four_credits_are_looked_past() {
        let credit = "通讯员杜斌斌 摄";
        let head = take(&["标题", "正文。", "（王钰哲）", credit, credit, credit, credit]);
        assert!(head.authors.is_empty());
        assert_eq!(head.body.len(), 6);
        let head = take(&["标题", "正文。", "（王钰哲）", credit, credit, credit]);
        assert_eq!(head.authors, ["王钰哲"]);
        assert_eq!(head.body.len(), 4);
    }

    #[test]
    fn body_sentences_mentioning_reporters_stay() {
        let head = take(&["标题", "记者了解到，基层工会服务阵地建设取得成效。", "正文。"]);
        assert_eq!(head.body.len(), 2);
        assert!(head.authors.is_empty());
    }
}
