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
/// (`.git`, editor backups `foo~`) are ignored silently; other non-article files, unreadable
/// entries and symlink loops become warnings.
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
    let walker = walkdir::WalkDir::new(&content)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let at = e.path().map(|p| rel_path(root, p)).unwrap_or_else(|| "content".into());
                let why = if e.loop_ancestor().is_some() {
                    "symlink loop, skipped".to_string()
                } else {
                    format!("cannot read, skipped: {e}")
                };
                warnings.push(Warning::new(at, why));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = rel_path(root, entry.path());
        match kind_of(entry.path()) {
            Some(kind) => files.push(SourceFile {
                rel,
                path: entry.path().to_path_buf(),
                kind,
            }),
            None => warnings.push(Warning::new(rel, "not an article (.txt raw or .md curated), skipped")),
        }
    }
    files.sort();
    (files, warnings)
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
}
