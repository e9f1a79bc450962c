//! Reposts: the same story copied by several sites (with their own page chrome, in the other
//! script, or run through a synonym spinner) is one article that lists every copy.
//!
//! Each article's cleaned body is reduced to character shingles (runs of `SHINGLE` letters,
//! punctuation and spaces ignored); two articles are the same story when the Jaccard
//! similarity of their shingle sets reaches `SAME_STORY`. MinHash signatures (one-permutation
//! hashing: one pass over the shingles, not one per hash function) with banded
//! locality-sensitive hashing find the candidate pairs without comparing every pair; each
//! candidate is then checked on the exact sets. The threshold is measured on real pairs in the
//! tests of `analyze` (copies vs. distinct articles on the same topic).

use std::collections::hash_map::Entry;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

pub use super::repost_memo::Verdicts;

/// Characters per shingle.
pub const SHINGLE: usize = 4;
/// Jaccard similarity from which two bodies are one story. Measured (tests of `analyze`):
/// copies 0.60 to 1.0 (0.60: spun by a synonym tool, not de-spun, a paragraph dropped, page
/// chrome added), distinct articles on one topic 0.00 to 0.02.
pub const SAME_STORY: f64 = 0.4;
/// Bodies with fewer shingles than this are never merged (too little text to tell).
const MIN_SHINGLES: usize = 30;
/// MinHash signature length, as bands × rows: a pair of similarity J becomes a candidate with
/// probability 1 - (1 - J^ROWS)^BANDS: 0.9998 at the threshold, 0.12 at J = 0.05, 0.005 at
/// J = 0.01, so unrelated pairs are rarely compared exactly.
const BANDS: usize = 50;
const ROWS: usize = 2;
/// Bins of a signature (fewer than 256: see [`Sketch::upper_estimate`]).
const BINS: usize = BANDS * ROWS;

/// The shingle set of an article's body: sorted, distinct shingle hashes. Exact, so large;
/// computed again from the body when a candidate pair needs the exact comparison, not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shingles(Vec<u64>);

impl Shingles {
    pub fn new(body: &[String]) -> Shingles {
        let letters: Vec<char> = body.iter().flat_map(|p| p.chars()).filter_map(normalise).collect();
        let mut shingles: Vec<u64> = letters.windows(SHINGLE).map(hash_chars).collect();
        shingles.sort_unstable();
        shingles.dedup();
        Shingles(shingles)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What near-duplicate detection keeps of an article's body between builds (in the build
/// cache): the size of its shingle set, its MinHash signature and a hash of the set, about
/// 820 bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    shingles: usize,
    #[serde(with = "crate::cache::le_bytes")]
    signature: Vec<u64>,
    /// BLAKE3 of the shingle set (truncated): names the set for remembered verdicts
    /// ([`Verdicts`]); two bodies with the same set hash have the same set.
    set: SetHash,
}

impl Fingerprint {
    pub fn new(shingles: &Shingles) -> Fingerprint {
        Fingerprint {
            shingles: shingles.len(),
            signature: one_permutation_signature(&shingles.0),
            set: set_hash(&shingles.0),
        }
    }

    /// The fingerprint of a body.
    pub fn of(body: &[String]) -> Fingerprint {
        Fingerprint::new(&Shingles::new(body))
    }

    /// Number of distinct shingles of the body.
    pub fn len(&self) -> usize {
        self.shingles
    }

    pub fn is_empty(&self) -> bool {
        self.shingles == 0
    }

    /// True when the signature has the length this version computes (a fingerprint from an
    /// untrusted cache entry must not be indexed out of bounds).
    pub fn is_well_formed(&self) -> bool {
        self.signature.len() == BINS
    }
}

/// A hash naming a shingle set (see [`Fingerprint`]).
pub type SetHash = [u8; 16];

fn set_hash(shingles: &[u64]) -> SetHash {
    let bytes: Vec<u8> = shingles.iter().flat_map(|s| s.to_le_bytes()).collect();
    let mut hash = SetHash::default();
    let len = hash.len();
    hash.copy_from_slice(&blake3::hash(&bytes).as_bytes()[..len]);
    hash
}

/// Jaccard similarity of two bodies' shingle sets (0 to 1).
pub fn similarity(a: &Shingles, b: &Shingles) -> f64 {
    let (a, b) = (&a.0, &b.0);
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64
}

/// How far below the threshold a signature estimate may fall and still be checked exactly:
/// three standard errors of a 100-bin estimate, so a true pair is skipped less than once in
/// a thousand.
const ESTIMATE_MARGIN: f64 = 0.15;

/// Similarity estimated from the MinHash signatures (the share of bins that agree).
fn estimated_similarity(a: &Fingerprint, b: &Fingerprint) -> f64 {
    let bins = a.signature.len().min(b.signature.len());
    if bins == 0 {
        return 0.0;
    }
    let agree = a.signature.iter().zip(&b.signature).filter(|(x, y)| x == y).count();
    agree as f64 / bins as f64
}

/// One byte of each signature value: two signatures agree on at most the bins their sketches
/// agree on, so a sketch's estimate bounds the signature's from above, in an eighth of the
/// memory (a cheap first test of the hundreds of thousands of candidate pairs of a large
/// site). Fixed-size, so the sketches of a corpus lie in one array and compare in a few
/// vector instructions.
#[derive(Clone, Copy)]
struct Sketch([u8; BINS]);

impl Sketch {
    /// The sketch of a well-formed fingerprint (of another: anything; it is never compared).
    fn new(fp: &Fingerprint) -> Sketch {
        let mut sketch = [0; BINS];
        for (byte, &value) in sketch.iter_mut().zip(&fp.signature) {
            *byte = value as u8;
        }
        Sketch(sketch)
    }

    /// At least [`estimated_similarity`] of the (well-formed) fingerprints sketched.
    fn upper_estimate(&self, other: &Sketch) -> f64 {
        // Counted in a byte (at most `BINS`, under 256): 16 bins per vector instruction.
        let agree = self.0.iter().zip(&other.0).fold(0u8, |n, (x, y)| n + u8::from(x == y));
        f64::from(agree) / BINS as f64
    }
}

/// Whether two articles' signatures are close enough for the exact comparison (see
/// [`groups`]).
fn plausible(fingerprints: &[&Fingerprint], sketches: &[Sketch], a: usize, b: usize) -> bool {
    sketches[a].upper_estimate(&sketches[b]) >= SAME_STORY - ESTIMATE_MARGIN
        && estimated_similarity(fingerprints[a], fingerprints[b]) >= SAME_STORY - ESTIMATE_MARGIN
}

/// Articles that are one story, and the verdicts that said so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grouping {
    /// Every article in exactly one group, groups in order of their first article, members
    /// in order.
    pub groups: Vec<Vec<usize>>,
    /// The verdict of every pair of distinct shingle sets compared: the verdicts the next
    /// build may reuse.
    pub verdicts: Verdicts,
}

/// Groups of articles that are one story (indexes into `fingerprints`), every article in
/// exactly one group, groups in order of their first article, members in order. `shingles`
/// gives an article's exact shingle set, asked for only for candidate pairs whose verdict
/// `known` lacks (at most once per article).
pub fn groups(
    fingerprints: &[&Fingerprint],
    shingles: impl Fn(usize) -> Shingles + Sync,
    known: &Verdicts,
) -> Grouping {
    let plausible_pairs = candidate_pairs(fingerprints);
    // Two articles are one story when their pair passes the exact test; the groups are the
    // connected components of those pairs, whatever order they are tested in, so the tests
    // run in parallel. A verdict is a function of the two shingle sets alone: one the last
    // build reached is reused (most of them, on a rebuild), and bodies with the same set are
    // one story without a look.
    let exact: Vec<OnceLock<Shingles>> = (0..fingerprints.len()).map(|_| OnceLock::new()).collect();
    let exact_of = |i: usize| exact[i].get_or_init(|| shingles(i));
    let verdicts: Vec<Option<(SetHash, SetHash, bool)>> = plausible_pairs
        .par_iter()
        .map(|&(a, b)| {
            let (sa, sb) = (&fingerprints[a].set, &fingerprints[b].set);
            if sa == sb {
                return None;
            }
            let same = known
                .get(sa, sb)
                .unwrap_or_else(|| similarity(exact_of(a), exact_of(b)) >= SAME_STORY);
            Some((*sa, *sb, same))
        })
        .collect();
    drop(exact);
    let mut parent: Vec<usize> = (0..fingerprints.len()).collect();
    let mut used = Verdicts::default();
    for (&(a, b), verdict) in plausible_pairs.iter().zip(verdicts) {
        let same = match verdict {
            Some((sa, sb, same)) => {
                used.insert(sa, sb, same);
                same
            }
            None => true,
        };
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if same && ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..fingerprints.len() {
        let r = root(&mut parent, i);
        by_root.entry(r).or_default().push(i);
    }
    Grouping {
        groups: by_root.into_values().collect(),
        verdicts: used,
    }
}

/// The candidate pairs `(a, b)`, `a < b`, whose signatures make them plausibly one story,
/// sorted. Candidates are found by banded locality-sensitive hashing: articles whose
/// signatures agree on all the rows of a band share that band's bucket. Within a bucket,
/// each member is paired with the first and with its predecessor, not with every other
/// member: a story copied a hundred times costs a hundred checks per band, not five
/// thousand, and the groups still close through the shared members. Each band is one pass
/// over the articles in order with a map from bucket to its first and last members so far,
/// so buckets are never sorted and candidates are tested as they are found: the signatures
/// estimate the similarity in 100 comparisons (standard error about 0.05), and most
/// candidates are far below the threshold, which their sketches already say.
fn candidate_pairs(fingerprints: &[&Fingerprint]) -> Vec<(usize, usize)> {
    // (No corpus in memory has 2^32 articles: positions fit in a u32, which halves the maps.)
    let eligible: Vec<usize> = (0..fingerprints.len())
        .filter(|&i| fingerprints[i].len() >= MIN_SHINGLES && fingerprints[i].is_well_formed())
        .take(u32::MAX as usize)
        .collect();
    let sketches: Vec<Sketch> = fingerprints.par_iter().map(|fp| Sketch::new(fp)).collect();
    // Every eligible article's bucket key in every band, side by side: the passes below read
    // them in order instead of each signature wherever it lies.
    let keys: Vec<[u64; BANDS]> = eligible
        .par_iter()
        .map(|&i| band_keys(&fingerprints[i].signature))
        .collect();
    // A few bands per task: their bucket maps stay in the core's cache.
    let tasks: Vec<std::ops::Range<usize>> = (0..BANDS)
        .step_by(BANDS_PER_TASK)
        .map(|first| first..(first + BANDS_PER_TASK).min(BANDS))
        .collect();
    let mut pairs: Vec<(usize, usize)> = tasks
        .into_par_iter()
        .flat_map_iter(|bands| {
            // Per bucket, the positions (in `eligible`) of its first and last members so far.
            let mut buckets: Vec<FxHashMap<u64, (u32, u32)>> = bands
                .clone()
                .map(|_| FxHashMap::with_capacity_and_hasher(eligible.len(), Default::default()))
                .collect();
            let mut found = Vec::new();
            let mut check = |a: u32, b: usize| {
                let a = eligible[a as usize];
                if plausible(fingerprints, &sketches, a, b) {
                    found.push((a, b));
                }
            };
            for (position, (&i, keys)) in eligible.iter().zip(&keys).enumerate() {
                let position = position as u32;
                for (&key, buckets) in keys[bands.clone()].iter().zip(&mut buckets) {
                    match buckets.entry(key) {
                        Entry::Vacant(bucket) => {
                            bucket.insert((position, position));
                        }
                        Entry::Occupied(mut bucket) => {
                            let (first, last) = *bucket.get();
                            check(first, i);
                            if last != first {
                                check(last, i);
                            }
                            bucket.get_mut().1 = position;
                        }
                    }
                }
            }
            found
        })
        .collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// An article's bucket key in each band: a hash of the band's rows of its signature.
fn band_keys(signature: &[u64]) -> [u64; BANDS] {
    let mut keys = [0; BANDS];
    for ((band, key), rows) in keys.iter_mut().enumerate().zip(signature.chunks_exact(ROWS)) {
        *key = rows.iter().fold(band as u64, |h, &r| mix(h ^ r));
    }
    keys
}

/// Bands whose buckets one task of [`candidate_pairs`] finds.
const BANDS_PER_TASK: usize = 5;

/// MinHash by one-permutation hashing: each shingle's hash falls in one of `BANDS × ROWS`
/// bins, and each bin keeps its smallest hash; two bodies agree on a bin with probability
/// about their Jaccard similarity. Empty bins (short bodies) borrow from the next filled bin
/// ("rotation" densification) so they do not all collide.
fn one_permutation_signature(shingles: &[u64]) -> Vec<u64> {
    let bins = BINS;
    let mut signature = vec![u64::MAX; bins];
    for &s in shingles {
        let h = mix(s);
        let bin = (((h >> 32) * bins as u64) >> 32) as usize;
        signature[bin] = signature[bin].min(h);
    }
    let filled: Vec<usize> = (0..bins).filter(|&i| signature[i] != u64::MAX).collect();
    if filled.is_empty() {
        return signature;
    }
    let original = signature.clone();
    for (i, value) in signature.iter_mut().enumerate() {
        if *value == u64::MAX {
            let next = filled.iter().copied().find(|&j| j > i).unwrap_or(filled[0]);
            let distance = (next + bins - i) % bins;
            *value = mix(original[next] ^ distance as u64);
        }
    }
    signature
}

fn root(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// CJK Unified Ideographs assigned since Unicode 11: all letters, most of any Chinese text,
/// and answered without the Unicode tables.
const COMMON_IDEOGRAPHS: std::ops::RangeInclusive<char> = '\u{4E00}'..='\u{9FEF}';

/// Letters and digits only, full-width forms folded, ASCII lowercased.
fn normalise(c: char) -> Option<char> {
    if COMMON_IDEOGRAPHS.contains(&c) {
        return Some(c);
    }
    let c = match c as u32 {
        0xFF01..=0xFF5E => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.is_alphanumeric().then(|| c.to_ascii_lowercase())
}

fn hash_chars(chars: &[char]) -> u64 {
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    chars.iter().fold(0xcbf2_9ce4_8422_2325, |h, &c| {
        (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

/// splitmix64 finaliser: a cheap, well-mixed bijection on u64.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(text: &str) -> Shingles {
        Shingles::new(&[text.to_string()])
    }

    /// Bodies made of sentences drawn (deterministically) from a pool, a third of them
    /// copies of an earlier body with one sentence changed or added: similarities from 0 to
    /// 1, and many pairs sharing buckets.
    fn pooled_bodies(count: usize) -> Vec<String> {
        let clauses = [
            "省总工会召开全委会",
            "部署年度重点工作",
            "推动县级工会建设",
            "开展职工技能大赛",
            "慰问户外劳动者",
        ];
        let pool: Vec<String> = (0..150)
            .map(|i| format!("第{i}项{}{}{}。", clauses[i % 5], clauses[(i * 3 + 1) % 5], i * 7919))
            .collect();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move |below: usize| {
            state = mix(state);
            (state % below as u64) as usize
        };
        let mut bodies: Vec<Vec<usize>> = Vec::new();
        for _ in 0..count {
            let body = if !bodies.is_empty() && next(3) == 0 {
                let mut copy = bodies[next(bodies.len())].clone();
                let at = next(copy.len() + 1);
                if at < copy.len() && next(2) == 0 {
                    copy[at] = next(pool.len());
                } else {
                    copy.insert(at, next(pool.len()));
                }
                copy
            } else {
                (0..6 + next(5)).map(|_| next(pool.len())).collect()
            };
            bodies.push(body);
        }
        bodies
            .iter()
            .map(|body| body.iter().map(|&s| pool[s].as_str()).collect())
            .collect()
    }

    /// Candidate pairs as they were found before buckets were built in one pass per band:
    /// every (band, key, article) sorted, buckets read off as runs.
    fn candidate_pairs_by_sorting(fingerprints: &[&Fingerprint]) -> Vec<(usize, usize)> {
        let mut keys: Vec<(usize, u64, usize)> = Vec::new();
        for (index, fp) in fingerprints.iter().enumerate() {
            if fp.len() < MIN_SHINGLES || !fp.is_well_formed() {
                continue;
            }
            for band in 0..BANDS {
                let rows = &fp.signature[band * ROWS..(band + 1) * ROWS];
                keys.push((band, rows.iter().fold(band as u64, |h, &r| mix(h ^ r)), index));
            }
        }
        keys.sort_unstable();
        let mut pairs = Vec::new();
        for bucket in keys.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            for k in 1..bucket.len() {
                pairs.push((bucket[0].2, bucket[k].2));
                pairs.push((bucket[k - 1].2, bucket[k].2));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let sketches: Vec<Sketch> = fingerprints.iter().map(|fp| Sketch::new(fp)).collect();
        pairs.retain(|&(a, b)| plausible(fingerprints, &sketches, a, b));
        pairs
    }

    #[test]
    fn one_pass_buckets_find_the_pairs_sorted_buckets_found() {
        let bodies = pooled_bodies(300);
        let fps: Vec<Fingerprint> = bodies.iter().map(|b| Fingerprint::new(&sh(b))).collect();
        let fps: Vec<&Fingerprint> = fps.iter().collect();
        let pairs = candidate_pairs(&fps);
        assert!(pairs.len() > 100, "{} pairs: too few to tell", pairs.len());
        assert_eq!(pairs, candidate_pairs_by_sorting(&fps));
    }

    #[test]
    fn remembered_verdicts_give_the_same_groups_without_reading_a_body() {
        let bodies = pooled_bodies(120);
        let fps: Vec<Fingerprint> = bodies.iter().map(|b| Fingerprint::new(&sh(b))).collect();
        let fps: Vec<&Fingerprint> = fps.iter().collect();
        let first = groups(&fps, |i| sh(&bodies[i]), &Verdicts::default());
        assert!(first.groups.iter().any(|g| g.len() > 1), "no reposts: nothing tested");
        assert!(first.groups.len() > 3, "everything one story: nothing tested");
        // Pairs below the threshold are remembered too.
        let verdicts: Vec<bool> = fps
            .iter()
            .flat_map(|a| fps.iter().filter_map(|b| first.verdicts.get(&a.set, &b.set)))
            .collect();
        assert!(verdicts.contains(&true) && verdicts.contains(&false));
        let again = groups(&fps, |_| unreachable!("a body shingled again"), &first.verdicts);
        assert_eq!(again, first);
        // Through the memo's bytes, as the next build reads them.
        let decoded = Verdicts::decode(&first.verdicts.encode()).unwrap();
        assert_eq!(groups(&fps, |_| unreachable!(), &decoded), first);
        // Some verdicts known: only the others are reached, and the result is the same.
        let mut partial = Verdicts::default();
        for (k, (a, b)) in fps.iter().zip(fps.iter().skip(1)).enumerate() {
            if let Some(same) = first.verdicts.get(&a.set, &b.set).filter(|_| k % 2 == 0) {
                partial.insert(a.set, b.set, same);
            }
        }
        assert_eq!(groups(&fps, |i| sh(&bodies[i]), &partial), first);
        // Unrelated verdicts are dropped from what the next build remembers.
        let mut stale = first.verdicts.clone();
        stale.insert([1; 16], [2; 16], true);
        assert_eq!(groups(&fps, |_| unreachable!(), &stale), first);
    }

    #[test]
    fn copies_with_the_same_set_are_one_story_without_a_verdict() {
        let long = "湖南省总工会推动县级工会加强年专项工作走深走实，实现对全省县级工会对口联系全覆盖。".repeat(3);
        let spaced = long.replace('，', " ");
        let fps = [Fingerprint::new(&sh(&long)), Fingerprint::new(&sh(&spaced))];
        let grouping = groups(&[&fps[0], &fps[1]], |_| unreachable!(), &Verdicts::default());
        assert_eq!(grouping.groups, vec![vec![0, 1]]);
        assert!(grouping.verdicts.is_empty());
    }

    #[test]
    fn punctuation_spaces_and_width_do_not_matter() {
        let a = sh("省总工会召开全委会，部署2024年工作。");
        let b = sh("省总工会 召开全委会 部署２０２４年工作");
        assert_eq!(similarity(&a, &b), 1.0);
        assert_eq!(similarity(&a, &sh("完全不同的一段文字内容")), 0.0);
    }

    #[test]
    fn identical_long_bodies_group_and_short_ones_do_not() {
        let long = "湖南省总工会推动县级工会加强年专项工作走深走实，实现对全省县级工会对口联系全覆盖。".repeat(3);
        let other = "云南省总工会出台十条举措，服务全省高质量跨越式发展，每年组织职工技能大赛。".repeat(3);
        let texts = [long.as_str(), &other, &long, "短讯", "短讯"];
        let fps: Vec<Fingerprint> = texts.iter().map(|t| Fingerprint::new(&sh(t))).collect();
        let fps: Vec<&Fingerprint> = fps.iter().collect();
        assert_eq!(
            groups(&fps, |i| sh(texts[i]), &Verdicts::default()).groups,
            vec![vec![0, 2], vec![1], vec![3], vec![4]]
        );
    }

    #[test]
    fn common_ideographs_are_letters() {
        let mut ideographs = COMMON_IDEOGRAPHS;
        assert!(ideographs.all(|c| c.is_alphanumeric() && c.to_ascii_lowercase() == c));
    }

    #[test]
    fn a_sketch_never_underestimates_its_signatures() {
        let texts = [
            "湖南省总工会推动县级工会加强年专项工作走深走实，实现对全省县级工会对口联系全覆盖。",
            "湖南省总工会推动县级工会加强年专项工作，实现对全省县级工会对口联系。",
            "云南省总工会出台十条举措，服务全省高质量跨越式发展，每年组织职工技能大赛。",
            "省总工会召开全委会",
        ];
        let fps: Vec<Fingerprint> = texts.iter().map(|t| Fingerprint::new(&sh(&t.repeat(2)))).collect();
        for a in &fps {
            for b in &fps {
                let (exact, upper) = (
                    estimated_similarity(a, b),
                    Sketch::new(a).upper_estimate(&Sketch::new(b)),
                );
                assert!(upper >= exact, "{upper} < {exact}");
            }
        }
        assert_eq!(Sketch::new(&fps[0]).upper_estimate(&Sketch::new(&fps[0])), 1.0);
    }

    #[test]
    fn a_malformed_fingerprint_is_never_grouped() {
        let long = "湖南省总工会推动县级工会加强年专项工作走深走实，实现对全省县级工会对口联系全覆盖。".repeat(3);
        let good = Fingerprint::new(&sh(&long));
        let truncated = Fingerprint {
            signature: good.signature[..10].to_vec(),
            ..good.clone()
        };
        assert!(good.is_well_formed() && !truncated.is_well_formed());
        assert_eq!(
            groups(&[&good, &truncated, &good], |_| sh(&long), &Verdicts::default()).groups,
            vec![vec![0, 2], vec![1]]
        );
    }
}
