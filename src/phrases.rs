//! Phrase automatons (Aho-Corasick) over the large compiled-in lists, fitted to the text at
//! hand while few texts are searched.
//!
//! The place names (6,500) and the spin table are searched with automatons that take longer
//! to build (about 25 ms for the place names) than cleaning and analysing the one article a
//! quick rebuild adds. A phrase can only occur in a text that holds every one of its
//! characters, so the first few searches each get an automaton of just those phrases (a few
//! hundred, built in well under a millisecond); past them, the whole automaton is built once
//! and shared. Both report exactly the same matches: the phrases left out cannot occur, and
//! the ones kept keep their order, which is their priority under every match kind.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Match, MatchKind};

/// Searches served by fitted automatons before the whole one is built.
const FITTED_SEARCHES: usize = 8;

/// A list of phrases to search texts for. Match pattern ids are indexes into the list.
pub struct Phrases {
    patterns: Vec<String>,
    match_kind: MatchKind,
    kind: Option<AhoCorasickKind>,
    /// None if the whole list cannot be built into one automaton (then every search is
    /// fitted, which is always exact).
    whole: OnceLock<Option<AhoCorasick>>,
    searches: AtomicUsize,
}

impl std::fmt::Debug for Phrases {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Phrases")
            .field("patterns", &self.patterns.len())
            .field("whole_built", &self.whole.get().is_some())
            .finish()
    }
}

impl Phrases {
    /// The phrases, searched with `match_kind`. ASCII case is significant.
    pub fn new(patterns: Vec<String>, match_kind: MatchKind) -> Phrases {
        Phrases {
            patterns,
            match_kind,
            kind: None,
            whole: OnceLock::new(),
            searches: AtomicUsize::new(0),
        }
    }

    /// Use this automaton kind (a DFA searches faster and builds slower).
    pub fn with_kind(mut self, kind: AhoCorasickKind) -> Phrases {
        self.kind = Some(kind);
        self
    }

    /// A searcher for `texts` (and any text whose characters they all hold): fitted to them
    /// for the first few searches, the whole automaton after.
    pub fn searcher<'t>(&self, texts: impl IntoIterator<Item = &'t str>) -> Searcher<'_> {
        if let Some(Some(whole)) = self.whole.get() {
            return Searcher::Whole(whole);
        }
        if self.searches.fetch_add(1, Ordering::Relaxed) >= FITTED_SEARCHES {
            if let Some(whole) = self.whole.get_or_init(|| self.build(&self.patterns)) {
                return Searcher::Whole(whole);
            }
        }
        self.fitted(texts)
    }

    /// An automaton of the phrases whose characters all occur in `texts`.
    fn fitted<'t>(&self, texts: impl IntoIterator<Item = &'t str>) -> Searcher<'_> {
        let present = CharsPresent::of(texts);
        let (ids, kept): (Vec<usize>, Vec<&String>) = self
            .patterns
            .iter()
            .enumerate()
            .filter(|(_, p)| p.chars().all(|c| present.contains(c)))
            .unzip();
        match self.build(kept) {
            Some(automaton) => Searcher::Fitted { automaton, ids },
            None => Searcher::Empty,
        }
    }

    fn build<I, P>(&self, patterns: I) -> Option<AhoCorasick>
    where
        I: IntoIterator<Item = P>,
        P: AsRef<[u8]>,
    {
        AhoCorasickBuilder::new()
            .match_kind(self.match_kind)
            .kind(self.kind)
            .build(patterns)
            .ok()
    }
}

/// What a text is searched with; matches name patterns by their index in the whole list.
pub enum Searcher<'a> {
    Whole(&'a AhoCorasick),
    /// An automaton of some of the phrases, and the index of each in the whole list.
    Fitted {
        automaton: AhoCorasick,
        ids: Vec<usize>,
    },
    /// No automaton could be built (beyond the automaton's size limits): no matches.
    Empty,
}

impl Searcher<'_> {
    /// Non-overlapping matches, by the list's match kind.
    pub fn find_iter<'s, 'h>(&'s self, text: &'h str) -> impl Iterator<Item = Match> + use<'s, 'h> {
        self.automaton()
            .into_iter()
            .flat_map(move |automaton| automaton.find_iter(text))
            .map(|m| self.whole_list_match(m))
    }

    /// Every match, overlapping ones included (the list's match kind must be `Standard`).
    pub fn find_overlapping_iter<'s, 'h>(&'s self, text: &'h str) -> impl Iterator<Item = Match> + use<'s, 'h> {
        self.automaton()
            .into_iter()
            .flat_map(move |automaton| automaton.find_overlapping_iter(text))
            .map(|m| self.whole_list_match(m))
    }

    fn automaton(&self) -> Option<&AhoCorasick> {
        match self {
            Searcher::Whole(automaton) => Some(automaton),
            Searcher::Fitted { automaton, .. } => Some(automaton),
            Searcher::Empty => None,
        }
    }

    fn whole_list_match(&self, m: Match) -> Match {
        match self {
            Searcher::Fitted { ids, .. } => Match::must(ids[m.pattern().as_usize()], m.span()),
            Searcher::Whole(_) | Searcher::Empty => m,
        }
    }
}

/// The characters some texts hold: a bitmap for the Basic Multilingual Plane, a sorted list
/// for the rest.
struct CharsPresent {
    bmp: Vec<u64>,
    astral: Vec<char>,
}

impl CharsPresent {
    fn of<'t>(texts: impl IntoIterator<Item = &'t str>) -> CharsPresent {
        let mut present = CharsPresent {
            bmp: vec![0; 0x1_0000 / 64],
            astral: Vec::new(),
        };
        for c in texts.into_iter().flat_map(str::chars) {
            let code = c as usize;
            match present.bmp.get_mut(code / 64) {
                Some(bits) => *bits |= 1 << (code % 64),
                None => present.astral.push(c),
            }
        }
        present.astral.sort_unstable();
        present.astral.dedup();
        present
    }

    fn contains(&self, c: char) -> bool {
        let code = c as usize;
        match self.bmp.get(code / 64) {
            Some(bits) => bits & (1 << (code % 64)) != 0,
            None => self.astral.binary_search(&c).is_ok(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spans(matches: impl Iterator<Item = Match>) -> Vec<(usize, usize, usize)> {
        matches.map(|m| (m.pattern().as_usize(), m.start(), m.end())).collect()
    }

    fn whole(phrases: &Phrases) -> AhoCorasick {
        phrases.build(&phrases.patterns).unwrap()
    }

    #[test]
    fn the_first_searches_are_fitted_then_the_whole_automaton_is_shared() {
        let phrases = Phrases::new(
            vec!["总工会".into(), "工会".into(), "驿站".into()],
            MatchKind::LeftmostLongest,
        );
        let text = "市总工会建成工会驿站";
        for _ in 0..FITTED_SEARCHES {
            let searcher = phrases.searcher([text]);
            assert!(matches!(searcher, Searcher::Fitted { .. }));
            assert_eq!(spans(searcher.find_iter(text)), [(0, 3, 12), (1, 18, 24), (2, 24, 30)]);
        }
        let searcher = phrases.searcher([text]);
        assert!(matches!(searcher, Searcher::Whole(_)));
        assert_eq!(spans(searcher.find_iter(text)), [(0, 3, 12), (1, 18, 24), (2, 24, 30)]);
    }

    #[test]
    fn a_fitted_automaton_holds_only_phrases_whose_characters_occur() {
        let phrases = Phrases::new(vec!["工会".into(), "驿站".into(), "会站".into()], MatchKind::Standard);
        let Searcher::Fitted { ids, .. } = phrases.fitted(["工会", "站"]) else {
            panic!("fitted");
        };
        assert_eq!(ids, [0, 2]);
    }

    #[test]
    fn characters_beyond_the_basic_plane_are_told_apart() {
        let present = CharsPresent::of(["𠀀a"]);
        assert!(present.contains('𠀀') && present.contains('a'));
        assert!(!present.contains('𠀁') && !present.contains('b'));
    }

    /// Short phrases over a small alphabet (ASCII and Han, one astral character), so that
    /// matches overlap, nest and tie often.
    fn phrase() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(vec!['a', 'b', '工', '会', '𠀀']), 1..4)
            .prop_map(|chars| chars.into_iter().collect())
    }

    fn text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            proptest::sample::select(vec!['a', 'b', 'c', '工', '会', '站', '𠀀']),
            0..24,
        )
        .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn fitted_automatons_find_what_the_whole_one_finds(
            patterns in proptest::collection::vec(phrase(), 1..12),
            text in text(),
        ) {
            for kind in [MatchKind::Standard, MatchKind::LeftmostFirst, MatchKind::LeftmostLongest] {
                let phrases = Phrases::new(patterns.clone(), kind);
                let whole = whole(&phrases);
                let fitted = phrases.fitted([text.as_str()]);
                prop_assert_eq!(spans(fitted.find_iter(&text)), spans(whole.find_iter(&text)));
                if kind == MatchKind::Standard {
                    prop_assert_eq!(
                        spans(fitted.find_overlapping_iter(&text)),
                        spans(whole.find_overlapping_iter(&text))
                    );
                }
            }
        }
    }
}
