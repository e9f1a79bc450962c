//! Injected fiction: spam mirror sites paste sentences of web novels into news paragraphs,
//! starting and ending at arbitrary characters, even inside a word
//! (五[“忘了吧。”她摇头说道。]年来 → 五年来).
//!
//! The detector compares two character bigram models, one of news prose
//! (`data/lm-news.txt`, plus a spun copy of it so that spun news still reads as news) and one
//! of web-novel prose (`data/lm-fiction.txt`). A line is explained as news with fiction
//! segments cut out of it: a segment [s, e) gains the fiction-over-news log-likelihood of its
//! characters, and the character after it is scored as news following the character before
//! it, so the best cut is the one after which the news text joins up (改革开[…]放 → 开放).
//! Each cut costs a fixed penalty. A segment is removed only when all of these hold:
//! - the page carries spam evidence (spam lines or injected keywords);
//! - its characters are clearly better explained as fiction (total and mean log-ratio);
//! - it carries fiction markers (`data/fiction-markers.txt`: dialogue tags, household and
//!   feeling words) or personal pronouns;
//! - it sits inside a sentence: the text before it or after it is not a sentence boundary.
//!
//! On pages without spam evidence only the narrowest rule runs: a quoted line of dialogue
//! followed by a narrative tag (“……。”她点了点头。) that starts right after a word, where no
//! news report would open a quote. A worker quoted at the start of a paragraph is never cut.

use std::collections::HashMap;

use aho_corasick::AhoCorasick;

use super::{automaton, section, sections};
use crate::clean::despin::Table;
use crate::clean::lines::is_han;

const NEWS: &str = include_str!("../../../data/lm-news.txt");
const FICTION: &str = include_str!("../../../data/lm-fiction.txt");
const MARKERS: &str = include_str!("../../../data/fiction-markers.txt");

/// Cost of one cut, in nats.
const PENALTY: f64 = 6.0;
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
    /// Per marker pattern: true for a dialogue tag.
    is_tag: Vec<bool>,
}

impl Detector {
    pub(super) fn new(despin: &Table) -> Detector {
        let news_text: String = corpus_lines(NEWS).collect::<Vec<_>>().join("\n");
        let spun = despin.spin_forward(&news_text);
        let news = CharLm::train(corpus_lines(NEWS).chain(spun.lines()));
        let fiction = CharLm::train(corpus_lines(FICTION));
        let models = Models::new(&news, &fiction);
        let sections = sections(MARKERS);
        let tags = section(&sections, "tag");
        let narrative = section(&sections, "narrative");
        let patterns: Vec<&String> = tags.iter().chain(narrative).collect();
        Detector {
            models,
            markers: automaton(&patterns),
            is_tag: (0..patterns.len()).map(|i| i < tags.len()).collect(),
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
            let (tags, narrative) = self.markers_in(text);
            let pronouns = text.chars().filter(|&c| is_pronoun(c)).count();
            2 * tags + narrative + usize::from(pronouns >= 2) >= 1
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
            let (tags, _) = self.markers_in(&line.text(open, tag_end));
            if tags > 0 && (page_has_spam || scores.ratio(open, tag_end) > 0.0) {
                spans.push((open, tag_end));
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
        merge_close(&line.chars, &mut segments);
        let depth = quote_depth(&line.chars);
        segments
            .into_iter()
            .map(|(s, e)| snap_quotes(&line.chars, s, e))
            .filter(|&(s, e)| !inside_quotation(&line.chars, &depth, s, e))
            .filter(|&(s, e)| self.accept(line, scores, s, e))
            .collect()
    }

    fn accept(&self, line: &Line, scores: &Scores, s: usize, e: usize) -> bool {
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
        let (tags, narrative) = self.markers_in(&line.text(s, e));
        let pronouns = chars[s..e].iter().filter(|&&c| is_pronoun(c)).count();
        let markers = 2 * tags + narrative + usize::from(pronouns >= 2);
        let fiction_enough = markers >= 2 || (markers >= 1 && mean >= 1.0);
        if !fiction_enough {
            return false;
        }
        // The news text must join up across the cut at least as naturally as it entered it.
        let join = f64::from(self.models.logp(x[s - 1], x[e])[0]);
        if join < scores.news[s] {
            return false;
        }
        let word = |c: char| is_han(c) || c.is_alphanumeric();
        let left_inside = word(chars[s - 1]);
        let right_inside = word(chars[e]) && word(chars[e - 1]);
        // A finished line of dialogue followed by a clause separator (说的。”、) is no quote
        // a report would write.
        let dangling = matches!(chars[e], '、' | '，' | '；' | ',' | ';')
            && chars[..e]
                .iter()
                .rev()
                .take(2)
                .any(|&c| matches!(c, '。' | '！' | '？' | '!' | '?'));
        left_inside || right_inside || dangling
    }

    fn markers_in(&self, text: &str) -> (usize, usize) {
        let mut tags = 0;
        let mut narrative = 0;
        for m in self.markers.find_iter(text) {
            if self.is_tag[m.pattern().as_usize()] {
                tags += 1;
            } else {
                narrative += 1;
            }
        }
        (tags, narrative)
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
        let open = i;
        let close_char = if chars[i] == '"' { '"' } else { '”' };
        let Some(close) = (open + 1..chars.len()).find(|&j| chars[j] == close_char) else {
            break;
        };
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

/// Join segments separated by a few characters (为小姐[服务]一辈子: a news word inside the
/// injection), unless a sentence ends between them.
fn merge_close(chars: &[char], segments: &mut Vec<(usize, usize)>) {
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(segments.len());
    for &(s, e) in segments.iter() {
        match merged.last_mut() {
            Some(last) if s - last.1 <= 3 && !chars[last.1..s].iter().any(|&c| matches!(c, '。' | '！' | '？')) => {
                last.1 = e
            }
            _ => merged.push((s, e)),
        }
    }
    *segments = merged;
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
/// speech in a report is colloquial, and the models cannot tell it from fiction, so a cut
/// must take whole quotations (an injected quotation may be left unclosed).
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

/// Grow a segment over a quotation mark it leaves unbalanced at its edges, and start it at
/// the opening quote when it begins one or two characters before one (请[求“…”]).
fn snap_quotes(chars: &[char], mut s: usize, mut e: usize) -> (usize, usize) {
    // A cut that reaches back over the end of the previous sentence (良多。五“……”) keeps
    // that sentence: it starts after the sentence end.
    if let Some(q) = (s..e.min(s + 8)).find(|&k| chars[k] == '“') {
        if let Some(end) = (s..q).rev().find(|&k| matches!(chars[k], '。' | '！' | '？')) {
            s = end + 1;
        }
    }
    if let Some(k) = (s..e.min(s + 3)).find(|&k| chars[k] == '“') {
        if k > s && chars[s..k].iter().all(|&c| is_han(c)) {
            s = k;
        }
    }
    let count = |s: usize, e: usize, q: char| chars[s..e].iter().filter(|&&c| c == q).count();
    if s > 0 && chars[s - 1] == '“' && count(s, e, '”') >= count(s, e, '“') {
        s -= 1;
    }
    if e < chars.len() && chars[e] == '”' && count(s, e, '“') > count(s, e, '”') {
        e += 1;
    }
    (s, e)
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
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        '"' => '“',
        c if c.is_whitespace() => ' ',
        c => c,
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
        (f64::from(self.unigram.get(&c).copied().unwrap_or(0)) + 0.5) / (f64::from(self.total) + 0.5 * VOCABULARY)
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
