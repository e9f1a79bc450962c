//! Incremental builds: the results of the per-file stages (ingest, clean, analyze) cached by
//! content hash in `<site>/.union-digest-cache/`.
//!
//! A key covers everything the result depends on: the file's bytes, its path and kind, the
//! config, and a fingerprint of the tool's own code and data (set at compile time by
//! `build.rs`). A stale entry therefore can never match. The directory is safe to delete and is
//! treated as untrusted input: an entry that does not parse, or whose recorded key differs
//! from its name, is ignored and recomputed. Entries not used by a build are pruned.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Warning;
use crate::model::{Article, SourceKind};

/// Directory name under the site root.
pub const CACHE_DIR: &str = ".union-digest-cache";
/// Directory (under [`CACHE_DIR`]) of the output manifests, which pruning leaves alone.
const OUTPUT_MANIFESTS: &str = "output";
/// Bumped when the entry format changes.
const FORMAT: &str = "v1";

/// Where the manifest of the output at `output_dir` (already normalised) is kept: one per
/// output directory, so `--output` elsewhere does not disturb the default one's.
pub fn output_manifest_path(root: &Path, output_dir: &Path) -> PathBuf {
    let id = blake3::hash(output_dir.as_os_str().as_encoded_bytes()).to_hex();
    root.join(CACHE_DIR)
        .join(OUTPUT_MANIFESTS)
        .join(format!("{}.tsv", &id[..16]))
}

/// What the per-file stages produced for one file (errors are never cached).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub articles: Vec<Article>,
    pub warnings: Vec<Warning>,
}

/// A cache for one build.
#[derive(Debug)]
pub struct Cache {
    dir: PathBuf,
    /// Hash of the config and the tool fingerprint, shared by all keys of this build.
    salt: String,
    used: std::sync::Mutex<BTreeSet<String>>,
}

impl Cache {
    /// Open (lazily create) the cache of the site at `root` for a build with `config_json`.
    pub fn open(root: &Path, config_json: &str) -> Cache {
        let mut hasher = blake3::Hasher::new();
        hasher.update(env!("UNION_DIGEST_FINGERPRINT").as_bytes());
        hasher.update(b"\0");
        hasher.update(config_json.as_bytes());
        Cache {
            dir: root.join(CACHE_DIR).join(FORMAT),
            salt: hasher.finalize().to_hex().to_string(),
            used: std::sync::Mutex::new(BTreeSet::new()),
        }
    }

    /// The key of a file's result.
    pub fn key(&self, rel: &str, kind: SourceKind, bytes: &[u8]) -> String {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.salt.as_bytes());
        hasher.update(rel.as_bytes());
        hasher.update(if kind == SourceKind::Raw {
            b"\0raw\0"
        } else {
            b"\0md\0\0"
        });
        hasher.update(bytes);
        hasher.finalize().to_hex().to_string()
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    fn mark_used(&self, key: &str) {
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.to_string());
    }

    /// A cached result, if a valid one exists.
    pub fn get(&self, key: &str) -> Option<Entry> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        if entry.key != key {
            return None;
        }
        self.mark_used(key);
        Some(entry)
    }

    /// Store a result. Failing to write the cache never fails a build.
    pub fn put(&self, entry: &Entry) {
        self.mark_used(&entry.key);
        let path = self.path(&entry.key);
        let Some(parent) = path.parent() else { return };
        if std::fs::create_dir_all(parent).is_err() {
            return;
        }
        let Ok(bytes) = serde_json::to_vec(entry) else { return };
        // Write then rename, so a crash never leaves a truncated entry under the real name.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }

    /// Remove entries this build did not use (and anything else that is not an entry).
    pub fn prune(&self) {
        let used = self.used.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let Ok(shards) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for shard in shards.flatten() {
            let Ok(entries) = std::fs::read_dir(shard.path()) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let key = name.strip_suffix(".json").unwrap_or("");
                if !used.contains(key) {
                    let _ = std::fs::remove_file(entry.path());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(cache: &Cache, bytes: &[u8]) -> Entry {
        Entry {
            key: cache.key("content/a.txt", SourceKind::Raw, bytes),
            articles: Vec::new(),
            warnings: vec![Warning::new("content/a.txt", "w")],
        }
    }

    #[test]
    fn round_trip_and_key_sensitivity() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), "{}");
        let e = entry(&cache, b"abc");
        cache.put(&e);
        assert_eq!(cache.get(&e.key).unwrap().warnings, e.warnings);
        assert_ne!(cache.key("content/a.txt", SourceKind::Raw, b"abd"), e.key);
        assert_ne!(cache.key("content/b.txt", SourceKind::Raw, b"abc"), e.key);
        assert_ne!(cache.key("content/a.txt", SourceKind::Curated, b"abc"), e.key);
        let other_config = Cache::open(dir.path(), "{\"paginate\":3}");
        assert_ne!(other_config.key("content/a.txt", SourceKind::Raw, b"abc"), e.key);
    }

    #[test]
    fn corrupt_or_mismatched_entries_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path(), "{}");
        let e = entry(&cache, b"abc");
        cache.put(&e);
        std::fs::write(cache.path(&e.key), b"{not json").unwrap();
        assert!(cache.get(&e.key).is_none());
        let mut forged = entry(&cache, b"abc");
        forged.key = "0".repeat(64);
        std::fs::write(cache.path(&e.key), serde_json::to_vec(&forged).unwrap()).unwrap();
        assert!(cache.get(&e.key).is_none());
    }

    #[test]
    fn prune_removes_unused_entries() {
        let dir = tempfile::tempdir().unwrap();
        let first = Cache::open(dir.path(), "{}");
        let a = entry(&first, b"a");
        let b = entry(&first, b"b");
        first.put(&a);
        first.put(&b);
        let second = Cache::open(dir.path(), "{}");
        assert!(second.get(&a.key).is_some());
        second.prune();
        assert!(second.get(&a.key).is_some());
        assert!(!second.path(&b.key).exists());
    }
}
