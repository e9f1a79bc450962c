//! Word segmentation (jieba-rs) with the union vocabulary: `data/dict.txt`, the theme phrases
//! and the site's `[analyze] dictionary`. One segmenter per build, shared by all threads:
//! loading the dictionary is the expensive part, cutting an article is cheap.

use std::sync::RwLock;

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;

use super::gazetteer::{data_lines, Gazetteer, Referent};

const UNION_DICTIONARY: &str = include_str!("../../data/dict.txt");

/// Part of speech given to added words without one: a proper noun, eligible as a keyword.
const ADDED_WORD_TAG: &str = "nz";
/// Frequency given to place names the stock dictionary lacks: enough to be cut as one word
/// (秀洲区), too little to win over a real word (365天全天候 stays 天/全天候, not 天全/天候).
const PLACE_NAME_FREQ: usize = 10;

/// One word of a text, with its part of speech and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub tag: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Jieba's stock dictionary, loaded once per process (a tenth of a second: most of the time
/// a build that meets a new article spends before it can segment it). The segmenter adds
/// the union vocabulary to a copy of it (copying is a small part of loading); the spam
/// cleaner's fiction detector looks words up in it as it is.
pub fn stock_dictionary() -> &'static Jieba {
    static STOCK: std::sync::OnceLock<Jieba> = std::sync::OnceLock::new();
    STOCK.get_or_init(Jieba::new)
}

pub struct Segmenter {
    jieba: Jieba,
    /// Frequencies asked for so far: each costs a segmentation of the word, and the same
    /// terms are asked for in article after article.
    frequencies: RwLock<FxHashMap<Box<str>, usize>>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter").finish_non_exhaustive()
    }
}

impl Segmenter {
    /// The stock dictionary plus the union vocabulary, the gazetteer's names and `extra` words
    /// (theme phrases, the site's dictionary and region aliases). Words with punctuation or
    /// spaces are skipped: jieba cannot hold them.
    pub fn new<'a>(extra: impl IntoIterator<Item = &'a str>) -> Segmenter {
        let mut jieba = stock_dictionary().clone();
        for line in data_lines(UNION_DICTIONARY) {
            let mut fields = line.split_whitespace();
            let Some(word) = fields.next() else { continue };
            let (freq, tag) = match (fields.next(), fields.next()) {
                (Some(f), tag) if f.bytes().all(|b| b.is_ascii_digit()) => (f.parse().ok(), tag),
                (Some(tag), _) => (None, Some(tag)),
                (None, _) => (None, None),
            };
            jieba.add_word(word, freq, Some(tag.unwrap_or(ADDED_WORD_TAG)));
        }
        for (name, referents) in Gazetteer::global().names() {
            let place = referents.iter().any(|(r, _)| !matches!(r, Referent::Block));
            if place && name.chars().count() >= 2 && name.chars().all(char::is_alphanumeric) && !jieba.has_word(name) {
                jieba.add_word(name, Some(PLACE_NAME_FREQ), Some("ns"));
            }
        }
        for word in extra {
            let word = word.trim();
            if word.chars().count() >= 2 && word.chars().all(char::is_alphanumeric) && !jieba.has_word(word) {
                jieba.add_word(word, None, Some(ADDED_WORD_TAG));
            }
        }
        Segmenter {
            jieba,
            frequencies: RwLock::new(FxHashMap::default()),
        }
    }

    /// True for a word of the dictionaries (not one the HMM guessed, like 嵌线员到).
    pub fn knows(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// How common a word is in general Chinese (its dictionary frequency; for a word the
    /// dictionary lacks, the frequency its parts suggest, which is low).
    pub fn frequency(&self, word: &str) -> usize {
        let known = self
            .frequencies
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(word)
            .copied();
        known.unwrap_or_else(|| {
            let frequency = self.jieba.suggest_freq(word);
            self.frequencies
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(word.into(), frequency);
            frequency
        })
    }

    /// The words of `text`, in order, covering it. Dictionary words only: without the HMM
    /// that guesses new words (names, fragments), which keywords drop anyway and which would
    /// cost most of the segmentation time in part-of-speech guessing.
    pub fn words<'a>(&'a self, text: &'a str) -> Vec<Word<'a>> {
        self.jieba
            .tag(text, false)
            .into_iter()
            .map(|t| Word {
                text: t.word,
                tag: t.tag,
                start: t.byte_start,
                end: t.byte_end,
            })
            .collect()
    }
}

/// Byte offsets where words start or end, for "does this phrase match whole words?".
#[derive(Debug, Clone, Default)]
pub struct Boundaries(Vec<usize>);

impl Boundaries {
    pub fn new(words: &[Word<'_>]) -> Boundaries {
        let mut offsets: Vec<usize> = words.iter().flat_map(|w| [w.start, w.end]).collect();
        offsets.sort_unstable();
        offsets.dedup();
        Boundaries(offsets)
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.0.binary_search(&offset).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_terms_are_single_words() {
        let s = crate::analyze::tests::shared().segmenter();
        let text = "推进能级工资集体协商，建设户外劳动者服务站点和工会驿站";
        let words: Vec<&str> = s.words(text).iter().map(|w| w.text).collect();
        assert!(words.contains(&"能级工资集体协商"), "{words:?}");
        assert!(words.contains(&"户外劳动者服务站点"), "{words:?}");
        assert!(words.contains(&"工会驿站"), "{words:?}");
        let dict_word = s
            .words("新就业形态劳动者")
            .into_iter()
            .find(|w| w.text == "新就业形态劳动者");
        assert_eq!(dict_word.map(|w| w.tag), Some("nz"));
    }

    #[test]
    fn remembered_frequencies_are_the_dictionary_s() {
        let s = crate::analyze::tests::shared().segmenter();
        for word in ["故事", "劳动竞赛", "类津"] {
            let first = s.frequency(word);
            assert_eq!(first, s.jieba.suggest_freq(word));
            assert_eq!(s.frequency(word), first);
        }
    }

    #[test]
    fn boundaries_are_word_edges() {
        let s = crate::analyze::tests::shared().segmenter();
        let text = "加入会员";
        let b = Boundaries::new(&s.words(text));
        // 入会 straddles 加入|会员: its edges are not both boundaries.
        let start = text.find("入会").unwrap();
        assert!(!(b.contains(start) && b.contains(start + "入会".len())));
        assert!(b.contains(0) && b.contains(text.len()));
    }
}
