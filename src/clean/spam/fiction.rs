//! Injected fiction: spam mirror sites paste sentences of web novels into news paragraphs,
//! starting and ending at arbitrary characters, even inside a word
//! (五[“忘了吧。”她摇头说道。]年来 → 五年来).
//!
//! The detector compares two character bigram models, one of news prose
//! (`data/lm-news.txt`, plus a spun copy of it so that spun news still reads as news) and one
//! of web-novel prose (`data/lm-fiction.txt`). A line is explained as news with fiction
//! segments cut out of it (dynamic programming): a segment [s, e) gains the
//! fiction-over-news log-likelihood of its characters, the character after it is scored as
//! news following the character before it, and each cut costs a fixed penalty.
//!
//! The models know too few words to place a cut's edges exactly, so each cut is then shaped:
//! nearby pieces of one injection are joined when the gap between them is not clearly news;
//! whole clauses at its ends that do not read as fiction are given back; its edges move a
//! few characters to where the news text joins into a dictionary word (jieba's dictionary:
//! 改革开[…]放 → 开放), breaking no word, leaving no one-character clause behind and no
//! quotation half-cut.
//!
//! A cut is made only when all of these hold:
//! - the page carries spam evidence (spam lines or injected keywords);
//! - its characters are clearly better explained as fiction (total and mean log-ratio);
//! - it carries fiction markers (`data/fiction-markers.txt`: gestures and, after a
//!   quotation, speech tags; household and feeling words) or personal pronouns; a cut inside
//!   a quotation needs more, because quoted speech in a report is colloquial;
//! - it sits inside a sentence: the text before or after it continues a clause, or it is a
//!   finished line of dialogue followed by a clause separator (说的。”、);
//! - there is text on both sides, and the news text joins up across it.
//!
//! On pages without spam evidence only the narrowest rule runs: a quoted line of dialogue
//! followed by a narrative tag (“……。”她点了点头。) that starts right after a word, where no
//! news report would open a quote. A worker quoted at the start of a paragraph is never cut.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

use super::{automaton, section, sections};
use crate::clean::despin::Table;
use crate::clean::lines::is_han;
use crate::clean::punct::full_width;

const NEWS: &str = include_str!("../../../data/lm-news.txt");
const FICTION: &str = include_str!("../../../data/lm-fiction.txt");
const MARKERS: &str = include_str!("../../../data/fiction-markers.txt");

/// Cost of one cut, in nats.
const PENALTY: f64 = 6.0;
/// How far (in characters) the edges of a cut may move to join the news text into a word.
const REFINE: usize = 8;
/// Value (in nats) of a cut after which the news text joins into a dictionary word.
const WORD_JOIN: f64 = 8.0;
/// How far (in characters) a cut's edge may move to a quotation mark.
const QUOTE_REACH: usize = 12;
/// How much less likely (in nats) the news text may be across a cut than into it.
const JOIN_SLACK: f64 = 4.0;
/// Cost (in nats) of each one-character clause a cut leaves next to it.
const CRUMB_COST: f64 = 8.0;
/// Cost (in nats) of each quotation mark a cut leaves unmatched in the kept text.
const QUOTE_COST: f64 = 6.0;
/// Longest gap (in characters) between two fiction segments that may be joined.
const MAX_GAP: usize = 24;
/// A gap whose mean log-ratio is at most this is news, and keeps two segments apart.
const GAP_MEAN: f64 = -1.0;
/// Whole clauses at the edges of a cut with a lower mean log-ratio are not fiction.
const TRIM_MEAN: f64 = 0.3;
/// Longest span considered, in characters.
const MAX_SPAN: usize = 320;
/// Minimum total and mean fiction-over-news log-ratio of a removed span.
const MIN_TOTAL: f64 = 8.0;
const MIN_MEAN: f64 = 0.45;
/// Start-of-line context.
const BOS: char = '\u{2}';

#[derive(Debug)]
pub(super) struct Detector {
    models: Models,
    markers: AhoCorasick,
    /// Per marker pattern: its kind.
    marker_kind: Vec<Marker>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    /// 说道, 笑道: dialogue tags that news features use too.
    Speech,
    /// 点了点头, 苦笑: gestures that tag dialogue in stories.
    Gesture,
    /// 奴婢, 泪水, 心里: words of households, feelings and small gestures.
    Narrative,
}

/// Marker counts in a span.
#[derive(Debug, Clone, Copy, Default)]
struct Markers {
    speech: usize,
    gesture: usize,
    narrative: usize,
}

impl Markers {
    fn tags(&self) -> usize {
        self.speech + self.gesture
    }
}

impl Detector {
    pub(super) fn new(despin: &Table) -> Detector {
        let news_text: String = corpus_lines(NEWS).collect::<Vec<_>>().join("\n");
        let spun = despin.spin_forward(&news_text);
        let mut news = CharLm::train(corpus_lines(NEWS).chain(spun.lines()));
        let mut fiction = CharLm::train(corpus_lines(FICTION));
        let floor = 0.5 / (f64::from(news.total.max(fiction.total)) + 0.5 * VOCABULARY);
        news.floor = floor;
        fiction.floor = floor;
        let models = Models::new(&news, &fiction);
        let sections = sections(MARKERS);
        let kinds = [
            (Marker::Speech, "tag-speech"),
            (Marker::Gesture, "tag-gesture"),
            (Marker::Narrative, "narrative"),
        ];
        let mut patterns: Vec<&String> = Vec::new();
        let mut marker_kind = Vec::new();
        for (kind, name) in kinds {
            for word in section(&sections, name) {
                patterns.push(word);
                marker_kind.push(kind);
            }
        }
        Detector {
            models,
            markers: automaton(&patterns),
            marker_kind,
        }
    }

    /// Byte spans of injected fiction in one line.
    pub(super) fn find(&self, text: &str, page_has_spam: bool) -> Vec<(usize, usize)> {
        let quoted = text.contains(['“', '"']);
        // Tagged dialogue needs a finished utterance closing a quotation.
        let utterance = quoted && ends_an_utterance(text);
        // A segment needs fiction markers or pronouns (see `accept`): lines without any are
        // not worth modelling.
        let may_hold_segment = page_has_spam && {
            let m = self.markers_in(text);
            let pronouns = text.chars().filter(|&c| is_pronoun(c)).count();
            m.tags() + m.narrative + usize::from(pronouns >= 2) >= 1
        };
        if !utterance && !may_hold_segment {
            return Vec::new();
        }
        let line = Line::new(text);
        if line.chars.len() < 8 {
            return Vec::new();
        }
        let candidates = if utterance {
            tagged_dialogue_candidates(&line.chars)
        } else {
            Vec::new()
        };
        if candidates.is_empty() && !may_hold_segment {
            return Vec::new();
        }
        let scores = self.scores(&line.norm);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for (open, tag_end) in candidates {
            let tags = self.markers_in(&line.text(open, tag_end)).tags();
            if tags > 0 && (page_has_spam || scores.ratio(open, tag_end) > 0.0) {
                spans.push((open, tag_end));
            }
        }
        if page_has_spam && utterance {
            for (open, close) in dangling_utterances(&line.chars) {
                let m = self.markers_in(&line.text(open, close));
                let pronouns = line.chars[open..close].iter().filter(|&&c| is_pronoun(c)).count();
                let evidence = m.tags() + m.narrative + usize::from(pronouns >= 2);
                if evidence >= 1 && scores.ratio(open, close) >= MIN_TOTAL {
                    spans.push((open, close));
                }
            }
        }
        if may_hold_segment && line.chars.iter().filter(|&&c| is_han(c)).count() >= 10 && scores.best_run() >= MIN_TOTAL
        {
            spans.extend(self.segments(&line, &scores));
        }
        spans.sort_unstable();
        spans.dedup();
        spans
            .into_iter()
            .map(|(s, e)| (line.offsets[s], line.offsets[e]))
            .collect()
    }

    fn scores(&self, norm: &[char]) -> Scores {
        let mut news = Vec::with_capacity(norm.len());
        let mut ratio_prefix = Vec::with_capacity(norm.len() + 1);
        ratio_prefix.push(0.0);
        let mut total = 0.0;
        let mut prev = BOS;
        for &c in norm {
            let [n, f] = self.models.logp(prev, c).map(f64::from);
            news.push(n);
            total += f - n;
            ratio_prefix.push(total);
            prev = c;
        }
        Scores { news, ratio_prefix }
    }

    /// The best set of fiction segments (character ranges) of a line, by dynamic programming,
    /// filtered by the acceptance rules. A segment [s, i) is followed by news at i, since a
    /// cut without text on both sides is never accepted.
    fn segments(&self, line: &Line, scores: &Scores) -> Vec<(usize, usize)> {
        let x = &line.norm;
        let n = x.len();
        // gain[i]: best gain over "all news" for x[..i] with x[i-1] read as news.
        let mut gain = vec![0.0f64; n + 1];
        let mut from: Vec<Option<usize>> = vec![None; n + 1];
        // Sliding-window maximum of gain[s] − R[s], for an exact bound that skips positions
        // where no segment can pay for itself.
        let mut window: std::collections::VecDeque<(usize, f64)> = std::collections::VecDeque::new();
        // key[s] = gain[s] − R[s]: the part of a segment's value fixed by its start.
        let mut key = vec![0.0f64; n + 1];
        for i in 0..n {
            key[i] = gain[i] - scores.ratio_prefix[i];
            if i >= 1 {
                let key = key[i - 1];
                while window.back().is_some_and(|&(_, k)| k <= key) {
                    window.pop_back();
                }
                window.push_back((i - 1, key));
            }
            // Segments start at 1 or later: a cut needs text before it.
            let lowest = i.saturating_sub(MAX_SPAN).max(1);
            while window.front().is_some_and(|&(s, _)| s + 1 < lowest) {
                window.pop_front();
            }
            let mut best = gain[i];
            let mut best_from = None;
            // V(s, i) = key[s] + R[i] + join(s, i) − news[i] − PENALTY, and join(s, i) is at
            // most best_news(x[i]): skip every start that cannot beat `best` before looking
            // anything up (exact, no approximation).
            let reach = scores.ratio_prefix[i] + f64::from(self.models.best_news(x[i])) - scores.news[i] - PENALTY;
            if window.front().is_some_and(|&(_, max_key)| max_key + reach > best) {
                for s in lowest..i {
                    if key[s] + reach <= best {
                        continue;
                    }
                    let join = f64::from(self.models.logp(x[s - 1], x[i])[0]);
                    let v = key[s] + scores.ratio_prefix[i] + join - scores.news[i] - PENALTY;
                    if v > best {
                        best = v;
                        best_from = Some(s);
                    }
                }
            }
            gain[i + 1] = best;
            from[i + 1] = best_from;
        }
        let mut segments = Vec::new();
        let mut i = n;
        while i > 0 {
            match from[i] {
                Some(s) => {
                    segments.push((s, i - 1));
                    i = s;
                }
                None => i -= 1,
            }
        }
        segments.reverse();
        merge_close(&line.chars, scores, &mut segments);
        let depth = quote_depth(&line.chars);
        segments
            .into_iter()
            .map(|(s, e)| trim_clauses(&line.chars, scores, s, e))
            .map(|(s, e)| after_sentence_end(&line.chars, s, e))
            .map(|(s, e)| self.refine(line, scores, s, e))
            .filter(|&(s, e)| self.accept(line, scores, s, e, inside_quotation(&line.chars, &depth, s, e)))
            .collect()
    }

    /// The value of cutting [s, e) as the DP scores it: fiction-over-news ratio of the span
    /// and the news text joining across it.
    fn cut_value(&self, line: &Line, scores: &Scores, s: usize, e: usize) -> f64 {
        let x = &line.norm;
        scores.ratio(s, e) + f64::from(self.models.logp(x[s - 1], x[e])[0]) - scores.news[e]
    }

    /// Move the edges of a cut to where the news text joins into a word (改革开[…]放 → 开放,
    /// 五[…]年来 → 五年), breaks no word, and keeps its quotations whole. The character
    /// models know too few words to place edges exactly; the segmenter's dictionary knows
    /// them. Edges move by up to [`REFINE`] characters, or to a quotation mark within
    /// [`QUOTE_REACH`].
    fn refine(&self, line: &Line, scores: &Scores, s0: usize, e0: usize) -> (usize, usize) {
        let chars = &line.chars;
        let n = chars.len();
        if s0 == 0 || e0 >= n {
            return (s0, e0);
        }
        let is_quote = |c: char| matches!(c, '“' | '”' | '"');
        let mut starts: Vec<usize> = (s0.saturating_sub(REFINE).max(1)..=(s0 + REFINE).min(e0 - 1)).collect();
        starts.extend((s0.saturating_sub(QUOTE_REACH).max(1)..s0).filter(|&k| is_quote(chars[k])));
        let mut ends: Vec<usize> = (e0.saturating_sub(REFINE)..=(e0 + REFINE).min(n - 1)).collect();
        ends.extend((e0..(e0 + QUOTE_REACH).min(n - 1)).filter(|&k| is_quote(chars[k - 1])));
        // What each edge contributes on its own, computed once per edge.
        let start_info: Vec<(usize, bool, Brackets)> = starts
            .iter()
            .map(|&s| (s, breaks_word(chars, s), Brackets::of(&chars[..s])))
            .collect();
        let end_info: Vec<(usize, bool, Brackets)> = ends
            .iter()
            .map(|&e| (e, breaks_word(chars, e), Brackets::of(&chars[e..])))
            .collect();
        let mut best = (s0, e0);
        let mut best_value = f64::NEG_INFINITY;
        for &(s, s_breaks, before) in &start_info {
            for &(e, e_breaks, after) in end_info.iter().filter(|info| info.0 > s) {
                let base = self.cut_value(line, scores, s, e)
                    - QUOTE_COST * before.then(after).unmatched() as f64
                    - CRUMB_COST * crumbs(chars, s, e) as f64;
                // The dictionary is only asked when its answer can change the choice.
                if base + WORD_JOIN <= best_value {
                    continue;
                }
                let value = base
                    + if joins_into_word(chars, s, e) {
                        WORD_JOIN
                    } else if s_breaks || e_breaks {
                        -WORD_JOIN
                    } else {
                        0.0
                    };
                if value > best_value {
                    best_value = value;
                    best = (s, e);
                }
            }
        }
        best
    }

    /// The acceptance rules; a cut within a quotation needs stronger evidence, because quoted
    /// speech in a report is colloquial.
    fn accept(&self, line: &Line, scores: &Scores, s: usize, e: usize, in_quotation: bool) -> bool {
        let chars = &line.chars;
        let x = &line.norm;
        // Without text on both sides there is no join to confirm the cut.
        if s == 0 || e >= chars.len() {
            return false;
        }
        let len = e - s;
        let han = chars[s..e].iter().filter(|&&c| is_han(c)).count();
        let total = scores.ratio(s, e);
        let mean = total / len as f64;
        if han < 4 || total < MIN_TOTAL || mean <= MIN_MEAN {
            return false;
        }
        let word = |c: char| is_han(c) || c.is_alphanumeric();
        let left_inside = word(chars[s - 1]);
        let right_inside = word(chars[e]) && word(chars[e - 1]);
        // A finished line of dialogue followed by a clause separator (说的。”、) is no quote
        // a report would write: structural evidence of an injection.
        let dangling = matches!(chars[e], '、' | '，' | '；' | ',' | ';')
            && chars[..e]
                .iter()
                .rev()
                .take(2)
                .any(|&c| matches!(c, '。' | '！' | '？' | '!' | '?'));
        if !(left_inside || right_inside || dangling) {
            return false;
        }
        let m = self.markers_in(&line.text(s, e));
        let pronouns = chars[s..e].iter().filter(|&&c| is_pronoun(c)).count();
        // A speech tag is strong evidence only after a quotation inside the span.
        let quoted = chars[s..e].contains(&'“') || chars[s..e].contains(&'"');
        let speech = if quoted { 2 * m.speech } else { 0 };
        let markers = 2 * m.gesture + speech + m.narrative + usize::from(pronouns >= 2);
        let fiction_enough = if in_quotation {
            markers >= 2 && mean >= 1.0
        } else if dangling {
            markers >= 1
        } else {
            markers >= 2 || (markers >= 1 && mean >= 1.0)
        };
        if !fiction_enough {
            return false;
        }
        // The news text must join up across the cut: into a word, or not much less naturally
        // than it entered the cut.
        let join = f64::from(self.models.logp(x[s - 1], x[e])[0]);
        join >= scores.news[s] - JOIN_SLACK || joins_into_word(chars, s, e)
    }

    fn markers_in(&self, text: &str) -> Markers {
        let mut markers = Markers::default();
        for m in self.markers.find_iter(text) {
            match self.marker_kind[m.pattern().as_usize()] {
                Marker::Speech => markers.speech += 1,
                Marker::Gesture => markers.gesture += 1,
                Marker::Narrative => markers.narrative += 1,
            }
        }
        markers
    }
}

/// “……。”+ short narrative clause (她点了点头。), opened right after a word: the spans
/// (quote through clause) that may be tagged dialogue, before the tag words are checked.
fn tagged_dialogue_candidates(chars: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '“' && chars[i] != '"' {
            i += 1;
            continue;
        }
        let close_char = if chars[i] == '"' { '"' } else { '”' };
        let Some(close) = (i + 1..chars.len()).find(|&j| chars[j] == close_char) else {
            break;
        };
        // With a quotation opened inside this one before it closes, the closing mark belongs
        // to the inner one (“平安建设年、“你还记得……？”).
        let open = (i..close).rev().find(|&j| chars[j] == chars[i]).unwrap_or(i);
        i = close + 1;
        let utterance = close > open + 1 && is_utterance_end(chars[close - 1]);
        if !utterance || open == 0 || !opens_after_word(chars[open - 1]) {
            continue;
        }
        if let Some(tag_end) = narrative_tag(chars, close + 1) {
            spans.push((open, tag_end));
            i = tag_end;
        }
    }
    spans
}

/// “……。”、: a finished utterance followed by a clause separator, opened right after a
/// word. No report punctuates a quotation so; an injected line of dialogue leaves exactly
/// this shape.
fn dangling_utterances(chars: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for (close, &c) in chars.iter().enumerate() {
        if c != '”' || close < 2 || !is_utterance_end(chars[close - 1]) {
            continue;
        }
        if !chars
            .get(close + 1)
            .is_some_and(|&n| matches!(n, '、' | '，' | '；' | ',' | ';'))
        {
            continue;
        }
        let Some(open) = (0..close).rev().find(|&j| matches!(chars[j], '“' | '”')) else {
            continue;
        };
        if chars[open] == '“' && open > 0 && opens_after_word(chars[open - 1]) {
            spans.push((open, close + 1));
        }
    }
    spans
}

/// Whether jieba's stock dictionary (350,000 words) has `word`. Only pages with spam
/// evidence and a fiction candidate ask.
fn is_word(word: &str) -> bool {
    crate::analyze::dictionary::stock_has_word(word)
}

/// True when the characters before a cut and those after it form a dictionary word of two
/// to four characters across the cut.
fn joins_into_word(chars: &[char], s: usize, e: usize) -> bool {
    let mut word = String::with_capacity(16);
    for k in 1..=3.min(s) {
        for m in 1..=3.min(chars.len() - e) {
            if k + m > 4 {
                continue;
            }
            let left = &chars[s - k..s];
            let right = &chars[e..e + m];
            if !left.iter().chain(right).all(|&c| is_han(c)) {
                continue;
            }
            word.clear();
            word.extend(left.iter().chain(right));
            if is_word(&word) {
                return true;
            }
        }
    }
    false
}

fn is_pronoun(c: char) -> bool {
    matches!(c, '我' | '你' | '他' | '她' | '您' | '咱' | '俺')
}

fn is_utterance_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '…')
}

/// True when a closing quotation mark follows the end of an utterance (……。”).
fn ends_an_utterance(text: &str) -> bool {
    let mut previous = ' ';
    for c in text.chars() {
        if matches!(c, '”' | '"') && is_utterance_end(previous) {
            return true;
        }
        previous = c;
    }
    false
}

/// A quote right after these characters is how news introduces speech or a term.
fn opens_after_word(c: char) -> bool {
    (is_han(c) || c.is_alphanumeric()) && !"说道问答喊称讲写叫曰吼嚷叹笑是为以和与及或把被对向给在了的".contains(c)
}

/// The end (exclusive) of a narrative tag starting at `from`: a short clause of Han
/// characters ending with 。 or ！, or with ： before another quote.
fn narrative_tag(chars: &[char], from: usize) -> Option<usize> {
    for j in from..chars.len().min(from + 20) {
        match chars[j] {
            '。' | '！' | '!' => return (j > from).then_some(j + 1),
            '：' | ':' if chars.get(j + 1).is_some_and(|&c| c == '“' || c == '"') => {
                return (j > from).then_some(j + 1)
            }
            '，' | ',' => {}
            c if is_han(c) => {}
            _ => return None,
        }
    }
    None
}

/// Drop from a cut the longest run of whole clauses at either end that does not read as
/// fiction (mean log-ratio below [`TRIM_MEAN`]): the character models let a cut run on into
/// a neighbouring news clause when it happens to be colloquial.
fn trim_clauses(chars: &[char], scores: &Scores, mut s: usize, mut e: usize) -> (usize, usize) {
    let is_clause_end = |c: char| {
        matches!(
            c,
            '，' | '。' | '；' | '：' | '！' | '？' | '、' | ',' | ';' | ':' | '!' | '?'
        )
    };
    let weak = |a: usize, b: usize| b > a && scores.ratio(a, b) / ((b - a) as f64) < TRIM_MEAN;
    // Suffix: the earliest clause boundary after which everything up to `e` is weak.
    if let Some(b) = (s + 1..e)
        .filter(|&b| is_clause_end(chars[b - 1]))
        .find(|&b| weak(b, e))
    {
        e = b;
    }
    // Prefix: the latest clause boundary before which everything from `s` is weak.
    if let Some(b) = (s + 1..e)
        .rev()
        .filter(|&b| is_clause_end(chars[b - 1]))
        .find(|&b| weak(s, b))
    {
        s = b;
    }
    (s, e)
}

/// Join segments separated by a short gap that is not clearly news (a gap's mean log-ratio
/// above [`GAP_MEAN`], at most [`MAX_GAP`] characters) when the joined span reads more like
/// fiction than either part: the character models judge some words of a story (沮丧, 服务)
/// as news, which splits one injection into pieces.
fn merge_close(chars: &[char], scores: &Scores, segments: &mut Vec<(usize, usize)>) {
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(segments.len());
    for &(s, e) in segments.iter() {
        match merged.last_mut() {
            Some(last) if joinable(chars, scores, *last, (s, e)) => last.1 = e,
            _ => merged.push((s, e)),
        }
    }
    *segments = merged;
}

fn joinable(chars: &[char], scores: &Scores, a: (usize, usize), b: (usize, usize)) -> bool {
    let gap = b.0 - a.1;
    if gap <= 3 {
        return !chars[a.1..b.0].iter().any(|&c| matches!(c, '。' | '！' | '？'));
    }
    let joined = scores.ratio(a.0, b.1);
    gap <= MAX_GAP
        && scores.ratio(a.1, b.0) / gap as f64 > GAP_MEAN
        && joined >= scores.ratio(a.0, a.1).max(scores.ratio(b.0, b.1))
}

/// Nesting depth of “…” quotations before each character.
fn quote_depth(chars: &[char]) -> Vec<usize> {
    let mut depth = Vec::with_capacity(chars.len() + 1);
    let mut d = 0usize;
    let mut ascii_open = false;
    for &c in chars {
        depth.push(d);
        match c {
            '“' => d += 1,
            '”' => d = d.saturating_sub(1),
            '"' if ascii_open => {
                ascii_open = false;
                d = d.saturating_sub(1);
            }
            '"' => {
                ascii_open = true;
                d += 1;
            }
            _ => {}
        }
    }
    depth.push(d);
    depth
}

/// True when a segment lies within a quotation or closes one that opened before it: quoted
/// speech in a report is colloquial, so such a cut needs stronger evidence.
fn inside_quotation(chars: &[char], depth: &[usize], s: usize, e: usize) -> bool {
    if depth[s] == 0 {
        return false;
    }
    let mut relative = 0i64;
    for &c in &chars[s..e] {
        match c {
            '“' => relative += 1,
            '”' | '"' => relative -= 1,
            _ => {}
        }
        if relative < 0 {
            return true;
        }
    }
    !chars[s..e].iter().any(|&c| matches!(c, '“' | '”' | '"'))
}

/// Clauses of a single character left next to a cut (保证[…亲]人，离、保护: 人 and 离): the
/// remains of an injection cut too short, which real text almost never has.
fn crumbs(chars: &[char], s: usize, e: usize) -> usize {
    let is_break = |c: char| !is_han(c) && !c.is_ascii_alphanumeric();
    // The kept text around the cut, joined as it will read.
    let kept = chars[s.saturating_sub(QUOTE_REACH)..s]
        .iter()
        .chain(&chars[e..(e + QUOTE_REACH).min(chars.len())]);
    let mut count = 0;
    let mut run = 0usize;
    // Only clauses that start inside the window are whole.
    let mut bounded = false;
    for &c in kept {
        if is_break(c) {
            count += usize::from(run == 1 && bounded);
            run = 0;
            bounded = true;
        } else {
            run += 1;
        }
    }
    count
}

/// A cut that reaches back over the end of the previous sentence into a quotation
/// (良多。五“……”) keeps that sentence: it starts after the sentence end.
fn after_sentence_end(chars: &[char], mut s: usize, e: usize) -> (usize, usize) {
    if let Some(q) = (s..e.min(s + 8)).find(|&k| chars[k] == '“') {
        if let Some(end) = (s..q).rev().find(|&k| matches!(chars[k], '。' | '！' | '？')) {
            s = end + 1;
        }
    }
    (s, e)
}

/// The unmatched quotation marks of a text: closers without an opener, openers left open.
#[derive(Debug, Clone, Copy, Default)]
struct Brackets {
    closers: usize,
    openers: usize,
}

impl Brackets {
    fn of(chars: &[char]) -> Brackets {
        let mut b = Brackets::default();
        for &c in chars {
            match c {
                '“' => b.openers += 1,
                '”' if b.openers > 0 => b.openers -= 1,
                '”' => b.closers += 1,
                _ => {}
            }
        }
        b
    }

    /// This text followed by `next`.
    fn then(self, next: Brackets) -> Brackets {
        let matched = self.openers.min(next.closers);
        Brackets {
            closers: self.closers + next.closers - matched,
            openers: self.openers - matched + next.openers,
        }
    }

    fn unmatched(&self) -> usize {
        self.closers + self.openers
    }
}

/// True when the characters on both sides of position `at` form a two-character word.
fn breaks_word(chars: &[char], at: usize) -> bool {
    if at == 0 || at >= chars.len() || !is_han(chars[at - 1]) || !is_han(chars[at]) {
        return false;
    }
    let word: String = [chars[at - 1], chars[at]].iter().collect();
    is_word(&word)
}

/// A line as characters, their byte offsets and their normalised forms.
struct Line {
    chars: Vec<char>,
    norm: Vec<char>,
    /// Byte offset of each character, plus the text length.
    offsets: Vec<usize>,
}

impl Line {
    /// The characters in [s, e).
    fn text(&self, s: usize, e: usize) -> String {
        self.chars[s..e].iter().collect()
    }

    fn new(text: &str) -> Line {
        let mut chars = Vec::with_capacity(text.len() / 3 + 1);
        let mut offsets = Vec::with_capacity(text.len() / 3 + 2);
        for (i, c) in text.char_indices() {
            chars.push(c);
            offsets.push(i);
        }
        offsets.push(text.len());
        let norm = chars.iter().map(|&c| normalise(c)).collect();
        Line { chars, norm, offsets }
    }
}

/// Per-character scores of a line.
struct Scores {
    /// ln P_news(x_i | x_{i-1}).
    news: Vec<f64>,
    /// Prefix sums of ln P_fiction − ln P_news.
    ratio_prefix: Vec<f64>,
}

impl Scores {
    /// Fiction-over-news log-ratio of the characters in [s, e).
    fn ratio(&self, s: usize, e: usize) -> f64 {
        self.ratio_prefix[e] - self.ratio_prefix[s]
    }

    /// The largest log-ratio of any run of characters (a line without a run reaching
    /// [`MIN_TOTAL`] cannot hold an acceptable segment).
    fn best_run(&self) -> f64 {
        let mut best = 0.0f64;
        let mut lowest = 0.0f64;
        for &r in &self.ratio_prefix {
            best = best.max(r - lowest);
            lowest = lowest.min(r);
        }
        best
    }
}

/// One character class per punctuation mark, digits and Latin letters folded together.
fn normalise(c: char) -> char {
    match c {
        '0'..='9' | '０'..='９' => '0',
        'a'..='z' | 'A'..='Z' => 'a',
        '"' => '“',
        c if c.is_whitespace() => ' ',
        c => full_width(c).unwrap_or(c),
    }
}

fn corpus_lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A character bigram model with Witten-Bell smoothing over a unigram model.
#[derive(Debug, Default)]
struct CharLm {
    /// Probability of a character the model never saw. Both models share one floor, so a
    /// character neither knows (a name) favours neither.
    floor: f64,
    unigram: HashMap<char, u32>,
    total: u32,
    bigram: HashMap<(char, char), u32>,
    /// Per context: occurrences and number of distinct followers.
    context: HashMap<char, (u32, u32)>,
}

/// Nominal vocabulary size for the unigram floor.
const VOCABULARY: f64 = 8000.0;

impl CharLm {
    fn train<'a>(lines: impl Iterator<Item = &'a str>) -> CharLm {
        let mut lm = CharLm::default();
        for line in lines {
            let mut prev = BOS;
            for c in line.chars().map(normalise) {
                *lm.unigram.entry(c).or_insert(0) += 1;
                lm.total += 1;
                let pair = lm.bigram.entry((prev, c)).or_insert(0);
                *pair += 1;
                let first_time = *pair == 1;
                let context = lm.context.entry(prev).or_insert((0, 0));
                context.0 += 1;
                context.1 += u32::from(first_time);
                prev = c;
            }
        }
        lm
    }

    fn logp(&self, prev: char, c: char) -> f64 {
        let p = match self.context.get(&prev) {
            Some(&(count, types)) => {
                let pair = f64::from(self.bigram.get(&(prev, c)).copied().unwrap_or(0));
                (pair + f64::from(types) * self.unigram_p(c)) / (f64::from(count) + f64::from(types))
            }
            None => self.unigram_p(c),
        };
        p.ln()
    }

    fn unigram_p(&self, c: char) -> f64 {
        match self.unigram.get(&c) {
            Some(&count) => (f64::from(count) + 0.5) / (f64::from(self.total) + 0.5 * VOCABULARY),
            None => self.floor,
        }
    }

    /// ln of the weight given to the unigram model after an unseen pair, per context.
    fn backoff(&self, prev: char) -> f64 {
        match self.context.get(&prev) {
            Some(&(count, types)) => (f64::from(types) / (f64::from(count) + f64::from(types))).ln(),
            None => 0.0,
        }
    }
}

/// Both models' log-probabilities, precomputed for fast lookup: [news, fiction].
#[derive(Debug)]
struct Models {
    pairs: FastMap<u64, [f32; 2]>,
    backoff: FastMap<char, [f32; 2]>,
    unigram: FastMap<char, [f32; 2]>,
    unseen: [f32; 2],
    /// Per character, the highest news log-probability after any context.
    best_news: FastMap<char, f32>,
}

fn pair_key(prev: char, c: char) -> u64 {
    (u64::from(prev) << 32) | u64::from(c)
}

impl Models {
    fn new(news: &CharLm, fiction: &CharLm) -> Models {
        let lms = [news, fiction];
        let mut pairs = FastMap::default();
        for &(prev, c) in news.bigram.keys().chain(fiction.bigram.keys()) {
            pairs.insert(pair_key(prev, c), lms.map(|lm| lm.logp(prev, c) as f32));
        }
        let mut backoff = FastMap::default();
        let mut unigram = FastMap::default();
        for &c in news.context.keys().chain(fiction.context.keys()) {
            backoff.insert(c, lms.map(|lm| lm.backoff(c) as f32));
        }
        for &c in news.unigram.keys().chain(fiction.unigram.keys()) {
            unigram.insert(c, lms.map(|lm| lm.unigram_p(c).ln() as f32));
        }
        let unseen = lms.map(|lm| lm.unigram_p('\u{0}').ln() as f32);
        let mut best_news: FastMap<char, f32> = FastMap::default();
        for (&c, u) in &unigram {
            best_news.insert(c, u[0]);
        }
        for &(prev, c) in news.bigram.keys() {
            let lp = news.logp(prev, c) as f32;
            let entry = best_news.entry(c).or_insert(lp);
            *entry = entry.max(lp);
        }
        Models {
            pairs,
            backoff,
            unigram,
            unseen,
            best_news,
        }
    }

    /// [ln P_news(c | prev), ln P_fiction(c | prev)].
    fn logp(&self, prev: char, c: char) -> [f32; 2] {
        if let Some(&lp) = self.pairs.get(&pair_key(prev, c)) {
            return lp;
        }
        let b = self.backoff.get(&prev).copied().unwrap_or([0.0; 2]);
        let u = self.unigram.get(&c).copied().unwrap_or(self.unseen);
        [b[0] + u[0], b[1] + u[1]]
    }

    /// An upper bound of ln P_news(c | any context).
    fn best_news(&self, c: char) -> f32 {
        self.best_news.get(&c).copied().unwrap_or(self.unseen[0])
    }
}

/// FxHash (the multiply-rotate hash of rustc), for the character tables: keys are
/// compiled-in characters, so a fast non-keyed hash is safe here.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn detector() -> Detector {
        Detector::new(&Table::new(&Config::default()))
    }

    fn cut(d: &Detector, text: &str, spam: bool) -> String {
        let mut out = String::new();
        let mut copied = 0;
        for (s, e) in d.find(text, spam) {
            out.push_str(&text[copied..s]);
            copied = e;
        }
        out.push_str(&text[copied..]);
        out
    }

    #[test]
    fn models_prefer_their_own_register() {
        let d = detector();
        let ratio = |text: &str| {
            let line = Line::new(text);
            let scores = d.scores(&line.norm);
            scores.ratio(0, line.norm.len()) / line.norm.len() as f64
        };
        assert!(ratio("“你别走，”他红着眼睛说道，“我这辈子只喜欢你一个人。”") > 0.5);
        assert!(ratio("市总工会组织开展职工技能竞赛，推动产业工人队伍建设改革。") < -0.5);
    }

    #[test]
    fn tagged_dialogue_inside_a_word_is_cut_even_without_spam_evidence() {
        let d = detector();
        assert_eq!(
            cut(&d, "全市已有三百“你快走吧。”她叹了口气说道。余家企业建会。", false),
            "全市已有三百余家企业建会。"
        );
    }

    #[test]
    fn news_quotes_stay() {
        let d = detector();
        for text in [
            "“有了工会的帮助，我现在可以安心上班了。”日前，一名职工带着锦旗来到区总工会。",
            "“这下我们心里踏实了。”老张笑着说道。",
            "职工李师傅说：“只要肯钻研，再难的技术也能攻下来。”",
            "他说，孩子病了以后，一家人的日子很难过，是工会帮他渡过了难关。",
        ] {
            assert_eq!(cut(&d, text, true), text);
            assert_eq!(cut(&d, text, false), text);
        }
    }

    #[test]
    fn narrative_injected_mid_word_is_cut_on_spam_pages() {
        let d = detector();
        let text = "全省工会深化改革开她咬着嘴唇，眼泪一下子涌了出来，母亲叹了口气，转身走进了里屋，再也没有出来。放，推进职工服务阵地建设。";
        assert_eq!(cut(&d, text, true), "全省工会深化改革开放，推进职工服务阵地建设。");
        // Without spam evidence the page is trusted.
        assert_eq!(cut(&d, text, false), text);
    }

    #[test]
    fn dialogue_between_clauses_is_cut_on_spam_pages() {
        let d = detector();
        let text = "形成党委领导“我娘说过，做人不能忘本。”、工会主导、职工参与的工作格局。";
        assert_eq!(cut(&d, text, true), "形成党委领导、工会主导、职工参与的工作格局。");
    }
}
