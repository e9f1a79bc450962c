//! A memo of rendered fragments (article cards) kept in the build cache between builds.
//!
//! Why: every list page a rebuild renders again shows 20 cards, and most of them are cards of
//! articles that did not change. Adding one article to a 10,000-article site renders about
//! 200 list pages, so about 4,000 cards, each a run of `card.html` through tera and an
//! excerpt cut from the article's body. The memo keeps each card's HTML under the hash of
//! everything it is made from (the card's key and the build's global inputs: the tool, the
//! templates, the strings, the settings), so a fragment found is never stale: equal keys give
//! equal bytes.
//!
//! The file is a header line, then records `key (32 bytes) | length (u32 LE) | checksum (the
//! first 8 bytes of the fragment's BLAKE3) | fragment (UTF-8)`. New fragments are appended;
//! when fewer than half of the records are still used, the file is rewritten with the used
//! ones. A damaged or truncated file is read up to its first bad record, a fragment whose
//! checksum fails is not used, and the file is then rewritten: the memo is a cache, never a
//! source of truth.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::persist::{write_atomically, Reader};

const HEADER: &[u8] = b"union-digest render memo 1\n";
const KEY_LEN: usize = 32;
const CHECK_LEN: usize = 8;

/// The hash that names a fragment.
pub type Key = [u8; KEY_LEN];

/// The bytes of a memo file: mapped (a 10,000-article site's cards make about 12 MB, of
/// which a rebuild reads a few thousand fragments: copying all into fresh memory cost more
/// than the rest of opening it), or read when mapping fails.
#[derive(Debug)]
enum Bytes {
    Read(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes::Read(Vec::new())
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Read(bytes) => bytes,
            Bytes::Mapped(map) => map,
        }
    }
}

impl Bytes {
    /// The file at `path` (missing or unreadable: empty).
    fn open(path: &Path) -> Bytes {
        let Ok(file) = std::fs::File::open(path) else {
            return Bytes::default();
        };
        // SAFETY: read only. Builds change a memo only by appending to it (the bytes mapped
        // stay as they are) or by replacing it with a new file (renamed over it); only
        // another program writing into the build cache meanwhile could change them, and a
        // fragment changed so still fails its checksum and is not used.
        match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => Bytes::Mapped(map),
            Err(_) => Bytes::Read(std::fs::read(path).unwrap_or_default()),
        }
    }
}

/// Fragments of the previous builds, and where they sit in the file.
#[derive(Debug, Default)]
pub struct Memo {
    path: Option<PathBuf>,
    bytes: Bytes,
    /// Key → (offset of the fragment, its length, its checksum).
    /// (Keys are hashes already: a fast non-cryptographic hasher suffices.)
    index: rustc_hash::FxHashMap<Key, (usize, usize, [u8; CHECK_LEN])>,
    /// Records in the file (a key stored twice counts twice).
    records: usize,
    /// Whether the file has bytes after its last good record (damage, an interrupted append).
    damaged: bool,
}

fn checksum(fragment: &[u8]) -> [u8; CHECK_LEN] {
    let mut check = [0u8; CHECK_LEN];
    check.copy_from_slice(&blake3::hash(fragment).as_bytes()[..CHECK_LEN]);
    check
}

/// The next whole record of a memo (key, fragment length, checksum), its fragment skipped;
/// None at the end or at a record cut short (the reader is then left at its start).
fn next_record(reader: &mut Reader) -> Option<(Key, usize, [u8; CHECK_LEN])> {
    let mut record = Reader(reader.0);
    let key = record.array()?;
    let len = usize::try_from(record.u32()?).ok()?;
    let check = record.array()?;
    record.take(len)?;
    *reader = record;
    Some((key, len, check))
}

fn push_record(out: &mut Vec<u8>, key: &Key, fragment: &[u8]) {
    out.extend_from_slice(key);
    out.extend_from_slice(&(fragment.len() as u32).to_le_bytes());
    out.extend_from_slice(&checksum(fragment));
    out.extend_from_slice(fragment);
}

impl Memo {
    /// The memo at `path` (missing, unreadable or damaged: empty, or as much as is good).
    pub fn open(path: &Path) -> Memo {
        let bytes = Bytes::open(path);
        let mut memo = Memo {
            path: Some(path.to_path_buf()),
            ..Memo::default()
        };
        if !bytes.starts_with(HEADER) {
            memo.damaged = !bytes.is_empty();
            return memo;
        }
        let mut reader = Reader(&bytes[HEADER.len()..]);
        while let Some((key, len, check)) = next_record(&mut reader) {
            let start = bytes.len() - reader.0.len() - len;
            memo.index.insert(key, (start, len, check));
            memo.records += 1;
        }
        memo.damaged = !reader.0.is_empty();
        memo.bytes = bytes;
        memo
    }

    /// A memo that keeps nothing (a build without a cache).
    pub fn disabled() -> Memo {
        Memo::default()
    }

    /// The fragment stored under `key`, if it is there and intact.
    pub fn get(&self, key: &Key) -> Option<&str> {
        let &(start, len, check) = self.index.get(key)?;
        let fragment = self.bytes.get(start..start + len)?;
        if checksum(fragment) != check {
            return None;
        }
        std::str::from_utf8(fragment).ok()
    }

    /// Save the memo for the next build: `used` are the keys of every fragment this build's
    /// site has (found or not), `new` the fragments rendered this build. Appends the new
    /// fragments, or rewrites the file with the used ones when most records are no longer
    /// used or the file is damaged. Saving is best effort: a memo that cannot be written is
    /// only a slower next build.
    pub fn save<'k>(self, used: impl Iterator<Item = &'k Key>, new: &[(Key, String)]) {
        let Some(path) = &self.path else {
            return;
        };
        let new: Vec<&(Key, String)> = new.iter().filter(|(key, _)| self.get(key).is_none()).collect();
        let mut live: Vec<&Key> = used.filter(|key| self.index.contains_key(*key)).collect();
        live.sort_unstable();
        live.dedup();
        let compact = self.damaged || live.len() * 2 < self.records;
        if !compact && new.is_empty() {
            return;
        }
        let mut out = Vec::new();
        if compact {
            out.extend_from_slice(HEADER);
            for key in live {
                if let Some(fragment) = self.get(key) {
                    push_record(&mut out, key, fragment.as_bytes());
                }
            }
        } else if self.bytes.is_empty() {
            out.extend_from_slice(HEADER);
        }
        for (key, fragment) in new {
            push_record(&mut out, key, fragment.as_bytes());
        }
        let _ = if compact {
            write_atomically(path, &out)
        } else {
            append(path, &out)
        };
    }
}

fn append(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    file.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> Key {
        [n; KEY_LEN]
    }

    #[test]
    fn fragments_come_back_and_only_the_used_ones_survive_a_compaction() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cards.memo");
        let first = Memo::open(&path);
        assert_eq!(first.get(&key(1)), None);
        first.save(
            [key(1), key(2)].iter(),
            &[(key(1), "卡片一".into()), (key(2), "two".into())],
        );

        let second = Memo::open(&path);
        assert_eq!(
            (second.get(&key(1)), second.get(&key(2))),
            (Some("卡片一"), Some("two"))
        );
        // Appended: key 3 is new; 1 and 2 are still used.
        second.save([key(1), key(2), key(3)].iter(), &[(key(3), "three".into())]);
        let third = Memo::open(&path);
        assert_eq!(third.records, 3);
        assert_eq!(third.get(&key(3)), Some("three"));
        // Only key 3 is still used: fewer than half the records live, so the file is rewritten.
        third.save([key(3)].iter(), &[]);
        let fourth = Memo::open(&path);
        assert_eq!(
            (fourth.records, fourth.get(&key(1)), fourth.get(&key(3))),
            (1, None, Some("three"))
        );
    }

    /// Bytes of a record before its fragment.
    const RECORD_HEAD: usize = KEY_LEN + 4 + CHECK_LEN;

    #[test]
    fn damage_is_never_served_and_is_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cards.memo");
        Memo::open(&path).save(
            [key(1), key(2)].iter(),
            &[(key(1), "one".into()), (key(2), "two".into())],
        );
        // A flipped byte inside the first fragment, and a truncated record at the end.
        let mut bytes = std::fs::read(&path).unwrap();
        let first_fragment = HEADER.len() + RECORD_HEAD;
        bytes[first_fragment] ^= 0x20;
        bytes.extend_from_slice(&key(9)[..10]);
        std::fs::write(&path, &bytes).unwrap();
        let memo = Memo::open(&path);
        assert_eq!((memo.get(&key(1)), memo.get(&key(2))), (None, Some("two")));
        assert!(memo.damaged);
        memo.save([key(1), key(2)].iter(), &[(key(1), "one".into())]);
        let repaired = Memo::open(&path);
        assert!(!repaired.damaged);
        assert_eq!(
            (repaired.get(&key(1)), repaired.get(&key(2))),
            (Some("one"), Some("two"))
        );
        // Not a memo at all: empty.
        std::fs::write(&path, b"garbage").unwrap();
        assert_eq!(Memo::open(&path).get(&key(2)), None);
    }
}
