//! Page chrome: the text a site's template prints around an article. Navigation and
//! breadcrumbs (首页 / 要闻 / …, 您的位置), publication-info lines (发布时间, 来源, 作者,
//! 浏览次数, 字号 大 中 小, 打印, 关闭), summary boxes that repeat the lead (摘要), editor
//! and review lines (责任编辑, 初审/复审/终审), copyright, ICP and 公网安备 footers,
//! repost disclaimers (免责条款, 温馨提示), comment widgets (发表评论 (0), 0/200),
//! share prompts, 相关推荐/上一篇 lists, image placeholders ((资料图)), empty labels
//! (标签:), lone separator lines and a title printed twice.
//!
//! The metadata printed in those lines (date with its precision, source, authors, a
//! labelled title) is extracted before the lines go. Evidence for a removal is the shape of
//! the whole line: every part of it must be a label from `data/chrome-labels.txt` with a
//! short value, a date, or an outlet name; a sentence that merely starts with 来源 or
//! mentions 编辑 is never touched. Labels that are ambiguous in running text (时间, 标题)
//! are trusted only in the page's header or footer, the lines before the first or after the
//! last body paragraph. Every removed line is recorded in the report (kind `chrome`).

use std::collections::{BTreeMap, HashSet};

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::dates::{self, FoundDate};
use super::lines::{han_count, is_han};
use super::meta;
use super::shape::{self, chars};
use super::Page;
use crate::config::Config;
use crate::model::{DatePrecision, PubDate};

/// What a label announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cat {
    Date,
    Source,
    SourceOriginal,
    Author,
    /// A reporter label (记者): an author field beside a date or source; alone on its line
    /// it is a byline, left to the headline step.
    Reporter,
    Editor,
    Counter,
    Widget,
    Tag,
    Title,
    Subtitle,
    Kicker,
    Image,
    Related,
    Disclaimer,
    /// A label added in config without a category: a short-valued chrome field.
    Generic,
}

impl Cat {
    fn field(name: &str) -> Option<Cat> {
        Some(match name {
            "date" => Cat::Date,
            "source" => Cat::Source,
            "source-original" => Cat::SourceOriginal,
            "author" => Cat::Author,
            "reporter" => Cat::Reporter,
            "editor" => Cat::Editor,
            "counter" => Cat::Counter,
            "widget" => Cat::Widget,
            "tag" => Cat::Tag,
            "title" => Cat::Title,
            "subtitle" => Cat::Subtitle,
            "kicker" => Cat::Kicker,
            "image" => Cat::Image,
            "related" => Cat::Related,
            "disclaimer" => Cat::Disclaimer,
            "generic" => Cat::Generic,
            _ => return None,
        })
    }
}

/// Word lists of the non-field categories.
#[derive(Debug, Clone, Default)]
struct Words {
    summary: Vec<String>,
    nav: Vec<(String, bool)>,
    home: Vec<String>,
    disclaimer_phrase: Vec<String>,
    footer: Vec<String>,
    footer_label: Vec<String>,
    comment: Vec<String>,
    share_platform: HashSet<String>,
    related: Vec<String>,
    widget_verb: Vec<String>,
    widget_line: Vec<String>,
    end_mark: Vec<String>,
    /// Squeezed labels of these field categories, for whole-line checks.
    image: Vec<String>,
    disclaimer: Vec<String>,
}

/// Compiled chrome rules, built once per build.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Disclaimer vocabulary and the site's self-references, in one automaton each.
    disclaimer_ac: AhoCorasick,
    site_self_ac: AhoCorasick,
    footer_ac: AhoCorasick,
    /// Disclaimer and summary labels: what may open a long chrome line.
    lead_label_ac: AhoCorasick,
    /// Field label (spaces removed) → category and whether it is trusted only at the edges.
    fields: BTreeMap<String, (Cat, bool)>,
    /// Anchored alternation of the field labels, longest first, spaces allowed inside.
    field_re: Regex,
    /// First characters of the labels long enough to be read glued to the text before
    /// them (see [`MIN_GLUED_LABEL`]).
    glued_label_starts: HashSet<char>,
    /// Headline markers printed after a headline: （主题） （副题） （引题）.
    marker_re: Regex,
    words: Words,
}

/// Fewest characters of a label that counts glued to the text before it when a colon
/// follows it (`来源：杜集区总工会发布时间：2024-05-06`): a long label is never the end of a
/// word, where a short one may be (先进工作者：张三 is not an author field).
const MIN_GLUED_LABEL: usize = 4;

/// Longest label-only page-tool line (浏览提醒, 分享让更多人看到).
const MAX_WIDGET_WORD: usize = 8;

/// How a site's clock opens its line (今天是2026年03月04日 星期三): the date of the visit,
/// never the article's.
const TODAY_MARKERS: [&str; 3] = ["今天是", "今日是", "今天："];

/// Lines from the top of a page where labelled headlines (原题目…（主题）) are read.
const HEADLINE_REACH: usize = 8;

/// Words that show a disclaimer speaks about the site itself, not about the article's topic.
const SITE_SELF: [&str; 7] = ["本站", "本网", "本平台", "本公众号", "联系我们", "本網", "聯繫我們"];

impl Rules {
    pub fn new(config: &Config) -> Rules {
        let data = parse_data(include_str!("../../data/chrome-labels.txt"));
        let mut entries = data.clone();
        for extra in &config.clean.chrome_labels {
            let extra = extra.trim();
            match parse_data(extra).into_iter().next() {
                Some((cat, label, edge)) if Cat::field(&cat).is_some() || is_word_category(&cat) => {
                    entries.push((cat, label, edge))
                }
                _ if !extra.is_empty() => entries.push(("generic".into(), extra.to_string(), false)),
                _ => {}
            }
        }
        // Labels from config could, in the thousands, exceed the regex size limit: then
        // the compiled-in labels alone are used (a unit test proves they compile).
        Rules::build(entries).unwrap_or_else(|| Rules::build(data).expect("compiled-in chrome labels build"))
    }

    fn build(entries: Vec<(String, String, bool)>) -> Option<Rules> {
        let mut fields = BTreeMap::new();
        let mut words = Words::default();
        for (cat, label, edge) in entries {
            if cat == "related" {
                words.related.push(label.clone());
            }
            if let Some(c) = Cat::field(&cat) {
                fields.entry(squeeze(&label)).or_insert((c, edge));
                continue;
            }
            match cat.as_str() {
                "summary" => words.summary.push(label),
                "nav" => words.nav.push((label, edge)),
                "home" => words.home.push(label),
                "disclaimer-phrase" => words.disclaimer_phrase.push(label),
                "footer" => words.footer.push(label),
                "footer-label" => words.footer_label.push(label),
                "comment" => words.comment.push(label),
                "share-platform" => {
                    words.share_platform.insert(label);
                }
                "widget-verb" => words.widget_verb.push(label),
                "widget-line" => words.widget_line.push(label),
                "end-mark" => words.end_mark.push(label),
                _ => {}
            }
        }
        for (label, (cat, _)) in &fields {
            match cat {
                Cat::Image => words.image.push(label.clone()),
                Cat::Disclaimer => words.disclaimer.push(label.clone()),
                _ => {}
            }
        }
        for r in &mut words.related {
            *r = squeeze(r);
        }
        let mut labels: Vec<&String> = fields.keys().filter(|l| !l.is_empty()).collect();
        labels.sort_by(|a, b| chars(b).cmp(&chars(a)).then_with(|| a.cmp(b)));
        let alternation: Vec<String> = labels
            .iter()
            .map(|l| {
                l.chars()
                    .map(|c| regex::escape(&c.to_string()))
                    .collect::<Vec<_>>()
                    .join("[ ]?")
            })
            .collect();
        let field_re = Regex::new(&format!("^(?:{})", alternation.join("|"))).ok()?;
        let markers: Vec<String> = fields
            .iter()
            .filter(|(_, (c, _))| matches!(c, Cat::Title | Cat::Subtitle | Cat::Kicker))
            .map(|(l, _)| regex::escape(l))
            .collect();
        let marker_re = Regex::new(&format!(
            r"^(?P<text>.*?)\s*[（(](?P<label>{})[)）]$",
            markers.join("|")
        ))
        .ok()?;
        let disclaimer_ac = AhoCorasick::new(&words.disclaimer_phrase).ok()?;
        let site_self_ac = AhoCorasick::new(SITE_SELF).ok()?;
        let footer_ac = AhoCorasick::new(&words.footer).ok()?;
        let lead_label_ac = AhoCorasick::new(words.disclaimer.iter().chain(&words.summary)).ok()?;
        let glued_label_starts = fields
            .iter()
            .filter(|(label, (_, edge))| !edge && chars(label) >= MIN_GLUED_LABEL)
            .filter_map(|(label, _)| label.chars().next())
            .collect();
        Some(Rules {
            glued_label_starts,
            lead_label_ac,
            disclaimer_ac,
            site_self_ac,
            footer_ac,
            fields,
            field_re,
            marker_re,
            words,
        })
    }

    /// Extract metadata from chrome lines into `page.meta`, then remove them.
    pub fn apply(&self, page: &mut Page) {
        let texts: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
        let mut scan = Scan::new(self, &texts);
        scan.classify_lines();
        scan.summary_boxes();
        scan.related_lists();
        scan.bulleted_link_list();
        scan.repeated_titles();
        let edition = scan.found.edition_line.filter(|&i| scan.in_header(i));
        let first_pubinfo = edition.or_else(|| {
            scan.found
                .pubinfo_lines
                .iter()
                .copied()
                .filter(|&i| scan.in_header(i))
                .min()
        });
        let mut found = scan.found;
        let remove = scan.remove;
        found.dates.sort_by_key(|(i, _)| *i);
        found.sources.sort_by_key(|(i, _)| *i);
        let sources: Vec<SourceCand> = found.sources.into_iter().map(|(_, c)| c).collect();

        // Metadata, chosen on the evidence gathered.
        page.meta.date = found.dates.first().map(|(_, d)| *d).or(page.meta.date);
        if let Some(source) = choose_source(&sources, &found.disclaimers) {
            page.meta.source = Some(source);
        }
        for a in found.authors {
            if !page.meta.authors.contains(&a) {
                page.meta.authors.push(a);
            }
        }
        if found.title.is_some() {
            page.meta.title = found.title;
        }
        if found.subtitle.is_some() {
            page.meta.subtitle = found.subtitle;
        }
        if found.kicker.is_some() {
            page.meta.kicker = found.kicker;
        }
        page.meta.title_line = title_line(&page.lines, &remove, found.crumb_tail.as_deref(), first_pubinfo);

        let mut kept = Vec::with_capacity(page.lines.len());
        for (line, gone) in std::mem::take(&mut page.lines).into_iter().zip(remove) {
            if gone {
                page.report.remove("chrome", line.text);
            } else {
                kept.push(line);
            }
        }
        page.lines = kept;
    }
}

fn is_word_category(cat: &str) -> bool {
    matches!(
        cat,
        "summary"
            | "nav"
            | "home"
            | "disclaimer-phrase"
            | "footer"
            | "footer-label"
            | "comment"
            | "share-platform"
            | "related"
            | "widget-verb"
            | "widget-line"
            | "end-mark"
    )
}

/// `category label [edge]` entries of a data file.
fn parse_data(text: &str) -> Vec<(String, String, bool)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (cat, rest) = l.split_once(char::is_whitespace)?;
            let rest = rest.trim();
            let (label, edge) = match rest.strip_suffix(" edge") {
                Some(label) => (label.trim(), true),
                None => (rest, false),
            };
            (!label.is_empty()).then(|| (cat.to_string(), label.to_string(), edge))
        })
        .collect()
}

/// A label with its inner spaces removed (来 源 → 来源).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Brackets that templates wrap labels and buttons in; they carry no text.
fn is_decoration(c: char) -> bool {
    matches!(c, '【' | '】' | '[' | ']' | '「' | '」' | '〖' | '〗' | '［' | '］')
}

/// A line with its decorative brackets turned into spaces and a bracket around the whole
/// line taken off: `【字体：大 中 小】` → `字体：大 中 小`, `（责任编辑：张三）` → `责任编辑：张三`.
fn flatten(s: &str) -> String {
    // A bullet before a field (`• 来源：农民日报`, `- 评论列表`, as lists of page facts
    // and widgets print them).
    let t = s.trim().trim_start_matches(BULLETS).trim_start();
    let mut t = t.strip_prefix("- ").unwrap_or(t).trim_start();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            if !inner.contains([open, close]) {
                t = inner;
            }
        }
    }
    let replaced: String = t.chars().map(|c| if is_decoration(c) { ' ' } else { c }).collect();
    replaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Characters after which a new field may start.
fn is_field_gap(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '|' | '｜' | '丨' | '/' | '／' | '(' | ')' | '（' | '）' | '·' | '•' | '，' | ',' | '；' | ';'
        )
}

/// A short outlet or site name: 中工网, 人民网-人民日报, 云岭职工.
fn outlet_like(s: &str) -> bool {
    let n = chars(s);
    (1..=20).contains(&n)
        && s.chars().any(is_han)
        && s.chars()
            .all(|c| is_han(c) || c.is_alphanumeric() || matches!(c, ' ' | '-' | '－' | '·' | '_' | '/' | '／' | '.'))
}

/// True when a date in `s` is printed with a time of day.
fn timed(s: &str, found: &[FoundDate]) -> bool {
    found.iter().any(|d| s[d.range()].contains([':', '：', '时', '時']))
}

/// Words printed beside a date that are neither a date nor an outlet: weekdays, and the
/// location a platform shows (发表于浙江, IP属地：浙江).
fn is_noise_token(token: &str) -> bool {
    let weekday = (token.starts_with("星期") || token.starts_with('周') || token.starts_with("禮拜"))
        && chars(token) <= 3
        && token.chars().last().is_some_and(|c| "一二三四五六日天".contains(c));
    let address = token.starts_with("//") || token.starts_with("http") || token.starts_with("www.");
    // A bare number beside a date is the page's view count (`2024-03-09 19:27:16 62`).
    let count = (1..=7).contains(&token.len()) && token.bytes().all(|b| b.is_ascii_digit());
    // A count before its label (0次浏览, 24人阅读).
    let counted = token.starts_with(|c: char| c.is_ascii_digit())
        && ["次浏览", "次阅读", "人阅读", "人浏览", "次点击"]
            .iter()
            .any(|l| token.ends_with(l));
    let count = count || counted;
    // Empty brackets a template left for a missing weekday or count (更新于：2021年8月4日（）).
    let empty = !token.is_empty() && token.chars().all(|c| matches!(c, '（' | '）' | '(' | ')' | '[' | ']'));
    weekday
        || address
        || count
        || empty
        || token.starts_with("发表于")
        || token.starts_with("發表於")
        || token.starts_with("IP属地")
}

/// The outlet name left beside a date: noise tokens and separators taken off.
fn outlet_text(rest: &str) -> String {
    rest.split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '丨'))
        .map(|t| t.trim_matches(|c: char| matches!(c, '-' | '—' | '/' | '／' | '·' | '：' | ':')))
        .filter(|t| !t.is_empty() && !is_noise_token(t))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Longest web address an article prints for its readers to type; a longer one alone on a
/// line is a share or tracking link (`…/index.html?data=eyJ…`, hundreds of characters).
const MAX_PRINTED_ADDRESS: usize = 80;

/// A web address alone on its line (`https://…/index.html?data=…`), as a copy prints the
/// page's share or source link under the article: no word of the article is in it. Trusted
/// above or below the article, or anywhere when longer than [`MAX_PRINTED_ADDRESS`]; never
/// after a line ending in a colon (`报名网址：` introduces an address the article gives its
/// readers).
fn is_bare_address(text: &str) -> bool {
    let text = text.trim();
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    ["http://", "https://", "//", "www."]
        .iter()
        .any(|p| lower.starts_with(p))
        && !text.contains(char::is_whitespace)
        && !text.chars().any(is_han)
}

/// File-name endings of images.
const IMAGE_EXTENSIONS: [&str; 6] = [".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"];

/// An image's file name and nothing else: one token with no Han character and an image
/// extension (`1698679625685.png`, `IMG_2031.JPG`). A sentence never reads so.
fn is_image_file_name(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    IMAGE_EXTENSIONS
        .iter()
        .filter_map(|ext| lower.strip_suffix(ext))
        .any(|stem| {
            !stem.is_empty()
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
}

/// The caption of a Markdown image that makes up the whole line (`![alt](url)`, followed at
/// most by a table bar), as a converter leaves an image of the page; None for anything else.
fn markdown_image_alt(squeezed: &str) -> Option<&str> {
    let rest = squeezed.trim_end_matches(['|', '｜']).strip_prefix("![")?;
    let (alt, after) = rest.split_once("](")?;
    let target = after.strip_suffix(')')?;
    (!target.contains([')', '(']) && !alt.contains(['[', ']'])).then_some(alt)
}

/// What an HTML comment left when a page was turned into text (`--> 2025-04-22 从忧“薪”到暖心——
/// 1 1 贵州日报 content_150528.html …`, an e-edition's hidden fields): text never holds
/// a comment's delimiters.
fn is_markup_residue(text: &str) -> bool {
    let t = text.trim().trim_start_matches(BULLETS).trim();
    t.starts_with("-->") || t.starts_with("<!--") || t.ends_with("-->") || is_only_tags(t)
}

/// HTML tags and nothing else (`<noscript id="kfqlb"></noscript>`), as a page's hidden
/// elements leave them in a careless copy.
fn is_only_tags(t: &str) -> bool {
    let mut rest = t.trim();
    let mut tags = 0;
    while let Some(after) = rest.strip_prefix('<') {
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        let Some(end) = after.find('>').filter(|_| is_tag) else {
            return false;
        };
        tags += 1;
        rest = after[end + 1..].trim_start();
    }
    tags > 0 && rest.is_empty()
}

/// A masthead naming the site's sponsor (`农民日报社主办`), above or below the article:
/// a short name followed by 主办, nothing else.
fn is_sponsor_line(text: &str) -> bool {
    let t = text.trim();
    let name = t.strip_suffix("主办").or_else(|| t.strip_suffix("主辦"));
    // 由…和…联合主办 closes a sentence about an event, not a page.
    let sentence_words = ["由", "和", "与", "及", "联合", "共同", "等"];
    name.is_some_and(|n| {
        (2..=16).contains(&chars(n))
            && n.chars().all(|c| is_han(c) || c.is_alphanumeric())
            && !sentence_words.iter().any(|w| n.contains(w))
    })
}

/// A newspaper's jump line: where a story continues or came from on another page
/// (`（上接第1版）`, `（下转第三版）`, `(转A3版)`): the page label behind a jump verb.
fn is_jump_line(text: &str) -> bool {
    let inner = text
        .trim()
        .trim_start_matches(['（', '(', '【', '['])
        .trim_end_matches(['）', ')', '】', ']']);
    ["上接", "下转", "紧接", "接", "转", "下轉", "緊接", "轉"]
        .iter()
        .find_map(|verb| inner.strip_prefix(verb))
        .is_some_and(|label| chars(label) <= 8 && is_page_label(label.trim()))
}

/// A page number alone on a line (`01`, as an e-edition prints it under 头版): trusted only
/// above or below the article, where no paragraph is a bare number.
fn is_page_number(text: &str) -> bool {
    (1..=3).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// A newspaper page label: 第03版：要闻, 第 5 版 综合新闻, A3版, 头版.
fn is_page_label(text: &str) -> bool {
    if chars(text) > 24 || text.contains(['。', '，']) {
        return false;
    }
    let t = text.trim_start_matches(['【', '[', ' ']);
    // An e-edition prints the issue before the page (第8686期：第01版 首版).
    let t = without_issue_number(t);
    // 头版, 头版：要闻 (the front page, named rather than numbered).
    if let Some(after) = t
        .strip_prefix("头版")
        .or_else(|| t.strip_prefix("頭版"))
        .or_else(|| t.strip_prefix("首版"))
    {
        let after = after.trim_end_matches(['】', ']', ' ']);
        return after.is_empty() || after.starts_with(['：', ':', ' ']);
    }
    let Some(rest) = t.strip_prefix('第') else {
        // A3版, B02版
        let mut cs = t.chars();
        let letter = cs.next().is_some_and(|c| c.is_ascii_uppercase());
        let digits: String = cs.clone().take_while(|c| c.is_ascii_digit()).collect();
        let after = t.get(1 + digits.len()..).unwrap_or("");
        return letter && !digits.is_empty() && (after.starts_with('版') || after.starts_with("版："));
    };
    let rest = rest.trim_start();
    let digits = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c) || "一二三四五六七八九十".contains(*c))
        .count();
    digits > 0
        && rest
            .chars()
            .skip(digits)
            .collect::<String>()
            .trim_start()
            .starts_with('版')
}

/// The text after an issue number opening it (`第8686期：`), or the text itself.
fn without_issue_number(t: &str) -> &str {
    let Some(rest) = t.strip_prefix('第') else { return t };
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match rest[digits..].strip_prefix('期') {
        Some(after) if digits > 0 => after.trim_start_matches(['：', ':', ' ']),
        _ => t,
    }
}

/// A line of links separated by bars: `A| B| C| D`, as printed by link farms and lists.
fn is_link_list(s: &str) -> bool {
    let items: Vec<&str> = s
        .split(['|', '｜', '丨'])
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .collect();
    items.len() >= 3 && items.iter().all(|i| chars(i) <= 30 && !i.contains('。'))
}

/// A source candidate and where it was printed.
#[derive(Debug, Clone)]
struct SourceCand {
    text: String,
    /// Printed under a label naming the original (原文来源, 转自).
    original: bool,
    /// Printed under a source label (来源), not merely next to a date.
    labelled: bool,
}

/// Metadata found while scanning.
#[derive(Debug, Default)]
struct Found {
    /// (line index, date), in the order found; sorted by line before use.
    dates: Vec<(usize, PubDate)>,
    sources: Vec<(usize, SourceCand)>,
    authors: Vec<String>,
    title: Option<String>,
    subtitle: Option<String>,
    kicker: Option<String>,
    crumb_tail: Option<String>,
    /// Lines that printed a date or a source.
    pubinfo_lines: Vec<usize>,
    /// Text of removed disclaimers (a source named there is the reposting site).
    disclaimers: Vec<String>,
    /// The first newspaper edition line (`《工人日报》（2016年01月11日 02版）`): the headline
    /// is printed right above it, whatever the page's masthead says before.
    edition_line: Option<usize>,
}

/// One field of a publication-info line.
#[derive(Debug)]
struct Field {
    cat: Cat,
    value: String,
}

/// Bullets a site prints before each link of a list.
const BULLETS: [char; 9] = ['·', '•', '●', '■', '□', '▪', '◆', '◇', '▶'];

/// Fewest items of a bulleted list of links the chrome step takes without a header.
const MIN_BULLETED_LINKS: usize = 3;

/// Longest line (chars) any chrome rule can take: longer lines are body text and are not
/// looked at again (this keeps the step fast on long articles).
const MAX_CHROME_CHARS: usize = 400;

/// Longer lines than this can only be a disclaimer or a summary box, which announce
/// themselves by a label at the start or a site self-reference.
const MAX_SHORT_CHARS: usize = 60;

/// A line as the rules read it, computed once: flattened (decorative brackets off) and
/// squeezed (spaces off, so 来 源 reads 来源).
struct View {
    flat: String,
    squeezed: String,
}

impl View {
    fn of(text: &str) -> View {
        let flat = flatten(text);
        let squeezed = squeeze(&flat);
        View { flat, squeezed }
    }
}

/// The state of one scan over a page.
struct Scan<'a> {
    rules: &'a Rules,
    texts: &'a [&'a str],
    /// Char count of every line.
    lens: Vec<usize>,
    /// Views of the lines short enough to be chrome.
    views: Vec<Option<View>>,
    remove: Vec<bool>,
    found: Found,
    first_body: Option<usize>,
    last_body: Option<usize>,
}

impl<'a> Scan<'a> {
    fn new(rules: &'a Rules, texts: &'a [&'a str]) -> Scan<'a> {
        let lens: Vec<usize> = texts.iter().map(|t| chars(t)).collect();
        let views = texts
            .iter()
            .zip(&lens)
            .map(|(t, &n)| {
                (n <= MAX_SHORT_CHARS || (n <= MAX_CHROME_CHARS && rules.may_be_long_chrome(t))).then(|| View::of(t))
            })
            .collect();
        Scan {
            rules,
            texts,
            lens,
            views,
            remove: vec![false; texts.len()],
            found: Found::default(),
            first_body: None,
            last_body: None,
        }
    }

    /// The run of body paragraphs: from the first to the last line that reads as running
    /// text (a full stop, or a long sentence), among the lines not already known as chrome.
    fn find_body_run(&mut self) {
        let paragraph = |k: &usize| {
            let (t, n) = (self.texts[*k], self.lens[*k]);
            !self.remove[*k]
                && !is_link_list(t)
                && ((n >= 10 && t.contains('。')) || (n >= 25 && super::lines::ends_sentence(t)) || n > 60)
        };
        self.first_body = (0..self.texts.len()).find(|k| paragraph(k));
        self.last_body = (0..self.texts.len()).rev().find(|k| paragraph(k));
    }

    fn in_header(&self, i: usize) -> bool {
        self.first_body.is_none_or(|f| i < f)
    }

    /// Header or footer: outside the run of body paragraphs.
    fn at_edge(&self, i: usize) -> bool {
        self.in_header(i) || self.last_body.is_none_or(|l| i > l)
    }

    /// Whether the line before line `i` ends in a colon, introducing it.
    fn follows_colon(&self, i: usize) -> bool {
        i.checked_sub(1)
            .and_then(|p| self.texts.get(p))
            .is_some_and(|t| t.trim_end().ends_with(['：', ':']))
    }

    /// Two passes: first the rules that hold anywhere (they also tell where the body
    /// runs), then, at the header and footer, the rules for labels that are ambiguous in
    /// running text.
    fn classify_lines(&mut self) {
        self.classify_pass(false);
        self.find_body_run();
        self.classify_pass(true);
    }

    fn classify_pass(&mut self, edges: bool) {
        for i in 0..self.texts.len() {
            // The second pass only has new rules for the header and footer.
            if self.remove[i] || (edges && !self.at_edge(i)) {
                continue;
            }
            let text = self.texts[i];
            let edge = edges && self.at_edge(i);
            // Addresses are checked whatever their length: a share link runs to hundreds of
            // characters, past the lines that get a view.
            if is_bare_address(text) && (edge || chars(text) > MAX_PRINTED_ADDRESS) && !self.follows_colon(i) {
                self.remove[i] = true;
                continue;
            }
            if is_markup_residue(text) {
                self.remove[i] = true;
                continue;
            }
            // A copyright line runs past the lines that get a view when it names the site's
            // address (`Copyright © 2008-2025 by www.workercn.cn. all rights reserved`).
            if self.views[i].is_none() && self.rules.has_footer_mark(text) {
                self.remove[i] = true;
                continue;
            }
            let Some(view) = self.views[i].take() else { continue };
            let gone = shape::is_separator(text)
                || self.breadcrumb(&view, edge)
                || self.headline_marker(i, text)
                || self.pubinfo(i, text, &view, edge)
                || self.edition_line(i, &view)
                || self.rules.has_footer_mark(text)
                || (edge && self.rules.is_footer_label_line(text))
                || self.disclaimer(text, &view, edge)
                || self.rules.is_comment_widget(&view, edge)
                || (edge && self.rules.is_share_line(text))
                || self.rules.is_image_placeholder(text, &view)
                || self.rules.is_end_mark(&view)
                || is_page_label(text)
                || is_jump_line(text)
                || (edge && is_sponsor_line(text))
                || (edge && is_page_number(text))
                || (edge && self.rules.is_widget_line(text));
            self.remove[i] = gone;
            self.views[i] = Some(view);
        }
    }

    fn disclaimer(&mut self, text: &str, view: &View, edge: bool) -> bool {
        let hit = self.rules.is_disclaimer(view, edge);
        if hit {
            self.found.disclaimers.push(text.to_string());
        }
        hit
    }

    /// Breadcrumb trails: 您的位置：首页 > 打榜 >, 首页 / 要闻 / 连锁经营 / <title>.
    fn breadcrumb(&mut self, view: &View, edge: bool) -> bool {
        let (flat, squeezed) = (&view.flat, &view.squeezed);
        let mut rest: Option<&str> = None;
        for (label, label_edge) in &self.rules.words.nav {
            if *label_edge && !edge {
                continue;
            }
            if let Some(r) = squeezed.strip_prefix(label.as_str()) {
                if r.is_empty() || r.starts_with(['：', ':', '>', '＞', '»', '›']) {
                    rest = Some(r);
                    break;
                }
            }
        }
        let items: Vec<String> = split_trail(rest.unwrap_or(flat));
        let is_home = |s: &str| self.rules.words.home.iter().any(|h| h == s);
        let trail = rest.is_some()
            || (items.len() >= 2 && is_home(&items[0]) && !flat.contains('。'))
            || (edge && items.len() == 1 && is_home(&items[0]))
            || (items.len() >= 3
                && flat.contains(['>', '＞', '»', '›'])
                && items[..items.len() - 1].iter().all(|i| chars(i) <= 12)
                && !flat.contains('。'))
            // 某某工人报官方网站 | 某某网首页: a site's bar at the top or bottom, one of its
            // items a link home.
            || (edge
                && items.len() >= 2
                && flat.contains(['|', '｜'])
                && items.iter().any(|i| self.rules.words.home.iter().any(|h| i.contains(h.as_str())))
                && items.iter().all(|i| chars(i) <= 16)
                && !flat.contains(['。', '，', '！', '？']))
            // 首页 深壹度 详情: a trail set with spaces, home first, in the header or footer.
            || (edge && is_spaced_trail(flat, is_home))
            // 某某新闻网>>工会新闻: a doubled arrow is a trail's own separator.
            || (items.len() >= 2
                && [">>", "＞＞", "»"].iter().any(|arrow| flat.contains(arrow))
                && items.iter().all(|i| chars(i) <= 12)
                && !flat.contains(['。', '，']));
        if !trail {
            return false;
        }
        if let Some(tail) = items.last() {
            if chars(tail) >= 6 && !is_home(tail) && self.found.crumb_tail.is_none() {
                self.found.crumb_tail = Some(tail.clone());
            }
        }
        true
    }

    /// Headline lines carrying a label after them, as reposts print the original headline:
    /// `牢记嘱托担使命 奋进争先走前列（主题）`, `——浙江工会五年工作回眸（副题）`.
    fn headline_marker(&mut self, i: usize, text: &str) -> bool {
        if i >= HEADLINE_REACH {
            return false;
        }
        let Some(caps) = self.rules.marker_re.captures(text) else {
            return false;
        };
        let label = caps.name("label").map_or("", |m| m.as_str());
        let inner = caps.name("text").map_or("", |m| m.as_str());
        // The line may also start with a label (原题目：…（主题）): the field rule reads it.
        let (inner, cat) = match self.rules.fields.get(label).map(|(c, _)| *c) {
            Some(cat) => (inner, cat),
            None => return false,
        };
        let fields = self.rules.field_hits(inner, true);
        let value = match fields.first() {
            Some((start, end, c)) if *start == 0 && matches!(c, Cat::Title | Cat::Subtitle | Cat::Kicker) => {
                inner[*end..].trim_start_matches(['：', ':', ' '])
            }
            _ => inner,
        };
        let value = clean_headline(value);
        if value.is_empty() || chars(&value) > 60 {
            return false;
        }
        self.set_headline(cat, value);
        true
    }

    fn set_headline(&mut self, cat: Cat, value: String) {
        let slot = match cat {
            Cat::Title => &mut self.found.title,
            Cat::Subtitle => &mut self.found.subtitle,
            _ => &mut self.found.kicker,
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }

    /// A publication-info line: labelled fields with short values, dates and outlet names,
    /// and nothing else.
    fn pubinfo(&mut self, i: usize, text: &str, view: &View, edge: bool) -> bool {
        if self.lens[i] > 150 || text.contains(['。', '！', '？', '!', '?']) {
            return false;
        }
        // A forum's edit notice (本帖最后由 某某 于 <date> 编辑) prints the repost's date
        // and a user name, which is no source.
        if self
            .rules
            .words
            .comment
            .iter()
            .any(|c| view.flat.starts_with(c.as_str()))
        {
            let dates: Vec<PubDate> = dates::find_dates(&view.flat).into_iter().map(|d| d.date).collect();
            if dates.is_empty() || self.lens[i] > MAX_SHORT_CHARS {
                return false;
            }
            self.commit(
                i,
                Extracted {
                    dates,
                    ..Extracted::default()
                },
            );
            return true;
        }
        // A site's clock (今天是2026年03月04日 星期三) prints the day of the visit.
        if TODAY_MARKERS.iter().any(|m| view.flat.starts_with(m)) && !dates::find_dates(&view.flat).is_empty() {
            return self.lens[i] <= MAX_SHORT_CHARS;
        }
        let Some((prefix, fields)) = self.rules.fields_of(&view.flat, edge) else {
            return false;
        };
        // The text before the first label: a date and an outlet name, or nothing.
        let prefix_dates = dates::find_dates(&prefix);
        if fields.is_empty() && !self.page_date_line(i, &prefix, &prefix_dates) {
            return false;
        }
        let outlet = outlet_text(&dates::without_dates(&prefix, &prefix_dates));
        if fields.is_empty() && !self.bare_date_line(&prefix, &prefix_dates, &outlet, edge) {
            return false;
        }
        if !outlet.is_empty() && !(outlet_like(&outlet) && (!prefix_dates.is_empty() || edge)) {
            return false;
        }
        let mut extracted = Extracted::default();
        for d in &prefix_dates {
            extracted.dates.push(d.date);
        }
        if !outlet.is_empty() {
            extracted.sources.push(SourceCand {
                text: outlet,
                original: false,
                labelled: false,
            });
        }
        for f in &fields {
            if !extracted.read(f) {
                return false;
            }
        }
        let only_reporters = !fields.is_empty() && fields.iter().all(|f| f.cat == Cat::Reporter);
        if only_reporters && extracted.dates.is_empty() && extracted.sources.is_empty() {
            return false;
        }
        if fields.is_empty() && self.is_signature_date(i, &prefix, &prefix_dates, &extracted) {
            // A date closing a notice under its signature is the notice's date, and part
            // of the text: read it, keep the line.
            self.commit(i, extracted);
            return false;
        }
        self.commit(i, extracted);
        true
    }

    /// A newspaper's edition line, as copies of its e-edition print it under the headline:
    /// the paper in title marks and, in brackets, the date and maybe the page
    /// (`《工人日报》（2016年01月11日 02版）`). Gives the date and the source.
    fn edition_line(&mut self, i: usize, view: &View) -> bool {
        let Some((outlet, after)) = view.flat.strip_prefix('《').and_then(|r| r.split_once('》')) else {
            return false;
        };
        let Some(inner) = after
            .trim()
            .strip_prefix(['（', '('])
            .and_then(|r| r.strip_suffix(['）', ')']))
        else {
            return false;
        };
        let found = dates::find_dates(inner);
        let [date] = found.as_slice() else { return false };
        let page = dates::without_dates(inner, &found);
        let page = page.trim();
        let numbered_page = |p: &str| p.strip_suffix('版').is_some_and(is_page_number);
        let page_ok = page.is_empty() || is_page_label(page) || numbered_page(page);
        if !outlet_like(outlet) || !page_ok || date.date.precision != DatePrecision::Day {
            return false;
        }
        let extracted = Extracted {
            dates: vec![date.date],
            sources: vec![SourceCand {
                text: outlet.to_string(),
                original: false,
                labelled: true,
            }],
            ..Extracted::default()
        };
        self.commit(i, extracted);
        self.found.edition_line.get_or_insert(i);
        true
    }

    /// Whether a line of a date without labels may be the page's date line: an outlet after
    /// the date is set apart from it (`2023年3月项目二期主体船闸开工` is a sentence), and a
    /// bare day differing from a date the page printed above it is a date the text gives
    /// (a timeline of short lines, as WeChat posts set them).
    fn page_date_line(&self, i: usize, prefix: &str, found: &[FoundDate]) -> bool {
        let (Some(first), Some(last)) = (found.first(), found.last()) else {
            return true;
        };
        let timed = timed(prefix, found);
        let glued = prefix[last.end..].chars().next().is_some_and(is_han);
        if glued && !timed {
            return false;
        }
        let bare = first.start == 0 && prefix[last.end..].trim().is_empty() && !timed;
        let mut earlier = self
            .found
            .dates
            .iter()
            .filter(|(k, _)| *k < i)
            .map(|(_, d)| d)
            .peekable();
        !(bare && earlier.peek().is_some() && earlier.all(|d| *d != first.date))
    }

    /// A line of a date (and maybe an outlet) without labels, at the header or footer, or
    /// anywhere when it prints a time (a timestamp is never body text): the date opens or
    /// closes the line and names at least a month, so that a headline mentioning a year
    /// (关于举办2023年…的通知) is not taken for one.
    fn bare_date_line(&self, prefix: &str, found: &[FoundDate], outlet: &str, edge: bool) -> bool {
        let (Some(first), Some(last)) = (found.first(), found.last()) else {
            return false;
        };
        (edge || timed(prefix, found))
            && found.iter().all(|d| d.date.precision != DatePrecision::Year)
            && (first.start == 0 || outlet_text(&prefix[last.end..]).is_empty())
            && !outlet.chars().any(|c| c.is_ascii_digit())
    }

    /// A bare date in the footer, printed without a time or an outlet: a signature date.
    fn is_signature_date(&self, i: usize, prefix: &str, found: &[FoundDate], ex: &Extracted) -> bool {
        let footer = !self.in_header(i);
        let timed = found
            .iter()
            .any(|d| prefix[d.range()].contains([':', '：', '时', '時']));
        footer && !timed && ex.sources.is_empty()
    }

    fn commit(&mut self, i: usize, ex: Extracted) {
        if !ex.dates.is_empty() || !ex.sources.is_empty() {
            self.found.pubinfo_lines.push(i);
        }
        for d in ex.dates {
            self.found.dates.push((i, d));
        }
        self.found.sources.extend(ex.sources.into_iter().map(|c| (i, c)));
        for a in ex.authors {
            if !self.found.authors.contains(&a) {
                self.found.authors.push(a);
            }
        }
        for (cat, value) in ex.headlines {
            self.set_headline(cat, value);
        }
    }

    /// Summary boxes: `摘要：` and a text that repeats the lead. The box and its text go;
    /// a summary that says something the body does not is kept (only an empty label goes).
    fn summary_boxes(&mut self) {
        for i in 0..self.texts.len() {
            if self.remove[i] {
                continue;
            }
            let Some(flat) = self.views[i].as_ref().map(|v| v.flat.as_str()) else {
                continue;
            };
            let Some(rest) = self.rules.words.summary.iter().find_map(|l| {
                let r = flat.strip_prefix(l.as_str())?;
                (r.is_empty() || r.starts_with(['：', ':', ' ']))
                    .then(|| r.trim_start_matches(['：', ':', ' ']).to_string())
            }) else {
                continue;
            };
            let (summary, lines) = if rest.is_empty() {
                match self.next_kept(i) {
                    Some(j) => (self.texts[j].to_string(), vec![i, j]),
                    None => (String::new(), vec![i]),
                }
            } else {
                (rest, vec![i])
            };
            let last = *lines.last().unwrap_or(&i);
            if self.repeats_following(&summary, last) {
                for k in lines {
                    self.remove[k] = true;
                }
            } else if self.texts[i].trim_end_matches(['：', ':', ' ']).chars().count() <= 6 && lines.len() == 2 {
                // An empty label before a summary of its own: keep the summary text.
                self.remove[i] = true;
            }
        }
    }

    fn next_kept(&self, i: usize) -> Option<usize> {
        (i + 1..self.texts.len()).find(|&j| !self.remove[j])
    }

    /// True when `summary` (cut short, maybe with an ellipsis) repeats the start of the
    /// text after line `after`.
    fn repeats_following(&self, summary: &str, after: usize) -> bool {
        let key = shape::text_key(summary.trim_end_matches(['…', '.', '。', ' ']));
        if chars(&key) < 8 {
            return false;
        }
        let mut body = String::new();
        for j in after + 1..self.texts.len() {
            if self.remove[j] {
                continue;
            }
            body.push_str(&shape::text_key(self.texts[j]));
            if body.len() >= key.len() + 64 {
                break;
            }
        }
        body.starts_with(&key) || (chars(&key) >= 20 && body.contains(&key))
    }

    /// 相关推荐 / 精彩推荐 / 上一篇 lists: the header, and the short link lines after it when
    /// the list closes the page.
    fn related_lists(&mut self) {
        let n = self.texts.len();
        for i in 0..n {
            let Some(view) = self.views[i].as_ref() else { continue };
            if view.squeezed.len() > 40 {
                continue;
            }
            let label = view
                .flat
                .trim_end_matches(['：', ':', '>', '＞', '»', '›', '+', ' '])
                .trim_end_matches("更多");
            let label = label.trim_end_matches(['：', ':', ' ', '>', '»']);
            let label = squeeze(label);
            if !self.rules.words.related.contains(&label) {
                continue;
            }
            self.remove[i] = true;
            // The links after it: short lines or bar-separated link lines, up to the end
            // of the page or to other chrome.
            let mut j = i + 1;
            let mut links = Vec::new();
            while j < n {
                let t = self.texts[j];
                if self.remove[j] {
                    j += 1;
                    continue;
                }
                let link = is_link_list(t) || (chars(t) <= 40 && !t.contains('。') && !shape::body_like(t));
                if !link {
                    break;
                }
                links.push(j);
                j += 1;
            }
            // Only a list that closes the page is taken: links followed by more text
            // might be the article's own short lines.
            if j == n {
                for k in links {
                    self.remove[k] = true;
                }
            }
        }
    }

    /// A list of headlines closing the page, each behind a bullet (`·天津北辰区总组建13个农民工
    /// 维权站`): the site's related-article links without their header. Taken only when it
    /// runs to the end of the page, after the last paragraph, with at least
    /// [`MIN_BULLETED_LINKS`] items that each read as a headline (no sentence inside).
    fn bulleted_link_list(&mut self) {
        let n = self.texts.len();
        let Some(last) = self.last_body else { return };
        let items: Vec<usize> = (last + 1..n).filter(|&k| !self.remove[k]).collect();
        let headline_item = |k: &usize| {
            let t = self.texts[*k].trim();
            t.strip_prefix(BULLETS).is_some_and(|rest| {
                let rest = rest.trim();
                (6..=40).contains(&chars(rest)) && rest.chars().any(is_han) && !rest.contains(['。', '；', ';'])
            })
        };
        if items.len() >= MIN_BULLETED_LINKS && items.iter().all(headline_item) {
            for k in items {
                self.remove[k] = true;
            }
        }
    }

    /// A headline printed twice in the header (page title bar, then the article): the
    /// second copy goes.
    fn repeated_titles(&mut self) {
        let mut seen: HashSet<String> = HashSet::new();
        for i in 0..self.texts.len() {
            if !self.in_header(i) {
                break;
            }
            if self.remove[i] {
                continue;
            }
            let key = shape::text_key(self.texts[i]);
            if key.is_empty() || !shape::heading_like(self.texts[i]) {
                continue;
            }
            if !seen.insert(key) {
                self.remove[i] = true;
            }
        }
    }
}

/// A breadcrumb trail whose items are separated by spaces only (`首页 深壹度 详情`): a link
/// home first, then two to five short items of words, no punctuation.
fn is_spaced_trail(flat: &str, is_home: impl Fn(&str) -> bool) -> bool {
    let items: Vec<&str> = flat.split_whitespace().collect();
    (3..=6).contains(&items.len())
        && is_home(items[0])
        && items
            .iter()
            .all(|i| chars(i) <= 8 && i.chars().all(|c| is_han(c) || c.is_alphanumeric()))
}

/// Items of a breadcrumb trail.
fn split_trail(s: &str) -> Vec<String> {
    s.split(['>', '＞', '»', '›', '→', '/', '／', '|', '｜', '：', ':'])
        .map(|i| i.trim().trim_end_matches('>').trim().to_string())
        .filter(|i| !i.is_empty())
        .collect()
}

/// Headline text from a label's value: without dashes before it or a marker after it.
fn clean_headline(s: &str) -> String {
    s.trim()
        .trim_start_matches(['—', '-', '－', '─', ' '])
        .trim()
        .to_string()
}

/// What one publication-info line says.
#[derive(Debug, Default)]
struct Extracted {
    dates: Vec<PubDate>,
    sources: Vec<SourceCand>,
    authors: Vec<String>,
    headlines: Vec<(Cat, String)>,
}

impl Extracted {
    /// Read one field; false when its value is not what such a label carries (then the
    /// line is not chrome).
    fn read(&mut self, f: &Field) -> bool {
        let v = f
            .value
            .trim_matches(|c: char| c.is_whitespace() || matches!(c, '：' | ':' | '|' | '｜'));
        let n = chars(v);
        match f.cat {
            Cat::Date => {
                if v.is_empty() {
                    return true;
                }
                let found: Vec<FoundDate> = dates::find_dates(v);
                let Some(first) = found.first() else { return false };
                let rest = outlet_text(&dates::without_dates(v, &found));
                if !rest.is_empty() {
                    // An outlet after the date (发布时间：2023-06-07 中工网); anything else
                    // (至6日, 上午9时) means a schedule, not a publication date.
                    if !outlet_like(&rest) || rest.chars().any(|c| c.is_ascii_digit()) || han_count(&rest) < 2 {
                        return false;
                    }
                    self.sources.push(SourceCand {
                        text: rest,
                        original: false,
                        labelled: false,
                    });
                }
                self.dates.push(first.date);
                true
            }
            Cat::Source | Cat::SourceOriginal => {
                if v.is_empty() {
                    return true;
                }
                let found = dates::find_dates(v);
                let rest = outlet_text(&dates::without_dates(v, &found));
                if chars(&rest) > 30 || rest.contains(['，', ',', '。']) {
                    return false;
                }
                self.dates.extend(found.iter().map(|d| d.date));
                let text = unquote_outlet(&rest).to_string();
                if !text.is_empty() && !is_serial_code(&text) {
                    self.sources.push(SourceCand {
                        text,
                        original: f.cat == Cat::SourceOriginal,
                        labelled: true,
                    });
                }
                true
            }
            Cat::Author | Cat::Reporter => {
                // A template that prints an empty author field before the date
                // (作者：  2025/4/28): the date is the line's, not a name.
                let found = dates::find_dates(v);
                self.dates.extend(found.iter().map(|d| d.date));
                let undated = if found.is_empty() {
                    v.to_string()
                } else {
                    outlet_text(&dates::without_dates(v, &found))
                };
                let v = undated.as_str();
                if v.is_empty() {
                    return true;
                }
                if chars(v) > 30 || v.contains(['。', '，']) {
                    return false;
                }
                let names = meta::parse_byline(v)
                    .filter(|a| !a.is_empty())
                    .or_else(|| meta::split_names(v))
                    .unwrap_or_else(|| {
                        v.split(['、', ' ', ',', '，', '/'])
                            .map(str::trim)
                            .filter(|s| !s.is_empty() && chars(s) <= 12)
                            .map(str::to_string)
                            .collect()
                    });
                self.authors.extend(names);
                true
            }
            Cat::Editor | Cat::Image => n <= 30 && !v.contains('，'),
            Cat::Counter => n <= 15,
            Cat::Widget | Cat::Generic => n <= 30,
            Cat::Tag => n <= 60 && v.split([' ', '、', ',', '，', ';', '；']).all(|t| chars(t) <= 12),
            Cat::Title | Cat::Subtitle | Cat::Kicker => {
                let value = clean_headline(v);
                if n > 60 {
                    return false;
                }
                if !value.is_empty() {
                    self.headlines.push((f.cat, value));
                }
                true
            }
            Cat::Related => n <= 60,
            Cat::Disclaimer => v.is_empty(),
        }
    }
}

impl Rules {
    /// Positions of the field labels in a (flattened) line: (start, end, category).
    fn field_hits(&self, s: &str, edge: bool) -> Vec<(usize, usize, Cat)> {
        // (start, end, category, ambiguous)
        let mut hits: Vec<(usize, usize, Cat, bool)> = Vec::new();
        let mut prev: Option<char> = None;
        for (i, c) in s.char_indices() {
            // A label may follow a time with no space (14:22:30来源：中工网), or the colon
            // of an empty field (来源：时间：2018-07-06): it must still be followed by a
            // separator to count.
            let field_start = prev.is_none_or(|p| is_field_gap(p) || p.is_ascii_digit() || matches!(p, '：' | ':'));
            prev = Some(c);
            let may_be_glued = !field_start && self.glued_label_starts.contains(&c);
            if !(field_start || may_be_glued) || hits.last().is_some_and(|h| i < h.1) {
                continue;
            }
            let Some(m) = self.field_re.find(&s[i..]) else { continue };
            let end = i + m.end();
            let label = squeeze(m.as_str());
            let Some(&(cat, label_edge)) = self.fields.get(&label) else {
                continue;
            };
            let next = s[end..].chars().next();
            let colon = next.is_some_and(|n| matches!(n, '：' | ':'));
            if may_be_glued && !(colon && !label_edge && chars(&label) >= MIN_GLUED_LABEL) {
                continue;
            }
            if label_edge && !edge && !colon {
                continue;
            }
            let separated = next.is_none_or(|n| {
                n.is_whitespace() || matches!(n, '：' | ':' | '|' | '｜' | '/' | '／' | ')' | '）' | '(' | '（')
            }) || (cat == Cat::Counter && next.is_some_and(|n| n.is_ascii_digit()));
            if separated {
                hits.push((i, end, cat, label_edge));
            }
        }
        // An ambiguous label (时间, 日期) is trusted in the body too when another label of
        // the line vouches for it and it is followed by its colon (日期：2017-01-23 来源：…):
        // alone it starts sentences and a notice's schedule (时间：3月6日上午).
        let vouched = edge || hits.iter().any(|h| !h.3);
        hits.into_iter()
            .filter(|h| vouched || !h.3)
            .map(|(start, end, cat, _)| (start, end, cat))
            .collect()
    }

    /// Split a flattened line into the text before its first label and its fields. None
    /// when the line holds no label and no date.
    fn fields_of(&self, flat: &str, edge: bool) -> Option<(String, Vec<Field>)> {
        let hits = self.field_hits(flat, edge);
        let prefix_end = hits.first().map_or(flat.len(), |h| h.0);
        let prefix = flat[..prefix_end].trim().to_string();
        if hits.is_empty() && dates::find_dates(&prefix).is_empty() {
            return None;
        }
        let fields = hits
            .iter()
            .enumerate()
            .map(|(k, &(_, end, cat))| {
                let until = hits.get(k + 1).map_or(flat.len(), |h| h.0);
                Field {
                    cat,
                    value: flat[end..until].trim().to_string(),
                }
            })
            .collect();
        Some((prefix, fields))
    }

    fn has_footer_mark(&self, text: &str) -> bool {
        text.len() <= 120 * 3 && chars(text) <= 120 && self.footer_ac.is_match(text)
    }

    fn is_footer_label_line(&self, text: &str) -> bool {
        chars(text) <= 80
            && !text.contains('。')
            && self.words.footer_label.iter().any(|l| text.starts_with(l.as_str()))
    }

    /// A long line that a chrome rule may still take: a disclaimer or summary label near
    /// its start, or a site self-reference (本站) somewhere in it.
    fn may_be_long_chrome(&self, text: &str) -> bool {
        let head_end = text.char_indices().nth(24).map_or(text.len(), |(i, _)| i);
        self.lead_label_ac.is_match(&text[..head_end]) || self.site_self_ac.is_match(text)
    }

    /// Repost disclaimers: a line opening with a disclaimer label and using its vocabulary,
    /// a lone disclaimer heading in the footer, or a line dense with disclaimer vocabulary
    /// that speaks about the site itself.
    fn is_disclaimer(&self, view: &View, edge: bool) -> bool {
        let labelled = self
            .words
            .disclaimer
            .iter()
            .filter_map(|l| view.squeezed.strip_prefix(l.as_str()))
            .min_by_key(|r| r.len());
        let hits = || {
            let mut seen: HashSet<usize> = HashSet::new();
            for m in self.disclaimer_ac.find_overlapping_iter(&view.flat) {
                seen.insert(m.pattern().as_usize());
            }
            seen.len()
        };
        match labelled {
            Some(rest) if rest.trim_matches(['：', ':']).is_empty() => edge,
            Some(_) => hits() >= 2,
            None => self.site_self_ac.is_match(&view.flat) && hits() >= 4,
        }
    }

    /// Comment widgets: 发表评论 (0), 暂无评论…, 0/200, 已有0条评论.
    fn is_comment_widget(&self, view: &View, edge: bool) -> bool {
        let flat = &view.flat;
        let n = chars(flat);
        if n <= 40 && self.words.comment.iter().any(|c| flat.starts_with(c.as_str())) {
            return true;
        }
        let digits_only = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_digit() || c.is_whitespace() || "()（）".contains(c))
        };
        for word in ["评论", "評論", "留言"] {
            if let Some(rest) = flat.strip_prefix(word) {
                if digits_only(rest) {
                    return true;
                }
            }
        }
        if edge {
            if let Some((a, b)) = flat.split_once('/') {
                let num = |s: &str| !s.trim().is_empty() && s.trim().chars().all(|c| c.is_ascii_digit());
                if num(a) && num(b) {
                    return true;
                }
            }
            for lead in ["已有", "共有", "共"] {
                if let Some(rest) = flat.strip_prefix(lead) {
                    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
                    if rest.len() < flat.len() - lead.len()
                        && (rest.starts_with("条评论") || rest.starts_with("人参与") || rest.starts_with("條評論"))
                    {
                        return n <= 20;
                    }
                }
            }
        }
        false
    }

    /// A line made only of share targets: 微信 微博 QQ空间.
    fn is_share_line(&self, text: &str) -> bool {
        let tokens: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || matches!(c, '|' | '｜' | '、' | '/' | '，' | ','))
            .filter(|t| !t.is_empty())
            .collect();
        tokens.len() >= 2 && tokens.iter().all(|t| self.words.share_platform.contains(*t))
    }

    /// Image placeholders: (资料图), [图片], 配图; an image left as Markdown without a
    /// caption (`![]()`, `![图片](…)`), or an image's file name alone (`1698679625685.png`).
    fn is_image_placeholder(&self, text: &str, view: &View) -> bool {
        let inner = view.squeezed.trim_matches(['（', '）', '(', ')']);
        let is_image_word = |w: &str| self.words.image.iter().any(|i| i == w);
        if is_image_word(inner) || is_image_file_name(&view.squeezed) {
            return true;
        }
        // The raw line: flattening takes the Markdown's brackets off.
        let raw = squeeze(text);
        markdown_image_alt(&raw).is_some_and(|alt| alt.is_empty() || is_image_word(alt) || is_image_file_name(alt))
    }

    /// Page-tool lines in the header or footer: very short label-only lines starting with
    /// a tool verb (浏览提醒, 阅读全文, 分享让更多人看到) and the fixed phrases of repost
    /// templates (返回搜狐，查看更多; 点击上方蓝字关注我们).
    fn is_widget_line(&self, text: &str) -> bool {
        let n = chars(text);
        let verb_only = n <= MAX_WIDGET_WORD
            && text.chars().all(is_han)
            && self.words.widget_verb.iter().any(|v| text.starts_with(v.as_str()));
        verb_only || (n <= 30 && self.words.widget_line.iter().any(|p| text.starts_with(p.as_str())))
    }

    /// End marks: （完）, 【全文完】, -END-.
    fn is_end_mark(&self, view: &View) -> bool {
        let inner = view.squeezed.trim_matches(['（', '）', '(', ')', '-', '—']);
        self.words.end_mark.iter().any(|w| w == inner)
    }
}

/// An outlet name without the quotes around it (`《工人日报》` → 工人日报); a title mark
/// inside the name stays with its pair (中工网--《工人日报》).
fn unquote_outlet(s: &str) -> &str {
    let t = s.trim_matches(['“', '”', '"', ' ']);
    match t.strip_prefix('《').and_then(|r| r.strip_suffix('》')) {
        Some(inner) if !inner.contains(['《', '》']) => inner,
        _ => t,
    }
}

/// A code where an outlet should be (来源： xw20240506): no Han character and a run of digits
/// as long as a date stamp's year, or a CMS account in lower case (发布来源：root). Outlet
/// names carry Han characters, few digits (CCTV-13), capitals (CGTN) or a dot (h-u.cn).
fn is_serial_code(text: &str) -> bool {
    let account = text.len() <= 16
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    !text.chars().any(is_han) && (text.chars().filter(char::is_ascii_digit).count() >= 4 || account)
}

/// The source to publish: a source printed as the original (原文来源, 转自) beats the
/// others; a source the page repeats or names in its repost disclaimer is the reposting
/// site and loses to one printed once; a labelled source (来源：) beats an outlet name
/// merely printed beside the date (a platform or account name); otherwise the first printed.
fn choose_source(cands: &[SourceCand], disclaimers: &[String]) -> Option<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in cands {
        *counts.entry(c.text.as_str()).or_default() += 1;
    }
    let mut best: Option<(i32, usize)> = None;
    for (k, c) in cands.iter().enumerate() {
        let repeats = counts.get(c.text.as_str()).copied().unwrap_or(0);
        let disclaimed = disclaimers.iter().any(|d| d.contains(&c.text));
        let score =
            4 * i32::from(c.original) + i32::from(c.labelled) - 2 * i32::from(repeats > 1) - 2 * i32::from(disclaimed);
        if best.is_none_or(|(s, _)| score > s) {
            best = Some((score, k));
        }
    }
    best.map(|(_, k)| cands[k].text.clone())
}

/// The line that carries the article's title, on the evidence of the chrome: the tail of
/// the breadcrumb trail printed again as a line, else the headline-like line printed just
/// before the publication-info line.
fn title_line(
    lines: &[super::lines::Line],
    remove: &[bool],
    crumb_tail: Option<&str>,
    first_pubinfo: Option<usize>,
) -> Option<usize> {
    if let Some(tail) = crumb_tail {
        let key = shape::text_key(tail);
        if let Some(l) = lines
            .iter()
            .zip(remove)
            .take(12)
            .find(|(l, gone)| !**gone && shape::text_key(&l.text) == key)
        {
            return Some(l.0.no);
        }
    }
    let info = first_pubinfo?;
    let before = (0..info).rev().find(|&k| !remove[k])?;
    let text = &lines[before].text;
    (shape::heading_like(text) && meta::parse_byline_line(text).is_none()).then(|| lines[before].no)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::Page;
    use crate::model::DatePrecision;

    fn page(text: &str) -> Page {
        Page::from_text("t.txt", text)
    }

    fn run(text: &str) -> Page {
        let mut p = page(text);
        Rules::new(&Config::default()).apply(&mut p);
        p
    }

    fn kept(p: &Page) -> Vec<&str> {
        p.lines.iter().map(|l| l.text.as_str()).collect()
    }

    const BODY: &str = "11月21日，市总工会主席赴余杭区调研工会工作，参观了两家企业的陈列厅和生产区域。";

    #[test]
    fn publication_info_lines_go_and_their_metadata_stays() {
        let p = run(&format!(
            "标题在此\n发布时间：2019年11月25日\n{BODY}\n来源：工人日报 作者：张三\n责任编辑：李四\n浏览次数：2635"
        ));
        assert_eq!(kept(&p), ["标题在此", BODY]);
        let d = p.meta.date.unwrap();
        assert_eq!((d.iso(), d.precision), ("2019-11-25".to_string(), DatePrecision::Day));
        assert_eq!(p.meta.source.as_deref(), Some("工人日报"));
        assert_eq!(p.meta.authors, ["张三"]);
        assert_eq!(p.meta.title_line, Some(1));
        assert_eq!(p.report.removed.len(), 4);
        assert!(p.report.removed.iter().all(|r| r.kind == "chrome"));
    }

    #[test]
    fn date_line_with_outlet() {
        let p = run(&format!(
            "湖南工会：瞄准“六强” 打造“桥头堡”\n2023-06-07 15:25:47 中工网\n{BODY}"
        ));
        assert_eq!(kept(&p).len(), 2);
        assert_eq!(p.meta.date.unwrap().iso(), "2023-06-07");
        assert_eq!(p.meta.source.as_deref(), Some("中工网"));
    }

    #[test]
    fn spaced_label_and_original_source_preferred() {
        let text = format!(
            "首页 / 要闻 / 连锁经营 / 云南省总工会出台十条举措\n云南省总工会出台十条举措\n2024.03.06 14:04\n文章来源:黑龙江省连锁经营协会\n{BODY}\n 来 源:云岭职工\n文章来源:黑龙江省连锁经营协会\n风险提示及免责条款\n[温馨提示] 文章来源于黑龙江省连锁经营协会,转载注明原文出处,此文观点与本站无关,版权属于原作者,请联系我们,本站将在第一时间删掉。\n发表评论 (0)\n0/200\n暂无评论哦,快来评论一下吧!"
        );
        let p = run(&text);
        assert_eq!(kept(&p), ["云南省总工会出台十条举措", BODY]);
        assert_eq!(p.meta.source.as_deref(), Some("云岭职工"));
        assert_eq!(p.meta.date.unwrap().iso(), "2024-03-06");
        assert_eq!(p.meta.title_line, Some(2));
    }

    #[test]
    fn summary_box_repeating_the_lead_goes_with_its_text() {
        let text = "市总工会召开全委会\n摘要:\n2月24日,省总工会全委会在昆明召开。省委副书记出席会议并讲话。他指出,今年是全面贯彻\n2月24日,省总工会全委会在昆明召开。\n省委副书记出席会议并讲话。他指出,今年是全面贯彻落实党的二十大精神的开局之年。";
        let p = run(text);
        assert_eq!(
            kept(&p),
            [
                "市总工会召开全委会",
                "2月24日,省总工会全委会在昆明召开。",
                "省委副书记出席会议并讲话。他指出,今年是全面贯彻落实党的二十大精神的开局之年。"
            ]
        );
    }

    #[test]
    fn summary_of_its_own_is_kept() {
        let text = format!("市总工会召开全委会\n摘要：本文回顾了五年来工会组织的主要成绩和经验。\n{BODY}");
        let p = run(&text);
        assert_eq!(kept(&p).len(), 3);
    }

    #[test]
    fn sentences_starting_with_labels_stay() {
        let lines = [
            "来源于群众的智慧，是工会工作的法宝。",
            "编辑部的同志们深入基层，倾听职工心声。",
            "作者在文中指出，要切实维护职工权益。",
            "来源：根据统计局数据，全市职工人数增长。",
            "温馨提示：请广大职工注意防暑降温。",
        ];
        let text = format!("{BODY}\n{}\n{BODY}", lines.join("\n"));
        let p = run(&text);
        assert_eq!(p.lines.len(), lines.len() + 2, "{:?}", p.report.removed);
    }

    #[test]
    fn ambiguous_labels_only_at_the_edges() {
        let text = format!("{BODY}\n时间：2023年5月1日\n{BODY}");
        assert_eq!(run(&text).lines.len(), 3);
        let text = format!("市总工会召开全委会\n时间：2023年5月1日\n{BODY}");
        let p = run(&text);
        assert_eq!(p.lines.len(), 2);
        assert_eq!(p.meta.date.unwrap().iso(), "2023-05-01");
    }

    #[test]
    fn no_year_no_date() {
        let p = run(&format!("市总工会召开全委会\n{BODY}\n2月24日"));
        assert_eq!(p.meta.date, None);
        assert_eq!(p.lines.len(), 3);
    }

    #[test]
    fn breadcrumb_widgets_footers_and_placeholders() {
        let text = format!(
            "您的位置:首頁 >打榜 >\n市总工会召开全委会\n【字体：大 中 小】【打印】【关闭】\n分享到：微信 微博 QQ空间\n{BODY}\n(资料图)\n{BODY}\n标签:\n-\n——\nCopyright © 2023 中工网 版权所有\n京ICP备12345678号\n相关推荐\n工会工作新闻一\n工会工作新闻二"
        );
        let p = run(&text);
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY, BODY]);
    }

    #[test]
    fn publication_bars_as_templates_print_them() {
        let cases = [
            (
                "2021-05-06 记者:王明 李文静 来源:工人日报",
                Some("2021-05-06"),
                Some("工人日报"),
                vec!["王明", "李文静"],
            ),
            (
                "//www.example.cn2021-05-06 10:20:30来源: 中工网",
                Some("2021-05-06"),
                Some("中工网"),
                vec![],
            ),
            (
                "www.example.cn 2021-05-06 10:20:30 来源: 中工网",
                Some("2021-05-06"),
                Some("中工网"),
                vec![],
            ),
            (
                "来源:新华社   作者:     2021/5/6  人气:8",
                Some("2021-05-06"),
                Some("新华社"),
                vec![],
            ),
            // An empty source field right before the next label: no source.
            ("来源: 时间:2018-07-06 09:18", Some("2018-07-06"), None, vec![]),
            ("来源：时间：2018-07-06 09:18", Some("2018-07-06"), None, vec![]),
            ("来源：作者：王明", None, None, vec!["王明"]),
            // A long label glued to the source before it.
            (
                "来源：杜集区总工会发布时间：2024-05-06",
                Some("2024-05-06"),
                Some("杜集区总工会"),
                vec![],
            ),
        ];
        for (bar, date, source, authors) in cases {
            let p = run(&format!("市总工会召开全委会\n{bar}\n{BODY}"));
            assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), date, "{bar}");
            assert_eq!(p.meta.source.as_deref(), source, "{bar}");
            assert_eq!(p.meta.authors, authors, "{bar}");
            assert_eq!(kept(&p), ["市总工会召开全委会", BODY], "{bar}");
        }
        // Between paragraphs (a page of several articles), 时间 after another label is
        // a field too, not part of the source.
        let p = run(&format!(
            "市总工会召开全委会\n{BODY}\n来源：工人日报 时间：2024-03-06\n{BODY}"
        ));
        assert_eq!(p.meta.source.as_deref(), Some("工人日报"));
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY, BODY]);
        // Reporters alone on their line are a byline: left for the byline step.
        let p = run(&format!("市总工会召开全委会\n记者 王明\n{BODY}"));
        assert_eq!(kept(&p), ["市总工会召开全委会", "记者 王明", BODY]);
    }

    #[test]
    fn site_bars_with_a_link_home() {
        let text = format!("某某工人报官方网站 | 某某网首页 今天是\n市总工会推进职工书屋建设\n{BODY}");
        assert_eq!(kept(&run(&text)), ["市总工会推进职工书屋建设", BODY]);
        // In the body, or without a home link, such a line stays.
        let text = format!("市总工会推进职工书屋建设\n{BODY}\n职工书屋 | 首页设计大赛\n{BODY}");
        assert_eq!(kept(&run(&text)).len(), 4);
    }

    #[test]
    fn serial_codes_are_not_sources() {
        let p = run(&format!("发布时间:2024-05-06 10:20:30 来源: xw20240506\n{BODY}"));
        assert_eq!(p.meta.source, None);
        assert_eq!(kept(&p), [BODY]);
        let p = run(&format!("来源：CCTV-13\n{BODY}"));
        assert_eq!(p.meta.source.as_deref(), Some("CCTV-13"));
    }

    #[test]
    fn trails_of_two_items_with_doubled_arrows() {
        let text = format!("某某新闻网>>工会新闻\n市总工会推进职工书屋建设\n{BODY}");
        assert_eq!(kept(&run(&text)), ["市总工会推进职工书屋建设", BODY]);
        for line in ["工会>>职工", "人民网 » 地方"] {
            assert_eq!(kept(&run(&format!("{line}\n{BODY}"))), [BODY], "{line}");
        }
        // A single arrow between two items, or a sentence with arrows, is not a trail.
        for line in ["产值>100万元", "效率提升>>成本下降，职工收入>>往年。"] {
            assert_eq!(kept(&run(&format!("{line}\n{BODY}"))), [line, BODY], "{line}");
        }
    }

    #[test]
    fn headline_labels() {
        let text = format!(
            "原题目:牢记嘱托担使命 奋进争先走前列(主题)\n——浙江工会五年工作回眸(副题)\n记者 张三\n浏览提醒\n{BODY}"
        );
        let p = run(&text);
        assert_eq!(p.meta.title.as_deref(), Some("牢记嘱托担使命 奋进争先走前列"));
        assert_eq!(p.meta.subtitle.as_deref(), Some("浙江工会五年工作回眸"));
        assert_eq!(kept(&p), ["记者 张三", BODY]);
    }

    #[test]
    fn widget_words_in_the_body_stay() {
        let text = format!("{BODY}\n阅读推广\n{BODY}");
        assert_eq!(run(&text).lines.len(), 3);
    }

    #[test]
    fn configured_labels_extend_the_data() {
        let mut config = Config::default();
        config.clean.chrome_labels = vec!["稿费".into(), "editor 值班主任".into()];
        let rules = Rules::new(&config);
        let mut p = page(&format!("市总工会召开全委会\n{BODY}\n稿费：100元\n值班主任：王五"));
        rules.apply(&mut p);
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn bare_dates_need_a_month_and_the_edge_of_the_line() {
        let p = run(&format!("关于举办2023年职工运动会的通知\n{BODY}"));
        assert_eq!(p.lines.len(), 2);
        assert_eq!(p.meta.date, None);
        let p = run(&format!("市总工会召开全委会\n2023年6月7日 星期三\n{BODY}"));
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
        assert_eq!(p.meta.date.unwrap().iso(), "2023-06-07");
    }

    #[test]
    fn signature_date_is_read_and_kept_timed_footer_date_goes() {
        let p = run(&format!("市总工会召开全委会\n{BODY}\n杭州市总工会\n2023年7月1日"));
        assert_eq!(p.lines.len(), 4);
        assert_eq!(p.meta.date.unwrap().iso(), "2023-07-01");
        let p = run(&format!("市总工会召开全委会\n{BODY}\n2023-07-01 10:20"));
        assert_eq!(p.lines.len(), 2);
    }

    #[test]
    fn schedule_dates_are_not_publication_dates() {
        let p = run(&format!("市总工会召开全委会\n时间：2023年8月5日至6日\n{BODY}"));
        assert_eq!(p.lines.len(), 3);
        assert_eq!(p.meta.date, None);
    }

    #[test]
    fn end_marks_and_template_phrases() {
        let p = run(&format!(
            "市总工会召开全委会\n{BODY}\n（完）\n返回搜狐，查看更多\n分享让更多人看到"
        ));
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn a_bare_address_under_the_article_goes_unless_a_line_introduces_it() {
        let share = format!(
            "https://m.example.com.cn/site1/mweb/index.html?data={}",
            "eyJhcnRpY2xlSWQiOjczNjkxMn0".repeat(4)
        );
        let p = run(&format!("市总工会召开全委会\n{BODY}\n{share}"));
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
        // A short one between two paragraphs may be the article's own: it stays.
        let p = run(&format!("市总工会召开全委会\n{BODY}\nwww.example.cn/signup\n{BODY}"));
        assert_eq!(kept(&p).len(), 4);
        let p = run(&format!(
            "市总工会召开全委会\n{BODY}\n报名网址：\nwww.example.cn/signup"
        ));
        assert_eq!(kept(&p).last(), Some(&"www.example.cn/signup"));
        assert!(is_bare_address("//www.example.cn/a.html"));
        assert!(!is_bare_address("https://www.example.cn 工会网站"));
        assert!(!is_bare_address("www.example.cn是市总工会的网站"));
    }

    #[test]
    fn newspaper_page_labels() {
        assert!(is_page_label("第03版：要闻"));
        assert!(is_page_label("第 5 版 综合新闻"));
        assert!(is_page_label("A3版"));
        assert!(is_page_label("头版"));
        assert!(is_page_label("头版：要闻"));
        assert!(is_page_label("第8686期：第01版 首版"));
        assert!(is_page_label("首版"));
        assert!(!is_page_label("第3期培训班开班"));
        assert!(!is_page_label("头版头条报道了职工书屋建设"));
        assert!(!is_page_label("第三版工会法修订后，职工权益得到更好保障。"));
        assert!(!is_page_label("第一次全体会议"));
        assert!(is_page_number("01"));
        assert!(!is_page_number("2024"));
        assert!(!is_page_number("1."));
    }

    #[test]
    fn compiled_in_labels_build() {
        let rules = Rules::build(parse_data(include_str!("../../data/chrome-labels.txt"))).unwrap();
        assert!(rules.fields.len() > 200);
        assert!(
            !rules.words.related.is_empty() && !rules.words.end_mark.is_empty() && !rules.words.widget_line.is_empty()
        );
    }

    #[test]
    fn odd_configured_labels_do_not_break_the_rules() {
        let mut config = Config::default();
        config.clean.chrome_labels = vec!["(.*".into(), " ".into(), "x".repeat(5000)];
        let rules = Rules::new(&config);
        let mut p = page(&format!("市总工会召开全委会\n{BODY}\n(.*：1"));
        rules.apply(&mut p);
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn a_bulleted_list_of_headlines_closing_the_page_is_a_related_list() {
        let links =
            "·天津北辰区总组建13个农民工维权站\n·甘肃山丹确保农民工工资按时足额发放\n·海南工会帮158名农民工讨回欠薪";
        let p = run(&format!("市总工会召开全委会\n{BODY}\n{links}"));
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
        // Followed by a paragraph, or too short to be headlines (a list of names), or only
        // two items: the article's own list.
        assert_eq!(kept(&run(&format!("市总工会召开全委会\n{links}\n{BODY}"))).len(), 5);
        let names = "·张三\n·李四\n·王五";
        assert_eq!(kept(&run(&format!("市总工会召开全委会\n{BODY}\n{names}"))).len(), 5);
        let two = "·天津北辰区总组建13个农民工维权站\n·海南工会帮158名农民工讨回欠薪";
        assert_eq!(kept(&run(&format!("市总工会召开全委会\n{BODY}\n{two}"))).len(), 4);
    }

    #[test]
    fn images_left_as_markdown_or_file_names_are_placeholders() {
        let text = format!("市总工会召开全委会\n![]()\n{BODY}\n![]() |\n{BODY}\n1698679625685.png\n![图片](https://example.cn/a.jpg)\n{BODY}");
        assert_eq!(kept(&run(&text)), ["市总工会召开全委会", BODY, BODY, BODY]);
        // A caption in the image stays (it is text), as does a sentence naming a file.
        let text = format!("市总工会召开全委会\n{BODY}\n![职工书屋揭牌](a.jpg)\n附件：报名表.png\n{BODY}");
        assert_eq!(kept(&run(&text)).len(), 5);
        assert!(is_image_file_name("IMG_2031.JPG"));
        assert!(!is_image_file_name(".png"));
        assert!(!is_image_file_name("见附图.png"));
    }

    #[test]
    fn jump_lines_of_a_newspaper_are_chrome() {
        for jump in ["（上接第1版）", "(下转第三版)", "【转A3版】", "（紧接第2版）"] {
            assert!(is_jump_line(jump), "{jump}");
        }
        for text in ["接第1版的报道，本报继续关注。", "转岗职工", "（上接）"] {
            assert!(!is_jump_line(text), "{text}");
        }
        let p = run(&format!("（上接第1版）\n{BODY}\n（下转第3版）"));
        assert_eq!(kept(&p), [BODY]);
    }

    #[test]
    fn ambiguous_labels_vouched_for_by_another_label() {
        // In the body (a page of several articles), 日期 before a source label is a field.
        let p = run(&format!("市总工会召开全委会\n{BODY}\n日期:2017-01-23   来源:\n{BODY}"));
        assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), Some("2017-01-23"));
        assert_eq!(p.meta.source, None);
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY, BODY]);
        // Alone, it is a notice's schedule and stays.
        let schedule = "时间：3月6日上午9时";
        assert_eq!(
            kept(&run(&format!("市总工会召开全委会\n{BODY}\n{schedule}\n{BODY}"))).len(),
            4
        );
    }

    #[test]
    fn outlets_keep_their_inner_title_marks() {
        let p = run(&format!(
            "市总工会召开全委会\n2013-12-16 05:52:34 来源: 中工网--《工人日报》\n{BODY}"
        ));
        assert_eq!(p.meta.source.as_deref(), Some("中工网--《工人日报》"));
        let p = run(&format!("市总工会召开全委会\n来源：《工人日报》\n{BODY}"));
        assert_eq!(p.meta.source.as_deref(), Some("工人日报"));
    }

    #[test]
    fn editors_of_every_kind_are_not_authors() {
        let p = run(&format!(
            "市总工会召开全委会\n2025年9月21日8:10 来源:工人日报 作者:王威 蔡文波 选稿:丁纯醇\n{BODY}"
        ));
        assert_eq!(p.meta.authors, ["王威", "蔡文波"]);
        assert_eq!(p.meta.source.as_deref(), Some("工人日报"));
    }

    #[test]
    fn repost_notices_clocks_follow_prompts_and_arrows_around_the_article() {
        let text = format!(
            "当前时间：\n市总工会召开全委会\n{BODY}\n↓↓↓\n{BODY}\n关注公众号，随时阅读某某工人报\n转载请注明:http://www.example.com/afhhy/6154.html\n配资理财提示：文章来自网络，不代表本站观点。"
        );
        assert_eq!(kept(&run(&text)), ["市总工会召开全委会", BODY, BODY]);
    }

    #[test]
    fn self_media_disclaimers_in_both_languages() {
        let text = format!(
            "市总工会召开全委会\n{BODY}\n特别声明：以上内容(如有图片或视频亦包括在内)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。\nNotice: The content above (including the pictures and videos if any) is uploaded and posted by a user of NetEase Hao, which is a social media platform and only provides information storage services."
        );
        assert_eq!(kept(&run(&text)), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn long_copyright_lines() {
        let text = format!(
            "市总工会召开全委会\n{BODY}\nCopyright © 2008-2025 by www.workercn.cn. all rights reserved and more words"
        );
        assert_eq!(kept(&run(&text)), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn a_forum_edit_notice_is_neither_date_nor_source() {
        let p = run(&format!(
            "本帖最后由 某某转播 于 2023-1-10 09:24 编辑\n市总工会召开全委会\n{BODY}"
        ));
        assert_eq!(p.meta.source, None);
        assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), Some("2023-01-10"));
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn edition_lines_give_the_date_and_the_paper() {
        let p = run(&format!(
            "夜访城市工人休息室\n《工人日报》(2016年01月11日 02版)\n{BODY}"
        ));
        assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), Some("2016-01-11"));
        assert_eq!(p.meta.source.as_deref(), Some("工人日报"));
        assert_eq!(kept(&p), ["夜访城市工人休息室", BODY]);
        // Under the site's channel name and the paper's masthead, the headline is the line
        // right above the edition line.
        let p = run(&format!(
            "中工娱乐\n工人日报 2021年12月22日 星期三\n寒冬中的温暖\n《工人日报》（2021年12月22日 02版）\n{BODY}"
        ));
        assert_eq!(p.meta.title_line, Some(3));
        let p = run(&format!("夜访城市工人休息室\n{BODY}\n《工人日报》（2021年12月22日）"));
        assert_eq!(p.meta.source.as_deref(), Some("工人日报"));
        // A title in title marks with a bracketed remark is text.
        for line in ["《工会法》（2021年12月24日修正）", "《职工书屋》（第2辑）"] {
            let p = run(&format!("夜访城市工人休息室\n{BODY}\n{line}\n{BODY}"));
            assert_eq!(kept(&p).len(), 4, "{line}");
        }
    }

    #[test]
    fn bulleted_page_facts_spaced_trails_and_sponsor_mastheads() {
        let text = format!(
            "农民日报社主办\n首页 深壹度 详情\n法律援助，解讨薪农民工维权之困\n• 来源:农民日报\n• 编辑:张轩铭\n• 作者:钟欣 李婧\n• 2024-03-15 07:54:10\n{BODY}"
        );
        let p = run(&text);
        assert_eq!(kept(&p), ["法律援助，解讨薪农民工维权之困", BODY]);
        assert_eq!(p.meta.source.as_deref(), Some("农民日报"));
        assert_eq!(p.meta.authors, ["钟欣", "李婧"]);
        assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), Some("2024-03-15"));
        assert_eq!(p.meta.title_line, Some(3));
        // In the body, a line of words set apart by spaces stays.
        let text = format!("市总工会召开全委会\n{BODY}\n首页 设计 大赛 获奖\n{BODY}");
        assert_eq!(kept(&run(&text)).len(), 4);
        assert!(!is_sponsor_line("由市总工会和市人社局联合主办"));
    }

    #[test]
    fn comment_residue_and_view_counts_beside_a_timestamp() {
        let text = format!(
            "市总工会召开全委会\n2024-03-09 19:27:16 62\n{BODY}\n--> 2025-04-22 从忧“薪”到暖心—— 1 1 贵州日报 content_150528.html 1 /enpproperty-->"
        );
        let p = run(&text);
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
        assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), Some("2024-03-09"));
        assert!(!is_markup_residue("职工书屋 -> 阅览室"));
        assert!(is_markup_residue("• <noscript id=\"kfqlb\"></noscript>"));
        assert!(is_markup_residue(
            "<form id=\"k\"><optgroup id=\"k\"></optgroup></form>"
        ));
        assert!(!is_markup_residue("<工会法>第三条规定，职工有权依法参加和组织工会。"));
        assert!(!is_markup_residue("a < b 且 c > d"));
    }

    #[test]
    fn toolbars_and_comment_box_disclaimers() {
        let text = format!(
            "市总工会召开全委会\n{BODY}\n[保存]     [全文浏览]     [ ]     [打印]     [关闭]     [我要留言]     [推荐朋友]     [返回首页]\n- 评论列表(网友评论仅供网友表达个人看法,并不表明本站同意其观点或证实其描述)"
        );
        assert_eq!(kept(&run(&text)), ["市总工会召开全委会", BODY]);
        let text = format!(
            "市总工会召开全委会\n{BODY}\n【免责声明】某某新闻客户端未标有“来源：某某新闻”的文字、图片、音频视频等稿件均为转载稿。如转载稿涉及版权等问题，请与某某新闻联系。"
        );
        assert_eq!(kept(&run(&text)), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn dates_the_text_gives_are_not_the_page_date() {
        // A timeline of short lines: the day under the page's date line stays.
        let text = format!(
            "这家工地邮局火了\n中工网 2024-05-01\n4月17日中午时分\n2023年9月19日\n主题邮局正式揭牌营业\n{BODY}"
        );
        let p = run(&text);
        assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), Some("2024-05-01"));
        assert!(kept(&p).contains(&"2023年9月19日"));
        // A date glued to the words after it opens a sentence.
        let text = format!("这家工地邮局火了\n2023年3月项目二期主体船闸开工没多久\n{BODY}");
        assert_eq!(kept(&run(&text)).len(), 3);
        // The same date printed twice, or a timed stamp, is the page's.
        let text = format!("市总工会召开全委会\n2024-05-01\n2024-05-01\n{BODY}");
        assert_eq!(kept(&run(&text)), ["市总工会召开全委会", BODY]);
    }

    #[test]
    fn a_site_clock_gives_no_date_and_accounts_are_no_source() {
        let text = format!("今天是：2026年03月04日 星期三\n市总工会召开全委会\n发布来源：root\n{BODY}");
        let p = run(&text);
        assert_eq!(p.meta.date, None);
        assert_eq!(p.meta.source, None);
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
        let p = run(&format!("市总工会召开全委会\n来源:某某县总工会 0次浏览\n{BODY}"));
        assert_eq!(p.meta.source.as_deref(), Some("某某县总工会"));
    }

    #[test]
    fn empty_brackets_beside_a_date() {
        let p = run(&format!(
            "市总工会召开全委会\n来源：某某县总工会 更新于：2021年8月4日（） 阅读：次\n{BODY}"
        ));
        assert_eq!(p.meta.date.map(|d| d.iso()).as_deref(), Some("2021-08-04"));
        assert_eq!(p.meta.source.as_deref(), Some("某某县总工会"));
        assert_eq!(kept(&p), ["市总工会召开全委会", BODY]);
    }
}
