//! Several articles on one page: a newspaper page (版面) scraped as one text holds several
//! articles. It is split at headline blocks followed by a dateline (本报讯, 记者…报道,
//! 通讯员…报道), and, once the page has shown itself to be a newspaper page, at a lone
//! headline followed by body text. Column labels (红五月, a quoted-only line) travel with
//! the headline block after them and are dropped there; photo captions and credits
//! (记者X 摄) stay with the article above them.
//!
//! An ordinary web page is one article: a page is split only when at least two datelines
//! open articles, so section heads (一是…, 统筹推动，坚持…) never split an article.

use super::lines::{ends_sentence, Line};
use super::meta;
use super::shape::{self, chars};

/// Most lines a headline block (column label, kicker, title, subtitle) may have.
const MAX_HEADLINE_LINES: usize = 5;
/// Body text (chars) a headline without a dateline must be followed by to start an article.
const MIN_ARTICLE_CHARS: usize = 80;
/// Longest headline (chars) accepted without a dateline.
const MAX_UNDATED_TITLE: usize = 24;

/// Split a page's lines into one section per article.
pub fn split(lines: Vec<Line>) -> Vec<Vec<Line>> {
    let starts = article_starts(&lines);
    if starts.len() < 2 {
        return vec![lines];
    }
    let mut sections: Vec<Vec<Line>> = Vec::with_capacity(starts.len());
    let mut bounds = starts.clone();
    bounds.push(lines.len());
    // Lines before the first headline block (a page header) join the first article.
    bounds[0] = 0;
    let mut rest = lines;
    for w in bounds.windows(2).rev() {
        let tail = rest.split_off(w[0]);
        sections.push(tail);
    }
    sections.reverse();
    sections.retain(|s| !s.is_empty());
    sections
}

/// True when a line opens an article body: a dateline (本报讯…, 记者X报道 …). A bracketed
/// byline alone on its line (`（记者 张三）`) is not one: articles print it last as often as
/// first, and as a boundary it would cut an article wherever a byline is repeated.
fn is_dateline(line: &Line) -> bool {
    let text = line.text.trim();
    let lone_bracketed = text.starts_with(['（', '(']) && text.ends_with(['）', ')']);
    !lone_bracketed && meta::parse_dateline(text).is_some()
}

/// A line that may belong to a headline block: short, without a full stop, and not a
/// byline or credit (a credit closes the article above).
fn block_line(text: &str) -> bool {
    shape::heading_like(text)
        && !super::dates::opens_with_day(text)
        && meta::parse_credit(text).is_none()
        && meta::parse_byline_line(text).is_none()
}

/// Index of the first line of the headline block ending just above `at`, if any.
fn headline_block_above(lines: &[Line], at: usize, floor: usize) -> Option<usize> {
    let mut start = at;
    while start > floor && at - start < MAX_HEADLINE_LINES && block_line(&lines[start - 1].text) {
        start -= 1;
    }
    (start < at).then_some(start)
}

/// First line index of every article on the page, in order.
fn article_starts(lines: &[Line]) -> Vec<usize> {
    let mut starts: Vec<usize> = Vec::new();
    let mut floor = 0;
    for i in 0..lines.len() {
        if !is_dateline(&lines[i]) {
            continue;
        }
        if let Some(start) = headline_block_above(lines, i, floor) {
            starts.push(start);
            floor = i + 1;
        }
    }
    if starts.len() < 2 {
        return starts;
    }
    let undated = undated_starts(lines, &starts);
    starts.extend(undated);
    starts.sort_unstable();
    starts.dedup();
    starts
}

/// Headlines without a dateline on a newspaper page: a short plain heading between two
/// paragraphs, followed by enough body text, with no sibling heading of the same shape in
/// its stretch of the page (sibling heads are section heads of one article).
fn undated_starts(lines: &[Line], dated: &[usize]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut bounds = dated.to_vec();
    bounds.push(lines.len());
    for w in bounds.windows(2) {
        let (from, to) = (w[0], w[1]);
        // Skip the dated headline block and its dateline.
        let body_from = (from..to).find(|&k| is_dateline(&lines[k])).map_or(from, |k| k + 1);
        let candidates: Vec<usize> = (body_from..to).filter(|&k| undated_headline(lines, k, to)).collect();
        let heads: Vec<(usize, Shape)> = (body_from..to)
            .filter(|&k| section_head(lines, k))
            .map(|k| (k, Shape::of(&lines[k].text)))
            .collect();
        for &k in &candidates {
            let shape = Shape::of(&lines[k].text);
            let has_sibling = heads.iter().any(|(h, other)| *h != k && shape.sibling_of(other));
            if !has_sibling {
                found.push(k);
            }
        }
    }
    found
}

/// A heading between two paragraphs (any shape): the set sibling heads are looked for in.
fn section_head(lines: &[Line], k: usize) -> bool {
    k > 0
        && k + 1 < lines.len()
        && shape::plain_heading(&lines[k].text)
        && (ends_sentence(&lines[k - 1].text) || meta::parse_credit(&lines[k - 1].text).is_some())
        && shape::body_like(&lines[k + 1].text)
}

fn undated_headline(lines: &[Line], k: usize, to: usize) -> bool {
    let text = &lines[k].text;
    if !section_head(lines, k)
        || chars(text) > MAX_UNDATED_TITLE
        || shape::starts_with_enumerator(text)
        || meta::parse_credit(text).is_some()
        || meta::parse_byline_line(text).is_some()
    {
        return false;
    }
    let body: usize = lines[k + 1..to]
        .iter()
        .take_while(|l| !shape::plain_heading(&l.text) || meta::parse_credit(&l.text).is_some())
        .map(|l| chars(&l.text))
        .sum();
    body >= MIN_ARTICLE_CHARS
}

/// The build of a heading: its inner punctuation and its Han bigrams. Two heads are
/// siblings when they share their build: the same inner punctuation (both `X：Y`, both
/// `X，Y`) or a common two-character word (答卷, 主阵地).
struct Shape {
    punct: Vec<char>,
    bigrams: std::collections::BTreeSet<[char; 2]>,
}

impl Shape {
    fn of(s: &str) -> Shape {
        Shape {
            punct: s
                .chars()
                .filter(|&c| matches!(c, '：' | ':' | '，' | ',' | ' ' | '·'))
                .collect(),
            bigrams: shape::han_bigrams(s).into_iter().collect(),
        }
    }

    fn sibling_of(&self, other: &Shape) -> bool {
        (!self.punct.is_empty() && self.punct == other.punct) || self.bigrams.iter().any(|g| other.bigrams.contains(g))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::lines::split_lines;

    fn sections(text: &str) -> Vec<Vec<String>> {
        split(split_lines(text, 1))
            .into_iter()
            .map(|s| s.into_iter().map(|l| l.text).collect())
            .collect()
    }

    const P1: &str = "去年以来，嘉兴秀洲区总工会聚焦工会主责主业，深化服务职工“十件实事”，取得了新成效。";
    const P2: &str = "活动还表彰了先进单位，并全面启动劳动竞赛。来自各行各业的工作者们还进行了主题大合唱，歌颂劳动。";

    #[test]
    fn newspaper_page_splits_at_dated_headlines() {
        let text = format!(
            "工会有为如何具体呈现？\n这份答卷很“秀”\n通讯员蒋或森报道 {P1}\n“初心”答卷：强化政治引领\n{P2}\n“匠心”答卷：培养技能人才\n{P2}\n红五月\n讲好劳动故事有门道\n衢州劳模工匠宣讲团培训班开讲\n本报讯 记者李凡 通讯员徐冬云、姚磊报道 {P1}\n{P2}\n“港口工匠”大比武\n{P2}\n{P2}\n通讯员杜斌斌 摄\n湖州南浔工会提升职工生活品质\n本报讯 记者程雪报道 {P1}"
        );
        let s = sections(&text);
        let firsts: Vec<&str> = s.iter().map(|x| x[0].as_str()).collect();
        assert_eq!(
            firsts,
            [
                "工会有为如何具体呈现？",
                "红五月",
                "“港口工匠”大比武",
                "湖州南浔工会提升职工生活品质"
            ]
        );
        assert_eq!(s[2].last().map(String::as_str), Some("通讯员杜斌斌 摄"));
        assert_eq!(s[0].len(), 7);
    }

    #[test]
    fn one_dateline_is_one_article() {
        let text = format!("标题\n本报讯 记者李凡报道 {P1}\n小标题一\n{P2}\n小标题二\n{P2}");
        assert_eq!(sections(&text).len(), 1);
    }

    #[test]
    fn lone_bracketed_bylines_open_no_article() {
        let text = format!("标题\n{P1}\n小标题一\n（记者 张凯）\n{P2}\n小标题二\n（记者 张凯）\n{P2}");
        assert_eq!(sections(&text).len(), 1);
        // Framed by a wire opener they do: 本报讯（记者 张三）.
        let text = format!("标题一\n本报讯（记者 张凯）{P1}\n标题二\n本报讯（记者 李凡）{P2}");
        assert_eq!(sections(&text).len(), 2);
    }

    #[test]
    fn section_heads_never_split_a_web_page() {
        let text = format!("湖南工会：瞄准“六强”\n{P1}\n统筹推动，坚持创新发展“主基调”\n{P2}\n党工共建，建好工会服务“主阵地”\n{P2}\n一是突出思想政治引领\n{P2}");
        assert_eq!(sections(&text).len(), 1);
    }

    #[test]
    fn two_lines_are_one_article() {
        assert_eq!(sections("标题\n正文。").len(), 1);
        assert_eq!(sections("").len(), 1);
    }
}
