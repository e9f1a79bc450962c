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

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

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
/// cache): the size of its shingle set and its MinHash signature, about 800 bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    shingles: usize,
    #[serde(with = "crate::cache::le_bytes")]
    signature: Vec<u64>,
}

impl Fingerprint {
    pub fn new(shingles: &Shingles) -> Fingerprint {
        Fingerprint {
            shingles: shingles.len(),
            signature: one_permutation_signature(&shingles.0),
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
        self.signature.len() == BANDS * ROWS
    }
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
/// agree on, so a sketch's estimate bounds the signature's from above, in a tenth of the
/// memory (a cheap first test of the hundreds of thousands of candidate pairs of a large
/// site).
struct Sketch(Vec<u8>);

impl Sketch {
    fn new(fp: &Fingerprint) -> Sketch {
        Sketch(fp.signature.iter().map(|&v| v as u8).collect())
    }

    /// At least [`estimated_similarity`] of the fingerprints sketched.
    fn upper_estimate(&self, other: &Sketch) -> f64 {
        let bins = self.0.len().min(other.0.len());
        if bins == 0 {
            return 0.0;
        }
        let agree = self.0.iter().zip(&other.0).filter(|(x, y)| x == y).count();
        agree as f64 / bins as f64
    }
}

/// Bits of an article index in a bucket key (see [`groups`]).
const INDEX_BITS: u32 = 56;

/// Groups of articles that are one story (indexes into `fingerprints`), every article in
/// exactly one group, groups in order of their first article, members in order. `shingles`
/// gives an article's exact shingle set, asked for only for candidate pairs (at most once
/// per article).
pub fn groups(fingerprints: &[&Fingerprint], shingles: impl Fn(usize) -> Shingles + Sync) -> Vec<Vec<usize>> {
    // One u128 per (band, bucket key, article), ordered as that tuple: the article index
    // takes the low 56 bits (no slice holds 2^56 fingerprints), the key the 64 above, the
    // band the top byte.
    let mut keys: Vec<u128> = fingerprints
        .par_iter()
        .enumerate()
        .filter(|(_, fp)| fp.len() >= MIN_SHINGLES && fp.is_well_formed())
        .flat_map_iter(|(index, fp)| {
            (0..BANDS).map(move |band| {
                let rows = &fp.signature[band * ROWS..(band + 1) * ROWS];
                let key = rows.iter().fold(band as u64, |h, &r| mix(h ^ r));
                ((band as u128) << 120) | ((key as u128) << INDEX_BITS) | index as u128
            })
        })
        .collect();
    // Buckets are runs of equal (band, key), members in index order.
    keys.par_sort_unstable();
    let index_of = |k: u128| (k & ((1 << INDEX_BITS) - 1)) as usize;
    // Within a bucket, each member is paired with the first and with its predecessor, not
    // with every other member: a story copied a hundred times costs a hundred checks per band,
    // not five thousand, and the groups still close through the shared members.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for bucket in keys.chunk_by(|a, b| a >> INDEX_BITS == b >> INDEX_BITS) {
        for k in 1..bucket.len() {
            pairs.push((index_of(bucket[0]), index_of(bucket[k])));
            pairs.push((index_of(bucket[k - 1]), index_of(bucket[k])));
        }
    }
    drop(keys);
    pairs.par_sort_unstable();
    pairs.dedup();
    // Two articles are one story when their pair passes the tests below; the groups are the
    // connected components of those pairs, whatever order they are tested in, so the tests
    // run in parallel. The signatures estimate the similarity in 100 comparisons (standard
    // error about 0.05); only plausible pairs pay for the exact comparison of all shingles.
    // Most candidate pairs are far below the threshold, and their sketches already say so.
    let sketches: Vec<Sketch> = fingerprints.iter().map(|fp| Sketch::new(fp)).collect();
    let plausible: Vec<(usize, usize)> = pairs
        .into_par_iter()
        .filter(|&(a, b)| {
            sketches[a].upper_estimate(&sketches[b]) >= SAME_STORY - ESTIMATE_MARGIN
                && estimated_similarity(fingerprints[a], fingerprints[b]) >= SAME_STORY - ESTIMATE_MARGIN
        })
        .collect();
    let exact: Vec<OnceLock<Shingles>> = (0..fingerprints.len()).map(|_| OnceLock::new()).collect();
    let exact_of = |i: usize| exact[i].get_or_init(|| shingles(i));
    let same: Vec<bool> = plausible
        .par_iter()
        .map(|&(a, b)| similarity(exact_of(a), exact_of(b)) >= SAME_STORY)
        .collect();
    drop(exact);
    let mut parent: Vec<usize> = (0..fingerprints.len()).collect();
    for (&(a, b), same) in plausible.iter().zip(same) {
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
    by_root.into_values().collect()
}

/// MinHash by one-permutation hashing: each shingle's hash falls in one of `BANDS × ROWS`
/// bins, and each bin keeps its smallest hash; two bodies agree on a bin with probability
/// about their Jaccard similarity. Empty bins (short bodies) borrow from the next filled bin
/// ("rotation" densification) so they do not all collide.
fn one_permutation_signature(shingles: &[u64]) -> Vec<u64> {
    let bins = BANDS * ROWS;
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
            groups(&fps, |i| sh(texts[i])),
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
            groups(&[&good, &truncated, &good], |_| sh(&long)),
            vec![vec![0, 2], vec![1]]
        );
    }
}
