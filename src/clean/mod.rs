//! Clean: [`RawDoc`] → articles as their newsroom published them, with a report of every change.
//!
//! Each defect class the tool repairs has its own module, applied in this order:
//!
//! | step | module | defect |
//! | --- | --- | --- |
//! | 1 | [`lines`] | invisible characters, odd spaces, blank-line runs |
//! | 2 | [`markup`] | HTML tags and character references left in the text |
//! | 3 | [`emoji`] | pictographs injected inside words and lines of them |
//! | 4 | [`gloss`] | romanisation glosses, runs of replacement marks, mojibake lines |
//! | 5 | [`script`] | Simplified text converted to Traditional by mirror sites |
//! | 6 | [`punct`] | full-width punctuation normalised to ASCII inside Chinese text |
//! | 7 | [`spam`] | porn/gambling lines and lists, injected keywords, injected fiction |
//! | 8 | [`despin`] | synonym-spun wording (伪原创) |
//! | 9 | [`chrome`] | page chrome: navigation, publication info, footers, widgets (metadata kept) |
//! | 10 | [`repeats`] | paragraphs printed twice in a row by mirrors and scrapers |
//! | 11 | [`layout`] | lines broken mid-word or mid-sentence by print layout |
//! | 12 | [`split`] | several articles on one newspaper page |
//! | 13 | [`headline`] | title, kicker (引题), subtitle (副题) and bylines of each article |
//!
//! The structural steps (9–13) share [`shape`] (how a line looks: heading, body, separator),
//! [`dates`] (publication dates as printed, with their precision) and [`meta`] (bylines,
//! datelines, photo credits and names).
//!
//! Raw text goes through every step; curated Markdown is trusted and only has its plain
//! text extracted for analysis. Removals are recorded by kind: `chrome` (page chrome),
//! `byline` (bylines and datelines taken out of the body), `column` (column labels above
//! a headline), `repost-title` (a reposting site's headline replaced by the labelled
//! original), `duplicate` (a paragraph repeated right after itself), `markup` (an HTML tag),
//! besides the kinds of the lexical steps.

pub mod chrome;
pub mod dates;
pub mod despin;
pub mod emoji;
pub mod gloss;
pub mod headline;
pub mod layout;
pub mod lines;
pub mod markdown;
pub mod markup;
pub mod meta;
pub mod punct;
pub mod repeats;
pub mod script;
pub mod shape;
pub mod spam;
pub mod split;

use crate::config::Config;
use crate::model::{CleanArticle, CleaningReport, FrontMatter, PubDate, RawDoc, SourceKind};
use lines::Line;

/// Compiled lexicons and settings, built once per build and shared by all threads.
#[derive(Debug, Clone)]
pub struct Cleaner {
    pub script: script::Converter,
    pub spam: spam::Lexicon,
    pub despin: despin::Table,
    pub chrome: chrome::Rules,
}

impl Cleaner {
    pub fn new(config: &Config) -> Cleaner {
        Cleaner {
            script: script::Converter::new(config),
            spam: spam::Lexicon::new(config),
            despin: despin::Table::new(config),
            chrome: chrome::Rules::new(config),
        }
    }

    /// Clean one document into zero or more articles. Zero means the file held no article
    /// (all noise); the caller warns about it.
    pub fn clean(&self, doc: &RawDoc) -> Vec<CleanArticle> {
        let mut articles = match doc.kind {
            SourceKind::Raw => self.clean_raw(doc),
            SourceKind::Curated => markdown::clean_curated(doc).into_iter().collect(),
        };
        let parts = articles.len();
        for (part, article) in articles.iter_mut().enumerate() {
            article.part = part;
            article.cleaning.split_parts = parts;
            apply_front_matter(article, &doc.front);
        }
        articles
    }

    fn clean_raw(&self, doc: &RawDoc) -> Vec<CleanArticle> {
        let mut page = Page::new(doc);
        markup::strip(&mut page);
        emoji::strip(&mut page);
        gloss::repair(&mut page);
        self.script.apply(&mut page);
        punct::restore(&mut page);
        self.spam.apply(&mut page);
        self.despin.apply(&mut page);
        self.chrome.apply(&mut page);
        repeats::remove_repeats(&mut page);
        layout::rejoin(&mut page);
        // Again on the joined paragraphs: a paragraph broken by layout and printed twice
        // repeats only once its lines are joined.
        repeats::remove_repeats(&mut page);
        if page.lines.is_empty() {
            return Vec::new();
        }
        let sections = split::split(std::mem::take(&mut page.lines));
        let single = sections.len() == 1;
        sections
            .into_iter()
            .filter_map(|section| page.article_from(section, single))
            .collect()
    }
}

/// A page being cleaned: its lines, what was learned about it, and what was changed.
#[derive(Debug, Clone)]
pub struct Page {
    pub file: String,
    pub source_hash: String,
    pub lines: Vec<Line>,
    pub meta: PageMeta,
    pub report: CleaningReport,
}

/// Metadata found in page chrome, before the chrome lines are removed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageMeta {
    pub date: Option<PubDate>,
    pub source: Option<String>,
    pub authors: Vec<String>,
    /// A title printed under a label (原题目, 原标题): the newsroom's own headline.
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub kicker: Option<String>,
    /// Source line number (`Line::no`) of the headline the chrome points at: the
    /// breadcrumb tail printed again, or the headline just above the publication-info line.
    pub title_line: Option<usize>,
}

impl Page {
    /// A page of plain text, as a step sees it (for tools and tests that run one step).
    pub fn from_text(file: &str, text: &str) -> Page {
        Page {
            file: file.to_string(),
            source_hash: String::new(),
            lines: lines::split_lines(text, 1),
            meta: PageMeta::default(),
            report: CleaningReport::default(),
        }
    }

    pub fn new(doc: &RawDoc) -> Page {
        Page {
            file: doc.file.clone(),
            source_hash: doc.hash.clone(),
            lines: lines::split_lines(&doc.text, doc.body_line),
            meta: PageMeta::default(),
            report: CleaningReport::default(),
        }
    }

    /// Turn one section of lines into an article: headline block, bylines, body paragraphs.
    /// `single` is true when the page holds one article, so that what the page's chrome
    /// says (a labelled title, authors) belongs to it.
    fn article_from(&self, section: Vec<Line>, single: bool) -> Option<CleanArticle> {
        let hints = headline::Hints {
            title_line: self.meta.title_line,
        };
        let head = headline::take_headline(section, &hints);
        if head.body.is_empty() {
            return None;
        }
        let mut cleaning = self.report.clone();
        let labelled = |field: &Option<String>| if single { field.clone() } else { None };
        // A labelled headline (原题目) is the newsroom's own: it wins over the repost's.
        let (title, subtitle, kicker) = match labelled(&self.meta.title) {
            Some(original) => {
                if let Some(repost) = head
                    .title
                    .as_ref()
                    .filter(|t| shape::text_key(t) != shape::text_key(&original))
                {
                    cleaning.remove("repost-title", repost.clone());
                }
                (
                    original,
                    labelled(&self.meta.subtitle).or(head.subtitle),
                    labelled(&self.meta.kicker).or(head.kicker),
                )
            }
            None => (
                head.title.clone().unwrap_or_else(|| fallback_title(&head.body)),
                head.subtitle.or_else(|| labelled(&self.meta.subtitle)),
                head.kicker.or_else(|| labelled(&self.meta.kicker)),
            ),
        };
        for (kind, text) in &head.removed {
            cleaning.remove(kind, text.clone());
        }
        let authors = if !head.authors.is_empty() {
            head.authors
        } else if single && !self.meta.authors.is_empty() {
            self.meta.authors.clone()
        } else {
            head.photographers
        };
        Some(CleanArticle {
            file: self.file.clone(),
            part: 0,
            kind: SourceKind::Raw,
            title,
            subtitle,
            kicker,
            date: self.meta.date,
            source: self.meta.source.clone(),
            authors,
            body: head.body.into_iter().map(|l| l.text).collect(),
            markdown: None,
            region_hint: None,
            theme_hint: Vec::new(),
            draft: false,
            slug_hint: None,
            cleaning,
            source_hash: self.source_hash.clone(),
        })
    }
}

/// Most characters of a title made up from the first sentence of an untitled article.
const FALLBACK_TITLE_CHARS: usize = 30;

/// Fewest characters of a paragraph a made-up title is taken from: a greeting under a
/// salutation (`大家上午好！`) says nothing of the article.
const MIN_FALLBACK_SOURCE_CHARS: usize = 8;

/// Longest line ending in a colon that is passed over as a salutation, an addressee or an
/// attribution (`尊敬的各位领导、各位来宾、同志们：`); a longer one introduces the text.
const MAX_SALUTATION_CHARS: usize = 20;

/// A title for an article that prints none: its first sentence, cut short. Paragraphs that
/// open a speech or a notice (a short line ending in a colon: `各基层单位：`, `同志们：`, and a
/// short greeting) are passed over while a longer one follows.
fn fallback_title(body: &[Line]) -> String {
    let opening = |l: &&Line| {
        (l.text.ends_with(['：', ':']) && l.chars() <= MAX_SALUTATION_CHARS) || l.chars() < MIN_FALLBACK_SOURCE_CHARS
    };
    let first = body
        .iter()
        .find(|l| !opening(l))
        .or(body.first())
        .map_or("", |l| l.text.as_str());
    let sentence = first
        .split_inclusive(['。', '！', '？', '!', '?'])
        .next()
        .unwrap_or(first)
        .trim_end_matches(['。', '！', '？', '!', '?']);
    let mut title: String = sentence.chars().take(FALLBACK_TITLE_CHARS).collect();
    if sentence.chars().count() > FALLBACK_TITLE_CHARS {
        title.push('…');
    }
    title
}

/// Front matter always wins over what the cleaner inferred.
fn apply_front_matter(article: &mut CleanArticle, front: &FrontMatter) {
    let set = |slot: &mut Option<String>, value: &Option<String>| {
        if value.is_some() {
            slot.clone_from(value);
        }
    };
    if let Some(title) = &front.title {
        article.title.clone_from(title);
    }
    set(&mut article.subtitle, &front.subtitle);
    set(&mut article.kicker, &front.kicker);
    set(&mut article.source, &front.source);
    if front.date.is_some() {
        article.date = front.date;
    }
    if !front.authors.is_empty() {
        article.authors.clone_from(&front.authors);
    }
    set(&mut article.region_hint, &front.region);
    if !front.themes.is_empty() {
        article.theme_hint.clone_from(&front.themes);
    }
    article.draft = front.draft;
    set(&mut article.slug_hint, &front.slug);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(texts: &[&str]) -> Vec<Line> {
        texts.iter().enumerate().map(|(i, t)| Line::new(*t, i + 1)).collect()
    }

    #[test]
    fn made_up_titles_pass_over_salutations_and_greetings() {
        let speech = body(&[
            "各位代表、各位来宾：",
            "大家上午好！",
            "迎着和煦的春风，两岸职工论坛今天开幕。",
        ]);
        assert_eq!(fallback_title(&speech), "迎着和煦的春风，两岸职工论坛今天开幕");
        let long = body(&["3月5日，市总工会召开十五届三次全委会议，总结去年工作并部署今年的重点任务。"]);
        assert_eq!(
            fallback_title(&long),
            "3月5日，市总工会召开十五届三次全委会议，总结去年工作并部署…"
        );
        assert_eq!(fallback_title(&body(&["同志们："])), "同志们：");
        // A longer line ending in a colon introduces the text: it is the first sentence.
        let intro = body(&[
            "中南各省的工会工作，由去年开始，一年多以来，是有很大成绩的：",
            "（一）发动了工人群众。",
        ]);
        assert_eq!(
            fallback_title(&intro),
            "中南各省的工会工作，由去年开始，一年多以来，是有很大成绩的："
        );
        assert_eq!(fallback_title(&[]), "");
    }
}
