//! Repost verdicts remembered between builds. Whether two bodies are one story is a function
//! of their two shingle sets alone, and reaching it exactly (both bodies shingled again from
//! their text, then merged) was most of what grouping reposts cost on every build; a rebuild
//! after one article was added now compares exactly only the pairs it has not seen.
//!
//! The memo is a file in the build cache, as untrusted as the rest of it: a memo that is
//! missing, truncated, damaged (its checksum differs) or written by another version of the
//! tool (its salt differs) is ignored, and every pair is compared. It holds the verdicts of
//! the pairs the last build compared, no others, so it stays the size of one build's
//! plausible pairs (about a thousand on a 10k site: 33 kB).
//!
//! Format: `MAGIC`, the salt (32 bytes: BLAKE3 of the tool's fingerprint), the number of
//! records (u64, little-endian), the records sorted (set hash of one body, 16 bytes; of the
//! other, 16 bytes, greater; the verdict, 1 byte: 0 or 1), then the BLAKE3 hash of every byte
//! before it (32 bytes).

use std::path::Path;

use rustc_hash::FxHashMap;

use super::reposts::SetHash;
use crate::persist::{seal, unseal, write_atomically, CHECKSUM_BYTES};

/// The memo's file name, in the build cache's directory.
pub const FILE: &str = "repost-verdicts.bin";
/// First bytes of a memo.
const MAGIC: &[u8] = b"union-digest repost verdicts v1\n";
/// Bytes of the tool's salt (a hash).
const HASH_BYTES: usize = 32;
const SET_BYTES: usize = std::mem::size_of::<SetHash>();
const RECORD_BYTES: usize = 2 * SET_BYTES + 1;

/// Verdicts on pairs of shingle sets: one story or not.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdicts(FxHashMap<(SetHash, SetHash), bool>);

impl Verdicts {
    /// The verdict on two sets (in either order), if known.
    pub fn get(&self, a: &SetHash, b: &SetHash) -> Option<bool> {
        self.0.get(&ordered(*a, *b)).copied()
    }

    pub fn insert(&mut self, a: SetHash, b: SetHash, same: bool) {
        self.0.insert(ordered(a, b), same);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The memo's bytes (records sorted: the same verdicts give the same bytes).
    pub fn encode(&self) -> Vec<u8> {
        let mut records: Vec<(&(SetHash, SetHash), &bool)> = self.0.iter().collect();
        records.sort_unstable();
        let mut out = Vec::with_capacity(MAGIC.len() + HASH_BYTES + 8 + records.len() * RECORD_BYTES + CHECKSUM_BYTES);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&salt());
        out.extend_from_slice(&(records.len() as u64).to_le_bytes());
        for ((a, b), &same) in records {
            out.extend_from_slice(a);
            out.extend_from_slice(b);
            out.push(u8::from(same));
        }
        seal(out)
    }

    /// The verdicts of a memo's bytes; None unless they are exactly what [`Verdicts::encode`]
    /// of this version of the tool writes.
    pub fn decode(bytes: &[u8]) -> Option<Verdicts> {
        let rest = unseal(bytes)?.strip_prefix(MAGIC)?.strip_prefix(&salt()[..])?;
        let (count, records) = rest.split_first_chunk::<8>()?;
        let count = usize::try_from(u64::from_le_bytes(*count)).ok()?;
        if records.len() != count.checked_mul(RECORD_BYTES)? {
            return None;
        }
        let mut verdicts = FxHashMap::with_capacity_and_hasher(count, Default::default());
        for record in records.chunks_exact(RECORD_BYTES) {
            let (a, rest) = record.split_first_chunk::<SET_BYTES>()?;
            let (b, same) = rest.split_first_chunk::<SET_BYTES>()?;
            let same = match same {
                [0] => false,
                [1] => true,
                _ => return None,
            };
            if a >= b || verdicts.insert((*a, *b), same).is_some() {
                return None;
            }
        }
        Some(Verdicts(verdicts))
    }

    /// The memo at `path`; empty if it is missing or not a valid memo.
    pub fn load(path: &Path) -> Verdicts {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| Verdicts::decode(&bytes))
            .unwrap_or_default()
    }

    /// Write the memo at `path`: under a temporary name, then renamed over the old one, so a
    /// reader never sees half a memo.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        write_atomically(path, &self.encode())
    }
}

/// The two sets of a pair in a fixed order: a verdict does not depend on it.
fn ordered(a: SetHash, b: SetHash) -> (SetHash, SetHash) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// What a memo is valid for: this version of the tool (its code and data, as fingerprinted
/// by `build.rs`), whose shingling and threshold made the verdicts.
fn salt() -> [u8; HASH_BYTES] {
    *blake3::hash(env!("UNION_DIGEST_FINGERPRINT").as_bytes()).as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(n: u8) -> SetHash {
        [n; SET_BYTES]
    }

    fn sample() -> Verdicts {
        let mut verdicts = Verdicts::default();
        verdicts.insert(set(3), set(1), true);
        verdicts.insert(set(1), set(2), false);
        verdicts.insert(set(2), set(9), true);
        verdicts
    }

    #[test]
    fn a_verdict_is_found_in_either_order() {
        let verdicts = sample();
        assert_eq!(verdicts.get(&set(1), &set(3)), Some(true));
        assert_eq!(verdicts.get(&set(3), &set(1)), Some(true));
        assert_eq!(verdicts.get(&set(2), &set(1)), Some(false));
        assert_eq!(verdicts.get(&set(3), &set(2)), None);
        assert_eq!(verdicts.len(), 3);
    }

    #[test]
    fn a_memo_round_trips_through_its_bytes_and_its_file() {
        let verdicts = sample();
        let bytes = verdicts.encode();
        assert_eq!(bytes.len(), MAGIC.len() + 32 + 8 + 3 * 33 + 32);
        assert_eq!(Verdicts::decode(&bytes), Some(verdicts.clone()));
        // Sorted records: the same verdicts, inserted in another order, give the same bytes.
        let mut reversed = Verdicts::default();
        reversed.insert(set(9), set(2), true);
        reversed.insert(set(2), set(1), false);
        reversed.insert(set(1), set(3), true);
        assert_eq!(reversed.encode(), bytes);
        assert_eq!(
            Verdicts::decode(&Verdicts::default().encode()),
            Some(Verdicts::default())
        );

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache").join(FILE);
        assert!(Verdicts::load(&path).is_empty());
        verdicts.save(&path).unwrap();
        assert_eq!(Verdicts::load(&path), verdicts);
        // Only the memo is left: no temporary file.
        assert_eq!(std::fs::read_dir(path.parent().unwrap()).unwrap().count(), 1);
    }

    #[test]
    fn a_damaged_or_foreign_memo_is_ignored() {
        let bytes = sample().encode();
        // Any byte changed, or any length cut: never decoded.
        for i in 0..bytes.len() {
            let mut damaged = bytes.clone();
            damaged[i] ^= 0x01;
            assert_eq!(Verdicts::decode(&damaged), None, "byte {i} changed");
            assert_eq!(Verdicts::decode(&bytes[..i]), None, "cut at {i}");
        }
        // Well checksummed, but another tool's salt, or records out of order.
        let reseal = |body: &[u8]| seal(body.to_vec());
        let body = &bytes[..bytes.len() - CHECKSUM_BYTES];
        let mut foreign = body.to_vec();
        foreign[MAGIC.len()] ^= 0xff;
        assert_eq!(Verdicts::decode(&reseal(&foreign)), None);
        let mut unordered = body.to_vec();
        let first = MAGIC.len() + 32 + 8;
        unordered[first..first + 2 * SET_BYTES].rotate_left(SET_BYTES);
        assert_eq!(Verdicts::decode(&reseal(&unordered)), None);
        let mut not_a_verdict = body.to_vec();
        not_a_verdict[first + 2 * SET_BYTES] = 2;
        assert_eq!(Verdicts::decode(&reseal(&not_a_verdict)), None);
        assert_eq!(Verdicts::decode(&reseal(body)), Some(sample()));

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE);
        std::fs::write(&path, b"garbage").unwrap();
        assert!(Verdicts::load(&path).is_empty());
    }
}
