//! Output. Nothing is published until every page has rendered, so a failed build leaves the
//! published site untouched. Guards refuse output directories that would destroy the site
//! itself, and only a directory an earlier build marked as its own is ever replaced. Files
//! whose bytes did not change are not rewritten and keep their modification time (rsync and
//! CDN uploads skip them).
//!
//! Two ways to publish:
//! - **Full**: the first build, or whenever the previous output is not known exactly (no
//!   build cache, no manifest, or the output's marker names another build). Every file goes
//!   into a fresh sibling directory that is swapped in whole (see [`Staging`]).
//! - **Update**: the build cache holds a manifest of the previous build's files (content hash
//!   and, for pages, the hash of everything the page was rendered from), and the marker in the
//!   output directory names that same build. A page whose inputs did not change is neither
//!   rendered nor written ([`Output::reuse`]); changed files are held in memory (a large file,
//!   or more than [`PENDING_BUDGET`] in all, is staged beside the output instead) and written
//!   once the whole build has succeeded, and files the site no longer has are removed. While an
//!   update is applied the marker says so: a build interrupted there leaves a marker no
//!   manifest matches, and the next build is a full one.
//!
//! An update overwrites a changed file in place, as Hugo and Zola do, rather than renaming a
//! new file over it: a new file costs a new inode, and on ext4 without a journal (this
//! project's CI and benchmark machine) allocating inodes soon after deleting others scans
//! past every recently deleted one, which made the ~1,300 new files of a one-article update
//! cost 0.5 s of CPU. The price: a reader of the output during the publish step (tens of
//! milliseconds) may see a page half written, so serve the output through a copy (rsync, an
//! upload) rather than straight from the directory being built. A file with other hard links
//! (a `cp -al` snapshot) is still replaced by a rename, so the snapshot keeps its bytes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::json_array::Piece;
use crate::error::{Error, Result};

/// Bytes of changed files an update holds in memory until it publishes; beyond them (a
/// template change rewrites every page) files are staged on disk.
pub const PENDING_BUDGET: usize = 64 << 20;

/// A changed file larger than this is staged on disk rather than held in memory.
const PENDING_FILE_MAX: usize = 1 << 20;

/// The buffer between a file written piece by piece and the file: the data export's records
/// are a few KB each, written a megabyte at a time.
const STREAM_BUFFER: usize = 1 << 20;

/// Name of the marker file every build writes into its output directory.
pub const MARKER: &str = ".union-digest-output";

/// Make a path absolute and resolve `.`/`..` lexically, then resolve symlinks of the
/// longest existing ancestor.
pub fn normalise(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io(path, e))?;
    let mut lexical = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other.as_os_str()),
        }
    }
    let mut existing = lexical.clone();
    let mut tail = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => tail.push(name.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for name in tail.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// Check that `output` may be (re)written by a build of the site at `root`.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<PathBuf> {
    let root = normalise(root)?;
    let out = normalise(output)?;
    let refuse = |reason: &str| Error::OutputRefused {
        path: output.to_path_buf(),
        reason: reason.to_string(),
    };
    if out.parent().is_none() {
        return Err(refuse("it is the filesystem root"));
    }
    if out == root {
        return Err(refuse("it is the site root; use a subdirectory such as public/"));
    }
    if root.starts_with(&out) {
        return Err(refuse("it contains the site (an ancestor of the site root)"));
    }
    for protected in [
        "content",
        "themes",
        "templates",
        "data",
        "src",
        ".git",
        ".union-digest-cache",
    ] {
        if out.starts_with(root.join(protected)) {
            return Err(refuse(&format!("it is inside the site's {protected}/ directory")));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return Err(refuse("it exists and is not a directory"));
        }
        let empty = std::fs::read_dir(&out)
            .map_err(|e| Error::io(&out, e))?
            .next()
            .is_none();
        if !empty && !out.join(MARKER).is_file() {
            return Err(refuse(&format!(
                "it holds files no union-digest build wrote (no {MARKER}); empty it or choose another --output"
            )));
        }
    }
    Ok(out)
}

/// A build in progress: files go to a staging directory beside the final one.
#[derive(Debug)]
pub struct Staging {
    pub dir: PathBuf,
    target: PathBuf,
}

impl Staging {
    /// Create a fresh staging directory for `target` (already checked).
    pub fn create(target: &Path) -> Result<Staging> {
        let parent = target.parent().ok_or_else(|| Error::OutputRefused {
            path: target.to_path_buf(),
            reason: "has no parent directory".into(),
        })?;
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let name = target
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
        let dir = parent.join(format!(".{name}.building-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        std::fs::write(
            dir.join(MARKER),
            "written by union-digest; safe to delete with the directory\n",
        )
        .map_err(|e| Error::io(&dir, e))?;
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    /// No directory at all: for an [`Output::discarding`], which checks paths but writes
    /// nothing.
    fn nowhere() -> Staging {
        Staging {
            dir: PathBuf::new(),
            target: PathBuf::new(),
        }
    }

    /// Write one file at a site-relative path (forward slashes, no `..`). A path is written
    /// once per build: two pages claiming the same path (colliding slugs) are an error, never
    /// one page silently replacing another.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(rel)?;
        write_new_file(&path, rel, &[bytes])
    }

    /// Resolve a site-relative path inside the staging directory, refusing escapes.
    pub fn path_of(&self, rel: &str) -> Result<PathBuf> {
        let safe = !rel.is_empty()
            && !rel.starts_with('/')
            && !rel.contains('\\')
            && !rel.contains('\0')
            && rel.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..");
        if !safe {
            return Err(Error::OutputRefused {
                path: PathBuf::from(rel),
                reason: "a page path must stay inside the output directory".into(),
            });
        }
        Ok(self.dir.join(rel))
    }

    /// Swap the staging directory in. Unchanged files keep the previous build's copy (and
    /// so its modification time). The old output directory is removed only after the swap.
    pub fn commit(self) -> Result<()> {
        let target = self.target.clone();
        if target.exists() {
            keep_unchanged_files(&target, &self.dir, &self.dir)?;
            let parent = target.parent().expect("checked in create");
            let name = target
                .file_name()
                .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
            let old = parent.join(format!(".{name}.old-{}", std::process::id()));
            if old.exists() {
                std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
            }
            std::fs::rename(&target, &old).map_err(|e| Error::io(&target, e))?;
            if let Err(e) = std::fs::rename(&self.dir, &target) {
                // Put the old site back before reporting.
                let _ = std::fs::rename(&old, &target);
                return Err(Error::io(&target, e));
            }
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
        } else {
            std::fs::rename(&self.dir, &target).map_err(|e| Error::io(&target, e))?;
        }
        std::mem::forget(self);
        Ok(())
    }
}

impl Drop for Staging {
    /// A build that did not commit leaves nothing behind.
    fn drop(&mut self) {
        if self.dir.as_os_str().is_empty() {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// For every file of `new_root` whose bytes equal the file at the same place in `old_root`,
/// move the old file over the new one so its timestamp survives.
fn keep_unchanged_files(old_root: &Path, new_root: &Path, dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if file_type.is_dir() {
            keep_unchanged_files(old_root, new_root, &path)?;
            continue;
        }
        let Ok(rel) = path.strip_prefix(new_root) else { continue };
        let old = old_root.join(rel);
        // Only regular files of the old site are carried over: a symlink planted in the
        // output directory must not travel into the new one.
        let same_size = std::fs::symlink_metadata(&old)
            .map(|m| m.is_file() && m.len() == entry.metadata().map_or(u64::MAX, |n| n.len()));
        if same_size.unwrap_or(false) {
            let (a, b) = (std::fs::read(&old), std::fs::read(&path));
            if let (Ok(a), Ok(b)) = (a, b) {
                if a == b {
                    std::fs::rename(&old, &path).map_err(|e| Error::io(&old, e))?;
                }
            }
        }
    }
    Ok(())
}

/// What a build wrote at one path: the hash of the bytes, and for a page the hash of the
/// inputs it was rendered from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Record {
    pub content: blake3::Hash,
    pub key: Option<blake3::Hash>,
}

/// Every file of one build's output, by site-relative path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    pub build_id: String,
    pub files: Files,
}

/// The files of a manifest: sorted by path, each path once. A vector rather than a map: the
/// previous build's files are looked up through [`FileSlots`] by their place in it, and a
/// build's files are sorted once, at commit, not inserted one by one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Files(Vec<(String, Record)>);

impl Files {
    /// Files from `entries` in any order; a path given twice keeps its last record.
    pub fn from_unsorted(mut entries: Vec<(String, Record)>) -> Files {
        // Stable, so equal paths keep their order and the last one wins below.
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut files: Vec<(String, Record)> = Vec::with_capacity(entries.len());
        for entry in entries {
            match files.last_mut() {
                Some(last) if last.0 == entry.0 => *last = entry,
                _ => files.push(entry),
            }
        }
        Files(files)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, (String, Record)> {
        self.0.iter()
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(path, _)| path)
    }

    fn position(&self, rel: &str) -> Option<usize> {
        self.0.binary_search_by(|(path, _)| path.as_str().cmp(rel)).ok()
    }

    pub fn get(&self, rel: &str) -> Option<&Record> {
        self.position(rel).map(|at| &self.0[at].1)
    }

    pub fn contains_key(&self, rel: &str) -> bool {
        self.position(rel).is_some()
    }

    /// Add or replace the record of `path`.
    pub fn insert(&mut self, path: String, record: Record) {
        match self.0.binary_search_by(|(p, _)| p.as_str().cmp(&path)) {
            Ok(at) => self.0[at].1 = record,
            Err(at) => self.0.insert(at, (path, record)),
        }
    }
}

impl<'a> IntoIterator for &'a Files {
    type Item = &'a (String, Record);
    type IntoIter = std::slice::Iter<'a, (String, Record)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl From<BTreeMap<String, Record>> for Files {
    fn from(map: BTreeMap<String, Record>) -> Files {
        Files(map.into_iter().collect())
    }
}

/// The previous build's files found by path in one hash lookup (a page asks for its path
/// once to be reused; 22,000 binary searches of 36,000 paths cost a rebuild about 10 ms),
/// and which of them this build has claimed: a reused page sets its flag instead of taking
/// the lock of [`Output::records`] and a copy of its path.
#[derive(Debug)]
struct FileSlots {
    /// Place in the previous manifest's files by the path's hash, [`SHARED_SLOT`] for a hash
    /// two paths share (their lookup searches the sorted paths instead).
    by_hash: FxHashMap<u64, u32>,
    claimed: Vec<std::sync::atomic::AtomicBool>,
}

/// A [`FileSlots`] hash that several paths share.
const SHARED_SLOT: u32 = u32::MAX;

impl FileSlots {
    fn of(files: &Files) -> FileSlots {
        let mut by_hash = FxHashMap::with_capacity_and_hasher(files.len(), Default::default());
        for (at, (path, _)) in files.iter().enumerate() {
            let slot = u32::try_from(at).unwrap_or(SHARED_SLOT);
            by_hash
                .entry(path_hash(path))
                .and_modify(|s| *s = SHARED_SLOT)
                .or_insert(slot);
        }
        FileSlots {
            by_hash,
            claimed: (0..files.len()).map(|_| Default::default()).collect(),
        }
    }

    /// The place of `rel` in `files` (the files these slots were made of).
    fn slot(&self, files: &Files, rel: &str) -> Option<usize> {
        match *self.by_hash.get(&path_hash(rel))? {
            SHARED_SLOT => files.position(rel),
            slot => {
                let at = slot as usize;
                (files.0.get(at)?.0 == rel).then_some(at)
            }
        }
    }
}

fn path_hash(path: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(path)
}

/// The first bytes of a manifest file.
const MANIFEST_MAGIC: &[u8] = b"union-digest output manifest v2\n";
/// Bytes of a content hash or a key.
const HASH_LEN: usize = blake3::OUT_LEN;

impl Manifest {
    /// The manifest as bytes: the magic line, the build id, the number of files, then per
    /// file its path, content hash and key (if any), and last a CRC-32 of all before it.
    /// Lengths and counts are little-endian u32, hashes their 32 bytes: binary, because
    /// parsing 36,000 lines of hex cost a 10k site's quick rebuild 30 ms of CPU.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(
            MANIFEST_MAGIC.len()
                + 64
                + self
                    .files
                    .keys()
                    .map(|path| path.len() + 4 + 1 + 2 * HASH_LEN)
                    .sum::<usize>(),
        );
        bytes.extend_from_slice(MANIFEST_MAGIC);
        push_text(&mut bytes, &self.build_id);
        bytes.extend_from_slice(&(self.files.len() as u32).to_le_bytes());
        for (path, record) in &self.files {
            push_text(&mut bytes, path);
            bytes.extend_from_slice(record.content.as_bytes());
            match &record.key {
                Some(key) => {
                    bytes.push(1);
                    bytes.extend_from_slice(key.as_bytes());
                }
                None => bytes.push(0),
            }
        }
        let checksum = crc32fast::hash(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        bytes
    }

    /// An id of the files' paths and content hashes only (not the keys pages were rendered
    /// from, which differ with and without the build cache).
    fn content_id(&self) -> String {
        // The bytes are gathered before they are hashed (the same hash as feeding each field
        // in turn): BLAKE3 hashes a long input several chunks at once, while fed a few dozen
        // bytes at a time it compresses one block at a time (7 ms for 36,000 files).
        let size = self.files.keys().map(|path| path.len() + 1 + HASH_LEN).sum();
        let mut bytes = Vec::with_capacity(size);
        for (path, record) in &self.files {
            bytes.extend_from_slice(path.as_bytes());
            bytes.push(0);
            bytes.extend_from_slice(record.content.as_bytes());
        }
        blake3::hash(&bytes).to_hex()[..32].to_string()
    }

    /// Read and parse the manifest at `path`; None if it is missing or anything in it is off.
    pub fn read(path: &Path) -> Option<Manifest> {
        Manifest::parse(&std::fs::read(path).ok()?)
    }

    /// Parse a manifest; None if anything in it is off (it is then simply not used).
    pub fn parse(bytes: &[u8]) -> Option<Manifest> {
        let (body, checksum) = bytes.split_last_chunk::<4>()?;
        if crc32fast::hash(body) != u32::from_le_bytes(*checksum) {
            return None;
        }
        let mut reader = Reader(body.strip_prefix(MANIFEST_MAGIC)?);
        let build_id = reader.text()?;
        if build_id.is_empty() {
            return None;
        }
        let count = reader.count()?;
        // Never more files than the bytes could describe (a damaged count allocates nothing).
        let mut files = Vec::with_capacity(count.min(reader.0.len() / (4 + 1 + HASH_LEN)));
        for _ in 0..count {
            let path = reader.text()?;
            let content = reader.hash()?;
            let key = match reader.take(1)? {
                [0] => None,
                [1] => Some(reader.hash()?),
                _ => return None,
            };
            if path.is_empty() {
                return None;
            }
            files.push((path, Record { content, key }));
        }
        if !reader.0.is_empty() {
            return None;
        }
        // Collected at once (a manifest lists its paths in order: tens of thousands of
        // inserts one by one cost several times more); a path listed twice keeps its last
        // entry, as inserting would.
        Some(Manifest {
            build_id,
            files: Files::from_unsorted(files),
        })
    }
}

/// A text as its length (u32, little-endian) and its UTF-8 bytes.
fn push_text(bytes: &mut Vec<u8>, text: &str) {
    bytes.extend_from_slice(&(text.len() as u32).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
}

/// What is left of a manifest being parsed.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(taken)
    }

    fn count(&mut self) -> Option<usize> {
        let bytes = self.take(4)?;
        usize::try_from(u32::from_le_bytes(bytes.try_into().ok()?)).ok()
    }

    fn text(&mut self) -> Option<String> {
        let len = self.count()?;
        String::from_utf8(self.take(len)?.to_vec()).ok()
    }

    fn hash(&mut self) -> Option<blake3::Hash> {
        let bytes: [u8; HASH_LEN] = self.take(HASH_LEN)?.try_into().ok()?;
        Some(blake3::Hash::from_bytes(bytes))
    }
}

/// First line of a state file, before the build id it belongs to.
const STATE_HEADER: &str = "union-digest output state v1";

/// Where the state `name` of the output whose manifest is at `manifest` is kept.
fn state_path(manifest: &Path, name: &str) -> PathBuf {
    manifest.with_extension(format!("{name}.state"))
}

/// How long the manifest set of another output of the site (its manifest, states and memos,
/// tens of MB at 10k articles) is kept after its last build. Every output directory has its
/// own set, and one whose output has been renamed or dropped is never used again: before
/// session 10 the default output's set was named by its absolute path, so every move of a
/// site (each CI checkout elsewhere) left one behind in the cache. Removing the set of an
/// output still in use costs that output one full build.
const ABANDONED_SET_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// Remove the files of the manifest sets beside `manifest` (the set this build saved) whose
/// newest file is older than [`ABANDONED_SET_AGE`] at `now`. Best effort: a file that cannot
/// be removed stays, and nothing else changes.
fn remove_abandoned_sets(manifest: &Path, now: SystemTime) {
    let (Some(dir), Some(own)) = (manifest.parent(), set_name(manifest)) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // Each other set's files and its newest modification time, by set name.
    let mut sets: BTreeMap<String, (Vec<PathBuf>, SystemTime)> = BTreeMap::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = set_name(&path).filter(|name| *name != own).map(str::to_string) else {
            continue;
        };
        let modified = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok());
        let Some(modified) = modified else { continue };
        let set = sets.entry(name).or_insert_with(|| (Vec::new(), SystemTime::UNIX_EPOCH));
        set.0.push(path);
        set.1 = set.1.max(modified);
    }
    for (files, newest) in sets.into_values() {
        if now.duration_since(newest).is_ok_and(|age| age > ABANDONED_SET_AGE) {
            for file in files {
                let _ = std::fs::remove_file(file);
            }
        }
    }
}

/// The manifest set a file of the manifests' directory belongs to: its name up to the first
/// dot (`<set>.manifest`, `<set>.<name>.state`, `<set>.<name>.memo`).
fn set_name(path: &Path) -> Option<&str> {
    path.file_name()?
        .to_str()?
        .split('.')
        .next()
        .filter(|name| !name.is_empty())
}

/// The build id an output directory's marker names, if any.
fn marker_build_id(dir: &Path) -> Option<String> {
    let meta = std::fs::symlink_metadata(dir.join(MARKER)).ok()?;
    if !meta.is_file() {
        return None;
    }
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    text.lines().find_map(|l| l.strip_prefix("build ")).map(str::to_string)
}

fn marker_text(build_id: &str) -> String {
    format!("written by union-digest; safe to delete with the directory\nbuild {build_id}\n")
}

/// What a publish changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    /// Files written with new bytes (all files on a full build into an empty directory).
    pub changed: usize,
    /// Files of the previous output the site no longer has.
    pub removed: usize,
    /// Whether the previous output was updated in place rather than replaced.
    pub updated: bool,
}

/// What to do with the bytes of a file being written (see [`Output::plan`]).
enum Plan {
    Unchanged,
    Hold,
    Write(PathBuf),
}

/// The output of one build in progress (see the module documentation).
#[derive(Debug)]
pub struct Output {
    staging: Staging,
    /// The previous build's files when this build updates them in place.
    previous: Option<Manifest>,
    /// The previous build's files by path, and which this build claimed (with `previous`).
    slots: Option<FileSlots>,
    /// Where the manifest of this build is saved (None: no build cache).
    manifest_path: Option<PathBuf>,
    /// Every file of this build so far but those kept as the previous build wrote them
    /// (flagged in `slots`): hashed, as pages claim their paths from all cores (inserted
    /// into a sorted map under the lock, they cost a rebuild 20 ms of CPU); sorted once, into
    /// the manifest, at commit.
    records: Mutex<FxHashMap<String, Record>>,
    /// Files staged with new bytes (update mode).
    changed: Mutex<Vec<String>>,
    /// Files with new bytes held in memory, written over the previous files at commit
    /// (update mode), and their total size.
    pending: Mutex<Vec<(String, Vec<u8>)>>,
    pending_bytes: AtomicUsize,
    /// Large files rewritten in place from their own bytes at commit (update mode; see
    /// [`Output::write_patched`]).
    splices: Mutex<Vec<Splice>>,
    /// State saved beside the manifest at commit, by name (see [`Output::save_state`]).
    states: Mutex<BTreeMap<String, Vec<u8>>>,
    /// Files are checked and claimed, then dropped (see [`Output::discarding`]).
    discard: bool,
}

impl Output {
    /// A full build into a fresh staging directory, without a manifest.
    pub fn full(staging: Staging) -> Output {
        Output {
            staging,
            previous: None,
            slots: None,
            manifest_path: None,
            records: Mutex::new(FxHashMap::default()),
            changed: Mutex::new(Vec::new()),
            pending: Mutex::new(Vec::new()),
            pending_bytes: AtomicUsize::new(0),
            splices: Mutex::new(Vec::new()),
            states: Mutex::new(BTreeMap::new()),
            discard: false,
        }
    }

    /// An output that keeps nothing: every file is checked as a build checks it (its path
    /// stays inside the output, no two files claim one path) and its bytes are dropped. For
    /// `check`, which renders every page to find template errors: into a scratch directory
    /// that was 456 MB of files at 10k articles and 5.6 GB at 100k, written only to be
    /// deleted. It publishes nothing.
    pub fn discarding() -> Output {
        let mut output = Output::full(Staging::nowhere());
        output.discard = true;
        output
    }

    /// Open the output at `target` (already checked), keeping its manifest at
    /// `manifest_path` (None: no build cache). Updates in place when the manifest describes
    /// exactly what `target` holds, else builds in full.
    pub fn open(target: &Path, manifest_path: Option<PathBuf>) -> Result<Output> {
        let manifest = manifest_path.as_deref().and_then(Manifest::read);
        Output::open_with(target, manifest_path, manifest)
    }

    /// [`Output::open`] with the manifest already read from `manifest_path` (a build reads
    /// it on a thread of its own while the per-file stages run).
    pub fn open_with(target: &Path, manifest_path: Option<PathBuf>, manifest: Option<Manifest>) -> Result<Output> {
        let previous = manifest.and_then(|manifest| {
            let is_real_dir = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_dir());
            (is_real_dir && marker_build_id(target).as_deref() == Some(manifest.build_id.as_str())).then_some(manifest)
        });
        let mut output = Output::full(Staging::create(target)?);
        output.slots = previous.as_ref().map(|previous| FileSlots::of(&previous.files));
        output.previous = previous;
        output.manifest_path = manifest_path;
        Ok(output)
    }

    /// Whether this build updates the previous output in place.
    pub fn is_update(&self) -> bool {
        self.previous.is_some()
    }

    /// The directory files are staged in.
    pub fn staging_dir(&self) -> &Path {
        &self.staging.dir
    }

    /// Claim `rel` for a file of this build recorded as `record`: an error if another file
    /// of this build has claimed it. Returns the previous build's record of `rel`, if any.
    fn claim(&self, rel: &str, record: Record) -> Result<Option<Record>> {
        match self.previous_slot(rel) {
            Some(slot) => self.claim_previous(rel, slot, Some(record)),
            None => self.claim_new(rel, record).map(|()| None),
        }
    }

    /// The place of `rel` among the previous build's files, if that build wrote it.
    fn previous_slot(&self, rel: &str) -> Option<usize> {
        let (previous, slots) = (self.previous.as_ref()?, self.slots.as_ref()?);
        slots.slot(&previous.files, rel)
    }

    /// Claim `rel`, the previous build's file at `slot`, for a file recorded as `record`
    /// (None: as the previous build recorded it). Returns the previous build's record.
    fn claim_previous(&self, rel: &str, slot: usize, record: Option<Record>) -> Result<Option<Record>> {
        let claimed = self.slots.as_ref().and_then(|slots| slots.claimed.get(slot));
        if claimed.is_some_and(|flag| flag.swap(true, Ordering::Relaxed)) {
            return Err(two_claims(rel));
        }
        let previous = self
            .previous
            .as_ref()
            .and_then(|m| m.files.0.get(slot))
            .map(|(_, r)| *r);
        if let Some(record) = record.filter(|&record| Some(record) != previous) {
            self.records
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(rel.to_string(), record);
        }
        Ok(previous)
    }

    fn claim_new(&self, rel: &str, record: Record) -> Result<()> {
        let mut records = self.records.lock().unwrap_or_else(|p| p.into_inner());
        if records.insert(rel.to_string(), record).is_some() {
            return Err(two_claims(rel));
        }
        Ok(())
    }

    /// Keep the previous build's file at `rel` if it was rendered from the same inputs
    /// (`key`): true means the page needs neither rendering nor writing. The manifest is
    /// trusted for pages (the marker ties it to the output): checking that each of 22,000
    /// pages is still there costs a `stat` each, a tenth of a second of a one-article
    /// rebuild, so a page deleted by hand comes back when its inputs change or on a full build.
    pub fn reuse(&self, rel: &str, key: &blake3::Hash) -> Result<bool> {
        let Some(slot) = self.previous_slot(rel) else {
            return Ok(false);
        };
        let old = self.previous.as_ref().and_then(|m| m.files.0.get(slot)).map(|(_, r)| r);
        if old.and_then(|old| old.key.as_ref()) != Some(key) {
            return Ok(false);
        }
        self.claim_previous(rel, slot, None)?;
        Ok(true)
    }

    /// Whether [`Output::reuse`] would keep the previous build's file at `rel`, without
    /// claiming it: an output made of many files (the search index) checks that all the
    /// files it means to keep are there before it keeps any.
    pub fn can_reuse(&self, rel: &str, key: &blake3::Hash) -> bool {
        let old = self.previous.as_ref().and_then(|m| m.files.get(rel));
        old.is_some_and(|old| old.key.as_ref() == Some(key)) && self.still_there(rel)
    }

    /// Keep every file the previous build wrote with the group key `key` (the files of one
    /// output made as a whole, such as the search index), if there are any and all are still
    /// there: true means the group needs neither building nor writing. A group's files are
    /// written with [`Output::write`] and the same key.
    pub fn reuse_group(&self, key: &blake3::Hash) -> Result<bool> {
        let Some(previous) = &self.previous else {
            return Ok(false);
        };
        let group: Vec<(&String, &Record)> = previous
            .files
            .iter()
            .filter(|(_, r)| r.key.as_ref() == Some(key))
            .map(|(path, record)| (path, record))
            .collect();
        let all_there = !group.is_empty() && group.iter().all(|(rel, _)| self.still_there(rel));
        if !all_there {
            return Ok(false);
        }
        for (rel, record) in group {
            self.claim(rel, *record)?;
        }
        Ok(true)
    }

    /// Whether the previous build's file at `rel` is still a file in the output: one deleted
    /// by hand is written again.
    fn still_there(&self, rel: &str) -> bool {
        std::fs::symlink_metadata(self.staging.target.join(rel)).is_ok_and(|m| m.is_file())
    }

    /// Read a file of the previous output that this build reused.
    pub fn read_previous(&self, rel: &str) -> Option<Vec<u8>> {
        self.previous.as_ref()?.files.get(rel)?;
        std::fs::read(self.staging.target.join(rel)).ok()
    }

    /// Open a file of the previous output that this build updates, to read it in place
    /// (memory-mapped) rather than copied: only a regular file the previous build wrote.
    pub fn open_previous(&self, rel: &str) -> Option<std::fs::File> {
        self.previous.as_ref()?.files.get(rel)?;
        if !self.still_there(rel) {
            return None;
        }
        std::fs::File::open(self.staging.target.join(rel)).ok()
    }

    /// The state an output made in parts saved with the previous build (see
    /// [`Output::save_state`]), when this build updates that build's output: None on a full
    /// build, or when the state is missing or belongs to another build.
    pub fn previous_state(&self, name: &str) -> Option<Vec<u8>> {
        let previous = self.previous.as_ref()?;
        let mut bytes = std::fs::read(state_path(self.manifest_path.as_deref()?, name)).ok()?;
        let header = format!("{STATE_HEADER}\t{}\n", previous.build_id);
        // Moved down in place: a copy of a state of several MB costs fresh memory.
        bytes.starts_with(header.as_bytes()).then(|| {
            bytes.drain(..header.len());
            bytes
        })
    }

    /// Where a memo of rendered fragments named `name` is kept beside the manifest (see
    /// [`super::memo`]); None without a build cache.
    pub fn memo_path(&self, name: &str) -> Option<PathBuf> {
        debug_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        Some(self.manifest_path.as_deref()?.with_extension(format!("{name}.memo")))
    }

    /// Keep `bytes` for the next build, which reads them with [`Output::previous_state`]
    /// only while the output is exactly what this build publishes: the state file names the
    /// build it belongs to. Lets an output made from the whole corpus (the search index, the
    /// data export) be patched rather than remade. `name` is a plain word (letters, digits,
    /// `-`). Without a build cache nothing is kept.
    pub fn save_state(&self, name: &str, bytes: Vec<u8>) {
        debug_assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        self.states
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string(), bytes);
    }

    /// Write one file at a site-relative path; `key` is the hash of a page's inputs (see
    /// [`Output::reuse`]). Returns whether the bytes differ from the previous build's.
    pub fn write(&self, rel: &str, bytes: &[u8], key: Option<blake3::Hash>) -> Result<bool> {
        self.write_pieces(rel, &[bytes], key)
    }

    /// Write a large file given as pieces, without joining them in memory first.
    pub fn write_pieces<P: AsRef<[u8]>>(&self, rel: &str, pieces: &[P], key: Option<blake3::Hash>) -> Result<bool> {
        let mut hasher = blake3::Hasher::new();
        for piece in pieces {
            hasher.update(piece.as_ref());
        }
        self.write_record(
            rel,
            pieces,
            Record {
                content: hasher.finalize(),
                key,
            },
        )
    }

    /// Write a large file whose bytes `key` determines (equal keys give equal bytes: the key
    /// holds everything the file is made from, the tool's version included) without hashing
    /// the bytes: the manifest records a hash of the key as the content hash. For an output
    /// patched from parts (the data export, tens of MB), where hashing the bytes costs nearly
    /// as much as writing them. Returns whether the bytes differ from the previous build's.
    pub fn write_pieces_keyed<P: AsRef<[u8]>>(&self, rel: &str, pieces: &[P], key: blake3::Hash) -> Result<bool> {
        let content = keyed_content(&key);
        self.write_record(
            rel,
            pieces,
            Record {
                content,
                key: Some(key),
            },
        )
    }

    /// [`Output::write_pieces_keyed`] for a file made piece by piece: `fill` gets a sink for
    /// the pieces, in file order, which go to the file as they come (through a buffer), so
    /// the file is never whole in memory. Returns what `fill` returns, or None when the
    /// file needs no writing (the previous build's bytes, or a discarding output): then
    /// `fill` is not run.
    pub fn write_streamed_keyed<T>(
        &self,
        rel: &str,
        key: blake3::Hash,
        fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> Result<()>) -> Result<T>,
    ) -> Result<Option<T>> {
        use std::io::Write;
        let record = Record {
            content: keyed_content(&key),
            key: Some(key),
        };
        // Its size is not known before it is made: planned as too large to hold in memory.
        match self.plan(rel, record, usize::MAX)? {
            Plan::Unchanged => Ok(None),
            Plan::Hold => {
                let mut bytes = Vec::new();
                let made = fill(&mut |piece| {
                    bytes.extend_from_slice(piece);
                    Ok(())
                })?;
                self.hold(rel, bytes);
                Ok(Some(made))
            }
            Plan::Write(path) => {
                let mut file = std::io::BufWriter::with_capacity(STREAM_BUFFER, create_new_file(&path, rel)?);
                let made = fill(&mut |piece| file.write_all(piece).map_err(|e| Error::io(&path, e)))?;
                file.flush().map_err(|e| Error::io(&path, e))?;
                Ok(Some(made))
            }
        }
    }

    /// Write one file whose content hash the caller has already computed (`content` must be
    /// `blake3::hash(&bytes)`), taking its bytes rather than copying them: for the search
    /// index's patched shards, hashed once for its own state.
    pub fn write_hashed(
        &self,
        rel: &str,
        bytes: Vec<u8>,
        content: blake3::Hash,
        key: Option<blake3::Hash>,
    ) -> Result<bool> {
        debug_assert_eq!(content, blake3::hash(&bytes));
        match self.plan(rel, Record { content, key }, bytes.len())? {
            Plan::Unchanged => Ok(false),
            Plan::Hold => {
                self.hold(rel, bytes);
                Ok(true)
            }
            Plan::Write(path) => write_new_file(&path, rel, &[bytes]).map(|_| true),
        }
    }

    /// [`Output::write_pieces_keyed`] of a file made of `pieces` of the previous build's file
    /// at `rel` (whose bytes are `previous`) and new bytes. An update rewrites the file in
    /// place at commit, from the first byte that changes, reading the bytes it keeps from the
    /// file itself: neither the tens of MB before that byte nor a copy of the file in memory
    /// are written, and no new inode is taken (see the module documentation). That needs the
    /// kept pieces in their previous order and the file linked once; otherwise the file is
    /// written whole, as [`Output::write_pieces_keyed`] writes it.
    pub fn write_patched(&self, rel: &str, previous: &[u8], pieces: Vec<Piece>, key: blake3::Hash) -> Result<bool> {
        let in_place = self.previous.is_some() && kept_in_order(&pieces, previous.len()) && self.is_single_file(rel);
        if !in_place {
            let slices = super::json_array::slices(&pieces, previous);
            return self.write_pieces_keyed(rel, &slices, key);
        }
        self.staging.path_of(rel)?;
        let record = Record {
            content: keyed_content(&key),
            key: Some(key),
        };
        let old = self.claim(rel, record)?;
        let same = old.is_some_and(|old| old.content == record.content);
        if same {
            return Ok(false);
        }
        self.splices.lock().unwrap_or_else(|p| p.into_inner()).push(Splice {
            rel: rel.to_string(),
            old_len: previous.len() as u64,
            pieces,
        });
        Ok(true)
    }

    /// Whether the previous build's file at `rel` is a regular file with no other hard link.
    fn is_single_file(&self, rel: &str) -> bool {
        std::fs::symlink_metadata(self.staging.target.join(rel)).is_ok_and(|m| m.is_file() && !has_other_links(&m))
    }

    fn write_record<P: AsRef<[u8]>>(&self, rel: &str, pieces: &[P], record: Record) -> Result<bool> {
        let size = pieces.iter().map(|p| p.as_ref().len()).sum();
        match self.plan(rel, record, size)? {
            Plan::Unchanged => Ok(false),
            Plan::Hold => {
                let mut bytes = Vec::with_capacity(size);
                for piece in pieces {
                    bytes.extend_from_slice(piece.as_ref());
                }
                self.hold(rel, bytes);
                Ok(true)
            }
            Plan::Write(path) => write_new_file(&path, rel, pieces).map(|_| true),
        }
    }

    /// Claim `rel` for a file of `size` bytes with `record`, and say what to do with its
    /// bytes: nothing (an update, same bytes as the previous build's), hold them in memory
    /// for [`Output::apply_update`] (a small changed file, within the budget), or write them
    /// at the path given (a full build, or staged beside the output).
    fn plan(&self, rel: &str, record: Record, size: usize) -> Result<Plan> {
        let content = record.content;
        let path = self.staging.path_of(rel)?;
        let old = self.claim(rel, record)?;
        if self.discard {
            return Ok(Plan::Unchanged);
        }
        if self.previous.is_none() {
            return Ok(Plan::Write(path));
        }
        let same = old.is_some_and(|old| old.content == content)
            // A file deleted from the output by hand is written again.
            && self.still_there(rel);
        if same {
            return Ok(Plan::Unchanged);
        }
        if size <= PENDING_FILE_MAX && self.pending_bytes.fetch_add(size, Ordering::Relaxed) + size <= PENDING_BUDGET {
            return Ok(Plan::Hold);
        }
        self.changed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(rel.to_string());
        Ok(Plan::Write(path))
    }

    /// Keep the new bytes of a changed file in memory for [`Output::apply_update`].
    fn hold(&self, rel: &str, bytes: Vec<u8>) {
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((rel.to_string(), bytes));
    }

    /// Publish: swap the staged site in (full) or move the changed files into the previous
    /// output and remove the files it no longer has (update). Then save the manifest.
    pub fn commit(mut self) -> Result<Published> {
        if self.discard {
            return Ok(Published::default());
        }
        let records = std::mem::take(&mut *self.records.lock().unwrap_or_else(|p| p.into_inner()));
        let previous = self.previous.take().zip(self.slots.take());
        let is_update = previous.is_some();
        let (files, removed) = files_of_build(records, previous);
        let mut manifest = Manifest {
            build_id: String::new(),
            files,
        };
        let manifest_path = self.manifest_path.clone();
        // An interrupted publish must leave no manifest that matches the output.
        if let Some(path) = &manifest_path {
            match std::fs::remove_file(path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(path, e)),
                _ => {}
            }
        }
        let states = std::mem::take(&mut *self.states.lock().unwrap_or_else(|p| p.into_inner()));
        // The manifest and the states are saved while the files are published: the marker,
        // written last, is what ties them to the output, so an interruption anywhere still
        // leaves a marker no manifest matches.
        let save_manifest = |manifest: &Manifest| -> Result<()> {
            let Some(path) = &manifest_path else {
                return Ok(());
            };
            for (name, bytes) in &states {
                let header = format!("{STATE_HEADER}\t{}\n", manifest.build_id);
                save_atomically(&state_path(path, name), &[header.as_bytes(), bytes].concat())?;
            }
            // The text manifest of earlier versions, if any, is of no more use.
            let _ = std::fs::remove_file(path.with_extension("tsv"));
            save_atomically(path, &manifest.to_bytes())?;
            remove_abandoned_sets(path, SystemTime::now());
            Ok(())
        };
        if is_update {
            self.apply_update(&removed, &mut manifest, save_manifest)
        } else {
            manifest.build_id = manifest.content_id();
            save_manifest(&manifest)?;
            self.swap_in(&manifest)
        }
    }

    fn swap_in(self, manifest: &Manifest) -> Result<Published> {
        std::fs::write(self.staging.dir.join(MARKER), marker_text(&manifest.build_id))
            .map_err(|e| Error::io(&self.staging.dir, e))?;
        let files = manifest.files.len();
        let Output { staging, .. } = self;
        staging.commit()?;
        Ok(Published {
            changed: files,
            removed: 0,
            updated: false,
        })
    }

    /// Publish an update into the previous output: the marker says "updating" until the
    /// files are in place and the manifest (`save_manifest`) is saved. The splices (one large
    /// file rewritten on one thread, the longest task of a quick rebuild's publish) start
    /// first; the manifest's id, the manifest and the other files are done beside them.
    fn apply_update(
        &self,
        removed: &[String],
        manifest: &mut Manifest,
        save_manifest: impl FnOnce(&Manifest) -> Result<()> + Send,
    ) -> Result<Published> {
        let target = &self.staging.target;
        let marker = target.join(MARKER);
        std::fs::write(&marker, marker_text("updating")).map_err(|e| Error::io(&marker, e))?;
        let splices = std::mem::take(&mut *self.splices.lock().unwrap_or_else(|p| p.into_inner()));
        let (spliced, published) = rayon::join(
            || splices.iter().try_for_each(|splice| splice.apply(target)),
            || -> Result<(usize, usize)> {
                // The id names the output's paths and content hashes (for a file written with
                // `write_pieces_keyed`, a hash of its key), so builds that write the same files
                // from the same keys write equal markers. An update and a `--no-cache` build
                // write the same bytes but key the data export differently (an article from
                // the cache is keyed by its cached record), so their markers differ.
                manifest.build_id = manifest.content_id();
                let manifest = &*manifest;
                let (written, saved) = rayon::join(|| self.update_files(removed, manifest), || save_manifest(manifest));
                saved?;
                written
            },
        );
        spliced?;
        let (written, removed) = published?;
        std::fs::write(&marker, marker_text(&manifest.build_id)).map_err(|e| Error::io(&marker, e))?;
        Ok(Published {
            changed: written + splices.len(),
            removed,
            updated: true,
        })
    }

    /// Move the staged files and write the held ones over the previous output's, then remove
    /// the files of the previous output this build did not claim (`removed`): how many files
    /// were written, and removed.
    fn update_files(&self, removed_files: &[String], manifest: &Manifest) -> Result<(usize, usize)> {
        let target = &self.staging.target;
        let mut changed = std::mem::take(&mut *self.changed.lock().unwrap_or_else(|p| p.into_inner()));
        changed.sort();
        let mut pending = std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()));
        pending.sort_by(|a, b| a.0.cmp(&b.0));
        // Directories first (checked once each), then the moves and writes on all cores.
        // Each directory once: comparing paths component by component for every one of
        // a thousand files in one directory cost more than checking it.
        let mut parents: Vec<&str> = changed
            .iter()
            .chain(pending.iter().map(|(rel, _)| rel))
            .filter_map(|rel| rel.rsplit_once('/').map(|(parent, _)| parent))
            .collect();
        parents.sort_unstable();
        parents.dedup();
        let mut real_dirs = BTreeSet::new();
        for parent in parents {
            ensure_real_dir(target, Path::new(parent), &mut real_dirs)?;
        }
        changed.par_iter().try_for_each(|rel| {
            let to = target.join(rel);
            std::fs::rename(self.staging.dir.join(rel), &to).map_err(|e| Error::io(&to, e))
        })?;
        pending
            .par_iter()
            .try_for_each(|(rel, bytes)| overwrite(&target.join(rel), rel, bytes))?;
        let mut removed = 0;
        debug_assert!(removed_files.iter().all(|rel| !manifest.files.contains_key(rel)));
        for rel in removed_files {
            let path = target.join(rel);
            match std::fs::remove_file(&path) {
                Ok(()) => removed += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&path, e)),
            }
            remove_empty_parents(target, &path);
        }
        Ok((changed.len() + pending.len(), removed))
    }
}

/// The files of a build: the records claimed as new (`records`) and the previous build's
/// files claimed as they were (flagged in its slots), in path order; and the previous
/// build's files this build did not claim, to be removed.
fn files_of_build(records: FxHashMap<String, Record>, previous: Option<(Manifest, FileSlots)>) -> (Files, Vec<String>) {
    let mut fresh: Vec<(String, Record)> = records.into_iter().collect();
    fresh.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let Some((previous, slots)) = previous else {
        return (Files(fresh), Vec::new());
    };
    let mut kept = Vec::with_capacity(previous.files.len());
    let mut removed = Vec::new();
    for (entry, claimed) in previous.files.0.into_iter().zip(&slots.claimed) {
        if claimed.load(Ordering::Relaxed) {
            kept.push(entry);
        } else {
            removed.push(entry.0);
        }
    }
    (Files(merge_sorted(kept, fresh)), removed)
}

/// Two lists sorted by path, each path once in each, merged; a path in both keeps its
/// record from `newer`.
fn merge_sorted(older: Vec<(String, Record)>, newer: Vec<(String, Record)>) -> Vec<(String, Record)> {
    let mut merged = Vec::with_capacity(older.len() + newer.len());
    let mut older = older.into_iter().peekable();
    let mut newer = newer.into_iter().peekable();
    loop {
        let take_older = match (older.peek(), newer.peek()) {
            (Some(a), Some(b)) => match a.0.cmp(&b.0) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Greater => false,
                std::cmp::Ordering::Equal => {
                    older.next();
                    false
                }
            },
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_older { older.next() } else { newer.next() };
        merged.extend(next);
    }
    merged
}

/// The error of a path claimed twice in one build.
fn two_claims(rel: &str) -> Error {
    Error::OutputRefused {
        path: PathBuf::from(rel),
        reason: "two outputs of this build claim the same path".into(),
    }
}

/// The content hash a file written with [`Output::write_pieces_keyed`] is recorded with.
fn keyed_content(key: &blake3::Hash) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"bytes determined by the key\0");
    hasher.update(key.as_bytes());
    hasher.finalize()
}

/// Where each piece of a file made of `pieces` starts in it.
fn piece_offsets(pieces: &[Piece]) -> Vec<u64> {
    let mut at = 0u64;
    pieces
        .iter()
        .map(|piece| {
            let start = at;
            at += piece_len(piece) as u64;
            start
        })
        .collect()
}

fn piece_len(piece: &Piece) -> usize {
    match piece {
        Piece::Previous(range) => range.len(),
        Piece::Fresh(bytes) => bytes.len(),
        Piece::Fixed(bytes) => bytes.len(),
    }
}

/// Whether a file made of `pieces` of a previous file of `old_len` bytes can be rewritten in
/// place (see [`Splice::apply`]): the kept pieces lie within the old file, in their previous
/// order, without overlapping.
fn kept_in_order(pieces: &[Piece], old_len: usize) -> bool {
    let mut previous_end = 0;
    pieces.iter().all(|piece| match piece {
        Piece::Previous(range) => {
            let fits = range.start >= previous_end && range.start <= range.end && range.end <= old_len;
            previous_end = range.end;
            fits
        }
        _ => true,
    })
}

/// A file of the previous output rewritten in place at commit (see [`Output::write_patched`]).
#[derive(Debug)]
struct Splice {
    rel: String,
    /// The length of the previous file the pieces were planned on.
    old_len: u64,
    pieces: Vec<Piece>,
}

/// Bytes written at a time when a [`Splice`] rewrites a file.
const SPLICE_CHUNK: usize = 1 << 20;

/// The bytes of the previous file a [`Splice`] still needs, read ahead of its writes.
struct Window<'f> {
    file: &'f std::fs::File,
    old_len: u64,
    /// Offset in the file of `bytes[0]`.
    start: u64,
    bytes: Vec<u8>,
}

impl Window<'_> {
    fn end(&self) -> u64 {
        self.start + self.bytes.len() as u64
    }

    /// Forget the bytes before `offset` (kept pieces only move forward through the file).
    fn drop_below(&mut self, offset: u64) {
        if offset >= self.end() {
            self.bytes.clear();
            self.start = offset;
        } else if offset > self.start {
            self.bytes.drain(..(offset - self.start) as usize);
            self.start = offset;
        }
    }

    /// Read the file up to `offset` (at most its end), unless read already.
    #[cfg(unix)]
    fn read_to(&mut self, offset: u64) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        let offset = offset.min(self.old_len);
        let end = self.end();
        if offset > end {
            let len = self.bytes.len();
            self.bytes.resize(len + (offset - end) as usize, 0);
            self.file.read_exact_at(&mut self.bytes[len..], end)?;
        }
        Ok(())
    }
}

impl Splice {
    /// Rewrite the file under `target` from its first piece not already in place: the new
    /// bytes are written in order, a chunk at a time, and before a chunk overwrites bytes of
    /// the previous file that kept pieces still need, those are read ahead into memory (as
    /// far as the kept pieces moved: kilobytes when an article is added or removed). The file
    /// must still be the single regular file of the planned length.
    #[cfg(unix)]
    fn apply(&self, target: &Path) -> Result<()> {
        use std::os::unix::fs::{FileExt, OpenOptionsExt};
        let path = target.join(&self.rel);
        let refuse = || Error::OutputRefused {
            path: PathBuf::from(&self.rel),
            reason: "the file changed while the site was being built; build again".into(),
        };
        let old_len = usize::try_from(self.old_len).map_err(|_| refuse())?;
        if !kept_in_order(&self.pieces, old_len) {
            return Err(refuse());
        }
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(&path, e))?;
        if !meta.is_file() || has_other_links(&meta) || meta.len() != self.old_len {
            return Err(refuse());
        }
        let io = |e| Error::io(&path, e);
        let offsets = piece_offsets(&self.pieces);
        let first = self
            .pieces
            .iter()
            .zip(&offsets)
            .position(|(piece, &at)| !matches!(piece, Piece::Previous(range) if range.start as u64 == at))
            .unwrap_or(self.pieces.len());
        let mut at = offsets.get(first).copied().unwrap_or(self.old_len);
        let mut window = Window {
            file: &file,
            old_len: self.old_len,
            start: at,
            bytes: Vec::new(),
        };
        // The chunk being made (its first `filled` bytes), written at `at`.
        let mut chunk = vec![0u8; SPLICE_CHUNK];
        let mut filled = 0;
        // Write the chunk, first reading into the window what the kept pieces still need of
        // the bytes it overwrites (from `needed` on; None: nothing is needed any more).
        let flush = |chunk: &[u8], window: &mut Window, at: &mut u64, needed: Option<u64>| -> std::io::Result<()> {
            if let Some(needed) = needed {
                window.drop_below(needed);
                window.read_to(*at + chunk.len() as u64)?;
            }
            file.write_all_at(chunk, *at)?;
            *at += chunk.len() as u64;
            Ok(())
        };
        for piece in &self.pieces[first..] {
            let bytes: &[u8] = match piece {
                Piece::Previous(_) => &[],
                Piece::Fresh(bytes) => bytes,
                Piece::Fixed(bytes) => bytes,
            };
            let (mut from, end) = match piece {
                Piece::Previous(range) => (range.start as u64, range.end as u64),
                _ => {
                    for part in bytes.chunks(SPLICE_CHUNK) {
                        if filled + part.len() > SPLICE_CHUNK {
                            let needed = Some(window.start);
                            flush(&chunk[..filled], &mut window, &mut at, needed).map_err(io)?;
                            filled = 0;
                        }
                        chunk[filled..filled + part.len()].copy_from_slice(part);
                        filled += part.len();
                    }
                    continue;
                }
            };
            while from < end {
                if filled == SPLICE_CHUNK {
                    flush(&chunk, &mut window, &mut at, Some(from)).map_err(io)?;
                    filled = 0;
                }
                window.drop_below(from);
                let take = (end - from).min((SPLICE_CHUNK - filled) as u64) as usize;
                // What the window saved before it was overwritten, then the rest straight
                // from the file (past every byte written so far: see `Window::read_to`).
                let saved = (window.end().saturating_sub(from) as usize).min(take);
                let skip = (from - window.start) as usize;
                chunk[filled..filled + saved].copy_from_slice(&window.bytes[skip..skip + saved]);
                file.read_exact_at(&mut chunk[filled + saved..filled + take], from + saved as u64)
                    .map_err(io)?;
                filled += take;
                from += take as u64;
            }
        }
        flush(&chunk[..filled], &mut window, &mut at, None).map_err(io)?;
        if at < self.old_len {
            file.set_len(at).map_err(io)?;
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn apply(&self, _target: &Path) -> Result<()> {
        Err(Error::OutputRefused {
            path: PathBuf::from(&self.rel),
            reason: "files are rewritten in place only on Unix".into(),
        })
    }
}

/// Create a file that must not exist yet (two outputs claiming one path are an error).
fn write_new_file<P: AsRef<[u8]>>(path: &Path, rel: &str, pieces: &[P]) -> Result<()> {
    use std::io::Write;
    let mut file = create_new_file(path, rel)?;
    for piece in pieces {
        file.write_all(piece.as_ref()).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

/// Create the file at `path` (site-relative `rel`) and its directories; a file already there
/// means two outputs claimed the same path.
fn create_new_file(path: &Path, rel: &str) -> Result<std::fs::File> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => two_claims(rel),
            _ => Error::io(path, e),
        })
}

/// Give the file at `path` (site-relative `rel`) the bytes `bytes`, in place when it is a
/// plain file of its own (no new inode: see the module documentation), else by renaming a
/// new file over it. Never writes through a symlink, nor into anything but a regular file.
fn overwrite(path: &Path, rel: &str, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let refuse = |reason: &str| Error::OutputRefused {
        path: PathBuf::from(rel),
        reason: reason.into(),
    };
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return write_new_file(path, rel, &[bytes]),
        Err(e) => return Err(Error::io(path, e)),
    };
    if !meta.is_file() {
        return Err(refuse(
            "a file of the site is a directory, symlink or device here; delete the output directory and build again",
        ));
    }
    if has_other_links(&meta) {
        return save_atomically(path, bytes);
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        // A symlink planted between the check above and this open is refused, not followed.
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let mut file = options.open(path).map_err(|e| Error::io(path, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    // Truncating a file the write filled or extended is a no-op that still costs a call into
    // the file system.
    if (bytes.len() as u64) < meta.len() {
        file.set_len(bytes.len() as u64).map_err(|e| Error::io(path, e))?;
    }
    Ok(())
}

/// Whether a file has hard links besides this one (writing it in place would change them too).
fn has_other_links(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta.nlink() > 1
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
    }
}

/// Make `rel` (a directory path relative to `root`) exist as real directories: a symlink or
/// file planted where a directory belongs is refused, so an update never writes through it.
fn ensure_real_dir(root: &Path, rel: &Path, checked: &mut BTreeSet<PathBuf>) -> Result<()> {
    let mut dir = root.to_path_buf();
    for component in rel.components() {
        dir.push(component);
        if checked.contains(&dir) {
            continue;
        }
        match std::fs::symlink_metadata(&dir) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                return Err(Error::OutputRefused {
                    path: dir.clone(),
                    reason:
                        "a directory of the site is a file or symlink here; delete the output directory and build again"
                            .into(),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&dir).map_err(|e| Error::io(&dir, e))?;
            }
            Err(e) => return Err(Error::io(&dir, e)),
        }
        checked.insert(dir.clone());
    }
    Ok(())
}

/// Remove the directories above a removed file that are now empty, up to `root`.
fn remove_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Write a file by renaming a finished temporary file over it (see
/// [`crate::persist::write_atomically`]).
fn save_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::persist::write_atomically(path, bytes).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_outputs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, &root.join(".")).is_err());
        assert!(check_output_dir(&root, &root.join("content")).is_err());
        assert!(check_output_dir(&root, &root.join("themes/default")).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, Path::new("/")).is_err());
        assert!(check_output_dir(&root, &root.join("public/../content")).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn refuses_foreign_non_empty_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("precious.txt"), "x").unwrap();
        assert!(check_output_dir(&dir.path().join("site"), &out).is_err());
        std::fs::write(out.join(MARKER), "").unwrap();
        assert!(check_output_dir(&dir.path().join("site"), &out).is_ok());
    }

    #[test]
    fn staging_refuses_escaping_paths() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::create(&dir.path().join("public")).unwrap();
        for bad in ["../x", "/etc/x", "a/../../x", "a\\b", "", "a//b", "a\0b"] {
            assert!(staging.path_of(bad).is_err(), "{bad:?} accepted");
        }
        assert!(staging.path_of("articles/x/index.html").is_ok());
    }

    #[test]
    fn a_path_is_written_once_per_build() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::create(&dir.path().join("public")).unwrap();
        staging.write("articles/a/index.html", b"first").unwrap();
        let err = staging.write("articles/a/index.html", b"second").unwrap_err();
        assert!(err.to_string().contains("same path"), "{err}");
        assert_eq!(
            std::fs::read(staging.dir.join("articles/a/index.html")).unwrap(),
            b"first"
        );
    }

    #[test]
    fn a_discarding_output_checks_every_path_and_keeps_nothing() {
        let out = Output::discarding();
        assert!(out.staging_dir().as_os_str().is_empty());
        let page = "union-digest-discarded/index.html";
        assert!(!out.write(page, b"page", None).unwrap());
        let err = out.write(page, b"again", None).unwrap_err();
        assert!(err.to_string().contains("same path"), "{err}");
        assert!(out.write("../escaped.html", b"x", None).is_err());
        let key = blake3::hash(b"key");
        assert!(!out
            .write_pieces_keyed("data/articles.json", &[b"[", b"]"], key)
            .unwrap());
        assert_eq!(out.commit().unwrap(), Published::default());
        // Nothing was written where an empty staging path would have put it.
        assert!(!Path::new(page).exists());
    }

    #[test]
    fn the_sets_of_outputs_not_built_for_a_month_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let now = SystemTime::now();
        let long_ago = now - ABANDONED_SET_AGE - Duration::from_secs(60);
        let file = |name: &str, modified: SystemTime| {
            let path = dir.path().join(name);
            std::fs::write(&path, name).unwrap();
            std::fs::File::options()
                .write(true)
                .open(&path)
                .unwrap()
                .set_modified(modified)
                .unwrap();
        };
        // This build's set, however old its memo.
        file("aaaa.manifest", now);
        file("aaaa.cards.memo", long_ago);
        // Another output's set, built lately: its newest file keeps it whole.
        file("bbbb.manifest", now - Duration::from_secs(3600));
        file("bbbb.cards.memo", long_ago);
        // An output not built for a month.
        file("cccc.manifest", long_ago);
        file("cccc.search.state", long_ago);
        remove_abandoned_sets(&dir.path().join("aaaa.manifest"), now);
        let left = || -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(
            left(),
            ["aaaa.cards.memo", "aaaa.manifest", "bbbb.cards.memo", "bbbb.manifest"]
        );
        // A build that publishes removes them.
        file("cccc.manifest", long_ago);
        let site = tempfile::tempdir().unwrap();
        let out = open(&site.path().join("public"), &dir.path().join("dddd.manifest"));
        out.write("index.html", b"x", None).unwrap();
        out.commit().unwrap();
        let names = left();
        assert!(!names.contains(&"cccc.manifest".to_string()), "{names:?}");
        assert!(names.contains(&"dddd.manifest".to_string()), "{names:?}");
    }

    #[test]
    fn cache_directory_is_protected() {
        let dir = tempfile::tempdir().unwrap();
        assert!(check_output_dir(dir.path(), &dir.path().join(".union-digest-cache")).is_err());
    }

    #[test]
    fn commit_swaps_and_keeps_unchanged_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let first = Staging::create(&target).unwrap();
        first.write("same.html", b"same").unwrap();
        first.write("changed.html", b"old").unwrap();
        first.write("gone.html", b"gone").unwrap();
        first.commit().unwrap();
        let old_time = std::fs::metadata(target.join("same.html")).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let second = Staging::create(&target).unwrap();
        second.write("same.html", b"same").unwrap();
        second.write("changed.html", b"new").unwrap();
        second.commit().unwrap();
        assert_eq!(std::fs::read(target.join("changed.html")).unwrap(), b"new");
        assert!(!target.join("gone.html").exists());
        assert_eq!(
            std::fs::metadata(target.join("same.html")).unwrap().modified().unwrap(),
            old_time
        );
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
    }

    fn open(target: &Path, manifest: &Path) -> Output {
        Output::open(target, Some(manifest.to_path_buf())).unwrap()
    }

    /// A scratch directory, the output in it and the manifest path beside.
    fn scratch_site() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("cache/output.manifest");
        (dir, target, manifest)
    }

    #[test]
    fn the_output_id_is_the_hash_of_paths_and_contents_and_ignores_keys() {
        let record = |content: &[u8], key: Option<&[u8]>| Record {
            content: blake3::hash(content),
            key: key.map(blake3::hash),
        };
        let manifest = |key: Option<&[u8]>| Manifest {
            build_id: String::new(),
            files: BTreeMap::from([
                ("a/index.html".to_string(), record(b"a", key)),
                ("feed.xml".to_string(), record(b"f", None)),
            ])
            .into(),
        };
        // The hash of each path, a NUL and its content hash, in path order: nothing else, so
        // that the keys pages were rendered from (which differ with and without the build
        // cache) do not make two outputs of the same pages look different.
        let mut hasher = blake3::Hasher::new();
        for (path, content) in [("a/index.html", b"a"), ("feed.xml", b"f")] {
            hasher.update(path.as_bytes());
            hasher.update(b"\0");
            hasher.update(blake3::hash(content).as_bytes());
        }
        let expected = hasher.finalize().to_hex()[..32].to_string();
        assert_eq!(manifest(Some(b"k")).content_id(), expected);
        assert_eq!(manifest(None).content_id(), expected, "keys do not count");
        let mut other = manifest(None);
        other.files.insert("b.html".into(), record(b"b", None));
        assert_ne!(other.content_id(), expected);
    }

    #[test]
    fn manifest_round_trips_and_refuses_damage() {
        let mut files = BTreeMap::new();
        files.insert(
            "a/index.html".to_string(),
            Record {
                content: blake3::hash(b"a"),
                key: Some(blake3::hash(b"k")),
            },
        );
        files.insert(
            "feed.xml".to_string(),
            Record {
                content: blake3::hash(b"f"),
                key: None,
            },
        );
        let manifest = Manifest {
            build_id: "abc".into(),
            files: files.into(),
        };
        let bytes = manifest.to_bytes();
        assert_eq!(Manifest::parse(&bytes), Some(manifest.clone()));
        // Any byte changed, any cut, another version: not used.
        for at in [0, MANIFEST_MAGIC.len() + 2, bytes.len() / 2, bytes.len() - 1] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            assert_eq!(Manifest::parse(&damaged), None, "byte {at} changed");
        }
        assert_eq!(Manifest::parse(&bytes[..bytes.len() - 5]), None);
        assert_eq!(Manifest::parse(b"garbage"), None);
        // Under a checksum made for them, another version and a damaged entry are refused by
        // the parser itself.
        let sealed = |mut body: Vec<u8>| {
            let checksum = crc32fast::hash(&body);
            body.extend_from_slice(&checksum.to_le_bytes());
            body
        };
        let body = &bytes[..bytes.len() - 4];
        assert_eq!(Manifest::parse(&sealed(body.to_vec())), Some(manifest.clone()));
        let v1 = [
            b"union-digest output manifest v1\n".as_slice(),
            &body[MANIFEST_MAGIC.len()..],
        ]
        .concat();
        assert_eq!(Manifest::parse(&sealed(v1)), None);
        let mut bad_flag = body.to_vec();
        let flag_at = bad_flag.len() - 1;
        bad_flag[flag_at] = 7;
        assert_eq!(Manifest::parse(&sealed(bad_flag)), None);
    }

    #[test]
    fn an_update_writes_changed_files_only_and_removes_stale_ones() {
        let (dir, target, manifest) = scratch_site();
        let key = blake3::hash(b"inputs of a");
        let first = open(&target, &manifest);
        assert!(!first.is_update());
        first.write("a/index.html", b"A", Some(key)).unwrap();
        first.write("b.xml", b"B", None).unwrap();
        first.write("gone/x/index.html", b"G", None).unwrap();
        assert_eq!(first.commit().unwrap().changed, 3);
        let b_time = std::fs::metadata(target.join("b.xml")).unwrap().modified().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));

        let second = open(&target, &manifest);
        assert!(second.is_update());
        assert!(second.reuse("a/index.html", &key).unwrap());
        assert!(
            !second.reuse("a/index.html", &key).unwrap_or(false),
            "a path is claimed once"
        );
        assert!(!second.write("b.xml", b"B", None).unwrap());
        assert!(second.write("c/index.html", b"C", None).unwrap());
        let published = second.commit().unwrap();
        assert_eq!((published.changed, published.removed, published.updated), (1, 1, true));
        assert_eq!(std::fs::read(target.join("a/index.html")).unwrap(), b"A");
        assert_eq!(std::fs::read(target.join("c/index.html")).unwrap(), b"C");
        assert_eq!(
            std::fs::metadata(target.join("b.xml")).unwrap().modified().unwrap(),
            b_time
        );
        assert!(!target.join("gone").exists(), "emptied directories are removed");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");

        // A different key renders again.
        let third = open(&target, &manifest);
        assert!(!third.reuse("a/index.html", &blake3::hash(b"other")).unwrap());
        drop(third);

        // A file deleted by hand is written again even though its bytes did not change.
        std::fs::remove_file(target.join("b.xml")).unwrap();
        let fourth = open(&target, &manifest);
        assert!(fourth.write("b.xml", b"B", None).unwrap());
        fourth.write("a/index.html", b"A", Some(key)).unwrap();
        fourth.write("c/index.html", b"C", None).unwrap();
        fourth.commit().unwrap();
        assert_eq!(std::fs::read(target.join("b.xml")).unwrap(), b"B");
    }

    #[test]
    fn a_path_reused_and_written_in_one_update_is_refused_either_way() {
        let (_dir, target, manifest) = scratch_site();
        let key = blake3::hash(b"inputs of a");
        let first = open(&target, &manifest);
        first.write("a/index.html", b"A", Some(key)).unwrap();
        first.write("b/index.html", b"B", Some(key)).unwrap();
        first.commit().unwrap();

        let second = open(&target, &manifest);
        assert!(second.reuse("a/index.html", &key).unwrap());
        assert!(second.write("a/index.html", b"A2", None).is_err());
        assert!(second.write("b/index.html", b"B2", None).unwrap());
        assert!(second.reuse("b/index.html", &key).is_err());
        assert!(second.write("c/index.html", b"C", None).unwrap());
        assert!(second.write("c/index.html", b"C", None).is_err());
    }

    #[test]
    fn an_update_records_reused_files_as_they_were_and_rewritten_ones_anew() {
        let (_dir, target, manifest) = scratch_site();
        let (k1, k2) = (blake3::hash(b"inputs 1"), blake3::hash(b"inputs 2"));
        let first = open(&target, &manifest);
        for page in ["a/index.html", "b/index.html", "c/index.html", "d/index.html"] {
            first.write(page, page.as_bytes(), Some(k1)).unwrap();
        }
        first.commit().unwrap();

        let second = open(&target, &manifest);
        assert!(second.reuse("a/index.html", &k1).unwrap());
        // The same bytes from other inputs: not written, but recorded with the new key.
        assert!(!second.write("b/index.html", b"b/index.html", Some(k2)).unwrap());
        assert!(second.write("c/index.html", b"new c", Some(k2)).unwrap());
        assert!(second.write("aa/index.html", b"aa", None).unwrap());
        let published = second.commit().unwrap();
        assert_eq!(published.removed, 1, "d/index.html was not claimed");

        let saved = Manifest::read(&manifest).unwrap();
        let paths: Vec<&str> = saved.files.keys().map(String::as_str).collect();
        assert_eq!(paths, ["a/index.html", "aa/index.html", "b/index.html", "c/index.html"]);
        let record = |rel: &str| *saved.files.get(rel).unwrap();
        assert_eq!(record("a/index.html").key, Some(k1));
        assert_eq!(record("b/index.html").key, Some(k2));
        assert_eq!(record("c/index.html").content, blake3::hash(b"new c"));
        assert!(!target.join("d").exists());
    }

    #[test]
    fn files_are_sorted_by_path_and_a_path_given_twice_keeps_its_last_record() {
        let record = |content: &[u8]| Record {
            content: blake3::hash(content),
            key: None,
        };
        let files = Files::from_unsorted(vec![
            ("b".into(), record(b"1")),
            ("a".into(), record(b"2")),
            ("b".into(), record(b"3")),
        ]);
        let entries: Vec<(String, Record)> = files.iter().cloned().collect();
        assert_eq!(entries, [("a".into(), record(b"2")), ("b".into(), record(b"3"))]);
        let merged = merge_sorted(
            vec![("a".into(), record(b"old a")), ("c".into(), record(b"old c"))],
            vec![("b".into(), record(b"b")), ("c".into(), record(b"new c"))],
        );
        let expected: Vec<(String, Record)> = vec![
            ("a".into(), record(b"old a")),
            ("b".into(), record(b"b")),
            ("c".into(), record(b"new c")),
        ];
        assert_eq!(merged, expected);
    }

    #[test]
    fn a_keyed_write_is_skipped_when_its_key_did_not_change() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("cache/output.manifest");
        let (k1, k2) = (blake3::hash(b"records 1"), blake3::hash(b"records 2"));
        let first = open(&target, &manifest);
        assert!(first
            .write_pieces_keyed("data.json", &[&b"[1,"[..], b"2]"], k1)
            .unwrap());
        first.commit().unwrap();
        let second = open(&target, &manifest);
        assert!(!second.write_pieces_keyed("data.json", &[b"[1,2]"], k1).unwrap());
        second.commit().unwrap();
        assert_eq!(std::fs::read(target.join("data.json")).unwrap(), b"[1,2]");
        let third = open(&target, &manifest);
        assert!(third.write_pieces_keyed("data.json", &[b"[3]"], k2).unwrap());
        third.commit().unwrap();
        assert_eq!(std::fs::read(target.join("data.json")).unwrap(), b"[3]");
    }

    #[test]
    fn state_reaches_the_next_update_only() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("cache/output.manifest");
        let first = open(&target, &manifest);
        assert_eq!(first.previous_state("search"), None);
        first.write("index.html", b"x", None).unwrap();
        first.save_state("search", b"postings v1".to_vec());
        first.commit().unwrap();

        let second = open(&target, &manifest);
        assert_eq!(second.previous_state("search").as_deref(), Some(&b"postings v1"[..]));
        assert_eq!(second.previous_state("data"), None);
        second.write("index.html", b"y", None).unwrap();
        second.commit().unwrap();
        // The second build kept no state: the first build's no longer matches the output.
        assert_eq!(open(&target, &manifest).previous_state("search"), None);

        // A full build (here: the marker is gone) never sees an older state.
        let third = open(&target, &manifest);
        third.write("index.html", b"z", None).unwrap();
        third.save_state("search", b"postings v3".to_vec());
        third.commit().unwrap();
        std::fs::remove_file(target.join(MARKER)).unwrap();
        assert_eq!(open(&target, &manifest).previous_state("search"), None);
    }

    #[test]
    fn an_output_the_manifest_does_not_describe_is_rebuilt_in_full() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("output.manifest");
        let first = open(&target, &manifest);
        first.write("index.html", b"x", None).unwrap();
        first.commit().unwrap();
        std::fs::write(target.join(MARKER), marker_text("updating")).unwrap();
        assert!(!open(&target, &manifest).is_update());
        std::fs::remove_file(target.join(MARKER)).unwrap();
        assert!(!open(&target, &manifest).is_update());
    }

    #[cfg(unix)]
    #[test]
    fn an_update_never_writes_through_a_planted_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("output.manifest");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&outside).unwrap();
        let first = open(&target, &manifest);
        first.write("index.html", b"x", None).unwrap();
        first.commit().unwrap();
        std::os::unix::fs::symlink(&outside, target.join("articles")).unwrap();
        let second = open(&target, &manifest);
        assert!(second.is_update());
        second.write("index.html", b"x", None).unwrap();
        second.write("articles/a/index.html", b"evil", None).unwrap();
        assert!(second.commit().is_err());
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
    }

    #[cfg(unix)]
    /// Pieces of `old` (kept ranges as `(start, end)`, new bytes as text) and their bytes.
    fn pieces_of(old: &[u8], plan: &[Result<(usize, usize), &str>]) -> (Vec<Piece>, Vec<u8>) {
        let pieces: Vec<Piece> = plan
            .iter()
            .map(|p| match p {
                Ok((from, to)) => Piece::Previous(*from..*to),
                Err(text) => Piece::Fresh(text.as_bytes().to_vec()),
            })
            .collect();
        let bytes = super::super::json_array::slices(&pieces, old).concat();
        (pieces, bytes)
    }

    #[test]
    fn a_streamed_file_is_written_piece_by_piece_and_not_made_when_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("output.manifest");
        let rel = "data/x.json";
        // More than the buffer, so it is written in several pieces.
        let pieces: Vec<Vec<u8>> = (0..3).map(|n| vec![b'a' + n; STREAM_BUFFER / 2 + 7]).collect();
        let stream = |out: &Output, key: &[u8]| {
            out.write_streamed_keyed(rel, blake3::hash(key), |emit| {
                pieces.iter().try_for_each(|piece| emit(piece))?;
                Ok(pieces.len())
            })
            .unwrap()
        };
        let first = open(&target, &manifest);
        assert_eq!(stream(&first, b"v1"), Some(3));
        first.commit().unwrap();
        assert_eq!(std::fs::read(target.join(rel)).unwrap(), pieces.concat());

        let same = open(&target, &manifest);
        assert_eq!(stream(&same, b"v1"), None, "same key: nothing is made");
        same.commit().unwrap();
        assert_eq!(std::fs::read(target.join(rel)).unwrap(), pieces.concat());

        let changed = open(&target, &manifest);
        let made = changed
            .write_streamed_keyed(rel, blake3::hash(b"v2"), |emit| emit(b"[]").map(|()| "made"))
            .unwrap();
        assert_eq!(made, Some("made"));
        changed.commit().unwrap();
        assert_eq!(std::fs::read(target.join(rel)).unwrap(), b"[]");

        let discarding = Output::discarding();
        assert_eq!(stream(&discarding, b"v3"), None);
    }

    #[test]
    fn a_patched_file_is_rewritten_in_place_from_its_first_change() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("output.manifest");
        // Long enough that kept pieces are moved in several chunks.
        let old: Vec<u8> = (0..3 * SPLICE_CHUNK + 17).map(|n| b'a' + (n % 23) as u8).collect();
        let n = old.len();
        let first = open(&target, &manifest);
        first
            .write_pieces_keyed("data/x.json", &[&old], blake3::hash(b"v0"))
            .unwrap();
        first.commit().unwrap();
        let inode = std::fs::metadata(target.join("data/x.json")).unwrap().ino();
        let mut current = old;
        let plans: [&[Result<(usize, usize), &str>]; 5] = [
            // Inserted in the middle and at the front: kept bytes move towards the end.
            &[Ok((0, 1000)), Err("inserted"), Ok((1000, n))],
            &[Err("front"), Ok((0, n - 5)), Err("tail")],
            // Removed: towards the front, and the file gets shorter.
            &[
                Ok((0, 10)),
                Ok((500, 2 * SPLICE_CHUNK)),
                Ok((2 * SPLICE_CHUNK + 9, n - 3)),
            ],
            // Same length, one record replaced.
            &[Ok((0, 7)), Err("XY"), Ok((9, n - 6))],
            // Kept pieces moving both ways: records grown, shrunk, added and removed.
            &[
                Ok((0, 10)),
                Err("ten bytes!"),
                Ok((12, 20)),
                Ok((40, SPLICE_CHUNK + 3)),
                Err("long inserted record "),
                Ok((SPLICE_CHUNK + 3, 2 * SPLICE_CHUNK)),
                Ok((2 * SPLICE_CHUNK + 1000, n - 1)),
                Err("end"),
            ],
        ];
        for (k, plan) in plans.iter().enumerate() {
            let n = current.len();
            let plan: Vec<_> = plan.iter().map(|p| p.map(|(a, b)| (a.min(n), b.min(n)))).collect();
            let (pieces, expected) = pieces_of(&current, &plan);
            let update = open(&target, &manifest);
            let key = blake3::hash(format!("v{}", k + 1).as_bytes());
            assert!(update.write_patched("data/x.json", &current, pieces, key).unwrap());
            assert!(update.splices.lock().unwrap().len() == 1, "plan {k} is done in place");
            update.commit().unwrap();
            assert!(
                std::fs::read(target.join("data/x.json")).unwrap() == expected,
                "plan {k}"
            );
            assert_eq!(std::fs::metadata(target.join("data/x.json")).unwrap().ino(), inode);
            current = expected;
        }
        // Kept pieces out of order: written whole.
        for plan in [vec![Ok((20, 30)), Ok((0, 10))], vec![Ok((0, 10)), Ok((5, 15))]] {
            let (pieces, expected) = pieces_of(&current, &plan);
            let update = open(&target, &manifest);
            let key = blake3::hash(format!("{plan:?}").as_bytes());
            update.write_patched("data/x.json", &current, pieces, key).unwrap();
            assert!(update.splices.lock().unwrap().is_empty());
            update.commit().unwrap();
            assert!(std::fs::read(target.join("data/x.json")).unwrap() == expected);
            current = expected;
        }
        // A file with another hard link is written whole; the link keeps its bytes.
        let snapshot = dir.path().join("snapshot.json");
        std::fs::hard_link(target.join("data/x.json"), &snapshot).unwrap();
        let (pieces, expected) = pieces_of(&current, &[Ok((0, 5)), Err("new")]);
        let update = open(&target, &manifest);
        update
            .write_patched("data/x.json", &current, pieces, blake3::hash(b"linked"))
            .unwrap();
        assert!(update.splices.lock().unwrap().is_empty());
        update.commit().unwrap();
        assert_eq!(std::fs::read(target.join("data/x.json")).unwrap(), expected);
        assert!(std::fs::read(&snapshot).unwrap() == current);
        // A file that changed length during the build is refused, never half patched.
        let current = expected;
        let (pieces, _) = pieces_of(&current, &[Ok((0, 5)), Err("more")]);
        let update = open(&target, &manifest);
        update
            .write_patched("data/x.json", &current, pieces, blake3::hash(b"raced"))
            .unwrap();
        std::fs::write(target.join("data/x.json"), b"someone else").unwrap();
        assert!(update.commit().is_err());
        assert_eq!(std::fs::read(target.join("data/x.json")).unwrap(), b"someone else");
    }

    #[test]
    fn an_update_rewrites_a_file_in_place_but_never_a_hard_link_or_symlink() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("output.manifest");
        let first = open(&target, &manifest);
        first.write("a.html", b"old a, longer than the new", None).unwrap();
        first.write("b.html", b"old b", None).unwrap();
        first.write("c.html", b"old c", None).unwrap();
        first.commit().unwrap();
        let inode_a = std::fs::metadata(target.join("a.html")).unwrap().ino();
        let snapshot = dir.path().join("b-snapshot.html");
        std::fs::hard_link(target.join("b.html"), &snapshot).unwrap();

        let second = open(&target, &manifest);
        second.write("a.html", b"new a", None).unwrap();
        second.write("b.html", b"new b", None).unwrap();
        second.write("c.html", b"old c", None).unwrap();
        assert_eq!(second.commit().unwrap().changed, 2);
        assert_eq!(std::fs::read(target.join("a.html")).unwrap(), b"new a");
        assert_eq!(std::fs::metadata(target.join("a.html")).unwrap().ino(), inode_a);
        assert_eq!(std::fs::read(target.join("b.html")).unwrap(), b"new b");
        assert_eq!(
            std::fs::read(&snapshot).unwrap(),
            b"old b",
            "a hard link keeps its bytes"
        );

        // A symlink planted where a page was is refused, and what it points to is untouched.
        let outside = dir.path().join("outside.html");
        std::fs::write(&outside, b"keep").unwrap();
        std::fs::remove_file(target.join("c.html")).unwrap();
        std::os::unix::fs::symlink(&outside, target.join("c.html")).unwrap();
        let third = open(&target, &manifest);
        third.write("a.html", b"new a", None).unwrap();
        third.write("b.html", b"new b", None).unwrap();
        third.write("c.html", b"evil", None).unwrap();
        assert!(third.commit().is_err());
        assert_eq!(std::fs::read(&outside).unwrap(), b"keep");
    }

    #[test]
    fn an_update_too_large_to_hold_stages_files_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let manifest = dir.path().join("output.manifest");
        let big = vec![b'x'; PENDING_FILE_MAX + 1];
        let first = open(&target, &manifest);
        first.write("big.json", b"[]", None).unwrap();
        first.write("small.html", b"1", None).unwrap();
        first.commit().unwrap();
        let second = open(&target, &manifest);
        second.write("big.json", &big, None).unwrap();
        second.write("small.html", b"2", None).unwrap();
        assert!(second.staging_dir().join("big.json").is_file());
        assert!(!second.staging_dir().join("small.html").exists());
        assert_eq!(second.commit().unwrap().changed, 2);
        assert_eq!(std::fs::read(target.join("big.json")).unwrap(), big);
        assert_eq!(std::fs::read(target.join("small.html")).unwrap(), b"2");
    }

    #[test]
    fn dropped_staging_leaves_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let first = Staging::create(&target).unwrap();
        first.write("index.html", b"v1").unwrap();
        first.commit().unwrap();
        {
            let failed = Staging::create(&target).unwrap();
            failed.write("index.html", b"v2").unwrap();
        }
        assert_eq!(std::fs::read(target.join("index.html")).unwrap(), b"v1");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
