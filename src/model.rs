//! The values passed between pipeline stages:
//! `RawDoc` (ingest) → `CleanArticle` (clean) → `Article` (analyze).

use serde::{Deserialize, Serialize};

/// How a source file is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// Text exactly as scraped (`.txt`): goes through the whole cleaning engine.
    Raw,
    /// Markdown written or checked by an editor (`.md`): trusted text, front matter wins.
    Curated,
}

/// Fields an editor may set in TOML front matter. Every field is optional and always wins
/// over what the tool infers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub kicker: Option<String>,
    pub date: Option<PubDate>,
    pub source: Option<String>,
    pub authors: Vec<String>,
    /// Region name or 6-digit division code.
    pub region: Option<String>,
    pub themes: Vec<String>,
    pub draft: bool,
    /// Requested URL slug (sanitised before use).
    pub slug: Option<String>,
}

/// One decoded source file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RawDoc {
    /// Path as given on the command line, or relative to the site root during a build.
    pub file: String,
    pub kind: SourceKind,
    /// Decoded text after the front matter, line endings normalised to `\n`.
    pub text: String,
    /// Name of the encoding the bytes were decoded from.
    pub encoding: String,
    pub front: FrontMatter,
    /// 1-based line of the file where `text` starts (after front matter).
    pub body_line: usize,
    /// Hex BLAKE3 of the file bytes.
    pub hash: String,
}

/// How precisely a publication date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Day,
    Month,
    Year,
}

/// A publication date with its precision; a month- or year-precise date uses day 1 / January 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PubDate {
    pub date: chrono::NaiveDate,
    pub precision: DatePrecision,
}

impl PubDate {
    pub fn day(y: i32, m: u32, d: u32) -> Option<PubDate> {
        chrono::NaiveDate::from_ymd_opt(y, m, d).map(|date| PubDate {
            date,
            precision: DatePrecision::Day,
        })
    }

    pub fn month(y: i32, m: u32) -> Option<PubDate> {
        chrono::NaiveDate::from_ymd_opt(y, m, 1).map(|date| PubDate {
            date,
            precision: DatePrecision::Month,
        })
    }

    pub fn year(y: i32) -> Option<PubDate> {
        chrono::NaiveDate::from_ymd_opt(y, 1, 1).map(|date| PubDate {
            date,
            precision: DatePrecision::Year,
        })
    }

    /// "YYYY-MM-DD" (the contract's `date` field).
    pub fn iso(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }

    /// Parse "2024-03-06", "2024-03" or "2024" (front matter forms).
    pub fn parse_iso(text: &str) -> Option<PubDate> {
        let parts: Vec<&str> = text.trim().split('-').collect();
        let num = |s: &str| s.parse::<u32>().ok();
        match parts.as_slice() {
            [y, m, d] if y.len() == 4 => PubDate::day(num(y)? as i32, num(m)?, num(d)?),
            [y, m] if y.len() == 4 => PubDate::month(num(y)? as i32, num(m)?),
            [y] if y.len() == 4 => PubDate::year(num(y)? as i32),
            _ => None,
        }
    }
}

/// One span of text the cleaner removed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    /// Which rule removed it (e.g. "chrome", "spam-line", "spam-keyword", "fiction", "gloss").
    pub kind: String,
    pub text: String,
}

/// One kind of de-spinning replacement made in an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacement {
    pub from: String,
    pub to: String,
    pub count: usize,
}

/// Everything the cleaner changed, so an editor can audit it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CleaningReport {
    pub script_converted: bool,
    pub spun: bool,
    pub despun: Vec<Replacement>,
    pub removed: Vec<Removal>,
    pub joined_lines: usize,
    /// Number of articles the source file was split into (1 for an ordinary page).
    pub split_parts: usize,
    /// ASCII punctuation marks restored to their full-width forms.
    pub punctuation_fixed: usize,
}

impl CleaningReport {
    pub fn remove(&mut self, kind: &str, text: impl Into<String>) {
        let text = text.into();
        if !text.trim().is_empty() {
            self.removed.push(Removal {
                kind: kind.to_string(),
                text,
            });
        }
    }

    /// True when the cleaner removed injected spam of any kind.
    pub fn had_spam(&self) -> bool {
        self.removed
            .iter()
            .any(|r| r.kind.starts_with("spam") || r.kind == "fiction")
    }
}

/// One article as its newsroom published it: the output of the clean stage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CleanArticle {
    pub file: String,
    pub part: usize,
    pub kind: SourceKind,
    pub title: String,
    pub subtitle: Option<String>,
    pub kicker: Option<String>,
    pub date: Option<PubDate>,
    pub source: Option<String>,
    pub authors: Vec<String>,
    /// Cleaned paragraphs in the target script.
    pub body: Body,
    /// Curated Markdown source (rendered, sanitised, by the render stage).
    pub markdown: Option<String>,
    /// Region asked for in front matter (name or code), resolved by analyze.
    pub region_hint: Option<String>,
    /// Themes asked for in front matter.
    pub theme_hint: Vec<String>,
    pub draft: bool,
    pub slug_hint: Option<String>,
    pub cleaning: CleaningReport,
    /// Hex BLAKE3 of the source file the article came from.
    pub source_hash: String,
}

impl CleanArticle {
    /// All text of the article (title, subtitle and body) for analysis.
    pub fn full_text(&self) -> String {
        let mut text = String::with_capacity(self.body.iter().map(String::len).sum::<usize>() + 256);
        for part in [&self.kicker, &Some(self.title.clone()), &self.subtitle]
            .into_iter()
            .flatten()
        {
            text.push_str(part);
            text.push('\n');
        }
        for p in &self.body {
            text.push_str(p);
            text.push('\n');
        }
        text
    }
}

/// A position on China's administrative map.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RegionRef {
    pub province: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    /// Division code of the deepest level known (2, 4 or 6 digits; "000000" for national).
    pub code: Option<String>,
}

impl RegionRef {
    pub fn is_known(&self) -> bool {
        self.province.is_some() || self.code.as_deref() == Some(NATIONAL_CODE)
    }
}

/// Code used for national-level articles (中华全国总工会, 全国…).
pub const NATIONAL_CODE: &str = "000000";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionMention {
    pub name: String,
    pub code: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeScore {
    pub slug: String,
    pub score: f64,
}

/// Where a (possibly merged) article was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceRef {
    pub file: String,
    pub part: usize,
    pub source: Option<String>,
}

/// An article placed on the map and in the taxonomy: the output of analyze.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Article {
    pub clean: CleanArticle,
    pub region: RegionRef,
    pub mentioned_regions: Vec<RegionMention>,
    pub themes: Vec<ThemeScore>,
    pub keywords: Vec<String>,
    /// Every copy of this story that was merged into it (the article itself first).
    pub sources: Vec<SourceRef>,
    /// Chinese characters in the body (for word counts and reading time).
    pub char_count: usize,
    /// Stable id derived from the article's own text.
    pub id: String,
    /// Words of three or more Han characters in kicker, title, subtitle and body, with their
    /// summed field weights, for the search index (`render::search::article_words`): found by
    /// the analyze stage's segmentation so the index needs no second one. `None` (an article
    /// made elsewhere) has the index segment the text itself.
    #[serde(default)]
    pub search_words: SearchWords,
    /// Hash of the key of the per-file result this article comes from (the build cache's
    /// record of its source file, which stands for one result: the per-file stages are
    /// deterministic) and of its place in it: the render stage keys the article by this and
    /// what corpus analysis adds (keywords, merged sources) instead of serialising it whole.
    /// Not stored; None for an article made without the cache.
    #[serde(skip)]
    pub origin: Option<[u8; 32]>,
}

impl Article {
    /// Set [`Article::origin`] of the articles of the per-file result filed under the cache
    /// key `key`.
    pub fn set_origins(articles: &mut [Article], key: &[u8; 32]) {
        for (index, article) in articles.iter_mut().enumerate() {
            let mut hasher = blake3::Hasher::new();
            hasher.update(key);
            hasher.update(&(index as u64).to_le_bytes());
            article.origin = Some(*hasher.finalize().as_bytes());
        }
    }
}

/// An article's paragraphs. From the build cache they stay encoded until something reads them
/// (a page rendered, a body compared): a rebuild decodes every cached article, and the bodies,
/// the larger part of it, are read for few. Reads as the `Vec<String>` of paragraphs.
#[derive(Clone, Default)]
pub struct Body {
    paragraphs: Vec<String>,
    /// The postcard encoding of the paragraphs, and them once decoded (then `paragraphs` is
    /// unused).
    encoded: Option<(crate::cache::SharedBytes, std::sync::OnceLock<Vec<String>>)>,
}

impl Body {
    /// The paragraphs of `bytes`; none if they do not decode (the cache notes the damage, and
    /// the build is made again without it).
    fn decode(bytes: &crate::cache::SharedBytes) -> Vec<String> {
        postcard::from_bytes(bytes).unwrap_or_else(|_| {
            bytes.mark_damaged();
            Vec::new()
        })
    }

    /// Whether the paragraphs are still encoded (not read since they came from the cache).
    pub fn is_encoded(&self) -> bool {
        self.encoded
            .as_ref()
            .is_some_and(|(_, decoded)| decoded.get().is_none())
    }
}

impl From<Vec<String>> for Body {
    fn from(paragraphs: Vec<String>) -> Body {
        Body {
            paragraphs,
            encoded: None,
        }
    }
}

impl std::ops::Deref for Body {
    type Target = Vec<String>;

    fn deref(&self) -> &Vec<String> {
        match &self.encoded {
            None => &self.paragraphs,
            Some((bytes, decoded)) => decoded.get_or_init(|| Body::decode(bytes)),
        }
    }
}

impl std::ops::DerefMut for Body {
    fn deref_mut(&mut self) -> &mut Vec<String> {
        if let Some((bytes, decoded)) = self.encoded.take() {
            self.paragraphs = decoded.into_inner().unwrap_or_else(|| Body::decode(&bytes));
        }
        &mut self.paragraphs
    }
}

/// A body without paragraphs, for the `Default` of views that borrow one.
static NO_BODY: Body = Body {
    paragraphs: Vec::new(),
    encoded: None,
};

impl Default for &Body {
    fn default() -> Self {
        &NO_BODY
    }
}

impl FromIterator<String> for Body {
    fn from_iter<I: IntoIterator<Item = String>>(paragraphs: I) -> Body {
        Body::from(paragraphs.into_iter().collect::<Vec<String>>())
    }
}

impl<'a> IntoIterator for &'a Body {
    type Item = &'a String;
    type IntoIter = std::slice::Iter<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Body {
    type Item = &'a mut String;
    type IntoIter = std::slice::IterMut<'a, String>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl PartialEq for Body {
    fn eq(&self, other: &Body) -> bool {
        **self == **other
    }
}

/// Compared as its paragraphs are (tests write them as arrays and vectors of `&str`).
impl<const N: usize> PartialEq<[&str; N]> for Body {
    fn eq(&self, other: &[&str; N]) -> bool {
        **self == *other
    }
}

impl PartialEq<Vec<&str>> for Body {
    fn eq(&self, other: &Vec<&str>) -> bool {
        **self == *other
    }
}

impl PartialEq<Vec<String>> for Body {
    fn eq(&self, other: &Vec<String>) -> bool {
        **self == *other
    }
}

impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// Read by people (JSON): the list of paragraphs. In the build cache (postcard): their
/// encoding as one byte string, copied through without decoding.
impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return (**self).serialize(serializer);
        }
        match &self.encoded {
            Some((bytes, _)) => serializer.serialize_bytes(bytes),
            None => {
                let bytes = postcard::to_stdvec(&self.paragraphs).map_err(serde::ser::Error::custom)?;
                serializer.serialize_bytes(&bytes)
            }
        }
    }
}

/// Deserialises an encoded field (a body, search words) as bytes borrowed from the input when
/// it allows (the mapped cache pack), else copied.
struct SharedBytesVisitor;

impl<'de> serde::de::Visitor<'de> for SharedBytesVisitor {
    type Value = crate::cache::SharedBytes;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("encoded bytes")
    }
    fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> Result<Self::Value, E> {
        Ok(crate::cache::SharedBytes::borrowed(v))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        Ok(crate::cache::SharedBytes::owned(v.to_vec()))
    }
    fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Self::Value, E> {
        Ok(crate::cache::SharedBytes::owned(v))
    }
}

impl<'de> Deserialize<'de> for Body {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Body, D::Error> {
        if deserializer.is_human_readable() {
            return Vec::<String>::deserialize(deserializer).map(Body::from);
        }
        let bytes = deserializer.deserialize_bytes(SharedBytesVisitor)?;
        Ok(Body {
            paragraphs: Vec::new(),
            encoded: Some((bytes, std::sync::OnceLock::new())),
        })
    }
}

/// An article's search words, kept encoded (postcard) until something asks for them: a
/// rebuild decodes every cached article, and only the search index, when it is remade,
/// needs these (they are a third of a cached article).
#[derive(Clone, Default)]
pub struct SearchWords {
    /// The encoded map; empty when the article has none. From the build cache, a range of
    /// the mapped pack (not copied).
    encoded: crate::cache::SharedBytes,
    decoded: std::sync::OnceLock<Option<std::collections::BTreeMap<String, u32>>>,
}

impl SearchWords {
    pub fn new(words: &std::collections::BTreeMap<String, u32>) -> SearchWords {
        // A map of strings and integers always encodes; an empty encoding reads as None.
        let encoded = postcard::to_stdvec(words).unwrap_or_default();
        SearchWords {
            encoded: crate::cache::SharedBytes::owned(encoded),
            decoded: std::sync::OnceLock::new(),
        }
    }

    /// The words and their weights; None for an article made without them (or whose
    /// encoding is damaged): the search index then segments its text itself.
    pub fn as_ref(&self) -> Option<&std::collections::BTreeMap<String, u32>> {
        self.decoded
            .get_or_init(|| {
                if self.encoded.is_empty() {
                    return None;
                }
                postcard::from_bytes(&self.encoded).ok()
            })
            .as_ref()
    }

    pub fn is_none(&self) -> bool {
        self.encoded.is_empty()
    }

    /// The encoded words (empty when there are none): what a fingerprint of the words hashes
    /// without decoding them.
    pub fn encoded(&self) -> &[u8] {
        &self.encoded
    }
}

impl std::fmt::Debug for SearchWords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SearchWords({} bytes)", self.encoded.len())
    }
}

impl Serialize for SearchWords {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.encoded)
    }
}

impl<'de> Deserialize<'de> for SearchWords {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<SearchWords, D::Error> {
        let encoded = deserializer.deserialize_bytes(SharedBytesVisitor)?;
        Ok(SearchWords {
            encoded,
            decoded: std::sync::OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_survive_the_cache_encoding_and_decode_on_demand() {
        let words: std::collections::BTreeMap<String, u32> =
            [("职工之家".to_string(), 6), ("工会驿站".to_string(), 1)].into();
        let kept = SearchWords::new(&words);
        let bytes = postcard::to_stdvec(&kept).unwrap();
        let back: SearchWords = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back.as_ref(), Some(&words));
        assert!(!back.is_none());

        let none: SearchWords = postcard::from_bytes(&postcard::to_stdvec(&SearchWords::default()).unwrap()).unwrap();
        assert!(none.is_none());
        assert_eq!(none.as_ref(), None);
    }

    #[test]
    fn damaged_search_words_read_as_none_instead_of_failing() {
        let damaged: SearchWords =
            postcard::from_bytes(&postcard::to_stdvec(&[0xffu8, 0xff, 0xff][..]).unwrap()).unwrap();
        assert_eq!(damaged.as_ref(), None);
    }
}
