//! Keywords: the terms that set an article apart from the rest of the site, by TF-IDF over the
//! site's own corpus. Candidates are nouns and terms of two characters or more from the
//! segmenter (names of people and places excluded: places have their own pages), minus the
//! stop list of news boilerplate (`data/stopwords.txt` plus `[analyze] stop_words`).
//!
//! A small site has too few articles for document frequencies to tell 实力 or 故事 from 产改,
//! so each term's score is also scaled by how rare it is in general Chinese (its frequency in
//! the segmenter's dictionary): union vocabulary outranks everyday nouns at any corpus size.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::doc::{Doc, Zone};
use super::gazetteer::{data_lines, Gazetteer};
use super::segment::{Segmenter, Word};
use crate::cache::SharedBytes;

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

/// Words never used as keywords (hashed: asked of every candidate term of every article;
/// only looked up, never iterated).
#[derive(Debug, Clone, Default)]
pub struct StopWords(FxHashSet<String>);

impl StopWords {
    pub fn new(extra: &[String]) -> StopWords {
        let mut words: FxHashSet<String> = data_lines(STOP_WORDS).map(str::to_string).collect();
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
/// article): three byte strings, which a rebuild reads where they lie in the mapped cache
/// pack, neither copied nor checked as UTF-8 (corpus analysis counts every article's terms
/// but turns only the few it picks into strings).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PackedTerms {
    /// The terms' UTF-8, in order, each followed by a line break (a term never holds one).
    /// Encoded as a string is (postcard writes both as a length and the bytes).
    #[serde(with = "crate::cache::shared_bytes")]
    texts: SharedBytes,
    /// Counts and specificities: 8-byte little-endian floats, one per term.
    #[serde(with = "crate::cache::shared_numbers")]
    counts: SharedBytes,
    #[serde(with = "crate::cache::shared_numbers")]
    specificities: SharedBytes,
}

impl PackedTerms {
    pub fn new(terms: &[Term]) -> PackedTerms {
        let (mut texts, mut counts, mut specificities) = (Vec::new(), Vec::new(), Vec::new());
        for term in terms.iter().filter(|t| !t.text.contains('\n')) {
            texts.extend_from_slice(term.text.as_bytes());
            texts.push(b'\n');
            counts.extend_from_slice(&term.count.to_le_bytes());
            specificities.extend_from_slice(&term.specificity.to_le_bytes());
        }
        PackedTerms {
            texts: SharedBytes::owned(texts),
            counts: SharedBytes::owned(counts),
            specificities: SharedBytes::owned(specificities),
        }
    }

    /// (text's UTF-8, count, specificity) of each term, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], f64, f64)> {
        Lines(&self.texts)
            .zip(self.counts())
            .zip(self.specificities())
            .map(|((text, count), specificity)| (text, count, specificity))
    }

    /// Number of terms.
    pub fn len(&self) -> usize {
        self.counts.len() / 8
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    fn counts(&self) -> impl Iterator<Item = f64> + '_ {
        floats(&self.counts)
    }

    fn specificities(&self) -> impl Iterator<Item = f64> + '_ {
        floats(&self.specificities)
    }
}

impl PartialEq for PackedTerms {
    fn eq(&self, other: &PackedTerms) -> bool {
        *self.texts == *other.texts && *self.counts == *other.counts && *self.specificities == *other.specificities
    }
}

/// The 8-byte little-endian floats of `bytes`.
fn floats(bytes: &[u8]) -> impl Iterator<Item = f64> + '_ {
    bytes.chunks_exact(8).map(|chunk| {
        let mut le = [0u8; 8];
        le.copy_from_slice(chunk);
        f64::from_le_bytes(le)
    })
}

/// The lines of a text without their line breaks, as `split_terminator('\n')` gives them,
/// found by a plain byte loop: a term is a few bytes, too short for `memchr` to pay.
struct Lines<'a>(&'a [u8]);

impl<'a> Iterator for Lines<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        if self.0.is_empty() {
            return None;
        }
        let (line, rest) = match find_line_break(self.0) {
            Some(end) => (&self.0[..end], &self.0[end + 1..]),
            None => (self.0, &[][..]),
        };
        self.0 = rest;
        Some(line)
    }
}

/// The first line break of `bytes`, looked for eight bytes at a time: a word has a zero byte
/// where it XORed with line breaks, and the lowest such byte is found exactly by the classic
/// test (its false positives lie only above a true zero byte).
fn find_line_break(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    const BREAKS: u64 = u64::from_le_bytes([b'\n'; 8]);
    let mut start = 0;
    while let Some(word) = bytes.get(start..).and_then(|rest| rest.first_chunk::<8>()) {
        let x = u64::from_le_bytes(*word) ^ BREAKS;
        let zero_bytes = x.wrapping_sub(ONES) & !x & HIGHS;
        if zero_bytes != 0 {
            return Some(start + zero_bytes.trailing_zeros() as usize / 8);
        }
        start += 8;
    }
    let tail = bytes.get(start..).unwrap_or_default();
    tail.iter().position(|&b| b == b'\n').map(|p| start + p)
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
    // Each term's text is hashed once: the articles are counted in chunks, one per task,
    // each term given an id within its chunk. Summed over the chunks (in any order: sums do
    // not depend on it), the counts give each term's document frequency, and each chunk's
    // inverse document frequencies by id, which its articles' terms then read without a
    // hash or a logarithm. Only looked up, never iterated into output: the hash maps keep
    // the output deterministic.
    let chunk = articles.len().div_ceil(2 * rayon::current_num_threads()).max(1);
    let counted: Vec<ChunkTerms> = articles.par_chunks(chunk).map(ChunkTerms::count).collect();
    let mut document_frequency: FxHashMap<&[u8], usize> = FxHashMap::default();
    for counted in &counted {
        for (&text, &df) in counted.texts.iter().zip(&counted.document_frequency) {
            *document_frequency.entry(text).or_default() += df;
        }
    }
    let n = articles.len() as f64;
    let term_frequency = TermFrequency::new();
    articles
        .par_chunks(chunk)
        .zip(counted)
        .flat_map_iter(|(chunk, counted)| {
            let idf: Vec<f64> = counted
                .texts
                .iter()
                .map(|text| {
                    let df = document_frequency.get(text).copied().unwrap_or(1) as f64;
                    ((n + 1.0) / (df + 1.0)).ln() + 1.0
                })
                .collect();
            let mut ids = counted.ids.as_slice();
            let mut scored: Vec<(f64, f64, u32)> = Vec::new();
            chunk
                .iter()
                .zip(&counted.terms_per_article)
                .map(|(terms, &len)| {
                    let (article_ids, rest) = ids.split_at(len.min(ids.len()));
                    ids = rest;
                    // The terms `PackedTerms::iter` gave when they were counted, in order.
                    scored.clear();
                    let terms = terms.counts().zip(terms.specificities()).zip(article_ids);
                    for ((count, specificity), &id) in terms {
                        let weight = term_frequency.of(count) * specificity;
                        scored.push((weight * idf[id as usize], weight, id));
                    }
                    best(&mut scored, &counted.texts, per_article)
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The `per_article` best of scored terms (score, weight in the article alone, id into
/// `texts`), listed by their weight in the article: heaviest first, ties by the term. The
/// choice needs the corpus; the order does not, so an article added elsewhere, which moves
/// every score a little, does not reorder the keywords of articles whose choice it leaves
/// alone (by score, near-equal terms swapped places on about 190 pages of a 10,000-article
/// site at each new article, and rsync or a CDN upload shipped them all). The choice is a
/// total order too (ties broken by the term), so selecting first gives what a full sort would.
fn best(scored: &mut Vec<(f64, f64, u32)>, texts: &[&[u8]], per_article: usize) -> Vec<String> {
    let best_first = |a: &(f64, f64, u32), b: &(f64, f64, u32)| {
        b.0.total_cmp(&a.0)
            .then_with(|| texts[a.2 as usize].cmp(texts[b.2 as usize]))
    };
    if per_article < scored.len() {
        scored.select_nth_unstable_by(per_article, best_first);
        scored.truncate(per_article);
    }
    scored.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then_with(|| texts[a.2 as usize].cmp(texts[b.2 as usize]))
    });
    // Bytes the analyze stage wrote from strings (a damaged record fails its checksum).
    scored
        .iter()
        .map(|&(_, _, id)| String::from_utf8_lossy(texts[id as usize]).into_owned())
        .collect()
}

/// The distinct terms of a chunk of articles.
struct ChunkTerms<'a> {
    /// Each distinct term's UTF-8, by id.
    texts: Vec<&'a [u8]>,
    /// How many of the chunk's articles have it, by id.
    document_frequency: Vec<usize>,
    /// The id of every term of every article, in order.
    ids: Vec<u32>,
    /// How many terms each article has.
    terms_per_article: Vec<usize>,
}

impl<'a> ChunkTerms<'a> {
    fn count(articles: &[&'a PackedTerms]) -> ChunkTerms<'a> {
        let mut id_of: FxHashMap<&[u8], u32> = FxHashMap::default();
        let mut chunk = ChunkTerms {
            texts: Vec::new(),
            document_frequency: Vec::new(),
            ids: Vec::with_capacity(articles.iter().map(|terms| terms.len()).sum()),
            terms_per_article: Vec::with_capacity(articles.len()),
        };
        for terms in articles {
            let before = chunk.ids.len();
            // A term appears once per article (its count says how often).
            for (text, _, _) in terms.iter() {
                let next = chunk.texts.len() as u32;
                let id = *id_of.entry(text).or_insert(next);
                if id == next {
                    chunk.texts.push(text);
                    chunk.document_frequency.push(0);
                }
                chunk.document_frequency[id as usize] += 1;
                chunk.ids.push(id);
            }
            chunk.terms_per_article.push(chunk.ids.len() - before);
        }
        chunk
    }
}

/// `1 + ln(count)`, the damped term frequency, looked up for the small whole counts nearly
/// every term has (the same value the logarithm gives: it is computed by it).
struct TermFrequency([f64; 64]);

impl TermFrequency {
    fn new() -> TermFrequency {
        TermFrequency(std::array::from_fn(|k| 1.0 + (k as f64).ln()))
    }

    fn of(&self, count: f64) -> f64 {
        let whole = count as usize;
        match self.0.get(whole) {
            Some(&tf) if whole as f64 == count => tf,
            _ => 1.0 + count.ln(),
        }
    }
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
        let unpacked: Vec<(&[u8], f64, f64)> = packed.iter().collect();
        assert_eq!(
            unpacked,
            [("集体协商".as_bytes(), 2.0, 1.0), ("职代会".as_bytes(), 1.5, 1.0)]
        );
        assert_eq!(packed.len(), 2);
        // Encoded as the string and 8-byte floats it was before it was kept as bytes.
        #[derive(Serialize)]
        struct AsString<'a> {
            texts: &'a str,
            #[serde(serialize_with = "as_bytes")]
            counts: Vec<u8>,
            #[serde(serialize_with = "as_bytes")]
            specificities: Vec<u8>,
        }
        fn as_bytes<S: serde::Serializer>(bytes: &[u8], serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_bytes(bytes)
        }
        let floats = |values: [f64; 2]| values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<u8>>();
        let before = AsString {
            texts: "集体协商\n职代会\n",
            counts: floats([2.0, 1.5]),
            specificities: floats([1.0, 1.0]),
        };
        let encoded = postcard::to_stdvec(&packed).unwrap();
        assert_eq!(encoded, postcard::to_stdvec(&before).unwrap());
        assert_eq!(postcard::from_bytes::<PackedTerms>(&encoded).unwrap(), packed);
        // Numbers that are not whole floats do not decode.
        let mut torn = encoded.clone();
        let counts_at = 1 + "集体协商\n职代会\n".len();
        assert_eq!(torn[counts_at], 16);
        torn[counts_at] = 15;
        assert!(postcard::from_bytes::<PackedTerms>(&torn).is_err());
        assert_eq!(PackedTerms::new(&[]).iter().count(), 0);
    }

    #[test]
    fn lines_split_as_split_terminator_does() {
        for text in [
            "",
            "\n",
            "\n\n",
            "集体协商\n职代会\n",
            "集体协商\n职代会",
            "a\n\nb\n",
            "\u{20000}\né",
        ] {
            let lines: Vec<&[u8]> = Lines(text.as_bytes()).collect();
            let expected: Vec<&[u8]> = text.split_terminator('\n').map(str::as_bytes).collect();
            assert_eq!(lines, expected, "{text:?}");
        }
        // A line break in every position of a word and its tail, after any byte.
        for len in 0..20 {
            for at in 0..len {
                for other in [0u8, 0x0b, 0x8a, 0xff] {
                    let mut bytes = vec![other; len];
                    bytes[at] = b'\n';
                    assert_eq!(find_line_break(&bytes), Some(at), "{bytes:?}");
                    bytes[at] = other;
                    assert_eq!(find_line_break(&bytes), None, "{bytes:?}");
                }
            }
        }
        let mut two = vec![b'a'; 17];
        (two[9], two[3]) = (b'\n', b'\n');
        assert_eq!(find_line_break(&two), Some(3));
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
    fn keywords_are_chosen_by_the_corpus_but_listed_by_weight_in_the_article() {
        // 集体协商 twice, 驿站 once: by score 驿站 leads while few articles have it, and falls
        // behind once many do. Listed by weight, the line stays as it was.
        let article = terms(&[("集体协商", 2.0), ("驿站", 1.0)]);
        let with_negotiation = terms(&[("集体协商", 1.0)]);
        let with_station = terms(&[("驿站", 1.0)]);
        let mut corpus = vec![&article, &with_negotiation, &with_station, &with_station];
        assert_eq!(pick(&corpus, 2)[0], ["集体协商", "驿站"]);
        corpus.extend(std::iter::repeat_n(&with_negotiation, 16));
        assert_eq!(pick(&corpus, 2)[0], ["集体协商", "驿站"]);
        // The choice still follows the corpus: the rarer term wins the one place.
        assert_eq!(pick(&corpus, 1)[0], ["驿站"]);
        corpus.truncate(4);
        corpus.extend(std::iter::repeat_n(&with_station, 16));
        assert_eq!(pick(&corpus, 1)[0], ["集体协商"]);
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
