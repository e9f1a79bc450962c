//! Pollution: a clean [`Doc`] as a scraper would have saved it from a reposting site — page
//! chrome around it, spam on top and inside, spun wording, Traditional script, broken lines,
//! odd spacing, sometimes GB18030 bytes — in the shares a crawl of union news shows.

use aho_corasick::{AhoCorasick, MatchKind};

use crate::material::{Material, CATEGORIES, FICTION, INJECTED_WORDS, SLOGANS, SPIN};
use crate::places::Gazetteer;
use crate::rng::Rng;
use crate::story::{person, Date, Doc, Story};

/// Which defects a raw file carries (counted in the generator's summary).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Defects {
    pub chrome: bool,
    pub spam_header: bool,
    pub link_farm: bool,
    pub injected: bool,
    pub spun: bool,
    pub traditional: bool,
    pub broken_lines: bool,
    pub gb18030: bool,
    pub crlf: bool,
    pub undated: bool,
}

/// Word spinning as a replacer (original → spun), built once.
pub struct Spinner {
    matcher: AhoCorasick,
    spun: Vec<&'static str>,
}

impl Spinner {
    pub fn new() -> Spinner {
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(SPIN.iter().map(|(from, _)| from))
            .expect("spin table builds an automaton (tested)");
        Spinner {
            matcher,
            spun: SPIN.iter().map(|(_, to)| *to).collect(),
        }
    }

    pub fn apply(&self, text: &str) -> String {
        self.matcher.replace_all(text, &self.spun)
    }
}

pub struct Polluter<'a> {
    pub material: &'a Material,
    pub gazetteer: &'a Gazetteer,
    pub spinner: &'a Spinner,
}

fn two(n: u32) -> String {
    format!("{n:02}")
}

/// Insert `piece` at a random character boundary inside `text` (never at the very start).
fn insert_inside(text: &mut String, piece: &str, rng: &mut Rng) {
    let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).skip(1).collect();
    if boundaries.is_empty() {
        text.push_str(piece);
    } else {
        text.insert_str(*rng.pick(&boundaries), piece);
    }
}

/// Break a long paragraph once or twice in the middle of a sentence, as seed 004's scraper did.
fn break_lines(text: &str, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() < 80 {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut cuts = vec![rng.range(20, chars.len() - 20)];
    if chars.len() > 200 && rng.chance(0.5) {
        cuts.push(rng.range(20, chars.len() - 20));
    }
    cuts.sort_unstable();
    let separator = if rng.chance(0.6) { "\n\n" } else { "\n" };
    for (i, c) in chars.iter().enumerate() {
        if cuts.contains(&i) {
            out.push_str(separator);
        }
        out.push(*c);
    }
    out
}

impl Polluter<'_> {
    /// The bytes of the raw file for `doc`, and the defects they carry.
    pub fn raw(&self, doc: &Doc, rng: &mut Rng) -> (Vec<u8>, Defects) {
        let mut defects = Defects::default();
        let page = matches!(doc, Doc::Page { .. });
        let scale = if page { 0.5 } else { 1.0 };
        defects.spun = rng.chance(0.06 * scale);
        defects.injected = rng.chance(0.08 * scale);
        defects.traditional = rng.chance(0.15);
        defects.spam_header = rng.chance(0.08);
        defects.link_farm = rng.chance(0.08);
        defects.broken_lines = rng.chance(if page { 0.4 } else { 0.12 });

        let body = match doc {
            Doc::Single(story) => self.single(story, &mut defects, rng),
            Doc::Page {
                column,
                page_no,
                stories,
            } => self.page(column, *page_no, stories, &mut defects, rng),
        };
        let body = if defects.spun { self.spinner.apply(&body) } else { body };
        let body = if defects.traditional {
            self.material.s2t.convert(&body)
        } else {
            body
        };
        let mut text = String::with_capacity(body.len() + 2048);
        if defects.spam_header {
            // Simplified even on Traditional pages, as in seed 003.
            let items: Vec<&str> = (0..rng.range(4, 8))
                .map(|_| rng.pick(&self.material.spam_titles).as_str())
                .collect();
            text.push_str(&items.join(","));
            text.push_str("\n\n");
        }
        text.push_str(&body);
        if defects.link_farm {
            let items: Vec<&str> = (0..rng.range(20, 45))
                .map(|_| rng.pick(&self.material.link_farm).as_str())
                .collect();
            text.push_str("\n\n主站蜘蛛池模板: ");
            text.push_str(&items.join("| "));
            text.push('\n');
        }
        defects.crlf = rng.chance(0.05);
        if defects.crlf {
            text = text.replace('\n', "\r\n");
        }
        defects.gb18030 = !defects.traditional && rng.chance(0.03);
        let bytes = if defects.gb18030 {
            encoding_rs::GB18030.encode(&text).0.into_owned()
        } else {
            text.into_bytes()
        };
        (bytes, defects)
    }

    fn single(&self, story: &Story, defects: &mut Defects, rng: &mut Rng) -> String {
        let mut out = String::new();
        let chrome = rng.chance(0.85);
        defects.chrome = chrome;
        if chrome {
            out.push_str(&self.breadcrumb(story, rng));
            out.push_str("\n\n");
        }
        if let Some(k) = &story.kicker {
            out.push_str(k);
            out.push('\n');
        }
        out.push_str(&story.title);
        out.push('\n');
        if let Some(s) = &story.subtitle {
            out.push_str(s);
            out.push('\n');
        }
        if rng.chance(0.92) {
            out.push_str(&self.meta(story, rng));
        } else {
            defects.undated = true;
        }
        out.push('\n');
        let byline_style = rng.below(4);
        if byline_style == 0 {
            out.push_str(&format!("{}记者 {}", story.source, story.reporter));
            if let Some(c) = &story.correspondent {
                out.push_str(&format!(" 通讯员 {c}"));
            }
            out.push('\n');
        }
        let mut blocks: Vec<String> = story.blocks.iter().map(|b| b.text().to_string()).collect();
        if byline_style == 1 {
            blocks[0] = format!("本报讯 记者{}报道 {}", story.reporter, blocks[0]);
        }
        if defects.injected {
            self.inject(&mut blocks, rng);
        }
        out.push_str(&self.layout(&blocks, defects.broken_lines, rng));
        if byline_style == 2 {
            out.push_str(&format!("\n（{}记者 {}）\n", story.source, story.reporter));
        }
        if chrome || rng.chance(0.3) {
            out.push('\n');
            out.push_str(&self.footer(story, rng));
        }
        out
    }

    fn page(&self, column: &str, page_no: usize, stories: &[Story], defects: &mut Defects, rng: &mut Rng) -> String {
        let first = &stories[0];
        let mut out = String::from("\n\n");
        defects.chrome = rng.chance(0.5);
        if defects.chrome {
            out.push_str(&format!("首页 > 数字报 > 第{page_no}版：{column}\n"));
        }
        if rng.chance(0.5) {
            let d = first.date;
            out.push_str(&format!(
                "{}　{}年{}月{}日　第{page_no}版\n",
                first.source, d.y, d.m, d.d
            ));
        } else {
            defects.undated = true;
        }
        out.push('\n');
        out.push_str(column);
        out.push_str("\n\n");
        for story in stories {
            if let Some(k) = &story.kicker {
                out.push_str(k);
                out.push_str("\n\n");
            }
            out.push_str(&story.title);
            out.push_str("\n\n");
            if let Some(s) = &story.subtitle {
                out.push_str(s);
                out.push_str("\n\n");
            }
            let mut blocks: Vec<String> = story.blocks.iter().map(|b| b.text().to_string()).collect();
            let by = match &story.correspondent {
                Some(c) => format!("本报讯 记者{} 通讯员{c}报道 ", story.reporter),
                None => format!("本报讯 记者{}报道 ", story.reporter),
            };
            blocks[0] = format!("{by}{}", blocks[0]);
            if defects.injected {
                self.inject(&mut blocks, rng);
            }
            for b in &blocks {
                let b = if defects.broken_lines {
                    break_lines(b, rng)
                } else {
                    b.clone()
                };
                out.push_str(&b);
                out.push_str("\n\n");
            }
            if rng.chance(0.3) {
                out.push_str(&format!("通讯员{} 摄\n\n", person(rng)));
            }
            out.push('\n');
        }
        if defects.chrome {
            out.push_str(&self.footer(first, rng));
        }
        out
    }

    fn breadcrumb(&self, story: &Story, rng: &mut Rng) -> String {
        let cat = rng.pick(CATEGORIES);
        match rng.below(5) {
            0 => format!("首页 > {cat} > 正文"),
            1 => format!("首页 / {cat} / {} / {}", rng.pick(CATEGORIES), story.title),
            2 => format!("您的位置：首页 >{cat} >"),
            3 => format!("当前位置：首页 >> {cat} >> 正文"),
            _ => format!("网站首页 | 新闻中心 | {cat} | 政策法规 | 联系我们\n首页 > {cat}"),
        }
    }

    /// The date/source/views line(s) under the title, in one of the portals' formats.
    fn meta(&self, story: &Story, rng: &mut Rng) -> String {
        let Date { y, m, d, hh, mm, ss } = story.date;
        let src = &story.source;
        let views = rng.range(30, 9000);
        let mut out = match rng.below(6) {
            0 => format!(
                "发布时间：{y}-{}-{} {}:{}:{}　来源：{src}　浏览次数：{views}\n",
                two(m),
                two(d),
                two(hh),
                two(mm),
                two(ss)
            ),
            1 => format!("{y}.{}.{} {}:{}\n\n文章来源：{src}\n", two(m), two(d), two(hh), two(mm)),
            2 => format!("-\n发布时间:{y}年{m}月{d}日\n"),
            3 => format!("{y}-{}-{} {}:{}:{} {src}\n", two(m), two(d), two(hh), two(mm), two(ss)),
            4 => format!(
                "时间：{y}/{m}/{d}　作者：{}　来源：{src}　【字体：大 中 小】\n",
                story.reporter
            ),
            _ => format!(
                "来源：{src}　　发布日期：{y}年{}月{}日　　【打印】【关闭】\n",
                two(m),
                two(d)
            ),
        };
        if rng.chance(0.15) {
            // A summary cut at a fixed length, mid-sentence (seed 001).
            let lead: String = story.blocks[0].text().chars().take(60).collect();
            out.push_str(&format!("\n摘要:\n\n{lead}\n"));
        }
        out
    }

    fn footer(&self, story: &Story, rng: &mut Rng) -> String {
        let mut lines = Vec::new();
        for _ in 0..rng.range(1, 4) {
            let line = match rng.below(11) {
                0 => format!("（{}）", story.reporter),
                1 => format!("责任编辑：{}", person(rng)),
                2 => format!("浏览次数：{}", rng.range(30, 9000)),
                3 => format!(" 来 源：{}", story.source),
                4 => "【打印本页】　【关闭窗口】".to_string(),
                5 => format!(
                    "上一篇：{}\n下一篇：{}",
                    rng.pick(SLOGANS),
                    rng.pick(SLOGANS)
                ),
                6 => "分享到：微信 微博 QQ空间".to_string(),
                7 => "免责声明：本网转载的文章出于传递更多信息之目的，并不意味着赞同其观点或证实其描述。如有侵权，请联系我们删除。".to_string(),
                8 => format!(
                    "风险提示及免责条款\n\n[温馨提示] 文章来源于{}，转载注明原文出处，此文观点与本站无关，理性阅读，版权属于原作者若无意侵犯媒体或个人知识产权，请联系我们，本站将在第一时间删掉，本站仅提供信息存储空间服务。",
                    story.source
                ),
                9 => "发表评论 (0)\n0/200\n暂无评论哦，快来评论一下吧！".to_string(),
                _ => format!(
                    "版权所有：{}总工会　　ICP备案号：ICP备{}号-1",
                    self.gazetteer.province(&story.region).name,
                    rng.range(10_000_000, 99_999_999)
                ),
            };
            lines.push(line);
        }
        lines.join("\n\n") + "\n"
    }

    /// Spam keywords (and now and then a fiction fragment) spliced inside sentences.
    fn inject(&self, blocks: &mut [String], rng: &mut Rng) {
        for _ in 0..rng.range(3, 12) {
            let i = rng.below(blocks.len());
            let word = *rng.pick(INJECTED_WORDS);
            insert_inside(&mut blocks[i], word, rng);
        }
        if rng.chance(0.3) {
            for _ in 0..rng.range(1, 2) {
                let i = rng.below(blocks.len());
                let fragment = *rng.pick(FICTION);
                insert_inside(&mut blocks[i], fragment, rng);
            }
        }
    }

    /// Paragraph separation, indentation and broken lines of one page.
    fn layout(&self, blocks: &[String], broken: bool, rng: &mut Rng) -> String {
        let separator = match rng.unit() {
            u if u < 0.45 => "\n\n",
            u if u < 0.75 => "\n",
            _ => "\n\n\n",
        };
        let indent = if rng.chance(0.2) { "\u{3000}\u{3000}" } else { "" };
        let mut out = String::new();
        for b in blocks {
            out.push_str(indent);
            if broken && rng.chance(0.5) {
                out.push_str(&break_lines(b, rng));
            } else {
                out.push_str(b);
            }
            out.push_str(separator);
            if rng.chance(0.04) {
                out.push_str("（资料图）");
                out.push_str(separator);
            }
        }
        out
    }
}

/// How many files carry each defect, for the generator's summary.
pub fn count(defects: &[Defects]) -> Vec<(&'static str, usize)> {
    let n = |f: fn(&Defects) -> bool| defects.iter().filter(|d| f(d)).count();
    vec![
        ("page chrome", n(|d| d.chrome)),
        ("spam title header", n(|d| d.spam_header)),
        ("link-farm footer", n(|d| d.link_farm)),
        ("injected keywords", n(|d| d.injected)),
        ("spun wording", n(|d| d.spun)),
        ("Traditional script", n(|d| d.traditional)),
        ("broken lines", n(|d| d.broken_lines)),
        ("GB18030 bytes", n(|d| d.gb18030)),
        ("CRLF line ends", n(|d| d.crlf)),
        ("no date line", n(|d| d.undated)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinner_uses_the_longest_original() {
        let s = Spinner::new();
        assert_eq!(s.apply("劳动者参加劳动竞赛"), "休息者餐与加入休息比赛");
    }

    #[test]
    fn broken_lines_keep_every_character() {
        let mut rng = Rng::for_article(5, 5);
        let text = "工".repeat(300);
        let broken = break_lines(&text, &mut rng);
        assert!(broken.contains('\n'));
        assert_eq!(broken.replace('\n', ""), text);
    }

    #[test]
    fn insertion_is_inside_the_text() {
        let mut rng = Rng::for_article(9, 9);
        let mut text = "工会工作".to_string();
        insert_inside(&mut text, "包养", &mut rng);
        assert_eq!(text.chars().count(), 6);
        assert!(!text.starts_with("包养"));
        assert_eq!(text.replace("包养", ""), "工会工作");
    }
}
