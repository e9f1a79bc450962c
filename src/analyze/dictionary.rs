//! Jieba's stock dictionary (`data/jieba-dict.txt`), whole or only the part a few texts need.
//!
//! Loading the whole dictionary (349,000 words into jieba's trie) takes about 0.12 s: most of
//! what a rebuild that meets one new article spends before it can segment it. Segmentation
//! only ever looks up words that occur in the text it cuts, and a word occurs in a text only if
//! each of its characters does. So a dictionary holding just the words made of a text's
//! characters (a tenth of them for a news article) cuts that text exactly as the whole one
//! does, with one condition: jieba scores a route by `ln(freq) - ln(total)`, so the part must
//! have the whole dictionary's total frequency. A part carries the frequency it lacks on a
//! sentinel word of two Unicode noncharacters, which no text that a part serves may hold
//! ([`CharSet::covers`] refuses them).
//!
//! The segmenter adds words to the stock ones (the union vocabulary, place names, the site's
//! words), some at frequencies jieba suggests from the whole dictionary. Those additions and
//! the resulting total are [`AddedWords`]: recorded when the whole segmenter is built, kept in
//! the build cache, and replayed onto a part.
//!
//! The stock lines are sorted by their words' bytes, so whether the stock dictionary has a
//! word is a binary search of them ([`stock_has_word`]), with nothing loaded (a hash set of
//! the words once a build has asked thousands).

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use jieba_rs::Jieba;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::persist::{push_varint, seal, unseal, write_atomically, Reader};

const SOURCE: &str = include_str!("../../data/jieba-dict.txt");

/// The word that carries the frequency a part lacks: noncharacters, never in a served text.
const SENTINEL: &str = "\u{FDD0}\u{FDD1}";
const SENTINEL_TAG: &str = "x";

/// The dictionary's entries (`word freq tag` lines), without the data file's header.
pub fn stock_lines() -> &'static str {
    static LINES: OnceLock<&str> = OnceLock::new();
    LINES.get_or_init(|| {
        let mut rest = SOURCE;
        while rest.starts_with('#') {
            rest = rest.split_once('\n').map_or("", |(_, after)| after);
        }
        rest
    })
}

/// The whole stock dictionary, loaded once per process.
pub fn stock() -> &'static Jieba {
    static STOCK: OnceLock<Jieba> = OnceLock::new();
    STOCK.get_or_init(|| {
        // Compiled in and checked by the tests below: it always loads.
        Jieba::with_dict(&mut stock_lines().as_bytes()).unwrap_or_else(|_| Jieba::empty())
    })
}

/// One entry of [`stock_lines`]: word, frequency, part of speech.
fn entry(line: &str) -> Option<(&str, u64, &str)> {
    let mut fields = line.split(' ');
    let word = fields.next().filter(|w| !w.is_empty())?;
    let freq = fields.next()?.parse().ok()?;
    Some((word, freq, fields.next().unwrap_or("")))
}

/// A set of characters: a bitmap of the Basic Multilingual Plane and a list of the rest.
#[derive(Clone)]
pub struct CharSet {
    bmp: Box<[u64; 1024]>,
    astral: Vec<char>,
}

impl std::fmt::Debug for CharSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count: u32 = self.bmp.iter().map(|w| w.count_ones()).sum();
        f.debug_struct("CharSet")
            .field("chars", &(count as usize + self.astral.len()))
            .finish()
    }
}

impl Default for CharSet {
    fn default() -> Self {
        CharSet {
            bmp: Box::new([0; 1024]),
            astral: Vec::new(),
        }
    }
}

impl CharSet {
    /// The characters of `text`, except the sentinel's.
    pub fn of(text: &str) -> CharSet {
        let mut set = CharSet::default();
        set.extend(text);
        set
    }

    pub fn extend(&mut self, text: &str) {
        self.extend_chars(text.chars());
    }

    pub fn extend_chars(&mut self, chars: impl Iterator<Item = char>) {
        for c in chars {
            if is_sentinel_char(c) {
                continue;
            }
            match u16::try_from(u32::from(c)) {
                Ok(bmp) => self.bmp[usize::from(bmp >> 6)] |= 1 << (bmp & 63),
                Err(_) => {
                    if let Err(at) = self.astral.binary_search(&c) {
                        self.astral.insert(at, c);
                    }
                }
            }
        }
    }

    pub fn contains(&self, c: char) -> bool {
        match u16::try_from(u32::from(c)) {
            Ok(bmp) => self.bmp[usize::from(bmp >> 6)] & (1 << (bmp & 63)) != 0,
            Err(_) => self.astral.binary_search(&c).is_ok(),
        }
    }

    /// Whether every character of `text` is in the set (never one of the sentinel's).
    pub fn covers(&self, text: &str) -> bool {
        text.chars().all(|c| self.contains(c))
    }
}

fn is_sentinel_char(c: char) -> bool {
    SENTINEL.contains(c)
}

/// What the segmenter added to the stock dictionary, in its final state, and the whole
/// segmenter's total frequency: enough to rebuild any part of it exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddedWords {
    /// What they were made from (the tool's fingerprint and the site's extra words).
    key: [u8; 32],
    /// Word → its final state.
    words: FxHashMap<Box<str>, Addition>,
    total: u64,
}

/// An added word's final frequency and, for a word the stock dictionary lacks, its part of
/// speech (a stock word keeps its own).
type Addition = (u64, Option<Box<str>>);

/// First bytes of the file of [`AddedWords`].
const MAGIC: &[u8] = b"union-digest segmenter additions v1\n";
/// Its name, in the build cache's directory.
pub const FILE: &str = "segmenter-words.bin";

impl AddedWords {
    /// The key of the additions made for `extra` words by this version of the tool.
    pub fn key_for<'a>(extra: impl IntoIterator<Item = &'a str>) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new();
        hasher.update(env!("UNION_DIGEST_FINGERPRINT").as_bytes());
        for word in extra {
            hasher.update(b"\0");
            hasher.update(word.as_bytes());
        }
        *hasher.finalize().as_bytes()
    }

    pub fn key(&self) -> &[u8; 32] {
        &self.key
    }

    /// Words in byte order, so the same additions give the same file.
    fn sorted(&self) -> Vec<(&str, &Addition)> {
        let mut words: Vec<_> = self.words.iter().map(|(w, v)| (&**w, v)).collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        words
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAGIC.len() + 40 + self.words.len() * 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.key);
        push_varint(&mut out, self.total);
        push_varint(&mut out, self.words.len() as u64);
        for (word, (freq, tag)) in self.sorted() {
            push_str(&mut out, word);
            push_varint(&mut out, *freq);
            match tag {
                Some(tag) => {
                    out.push(1);
                    push_str(&mut out, tag);
                }
                None => out.push(0),
            }
        }
        seal(out)
    }

    /// The additions of a file's bytes; None unless they are exactly what
    /// [`AddedWords::encode`] writes.
    pub fn decode(bytes: &[u8]) -> Option<AddedWords> {
        let mut reader = Reader(unseal(bytes)?.strip_prefix(MAGIC)?);
        let key = reader.array::<32>()?;
        let total = reader.varint()?;
        let count = usize::try_from(reader.varint()?).ok()?;
        let mut words = FxHashMap::with_capacity_and_hasher(count.min(1 << 20), Default::default());
        for _ in 0..count {
            let word = read_str(&mut reader)?;
            let freq = reader.varint()?;
            let tag = match reader.byte()? {
                0 => None,
                1 => Some(read_str(&mut reader)?.into()),
                _ => return None,
            };
            if words.insert(word.into(), (freq, tag)).is_some() {
                return None;
            }
        }
        reader.0.is_empty().then_some(AddedWords { key, words, total })
    }

    /// The additions kept at `path` for `key`, if there are valid ones.
    pub fn load(path: &Path, key: &[u8; 32]) -> Option<AddedWords> {
        let bytes = std::fs::read(path).ok()?;
        AddedWords::decode(&bytes).filter(|added| &added.key == key)
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        write_atomically(path, &self.encode())
    }
}

fn push_str(out: &mut Vec<u8>, s: &str) {
    push_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn read_str<'a>(reader: &mut Reader<'a>) -> Option<&'a str> {
    let len = usize::try_from(reader.varint()?).ok()?;
    std::str::from_utf8(reader.take(len)?).ok()
}

/// Builds the whole segmenter's dictionary: the stock one plus added words, recording what
/// was added as it goes.
pub struct Recorder {
    jieba: Jieba,
    words: FxHashMap<Box<str>, Addition>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            jieba: stock().clone(),
            words: FxHashMap::default(),
        }
    }
}

impl Recorder {
    pub fn has_word(&self, word: &str) -> bool {
        self.jieba.has_word(word)
    }

    /// `Jieba::add_word`, recorded: the word's final frequency and, if the dictionary lacked
    /// it, the part of speech it was given (jieba keeps an existing word's).
    pub fn add_word(&mut self, word: &str, freq: Option<usize>, tag: &str) {
        if word.is_empty() {
            return;
        }
        let existed = self.jieba.has_word(word);
        let freq = self.jieba.add_word(word, freq, Some(tag)) as u64;
        self.words
            .entry(word.into())
            .and_modify(|(f, _)| *f = freq)
            .or_insert_with(|| (freq, (!existed).then(|| tag.into())));
    }

    /// The dictionary, and what was added to make it (filed under `key`).
    pub fn finish(self, key: [u8; 32]) -> (Jieba, AddedWords) {
        let kept_stock: u64 = stock_lines()
            .lines()
            .filter_map(entry)
            .filter(|(word, _, _)| !self.words.contains_key(*word))
            .map(|(_, freq, _)| freq)
            .sum();
        let total = kept_stock + self.words.values().map(|(freq, _)| freq).sum::<u64>();
        let added = AddedWords {
            key,
            words: self.words,
            total,
        };
        (self.jieba, added)
    }
}

/// The words of the stock dictionary (with `added`'s replayed onto them) made of characters
/// of `chars`, with `added`'s total frequency.
pub fn part(chars: &CharSet, added: Option<&AddedWords>) -> Jieba {
    let mut jieba = Jieba::empty();
    let mut total = 0;
    // Most lines are rejected at their word's first character: parse only the others.
    let covered = stock_lines()
        .split('\n')
        .filter(|line| line.split(' ').next().is_some_and(|word| chars.covers(word)))
        .filter_map(entry);
    for (word, stock_freq, tag) in covered {
        let freq = added
            .and_then(|a| a.words.get(word))
            .map_or(stock_freq, |(freq, _)| *freq);
        jieba.add_word(word, Some(freq as usize), Some(tag));
        total += freq;
    }
    if let Some(added) = added {
        for (word, (freq, tag)) in &added.words {
            if let Some(tag) = tag.as_deref().filter(|_| chars.covers(word)) {
                jieba.add_word(word, Some(*freq as usize), Some(tag));
                total += freq;
            }
        }
        if added.total > total {
            jieba.add_word(SENTINEL, Some((added.total - total) as usize), Some(SENTINEL_TAG));
        }
    }
    jieba
}

/// A part of a dictionary and the characters it serves.
#[derive(Debug)]
pub struct Part {
    pub chars: CharSet,
    pub jieba: Jieba,
}

/// Lookups [`stock_has_word`] makes by searching the lines themselves before it puts their
/// words in a hash set. A cold build asks hundreds of thousands of words; a rebuild that
/// cleans one article asks a few dozen, for which hashing 349,000 words (about 20 ms) would
/// not pay.
const LOOKUPS_BEFORE_SET: usize = 4096;

/// Whether the stock dictionary has `word`: a binary search of its lines, which are sorted by
/// their words' bytes (a test checks it), so nothing is loaded. The fiction detector asks a
/// few dozen words per suspect page; a rebuild that cleans one new article used to build the
/// part of the dictionary that article's characters can form for them (25-30 ms of its
/// critical path), and a cold build to wait for the whole dictionary to load. Past
/// [`LOOKUPS_BEFORE_SET`] lookups, a hash set of the words answers instead: the binary
/// search's steps through 5 MB of lines, each a cache miss, were 3% of a cold build's CPU.
pub fn stock_has_word(word: &str) -> bool {
    static LOOKUPS: AtomicUsize = AtomicUsize::new(0);
    static WORDS: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    if word.is_empty() {
        return false;
    }
    let words = WORDS.get().or_else(|| {
        (LOOKUPS.fetch_add(1, Ordering::Relaxed) >= LOOKUPS_BEFORE_SET)
            .then(|| WORDS.get_or_init(|| words_of(stock_lines())))
    });
    match words {
        Some(words) => words.contains(word),
        None => has_word_unindexed(stock_lines(), word),
    }
}

/// The words of dictionary `lines` (each line's text up to its first space).
fn words_of(lines: &str) -> FxHashSet<&str> {
    lines
        .lines()
        .filter_map(|line| line.split(' ').next())
        .filter(|w| !w.is_empty())
        .collect()
}

/// [`stock_has_word`] of `lines` (sorted by word), searching the bytes themselves.
fn has_word_unindexed(lines: &str, word: &str) -> bool {
    let lines = lines.as_bytes();
    let word = word.as_bytes();
    // Every line starting in low..high may still hold the word; low is a line's start.
    let (mut low, mut high) = (0, lines.len());
    while low < high {
        let middle = low + (high - low) / 2;
        let start = lines[low..middle]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(low, |i| low + i + 1);
        let end = lines[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(lines.len(), |i| start + i);
        let line = &lines[start..end];
        let entry = line.split(|&b| b == b' ').next().unwrap_or(line);
        match entry.cmp(word) {
            std::cmp::Ordering::Equal => return true,
            std::cmp::Ordering::Less => low = end + 1,
            std::cmp::Ordering::Greater => high = start,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    /// jieba's total frequency, which it does not expose but prints.
    fn total_of(jieba: &Jieba) -> u64 {
        let debug = format!("{jieba:?}");
        let digits: String = debug
            .split("total_freq: ")
            .nth(1)
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().unwrap()
    }

    #[test]
    fn the_data_file_loads_every_entry() {
        let lines = stock_lines().lines().count();
        assert_eq!(lines, 349_045);
        assert_eq!(stock_lines().lines().filter_map(entry).count(), lines);
        assert!(stock().has_word("工会") && stock().has_word("我们"));
        let sum: u64 = stock_lines().lines().filter_map(entry).map(|e| e.1).sum();
        assert_eq!(total_of(stock()), sum);
    }

    #[test]
    fn char_sets_cover_only_their_characters() {
        let set = CharSet::of("工会驿站𠀀");
        assert!(set.covers("工会") && set.covers("驿站𠀀") && set.covers(""));
        assert!(!set.covers("工人") && !set.covers("𠀁"));
        assert!(!CharSet::of(SENTINEL).covers(SENTINEL));
    }

    fn recorded() -> (Jieba, AddedWords) {
        let mut recorder = Recorder::default();
        recorder.add_word("工会驿站", None, "nz");
        recorder.add_word("户外劳动者服务站点", Some(500), "nz");
        recorder.add_word("工会", Some(99_999), "nz");
        recorder.add_word("工会驿站", Some(7), "n");
        recorder.finish([7; 32])
    }

    #[test]
    fn recorded_additions_know_the_final_state_and_the_total() {
        let (jieba, added) = recorded();
        assert_eq!(total_of(&jieba), added.total);
        assert_eq!(added.words.get("工会驿站"), Some(&(7, Some("nz".into()))));
        assert_eq!(added.words.get("工会"), Some(&(99_999, None)));
        assert_eq!(AddedWords::decode(&added.encode()), Some(added.clone()));
        let mut damaged = added.encode();
        damaged[MAGIC.len() + 3] ^= 1;
        assert_eq!(AddedWords::decode(&damaged), None);
    }

    #[test]
    fn a_part_cuts_its_text_as_the_whole_dictionary_does() {
        let (whole, added) = recorded();
        let text = "杭州新建工会驿站和户外劳动者服务站点，工会干部说：“我们为新就业形态劳动者服务。”";
        let chars = CharSet::of(text);
        let part = part(&chars, Some(&added));
        assert_eq!(total_of(&part), added.total);
        let cut = |j: &Jieba| -> Vec<(String, String)> {
            j.tag(text, false)
                .into_iter()
                .map(|t| (t.word.to_string(), t.tag.to_string()))
                .collect()
        };
        assert_eq!(cut(&part), cut(&whole));
        for word in ["工会驿站", "劳动者", "服务站", "新就业", "我们为"] {
            assert_eq!(part.suggest_freq(word), whole.suggest_freq(word), "{word}");
            assert_eq!(part.has_word(word), whole.has_word(word), "{word}");
        }
    }

    #[test]
    fn the_stock_lines_are_sorted_and_searched_as_jieba_finds_their_words() {
        let words: Vec<&str> = stock_lines().lines().filter_map(entry).map(|e| e.0).collect();
        assert!(words.windows(2).all(|w| w[0].as_bytes() <= w[1].as_bytes()));
        // The first and last words, and a sample between.
        for word in words.iter().step_by(97).chain([&words[0], &words[words.len() - 1]]) {
            assert!(stock_has_word(word), "{word}");
        }
        // Prefixes and extensions of words, words of no entry, and the empty word.
        for word in [
            "工会",
            "我们",
            "人民",
            "工",
            "工会会",
            "会走",
            "进工",
            "1号",
            "1号店",
            "龘龘",
            "zzz",
            "",
            "\u{F8FF}",
        ] {
            assert_eq!(stock_has_word(word), stock().has_word(word), "{word}");
        }
    }

    #[test]
    fn the_set_of_words_finds_what_the_search_of_the_lines_finds() {
        let lines = "一 5 m\n一一 3 m\n工会 9 n\n工会会员 2 n\n工作 8 vn\n";
        let words = words_of(lines);
        assert_eq!(words.len(), 5);
        for (word, has) in [
            ("一", true),
            ("一一", true),
            ("工会", true),
            ("工会会员", true),
            ("工作", true),
            ("工", false),
            ("工会会", false),
            ("乙", false),
            ("龘", false),
            ("", false),
        ] {
            assert_eq!(words.contains(word), has, "{word}");
            assert_eq!(has_word_unindexed(lines, word), has, "{word}");
        }
        // Past the lookups made before the set, over the whole dictionary.
        for _ in 0..=LOOKUPS_BEFORE_SET {
            assert!(stock_has_word("工会") && !stock_has_word("工会会"));
        }
        for word in ["工会", "我们", "工会会", "1号店", "龘龘", "zzz", ""] {
            assert_eq!(stock_has_word(word), stock().has_word(word), "{word}");
        }
    }

    #[test]
    fn a_stock_part_knows_the_words_of_its_characters() {
        let chars = CharSet::of("我们走进工会");
        let jieba = part(&chars, None);
        for word in ["我们", "工会", "走进", "进工", "会走", "我们会"] {
            assert_eq!(jieba.has_word(word), stock().has_word(word), "{word}");
        }
        assert!(!jieba.has_word("人民") && stock().has_word("人民"));
    }
}
