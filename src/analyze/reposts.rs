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

/// What near-duplicate detection keeps of an article's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// Sorted, distinct shingle hashes.
    shingles: Vec<u64>,
    signature: Vec<u64>,
}

impl Fingerprint {
    pub fn new(body: &[String]) -> Fingerprint {
        let letters: Vec<char> = body.iter().flat_map(|p| p.chars()).filter_map(normalise).collect();
        let mut shingles: Vec<u64> = letters.windows(SHINGLE).map(hash_chars).collect();
        shingles.sort_unstable();
        shingles.dedup();
        let signature = one_permutation_signature(&shingles);
        Fingerprint { shingles, signature }
    }

    pub fn len(&self) -> usize {
        self.shingles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shingles.is_empty()
    }
}

/// Jaccard similarity of two bodies' shingle sets (0 to 1).
pub fn similarity(a: &Fingerprint, b: &Fingerprint) -> f64 {
    if a.shingles.is_empty() && b.shingles.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.shingles.len() && j < b.shingles.len() {
        match a.shingles[i].cmp(&b.shingles[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.shingles.len() + b.shingles.len() - common) as f64
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

/// Groups of articles that are one story (indexes into `fingerprints`), every article in
/// exactly one group, groups in order of their first article, members in order.
pub fn groups(fingerprints: &[Fingerprint]) -> Vec<Vec<usize>> {
    let mut buckets: BTreeMap<(usize, u64), Vec<usize>> = BTreeMap::new();
    for (index, fp) in fingerprints.iter().enumerate() {
        if fp.len() < MIN_SHINGLES {
            continue;
        }
        for band in 0..BANDS {
            let rows = &fp.signature[band * ROWS..(band + 1) * ROWS];
            let key = rows.iter().fold(band as u64, |h, &r| mix(h ^ r));
            buckets.entry((band, key)).or_default().push(index);
        }
    }
    // Within a bucket, each member is paired with the first and with its predecessor, not
    // with every other member: a story copied a hundred times costs a hundred checks per band,
    // not five thousand, and the groups still close through the shared members.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for members in buckets.values().filter(|m| m.len() > 1) {
        for k in 1..members.len() {
            pairs.push((members[0], members[k]));
            pairs.push((members[k - 1], members[k]));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    let mut parent: Vec<usize> = (0..fingerprints.len()).collect();
    for (a, b) in pairs {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra == rb {
            continue;
        }
        // The signatures estimate the similarity in 100 comparisons (standard error about
        // 0.05); only plausible pairs pay for the exact comparison of all shingles.
        if estimated_similarity(&fingerprints[a], &fingerprints[b]) < SAME_STORY - ESTIMATE_MARGIN {
            continue;
        }
        if similarity(&fingerprints[a], &fingerprints[b]) >= SAME_STORY {
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

/// Letters and digits only, full-width forms folded, ASCII lowercased.
fn normalise(c: char) -> Option<char> {
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

    fn fp(text: &str) -> Fingerprint {
        Fingerprint::new(&[text.to_string()])
    }

    #[test]
    fn punctuation_spaces_and_width_do_not_matter() {
        let a = fp("省总工会召开全委会，部署2024年工作。");
        let b = fp("省总工会 召开全委会 部署２０２４年工作");
        assert_eq!(similarity(&a, &b), 1.0);
        assert_eq!(similarity(&a, &fp("完全不同的一段文字内容")), 0.0);
    }

    #[test]
    fn identical_long_bodies_group_and_short_ones_do_not() {
        let long = "湖南省总工会推动县级工会加强年专项工作走深走实，实现对全省县级工会对口联系全覆盖。".repeat(3);
        let other = "云南省总工会出台十条举措，服务全省高质量跨越式发展，每年组织职工技能大赛。".repeat(3);
        let fps = [fp(&long), fp(&other), fp(&long), fp("短讯"), fp("短讯")];
        assert_eq!(groups(&fps), vec![vec![0, 2], vec![1], vec![3], vec![4]]);
    }
}
