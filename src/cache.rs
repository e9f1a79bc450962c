//! Incremental builds: the results of the per-file stages (ingest, clean, analyze) cached by
//! content hash in `<site>/.union-digest-cache/`.
//!
//! A key covers everything the result depends on: the file's bytes, its path and kind, the
//! config, and a fingerprint of the tool's own code and data (set at compile time by
//! `build.rs`). A stale entry therefore can never match. The directory is safe to delete and is
//! treated as untrusted input: an entry that is damaged (its checksum differs), does not
//! decode, or whose recorded key differs from its own is ignored and recomputed.
//!
//! Layout: one pack file per build, `<format>/entries.pack`, holding every entry the build
//! used: reading one file and decoding compact binary records (postcard) costs a fraction of
//! opening and parsing one JSON file per article. A build that computed nothing does not write
//! it. A build that computed a few entries appends them to the pack while the entries no
//! build used stay at most a quarter of it (a torn append leaves a record that is ignored);
//! past that, a build writes a new pack of the entries it used (the others are pruned) and
//! renames it into place, so a rewrite never leaves a truncated pack under the real name.
//!
//! Record format: a magic line, then per entry: the key (32 bytes), the payload length
//! (u64, little-endian), the CRC-32 of the payload (4 bytes, little-endian), the payload (the
//! postcard encoding of an [`Entry`]). The checksum is there to catch damage (a torn write, a
//! flipped bit), which a CRC catches as well as a cryptographic hash at a tenth of the cost:
//! a rebuild checks every record it decodes (100 MB for 10,000 articles). What identifies a
//! record's content (the articles' [`Article::origin`]) is its key: the per-file stages are
//! deterministic, so one key always stands for one result.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};

use crate::analyze::CorpusInputs;
use crate::error::Warning;
use crate::model::{Article, SourceKind};

mod snapshot;
pub use snapshot::FileStat;
use snapshot::Snapshot;

/// Directory name under the site root.
pub const CACHE_DIR: &str = ".union-digest-cache";
/// Directory (under [`CACHE_DIR`]) of the output manifests, which pruning leaves alone.
const OUTPUT_MANIFESTS: &str = "output";
/// Bumped when the entry format changes.
const FORMAT: &str = "v6";
/// The pack file in the format's directory.
const PACK: &str = "entries.pack";
/// The snapshot of the content files (see [`snapshot`]) in the format's directory.
const SNAPSHOT: &str = "files.snapshot";
/// First bytes of a pack file.
const MAGIC: &[u8] = b"union-digest cache v6\n";
/// Bytes of a key.
const HASH_BYTES: usize = 32;
/// Bytes of a payload's checksum.
const CHECKSUM_BYTES: usize = 4;

/// Where the snapshot of a site's content files is kept (tests look at it).
pub fn snapshot_path(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join(FORMAT).join(SNAPSHOT)
}

/// Where the manifest of the output at `output_dir` (already normalised) is kept: one per
/// output directory, so `--output` elsewhere does not disturb the default one's. An output
/// inside the site (the default `public/`) is named by its path in the site, so a site that
/// moves with its cache and output, as CI restores them into a fresh checkout, still finds
/// the manifest of its output; one elsewhere by its absolute path.
pub fn output_manifest_path(root: &Path, output_dir: &Path) -> PathBuf {
    let site = crate::render::output::normalise(root).ok();
    let name = match site.as_deref().and_then(|site| output_dir.strip_prefix(site).ok()) {
        Some(inside) => [b"site:".as_slice(), inside.as_os_str().as_encoded_bytes()].concat(),
        None => output_dir.as_os_str().as_encoded_bytes().to_vec(),
    };
    let id = blake3::hash(&name).to_hex();
    root.join(CACHE_DIR)
        .join(OUTPUT_MANIFESTS)
        .join(format!("{}.manifest", &id[..16]))
}

/// What the per-file stages produced for one file (errors are never cached).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub articles: Vec<Article>,
    /// What corpus analysis needs of each article, in the order of `articles`.
    pub inputs: Vec<CorpusInputs>,
    pub warnings: Vec<Warning>,
}

/// A cache for one build.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Hash of the config and the tool fingerprint, shared by all keys of this build.
    salt: String,
    /// The pack of the last build (released by [`Cache::save`]).
    pack: RwLock<PackBytes>,
    /// Byte range of each record's payload in `pack`, by key.
    index: HashMap<[u8; HASH_BYTES], Range<usize>>,
    /// Keys of the old pack this build used.
    used: Mutex<Vec<[u8; HASH_BYTES]>>,
    /// The next pack, written as entries are computed (so they are not held in memory),
    /// created at the first one.
    next: Mutex<Option<PackWriter>>,
    /// When the build started (before it looked at any content file): files changed since
    /// (less a margin) are not recorded in the snapshot.
    started: std::time::SystemTime,
    /// The content files as the last build found them.
    snapshot: Snapshot,
    /// The mapped pack, kept to learn whether a lazily decoded part of it was damaged.
    mapped: Option<Arc<MappedPack>>,
    /// Read, never written: `check` uses the cache a build left, and leaves it as it was.
    read_only: bool,
}

/// A pack being written under a temporary name.
#[derive(Debug)]
struct PackWriter {
    file: std::io::BufWriter<std::fs::File>,
    tmp: PathBuf,
    keys: HashSet<[u8; HASH_BYTES]>,
    /// A write failed: the pack is abandoned.
    failed: bool,
}

impl PackWriter {
    fn create(dir: &Path) -> std::io::Result<PackWriter> {
        std::fs::create_dir_all(dir)?;
        // Unique within the process too: a preview server may build while a build runs.
        static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = dir
            .join(PACK)
            .with_extension(format!("tmp{}-{serial}", std::process::id()));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        file.write_all(MAGIC)?;
        Ok(PackWriter {
            file,
            tmp,
            keys: HashSet::new(),
            failed: false,
        })
    }

    /// Append a record (payload checksum and payload) unless one with its key is there.
    fn append(&mut self, key: &[u8; HASH_BYTES], record: &[u8]) {
        if self.failed || !self.keys.insert(*key) {
            return;
        }
        let payload_len = record.len().saturating_sub(CHECKSUM_BYTES) as u64;
        let written = self
            .file
            .write_all(key)
            .and_then(|()| self.file.write_all(&payload_len.to_le_bytes()))
            .and_then(|()| self.file.write_all(record));
        self.failed = written.is_err();
    }

    /// Flush, and give back the records written (without the pack header), removing the
    /// temporary file: for appending them to the existing pack instead.
    fn into_records(mut self) -> Option<Vec<u8>> {
        let flushed = !self.failed && self.file.flush().is_ok();
        drop(self.file);
        let bytes = flushed.then(|| std::fs::read(&self.tmp).ok()).flatten();
        let _ = std::fs::remove_file(&self.tmp);
        bytes?.strip_prefix(MAGIC).map(<[u8]>::to_vec)
    }

    /// Flush and rename the pack into place (or remove it after a failure).
    fn finish(mut self, path: &Path) {
        let flushed = !self.failed && self.file.flush().is_ok();
        drop(self.file);
        if !flushed || std::fs::rename(&self.tmp, path).is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

impl Cache {
    /// Open the cache of the site at `root` for a build with `config_json`: reads the pack of
    /// the last build (a missing or unreadable one is an empty cache).
    pub fn open(root: &Path, config_json: &str) -> Cache {
        let mut hasher = blake3::Hasher::new();
        hasher.update(env!("UNION_DIGEST_FINGERPRINT").as_bytes());
        hasher.update(b"\0");
        hasher.update(config_json.as_bytes());
        let started = std::time::SystemTime::now();
        let dir = root.join(CACHE_DIR).join(FORMAT);
        let salt = hasher.finalize().to_hex().to_string();
        let snapshot = Snapshot::load(&dir.join(SNAPSHOT), &salt);
        let pack = PackBytes::open(&dir.join(PACK));
        let index = index_records(&pack);
        let mapped = match &pack {
            PackBytes::Mapped(mapped) => Some(Arc::clone(mapped)),
            PackBytes::Empty => None,
        };
        Cache {
            mapped,
            dir,
            salt,
            pack: RwLock::new(pack),
            index,
            used: Mutex::new(Vec::new()),
            next: Mutex::new(None),
            started,
            snapshot,
            read_only: false,
        }
    }

    /// This cache, read but never written (see [`Cache::is_read_only`]).
    pub fn read_only(mut self) -> Cache {
        self.read_only = true;
        self
    }

    /// Whether nothing of this cache is written: no snapshot, no entries, no pack, nothing
    /// removed.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// The key the last build recorded for the file at `rel` if the file's metadata is still
    /// exactly what it was then (see [`snapshot`]): its bytes need not be read.
    pub fn recorded_key(&self, rel: &str, stat: &FileStat) -> Option<String> {
        self.snapshot
            .key(rel, stat)
            .map(|raw| blake3::Hash::from_bytes(raw).to_hex().to_string())
    }

    /// Record what this build found of the content files: each file's path, its stat (taken
    /// before its bytes were read) and the key of its bytes, in the order of their paths.
    /// Files whose times are not settled (see [`FileStat::settled`]) are left out, so the
    /// next build reads them. The snapshot is written only if it differs from the last
    /// build's.
    pub fn record_files<'a>(&self, files: impl IntoIterator<Item = (&'a str, Option<&'a FileStat>, Option<&'a str>)>) {
        if self.read_only {
            return;
        }
        let mut recorded = Vec::with_capacity(self.snapshot.count());
        for (rel, stat, key) in files {
            let (Some(stat), Some(raw)) = (stat, key.and_then(raw_key)) else {
                continue;
            };
            if stat.settled(self.started) {
                recorded.push((rel, *stat, raw));
            }
        }
        let unchanged = recorded.len() == self.snapshot.count()
            && recorded
                .iter()
                .all(|(rel, stat, key)| self.snapshot.key(rel, stat).as_ref() == Some(key));
        if !unchanged {
            Snapshot::save(&recorded, &self.dir.join(SNAPSHOT), &self.salt);
        }
    }

    /// Whether a part of a record decoded on first use (after its record passed its
    /// checksum) did not decode: what was made from it is wrong, and the build must be made
    /// again without this pack.
    pub fn damage_found(&self) -> bool {
        self.mapped.as_ref().is_some_and(|m| m.damaged.load(Ordering::Relaxed))
    }

    /// Remove the pack (after [`Cache::damage_found`]): the next build computes everything.
    pub fn discard(&self) {
        if self.read_only {
            return;
        }
        let _ = std::fs::remove_file(self.dir.join(PACK));
    }

    /// Pretend the build started at `started` (tests: files made just now count as settled).
    #[cfg(test)]
    pub(crate) fn set_started(&mut self, started: std::time::SystemTime) {
        self.started = started;
    }

    /// The directory of this cache format's files, where corpus analysis keeps its memo.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key of a file's result: the build's salt, the file's path and kind, and the hash of
    /// its bytes. The bytes are hashed on their own, from their first byte: BLAKE3 hashes
    /// several 1 KiB chunks side by side only where they start at a multiple of their run's
    /// length, so after a 100-byte prefix nearly every chunk of a 4 KB article went alone (a
    /// build after a fresh checkout hashes all 10,000 files).
    pub fn key(&self, rel: &str, kind: SourceKind, bytes: &[u8]) -> String {
        let content = blake3::hash(bytes);
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.salt.as_bytes());
        hasher.update(rel.as_bytes());
        hasher.update(if kind == SourceKind::Raw {
            b"\0raw\0"
        } else {
            b"\0md\0\0"
        });
        hasher.update(content.as_bytes());
        hasher.finalize().to_hex().to_string()
    }

    /// Whether the cache holds a result under `key` (not yet checked to decode).
    pub fn has(&self, key: &str) -> bool {
        raw_key(key).is_some_and(|raw| self.index.contains_key(&raw))
    }

    /// A cached result, if a valid one exists.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let raw = raw_key(key)?;
        let range = self.index.get(&raw)?.clone();
        let entry = {
            let pack = self.pack.read().unwrap_or_else(|p| p.into_inner());
            let record = pack.get(range)?;
            match &*pack {
                PackBytes::Mapped(mapped) => decoding_from(mapped, || decode(record, &raw))?,
                PackBytes::Empty => decode(record, &raw)?,
            }
        };
        if entry.key != key || entry.inputs.len() != entry.articles.len() {
            return None;
        }
        self.used.lock().unwrap_or_else(|p| p.into_inner()).push(raw);
        Some(entry)
    }

    /// Store a result (written by [`Cache::save`]). Returns its key's bytes (what
    /// [`Article::set_origins`] takes), if it is a key.
    pub fn put(&self, entry: &Entry) -> Option<[u8; HASH_BYTES]> {
        let raw = raw_key(&entry.key)?;
        if self.read_only {
            return Some(raw);
        }
        let Some(record) = encode(entry) else {
            return Some(raw);
        };
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
        if next.is_none() {
            *next = PackWriter::create(&self.dir).ok();
        }
        if let Some(writer) = next.as_mut() {
            writer.append(&raw, &record);
        }
        Some(raw)
    }

    /// Write the pack of this build: the entries it used and the ones it computed. While the
    /// entries no build used stay at most a quarter of the pack, the new entries are appended
    /// to it (a quick rebuild does not rewrite the whole pack) and nothing is written when
    /// nothing was computed; past that, the pack is rewritten with the used entries only, and
    /// the rest is pruned. Every other format's directory is removed. Failing to write the
    /// cache never fails a build.
    pub fn save(&self) {
        if self.read_only {
            return;
        }
        let mut pack = self.pack.write().unwrap_or_else(|p| p.into_inner());
        let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner()).take();
        let mut used = std::mem::take(&mut *self.used.lock().unwrap_or_else(|p| p.into_inner()));
        used.sort_unstable();
        used.dedup();
        let unused = self.index.len() - used.len().min(self.index.len());
        // Appending after a damaged tail would hide the new records: the pack must parse
        // to its end.
        let intact = pack.len() == MAGIC.len() || self.index.values().map(|r| r.end).max() == Some(pack.len());
        let keep = pack.starts_with(MAGIC) && intact && unused * 4 <= self.index.len();
        if keep {
            if let Some(records) = next.take().and_then(PackWriter::into_records) {
                let appended = std::fs::OpenOptions::new()
                    .append(true)
                    .open(self.dir.join(PACK))
                    .and_then(|mut file| std::io::Write::write_all(&mut file, &records));
                if appended.is_err() {
                    // A partly written record is ignored when read; drop the pack to be safe.
                    let _ = std::fs::remove_file(self.dir.join(PACK));
                }
            }
        } else {
            if let Some(mut writer) = next.or_else(|| PackWriter::create(&self.dir).ok()) {
                for key in &used {
                    if let Some(record) = self.index.get(key).and_then(|r| pack.get(r.clone())) {
                        writer.append(key, record);
                    }
                }
                writer.finish(&self.dir.join(PACK));
            }
        }
        *pack = PackBytes::Empty;
        // Packs, snapshots, repost memos and dictionary additions of builds that crashed before renaming theirs
        // (temporary names of `persist::write_atomically` and `PackWriter`).
        if let Ok(files) = std::fs::read_dir(&self.dir) {
            let own = format!("tmp{}-", std::process::id());
            for file in files.flatten() {
                let name = file.file_name().to_string_lossy().into_owned();
                let stray = ["entries.", "files.", "repost-verdicts.", "segmenter-words."]
                    .iter()
                    .find_map(|prefix| name.strip_prefix(prefix))
                    .is_some_and(|ext| ext.starts_with("tmp") && !ext.starts_with(&own));
                if stray {
                    let _ = std::fs::remove_file(file.path());
                }
            }
        }
        // Entries of other formats are dead weight.
        if let Ok(formats) = std::fs::read_dir(self.dir.parent().unwrap_or(&self.dir)) {
            for format in formats.flatten() {
                if format.file_name() != FORMAT && format.file_name() != OUTPUT_MANIFESTS {
                    let _ = std::fs::remove_dir_all(format.path());
                }
            }
        }
    }
}

/// The bytes of the last build's pack.
#[derive(Debug)]
enum PackBytes {
    Empty,
    /// The pack mapped into memory: only the pages of records decoded are read, and nothing
    /// is copied. Packs are never rewritten in place (a new pack is renamed over the old one,
    /// new records are appended), so the mapped bytes do not change under a build; a pack
    /// truncated by hand while a build reads it would end that build with SIGBUS. Parts of
    /// records decoded on first use ([`SharedBytes`]) keep the map alive.
    Mapped(Arc<MappedPack>),
}

/// A mapped pack, and whether a part of it decoded on first use turned out damaged.
#[derive(Debug)]
pub struct MappedPack {
    map: memmap2::Mmap,
    damaged: AtomicBool,
}

thread_local! {
    /// The pack a record is being decoded from on this thread ([`Cache::get`]), so that the
    /// parts of the record kept encoded ([`SharedBytes`]) can point into it.
    static DECODING: std::cell::RefCell<Option<Arc<MappedPack>>> = const { std::cell::RefCell::new(None) };
}

/// Run `decode` with `pack` as the pack being decoded from on this thread.
fn decoding_from<T>(pack: &Arc<MappedPack>, decode: impl FnOnce() -> T) -> T {
    DECODING.with_borrow_mut(|current| *current = Some(Arc::clone(pack)));
    let decoded = decode();
    DECODING.with_borrow_mut(|current| *current = None);
    decoded
}

/// Bytes of a cache record kept encoded until something needs them (an article's body:
/// most of a record, and a rebuild needs few of them): a range of the mapped pack when the
/// record came from it (no copy), else their own copy.
#[derive(Clone)]
pub struct SharedBytes(Shared);

#[derive(Clone)]
enum Shared {
    Owned(Box<[u8]>),
    Mapped {
        pack: Arc<MappedPack>,
        start: usize,
        len: usize,
    },
}

impl SharedBytes {
    pub fn owned(bytes: Vec<u8>) -> SharedBytes {
        SharedBytes(Shared::Owned(bytes.into_boxed_slice()))
    }

    /// Bytes a record being decoded lends: pointed to in the mapped pack when they lie in
    /// it, else copied.
    pub fn borrowed(bytes: &[u8]) -> SharedBytes {
        let in_pack = DECODING.with_borrow(|current| {
            let pack = current.as_ref()?;
            let start = (bytes.as_ptr() as usize).checked_sub(pack.map.as_ptr() as usize)?;
            let end = start.checked_add(bytes.len())?;
            (end <= pack.map.len()).then(|| Shared::Mapped {
                pack: Arc::clone(pack),
                start,
                len: bytes.len(),
            })
        });
        SharedBytes(in_pack.unwrap_or_else(|| Shared::Owned(bytes.into())))
    }

    /// Note that these bytes (which passed their record's checksum) did not decode: the
    /// build that used them must be made again without the cache (see
    /// [`Cache::damage_found`]).
    pub fn mark_damaged(&self) {
        if let Shared::Mapped { pack, .. } = &self.0 {
            pack.damaged.store(true, Ordering::Relaxed);
        }
    }
}

impl std::ops::Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match &self.0 {
            Shared::Owned(bytes) => bytes,
            Shared::Mapped { pack, start, len } => pack.map.get(*start..start + len).unwrap_or_default(),
        }
    }
}

impl Default for SharedBytes {
    fn default() -> SharedBytes {
        SharedBytes::owned(Vec::new())
    }
}

impl std::fmt::Debug for SharedBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SharedBytes({} bytes)", self.len())
    }
}

impl PackBytes {
    /// Map the pack at `path` (a missing or unreadable one is an empty cache).
    fn open(path: &Path) -> PackBytes {
        let Ok(file) = std::fs::File::open(path) else {
            return PackBytes::Empty;
        };
        // SAFETY: the map is read only, and the cache never modifies a pack's existing
        // bytes in place (see above); a damaged record fails its checksum and is ignored.
        match unsafe { memmap2::Mmap::map(&file) } {
            Ok(map) => PackBytes::Mapped(Arc::new(MappedPack {
                map,
                damaged: AtomicBool::new(false),
            })),
            Err(_) => PackBytes::Empty,
        }
    }
}

impl std::ops::Deref for PackBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            PackBytes::Empty => &[],
            PackBytes::Mapped(mapped) => &mapped.map,
        }
    }
}

/// A key as 32 bytes (None for anything but 64 hex digits).
fn raw_key(key: &str) -> Option<[u8; HASH_BYTES]> {
    let mut raw = [0u8; HASH_BYTES];
    if key.len() != 2 * HASH_BYTES {
        return None;
    }
    for (i, byte) in raw.iter_mut().enumerate() {
        *byte = u8::from_str_radix(key.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(raw)
}

/// The records of a pack, by key: the byte range of each payload checksum and payload. Reading
/// stops at the first record that does not fit in the file (a truncated pack keeps the
/// records before it); the first of two records with one key wins.
fn index_records(pack: &[u8]) -> HashMap<[u8; HASH_BYTES], Range<usize>> {
    let mut index = HashMap::new();
    if !pack.starts_with(MAGIC) {
        return index;
    }
    let mut offset = MAGIC.len();
    while let Some(header) = pack.get(offset..offset + HASH_BYTES + 8) {
        let (key, len) = header.split_at(HASH_BYTES);
        let (Ok(key), Ok(len)) = (<[u8; HASH_BYTES]>::try_from(key), <[u8; 8]>::try_from(len)) else {
            break;
        };
        let start = offset + HASH_BYTES + 8;
        let end = usize::try_from(u64::from_le_bytes(len))
            .ok()
            .and_then(|len| start.checked_add(CHECKSUM_BYTES)?.checked_add(len));
        let Some(end) = end.filter(|&end| end <= pack.len()) else {
            break;
        };
        index.entry(key).or_insert(start..end);
        offset = end;
    }
    index
}

/// A record (payload checksum, then payload) of an entry's encoding.
fn encode(entry: &Entry) -> Option<Vec<u8>> {
    let payload = postcard::to_stdvec(entry).ok()?;
    let mut record = Vec::with_capacity(CHECKSUM_BYTES + payload.len());
    record.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
    record.extend_from_slice(&payload);
    Some(record)
}

/// An entry from a record filed under `key`, if the payload is intact and decodes; its
/// articles know their origin (from the key).
fn decode(record: &[u8], key: &[u8; HASH_BYTES]) -> Option<Entry> {
    let (checksum, payload) = record.split_at_checked(CHECKSUM_BYTES)?;
    if crc32fast::hash(payload).to_le_bytes() != checksum {
        return None;
    }
    let mut entry: Entry = postcard::from_bytes(payload).ok()?;
    Article::set_origins(&mut entry.articles, key);
    Some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn entry(cache: &Cache, rel: &str, bytes: &[u8]) -> Entry {
        Entry {
            key: cache.key(rel, SourceKind::Raw, bytes),
            articles: Vec::new(),
            inputs: Vec::new(),
            warnings: vec![Warning::new(rel, "w")],
        }
    }

    /// A pack holding exactly `records`.
    fn write_pack(dir: &Path, records: &BTreeMap<[u8; HASH_BYTES], &[u8]>) {
        let size = MAGIC.len() + records.values().map(|r| r.len() + HASH_BYTES + 8).sum::<usize>();
        let mut bytes = Vec::with_capacity(size);
        bytes.extend_from_slice(MAGIC);
        for (key, record) in records {
            bytes.extend_from_slice(key);
            let payload_len = record.len().saturating_sub(CHECKSUM_BYTES) as u64;
            bytes.extend_from_slice(&payload_len.to_le_bytes());
            bytes.extend_from_slice(record);
        }
        let _ = crate::persist::write_atomically(&dir.join(PACK), &bytes);
    }

    fn pack_path(root: &Path) -> PathBuf {
        root.join(CACHE_DIR).join(FORMAT).join(PACK)
    }

    #[test]
    fn round_trip_and_key_sensitivity() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), "{}");
        let e = entry(&cache, "content/a.txt", b"abc");
        cache.put(&e);
        cache.save();
        let reopened = Cache::open(dir.path(), "{}");
        assert_eq!(reopened.get(&e.key).unwrap().warnings, e.warnings);
        assert_ne!(cache.key("content/a.txt", SourceKind::Raw, b"abd"), e.key);
        assert_ne!(cache.key("content/b.txt", SourceKind::Raw, b"abc"), e.key);
        assert_ne!(cache.key("content/a.txt", SourceKind::Curated, b"abc"), e.key);
        let other_config = Cache::open(dir.path(), "{\"paginate\":3}");
        assert_ne!(other_config.key("content/a.txt", SourceKind::Raw, b"abc"), e.key);
    }

    #[test]
    fn damaged_truncated_or_mismatched_entries_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), "{}");
        let a = entry(&cache, "content/a.txt", b"a");
        let b = entry(&cache, "content/b.txt", b"b");
        cache.put(&a);
        cache.put(&b);
        cache.save();
        let good = std::fs::read(pack_path(dir.path())).unwrap();

        // One byte flipped in the last record's payload: that entry only is ignored.
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 0x01;
        std::fs::write(pack_path(dir.path()), &flipped).unwrap();
        let reopened = Cache::open(dir.path(), "{}");
        // Records are written in the order entries were computed.
        let (first, second) = (&a, &b);
        assert!(reopened.get(&first.key).is_some());
        assert!(reopened.get(&second.key).is_none());

        // Truncated: the records before the cut are kept.
        std::fs::write(pack_path(dir.path()), &good[..good.len() - 3]).unwrap();
        let reopened = Cache::open(dir.path(), "{}");
        assert!(reopened.get(&first.key).is_some());
        assert!(reopened.get(&second.key).is_none());

        // Garbage, an empty file, a foreign file: an empty cache, no panic.
        for junk in [&b""[..], b"{not a pack", &good[..MAGIC.len() + 5]] {
            std::fs::write(pack_path(dir.path()), junk).unwrap();
            assert!(Cache::open(dir.path(), "{}").get(&first.key).is_none());
        }

        // A well-formed record filed under another key than its own.
        let mut forged = entry(&cache, "content/a.txt", b"a");
        forged.key = "0".repeat(64);
        let mut records = BTreeMap::new();
        let record = encode(&forged).unwrap();
        records.insert(raw_key(&a.key).unwrap(), record.as_slice());
        write_pack(&dir.path().join(CACHE_DIR).join(FORMAT), &records);
        assert!(Cache::open(dir.path(), "{}").get(&a.key).is_none());
        // Keys that are not 64 hex digits are never looked up.
        assert!(Cache::open(dir.path(), "{}").get("zz").is_none());
    }

    #[cfg(unix)]
    #[test]
    fn a_quick_rebuild_appends_its_new_entries_to_the_pack() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let inode = || std::fs::metadata(pack_path(dir.path())).unwrap().ino();
        let first = Cache::open(dir.path(), "{}");
        let entries: Vec<Entry> = (0..4)
            .map(|n| entry(&first, &format!("content/{n}.txt"), n.to_string().as_bytes()))
            .collect();
        for e in &entries {
            first.put(e);
        }
        first.save();
        let before = inode();
        // All four used, one new: appended in place.
        let second = Cache::open(dir.path(), "{}");
        assert!(entries.iter().all(|e| second.get(&e.key).is_some()));
        let added = entry(&second, "content/new.txt", b"new");
        second.put(&added);
        second.save();
        assert_eq!(inode(), before);
        // One of five unused (at most a quarter): kept, nothing rewritten.
        let third = Cache::open(dir.path(), "{}");
        assert!(third.get(&added.key).is_some());
        assert!(entries[1..].iter().all(|e| third.get(&e.key).is_some()));
        third.save();
        assert_eq!(inode(), before);
        // Three of five unused: rewritten with the used ones only.
        let fourth = Cache::open(dir.path(), "{}");
        assert!(entries[2..].iter().all(|e| fourth.get(&e.key).is_some()));
        fourth.save();
        assert_ne!(inode(), before);
        let fifth = Cache::open(dir.path(), "{}");
        assert!(fifth.get(&entries[0].key).is_none() && fifth.get(&added.key).is_none());
        assert!(fifth.get(&entries[3].key).is_some());
    }

    /// An entry of one article whose body is `body`.
    fn entry_with_body(cache: &Cache, rel: &str, body: &[&str]) -> Entry {
        let mut article = crate::render::testing::article("标题", None, ("浙江省", "杭州市", "330100"), &[], &[]);
        article.clean.body = body.iter().map(|p| p.to_string()).collect();
        Entry {
            articles: vec![article],
            inputs: vec![CorpusInputs::default()],
            ..entry(cache, rel, rel.as_bytes())
        }
    }

    #[test]
    fn bodies_stay_encoded_in_the_pack_until_read() {
        let dir = tempfile::tempdir().unwrap();
        let first = Cache::open(dir.path(), "{}");
        let e = entry_with_body(&first, "content/a.txt", &["第一段。", "第二段。"]);
        first.put(&e);
        first.save();
        let cache = Cache::open(dir.path(), "{}");
        let got = cache.get(&e.key).unwrap();
        let body = &got.articles[0].clean.body;
        assert!(body.is_encoded());
        // Encoded again as it came, without being decoded.
        assert_eq!(postcard::to_stdvec(&got).unwrap(), postcard::to_stdvec(&e).unwrap());
        assert!(body.is_encoded());
        assert_eq!(*body, ["第一段。", "第二段。"]);
        assert!(!body.is_encoded());
        // Read by people as paragraphs.
        assert_eq!(serde_json::to_string(body).unwrap(), r#"["第一段。","第二段。"]"#);
        assert!(!cache.damage_found());
    }

    #[test]
    fn a_body_that_does_not_decode_is_empty_and_reported() {
        let dir = tempfile::tempdir().unwrap();
        let first = Cache::open(dir.path(), "{}");
        let e = entry_with_body(&first, "content/a.txt", &["第一段。"]);
        // A record whose checksum holds but whose body is not UTF-8 (as a bug, or a forger,
        // could write): "第" starts with 0xE7, which cannot start a one-byte string.
        let mut record = encode(&e).unwrap();
        let at = record.windows(3).position(|w| w == "第".as_bytes()).unwrap();
        record[at] = 0xFF;
        let checksum = crc32fast::hash(&record[CHECKSUM_BYTES..]).to_le_bytes();
        record[..CHECKSUM_BYTES].copy_from_slice(&checksum);
        let mut records = BTreeMap::new();
        records.insert(raw_key(&e.key).unwrap(), record.as_slice());
        write_pack(&dir.path().join(CACHE_DIR).join(FORMAT), &records);

        let cache = Cache::open(dir.path(), "{}");
        let got = cache.get(&e.key).unwrap();
        assert!(!cache.damage_found());
        assert!(got.articles[0].clean.body.is_empty());
        assert!(cache.damage_found());
        cache.discard();
        assert!(Cache::open(dir.path(), "{}").get(&e.key).is_none());
    }

    #[test]
    fn save_prunes_unused_entries_and_skips_an_unchanged_pack() {
        let dir = tempfile::tempdir().unwrap();
        let first = Cache::open(dir.path(), "{}");
        let a = entry(&first, "content/a.txt", b"a");
        let b = entry(&first, "content/b.txt", b"b");
        first.put(&a);
        first.put(&b);
        first.save();
        std::fs::create_dir_all(dir.path().join(CACHE_DIR).join("v1/ab")).unwrap();
        let stray = pack_path(dir.path()).with_extension("tmp1-0");
        std::fs::write(&stray, b"left by a crashed build").unwrap();
        let stray_memo = first
            .dir()
            .join(crate::analyze::repost_memo::FILE)
            .with_extension("tmp1-0");
        std::fs::write(&stray_memo, b"left by a crashed build").unwrap();

        let second = Cache::open(dir.path(), "{}");
        assert!(second.get(&a.key).is_some());
        second.save();
        let third = Cache::open(dir.path(), "{}");
        assert!(third.get(&a.key).is_some());
        assert!(third.get(&b.key).is_none());
        assert!(!dir.path().join(CACHE_DIR).join("v1").exists());
        assert!(!stray.exists());
        assert!(!stray_memo.exists());

        // Nothing changed: the pack is not rewritten (a rewrite renames a new file in).
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let inode = || std::fs::metadata(pack_path(dir.path())).unwrap().ino();
            let before = inode();
            third.save();
            assert_eq!(inode(), before);
            let fourth = Cache::open(dir.path(), "{}");
            fourth.put(&b);
            fourth.save();
            assert_ne!(inode(), before);
        }
    }
}

/// Serde for [`SharedBytes`] as one byte string: decoded from the mapped pack, the bytes are
/// pointed to where they lie (no copy). For `#[serde(with = "crate::cache::shared_bytes")]`.
pub mod shared_bytes {
    use super::SharedBytes;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &SharedBytes, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SharedBytes, D::Error> {
        deserializer.deserialize_bytes(Visitor { unit: 1 })
    }

    /// Takes a byte string whose length is a multiple of `unit`.
    pub(super) struct Visitor {
        pub(super) unit: usize,
    }

    impl<'de> serde::de::Visitor<'de> for Visitor {
        type Value = SharedBytes;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "a byte string of {}-byte units", self.unit)
        }
        fn visit_borrowed_bytes<E: serde::de::Error>(self, bytes: &'de [u8]) -> Result<SharedBytes, E> {
            self.check(bytes)?;
            Ok(SharedBytes::borrowed(bytes))
        }
        fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<SharedBytes, E> {
            self.check(bytes)?;
            Ok(SharedBytes::owned(bytes.to_vec()))
        }
    }

    impl Visitor {
        fn check<E: serde::de::Error>(&self, bytes: &[u8]) -> Result<(), E> {
            if bytes.len() % self.unit == 0 {
                Ok(())
            } else {
                Err(E::invalid_length(bytes.len(), self))
            }
        }
    }
}

/// Serde for [`SharedBytes`] holding 8-byte numbers (as [`le_bytes`] writes them), pointed to
/// in the mapped pack. For `#[serde(with = "crate::cache::shared_numbers")]`.
pub mod shared_numbers {
    use super::SharedBytes;
    use serde::Deserializer;

    pub use super::shared_bytes::serialize;

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<SharedBytes, D::Error> {
        deserializer.deserialize_bytes(super::shared_bytes::Visitor { unit: 8 })
    }
}

/// Serde for vectors of 8-byte numbers as one byte string (their little-endian bytes): what
/// the build cache holds of every article's corpus inputs is decoded by one copy instead of
/// one call per number. For `#[serde(with = "crate::cache::le_bytes")]` on `Vec<f64>` and
/// `Vec<u64>` fields.
pub mod le_bytes {
    use serde::{Deserializer, Serializer};

    /// A number kept as its 8 little-endian bytes.
    pub trait Number: Copy {
        fn to_le(self) -> [u8; 8];
        fn from_le(bytes: [u8; 8]) -> Self;
    }

    impl Number for f64 {
        fn to_le(self) -> [u8; 8] {
            self.to_le_bytes()
        }
        fn from_le(bytes: [u8; 8]) -> f64 {
            f64::from_le_bytes(bytes)
        }
    }

    impl Number for u64 {
        fn to_le(self) -> [u8; 8] {
            self.to_le_bytes()
        }
        fn from_le(bytes: [u8; 8]) -> u64 {
            u64::from_le_bytes(bytes)
        }
    }

    pub fn serialize<N: Number, S: Serializer>(numbers: &[N], serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = numbers.iter().flat_map(|n| n.to_le()).collect();
        serializer.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, N: Number, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<N>, D::Error> {
        struct Visitor<N>(std::marker::PhantomData<N>);
        impl<N: Number> serde::de::Visitor<'_> for Visitor<N> {
            type Value = Vec<N>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string of 8-byte numbers")
            }
            fn visit_bytes<E: serde::de::Error>(self, bytes: &[u8]) -> Result<Vec<N>, E> {
                if bytes.len() % 8 != 0 {
                    return Err(E::invalid_length(bytes.len(), &self));
                }
                Ok(bytes
                    .chunks_exact(8)
                    .map(|chunk| {
                        let mut le = [0u8; 8];
                        le.copy_from_slice(chunk);
                        N::from_le(le)
                    })
                    .collect())
            }
        }
        deserializer.deserialize_bytes(Visitor(std::marker::PhantomData))
    }

    #[cfg(test)]
    mod tests {
        #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
        struct Numbers {
            #[serde(with = "super")]
            floats: Vec<f64>,
            #[serde(with = "super")]
            ints: Vec<u64>,
        }

        #[test]
        fn numbers_round_trip_and_a_torn_string_is_refused() {
            let numbers = Numbers {
                floats: vec![0.5, -3.25, f64::MAX],
                ints: vec![0, 7, u64::MAX],
            };
            let bytes = postcard::to_stdvec(&numbers).unwrap();
            assert_eq!(bytes.len(), 2 * (1 + 24));
            assert_eq!(postcard::from_bytes::<Numbers>(&bytes).unwrap(), numbers);
            let mut torn = bytes.clone();
            torn[0] = 23;
            assert!(postcard::from_bytes::<Numbers>(&torn).is_err());
        }
    }
}
