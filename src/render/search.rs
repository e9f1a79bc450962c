//! The client-side search index, built at build time so search needs no server.
//!
//! Chinese has no spaces, so the index holds three kinds of terms:
//! - every **character bigram** of every run of Han characters (工会驿站 → 工会, 会驿, 驿站),
//!   which finds any query of two or more characters, names included, without a dictionary;
//! - every **word of three or more Han characters** found by the tool's segmenter (jieba-rs
//!   with the site's dictionary), which ranks documents that hold the query as a whole word
//!   above those where its bigrams merely occur. The words of an article's own text are
//!   segmented once, by the analyze stage (`Article::search_words`, kept in the build cache);
//!   short fields known only to the whole corpus (authors, sources, region and theme names)
//!   contribute each of their Han runs of three or more characters as a word instead;
//! - lowercased ASCII words (5G, APP) of two or more characters.
//!
//! ## Files, and why they stay put
//!
//! Every document has a **key** that depends only on its own URL: a hash of the URL reduced to
//! a key space of twice the corpus size rounded up to a power of two, a collision resolved by
//! taking the next free key (URLs in hash order, so the rule depends on nothing but the set of
//! URLs). Postings name documents by key, and the file of a document is `search/docs/KEY.json`
//! (URL, title, date, region and the text for the snippet). Postings are split into shards by
//! an FNV-1a hash of the term (`search/shards/N.json`). So adding, editing or removing one
//! article rewrites its own document file, the shards of its own terms and `search/meta.json`,
//! and nothing else, except when the corpus size crosses a power of two (the key space or the
//! shard count doubles) or in the rare run of colliding keys it joins.
//!
//! A query downloads only the shards of its own terms, then the files of the results it
//! shows. `themes/default/static/search.js` implements the same normalisation, term
//! extraction, hash and postings encoding; keep them in step.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;

use crate::clean::lines::is_han;
use crate::model::CleanArticle;

mod incremental;
pub use incremental::{full_state, patch, Docs, Fingerprint, Patch};

/// Bump when the file format changes (the page passes it to the script).
pub const FORMAT_VERSION: u32 = 2;
/// Aim for shards of about this many bytes.
const SHARD_TARGET_BYTES: usize = 8 * 1024;
/// Most shards ever written.
const MAX_SHARDS: usize = 16_384;
/// Most characters of an article kept for snippets.
const SNIPPET_TEXT_CHARS: usize = 5000;
/// Shortest and longest Han word indexed as a whole.
const MIN_WORD_CHARS: usize = 3;
const MAX_WORD_CHARS: usize = 12;
/// Longest ASCII word indexed.
const MAX_ASCII_CHARS: usize = 32;
/// Stored weights are capped (7 bits in the build's sort keys).
const MAX_WEIGHT: u32 = 99;
/// The smallest key space (so tiny sites get spread keys too).
const MIN_KEY_SPACE: usize = 64;
/// Documents beyond this many are not indexed (keys and weights share 32 bits while sorting).
const MAX_DOCS: usize = 1 << 24;
/// The build groups terms by `fnv1a(term) % RANGES` to work on all cores; a power of two, so
/// each shard lies in one range, whatever the shard count.
const RANGES: usize = 64;
/// Marks a bigram key (two chars packed in the low 42 bits); word keys are hashes without it.
const BIGRAM: u64 = 1 << 63;

/// Field weights: a term in the title counts five times one in the body.
const TITLE: u32 = 5;
const AUTHOR: u32 = 4;
const HEADLINE: u32 = 3;
const META: u32 = 2;
const BODY: u32 = 1;

/// One article as the search index sees it (borrowing the article's own text).
#[derive(Debug, Clone, Default)]
pub struct SearchDoc<'a> {
    pub url: String,
    pub title: &'a str,
    /// Date as displayed (e.g. 2024年3月6日).
    pub date: String,
    /// Region as displayed (e.g. 浙江省 › 杭州市).
    pub region: String,
    pub kicker: Option<&'a str>,
    pub subtitle: Option<&'a str>,
    pub authors: &'a [String],
    pub sources: Vec<&'a str>,
    /// Region path names and theme names, so 浙江 finds an article placed in 杭州.
    pub tags: Vec<String>,
    /// The paragraphs (read only for the documents the index has to segment again).
    pub body: &'a crate::model::Body,
    /// The weighted long words of kicker, title, subtitle and body, as the analyze stage found
    /// them ([`article_words`]); `None` segments the text now.
    pub words: Option<&'a crate::model::SearchWords>,
}

/// The finished index: files to write and what they hold.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    pub shard_count: usize,
    /// Number of possible document keys (a power of two).
    pub key_space: usize,
    /// The key of each indexed document, in the order given.
    pub keys: Vec<u32>,
    /// (site-relative path, bytes), in path order: every file from [`build`]; the shards and
    /// the meta file from [`build_writing_docs`], which hands the documents' files over as
    /// they are made.
    pub files: Vec<(String, Vec<u8>)>,
    pub stats: IndexStats,
    /// Bytes of all terms ([`term_bytes`] summed): what the shard count follows.
    pub term_bytes: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    pub docs: usize,
    pub terms: usize,
    pub postings: usize,
    /// Bytes of all postings shards.
    pub shard_bytes: usize,
    /// Bytes of all per-document files.
    pub doc_bytes: usize,
    /// Largest single shard.
    pub largest_shard: usize,
}

/// Words of the segmenter, for documents whose words were not found by the analyze stage:
/// jieba-rs with the default dictionary and the site's own words, loaded on first use only.
pub struct Segmenter {
    extra_words: Vec<String>,
    jieba: OnceLock<jieba_rs::Jieba>,
}

impl Segmenter {
    pub fn new(extra_words: &[String]) -> Segmenter {
        Segmenter {
            extra_words: extra_words.to_vec(),
            jieba: OnceLock::new(),
        }
    }

    fn jieba(&self) -> &jieba_rs::Jieba {
        self.jieba.get_or_init(|| {
            let mut jieba = crate::analyze::dictionary::stock().clone();
            for word in &self.extra_words {
                let word = word.trim();
                if !word.is_empty() {
                    jieba.add_word(word, None, None);
                }
            }
            jieba
        })
    }

    /// Whole Han words of three or more characters in `text` (already normalised).
    pub fn long_words<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba()
            .cut(text, false)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| is_long_word(w))
            .collect()
    }
}

/// A word indexed as a whole: three to twelve Han characters.
pub fn is_long_word(word: &str) -> bool {
    let mut n = 0;
    for c in word.chars() {
        if !is_han(c) {
            return false;
        }
        n += 1;
    }
    (MIN_WORD_CHARS..=MAX_WORD_CHARS).contains(&n)
}

/// The weighted long words of an article's own text, from its segmentation: `line_words`
/// gives each word with its line, numbered as the analyze stage's `Doc` numbers them (kicker,
/// title and subtitle when present, then the body paragraphs). Words that are not
/// [long words](is_long_word) are skipped.
pub fn article_words<'w>(
    clean: &CleanArticle,
    line_words: impl IntoIterator<Item = (usize, &'w str)>,
) -> BTreeMap<String, u32> {
    let weights = line_weights(clean.kicker.is_some(), clean.subtitle.is_some());
    let mut words = BTreeMap::new();
    for (line, word) in line_words {
        add_word(&mut words, &weights, line, word);
    }
    words
}

/// Weights of the title lines in `Doc` order; lines after them are body lines.
fn line_weights(kicker: bool, subtitle: bool) -> Vec<u32> {
    let mut weights = Vec::with_capacity(3);
    if kicker {
        weights.push(HEADLINE);
    }
    weights.push(TITLE);
    if subtitle {
        weights.push(HEADLINE);
    }
    weights
}

fn add_word(words: &mut BTreeMap<String, u32>, weights: &[u32], line: usize, word: &str) {
    if !is_long_word(word) {
        return;
    }
    let weight = weights.get(line).copied().unwrap_or(BODY);
    let total = words.entry(word.to_string()).or_default();
    *total = (*total + weight).min(MAX_WEIGHT);
}

/// [`article_words`] for a document the analyze stage did not segment.
fn segment_now(doc: &SearchDoc, segmenter: &Segmenter) -> BTreeMap<String, u32> {
    let weights = line_weights(doc.kicker.is_some(), doc.subtitle.is_some());
    let lines = doc
        .kicker
        .into_iter()
        .chain([doc.title])
        .chain(doc.subtitle)
        .chain(doc.body.iter().map(String::as_str));
    let mut words = BTreeMap::new();
    for (line, text) in lines.enumerate() {
        for word in segmenter.long_words(&normalise(text)) {
            add_word(&mut words, &weights, line, word);
        }
    }
    words
}

/// A hash of everything the index takes from one document (its file and its postings), so a
/// patch can tell the documents that changed (see [`incremental`]).
pub fn fingerprint(doc: &SearchDoc) -> Fingerprint {
    fingerprint_with(doc, &mut Vec::new())
}

/// [`fingerprint`], laying the fields out in `buffer` first: one large update hashes many
/// times faster than thousands of small ones.
fn fingerprint_with(doc: &SearchDoc, buffer: &mut Vec<u8>) -> Fingerprint {
    // Every text with its length first, every list with its count: no two inputs hash alike.
    fn number(buffer: &mut Vec<u8>, n: usize) {
        buffer.extend_from_slice(&(n as u64).to_le_bytes());
    }
    fn text(buffer: &mut Vec<u8>, text: &str) {
        number(buffer, text.len());
        buffer.extend_from_slice(text.as_bytes());
    }
    buffer.clear();
    for field in [&doc.url, doc.title, &doc.date, &doc.region] {
        text(buffer, field);
    }
    // An absent headline and an empty one differ (the analyze stage numbers lines by them).
    for headline in [doc.kicker, doc.subtitle] {
        number(buffer, usize::from(headline.is_some()));
        text(buffer, headline.unwrap_or_default());
    }
    for list in [doc.authors, doc.body, &doc.tags] {
        number(buffer, list.len());
        list.iter().for_each(|t| text(buffer, t));
    }
    number(buffer, doc.sources.len());
    doc.sources.iter().for_each(|t| text(buffer, t));
    // The words as the build cache keeps them, hashed without decoding them.
    match doc.words.filter(|words| !words.is_none()) {
        Some(words) => {
            number(buffer, words.encoded().len());
            buffer.extend_from_slice(words.encoded());
        }
        None => number(buffer, usize::MAX),
    }
    let mut fingerprint = Fingerprint::default();
    let len = fingerprint.len();
    fingerprint.copy_from_slice(&blake3::hash(buffer).as_bytes()[..len]);
    fingerprint
}

/// Full-width ASCII to half-width, ASCII lowercased (one character of [`normalise`]).
fn normalise_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    }
    .to_ascii_lowercase()
}

/// Query and index text are normalised the same way: full-width ASCII to half-width, ASCII
/// lowercased.
pub fn normalise(text: &str) -> String {
    text.chars().map(normalise_char).collect()
}

/// Character bigrams of each Han run, and ASCII words, of normalised text, in order (what a
/// query looks up; the build collects the same terms with integer keys).
pub fn bigrams_and_ascii(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut previous_han: Option<char> = None;
    let mut ascii = String::new();
    let flush_ascii = |ascii: &mut String, terms: &mut Vec<String>| {
        if (2..=MAX_ASCII_CHARS).contains(&ascii.len()) {
            terms.push(std::mem::take(ascii));
        } else {
            ascii.clear();
        }
    };
    for c in text.chars() {
        if is_han(c) {
            if let Some(p) = previous_han {
                terms.push(format!("{p}{c}"));
            }
            previous_han = Some(c);
        } else {
            previous_han = None;
        }
        if c.is_ascii_alphanumeric() {
            ascii.push(c);
        } else {
            flush_ascii(&mut ascii, &mut terms);
        }
    }
    flush_ascii(&mut ascii, &mut terms);
    terms
}

/// 32-bit FNV-1a of the term's UTF-8 bytes: the shard a term lives in (same in search.js).
pub fn fnv1a(term: &str) -> u32 {
    fnv1a_bytes(0x811c_9dc5, term.as_bytes())
}

fn fnv1a_bytes(mut hash: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The build's integer name of a term: a bigram packs its two characters, any other term is
/// a 63-bit FNV-1a hash of its text (two terms sharing one would share postings: at a million
/// distinct words, a chance of about one in 10^7).
fn word_key(word: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in word.as_bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash & !BIGRAM
}

fn bigram_chars(key: u64) -> Option<(char, char)> {
    if key & BIGRAM == 0 {
        return None;
    }
    let a = char::from_u32(((key >> 21) & 0x1F_FFFF) as u32)?;
    let b = char::from_u32((key & 0x1F_FFFF) as u32)?;
    Some((a, b))
}

fn bigram_fnv(a: char, b: char) -> u32 {
    let mut buf = [0u8; 8];
    let n = a.encode_utf8(&mut buf).len();
    let m = b.encode_utf8(&mut buf[n..]).len();
    fnv1a_bytes(0x811c_9dc5, &buf[..n + m])
}

/// The terms of one document as they are collected: every occurrence, with its weight.
/// Reused from document to document by each thread.
#[derive(Default)]
struct Terms<'a> {
    /// Bigram occurrences: the two characters packed (a bigram key without its mark), shifted
    /// left by 7 bits, with the weight in those bits, so plain integer sorting groups them.
    bigrams: Vec<u64>,
    /// Word occurrences (long words and ASCII words): key and weight.
    words: Vec<(u64, u32)>,
    /// The text of every word key (bigram keys carry their own).
    names: Vec<(u64, Cow<'a, str>)>,
    ascii: String,
}

impl<'a> Terms<'a> {
    fn clear(&mut self) {
        self.bigrams.clear();
        self.words.clear();
        self.names.clear();
        self.ascii.clear();
    }

    /// Bigrams and ASCII words of `text` (normalised on the fly), and with `whole_runs` each
    /// Han run of three to twelve characters as a word.
    fn add_text(&mut self, text: &'a str, weight: u32, whole_runs: bool) {
        let mut previous_han: Option<char> = None;
        let mut run_start = 0;
        let packed_weight = u64::from(weight.min(MAX_WEIGHT));
        for (i, c) in text.char_indices() {
            let c = normalise_char(c);
            if is_han(c) {
                match previous_han {
                    Some(p) => self
                        .bigrams
                        .push((((u64::from(p) << 21) | u64::from(c)) << 7) | packed_weight),
                    None => run_start = i,
                }
                previous_han = Some(c);
                if !self.ascii.is_empty() {
                    self.flush_ascii(weight);
                }
                continue;
            }
            if previous_han.is_some() && whole_runs {
                self.add_word(Cow::Borrowed(&text[run_start..i]), weight);
            }
            previous_han = None;
            if c.is_ascii_alphanumeric() {
                self.ascii.push(c);
            } else if !self.ascii.is_empty() {
                self.flush_ascii(weight);
            }
        }
        if previous_han.is_some() && whole_runs {
            self.add_word(Cow::Borrowed(&text[run_start..]), weight);
        }
        self.flush_ascii(weight);
    }

    fn flush_ascii(&mut self, weight: u32) {
        if (2..=MAX_ASCII_CHARS).contains(&self.ascii.len()) {
            let key = word_key(&self.ascii);
            self.words.push((key, weight));
            self.names.push((key, Cow::Owned(self.ascii.clone())));
        }
        self.ascii.clear();
    }

    /// A long word (anything else is ignored).
    fn add_word(&mut self, word: Cow<'a, str>, weight: u32) {
        if is_long_word(&word) {
            let key = word_key(&word);
            self.words.push((key, weight));
            self.names.push((key, word));
        }
    }
}

/// The distinct terms of a run of documents (consecutive in key order), grouped by range.
struct Chunk<'a> {
    /// For each range (by the term's FNV-1a), its postings, the documents in key order.
    ranges: Vec<RangePostings>,
    /// Text of every word key, sorted by key.
    names: Vec<(u64, Cow<'a, str>)>,
}

impl Chunk<'_> {
    fn name_of(&self, key: u64) -> Option<&str> {
        self.names
            .binary_search_by_key(&key, |(k, _)| *k)
            .ok()
            .map(|i| self.names[i].1.as_ref())
    }
}

/// Postings as two columns: the bulk of the index build's memory, so no per-posting padding
/// and no per-posting copy of the term's hash (computed once per term when ranges merge).
#[derive(Clone, Default)]
struct RangePostings {
    /// Term keys.
    keys: Vec<u64>,
    /// Document key << 7 | weight.
    postings: Vec<u32>,
}

/// Documents per chunk: enough to make the work per chunk large, few enough for many chunks.
const CHUNK_DOCS: usize = 128;
/// Documents per batch of chunks (see [`build`]): many chunks for the cores to share.
const BATCH_DOCS: usize = 64 * CHUNK_DOCS;

/// The terms of the documents `members` (indexes into `docs`, in key order).
fn chunk_terms<'d>(
    docs: &'d [SearchDoc<'_>],
    members: &[usize],
    keys: &[u32],
    segmenter: &Segmenter,
    terms: &mut Terms<'d>,
) -> Chunk<'d> {
    let mut chunk = Chunk {
        ranges: vec![RangePostings::default(); RANGES],
        names: Vec::new(),
    };
    for &n in members {
        let doc = keys[n] << 7;
        doc_terms(&docs[n], segmenter, terms, |key, fnv, weight| {
            let range = &mut chunk.ranges[fnv as usize % RANGES];
            range.keys.push(key);
            range.postings.push(doc | weight.min(MAX_WEIGHT));
        });
        chunk.names.append(&mut terms.names);
    }
    chunk.names.sort_unstable_by_key(|(key, _)| *key);
    chunk.names.dedup_by_key(|(key, _)| *key);
    chunk
}

/// The distinct terms of one document: `push(term key, FNV-1a of its text, summed weight)`
/// for each (the weight not yet capped). Leaves the text of every word key in `terms.names`,
/// sorted by key.
fn doc_terms<'d>(
    doc: &'d SearchDoc<'_>,
    segmenter: &Segmenter,
    terms: &mut Terms<'d>,
    mut push: impl FnMut(u64, u32, u32),
) {
    collect_terms(doc, segmenter, terms);
    // Sum the weights of each term: sorting groups equal terms.
    terms.bigrams.sort_unstable();
    let mut k = 0;
    while k < terms.bigrams.len() {
        let pair = terms.bigrams[k] >> 7;
        let mut weight = 0;
        while k < terms.bigrams.len() && terms.bigrams[k] >> 7 == pair {
            weight += (terms.bigrams[k] & 0x7F) as u32;
            k += 1;
        }
        let key = BIGRAM | pair;
        push(key, bigram_chars(key).map_or(0, |(a, b)| bigram_fnv(a, b)), weight);
    }
    terms.words.sort_unstable();
    // By key only (comparing the texts of repeated words costs much); should two texts
    // share a key, the one kept still depends only on the input.
    terms.names.sort_unstable_by_key(|(key, _)| *key);
    terms.names.dedup_by_key(|(key, _)| *key);
    let mut k = 0;
    while k < terms.words.len() {
        let key = terms.words[k].0;
        let mut weight = 0;
        while k < terms.words.len() && terms.words[k].0 == key {
            weight += terms.words[k].1;
            k += 1;
        }
        let fnv = terms
            .names
            .binary_search_by_key(&key, |(k, _)| *k)
            .map_or(0, |i| fnv1a(&terms.names[i].1));
        push(key, fnv, weight);
    }
}

/// Every term occurrence of one document, with its field weight, into `terms`.
fn collect_terms<'d>(doc: &'d SearchDoc<'_>, segmenter: &Segmenter, terms: &mut Terms<'d>) {
    terms.clear();
    terms.add_text(doc.title, TITLE, false);
    for text in doc.kicker.iter().chain(doc.subtitle.iter()) {
        terms.add_text(text, HEADLINE, false);
    }
    for author in doc.authors {
        terms.add_text(author, AUTHOR, true);
    }
    for source in &doc.sources {
        terms.add_text(source, META, true);
    }
    for tag in &doc.tags {
        terms.add_text(tag, META, true);
    }
    for paragraph in doc.body {
        terms.add_text(paragraph, BODY, false);
    }
    match doc.words.and_then(crate::model::SearchWords::as_ref) {
        Some(words) => {
            for (word, &weight) in words {
                terms.add_word(Cow::Borrowed(word.as_str()), weight);
            }
        }
        None => {
            for (word, weight) in segment_now(doc, segmenter) {
                terms.add_word(Cow::Owned(word), weight);
            }
        }
    }
}

/// Keys of documents by URL (see the module comment): the key space, and each URL's key.
pub fn doc_keys(urls: &[&str]) -> (usize, Vec<u32>) {
    let space = (urls.len().max(1).next_power_of_two() * 2).max(MIN_KEY_SPACE);
    let mask = (space - 1) as u64;
    let mut order: Vec<(u64, u64, &str, usize)> = urls
        .iter()
        .enumerate()
        .map(|(i, url)| {
            let digest = blake3::hash(url.as_bytes());
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest.as_bytes()[..8]);
            let hash = u64::from_le_bytes(first);
            (hash & mask, hash, *url, i)
        })
        .collect();
    order.sort_unstable();
    let mut taken = vec![false; space];
    let mut keys = vec![0u32; urls.len()];
    for (home, _, _, i) in order {
        let mut key = home as usize;
        while taken[key] {
            key = (key + 1) & (space - 1);
        }
        taken[key] = true;
        keys[i] = key as u32;
    }
    (space, keys)
}

/// Digits of the postings encoding (URL-safe Base64's, safe in JSON strings unescaped).
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn push_number(out: &mut Vec<u8>, mut value: u32) {
    while value >= 32 {
        out.push(DIGITS[(32 | (value & 31)) as usize]);
        value >>= 5;
    }
    out.push(DIGITS[value as usize]);
}

/// A postings list (document keys ascending, with weights) as a string of numbers, five bits
/// per digit, least significant first, a digit of 32 or more saying "more digits follow". For
/// each document: (gap from the previous key − 1) × 2, plus 1 when the weight is not 1, then
/// in that case the weight − 2. The first gap counts from −1. Most postings are body words
/// seen once in a nearby document: one character.
pub fn encode_postings(list: &[(u32, u32)]) -> String {
    let packed: Vec<u32> = list
        .iter()
        .map(|&(doc, weight)| (doc << 7) | weight.min(MAX_WEIGHT))
        .collect();
    String::from_utf8(encode_packed(&packed)).unwrap_or_default()
}

/// [`encode_postings`] of a list packed as `key << 7 | weight`, as bytes.
fn encode_packed(list: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(list.len() * 2 + 8);
    let mut previous: i64 = -1;
    for &packed in list {
        let (doc, weight) = (packed >> 7, packed & 0x7F);
        let gap = (i64::from(doc) - previous - 1).max(0) as u32;
        if weight == 1 {
            push_number(&mut out, gap << 1);
        } else {
            push_number(&mut out, (gap << 1) | 1);
            push_number(&mut out, weight.max(2) - 2);
        }
        previous = i64::from(doc);
    }
    out
}

/// The inverse of [`encode_postings`] (search.js does the same).
pub fn decode_postings(text: &str) -> Vec<(u32, u32)> {
    let mut numbers = Vec::new();
    let (mut value, mut shift) = (0u64, 0u32);
    for b in text.bytes() {
        let Some(digit) = DIGITS.iter().position(|&d| d == b) else {
            continue;
        };
        value |= ((digit as u64) & 31) << shift.min(63);
        if digit < 32 {
            numbers.push(value);
            (value, shift) = (0, 0);
        } else {
            shift += 5;
        }
    }
    let mut out = Vec::new();
    let mut doc: i64 = -1;
    let mut k = 0;
    while k < numbers.len() {
        let gap = (numbers[k] >> 1) as i64 + 1;
        let weight = if numbers[k] & 1 == 1 {
            k += 1;
            numbers.get(k).map_or(2, |w| w + 2)
        } else {
            1
        };
        k += 1;
        doc += gap;
        out.push((
            u32::try_from(doc).unwrap_or(u32::MAX),
            u32::try_from(weight).unwrap_or(u32::MAX),
        ));
    }
    out
}

/// One term of the index: its hash, text and encoded postings.
struct Term {
    fnv: u32,
    text: String,
    /// Encoded postings (ASCII).
    postings: Vec<u8>,
    documents: usize,
}

/// Hashes a term key for the per-range maps (keys are already well spread or hashes).
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        let h = (self.0 ^ (self.0 >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^ (h >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

/// Term key → index, for the per-range maps.
type KeyMap = std::collections::HashMap<u64, usize, std::hash::BuildHasherDefault<KeyHasher>>;

/// The terms of one range (by the term's FNV-1a) as batches of chunks are merged into it.
/// Chunks come in document key order, so each postings list stays sorted.
#[derive(Default)]
struct RangeTerms {
    slot: KeyMap,
    /// Each term's key, its text if it is a word (from the first chunk holding it, so two
    /// words sharing a key, a one-in-10^7 event, still give the same output every time) and
    /// its postings (document key << 7 | weight).
    found: Vec<(u64, Option<String>, Vec<u32>)>,
}

impl RangeTerms {
    /// Append the range's entries of `chunks` (the next documents in key order).
    fn absorb(&mut self, range: usize, chunks: &[Chunk]) {
        for chunk in chunks {
            let postings = &chunk.ranges[range];
            for (&key, &posting) in postings.keys.iter().zip(&postings.postings) {
                let found = &mut self.found;
                let i = *self.slot.entry(key).or_insert_with(|| {
                    let text = bigram_chars(key)
                        .is_none()
                        .then(|| chunk.name_of(key).unwrap_or_default().to_string());
                    found.push((key, text, Vec::new()));
                    found.len() - 1
                });
                found[i].2.push(posting);
            }
        }
    }

    /// The range's terms, in (hash, key) order.
    fn into_terms(self) -> Vec<Term> {
        let mut terms: Vec<(u64, Term)> = self
            .found
            .into_iter()
            .map(|(key, word, list)| {
                let (text, fnv) = match (bigram_chars(key), word) {
                    (Some((a, b)), _) => (format!("{a}{b}"), bigram_fnv(a, b)),
                    (None, word) => {
                        let name = word.unwrap_or_default();
                        let fnv = if name.is_empty() { 0 } else { fnv1a(&name) };
                        (name, fnv)
                    }
                };
                let term = Term {
                    fnv,
                    text,
                    postings: encode_packed(&list),
                    documents: list.len(),
                };
                (key, term)
            })
            .collect();
        terms.sort_unstable_by_key(|(key, term)| (term.fnv, *key));
        terms.into_iter().map(|(_, term)| term).collect()
    }
}

#[derive(Serialize)]
struct DocFile<'a> {
    url: &'a str,
    title: &'a str,
    date: &'a str,
    region: &'a str,
    text: String,
}

#[derive(Serialize)]
struct Meta {
    version: u32,
    docs: usize,
    shards: usize,
    keys: usize,
    terms: usize,
}

/// Bytes of one term in a shard: `"term":"postings",`.
fn term_bytes(term: &Term) -> usize {
    term.text.len() + term.postings.len() + 6
}

/// A shard: a JSON object of term → encoded postings. Terms are Han characters, ASCII letters
/// and digits, and postings use [`DIGITS`], so nothing needs escaping.
fn shard_json(terms: &[&Term]) -> Vec<u8> {
    let mut out = Vec::with_capacity(terms.iter().map(|t| term_bytes(t)).sum::<usize>() + 2);
    out.push(b'{');
    for (n, term) in terms.iter().enumerate() {
        if n > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(term.text.as_bytes());
        out.extend_from_slice(b"\":\"");
        out.extend_from_slice(&term.postings);
        out.push(b'"');
    }
    out.push(b'}');
    out
}

/// Compact JSON made safe to embed in HTML (as `feeds::to_json_compact` makes it: `<`, `>`,
/// `&`, U+2028 and U+2029 escaped), by one pass over serde_json's bytes, which is much faster
/// on long texts than a formatter that looks at every character. The replaced characters
/// can only occur inside strings, where the escapes mean the same.
fn html_safe_json(json: Vec<u8>) -> Vec<u8> {
    let needs = |k: usize, b: u8| {
        matches!(b, b'<' | b'>' | b'&')
            || (b == 0xE2 && json.get(k + 1) == Some(&0x80) && matches!(json.get(k + 2), Some(0xA8 | 0xA9)))
    };
    if !json.iter().enumerate().any(|(k, &b)| needs(k, b)) {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 64);
    let mut k = 0;
    while k < json.len() {
        let b = json[k];
        if !needs(k, b) {
            out.push(b);
            k += 1;
            continue;
        }
        let escape: &[u8] = match b {
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            b'&' => b"\\u0026",
            _ if json[k + 2] == 0xA8 => b"\\u2028",
            _ => b"\\u2029",
        };
        out.extend_from_slice(escape);
        k += if b == 0xE2 { 3 } else { 1 };
    }
    out
}

/// Shards of an index whose terms take `total` bytes ([`term_bytes`] summed).
fn shard_count_for(total: usize) -> usize {
    total
        .div_ceil(SHARD_TARGET_BYTES)
        .clamp(1, MAX_SHARDS)
        .next_power_of_two()
}

/// Where the index keeps its summary.
pub const META_PATH: &str = "search/meta.json";

/// Where the file of the document with key `key` goes.
pub fn doc_path(key: u32) -> String {
    format!("search/docs/{key}.json")
}

/// Where shard `n` goes.
pub fn shard_path(n: usize) -> String {
    format!("search/shards/{n}.json")
}

/// The file of one document: what a result shows.
pub fn doc_file(doc: &SearchDoc) -> Vec<u8> {
    let mut text = doc.body.join("\n");
    if let Some((end, _)) = text.char_indices().nth(SNIPPET_TEXT_CHARS) {
        text.truncate(end);
    }
    let file = DocFile {
        url: &doc.url,
        title: doc.title,
        date: &doc.date,
        region: &doc.region,
        text,
    };
    html_safe_json(serde_json::to_vec(&file).unwrap_or_default())
}

fn meta_file(docs: usize, shards: usize, keys: usize, terms: usize) -> Vec<u8> {
    let meta = Meta {
        version: FORMAT_VERSION,
        docs,
        shards,
        keys,
        terms,
    };
    super::feeds::to_json_compact(&meta).unwrap_or_default()
}

/// Build the index of `docs`, every file in [`SearchIndex::files`].
pub fn build(docs: &[SearchDoc], segmenter: &Segmenter) -> SearchIndex {
    collecting_docs(|write_doc| build_in_batches(docs, segmenter, BATCH_DOCS, write_doc))
}

/// Build the index of `docs`, handing each document's file to `write_doc` (site-relative
/// path, bytes) as soon as it is made, from any thread; the shards and the meta file are
/// returned in [`SearchIndex::files`]. A site's document files are most of the index's bytes
/// (374 of 503 MB at 100,000 articles): held until the end, they were that much more memory.
/// Stops at the first error `write_doc` returns.
pub fn build_writing_docs<E: Send>(
    docs: &[SearchDoc],
    segmenter: &Segmenter,
    write_doc: impl Fn(&str, &[u8]) -> Result<(), E> + Sync,
) -> Result<SearchIndex, E> {
    build_in_batches(docs, segmenter, BATCH_DOCS, write_doc)
}

/// Run `build` with a document writer that keeps the files, then add them to the index's.
fn collecting_docs(
    build: impl FnOnce(&(dyn Fn(&str, &[u8]) -> Result<(), Infallible> + Sync)) -> Result<SearchIndex, Infallible>,
) -> SearchIndex {
    let doc_files = Mutex::new(Vec::new());
    let keep = |rel: &str, bytes: &[u8]| {
        doc_files
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((rel.to_string(), bytes.to_vec()));
        Ok(())
    };
    let Ok(mut index) = build(&keep);
    index
        .files
        .extend(doc_files.into_inner().unwrap_or_else(|p| p.into_inner()));
    index.files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    index
}

/// [`build_writing_docs`], reading `batch_docs` documents (a multiple of [`CHUNK_DOCS`]) at a
/// time.
fn build_in_batches<E: Send>(
    docs: &[SearchDoc],
    segmenter: &Segmenter,
    batch_docs: usize,
    write_doc: impl Fn(&str, &[u8]) -> Result<(), E> + Sync,
) -> Result<SearchIndex, E> {
    let docs = &docs[..docs.len().min(MAX_DOCS)];
    let urls: Vec<&str> = docs.iter().map(|d| d.url.as_str()).collect();
    let (key_space, keys) = doc_keys(&urls);
    // The documents' files first: written before the terms are gathered, none is held
    // while the postings are.
    let doc_bytes = AtomicUsize::new(0);
    docs.par_iter().zip(keys.par_iter()).try_for_each(|(doc, key)| {
        let file = doc_file(doc);
        doc_bytes.fetch_add(file.len(), Ordering::Relaxed);
        write_doc(&doc_path(*key), &file)
    })?;

    // Each document's terms, on all cores, in chunks of documents in key order.
    let mut by_key: Vec<usize> = (0..docs.len()).collect();
    by_key.sort_unstable_by_key(|&n| keys[n]);
    // Batch by batch, so that the chunks' entries (12 bytes a posting) are held for one
    // batch rather than for the whole corpus, merged into each range's postings (4 bytes a
    // posting) before the next batch is read. The peak RSS of a cold build went from 4.57
    // to 3.56 GB at 100,000 articles, from 595 to 550 MB at 10,000, in the same time.
    let mut range_terms: Vec<RangeTerms> = (0..RANGES).map(|_| RangeTerms::default()).collect();
    for batch in by_key.chunks(batch_docs.max(1)) {
        let chunks: Vec<Chunk> = batch
            .par_chunks(CHUNK_DOCS)
            .map_init(Terms::default, |terms, members| {
                chunk_terms(docs, members, &keys, segmenter, terms)
            })
            .collect();
        range_terms
            .par_iter_mut()
            .enumerate()
            .for_each(|(r, range)| range.absorb(r, &chunks));
    }
    // Postings term by term, range by range on all cores.
    let ranges: Vec<Vec<Term>> = range_terms.into_par_iter().map(RangeTerms::into_terms).collect();

    let total: usize = ranges.iter().flatten().map(term_bytes).sum();
    let shard_count = shard_count_for(total);
    let mut shards: Vec<Vec<&Term>> = vec![Vec::new(); shard_count];
    let mut stats = IndexStats {
        docs: docs.len(),
        ..IndexStats::default()
    };
    for term in ranges.iter().flatten() {
        stats.terms += 1;
        stats.postings += term.documents;
        shards[term.fnv as usize % shard_count].push(term);
    }
    let mut files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .enumerate()
        .map(|(n, terms)| (shard_path(n), shard_json(terms)))
        .collect();
    for (_, bytes) in &files {
        stats.shard_bytes += bytes.len();
        stats.largest_shard = stats.largest_shard.max(bytes.len());
    }
    stats.doc_bytes = doc_bytes.into_inner();
    files.push((
        META_PATH.to_string(),
        meta_file(docs.len(), shard_count, key_space, stats.terms),
    ));
    files.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(SearchIndex {
        shard_count,
        key_space,
        keys,
        files,
        stats,
        term_bytes: total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::OnceLock;

    fn segmenter() -> &'static Segmenter {
        static S: OnceLock<Segmenter> = OnceLock::new();
        S.get_or_init(|| Segmenter::new(&["工会驿站".to_string(), "户外劳动者服务站点".to_string()]))
    }

    fn doc<'a>(title: &'a str, body: &'a crate::model::Body) -> SearchDoc<'a> {
        SearchDoc {
            url: format!("/articles/{}/", fnv1a(title)),
            title,
            date: "2024年3月6日".into(),
            region: "浙江省 › 杭州市".into(),
            body,
            ..SearchDoc::default()
        }
    }

    fn body(text: &str) -> crate::model::Body {
        vec![text.to_string()].into()
    }

    /// A term's postings as (document number in the input, weight), documents by key.
    fn lookup(index: &SearchIndex, term: &str) -> Vec<(usize, u32)> {
        let path = format!("search/shards/{}.json", fnv1a(term) as usize % index.shard_count);
        let (_, bytes) = index.files.iter().find(|(p, _)| *p == path).unwrap();
        let shard: BTreeMap<String, String> = serde_json::from_slice(bytes).unwrap();
        decode_postings(shard.get(term).map_or("", String::as_str))
            .into_iter()
            .map(|(key, weight)| (index.keys.iter().position(|&k| k == key).unwrap(), weight))
            .collect()
    }

    #[test]
    fn the_fingerprint_covers_every_field_the_index_reads() {
        let text = body("正文");
        let words = crate::model::SearchWords::new(&[("工会驿站".to_string(), 2)].into());
        let other_words = crate::model::SearchWords::new(&[("工会驿站".to_string(), 3)].into());
        let authors = ["作者".to_string()];
        let two_paragraphs: crate::model::Body = vec!["正".to_string(), "文".to_string()].into();
        let base = doc("标题", &text);
        let variants = [
            SearchDoc {
                url: "/x/".into(),
                ..base.clone()
            },
            SearchDoc {
                title: "标题二",
                ..base.clone()
            },
            SearchDoc {
                date: "2024年3月7日".into(),
                ..base.clone()
            },
            SearchDoc {
                region: "浙江省".into(),
                ..base.clone()
            },
            SearchDoc {
                kicker: Some(""),
                ..base.clone()
            },
            SearchDoc {
                subtitle: Some("副题"),
                ..base.clone()
            },
            SearchDoc {
                authors: &authors,
                ..base.clone()
            },
            SearchDoc {
                sources: vec!["中工网"],
                ..base.clone()
            },
            SearchDoc {
                tags: vec!["浙江省".into()],
                ..base.clone()
            },
            SearchDoc {
                body: &two_paragraphs,
                ..base.clone()
            },
            SearchDoc {
                words: Some(&words),
                ..base.clone()
            },
            SearchDoc {
                words: Some(&other_words),
                ..base.clone()
            },
        ];
        let mut seen: BTreeSet<Fingerprint> = variants.iter().map(fingerprint).collect();
        assert_eq!(seen.len(), variants.len());
        assert!(seen.insert(fingerprint(&base)));
        assert_eq!(fingerprint(&base), fingerprint(&base.clone()));
    }

    /// Reading the documents in batches gives the index that reading them at once gives:
    /// each postings list stays in key order across batches, and a word's text comes from
    /// the first chunk holding it.
    #[test]
    fn batches_give_the_same_index_as_one_pass() {
        let titles: Vec<String> = (0..700).map(|n| format!("第{n}号工会驿站通知")).collect();
        let bodies: Vec<crate::model::Body> = (0..700)
            .map(|n| body(&format!("职工之家 {} 集体协商第{}次 APP{}", n % 7, n % 13, n % 5)))
            .collect();
        let docs: Vec<SearchDoc> = titles.iter().zip(&bodies).map(|(t, b)| doc(t, b)).collect();
        let in_batches_of = |batch: usize| collecting_docs(|write| build_in_batches(&docs, segmenter(), batch, write));
        let whole = in_batches_of(docs.len().next_multiple_of(CHUNK_DOCS));
        for batch in [CHUNK_DOCS, 3 * CHUNK_DOCS] {
            let batched = in_batches_of(batch);
            assert!(batched.files == whole.files, "batches of {batch} documents differ");
        }
        assert!(!lookup(&whole, "驿站").is_empty());
        assert_eq!(lookup(&whole, "驿站").len(), docs.len());
    }

    #[test]
    fn postings_encoding_round_trips_and_is_compact() {
        let list = [(0, 1), (1, 1), (5, 3), (6, 1), (40, 12), (1000, 1)];
        let encoded = encode_postings(&list);
        // gaps−1 ×2 (+1 if weighted): 0, 0, 7 then 3−2, 0, 67 then 12−2, 1918.
        assert_eq!(encoded, "AAHBAjCK-7B");
        assert_eq!(decode_postings(&encoded), list);
        assert_eq!(encode_postings(&[(0, 2)]), "BA");
        assert!(decode_postings("").is_empty());
        let big = [(33_554_431, 99)];
        assert_eq!(decode_postings(&encode_postings(&big)), big);
    }

    #[test]
    fn fnv1a_matches_reference_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
        assert_eq!(bigram_fnv('工', '会'), fnv1a("工会"));
    }

    #[test]
    fn normalises_full_width_and_case() {
        assert_eq!(normalise("ＡＰＰ５Ｇ　工会"), "app5g 工会");
    }

    #[test]
    fn bigrams_stop_at_punctuation_and_ascii_words_are_kept() {
        assert_eq!(
            bigrams_and_ascii("工会驿站，暖心 5g a"),
            ["工会", "会驿", "驿站", "暖心", "5g"]
        );
        assert_eq!(bigrams_and_ascii(&normalise("ＡＰＰ上线")), ["app", "上线"]);
        assert!(bigrams_and_ascii("工").is_empty());
    }

    #[test]
    fn the_build_indexes_exactly_the_terms_a_query_looks_up() {
        let text = body("工会驿站，暖心 5G APP 上线；ＡＢＣ１２３ 与 x 及 一");
        let docs = [doc("标题", &text)];
        let index = build(&docs, segmenter());
        let mut expected: BTreeSet<String> = bigrams_and_ascii(&normalise("标题"))
            .into_iter()
            .chain(bigrams_and_ascii(&normalise(&text[0])))
            .collect();
        expected.insert("工会驿站".into());
        let mut indexed = BTreeSet::new();
        for (path, bytes) in &index.files {
            if path.starts_with("search/shards/") {
                let shard: BTreeMap<String, String> = serde_json::from_slice(bytes).unwrap();
                indexed.extend(shard.into_keys());
            }
        }
        assert_eq!(indexed, expected);
        assert!(expected.contains("abc123") && expected.contains("app") && expected.contains("5g"));
    }

    #[test]
    fn doc_files_are_html_safe_like_every_other_json_file() {
        let value = serde_json::json!({ "t": "a<b>&c\u{2028}d\u{2029}“引号”\"\\" });
        let fast = html_safe_json(serde_json::to_vec(&value).unwrap());
        assert_eq!(fast, crate::render::feeds::to_json_compact(&value).unwrap());
        let plain = serde_json::json!({ "t": "工会“驿站”" });
        assert_eq!(
            html_safe_json(serde_json::to_vec(&plain).unwrap()),
            serde_json::to_vec(&plain).unwrap()
        );
    }

    #[test]
    fn segmenter_finds_dictionary_words() {
        let words = segmenter().long_words("杭州新建工会驿站和户外劳动者服务站点");
        assert!(words.contains(&"工会驿站"), "{words:?}");
        assert!(words.contains(&"户外劳动者服务站点"), "{words:?}");
        assert!(words.iter().all(|w| w.chars().count() >= 3));
    }

    #[test]
    fn article_words_weigh_words_by_line() {
        let mut clean = crate::render::testing::article("标题", None, ("", "", ""), &[], &[]).clean;
        clean.kicker = Some("引题".into());
        // Lines: 0 kicker, 1 title, 2 body (no subtitle).
        let words = article_words(
            &clean,
            [
                (0, "工会驿站"),
                (1, "工会驿站"),
                (2, "工会驿站"),
                (2, "驿站"),
                (2, "5G网络"),
                (9, "劳动者"),
            ],
        );
        let expected: BTreeMap<String, u32> = [("工会驿站".to_string(), 3 + 5 + 1), ("劳动者".to_string(), 1)].into();
        assert_eq!(words, expected);
        clean.subtitle = Some("副题".into());
        let words = article_words(&clean, [(2, "工会驿站")]);
        assert_eq!(words["工会驿站"], HEADLINE);
    }

    #[test]
    fn postings_point_at_the_right_documents_with_title_weight() {
        let bodies = [
            body("快递小哥在驿站歇脚。"),
            body("开展工资集体协商。"),
            body("职工在工会驿站喝水。"),
        ];
        let docs = [
            doc("余杭工会驿站开放", &bodies[0]),
            doc("集体协商推进会", &bodies[1]),
            doc("其他新闻", &bodies[2]),
        ];
        let index = build(&docs, segmenter());
        assert_eq!(index.stats.docs, 3);
        assert_eq!(index.key_space, 64);
        // 驿站: title (5) + body (1) in doc 0, body only in doc 2.
        let mut found = lookup(&index, "驿站");
        found.sort_unstable();
        assert_eq!(found, [(0, 6), (2, 1)]);
        let mut found = lookup(&index, "工会驿站");
        found.sort_unstable();
        assert_eq!(found, [(0, 5), (2, 1)]);
        assert_eq!(lookup(&index, "协商"), [(1, 6)]);
        assert!(lookup(&index, "不存在").is_empty());
    }

    #[test]
    fn precomputed_words_are_used_and_short_fields_index_whole_runs() {
        let text = body("正文没有那个词。");
        let words = crate::model::SearchWords::new(&[("工会驿站".to_string(), 7), ("驿站".to_string(), 9)].into());
        let authors = ["欧阳明月".to_string()];
        let docs = [SearchDoc {
            words: Some(&words),
            authors: &authors,
            sources: vec!["中工网"],
            tags: vec!["浙江省".into(), "维权与劳动关系".into()],
            ..doc("标题", &text)
        }];
        let index = build(&docs, segmenter());
        // From the analyze stage, as given (a two-character word is not a long word).
        assert_eq!(lookup(&index, "工会驿站"), [(0, 7)]);
        assert!(lookup(&index, "驿站").is_empty());
        assert_eq!(lookup(&index, "欧阳明月"), [(0, AUTHOR)]);
        assert_eq!(lookup(&index, "明月"), [(0, AUTHOR)]);
        assert_eq!(lookup(&index, "中工网"), [(0, META)]);
        assert_eq!(lookup(&index, "浙江省"), [(0, META)]);
        assert_eq!(lookup(&index, "维权与劳动关系"), [(0, META)]);
        assert_eq!(lookup(&index, "关系"), [(0, META)]);
    }

    #[test]
    fn segmenting_now_matches_the_analyze_weights() {
        let text = body("杭州新建工会驿站。");
        let mut plain = doc("工会驿站开放", &text);
        plain.kicker = Some("工会驿站");
        let index = build(&[plain], segmenter());
        assert_eq!(lookup(&index, "工会驿站"), [(0, HEADLINE + TITLE + BODY)]);
    }

    #[test]
    fn doc_keys_depend_only_on_the_set_of_urls() {
        let (space, keys) = doc_keys(&["/a/", "/b/", "/c/"]);
        assert_eq!(space, 64);
        let (_, permuted) = doc_keys(&["/c/", "/a/", "/b/"]);
        assert_eq!(permuted, [keys[2], keys[0], keys[1]]);
        // Find two URLs with the same home key: the one with the smaller hash keeps it, the
        // other takes the next key.
        let urls: Vec<String> = (0..40).map(|n| format!("/articles/{n}/")).collect();
        let home = |url: &str| doc_keys(&[url]).1[0];
        let (a, b) = (0..urls.len())
            .flat_map(|i| (i + 1..urls.len()).map(move |j| (i, j)))
            .find(|&(i, j)| home(&urls[i]) == home(&urls[j]))
            .unwrap();
        let (_, pair) = doc_keys(&[&urls[a], &urls[b]]);
        let (_, swapped) = doc_keys(&[&urls[b], &urls[a]]);
        assert_eq!(pair, [swapped[1], swapped[0]]);
        let low = home(&urls[a]);
        let mut sorted = pair.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [low, (low + 1) % 64]);
        let (space, keys) = doc_keys(&urls.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(space, 128);
        assert_eq!(keys.iter().collect::<BTreeSet<_>>().len(), 40);
    }

    #[test]
    fn files_are_docs_meta_and_shards_in_order() {
        let text = body("正文");
        let docs = [doc("标题<b>", &text)];
        let index = build(&docs, segmenter());
        let paths: Vec<&str> = index.files.iter().map(|(p, _)| p.as_str()).collect();
        let doc_path = format!("search/docs/{}.json", index.keys[0]);
        assert_eq!(paths, [doc_path.as_str(), "search/meta.json", "search/shards/0.json"]);
        let doc: serde_json::Value = serde_json::from_slice(&index.files[0].1).unwrap();
        assert_eq!(doc["title"], "标题<b>");
        assert_eq!(doc["region"], "浙江省 › 杭州市");
        let meta: serde_json::Value = serde_json::from_slice(&index.files[1].1).unwrap();
        assert_eq!(meta["shards"], 1);
        assert_eq!(meta["keys"], 64);
        assert_eq!(meta["version"], FORMAT_VERSION);
    }

    fn synthetic_bodies(n: usize) -> Vec<crate::model::Body> {
        (0..n)
            .map(|n| {
                let text: String = (0..200)
                    .map(|k| char::from_u32(0x4E00 + ((n * 7919 + k * 104_729) % 3000) as u32).unwrap())
                    .collect();
                body(&text)
            })
            .collect()
    }

    #[test]
    fn big_corpora_get_more_shards_and_the_same_bytes_twice() {
        let bodies = synthetic_bodies(300);
        let titles: Vec<String> = (0..300).map(|n| format!("第{n}篇")).collect();
        let docs: Vec<SearchDoc> = titles.iter().zip(&bodies).map(|(t, b)| doc(t, b)).collect();
        let a = build(&docs, segmenter());
        let b = build(&docs, segmenter());
        assert!(a.shard_count > 1, "{}", a.shard_count);
        assert!(a.shard_count.is_power_of_two());
        assert_eq!(a.files, b.files);
        assert!(a.stats.largest_shard < 4 * SHARD_TARGET_BYTES, "{:?}", a.stats);
        // The order of the documents does not matter either.
        let reversed: Vec<SearchDoc> = docs.iter().rev().cloned().collect();
        assert_eq!(build(&reversed, segmenter()).files, a.files);
    }

    /// Documents (by key) that a shard's postings name.
    fn keys_in(bytes: &[u8]) -> BTreeSet<u32> {
        let shard: BTreeMap<String, String> = serde_json::from_slice(bytes).unwrap();
        shard
            .values()
            .flat_map(|p| decode_postings(p))
            .map(|(k, _)| k)
            .collect()
    }

    #[test]
    fn adding_or_removing_a_document_changes_only_the_files_that_hold_it() {
        let bodies = synthetic_bodies(301);
        let titles: Vec<String> = (0..301).map(|n| format!("第{n}篇")).collect();
        let docs: Vec<SearchDoc> = titles.iter().zip(&bodies).map(|(t, b)| doc(t, b)).collect();
        let before = build(&docs[..300], segmenter());
        let after = build(&docs, segmenter());
        assert_eq!(before.shard_count, after.shard_count);
        assert_eq!(before.key_space, after.key_space);
        // Documents whose key moved (the new one, and any it displaced), by old and new key.
        let moved: Vec<usize> = (0..301)
            .filter(|&n| before.keys.get(n) != Some(&after.keys[n]))
            .collect();
        assert!(moved.contains(&300));
        let old_keys: BTreeSet<u32> = moved.iter().filter_map(|&n| before.keys.get(n).copied()).collect();
        let new_keys: BTreeSet<u32> = moved.iter().map(|&n| after.keys[n]).collect();
        let old: BTreeMap<&str, &[u8]> = before.files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
        let mut changed = 0;
        for (path, bytes) in &after.files {
            if old.get(path.as_str()) == Some(&bytes.as_slice()) {
                continue;
            }
            changed += 1;
            if path.starts_with("search/shards/") {
                let was = old.get(path.as_str()).map(|b| keys_in(b)).unwrap_or_default();
                let now = keys_in(bytes);
                assert!(
                    now.iter().any(|k| new_keys.contains(k)) || was.iter().any(|k| old_keys.contains(k)),
                    "{path} changed without holding a moved document"
                );
            } else if path.starts_with("search/docs/") {
                let key: u32 = path["search/docs/".len()..path.len() - 5].parse().unwrap();
                assert!(new_keys.contains(&key), "{path}");
            } else {
                assert_eq!(path, "search/meta.json");
            }
        }
        // Its own file, the meta file and the shards of its terms; the other documents' files
        // stay put.
        let docs_changed = after
            .files
            .iter()
            .filter(|(p, b)| p.starts_with("search/docs/") && old.get(p.as_str()) != Some(&b.as_slice()))
            .count();
        assert_eq!(docs_changed, moved.len());
        assert!(changed > 2, "{changed}");
        // Removing it again gives the old bytes back.
        assert_eq!(build(&docs[..300], segmenter()).files, before.files);
    }
}
