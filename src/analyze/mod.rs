//! Analyze: [`CleanArticle`] → [`Article`]: place each article on the administrative map and
//! in the theme taxonomy, pick keywords, and merge reposts of the same story.
//!
//! Per article (in parallel, see [`Analyzer::analyze`]): regions ([`regions`] over the
//! [`gazetteer`]), themes ([`themes`]) and the candidate terms for keywords, all from one
//! segmentation ([`segment`]). Over the corpus ([`Analyzer::analyze_corpus`]): reposts merged
//! ([`reposts`]) and keywords by TF-IDF ([`keywords`]).

pub mod dictionary;
pub mod doc;
pub mod gazetteer;
pub mod keywords;
pub mod people;
pub mod pinyin;
pub mod regions;
pub mod repost_memo;
pub mod reposts;
pub mod segment;
pub mod themes;

use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use self::doc::Doc;
use self::keywords::{PackedTerms, StopWords};
use self::regions::RegionFinder;
use self::repost_memo::Verdicts;
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
}

/// What corpus-wide analysis needs of one article, computed with it by the per-file stage
/// (and cached with it), so that corpus analysis never segments or fingerprints an article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CorpusInputs {
    /// Candidate keywords with their counts.
    pub terms: PackedTerms,
    /// The body's repost fingerprint.
    pub fingerprint: reposts::Fingerprint,
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
        }
    }

    pub fn segmenter(&self) -> &Segmenter {
        &self.segmenter
    }

    /// Per-article analysis (parallel, cacheable): region, themes, candidate keywords.
    pub fn analyze(&self, clean: CleanArticle) -> Article {
        self.analyze_with_inputs(clean).0
    }

    /// [`Analyzer::analyze`], and what corpus analysis will need of the article.
    pub fn analyze_with_inputs(&self, clean: CleanArticle) -> (Article, CorpusInputs) {
        let doc = Doc::new(&clean);
        self.analyze_doc(clean, &doc)
    }

    /// [`Analyzer::analyze_with_inputs`] of every article of one file (a newspaper page may
    /// hold several), the segmenter readied for all their texts at once (see
    /// [`Segmenter::prepare`]).
    pub fn analyze_file(&self, cleaned: Vec<CleanArticle>) -> Vec<(Article, CorpusInputs)> {
        let docs: Vec<Doc> = cleaned.iter().map(Doc::new).collect();
        self.segmenter.prepare(docs.iter().map(|doc| doc.text.as_str()));
        cleaned
            .into_iter()
            .zip(&docs)
            .map(|(clean, doc)| self.analyze_doc(clean, doc))
            .collect()
    }

    /// Analyze `clean`, whose text `doc` is.
    fn analyze_doc(&self, clean: CleanArticle, doc: &Doc) -> (Article, CorpusInputs) {
        let words = self.segmenter.words(&doc.text);
        let boundaries = Boundaries::new(&words);
        let placement = self.regions.place(doc, &boundaries);
        let region = clean
            .region_hint
            .as_deref()
            .and_then(|hint| self.regions.resolve_hint(hint))
            .unwrap_or(placement.region);
        let themes = self.themes.assign(doc, &boundaries, &clean.theme_hint);
        let id = article_id(&clean);
        let inputs = CorpusInputs {
            terms: PackedTerms::new(&keywords::count_terms(doc, &words, &self.stop_words, &self.segmenter)),
            fingerprint: reposts::Fingerprint::of(&clean.body),
        };
        let search_words = crate::render::search::article_words(
            &clean,
            words
                .iter()
                .filter_map(|w| doc.paragraph_at(w.start).map(|line| (line, w.text))),
        );
        let sources = vec![SourceRef {
            file: clean.file.clone(),
            part: clean.part,
            source: clean.source.clone(),
        }];
        let article = Article {
            char_count: count_chars(&clean.body),
            id,
            region,
            mentioned_regions: placement.mentioned.into(),
            themes,
            keywords: Vec::new(),
            sources,
            clean,
            search_words: crate::model::SearchWords::new(&search_words),
            origin: None,
        };
        (article, inputs)
    }

    /// Corpus-wide analysis of articles analysed without their inputs (tests, benchmarks):
    /// counts their candidate terms again, then [`analyze_corpus`].
    pub fn analyze_corpus(&self, articles: Vec<Article>, merge: bool) -> Vec<Article> {
        let analyzed = articles
            .into_par_iter()
            .map(|article| {
                let inputs = self.inputs_of(&article);
                (article, inputs)
            })
            .collect();
        analyze_corpus(analyzed, merge, self.keywords_per_article)
    }

    /// What corpus analysis needs of an article, computed again from its text.
    pub fn inputs_of(&self, article: &Article) -> CorpusInputs {
        let doc = Doc::new(&article.clean);
        let words = self.segmenter.words(&doc.text);
        CorpusInputs {
            terms: PackedTerms::new(&keywords::count_terms(&doc, &words, &self.stop_words, &self.segmenter)),
            fingerprint: reposts::Fingerprint::of(&article.clean.body),
        }
    }
}

/// Corpus-wide analysis: with `merge`, reposts of one story become one article listing every
/// copy (a build); without, every article stays, in order (`inspect`). Then the
/// `keywords_per_article` keywords of each by TF-IDF over the resulting articles. Needs no
/// [`Analyzer`]: everything it reads of an article was computed with it.
pub fn analyze_corpus(
    analyzed: Vec<(Article, CorpusInputs)>,
    merge: bool,
    keywords_per_article: usize,
) -> Vec<Article> {
    analyze_corpus_remembering(analyzed, merge, keywords_per_article, None)
}

/// [`analyze_corpus`], with the repost verdicts of the last build remembered in the file
/// `memo` (in the build cache, see [`repost_memo`]): read first (a missing, damaged or
/// foreign memo is ignored), then replaced by this build's verdicts when they differ. The
/// articles are the same with or without it.
pub fn analyze_corpus_remembering(
    analyzed: Vec<(Article, CorpusInputs)>,
    merge: bool,
    keywords_per_article: usize,
    memo: Option<&Path>,
) -> Vec<Article> {
    let mut analyzed = if merge { merge_reposts(analyzed, memo) } else { analyzed };
    let term_refs: Vec<&PackedTerms> = analyzed.iter().map(|(_, i)| &i.terms).collect();
    let picked = keywords::pick(&term_refs, keywords_per_article);
    for ((article, _), keywords) in analyzed.iter_mut().zip(picked) {
        article.keywords = keywords;
    }
    // Collected in place (the articles move down within the same allocation), not into a
    // fresh vector the kernel would have to zero.
    analyzed.into_iter().map(|(article, _)| article).collect()
}

/// Merge reposts: each group of copies of one story becomes the copy with the most complete
/// metadata, whose `sources` lists every copy (its own first, then the others by file).
/// Groups keep the order of their first article. Verdicts are remembered in `memo`.
fn merge_reposts(analyzed: Vec<(Article, CorpusInputs)>, memo: Option<&Path>) -> Vec<(Article, CorpusInputs)> {
    let fingerprints: Vec<&reposts::Fingerprint> = analyzed.iter().map(|(_, i)| &i.fingerprint).collect();
    let known = memo.map(Verdicts::load).unwrap_or_default();
    let grouping = reposts::groups(
        &fingerprints,
        |i| reposts::Shingles::new(&analyzed[i].0.clean.body),
        &known,
    );
    if let Some(path) = memo.filter(|_| grouping.verdicts != known) {
        // Not saved: the next build compares again, nothing worse.
        let _ = grouping.verdicts.save(path);
    }
    let groups = grouping.groups;
    if groups.len() == analyzed.len() {
        return analyzed;
    }
    // In place: each group's kept copy moves to the place of its first, then the others go.
    let mut analyzed = analyzed;
    let mut keep = vec![false; analyzed.len()];
    for group in &groups {
        let Some(&first) = group.first() else {
            continue;
        };
        keep[first] = true;
        if group.len() == 1 {
            continue;
        }
        // The most complete copy first (a stable sort: full ties keep the group's order).
        let mut copies = group.clone();
        copies.sort_by(|&a, &b| {
            let (a, b) = (&analyzed[a].0, &analyzed[b].0);
            completeness(b)
                .cmp(&completeness(a))
                .then_with(|| a.clean.file.cmp(&b.clean.file))
                .then_with(|| a.clean.part.cmp(&b.clean.part))
        });
        let mut others: Vec<SourceRef> = Vec::new();
        for &other in &copies[1..] {
            others.append(&mut analyzed[other].0.sources);
        }
        others.sort_by(|a, b| a.file.cmp(&b.file).then(a.part.cmp(&b.part)));
        analyzed[copies[0]].0.sources.extend(others);
        analyzed.swap(first, copies[0]);
    }
    let mut index = 0;
    analyzed.retain(|_| {
        index += 1;
        keep[index - 1]
    });
    analyzed
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
