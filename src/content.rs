//! Walk `content/`: decide which files are articles, skip the rest with a warning.

use std::path::{Path, PathBuf};

use crate::error::Warning;
use crate::model::SourceKind;

/// A file found under `content/` that should become one or more articles.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    /// Path relative to the site root, with `/` separators (stable across machines).
    pub rel: String,
    pub path: PathBuf,
    pub kind: SourceKind,
}

/// The kind of article a file name announces, if any.
pub fn kind_of(path: &Path) -> Option<SourceKind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" => Some(SourceKind::Raw),
        "md" | "markdown" => Some(SourceKind::Curated),
        _ => None,
    }
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

/// List article files under `root/content`, sorted by path. Hidden files and directories
/// (`.git`, editor backups `foo~`) are ignored silently; other non-article files, special
/// files (FIFOs, devices), unreadable entries, symlink loops and symlinks leading out of
/// `content/` become warnings.
///
/// Symlinks are followed only while they stay inside `content/`: content is pushed by people
/// the build machine should not have to trust, and a link to `../../.git/config` or
/// `/etc/passwd` would otherwise be decoded and published as an article.
pub fn walk(root: &Path) -> (Vec<SourceFile>, Vec<Warning>) {
    let content = root.join("content");
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    if !content.is_dir() {
        warnings.push(Warning::new(
            "content",
            "no content/ directory: the site has no articles",
        ));
        return (files, warnings);
    }
    let inside = content.canonicalize().unwrap_or_else(|_| content.clone());
    let site = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if inside == site || !inside.starts_with(&site) {
        warnings.push(Warning::new(
            "content",
            "content/ is a symlink leading outside the site (or to its root), not read: links may not publish files from elsewhere",
        ));
        return (files, warnings);
    }
    // Without symlinks the walk needs no stat per entry (the directory's own file types
    // suffice; 10,000 stats are a tenth of a quick rebuild's walk): walk so first, and again
    // following links only if one turns up.
    let walked = walk_tree(root, &content, &inside, false).or_else(|| walk_tree(root, &content, &inside, true));
    let (found, walk_warnings) = walked.unwrap_or_default();
    files.extend(found);
    warnings.extend(walk_warnings);
    // The walk goes in directory order (sorting each directory's entries by name compared
    // paths parsed from the back, a fifth of a quick rebuild's walk): one sort here gives
    // the order, whatever the file system's.
    files.sort_unstable();
    warnings.sort();
    (files, warnings)
}

/// The files under `content` and the warnings of the walk; following symlinks (checked not
/// to leave `inside`) if `follow`, else None at the first symlink met.
fn walk_tree(root: &Path, content: &Path, inside: &Path, follow: bool) -> Option<(Vec<SourceFile>, Vec<Warning>)> {
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    let mut escapes = Vec::new();
    let mut met_symlink = false;
    let walker = walkdir::WalkDir::new(content)
        .follow_links(follow)
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if is_hidden(e.file_name()) {
                return false;
            }
            if !follow && e.path_is_symlink() {
                met_symlink = true;
                return false;
            }
            if e.path_is_symlink() && leaves(e.path(), inside) {
                escapes.push(Warning::new(
                    rel_path(root, e.path()),
                    "symlink leading outside content/, skipped (links may not publish files from elsewhere)",
                ));
                return false;
            }
            true
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().map(|p| rel_path(root, p)).unwrap_or_else(|| "content".into());
                let why = if e.loop_ancestor().is_some() {
                    "symlink loop, skipped".to_string()
                } else {
                    format!("cannot read, skipped: {}", io_reason(&e))
                };
                warnings.push(Warning::new(at, why));
                continue;
            }
        };
        let file_type = entry.file_type();
        if file_type.is_dir() {
            continue;
        }
        let rel = rel_path(root, entry.path());
        if !file_type.is_file() {
            warnings.push(Warning::new(
                rel,
                "not a regular file (FIFO, socket or device), skipped",
            ));
            continue;
        }
        match kind_of(entry.path()) {
            Some(kind) => files.push(SourceFile {
                rel,
                path: entry.path().to_path_buf(),
                kind,
            }),
            None => warnings.push(Warning::new(rel, "not an article (.txt raw or .md curated), skipped")),
        }
    }
    if met_symlink {
        return None;
    }
    warnings.extend(escapes);
    Some((files, warnings))
}

/// True when the symlink at `path` resolves to somewhere outside `inside` (canonical). A link
/// that cannot be resolved (dangling, looping) is left to the walker, which reports it.
fn leaves(path: &Path, inside: &Path) -> bool {
    path.canonicalize().is_ok_and(|target| !target.starts_with(inside))
}

/// The I/O error behind a walk error, without walkdir's path prefix (the warning names it).
fn io_reason(e: &walkdir::Error) -> String {
    e.io_error().map_or_else(|| e.to_string(), ToString::to_string)
}

/// Why a source file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{size} bytes is over max_file_bytes ({max}), skipped")]
    TooLarge { size: u64, max: u64 },
    #[error("not a regular file, skipped")]
    NotAFile,
    #[error("cannot read, skipped: {0}")]
    Io(#[from] std::io::Error),
}

/// Read a whole file, refusing more than `max` bytes. The cap is enforced while reading, not
/// only from the size the file announced, so a file that grows (or lies, like `/proc` files)
/// cannot make the build swallow unbounded memory.
pub fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    OpenFile::open(path, max)?.read()
}

/// A regular file opened to be read whole by [`OpenFile::read`], within its cap.
pub struct OpenFile {
    file: std::fs::File,
    /// The size the file announced when opened.
    len: u64,
    max: u64,
}

impl OpenFile {
    /// Open `path` and refuse it if it is not a regular file or announces more than `max`
    /// bytes.
    pub fn open(path: &Path, max: u64) -> Result<OpenFile, ReadError> {
        let file = open_without_blocking(path)?;
        // The open file's own metadata: one path lookup per file, not two (a fresh checkout
        // makes every build read all 10,000 files of a site).
        let announced = file.metadata()?;
        if !announced.is_file() {
            return Err(ReadError::NotAFile);
        }
        if announced.len() > max {
            return Err(ReadError::TooLarge {
                size: announced.len(),
                max,
            });
        }
        Ok(OpenFile {
            file,
            len: announced.len(),
            max,
        })
    }

    /// Ask the kernel to start reading the file's bytes from the disk now, without waiting
    /// for them. Files read one after another wait on the disk in turn when they are not in
    /// the page cache (a large corpus after a reboot, or on a machine that reclaims idle
    /// cache: `cat` of the benchmark's 100,000 files took 8.7 s that way, 1.5 s cached);
    /// asked for together, their reads are in flight at once. A no-op on a file already
    /// cached, and only a hint: failing to give it changes nothing.
    pub fn read_ahead(&self) {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::io::AsRawFd;
            let len = libc::off_t::try_from(self.len).unwrap_or(0);
            // SAFETY: the descriptor is open for as long as `self.file` lives; the call only
            // reads its arguments.
            unsafe {
                libc::posix_fadvise(self.file.as_raw_fd(), 0, len, libc::POSIX_FADV_WILLNEED);
            }
        }
    }

    /// Read the whole file, refusing more than the cap (enforced while reading: see
    /// [`read_capped`]).
    pub fn read(self) -> Result<Vec<u8>, ReadError> {
        use std::io::Read;
        let max = self.max;
        let mut bytes = Vec::with_capacity(usize::try_from(self.len).unwrap_or(0));
        self.file.take(max.saturating_add(1)).read_to_end(&mut bytes)?;
        let read = bytes.len() as u64;
        if read > max {
            return Err(ReadError::TooLarge { size: read, max });
        }
        Ok(bytes)
    }
}

/// Open `path` for reading. On Unix without waiting: opening a FIFO for reading would block
/// until a writer comes, and [`read_capped`] refuses anything but a regular file once open
/// (a regular file reads the same either way).
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

/// `path` relative to `root`, with forward slashes.
pub fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(kind_of(Path::new("a/b.txt")), Some(SourceKind::Raw));
        assert_eq!(kind_of(Path::new("a/b.MD")), Some(SourceKind::Curated));
        assert_eq!(kind_of(Path::new("a/b.png")), None);
        assert_eq!(kind_of(Path::new("README")), None);
    }

    #[test]
    fn walk_sorts_skips_and_warns() {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("raw")).unwrap();
        std::fs::create_dir_all(content.join(".git")).unwrap();
        std::fs::write(content.join("raw/b.txt"), "x").unwrap();
        std::fs::write(content.join("a.md"), "x").unwrap();
        std::fs::write(content.join("logo.png"), "x").unwrap();
        std::fs::write(content.join(".hidden.txt"), "x").unwrap();
        std::fs::write(content.join(".git/c.txt"), "x").unwrap();
        let (files, warnings) = walk(dir.path());
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["content/a.md", "content/raw/b.txt"]);
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].file, "content/logo.png");
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_may_not_leave_content() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        std::fs::create_dir_all(content.join("raw")).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "token").unwrap();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::fs::write(dir.path().join("elsewhere/a.txt"), "x").unwrap();
        std::fs::write(content.join("raw/real.txt"), "x").unwrap();
        symlink("../../secret.txt", content.join("raw/leak.txt")).unwrap();
        symlink("../elsewhere", content.join("outdir")).unwrap();
        symlink("real.txt", content.join("raw/alias.txt")).unwrap();
        let (files, warnings) = walk(dir.path());
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["content/raw/alias.txt", "content/raw/real.txt"]);
        let warned: Vec<&str> = warnings.iter().map(|w| w.file.as_str()).collect();
        assert_eq!(warned, ["content/outdir", "content/raw/leak.txt"]);
        assert!(warnings[0].message.contains("outside content/"));
    }

    #[cfg(unix)]
    #[test]
    fn content_may_not_be_a_link_out_of_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        std::fs::create_dir_all(dir.path().join("home")).unwrap();
        std::fs::write(dir.path().join("home/notes.md"), "secret").unwrap();
        std::os::unix::fs::symlink("../home", site.join("content")).unwrap();
        let (files, warnings) = walk(&site);
        assert!(files.is_empty());
        assert!(warnings[0].message.contains("outside the site"));
        // A content/ linked elsewhere inside the site is fine.
        std::fs::remove_file(site.join("content")).unwrap();
        std::fs::create_dir_all(site.join("articles")).unwrap();
        std::fs::write(site.join("articles/a.md"), "x").unwrap();
        std::os::unix::fs::symlink("articles", site.join("content")).unwrap();
        let (files, _) = walk(&site);
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn read_capped_refuses_big_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_capped(&path, 5).unwrap(), b"12345");
        assert!(matches!(
            read_capped(&path, 4),
            Err(ReadError::TooLarge { size: 5, max: 4 })
        ));
        assert!(matches!(read_capped(dir.path(), 4), Err(ReadError::NotAFile)));
    }

    /// A FIFO reached by a path (`check FILE`, or one made after the walk) is refused at once
    /// rather than blocking the build until a writer comes.
    #[cfg(unix)]
    #[test]
    fn read_capped_refuses_a_fifo_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here: nothing to test
        }
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = sender.send(matches!(read_capped(&fifo, 4), Err(ReadError::NotAFile)));
        });
        let refused = receiver.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(refused, Ok(true), "blocked or read a FIFO");
    }
}
