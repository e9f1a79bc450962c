//! The values passed between pipeline stages:
//! `RawDoc` (ingest) → `CleanArticle` (clean) → `Article` (analyze).

use serde::de::DeserializeOwned;
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
    pub removed: Removals,
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
        self.removed.had_spam()
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
    /// Kept encoded from the build cache: only the article's exported record reads them.
    pub mentioned_regions: Encoded<Vec<RegionMention>>,
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

/// A value the build cache keeps encoded (postcard) until something reads it: a rebuild
/// decodes every cached article, and some of its fields, the larger part of it, are read only
/// for the few pages the rebuild renders or records it exports. Reads as the `T` it holds.
#[derive(Clone, Default)]
pub struct Encoded<T> {
    value: T,
    /// The postcard encoding of the value, and the value once decoded (then `value` is
    /// unused).
    encoded: Option<(crate::cache::SharedBytes, std::sync::OnceLock<T>)>,
}

/// An article's paragraphs, the larger part of a cached article.
pub type Body = Encoded<Vec<String>>;

impl<T: DeserializeOwned + Default> Encoded<T> {
    /// The value of `bytes`; the default if they do not decode (the cache notes the damage,
    /// and the build is made again without it).
    fn decode(bytes: &crate::cache::SharedBytes) -> T {
        postcard::from_bytes(bytes).unwrap_or_else(|_| {
            bytes.mark_damaged();
            T::default()
        })
    }

    /// Whether the value is still encoded (not read since it came from the cache).
    pub fn is_encoded(&self) -> bool {
        self.encoded
            .as_ref()
            .is_some_and(|(_, decoded)| decoded.get().is_none())
    }

    pub fn into_inner(mut self) -> T {
        std::mem::take(&mut *self)
    }
}

impl<T> From<T> for Encoded<T> {
    fn from(value: T) -> Encoded<T> {
        Encoded { value, encoded: None }
    }
}

impl<T: DeserializeOwned + Default> std::ops::Deref for Encoded<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.encoded {
            None => &self.value,
            Some((bytes, decoded)) => decoded.get_or_init(|| Encoded::decode(bytes)),
        }
    }
}

impl<T: DeserializeOwned + Default> std::ops::DerefMut for Encoded<T> {
    fn deref_mut(&mut self) -> &mut T {
        if let Some((bytes, decoded)) = self.encoded.take() {
            self.value = decoded.into_inner().unwrap_or_else(|| Encoded::decode(&bytes));
        }
        &mut self.value
    }
}

/// A body without paragraphs, for the `Default` of views that borrow one.
static NO_BODY: Body = Encoded {
    value: Vec::new(),
    encoded: None,
};

impl Default for &Body {
    fn default() -> Self {
        &NO_BODY
    }
}

impl<T> FromIterator<T> for Encoded<Vec<T>> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Encoded<Vec<T>> {
        Encoded::from(items.into_iter().collect::<Vec<T>>())
    }
}

impl<'a, T: DeserializeOwned> IntoIterator for &'a Encoded<Vec<T>> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: DeserializeOwned> IntoIterator for &'a mut Encoded<Vec<T>> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<T: DeserializeOwned> IntoIterator for Encoded<Vec<T>> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.into_inner().into_iter()
    }
}

impl<T: PartialEq + DeserializeOwned + Default> PartialEq for Encoded<T> {
    fn eq(&self, other: &Encoded<T>) -> bool {
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

impl<T: std::fmt::Debug + DeserializeOwned + Default> std::fmt::Debug for Encoded<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// Read by people (JSON): the value. In the build cache (postcard): its encoding as one byte
/// string, copied through without decoding.
impl<T: Serialize + DeserializeOwned + Default> Serialize for Encoded<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return (**self).serialize(serializer);
        }
        match &self.encoded {
            Some((bytes, _)) => serializer.serialize_bytes(bytes),
            None => {
                let bytes = postcard::to_stdvec(&self.value).map_err(serde::ser::Error::custom)?;
                serializer.serialize_bytes(&bytes)
            }
        }
    }
}

/// From the build cache, the bytes are pointed to in the mapped pack (not copied).
impl<'de, T: DeserializeOwned + Default> Deserialize<'de> for Encoded<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Encoded<T>, D::Error> {
        if deserializer.is_human_readable() {
            return T::deserialize(deserializer).map(Encoded::from);
        }
        let bytes = crate::cache::shared_bytes::deserialize(deserializer)?;
        Ok(Encoded {
            value: T::default(),
            encoded: Some((bytes, std::sync::OnceLock::new())),
        })
    }
}

/// The spans the cleaner removed, kept encoded like a body (read for the pages a rebuild
/// renders and the records it exports), with whether any was spam kept beside them: the
/// statistics ask that of every article.
#[derive(Clone, Default)]
pub struct Removals {
    list: Encoded<Vec<Removal>>,
    /// Whether any is spam, as the build cache recorded it (None: ask the list).
    recorded_spam: Option<bool>,
}

impl Removals {
    /// True when the cleaner removed injected spam of any kind.
    pub fn had_spam(&self) -> bool {
        self.recorded_spam.unwrap_or_else(|| {
            self.list
                .iter()
                .any(|r| r.kind.starts_with("spam") || r.kind == "fiction")
        })
    }
}

impl std::ops::Deref for Removals {
    type Target = Vec<Removal>;

    fn deref(&self) -> &Vec<Removal> {
        &self.list
    }
}

impl std::ops::DerefMut for Removals {
    fn deref_mut(&mut self) -> &mut Vec<Removal> {
        self.recorded_spam = None;
        &mut self.list
    }
}

impl IntoIterator for Removals {
    type Item = Removal;
    type IntoIter = std::vec::IntoIter<Removal>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl<'a> IntoIterator for &'a Removals {
    type Item = &'a Removal;
    type IntoIter = std::slice::Iter<'a, Removal>;

    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

impl PartialEq for Removals {
    fn eq(&self, other: &Removals) -> bool {
        self.list == other.list
    }
}

impl std::fmt::Debug for Removals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.list, f)
    }
}

/// Read by people (JSON): the list. In the build cache: whether any is spam, then the list
/// encoded.
impl Serialize for Removals {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            return self.list.serialize(serializer);
        }
        (self.had_spam(), &self.list).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Removals {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Removals, D::Error> {
        if deserializer.is_human_readable() {
            return Encoded::deserialize(deserializer).map(|list| Removals {
                list,
                recorded_spam: None,
            });
        }
        let (spam, list) = <(bool, Encoded<Vec<Removal>>)>::deserialize(deserializer)?;
        Ok(Removals {
            list,
            recorded_spam: Some(spam),
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
        let encoded = crate::cache::shared_bytes::deserialize(deserializer)?;
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

    fn removal(kind: &str, text: &str) -> Removal {
        Removal {
            kind: kind.into(),
            text: text.into(),
        }
    }

    #[test]
    fn removals_stay_encoded_from_the_cache_yet_tell_whether_any_was_spam() {
        for (list, spam) in [
            (
                vec![removal("chrome", "首页 > 新闻"), removal("spam-line", "澳门博彩")],
                true,
            ),
            (vec![removal("chrome", "首页 > 新闻")], false),
        ] {
            let mut removals = Removals::default();
            removals.extend(list.clone());
            let back: Removals = postcard::from_bytes(&postcard::to_stdvec(&removals).unwrap()).unwrap();
            assert!(back.list.is_encoded());
            assert_eq!(back.had_spam(), spam);
            assert!(back.list.is_encoded(), "the flag is read without decoding the list");
            assert_eq!(*back, list);
        }
    }

    #[test]
    fn a_changed_list_of_removals_is_asked_again_whether_any_was_spam() {
        let clean = Removals::default();
        let mut back: Removals = postcard::from_bytes(&postcard::to_stdvec(&clean).unwrap()).unwrap();
        assert!(!back.had_spam());
        back.push(removal("fiction", "她轻轻推开门"));
        assert!(back.had_spam());
    }

    #[test]
    fn removals_read_by_people_are_the_plain_list() {
        let mut removals = Removals::default();
        removals.push(removal("chrome", "浏览次数：12"));
        assert_eq!(
            serde_json::to_value(&removals).unwrap(),
            serde_json::json!([{"kind": "chrome", "text": "浏览次数：12"}])
        );
        let back: Removals = serde_json::from_str(r#"[{"kind": "spam-line", "text": "x"}]"#).unwrap();
        assert!(back.had_spam());
    }

    #[test]
    fn damaged_search_words_read_as_none_instead_of_failing() {
        let damaged: SearchWords =
            postcard::from_bytes(&postcard::to_stdvec(&[0xffu8, 0xff, 0xff][..]).unwrap()).unwrap();
        assert_eq!(damaged.as_ref(), None);
    }
}
