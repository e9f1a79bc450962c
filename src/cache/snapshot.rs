//! The content files as the last build found them: each file's metadata (size, modification
//! and status-change times, inode, device) and the cache key of its bytes. A rebuild trusts
//! the recorded key of a file whose metadata is unchanged instead of reading and hashing the
//! file, as git's index does: reading and hashing 10,000 files is most of what a rebuild
//! spends before it knows what changed.
//!
//! Why metadata can stand for the bytes:
//! - Any write to a file moves its status-change time (ctime) to the moment of the write,
//!   and no tool can set it back (tools that keep modification times, `cp -p`, `rsync -t`,
//!   `touch -d`, set the mtime only; moving another file over it changes the inode).
//! - Timestamps are coarse (a kernel tick, up to 2 s on FAT), so a write made just after the
//!   file was read can leave every timestamp as it was (git's "racy clean" problem). A file
//!   is therefore recorded only when both its times are older than the start of the build
//!   that read it by [`SETTLE_MARGIN`]: a later write stamps the file with a time at or after
//!   that start (less a tick), which differs from the recorded one. A file changed within the
//!   margin before a build, or during it, is read again by the next build.
//! - The metadata is taken before the bytes are read: a write between the two leaves a record
//!   that the next build finds stale, so it reads the file again.
//!
//! The snapshot is untrusted input like the rest of the cache: one made under another tool
//! or config (a different key salt), or damaged anywhere (its checksum differs), is ignored
//! whole and every file is read. Layout: a magic line, the salt (64 hex digits and a newline),
//! the records, then the BLAKE3 hash of everything before it. A record: the path's length
//! (u32) and bytes, size, mtime seconds and nanoseconds, ctime seconds and nanoseconds, inode
//! and device (8 bytes each, little-endian), then the key (32 bytes).

use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::persist::{seal, unseal, write_atomically, Reader, CHECKSUM_BYTES};

/// First bytes of a snapshot file.
const MAGIC: &[u8] = b"union-digest files v1\n";
/// Bytes of a key.
const HASH_BYTES: usize = 32;
/// Bytes of a salt (hex digits).
const SALT_BYTES: usize = 64;

/// How much older than the start of a build a file's times must be for the build to record
/// it: a kernel tick, FAT's two-second times, and some clock difference with a file server.
pub const SETTLE_MARGIN: Duration = Duration::from_secs(5);

/// What a file's metadata must still be for its recorded key to be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    pub size: u64,
    /// Modification time: seconds and nanoseconds since the Unix epoch.
    pub mtime: (i64, i64),
    /// Status-change time, likewise.
    pub ctime: (i64, i64),
    pub inode: u64,
    pub device: u64,
}

impl FileStat {
    /// The stat of a regular file (None for anything else, and off Unix, where the
    /// status-change time is not known: such files are always read).
    pub fn of(metadata: &std::fs::Metadata) -> Option<FileStat> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            metadata.is_file().then(|| FileStat {
                size: metadata.size(),
                mtime: (metadata.mtime(), metadata.mtime_nsec()),
                ctime: (metadata.ctime(), metadata.ctime_nsec()),
                inode: metadata.ino(),
                device: metadata.dev(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }

    /// True when both times are older than `started` (the start of the build that took this
    /// stat) by [`SETTLE_MARGIN`]: a later write cannot leave them as they are.
    pub fn settled(&self, started: SystemTime) -> bool {
        let Some(limit) = started
            .checked_sub(SETTLE_MARGIN)
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
        else {
            return false;
        };
        let limit = i128::try_from(limit.as_nanos()).unwrap_or(i128::MAX);
        let nanos = |(secs, nsec): (i64, i64)| i128::from(secs) * 1_000_000_000 + i128::from(nsec);
        nanos(self.mtime) < limit && nanos(self.ctime) < limit
    }
}

/// Bytes of a record after its path.
const RECORD_TAIL: usize = 7 * 8 + HASH_BYTES;

/// The recorded files: the snapshot's bytes as read, and where each record starts, in the
/// order of their paths (for binary search; nothing is copied or hashed per file).
#[derive(Debug, Default)]
pub struct Snapshot {
    bytes: Vec<u8>,
    records: Vec<usize>,
}

impl Snapshot {
    /// The snapshot at `path` made under `salt`; empty if missing, damaged or foreign.
    pub fn load(path: &Path, salt: &str) -> Snapshot {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| Snapshot::parse(bytes, salt))
            .unwrap_or_default()
    }

    fn parse(bytes: Vec<u8>, salt: &str) -> Option<Snapshot> {
        let body = unseal(&bytes)?;
        let header = MAGIC.len() + SALT_BYTES + 1;
        let (magic, rest) = body.split_at_checked(MAGIC.len())?;
        if magic != MAGIC || rest.get(..SALT_BYTES)? != salt.as_bytes() || rest.get(SALT_BYTES) != Some(&b'\n') {
            return None;
        }
        // Every record must be whole, its path text, and the paths strictly increasing.
        let mut records = Vec::new();
        let mut offset = header;
        let mut previous: Option<&[u8]> = None;
        while offset < body.len() {
            let (rel, _) = record_at(body, offset)?;
            std::str::from_utf8(rel).ok()?;
            if previous.is_some_and(|p| p >= rel) {
                return None;
            }
            previous = Some(rel);
            records.push(offset);
            offset += 4 + rel.len() + RECORD_TAIL;
        }
        Some(Snapshot { bytes, records })
    }

    /// The number of files recorded.
    pub fn count(&self) -> usize {
        self.records.len()
    }

    /// The recorded key of the file at `rel`, if it was recorded with exactly `stat`.
    pub fn key(&self, rel: &str, stat: &FileStat) -> Option<[u8; HASH_BYTES]> {
        let found = self
            .records
            .binary_search_by(|&offset| match record_at(&self.bytes, offset) {
                Some((recorded, _)) => recorded.cmp(rel.as_bytes()),
                None => std::cmp::Ordering::Less,
            })
            .ok()?;
        let (_, (recorded, key)) = record_at(&self.bytes, self.records[found])?;
        (recorded == *stat).then_some(key)
    }

    /// The bytes of a snapshot of `files` (path, stat, key) under `salt`; `files` sorted by
    /// path, without duplicates (else nothing is recorded).
    pub fn encode(files: &[(&str, FileStat, [u8; HASH_BYTES])], salt: &str) -> Vec<u8> {
        let sorted = files.windows(2).all(|pair| pair[0].0 < pair[1].0);
        let files = if sorted { files } else { &[] };
        let size = MAGIC.len()
            + SALT_BYTES
            + 1
            + files
                .iter()
                .map(|(rel, _, _)| 4 + rel.len() + RECORD_TAIL)
                .sum::<usize>()
            + CHECKSUM_BYTES;
        let mut bytes = Vec::with_capacity(size);
        bytes.extend_from_slice(MAGIC);
        bytes.extend_from_slice(salt.as_bytes());
        bytes.push(b'\n');
        for (rel, stat, key) in files {
            let Ok(len) = u32::try_from(rel.len()) else { continue };
            bytes.extend_from_slice(&len.to_le_bytes());
            bytes.extend_from_slice(rel.as_bytes());
            bytes.extend_from_slice(&stat.size.to_le_bytes());
            for number in [stat.mtime.0, stat.mtime.1, stat.ctime.0, stat.ctime.1] {
                bytes.extend_from_slice(&number.to_le_bytes());
            }
            bytes.extend_from_slice(&stat.inode.to_le_bytes());
            bytes.extend_from_slice(&stat.device.to_le_bytes());
            bytes.extend_from_slice(key);
        }
        seal(bytes)
    }

    /// Write a snapshot of `files` (see [`Snapshot::encode`]) to `path` under `salt` (through
    /// a temporary file renamed into place, so a torn write leaves no half snapshot). Failing
    /// to write is not an error: the next build reads every file.
    pub fn save(files: &[(&str, FileStat, [u8; HASH_BYTES])], path: &Path, salt: &str) {
        if salt.len() != SALT_BYTES {
            return;
        }
        let _ = write_atomically(path, &Snapshot::encode(files, salt));
    }
}

/// What a record holds of a file besides its path: its stat and its key.
type Recorded = (FileStat, [u8; HASH_BYTES]);

/// The record at `offset` of a snapshot's bytes: its path, and what it holds.
fn record_at(bytes: &[u8], offset: usize) -> Option<(&[u8], Recorded)> {
    let mut reader = Reader(bytes.get(offset..)?);
    let len = usize::try_from(reader.u32()?).ok()?;
    let rel = reader.take(len)?;
    let stat = FileStat {
        size: reader.u64()?,
        mtime: (i64::from_le_bytes(reader.array()?), i64::from_le_bytes(reader.array()?)),
        ctime: (i64::from_le_bytes(reader.array()?), i64::from_le_bytes(reader.array()?)),
        inode: reader.u64()?,
        device: reader.u64()?,
    };
    Some((rel, (stat, reader.array()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    fn stat(n: u64) -> FileStat {
        FileStat {
            size: n,
            mtime: (1_700_000_000, n as i64),
            ctime: (1_700_000_001, 0),
            inode: 100 + n,
            device: 7,
        }
    }

    fn parsed(bytes: Vec<u8>) -> Snapshot {
        Snapshot::parse(bytes, SALT).unwrap_or_default()
    }

    #[test]
    fn recorded_files_are_found_by_path_and_exact_stat() {
        let files: Vec<(&str, FileStat, [u8; HASH_BYTES])> = ["content/a.txt", "content/b/c.md", "content/b/d.txt"]
            .iter()
            .enumerate()
            .map(|(n, rel)| (*rel, stat(n as u64), [n as u8; HASH_BYTES]))
            .collect();
        let snapshot = parsed(Snapshot::encode(&files, SALT));
        assert_eq!(snapshot.count(), 3);
        for (rel, stat, key) in &files {
            assert_eq!(snapshot.key(rel, stat), Some(*key));
        }
        let mut touched = stat(1);
        touched.ctime.1 += 1;
        assert_eq!(snapshot.key("content/b/c.md", &touched), None);
        assert_eq!(snapshot.key("content/b/e.txt", &stat(1)), None);
        // Another salt: not used.
        assert_eq!(
            Snapshot::parse(Snapshot::encode(&files, SALT), &SALT.replace('0', "1")).map(|s| s.count()),
            None
        );
        // Unsorted input records nothing rather than something unsearchable.
        let unsorted = [files[1], files[0]];
        assert_eq!(parsed(Snapshot::encode(&unsorted, SALT)).count(), 0);
    }

    #[test]
    fn a_damaged_snapshot_is_ignored_whole() {
        let files = [("content/a.txt", stat(1), [1; HASH_BYTES])];
        let good = Snapshot::encode(&files, SALT);
        for cut in [1, good.len() / 2, good.len() - 1] {
            assert_eq!(parsed(good[..cut].to_vec()).count(), 0);
        }
        let mut flipped = good.clone();
        flipped[MAGIC.len() + SALT_BYTES + 6] ^= 0x20;
        assert_eq!(parsed(flipped).count(), 0);
        // Well checksummed but not in path order: refused too.
        let joined = |first: &str, second: &str| {
            let mut bytes = Snapshot::encode(&[(first, stat(1), [1; HASH_BYTES])], SALT);
            bytes.truncate(bytes.len() - CHECKSUM_BYTES);
            let other = Snapshot::encode(&[(second, stat(2), [2; HASH_BYTES])], SALT);
            bytes.extend_from_slice(&other[MAGIC.len() + SALT_BYTES + 1..other.len() - CHECKSUM_BYTES]);
            parsed(seal(bytes)).count()
        };
        assert_eq!(joined("a", "b"), 2);
        assert_eq!(joined("b", "a"), 0);
        assert_eq!(joined("a", "a"), 0);
    }
}
