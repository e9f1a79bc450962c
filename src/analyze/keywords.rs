//! Keywords: the terms that set an article apart from the rest of the site, by TF-IDF over the
//! site's own corpus. Candidates are nouns and terms of two characters or more from the
//! segmenter (names of people and places excluded: places have their own pages), minus the
//! stop list of news boilerplate (`data/stopwords.txt` plus `[analyze] stop_words`).
//!
//! A small site has too few articles for document frequencies to tell 实力 or 故事 from 产改,
//! so each term's score is also scaled by how rare it is in general Chinese (its frequency in
//! the segmenter's dictionary): union vocabulary outranks everyday nouns at any corpus size.

use std::collections::{BTreeMap, BTreeSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::doc::{Doc, Zone};
use super::gazetteer::{data_lines, Gazetteer};
use super::segment::{Segmenter, Word};

const STOP_WORDS: &str = include_str!("../../data/stopwords.txt");

/// A word in the title counts this many times.
const TITLE_BOOST: f64 = 2.0;

/// Dictionary frequency over which a term counts as everyday vocabulary: specificity is
/// 1 / ln(e + frequency / this) (劳动竞赛, frequency 3: 0.98; 农民工, 247: 0.49; 故事, 5953: 0.21).
const EVERYDAY_FREQUENCY: f64 = 50.0;

/// One candidate keyword of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub text: String,
    /// Occurrences, title occurrences counted `TITLE_BOOST` times.
    pub count: f64,
    /// How specific the term is (0 to 1): rare in general Chinese is specific.
    pub specificity: f64,
}

/// The candidate terms of one article, sorted by text.
pub type TermCounts = Vec<Term>;

/// Words never used as keywords.
#[derive(Debug, Clone, Default)]
pub struct StopWords(BTreeSet<String>);

impl StopWords {
    pub fn new(extra: &[String]) -> StopWords {
        let mut words: BTreeSet<String> = data_lines(STOP_WORDS).map(str::to_string).collect();
        words.extend(extra.iter().map(|w| w.trim().to_string()).filter(|w| !w.is_empty()));
        StopWords(words)
    }

    pub fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }
}

/// Parts of speech (jieba tags) a keyword may have: nouns, proper nouns, organisations,
/// verbal nouns (集体协商 as a noun), abbreviations; not people (nr…) or places (ns…).
fn is_term_tag(tag: &str) -> bool {
    (tag.starts_with('n') && !tag.starts_with("nr") && !tag.starts_with("ns")) || tag == "vn" || tag == "j"
}

/// An article's candidate terms as corpus analysis keeps them (in the build cache, for every
/// article): three allocations instead of one per term.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PackedTerms {
    /// The terms, in order, each followed by a line break (a term never holds one).
    texts: String,
    #[serde(with = "crate::cache::le_bytes")]
    counts: Vec<f64>,
    #[serde(with = "crate::cache::le_bytes")]
    specificities: Vec<f64>,
}

impl PackedTerms {
    pub fn new(terms: &[Term]) -> PackedTerms {
        let mut packed = PackedTerms {
            texts: String::with_capacity(terms.iter().map(|t| t.text.len() + 1).sum()),
            counts: Vec::with_capacity(terms.len()),
            specificities: Vec::with_capacity(terms.len()),
        };
        for term in terms.iter().filter(|t| !t.text.contains('\n')) {
            packed.texts.push_str(&term.text);
            packed.texts.push('\n');
            packed.counts.push(term.count);
            packed.specificities.push(term.specificity);
        }
        packed
    }

    /// (text, count, specificity) of each term, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64, f64)> {
        self.texts
            .split_terminator('\n')
            .zip(&self.counts)
            .zip(&self.specificities)
            .map(|((text, &count), &specificity)| (text, count, specificity))
    }
}

/// The candidate terms of an article with their title-weighted counts.
pub fn count_terms(doc: &Doc, words: &[Word<'_>], stop: &StopWords, segmenter: &Segmenter) -> TermCounts {
    let mut counts: BTreeMap<&str, f64> = BTreeMap::new();
    for w in words {
        // The cheapest test first: most words are particles, verbs and punctuation.
        if !is_term_tag(w.tag) {
            continue;
        }
        let chars = w.text.chars().count();
        if chars < 2 || !w.text.chars().all(crate::clean::lines::is_han) {
            continue;
        }
        if chars <= 2 && super::people::is_given_name(&doc.text[..w.start]) {
            continue;
        }
        let weight = if doc.zone(w.start) == Zone::Title {
            TITLE_BOOST
        } else {
            1.0
        };
        *counts.entry(w.text).or_default() += weight;
    }
    let gazetteer = Gazetteer::global();
    counts
        .into_iter()
        // Words the segmenter guessed (names, fragments like 类津) are not terms, nor places.
        .filter(|(text, _)| !stop.contains(text) && segmenter.knows(text) && !gazetteer.is_place_name(text))
        .map(|(text, count)| Term {
            specificity: 1.0 / (std::f64::consts::E + segmenter.frequency(text) as f64 / EVERYDAY_FREQUENCY).ln(),
            text: text.to_string(),
            count,
        })
        .collect()
}

/// The `per_article` best terms of each article by TF-IDF × specificity, where document
/// frequencies come from all the articles given. Ties are broken by the term, so output is
/// stable.
pub fn pick(articles: &[&PackedTerms], per_article: usize) -> Vec<Vec<String>> {
    // Counted per chunk of articles on each thread, then summed (in any order: sums do not
    // depend on it). Only looked up, never iterated into output: a hash map keeps the
    // output deterministic.
    let chunk = articles.len().div_ceil(rayon::current_num_threads()).max(1);
    let document_frequency: FxHashMap<&str, usize> = articles
        .par_chunks(chunk)
        .map(|chunk| {
            let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
            for terms in chunk {
                for (text, _, _) in terms.iter() {
                    *counts.entry(text).or_default() += 1;
                }
            }
            counts
        })
        .reduce(FxHashMap::default, |a, b| {
            let (mut larger, smaller) = if a.len() >= b.len() { (a, b) } else { (b, a) };
            for (text, count) in smaller {
                *larger.entry(text).or_default() += count;
            }
            larger
        });
    let n = articles.len() as f64;
    articles
        .par_iter()
        .map(|terms| {
            let mut scored: Vec<(f64, &str)> = terms
                .iter()
                .map(|(text, count, specificity)| {
                    let df = document_frequency.get(text).copied().unwrap_or(1) as f64;
                    let idf = ((n + 1.0) / (df + 1.0)).ln() + 1.0;
                    ((1.0 + count.ln()) * idf * specificity, text)
                })
                .collect();
            // The best `per_article` in order; the order is total (ties broken by the term),
            // so selecting them first and sorting only them gives what a full sort would.
            let best_first = |a: &(f64, &str), b: &(f64, &str)| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1));
            if per_article < scored.len() {
                scored.select_nth_unstable_by(per_article, best_first);
                scored.truncate(per_article);
            }
            scored.sort_by(best_first);
            scored.into_iter().map(|(_, t)| t.to_string()).collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[(&str, f64)]) -> PackedTerms {
        let terms: TermCounts = list
            .iter()
            .map(|(t, c)| Term {
                text: t.to_string(),
                count: *c,
                specificity: 1.0,
            })
            .collect();
        PackedTerms::new(&terms)
    }

    #[test]
    fn packed_terms_keep_every_term_in_order() {
        let packed = terms(&[("集体协商", 2.0), ("职代会", 1.5)]);
        let unpacked: Vec<(&str, f64, f64)> = packed.iter().collect();
        assert_eq!(unpacked, [("集体协商", 2.0, 1.0), ("职代会", 1.5, 1.0)]);
        assert_eq!(PackedTerms::new(&[]).iter().count(), 0);
    }

    #[test]
    fn rare_terms_beat_terms_every_article_has() {
        let a = terms(&[("集体协商", 2.0), ("职代会", 2.0), ("劳动竞赛", 1.0)]);
        let b = terms(&[("职代会", 3.0), ("驿站", 1.0)]);
        let c = terms(&[("职代会", 1.0), ("驿站", 2.0)]);
        let picked = pick(&[&a, &b, &c], 2);
        assert_eq!(picked[0], ["集体协商", "劳动竞赛"]);
        assert_eq!(picked[1], ["职代会", "驿站"]);
        assert_eq!(picked[2], ["驿站", "职代会"]);
    }

    #[test]
    fn boilerplate_names_and_places_are_not_terms() {
        let analyzer = crate::analyze::tests::shared();
        let doc = Doc::from_parts(
            ["余杭区总工会推进集体协商"],
            &["近日，记者从余杭区总工会了解到，该会深化能级工资集体协商工作，开展活动。"],
        );
        let words = analyzer.segmenter().words(&doc.text);
        let counts = count_terms(
            &doc,
            &words,
            &StopWords::new(&["深化".to_string()]),
            analyzer.segmenter(),
        );
        let found: Vec<&str> = counts.iter().map(|t| t.text.as_str()).collect();
        assert!(found.contains(&"能级工资集体协商"), "{found:?}");
        assert!(found.contains(&"集体协商"), "{found:?}");
        for absent in ["近日", "记者", "工作", "活动", "余杭", "余杭区", "深化", "总工会"] {
            assert!(!found.contains(&absent), "{absent} in {found:?}");
        }
        // In the title: counted twice.
        let term = counts.iter().find(|t| t.text == "集体协商").unwrap();
        assert_eq!(term.count, 2.0);
        // A union term is specific; an everyday noun is not.
        let everyday = count_terms(
            &Doc::from_parts(["路线"], &[]),
            &analyzer.segmenter().words("路线\n"),
            &StopWords::new(&[]),
            analyzer.segmenter(),
        );
        assert!(
            term.specificity > 0.5 && everyday[0].specificity < 0.3,
            "{term:?} {everyday:?}"
        );
    }
}
