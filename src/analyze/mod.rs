//! Analyze: [`CleanArticle`] → [`Article`]: place each article on the administrative map and
//! in the theme taxonomy, pick keywords, and merge reposts of the same story.
//!
//! Per article (in parallel, see [`Analyzer::analyze`]): regions ([`regions`] over the
//! [`gazetteer`]), themes ([`themes`]) and the candidate terms for keywords, all from one
//! segmentation ([`segment`]). Over the corpus ([`Analyzer::analyze_corpus`]): reposts merged
//! ([`reposts`]) and keywords by TF-IDF ([`keywords`]).

pub mod doc;
pub mod gazetteer;
pub mod keywords;
pub mod people;
pub mod pinyin;
pub mod regions;
pub mod reposts;
pub mod segment;
pub mod themes;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use self::doc::Doc;
use self::keywords::{StopWords, TermCounts};
use self::regions::RegionFinder;
use self::segment::{Boundaries, Segmenter};
use self::themes::{Taxonomy, ThemeMatcher};
use crate::config::Config;
use crate::model::{Article, CleanArticle, DatePrecision, SourceKind, SourceRef};

/// Per-build analysis state (gazetteer matcher, taxonomy, segmenter), shared by all threads.
/// Built once per build: the segmenter's dictionary is the expensive part.
pub struct Analyzer {
    keywords_per_article: usize,
    regions: RegionFinder,
    themes: ThemeMatcher,
    segmenter: Segmenter,
    stop_words: StopWords,
    /// Candidate terms counted by `analyze`, by article id, so that `analyze_corpus` does not
    /// segment every article a second time.
    terms: Mutex<HashMap<String, Arc<TermCounts>>>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("keywords_per_article", &self.keywords_per_article)
            .field("regions", &self.regions)
            .field("themes", &self.themes)
            .finish_non_exhaustive()
    }
}

impl Analyzer {
    pub fn new(config: &Config) -> Analyzer {
        let taxonomy = Taxonomy::load(&config.themes);
        let extra_words = taxonomy
            .phrases()
            .chain(config.analyze.dictionary.iter().map(String::as_str))
            .chain(config.analyze.region_aliases.keys().map(String::as_str));
        Analyzer {
            keywords_per_article: config.analyze.keywords_per_article,
            regions: RegionFinder::new(&config.analyze.region_aliases),
            segmenter: Segmenter::new(extra_words),
            themes: ThemeMatcher::new(&taxonomy),
            stop_words: StopWords::new(&config.analyze.stop_words),
            terms: Mutex::new(HashMap::new()),
        }
    }

    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// Per-article analysis (parallel, cacheable): region, themes, candidate keywords.
    pub fn analyze(&self, clean: CleanArticle) -> Article {
        let doc = Doc::new(&clean);
        let words = self.segmenter.words(&doc.text);
        let boundaries = Boundaries::new(&words);
        let placement = self.regions.place(&doc, &boundaries);
        let region = clean
            .region_hint
            .as_deref()
            .and_then(|hint| self.regions.resolve_hint(hint))
            .unwrap_or(placement.region);
        let themes = self.themes.assign(&doc, &boundaries, &clean.theme_hint);
        let id = article_id(&clean);
        let terms = keywords::count_terms(&doc, &words, &self.stop_words, &self.segmenter);
        let search_words = crate::render::search::article_words(
            &clean,
            words
                .iter()
                .filter_map(|w| doc.paragraph_at(w.start).map(|line| (line, w.text))),
        );
        self.remember_terms(&id, terms);
        let sources = vec![SourceRef {
            file: clean.file.clone(),
            part: clean.part,
            source: clean.source.clone(),
        }];
        Article {
            char_count: count_chars(&clean.body),
            id,
            region,
            mentioned_regions: placement.mentioned,
            themes,
            keywords: Vec::new(),
            sources,
            clean,
            search_words: Some(search_words),
        }
    }

    /// Corpus-wide analysis: with `merge`, reposts of one story become one article listing
    /// every copy (a build); without, every article stays, in order (`inspect`). Then keywords
    /// by TF-IDF over the resulting articles.
    pub fn analyze_corpus(&self, articles: Vec<Article>, merge: bool) -> Vec<Article> {
        let mut articles = if merge { merge_reposts(articles) } else { articles };
        let terms: Vec<Arc<TermCounts>> = articles.par_iter().map(|a| self.terms_of(a)).collect();
        let term_refs: Vec<&TermCounts> = terms.iter().map(|t| t.as_ref()).collect();
        let picked = keywords::pick(&term_refs, self.keywords_per_article);
        for (article, keywords) in articles.iter_mut().zip(picked) {
            article.keywords = keywords;
        }
        // The counts served this corpus; a long-lived analyzer (serve) must not grow with edits.
        self.terms
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
        articles
    }

    fn remember_terms(&self, id: &str, terms: TermCounts) {
        let mut cache = self.terms.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        cache.insert(id.to_string(), Arc::new(terms));
    }

    /// The article's candidate terms: counted by `analyze`, or counted now (an article
    /// analysed by another `Analyzer`, e.g. restored from a cache).
    fn terms_of(&self, article: &Article) -> Arc<TermCounts> {
        let cached = {
            let cache = self.terms.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            cache.get(&article.id).cloned()
        };
        cached.unwrap_or_else(|| {
            let doc = Doc::new(&article.clean);
            let words = self.segmenter.words(&doc.text);
            Arc::new(keywords::count_terms(&doc, &words, &self.stop_words, &self.segmenter))
        })
    }
}

/// Merge reposts: each group of copies of one story becomes the copy with the most complete
/// metadata, whose `sources` lists every copy (its own first, then the others by file).
/// Groups keep the order of their first article.
fn merge_reposts(articles: Vec<Article>) -> Vec<Article> {
    let fingerprints: Vec<reposts::Fingerprint> = articles
        .par_iter()
        .map(|a| reposts::Fingerprint::new(&a.clean.body))
        .collect();
    let groups = reposts::groups(&fingerprints);
    if groups.len() == articles.len() {
        return articles;
    }
    let mut slots: Vec<Option<Article>> = articles.into_iter().map(Some).collect();
    let mut merged = Vec::with_capacity(groups.len());
    for group in groups {
        let mut copies: Vec<Article> = group.iter().filter_map(|&i| slots[i].take()).collect();
        copies.sort_by(|a, b| {
            completeness(b)
                .cmp(&completeness(a))
                .then_with(|| a.clean.file.cmp(&b.clean.file))
                .then_with(|| a.clean.part.cmp(&b.clean.part))
        });
        let mut copies = copies.into_iter();
        let Some(mut kept) = copies.next() else {
            continue;
        };
        let mut others: Vec<SourceRef> = copies.flat_map(|a| a.sources).collect();
        others.sort_by(|a, b| a.file.cmp(&b.file).then(a.part.cmp(&b.part)));
        kept.sources.extend(others);
        merged.push(kept);
    }
    merged
}

/// How complete a copy's metadata is (higher is better): curated first, then a precise date,
/// a named source, authors, a subtitle, and text that needed the least repair.
fn completeness(article: &Article) -> (bool, u8, bool, bool, bool, u8) {
    let c = &article.clean;
    let date = match c.date.map(|d| d.precision) {
        Some(DatePrecision::Day) => 3,
        Some(DatePrecision::Month) => 2,
        Some(DatePrecision::Year) => 1,
        None => 0,
    };
    let pristine = [!c.cleaning.spun, !c.cleaning.script_converted, !c.cleaning.had_spam()]
        .iter()
        .filter(|ok| **ok)
        .count() as u8;
    (
        c.kind == SourceKind::Curated,
        date,
        c.source.is_some(),
        !c.authors.is_empty(),
        c.subtitle.is_some(),
        pristine,
    )
}

/// Characters a reader reads: Han characters, plus letters and digits (a Latin word or a
/// number counts as its characters, which over-counts slightly but never uses whitespace).
pub fn count_chars(body: &[String]) -> usize {
    body.iter()
        .flat_map(|p| p.chars())
        .filter(|c| crate::clean::lines::is_han(*c) || c.is_alphanumeric())
        .count()
}

/// Stable id of an article from its own text (title and body), independent of the file.
pub fn article_id(clean: &CleanArticle) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(clean.title.as_bytes());
    for p in &clean.body {
        hasher.update(b"\n");
        hasher.update(p.as_bytes());
    }
    hasher.finalize().to_hex()[..16].to_string()
}

#[cfg(test)]
pub(crate) mod tests;
