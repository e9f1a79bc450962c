//! Atomic output. A build writes into a fresh sibling directory and swaps it in only on
//! success, so a failed build leaves the published site untouched. Guards refuse output
//! directories that would destroy the site itself, and only a directory an earlier build
//! marked as its own is ever replaced. Files whose bytes did not change keep their old
//! modification time (rsync and CDN uploads skip them).

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

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

    /// Write one file at a site-relative path (forward slashes, no `..`). A path is written
    /// once per build: two pages claiming the same path (colliding slugs) are an error, never
    /// one page silently replacing another.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        let path = self.path_of(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => Error::OutputRefused {
                    path: PathBuf::from(rel),
                    reason: "two outputs of this build claim the same path".into(),
                },
                _ => Error::io(&path, e),
            })?;
        file.write_all(bytes).map_err(|e| Error::io(&path, e))
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
