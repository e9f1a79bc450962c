//! Spam: porn and gambling keyword lines and lists, spider-pool footers, keywords injected
//! inside sentences, and sentences of unrelated fiction injected mid-paragraph.
//!
//! Three passes, each removing only on evidence and recording every removal:
//! 1. spam lines (kind `spam-line`): a line opening with a spider-pool label
//!    (`data/spam-line-markers.txt`), or a line whose porn/gambling vocabulary
//!    (`data/spam-line-words.txt`, weighted) covers much of it, shaped as a list of short
//!    items or dense with strong words; runs of short title lines count together;
//! 2. injected keywords (kind `spam-keyword`, `data/spam-keywords.txt`): a core word with
//!    its prefixes and suffixes (甜心宝贝包养网, 包养网车马费) or a betting brand, cut out of
//!    the sentence, whose punctuation is then repaired. A page is cut only when it carries
//!    an advertising compound or a brand, or three core words;
//! 3. injected fiction (kind `fiction`, [`fiction`]): spans whose characters a web-novel
//!    model explains far better than a news model, that sit mid-sentence in a page that has
//!    spam evidence, chosen so that the news text around them joins up again.

mod fiction;

use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::Page;
use crate::config::Config;
use crate::model::CleaningReport;

const KEYWORDS: &str = include_str!("../../data/spam-keywords.txt");
const LINE_WORDS: &str = include_str!("../../data/spam-line-words.txt");
const LINE_MARKERS: &str = include_str!("../../data/spam-line-markers.txt");

/// Compiled spam lexicons, built once per build.
#[derive(Debug, Clone)]
pub struct Lexicon {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    keywords: Keywords,
    lines: LineLexicon,
    fiction: fiction::Detector,
}

/// What the spam passes found on a page: the page-level spam score.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpamEvidence {
    pub spam_lines: usize,
    /// Advertising compounds and brand names.
    pub ad_keywords: usize,
    /// Every keyword of a family, with or without affixes.
    pub core_keywords: usize,
}

impl SpamEvidence {
    /// Enough keyword evidence to cut keywords out of sentences.
    pub fn keywords_injected(&self) -> bool {
        self.ad_keywords >= 1 || self.core_keywords >= 3
    }

    /// Any spam evidence at all: the page went through a spam site.
    pub fn any(&self) -> bool {
        self.spam_lines > 0 || self.keywords_injected()
    }
}

impl Lexicon {
    pub fn new(config: &Config) -> Lexicon {
        let despin = super::despin::Table::new(config);
        Lexicon {
            inner: Arc::new(Inner {
                keywords: Keywords::new(KEYWORDS, &config.clean.spam_keywords),
                lines: LineLexicon::new(LINE_WORDS, LINE_MARKERS, &config.clean.spam_line_words),
                fiction: fiction::Detector::new(&despin),
            }),
        }
    }

    /// Remove spam from the page, recording every removal.
    pub fn apply(&self, page: &mut Page) {
        let inner = &self.inner;
        let mut evidence = SpamEvidence::default();

        // 1. Whole spam lines.
        let verdicts = inner.lines.judge_lines(page.lines.iter().map(|l| l.text.as_str()));
        let mut verdict = verdicts.into_iter();
        let report = &mut page.report;
        page.lines.retain(|line| {
            let spam = verdict.next().unwrap_or(false);
            if spam {
                report.remove("spam-line", line.text.as_str());
                evidence.spam_lines += 1;
            }
            !spam
        });

        // 2. Injected keywords.
        let hits: Vec<Vec<Hit>> = page.lines.iter().map(|l| inner.keywords.find(&l.text)).collect();
        for hit in hits.iter().flatten() {
            evidence.core_keywords += 1;
            if hit.ad {
                evidence.ad_keywords += 1;
            }
        }
        if evidence.keywords_injected() {
            for (line, hits) in page.lines.iter_mut().zip(&hits) {
                if !hits.is_empty() {
                    line.text = cut_spans(
                        &line.text,
                        hits.iter().map(|h| (h.start, h.end)),
                        "spam-keyword",
                        report,
                    );
                }
            }
        }

        // 3. Injected fiction.
        for line in &mut page.lines {
            let spans = inner.fiction.find(&line.text, evidence.any());
            if !spans.is_empty() {
                line.text = cut_spans(&line.text, spans.into_iter(), "fiction", report);
            }
        }
        page.lines
            .retain(|l| l.text.chars().any(|c| !c.is_whitespace() && !is_punct(c)));
    }

    /// The page-level evidence this lexicon would find in some lines (for tests and tools).
    pub fn evidence<'a>(&self, lines: impl IntoIterator<Item = &'a str>) -> SpamEvidence {
        let lines: Vec<&str> = lines.into_iter().collect();
        let mut evidence = SpamEvidence {
            spam_lines: self
                .inner
                .lines
                .judge_lines(lines.iter().copied())
                .iter()
                .filter(|&&s| s)
                .count(),
            ..SpamEvidence::default()
        };
        for hit in lines.iter().flat_map(|l| self.inner.keywords.find(l)) {
            evidence.core_keywords += 1;
            evidence.ad_keywords += usize::from(hit.ad);
        }
        evidence
    }
}

// ---------------------------------------------------------------------------------------------
// Cutting spans and repairing the sentence

/// Punctuation that separates clauses or ends sentences.
fn is_punct(c: char) -> bool {
    "，、；：。！？,;:!?.…—“”‘’\"'（）()《》「」".contains(c)
}

fn is_separator(c: char) -> bool {
    "，、；：,;:".contains(c)
}

fn is_final(c: char) -> bool {
    "。！？!?".contains(c)
}

/// Remove byte ranges from a line (sorted or not, possibly overlapping), recording each, and
/// repair the punctuation where the text joins up.
fn cut_spans(
    text: &str,
    spans: impl Iterator<Item = (usize, usize)>,
    kind: &str,
    report: &mut CleaningReport,
) -> String {
    let mut spans: Vec<(usize, usize)> = spans.filter(|(s, e)| s < e && *e <= text.len()).collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (s, e) in merged {
        report.remove(kind, &text[s..e]);
        out.push_str(&text[copied..s]);
        copied = e;
        join_repair(&mut out, &text[copied..], &mut copied);
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the text before a cut (`out`) meets the text after it, drop a punctuation mark that
/// would now be doubled (`，，` `、，` `，。` `。，`) and a space that would be doubled.
fn join_repair(out: &mut String, rest: &str, copied: &mut usize) {
    let (Some(left), Some(right)) = (out.chars().next_back(), rest.chars().next()) else {
        return;
    };
    if is_separator(left) && (is_separator(right) || is_final(right)) {
        out.pop();
    } else if is_final(left) && is_separator(right) {
        *copied += right.len_utf8();
    } else if left == ' ' && right == ' ' {
        *copied += 1;
    }
}

// ---------------------------------------------------------------------------------------------
// Data files with [sections]

/// Words per `[section]` of a data file, in file order; `#` lines are comments.
fn sections(data: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in data.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            out.push((name.to_string(), Vec::new()));
        } else if let Some((_, words)) = out.last_mut() {
            words.extend(line.split_whitespace().map(str::to_string));
        }
    }
    out
}

fn section<'a>(sections: &'a [(String, Vec<String>)], name: &str) -> &'a [String] {
    sections
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&[][..], |(_, w)| w.as_slice())
}

fn automaton<S: AsRef<[u8]>>(patterns: &[S]) -> AhoCorasick {
    // Plain literal patterns from compiled-in data and config: building cannot fail short of
    // exhausting memory.
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(patterns)
        .expect("spam automaton")
}

// ---------------------------------------------------------------------------------------------
// Injected keywords

#[derive(Debug, Clone, PartialEq, Eq)]
struct Hit {
    start: usize,
    end: usize,
    /// An advertising compound or a brand: evidence on its own.
    ad: bool,
}

#[derive(Debug)]
struct Affix {
    text: String,
    /// Characters that, right after the affix, mean it is not one (网 before 格 is 网格).
    blocked: Vec<char>,
    ad: bool,
}

#[derive(Debug)]
struct Keywords {
    ac: AhoCorasick,
    /// Per pattern: true for a core word, false for a standalone keyword.
    is_core: Vec<bool>,
    prefixes: Vec<Affix>,
    suffixes: Vec<Affix>,
    /// Advertising words cut with a standalone name after it.
    brand_suffixes: Vec<Affix>,
}

impl Keywords {
    fn new(data: &str, extra: &[String]) -> Keywords {
        let sections = sections(data);
        let affixes = |name: &str, ad: bool| -> Vec<Affix> {
            section(&sections, name)
                .iter()
                .map(|w| {
                    let (text, blocked) = w.split_once('!').unwrap_or((w.as_str(), ""));
                    Affix {
                        text: text.to_string(),
                        blocked: blocked.chars().collect(),
                        ad,
                    }
                })
                .collect()
        };
        let mut prefixes = affixes("prefix", true);
        prefixes.extend(affixes("prefix-weak", false));
        let mut suffixes = affixes("suffix", true);
        suffixes.extend(affixes("suffix-weak", false));
        // Longest first, so 网站 wins over 网.
        let mut brand_suffixes = affixes("brand-suffix", true);
        prefixes.sort_by_key(|a| std::cmp::Reverse(a.text.len()));
        suffixes.sort_by_key(|a| std::cmp::Reverse(a.text.len()));
        brand_suffixes.sort_by_key(|a| std::cmp::Reverse(a.text.len()));
        let core = section(&sections, "core");
        let standalone: Vec<&String> = section(&sections, "standalone")
            .iter()
            .chain(extra.iter().filter(|w| !w.trim().is_empty()))
            .collect();
        let mut patterns: Vec<&str> = core.iter().map(String::as_str).collect();
        patterns.extend(standalone.iter().map(|s| s.as_str()));
        let is_core = (0..patterns.len()).map(|i| i < core.len()).collect();
        Keywords {
            ac: automaton(&patterns),
            is_core,
            prefixes,
            suffixes,
            brand_suffixes,
        }
    }

    fn find(&self, text: &str) -> Vec<Hit> {
        let mut hits: Vec<Hit> = Vec::new();
        for m in self.ac.find_iter(text) {
            let mut hit = Hit {
                start: m.start(),
                end: m.end(),
                ad: !self.is_core[m.pattern().as_usize()],
            };
            if self.is_core[m.pattern().as_usize()] {
                self.extend(text, &mut hit);
            } else {
                grow_over_suffixes(&self.brand_suffixes, text, &mut hit);
            }
            match hits.last_mut() {
                Some(last) if hit.start <= last.end => {
                    last.end = last.end.max(hit.end);
                    last.ad |= hit.ad;
                }
                _ => hits.push(hit),
            }
        }
        hits
    }

    /// Grow a core hit over one prefix and up to three chained suffixes.
    fn extend(&self, text: &str, hit: &mut Hit) {
        if let Some(p) = self
            .prefixes
            .iter()
            .find(|p| text[..hit.start].ends_with(p.text.as_str()))
        {
            hit.start -= p.text.len();
            hit.ad |= p.ad;
        }
        grow_over_suffixes(&self.suffixes, text, hit);
    }
}

/// Grow a hit over up to three of `suffixes` chained after it (网 then 车马费, 手机版 then
/// 入口); an advertising suffix makes the hit evidence.
fn grow_over_suffixes(suffixes: &[Affix], text: &str, hit: &mut Hit) {
    for _ in 0..3 {
        let Some(s) = suffix_at(suffixes, &text[hit.end..]) else {
            break;
        };
        hit.end += s.text.len();
        hit.ad |= s.ad;
    }
}

/// The longest of `suffixes` that `rest` starts with, unless a character it excludes follows.
fn suffix_at<'a>(suffixes: &'a [Affix], rest: &str) -> Option<&'a Affix> {
    suffixes.iter().find(|s| {
        rest.starts_with(s.text.as_str())
            && !rest[s.text.len()..]
                .chars()
                .next()
                .is_some_and(|c| s.blocked.contains(&c))
    })
}

// ---------------------------------------------------------------------------------------------
// Spam lines

#[derive(Debug)]
struct LineLexicon {
    ac: AhoCorasick,
    weights: Vec<u8>,
    markers: Vec<String>,
}

/// Scores of one line against the line lexicon.
#[derive(Debug, Clone, Copy, Default)]
struct LineScore {
    weight: u32,
    strong: u32,
    covered: usize,
    chars: usize,
    items: usize,
    sentence_ends: usize,
}

impl LineScore {
    fn coverage(&self) -> f64 {
        if self.chars == 0 {
            0.0
        } else {
            self.covered as f64 / self.chars as f64
        }
    }

    /// Many short items separated by , ， | 、 or spaces, not sentences.
    fn list_shaped(&self) -> bool {
        self.items >= 4 && self.chars <= self.items * 16 && self.sentence_ends <= 1
    }

    fn is_spam(&self) -> bool {
        let list = self.list_shaped() && self.strong >= 1 && self.weight >= 6 && self.coverage() >= 0.25;
        let dense = self.strong >= 3 && self.coverage() >= 0.35 && self.sentence_ends == 0;
        list || dense
    }

    /// A short line of a title list (one title per line).
    fn is_title_like(&self) -> bool {
        self.chars <= 30 && self.strong >= 1 && self.coverage() >= 0.4 && self.sentence_ends == 0
    }
}

impl LineLexicon {
    fn new(words: &str, markers: &str, extra: &[String]) -> LineLexicon {
        let mut patterns: Vec<String> = Vec::new();
        let mut weights: Vec<u8> = Vec::new();
        for line in words
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
        {
            let mut fields = line.split_whitespace();
            let weight = fields.next().and_then(|w| w.parse::<u8>().ok()).unwrap_or(1);
            for word in fields {
                patterns.push(word.to_string());
                weights.push(weight);
            }
        }
        for word in extra.iter().filter(|w| !w.trim().is_empty()) {
            patterns.push(word.clone());
            weights.push(3);
        }
        let markers = markers
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
        LineLexicon {
            ac: automaton(&patterns),
            weights,
            markers,
        }
    }

    fn score(&self, text: &str) -> LineScore {
        let mut score = LineScore::default();
        let mut matches = self.ac.find_iter(text).peekable();
        if matches.peek().is_none() {
            return score;
        }
        for m in matches {
            let w = self.weights[m.pattern().as_usize()];
            score.weight += u32::from(w);
            score.strong += u32::from(w >= 3);
            score.covered += text[m.start()..m.end()].chars().count();
        }
        let is_item_separator = |c: char| matches!(c, ',' | '，' | '|' | '｜' | '、' | '/' | ' ');
        score.chars = text.chars().filter(|&c| !is_item_separator(c)).count();
        score.items = text.split(is_item_separator).filter(|s| !s.trim().is_empty()).count();
        score.sentence_ends = text.chars().filter(|&c| matches!(c, '。' | '！' | '？')).count();
        score
    }

    fn opens_with_marker(&self, text: &str) -> bool {
        let trimmed = text.trim_start_matches(|c: char| c.is_whitespace() || is_punct(c));
        self.markers.iter().any(|m| trimmed.starts_with(m.as_str()))
    }

    /// Which lines are spam; a run of three or more title-like lines is spam as a whole.
    fn judge_lines<'a>(&self, lines: impl Iterator<Item = &'a str>) -> Vec<bool> {
        let scores: Vec<(bool, bool)> = lines
            .map(|text| {
                let score = self.score(text);
                (self.opens_with_marker(text) || score.is_spam(), score.is_title_like())
            })
            .collect();
        let mut spam: Vec<bool> = scores.iter().map(|s| s.0).collect();
        let mut i = 0;
        while i < scores.len() {
            if !(scores[i].1 || scores[i].0) {
                i += 1;
                continue;
            }
            let start = i;
            while i < scores.len() && (scores[i].1 || scores[i].0) {
                i += 1;
            }
            if i - start >= 3 {
                spam[start..i].iter_mut().for_each(|s| *s = true);
            }
        }
        spam
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon() -> Lexicon {
        Lexicon::new(&Config::default())
    }

    fn page(text: &str) -> Page {
        Page::from_text("t.txt", text)
    }

    fn cleaned(text: &str) -> (Vec<String>, Vec<(String, String)>) {
        let mut p = page(text);
        lexicon().apply(&mut p);
        (
            p.lines.into_iter().map(|l| l.text).collect(),
            p.report.removed.into_iter().map(|r| (r.kind, r.text)).collect(),
        )
    }

    #[test]
    fn porn_title_lists_and_spider_pool_footers_are_removed() {
        let (lines, removed) = cleaned(
            "午夜福利免费视频,国产精品久久久,欧美日韩高清在线观看,无码人妻一区二区\n\
             工会组织职工开展技能比武。\n\
             主站蜘蛛池模板: 某某网站| 另一个站| 第三个站",
        );
        assert_eq!(lines, ["工会组织职工开展技能比武。"]);
        assert_eq!(removed.len(), 2);
        assert!(removed.iter().all(|(k, _)| k == "spam-line"));
    }

    #[test]
    fn unseen_gambling_and_porn_lists_are_spam_lines() {
        for line in [
            "澳门新葡京|百家乐|真人视讯|体育投注|六合彩开奖",
            "永久免费看黄的网站，国产精品一区二区，亚洲av无码专区，午夜福利在线",
            "国產精品無碼、歐美日韓在線觀看、麻豆傳媒、黃色電影",
        ] {
            let (lines, removed) = cleaned(&format!("{line}\n正文。"));
            assert_eq!(lines, ["正文。"], "{line}");
            assert_eq!(removed[0].0, "spam-line");
        }
    }

    #[test]
    fn navigation_and_tag_lists_are_not_spam_lines() {
        for line in [
            "首页 | 新闻 | 视频 | 专题 | 图片",
            "标签：工会 职工 视频 免费 培训",
            "相关视频：高清在线观看劳模风采",
        ] {
            let (lines, removed) = cleaned(line);
            assert_eq!(lines, [line]);
            assert!(removed.is_empty(), "{line}");
        }
    }

    #[test]
    fn news_about_fighting_porn_is_not_a_spam_line() {
        let text = "市总工会联合公安部门开展“扫黄打非”宣传,提醒职工远离色情视频和网上赌场等不良信息。";
        let (lines, removed) = cleaned(text);
        assert_eq!(lines, [text]);
        assert!(removed.is_empty());
        let text = "视频 | 高清 | 在线观看 | 工会新闻 | 免费培训";
        let (lines, _) = cleaned(text);
        assert_eq!(lines, [text]);
    }

    #[test]
    fn a_run_of_title_lines_is_removed() {
        let (lines, removed) = cleaned("波多野结衣高清\n国产精品无码\n午夜福利在线观看\n正文第一句。");
        assert_eq!(lines, ["正文第一句。"]);
        assert_eq!(removed.len(), 3);
    }

    #[test]
    fn injected_keywords_are_cut_and_the_sentence_repaired() {
        let (lines, removed) = cleaned(
            "全市工会甜心宝贝包养网组织职工参加培训,\n\
             建成服务站点包养网车马费12个、包养职工书屋8个。\n\
             职工代表大会包养行情,包养,听取报告。",
        );
        assert_eq!(
            lines,
            [
                "全市工会组织职工参加培训,",
                "建成服务站点12个、职工书屋8个。",
                "职工代表大会,听取报告。"
            ]
        );
        let texts: Vec<&str> = removed.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["甜心宝贝包养网", "包养网车马费", "包养", "包养行情", "包养"]);
    }

    #[test]
    fn betting_brands_go_with_their_advertising_words() {
        let (lines, removed) = cleaned(
            "区总工会在职工书屋设置阅读角365体育手机版入口，供职工借阅。\n\
             各基层工会开展技能培训爱游戏体育全站app，提升职工素质。",
        );
        assert_eq!(
            lines,
            [
                "区总工会在职工书屋设置阅读角，供职工借阅。",
                "各基层工会开展技能培训，提升职工素质。"
            ]
        );
        let texts: Vec<&str> = removed.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(texts, ["365体育手机版入口", "爱游戏体育全站app"]);
        let (lines, _) = cleaned("1月11日，bwin必赢唯一中国官方网站联合区总工会开展送温暖活动。");
        assert_eq!(lines, ["1月11日，联合区总工会开展送温暖活动。"]);
    }

    #[test]
    fn blocked_suffix_keeps_the_next_word() {
        let (lines, _) = cleaned("推进包养网格化管理,包养网站包养留言板");
        assert_eq!(lines, ["推进网格化管理,"]);
    }

    #[test]
    fn a_lone_keyword_without_evidence_stays() {
        // A corruption report may name the offence; one bare word is no evidence of spam.
        let text = "经查,其违规收受礼金,包养情妇,严重违反党的纪律。";
        let (lines, removed) = cleaned(text);
        assert_eq!(lines, [text]);
        assert!(removed.is_empty());
    }

    #[test]
    fn config_keywords_extend_the_lexicon() {
        let mut config = Config::default();
        config.clean.spam_keywords.push("某某娱乐城官网".into());
        let lex = Lexicon::new(&config);
        let mut p = page("工会某某娱乐城官网组织活动");
        lex.apply(&mut p);
        assert_eq!(p.lines[0].text, "工会组织活动");
    }

    #[test]
    fn join_repair_drops_doubled_punctuation() {
        let mut report = CleaningReport::default();
        let text = "甲，XX，乙。丙、YY。丁";
        let cut = cut_spans(
            text,
            [
                (text.find("XX").unwrap(), text.find("XX").unwrap() + 2),
                (text.find("YY").unwrap(), text.find("YY").unwrap() + 2),
            ]
            .into_iter(),
            "spam-keyword",
            &mut report,
        );
        assert_eq!(cut, "甲，乙。丙。丁");
    }
}
