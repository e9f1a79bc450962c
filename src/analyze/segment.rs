//! Word segmentation (jieba-rs) with the union vocabulary: `data/dict.txt`, the theme phrases
//! and the site's `[analyze] dictionary`. One segmenter per build, shared by all threads:
//! loading the dictionary is the expensive part, cutting an article is cheap. A build that
//! meets only a few new articles loads just the part of the dictionary their characters can
//! form ([`super::dictionary`]), which cuts them exactly as the whole one would.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock, RwLock};

use jieba_rs::Jieba;
use rustc_hash::FxHashMap;

use super::dictionary::{self, AddedWords, Part, Recorder};
use super::gazetteer::{data_lines, Gazetteer, Referent};

const UNION_DICTIONARY: &str = include_str!("../../data/dict.txt");

/// Part of speech given to added words without one: a proper noun, eligible as a keyword.
const ADDED_WORD_TAG: &str = "nz";
/// Frequency given to place names the stock dictionary lacks: enough to be cut as one word
/// (秀洲区), too little to win over a real word (365天全天候 stays 天/全天候, not 天全/天候).
const PLACE_NAME_FREQ: usize = 10;
/// Parts a segmenter builds (each for more characters) before it loads the whole dictionary.
const MAX_PARTS: usize = 4;

/// One word of a text, with its part of speech and byte range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word<'a> {
    pub text: &'a str,
    pub tag: &'a str,
    pub start: usize,
    pub end: usize,
}

pub struct Segmenter {
    /// Theme phrases, the site's dictionary and region aliases.
    extra: Vec<String>,
    /// The stock dictionary with every addition, and the record of them.
    whole: OnceLock<(Jieba, AddedWords)>,
    /// Set by [`Segmenter::use_parts`]: what a part replays onto the stock words.
    added: OnceLock<AddedWords>,
    /// Parts built so far, each for more characters than the one before.
    parts: [OnceLock<Part>; MAX_PARTS],
    parts_built: AtomicUsize,
    building: Mutex<()>,
    /// Frequencies asked for so far: each costs a segmentation of the word, and the same
    /// terms are asked for in article after article.
    frequencies: RwLock<FxHashMap<Box<str>, usize>>,
}

impl std::fmt::Debug for Segmenter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Segmenter")
            .field("whole", &self.whole.get().is_some())
            .field("parts", &self.parts_built.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Segmenter {
    /// The stock dictionary plus the union vocabulary, the gazetteer's names and `extra` words
    /// (theme phrases, the site's dictionary and region aliases), loaded when first needed.
    pub fn new<'a>(extra: impl IntoIterator<Item = &'a str>) -> Segmenter {
        Segmenter {
            extra: extra.into_iter().map(str::to_string).collect(),
            whole: OnceLock::new(),
            added: OnceLock::new(),
            parts: Default::default(),
            parts_built: AtomicUsize::new(0),
            building: Mutex::new(()),
            frequencies: RwLock::new(FxHashMap::default()),
        }
    }

    /// What the additions of this segmenter are filed under (see [`AddedWords::load`]).
    pub fn additions_key(&self) -> [u8; 32] {
        AddedWords::key_for(self.extra.iter().map(String::as_str))
    }

    /// Serve texts from parts of the dictionary, with `added` (of [`Segmenter::additions`] of
    /// a segmenter with the same words) replayed onto them, until the whole one is loaded.
    /// False, and nothing changes, when `added` was made for other words.
    pub fn use_parts(&self, added: AddedWords) -> bool {
        *added.key() == self.additions_key() && self.added.set(added).is_ok()
    }

    /// What the whole dictionary added to the stock one, if it is loaded.
    pub fn additions(&self) -> Option<&AddedWords> {
        self.whole.get().map(|(_, added)| added)
    }

    /// Load the whole dictionary now (a build about to segment many articles).
    pub fn load_whole(&self) {
        self.whole();
    }

    /// The stock dictionary with every addition. Words with punctuation or spaces are
    /// skipped: jieba cannot hold them.
    fn whole(&self) -> &Jieba {
        &self
            .whole
            .get_or_init(|| {
                let mut recorder = Recorder::default();
                for line in data_lines(UNION_DICTIONARY) {
                    let mut fields = line.split_whitespace();
                    let Some(word) = fields.next() else { continue };
                    let (freq, tag) = match (fields.next(), fields.next()) {
                        (Some(f), tag) if f.bytes().all(|b| b.is_ascii_digit()) => (f.parse().ok(), tag),
                        (Some(tag), _) => (None, Some(tag)),
                        (None, _) => (None, None),
                    };
                    recorder.add_word(word, freq, tag.unwrap_or(ADDED_WORD_TAG));
                }
                for (name, referents) in Gazetteer::global().names() {
                    let place = referents.iter().any(|(r, _)| !matches!(r, Referent::Block));
                    if place
                        && name.chars().count() >= 2
                        && name.chars().all(char::is_alphanumeric)
                        && !recorder.has_word(name)
                    {
                        recorder.add_word(name, Some(PLACE_NAME_FREQ), "ns");
                    }
                }
                for word in &self.extra {
                    let word = word.trim();
                    if word.chars().count() >= 2 && word.chars().all(char::is_alphanumeric) && !recorder.has_word(word)
                    {
                        recorder.add_word(word, None, ADDED_WORD_TAG);
                    }
                }
                recorder.finish(self.additions_key())
            })
            .0
    }

    /// A dictionary that treats `text` (and any part of it) as the whole one does.
    fn dictionary_for(&self, text: &str) -> &Jieba {
        if let Some((whole, _)) = self.whole.get() {
            return whole;
        }
        let Some(added) = self.added.get() else {
            return self.whole();
        };
        if let Some(part) = self.newest_part().filter(|p| p.chars.covers(text)) {
            return &part.jieba;
        }
        let _building = self.building.lock().unwrap_or_else(|p| p.into_inner());
        let built = self.parts_built.load(Ordering::Acquire);
        let newest = self.newest_part();
        if let Some(part) = newest.filter(|p| p.chars.covers(text)) {
            return &part.jieba;
        }
        if built == MAX_PARTS {
            return self.whole();
        }
        let mut chars = newest.map(|p| p.chars.clone()).unwrap_or_default();
        chars.extend(text);
        if !chars.covers(text) {
            // The text holds a sentinel character: no part can serve it.
            return self.whole();
        }
        let jieba = dictionary::part(&chars, Some(added));
        let part = self.parts[built].get_or_init(|| Part { chars, jieba });
        self.parts_built.store(built + 1, Ordering::Release);
        &part.jieba
    }

    /// Ready the dictionary for `texts` (the articles of one file) at once: when parts are in
    /// use, one part for all their characters. Built text by text, a newspaper page of five
    /// articles needed five parts, and past [`MAX_PARTS`] the whole dictionary was loaded
    /// (an add of such a page took about 0.5 s more CPU). A no-op when the whole dictionary
    /// serves.
    pub fn prepare<'t>(&self, texts: impl IntoIterator<Item = &'t str>) {
        if self.whole.get().is_some() || self.added.get().is_none() {
            return;
        }
        let joined: String = texts.into_iter().collect();
        self.dictionary_for(&joined);
    }

    fn newest_part(&self) -> Option<&Part> {
        let built = self.parts_built.load(Ordering::Acquire);
        built.checked_sub(1).and_then(|newest| self.parts[newest].get())
    }

    /// True for a word of the dictionaries (not one the HMM guessed, like 嵌线员到).
    pub fn knows(&self, word: &str) -> bool {
        self.dictionary_for(word).has_word(word)
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
            let frequency = self.dictionary_for(word).suggest_freq(word);
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
        self.dictionary_for(text)
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
            assert_eq!(first, s.whole().suggest_freq(word));
            assert_eq!(s.frequency(word), first);
        }
    }

    /// Seeds as scraped: Traditional script, spam, pinyin, chrome: many kinds of text.
    const SEEDS: [&str; 5] = [
        include_str!("../../content/raw/000_70964535053b85f1.txt"),
        include_str!("../../content/raw/001_2ba259b3f4eff141.txt"),
        include_str!("../../content/raw/002_f2ea2cf918036bb2.txt"),
        include_str!("../../content/raw/003_f1521f5082b377c5.txt"),
        include_str!("../../content/raw/004_ae5e4d94e8aab770.txt"),
    ];

    #[test]
    fn parts_of_the_dictionary_cut_as_the_whole_one_does() {
        let whole = crate::analyze::tests::shared().segmenter();
        whole.load_whole();
        let added = whole.additions().expect("loaded whole").clone();
        let parts = Segmenter::new(whole.extra.iter().map(String::as_str));
        assert!(parts.use_parts(added.clone()));
        for (n, seed) in SEEDS.iter().enumerate() {
            let words = parts.words(seed);
            assert_eq!(words, whole.words(seed), "seed {n}");
            for word in &words {
                assert_eq!(parts.knows(word.text), whole.knows(word.text), "{}", word.text);
                assert_eq!(parts.frequency(word.text), whole.frequency(word.text), "{}", word.text);
            }
            if n == 0 {
                assert!(parts.whole.get().is_none() && parts.newest_part().is_some());
            }
        }
        // Additions made for other words are refused.
        let other = Segmenter::new(["别的词"]);
        assert!(!other.use_parts(added.clone()));
        // Readied for many texts at once, one part serves them all.
        let page = Segmenter::new(whole.extra.iter().map(String::as_str));
        assert!(page.use_parts(added.clone()));
        page.prepare(SEEDS);
        for seed in SEEDS {
            assert_eq!(page.words(seed), whole.words(seed));
        }
        assert_eq!(page.parts_built.load(Ordering::Acquire), 1);
        assert!(page.whole.get().is_none());
        // Text by text, they take more parts than there are: the whole dictionary loads.
        let texts = Segmenter::new(whole.extra.iter().map(String::as_str));
        assert!(texts.use_parts(added.clone()));
        for seed in SEEDS {
            texts.words(seed);
        }
        assert!(texts.whole.get().is_some());
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
