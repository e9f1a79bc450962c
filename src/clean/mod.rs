//! Clean: [`RawDoc`] → articles as their newsroom published them, with a report of every change.
//!
//! Each defect class the tool repairs has its own module, applied in this order:
//!
//! | step | module | defect |
//! | --- | --- | --- |
//! | 1 | [`lines`] | invisible characters, odd spaces, blank-line runs |
//! | 2 | [`gloss`] | romanisation glosses, runs of replacement marks, mojibake lines |
//! | 3 | [`script`] | Simplified text converted to Traditional by mirror sites |
//! | 4 | [`punct`] | full-width punctuation normalised to ASCII inside Chinese text |
//! | 5 | [`spam`] | porn/gambling lines and lists, injected keywords, injected fiction |
//! | 6 | [`despin`] | synonym-spun wording (伪原创) |
//! | 7 | [`chrome`] | page chrome: navigation, publication info, footers, widgets (metadata kept) |
//! | 8 | [`layout`] | lines broken mid-word or mid-sentence by print layout |
//! | 9 | [`split`] | several articles on one newspaper page |
//! | 10 | [`headline`] | title, kicker (引题), subtitle (副题) and bylines of each article |
//!
//! Raw text goes through every step; curated Markdown is trusted and only has its plain
//! text extracted for analysis.

pub mod chrome;
pub mod despin;
pub mod gloss;
pub mod headline;
pub mod layout;
pub mod lines;
pub mod markdown;
pub mod punct;
pub mod script;
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
        gloss::repair(&mut page);
        self.script.apply(&mut page);
        punct::restore(&mut page);
        self.spam.apply(&mut page);
        self.despin.apply(&mut page);
        self.chrome.apply(&mut page);
        layout::rejoin(&mut page);
        if page.lines.is_empty() {
            return Vec::new();
        }
        let sections = split::split(std::mem::take(&mut page.lines));
        sections
            .into_iter()
            .filter_map(|section| page.article_from(section))
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
    /// A title printed in chrome (breadcrumb tail, 原题目 label).
    pub title: Option<String>,
    pub subtitle: Option<String>,
}

impl Page {
    pub fn new(doc: &RawDoc) -> Page {
        Page {
            file: doc.file.clone(),
            source_hash: doc.hash.clone(),
            lines: lines::split_lines(&doc.text, doc.body_line),
            meta: PageMeta::default(),
            report: CleaningReport::default(),
        }
    }

    /// Turn one section of lines into an article: headline block, then body paragraphs.
    fn article_from(&self, section: Vec<Line>) -> Option<CleanArticle> {
        let head = headline::take_headline(section);
        if head.body.is_empty() {
            return None;
        }
        Some(CleanArticle {
            file: self.file.clone(),
            part: 0,
            kind: SourceKind::Raw,
            title: head.title.or_else(|| self.meta.title.clone())?,
            subtitle: head.subtitle.or_else(|| self.meta.subtitle.clone()),
            kicker: head.kicker,
            date: self.meta.date,
            source: self.meta.source.clone(),
            authors: if head.authors.is_empty() {
                self.meta.authors.clone()
            } else {
                head.authors
            },
            body: head.body.into_iter().map(|l| l.text).collect(),
            markdown: None,
            region_hint: None,
            theme_hint: Vec::new(),
            draft: false,
            slug_hint: None,
            cleaning: self.report.clone(),
            source_hash: self.source_hash.clone(),
        })
    }
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
