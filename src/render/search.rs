//! The client-side search index, built at build time so search needs no server.
//!
//! Chinese has no spaces, so the index holds two kinds of terms:
//! - every **character bigram** of every run of Han characters (工会驿站 → 工会, 会驿, 驿站),
//!   which finds any query of two or more characters, names included, without a dictionary;
//! - every **word of three or more Han characters** found by the tool's segmenter (jieba-rs
//!   with the site's dictionary), which ranks documents that hold the query as a whole word
//!   above those where its bigrams merely occur;
//! - lowercased ASCII words (5G, APP) of two or more characters.
//!
//! Postings are split into shards by an FNV-1a hash of the term, so a query downloads only the
//! shards of its own terms (`search/shards/N.json`), then the small per-document files of the
//! results it shows (`search/docs/N.json`: URL, title, date, region and the text for the
//! snippet). `themes/default/static/search.js` implements the same normalisation, term
//! extraction and hash; keep them in step.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::clean::lines::is_han;

/// Bump when the file format changes (the page passes it to the script).
pub const FORMAT_VERSION: u32 = 1;
/// Aim for shards of about this many bytes.
const SHARD_TARGET_BYTES: usize = 8 * 1024;
/// Most characters of an article kept for snippets.
const SNIPPET_TEXT_CHARS: usize = 5000;
/// Longest Han word indexed as a whole.
const MAX_WORD_CHARS: usize = 12;
/// Longest ASCII word indexed.
const MAX_ASCII_CHARS: usize = 32;
/// Stored weights are capped so each fits in two digits.
const MAX_WEIGHT: u32 = 99;

/// Field weights: a term in the title counts five times one in the body.
const TITLE: u32 = 5;
const AUTHOR: u32 = 4;
const HEADLINE: u32 = 3;
const META: u32 = 2;
const BODY: u32 = 1;

/// One article as the search index sees it.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    pub url: String,
    pub title: String,
    /// Date as displayed (e.g. 2024年3月6日).
    pub date: String,
    /// Region as displayed (e.g. 浙江省 › 杭州市).
    pub region: String,
    pub kicker: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub sources: Vec<String>,
    /// Region path names and theme names, so 浙江 finds an article placed in 杭州.
    pub tags: Vec<String>,
    pub body: Vec<String>,
}

/// The finished index: files to write and what they hold.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    pub shard_count: usize,
    /// (site-relative path, bytes), in path order.
    pub files: Vec<(String, Vec<u8>)>,
    pub stats: IndexStats,
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

/// Words of the segmenter: jieba-rs with the default dictionary and the site's own words.
pub struct Segmenter {
    jieba: jieba_rs::Jieba,
}

impl Segmenter {
    pub fn new(extra_words: &[String]) -> Segmenter {
        let mut jieba = jieba_rs::Jieba::new();
        for word in extra_words {
            let word = word.trim();
            if !word.is_empty() {
                jieba.add_word(word, None, None);
            }
        }
        Segmenter { jieba }
    }

    /// Whole Han words of three or more characters in `text` (already normalised).
    pub fn long_words<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba
            .cut(text, false)
            .into_iter()
            .map(|t| t.word)
            .filter(|w| {
                let n = w.chars().count();
                (3..=MAX_WORD_CHARS).contains(&n) && w.chars().all(is_han)
            })
            .collect()
    }
}

/// Query and index text are normalised the same way: full-width ASCII to half-width, ASCII
/// lowercased.
pub fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Character bigrams of each Han run, and ASCII words, of normalised text.
pub fn bigrams_and_ascii(text: &str) -> Vec<String> {
    let mut terms = Vec::new();
    let mut previous_han: Option<char> = None;
    let mut ascii = String::new();
    let flush_ascii = |ascii: &mut String, terms: &mut Vec<String>| {
        let n = ascii.chars().count();
        if (2..=MAX_ASCII_CHARS).contains(&n) {
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
    let mut hash: u32 = 0x811c_9dc5;
    for b in term.bytes() {
        hash ^= u32::from(b);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// Weighted term counts of one document.
fn doc_terms(doc: &SearchDoc, segmenter: &Segmenter) -> BTreeMap<String, u32> {
    let mut weights: BTreeMap<String, u32> = BTreeMap::new();
    let mut add = |text: &str, weight: u32| {
        let text = normalise(text);
        for term in bigrams_and_ascii(&text) {
            *weights.entry(term).or_default() += weight;
        }
        for word in segmenter.long_words(&text) {
            *weights.entry(word.to_string()).or_default() += weight;
        }
    };
    add(&doc.title, TITLE);
    for text in doc.kicker.iter().chain(doc.subtitle.iter()) {
        add(text, HEADLINE);
    }
    for author in &doc.authors {
        add(author, AUTHOR);
    }
    for text in doc.sources.iter().chain(doc.tags.iter()) {
        add(text, META);
    }
    for paragraph in &doc.body {
        add(paragraph, BODY);
    }
    weights
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
    terms: usize,
}

/// A postings list as one flat array of integers: for each document in ascending order, the
/// gap from the previous one (the first gap counted from -1, so every gap is at least 1); a
/// document whose weight is not 1 has its gap negated and followed by the weight. Most
/// postings are body words seen once, so most cost a single small number.
pub fn encode_postings(list: &[(u32, u32)]) -> Vec<i64> {
    let mut flat = Vec::with_capacity(list.len() + 8);
    let mut previous: i64 = -1;
    for &(doc, weight) in list {
        let gap = i64::from(doc) - previous;
        if weight == 1 {
            flat.push(gap);
        } else {
            flat.push(-gap);
            flat.push(i64::from(weight));
        }
        previous = i64::from(doc);
    }
    flat
}

/// The inverse of [`encode_postings`] (search.js does the same).
pub fn decode_postings(flat: &[i64]) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(flat.len());
    let mut doc: i64 = -1;
    let mut k = 0;
    while k < flat.len() {
        let (gap, weight) = if flat[k] < 0 {
            k += 2;
            (-flat[k - 2], flat.get(k - 1).copied().unwrap_or(1))
        } else {
            k += 1;
            (flat[k - 1], 1)
        };
        doc += gap;
        out.push((
            u32::try_from(doc).unwrap_or(u32::MAX),
            u32::try_from(weight).unwrap_or(1),
        ));
    }
    out
}

/// Build the index of `docs` (document `n` is `docs[n]`).
pub fn build(docs: &[SearchDoc], segmenter: &Segmenter) -> SearchIndex {
    // term → postings (doc, weight), docs ascending because docs are visited in order.
    // Segmenting every document is the expensive part: do it on all cores, then merge the
    // terms in document order so the postings stay sorted and the output deterministic.
    let per_doc: Vec<_> = {
        use rayon::prelude::*;
        docs.par_iter().map(|doc| doc_terms(doc, segmenter)).collect()
    };
    // A hash map accumulates faster than a tree of string keys; it is sorted by term once,
    // so nothing depends on hash order.
    let mut accumulated: std::collections::HashMap<String, Vec<(u32, u32)>> = std::collections::HashMap::new();
    for (n, terms) in per_doc.into_iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        for (term, weight) in terms {
            accumulated.entry(term).or_default().push((n, weight.min(MAX_WEIGHT)));
        }
    }
    let mut postings: Vec<(String, Vec<(u32, u32)>)> = accumulated.into_iter().collect();
    postings.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let estimate: usize = postings
        .iter()
        .map(|(term, list)| term.len() + 6 + list.len() * 3)
        .sum();
    let shard_count = estimate
        .div_ceil(SHARD_TARGET_BYTES)
        .clamp(1, 16_384)
        .next_power_of_two();
    let mut shards: Vec<BTreeMap<&str, Vec<i64>>> = vec![BTreeMap::new(); shard_count];
    let mut stats = IndexStats {
        docs: docs.len(),
        terms: postings.len(),
        ..IndexStats::default()
    };
    for (term, list) in &postings {
        stats.postings += list.len();
        let flat = encode_postings(list);
        let shard = fnv1a(term) as usize % shard_count;
        shards[shard].insert(term.as_str(), flat);
    }
    let mut files = Vec::new();
    for (n, shard) in shards.iter().enumerate() {
        let bytes = super::feeds::to_json_compact(shard).unwrap_or_default();
        stats.shard_bytes += bytes.len();
        stats.largest_shard = stats.largest_shard.max(bytes.len());
        files.push((format!("search/shards/{n}.json"), bytes));
    }
    for (n, doc) in docs.iter().enumerate() {
        let text: String = doc.body.join("\n").chars().take(SNIPPET_TEXT_CHARS).collect();
        let file = DocFile {
            url: &doc.url,
            title: &doc.title,
            date: &doc.date,
            region: &doc.region,
            text,
        };
        let bytes = super::feeds::to_json_compact(&file).unwrap_or_default();
        stats.doc_bytes += bytes.len();
        files.push((format!("search/docs/{n}.json"), bytes));
    }
    let meta = Meta {
        version: FORMAT_VERSION,
        docs: docs.len(),
        shards: shard_count,
        terms: stats.terms,
    };
    files.push((
        "search/meta.json".to_string(),
        super::feeds::to_json_compact(&meta).unwrap_or_default(),
    ));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    SearchIndex {
        shard_count,
        files,
        stats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn segmenter() -> &'static Segmenter {
        static S: OnceLock<Segmenter> = OnceLock::new();
        S.get_or_init(|| Segmenter::new(&["工会驿站".to_string(), "户外劳动者服务站点".to_string()]))
    }

    fn doc(title: &str, body: &str) -> SearchDoc {
        SearchDoc {
            url: format!("/articles/{}/", fnv1a(title)),
            title: title.into(),
            date: "2024年3月6日".into(),
            region: "浙江省 › 杭州市".into(),
            body: vec![body.into()],
            ..SearchDoc::default()
        }
    }

    /// Decode a shard back into term → [(doc, weight)].
    fn lookup(index: &SearchIndex, term: &str) -> Vec<(u32, u32)> {
        let path = format!("search/shards/{}.json", fnv1a(term) as usize % index.shard_count);
        let (_, bytes) = index.files.iter().find(|(p, _)| *p == path).unwrap();
        let shard: BTreeMap<String, Vec<i64>> = serde_json::from_slice(bytes).unwrap();
        decode_postings(shard.get(term).map(Vec::as_slice).unwrap_or(&[]))
    }

    #[test]
    fn postings_encoding_round_trips_and_is_compact() {
        let list = [(0, 1), (1, 1), (5, 3), (6, 1), (40, 12)];
        let flat = encode_postings(&list);
        assert_eq!(flat, [1, 1, -4, 3, 1, -34, 12]);
        assert_eq!(decode_postings(&flat), list);
        assert_eq!(encode_postings(&[(0, 2)]), [-1, 2]);
        assert!(decode_postings(&[]).is_empty());
    }

    #[test]
    fn fnv1a_matches_reference_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
        assert_eq!(fnv1a("foobar"), 0xbf9c_f968);
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
        assert!(bigrams_and_ascii("工").is_empty());
    }

    #[test]
    fn segmenter_finds_dictionary_words() {
        let words = segmenter().long_words("杭州新建工会驿站和户外劳动者服务站点");
        assert!(words.contains(&"工会驿站"), "{words:?}");
        assert!(words.contains(&"户外劳动者服务站点"), "{words:?}");
        assert!(words.iter().all(|w| w.chars().count() >= 3));
    }

    #[test]
    fn postings_point_at_the_right_documents_with_title_weight() {
        let docs = [
            doc("余杭工会驿站开放", "快递小哥在驿站歇脚。"),
            doc("集体协商推进会", "开展工资集体协商。"),
            doc("其他新闻", "职工在工会驿站喝水。"),
        ];
        let index = build(&docs, segmenter());
        assert_eq!(index.stats.docs, 3);
        // 驿站: title (5) + body (1) in doc 0, body only in doc 2.
        assert_eq!(lookup(&index, "驿站"), [(0, 6), (2, 1)]);
        assert_eq!(lookup(&index, "工会驿站"), [(0, 5), (2, 1)]);
        assert_eq!(lookup(&index, "协商"), [(1, 6)]);
        assert!(lookup(&index, "不存在").is_empty());
    }

    #[test]
    fn files_are_shards_docs_and_meta_in_order() {
        let docs = [doc("标题<b>", "正文")];
        let index = build(&docs, segmenter());
        let paths: Vec<&str> = index.files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            ["search/docs/0.json", "search/meta.json", "search/shards/0.json"]
        );
        let doc: serde_json::Value = serde_json::from_slice(&index.files[0].1).unwrap();
        assert_eq!(doc["title"], "标题<b>");
        assert_eq!(doc["region"], "浙江省 › 杭州市");
        let meta: serde_json::Value = serde_json::from_slice(&index.files[1].1).unwrap();
        assert_eq!(meta["shards"], 1);
        assert_eq!(meta["version"], FORMAT_VERSION);
    }

    #[test]
    fn big_corpora_get_more_shards_and_the_same_bytes_twice() {
        let docs: Vec<SearchDoc> = (0..300)
            .map(|n| {
                let body: String = (0..200)
                    .map(|k| char::from_u32(0x4E00 + ((n * 7919 + k * 104_729) % 3000) as u32).unwrap())
                    .collect();
                doc(&format!("第{n}篇"), &body)
            })
            .collect();
        let a = build(&docs, segmenter());
        let b = build(&docs, segmenter());
        assert!(a.shard_count > 1, "{}", a.shard_count);
        assert!(a.shard_count.is_power_of_two());
        assert_eq!(a.files, b.files);
        assert!(a.stats.largest_shard < 4 * SHARD_TARGET_BYTES, "{:?}", a.stats);
    }
}
