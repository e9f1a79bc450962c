//! Shared helpers of the hostile-input tests: throwaway sites, tree fingerprints and a
//! tag-aware scanner for markup that could run script.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use union_digest::build::{self, BuildOptions, BuildSummary};

/// A site in a temporary directory: `<tmp>/site` with a config and `content/`.
pub struct TestSite {
    pub tmp: tempfile::TempDir,
    pub root: PathBuf,
}

impl TestSite {
    pub fn new() -> TestSite {
        let tmp = tempfile::tempdir().expect("temp dir");
        let root = tmp.path().join("site");
        std::fs::create_dir_all(root.join("content/raw")).expect("content dir");
        std::fs::create_dir_all(root.join("content/curated")).expect("content dir");
        let site = TestSite { tmp, root };
        site.write(
            "config.toml",
            "title = \"测试文摘\"\nbase_url = \"https://example.org/\"\n",
        );
        site
    }

    /// Write a file under the site root, creating directories.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        std::fs::write(&path, bytes).expect("write");
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.root.join(rel)).expect("remove");
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            ..BuildOptions::default()
        }
    }

    pub fn build(&self) -> union_digest::error::Result<BuildSummary> {
        build::build(&self.options())
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// Every file the build wrote: (path relative to public/, bytes).
    pub fn outputs(&self) -> Vec<(String, Vec<u8>)> {
        files_under(&self.public())
    }

    /// The text of every article page, concatenated.
    pub fn article_pages(&self) -> String {
        self.outputs()
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("articles/") && rel.ends_with("index.html"))
            .map(|(_, bytes)| String::from_utf8(bytes).expect("pages are UTF-8"))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Run the binary with `--root <site>` and the given arguments.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(env!("CARGO_BIN_EXE_union-digest"))
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .output()
            .expect("run union-digest")
    }
}

/// Files under `dir`, sorted: (relative path with `/`, bytes).
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = union_digest::content::rel_path(dir, entry.path());
            out.push((rel, std::fs::read(entry.path()).expect("read")));
        }
    }
    out
}

/// A fingerprint of everything under `dir` (directories, files by hash, symlinks by
/// target), to prove a directory was left byte-identical.
pub fn fingerprint(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        let rel = union_digest::content::rel_path(dir, entry.path());
        let kind = entry.file_type();
        let value = if kind.is_symlink() {
            format!("symlink {}", std::fs::read_link(entry.path()).expect("link").display())
        } else if kind.is_dir() {
            "dir".to_string()
        } else {
            blake3::hash(&std::fs::read(entry.path()).expect("read"))
                .to_hex()
                .to_string()
        };
        out.insert(rel, value);
    }
    out
}

/// Like [`fingerprint`] but leaving out one subdirectory (the output).
/// The build cache (`.union-digest-cache/`, the tool's own documented state, with names that
/// are content hashes) is the one other place a build writes; it is left out too.
pub fn fingerprint_except(dir: &Path, except: &str) -> BTreeMap<String, String> {
    fingerprint(dir)
        .into_iter()
        .filter(|(rel, _)| rel != except && !rel.starts_with(&format!("{except}/")))
        .filter(|(rel, _)| !rel.split('/').any(|part| part == union_digest::cache::CACHE_DIR))
        .collect()
}

/// Names directly inside `dir`, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Only the Han characters of a text, in Simplified script: how decoded article text is
/// compared, whatever the cleaner later does to script, punctuation or spacing.
pub fn han_simplified(text: &str) -> String {
    use std::sync::OnceLock;
    static T2S: OnceLock<ferrous_opencc::OpenCC> = OnceLock::new();
    let t2s = T2S.get_or_init(|| {
        ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).expect("t2s config")
    });
    t2s.convert(text)
        .chars()
        .filter(|c| union_digest::clean::lines::is_han(*c))
        .collect()
}

/// Markup in `text` that could run script: whole `<script>` elements, tags carrying an
/// event-handler attribute, and tags whose attribute value is a `javascript:`, `vbscript:`
/// or `data:` URL (entity-encoded, spaced or mixed-case forms included). Escaped text
/// (`&lt;img onerror=…&gt;`) is not markup and is not reported.
pub fn dangerous_markup(text: &str) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(offset) = lower[i..].find('<') {
        let start = i + offset;
        i = start + 1;
        let Some(&next) = bytes.get(start + 1) else { break };
        if !next.is_ascii_alphabetic() {
            continue;
        }
        let end = tag_end(bytes, start);
        let tag = &lower[start..end];
        let name: String = tag[1..].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        if name == "script" {
            let close = lower[end..].find("</script").map_or(lower.len(), |p| end + p);
            found.push(text[start..close].to_string());
            i = close;
            continue;
        }
        for (attr, value) in attributes(&tag[1 + name.len()..]) {
            let url = decode_url(&value);
            if attr.starts_with("on")
                || url.starts_with("javascript:")
                || url.starts_with("vbscript:")
                || url.starts_with("data:")
            {
                found.push(text[start..end].to_string());
                break;
            }
        }
        i = end;
    }
    found
}

/// Index just past the `>` closing the tag that starts at `start`, honouring quotes.
fn tag_end(bytes: &[u8], start: usize) -> usize {
    let mut quote = None;
    for (k, &b) in bytes.iter().enumerate().skip(start + 1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return k + 1,
            _ => {}
        }
    }
    bytes.len()
}

/// The attributes of the inside of a tag (after its name): (name, value).
fn attributes(inside: &str) -> Vec<(String, String)> {
    let chars: Vec<char> = inside.chars().collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        while k < chars.len() && (chars[k].is_whitespace() || chars[k] == '/' || chars[k] == '>') {
            k += 1;
        }
        let name_start = k;
        while k < chars.len() && !chars[k].is_whitespace() && !matches!(chars[k], '=' | '>' | '/') {
            k += 1;
        }
        let name: String = chars[name_start..k].iter().collect();
        while k < chars.len() && chars[k].is_whitespace() {
            k += 1;
        }
        let mut value = String::new();
        if k < chars.len() && chars[k] == '=' {
            k += 1;
            while k < chars.len() && chars[k].is_whitespace() {
                k += 1;
            }
            if k < chars.len() && (chars[k] == '"' || chars[k] == '\'') {
                let q = chars[k];
                k += 1;
                while k < chars.len() && chars[k] != q {
                    value.push(chars[k]);
                    k += 1;
                }
                k += 1;
            } else {
                while k < chars.len() && !chars[k].is_whitespace() && chars[k] != '>' {
                    value.push(chars[k]);
                    k += 1;
                }
            }
        }
        if !name.is_empty() {
            out.push((name, value));
        } else if k == name_start {
            k += 1;
        }
    }
    out
}

/// An attribute value as a browser would read its URL scheme: character references decoded,
/// whitespace and control characters removed.
fn decode_url(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let end = after.find(';').unwrap_or(after.len());
        let entity = &after[..end];
        let decoded = if let Some(hex) = entity.strip_prefix("#x") {
            u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
        } else if let Some(dec) = entity.strip_prefix('#') {
            dec.parse().ok().and_then(char::from_u32)
        } else {
            match entity {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = after.get(end + 1..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Every piece of dangerous markup in the files under `dir` that can carry markup (HTML,
/// XML, SVG), as (file, markup).
pub fn dangerous_markup_under(dir: &Path) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (rel, bytes) in files_under(dir) {
        if [".html", ".htm", ".xml", ".svg"].iter().any(|ext| rel.ends_with(ext)) {
            let text = String::from_utf8_lossy(&bytes);
            for markup in dangerous_markup(&text) {
                out.insert((rel.clone(), markup));
            }
        }
    }
    out
}
