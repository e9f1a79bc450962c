//! Helpers shared by the integration tests: walking a built site's links.

#![allow(dead_code)]

pub mod synthetic;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// Values of `href="…"` and `src="…"` attributes in an HTML page (entities `&amp;` decoded).
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(decode_entities(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Decode the character references an attribute value may hold.
pub fn decode_entities(value: &str) -> String {
    value
        .replace("&#x2F;", "/")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Values of `id="…"` attributes.
pub fn ids(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            out.insert(rest[..end].to_string());
        }
    }
    out
}

/// `id` values used more than once in a page (invalid HTML, and broken fragment links).
pub fn duplicate_ids(html: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut dups = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=\"") {
        rest = &rest[i + 5..];
        if let Some(end) = rest.find('"') {
            let id = rest[..end].to_string();
            if !seen.insert(id.clone()) {
                dups.push(id);
            }
        }
    }
    dups
}

/// The site-relative file a link points to, or None for an external link. `page` is the
/// site-relative path of the page holding the link; `base_url` the site's absolute URL.
pub fn target(link: &str, page: &str, base_url: &str) -> Option<(String, Option<String>)> {
    let (link, fragment) = match link.split_once('#') {
        Some((l, f)) => (l, Some(f.to_string())),
        None => (link, None),
    };
    let link = link.split('?').next().unwrap_or("");
    let path = if let Some(rest) = link.strip_prefix(base_url) {
        rest.to_string()
    } else if link.contains("://") || link.starts_with("mailto:") || link.starts_with("//") {
        return None;
    } else if let Some(abs) = link.strip_prefix('/') {
        abs.to_string()
    } else if link.is_empty() {
        page.to_string()
    } else {
        let dir = page.rsplit_once('/').map_or("", |(d, _)| d);
        let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
        for seg in link.split('/') {
            match seg {
                ".." => {
                    parts.pop();
                }
                "." | "" => {}
                s => parts.push(s),
            }
        }
        let mut joined = parts.join("/");
        if link.ends_with('/') {
            joined.push('/');
        }
        joined
    };
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path
    };
    Some((file, fragment))
}

/// Every file under `dir`, site-relative with forward slashes.
pub fn files(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"))
        .collect()
}

/// What a walk of the site found.
#[derive(Debug, Default)]
pub struct Walk {
    /// HTML pages reached from the home page.
    pub reached: BTreeSet<String>,
    /// (page, link) pairs whose target does not exist.
    pub broken: Vec<(String, String)>,
    /// Every internal target seen (pages and assets).
    pub targets: BTreeSet<String>,
}

/// Follow every internal link from `index.html`, checking each target (and each fragment of
/// a link to an HTML page) exists.
pub fn walk(out: &Path, base_url: &str) -> Walk {
    let mut walk = Walk::default();
    let mut queue = VecDeque::from(["index.html".to_string()]);
    let mut id_cache: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    walk.reached.insert("index.html".into());
    while let Some(page) = queue.pop_front() {
        let html = std::fs::read_to_string(out.join(&page)).unwrap();
        for link in links(&html) {
            let Some((file, fragment)) = target(&link, &page, base_url) else {
                continue;
            };
            let path: PathBuf = out.join(&file);
            if !path.is_file() {
                walk.broken.push((page.clone(), link));
                continue;
            }
            walk.targets.insert(file.clone());
            if file.ends_with(".html") {
                if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
                    let ids = id_cache
                        .entry(file.clone())
                        .or_insert_with(|| ids(&std::fs::read_to_string(&path).unwrap()));
                    if !ids.contains(&fragment) {
                        walk.broken.push((page.clone(), link.clone()));
                    }
                }
                if walk.reached.insert(file.clone()) {
                    queue.push_back(file);
                }
            }
        }
    }
    walk
}

/// A small XML well-formedness check (balanced tags, known entities, one root), enough to
/// catch a broken feed or sitemap without an XML dependency.
pub fn check_xml(xml: &str) -> Result<(), String> {
    let mut stack: Vec<String> = Vec::new();
    let mut roots = 0;
    let mut rest = xml;
    while let Some(i) = rest.find(['<', '&']) {
        let text = &rest[..i];
        if !stack.is_empty() || text.trim().is_empty() {
        } else {
            return Err(format!("text outside the root: {text:?}"));
        }
        rest = &rest[i..];
        if rest.starts_with('&') {
            let end = rest.find(';').ok_or("unterminated entity")?;
            let name = &rest[1..end];
            let known = ["amp", "lt", "gt", "quot", "apos"].contains(&name)
                || name.starts_with('#') && name[1..].trim_start_matches('x').chars().all(|c| c.is_ascii_hexdigit());
            if !known {
                return Err(format!("unknown entity &{name};"));
            }
            rest = &rest[end + 1..];
            continue;
        }
        let end = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if tag.contains('<') {
            return Err(format!("'<' inside tag {tag:?}"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or_else(|| format!("closing {name} with nothing open"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}>"));
            }
        } else {
            let name = tag
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches('/')
                .to_string();
            if stack.is_empty() {
                roots += 1;
            }
            if !tag.ends_with('/') {
                stack.push(name);
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}
