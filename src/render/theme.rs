//! Themes: tera templates, static files and UI strings. A site's `templates/` overrides any
//! theme template of the same name; the default theme is compiled in so `init` can write it
//! and a site without `themes/default/` still builds.

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result, UserError};

macro_rules! default_files {
    ($($path:literal),* $(,)?) => {
        /// Files of the compiled-in default theme: (path inside the theme, contents).
        pub const DEFAULT_THEME: &[(&str, &str)] = &[
            $(($path, include_str!(concat!("../../themes/default/", $path)))),*
        ];
    };
}

default_files!(
    "strings.toml",
    "static/style.css",
    "static/search.js",
    "templates/base.html",
    "templates/macros.html",
    "templates/card.html",
    "templates/index.html",
    "templates/article.html",
    "templates/list.html",
    "templates/regions.html",
    "templates/themes.html",
    "templates/archive.html",
    "templates/stats.html",
    "templates/404.html",
    "templates/search.html",
);

/// A loaded theme.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (e.g. `article.html`) → source.
    pub templates: BTreeMap<String, String>,
    /// Static file path relative to the output root → bytes.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// UI strings (`t.*` in templates).
    pub strings: BTreeMap<String, String>,
    /// Date formats: `day`, `month`, `year` with `{y}`, `{m}`, `{d}`.
    pub dates: BTreeMap<String, String>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StringsFile {
    #[serde(default)]
    t: BTreeMap<String, String>,
    #[serde(default)]
    dates: BTreeMap<String, String>,
}

impl Theme {
    /// Load theme `name` for the site at `root`: `themes/<name>/` if present (else the
    /// compiled-in default for "default"), then the site's `templates/` on top.
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let dir = root.join("themes").join(name);
        let mut theme = Theme::default();
        // The compiled-in defaults are the base, so a theme may override only what it changes.
        theme.add_files(
            DEFAULT_THEME
                .iter()
                .map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())),
        )?;
        if dir.is_dir() {
            theme.add_dir(&dir)?;
        } else if name != "default" {
            return Err(Error::User(UserError::new(
                root.join("config.toml"),
                0,
                0,
                format!("theme {name:?} not found: create themes/{name}/ or set theme = \"default\""),
            )));
        }
        let overrides = root.join("templates");
        if overrides.is_dir() {
            for entry in walkdir::WalkDir::new(&overrides)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if entry.file_type().is_file() {
                    let rel = crate::content::rel_path(&overrides, entry.path());
                    let text = std::fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                    theme.templates.insert(rel, text);
                }
            }
        }
        Ok(theme)
    }

    fn add_dir(&mut self, dir: &Path) -> Result<()> {
        let mut files = Vec::new();
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| Error::io(dir, std::io::Error::other(e.to_string())))?;
            if entry.file_type().is_file() {
                let bytes = std::fs::read(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
                files.push((crate::content::rel_path(dir, entry.path()), bytes));
            }
        }
        self.add_files(files)
    }

    fn add_files(&mut self, files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Result<()> {
        for (rel, bytes) in files {
            if let Some(name) = rel.strip_prefix("templates/") {
                let text = String::from_utf8(bytes).map_err(|_| Error::Template {
                    template: name.to_string(),
                    message: "not UTF-8".into(),
                })?;
                self.templates.insert(name.to_string(), text);
            } else if let Some(path) = rel.strip_prefix("static/") {
                self.statics.insert(path.to_string(), bytes);
            } else if rel == "strings.toml" {
                let text = String::from_utf8_lossy(&bytes);
                let parsed: StringsFile = toml::from_str(&text).map_err(|e| {
                    let (line, column) = e.span().map_or((0, 0), |s| crate::error::line_col(&text, s.start));
                    Error::User(UserError::new("strings.toml", line, column, e.message().trim()))
                })?;
                self.strings.extend(parsed.t);
                self.dates.extend(parsed.dates);
            }
        }
        Ok(())
    }

    /// Write the compiled-in default theme into `dir` (for `init`).
    pub fn write_default(dir: &Path) -> Result<()> {
        for (rel, contents) in DEFAULT_THEME {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            }
            std::fs::write(&path, contents).map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }

    /// A string with `{name}` placeholders filled in.
    pub fn text(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut s = self.strings.get(key).cloned().unwrap_or_else(|| key.to_string());
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// A date in the theme's format, e.g. 2024年3月6日.
    pub fn format_date(&self, date: &crate::model::PubDate) -> String {
        use crate::model::DatePrecision;
        use chrono::Datelike;
        let (key, fallback) = match date.precision {
            DatePrecision::Day => ("day", "{y}年{m}月{d}日"),
            DatePrecision::Month => ("month", "{y}年{m}月"),
            DatePrecision::Year => ("year", "{y}年"),
        };
        let pattern = self.dates.get(key).map_or(fallback, String::as_str);
        fill_date(pattern, date.date.year(), date.date.month(), date.date.day())
    }
}

/// `pattern` with `{y}`, `{m}` and `{d}` replaced by the year, month and day, in one pass:
/// a rebuild formats the date of every article (for the search records' keys), and three
/// `replace` calls with their number strings cost six allocations each.
fn fill_date(pattern: &str, year: i32, month: u32, day: u32) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        // Writing into a String cannot fail.
        let _ = match rest.get(open..open + 3) {
            Some("{y}") => write!(out, "{year}"),
            Some("{m}") => write!(out, "{month}"),
            Some("{d}") => write!(out, "{day}"),
            _ => {
                out.push('{');
                rest = &rest[open + 1..];
                continue;
            }
        };
        rest = &rest[open + 3..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::PubDate;

    #[test]
    fn default_theme_loads_with_strings_and_dates() {
        let dir = tempfile::tempdir().unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        assert!(theme.templates.contains_key("article.html"));
        assert!(theme.statics.contains_key("style.css"));
        assert_eq!(theme.strings["home"], "首页");
        assert_eq!(theme.format_date(&PubDate::day(2024, 3, 6).unwrap()), "2024年3月6日");
        assert_eq!(theme.format_date(&PubDate::month(2024, 3).unwrap()), "2024年3月");
    }

    #[test]
    fn date_patterns_fill_each_field_and_keep_other_braces() {
        assert_eq!(fill_date("{y}年{m}月{d}日", 2024, 3, 6), "2024年3月6日");
        assert_eq!(fill_date("{d}/{m}/{y}", 2024, 12, 31), "31/12/2024");
        assert_eq!(fill_date("{y}-{y}", 2024, 1, 1), "2024-2024");
        assert_eq!(fill_date("{x}{", 2024, 1, 1), "{x}{");
        assert_eq!(fill_date("{{y}}", 2024, 1, 1), "{2024}");
        assert_eq!(fill_date("", 2024, 1, 1), "");
    }

    #[test]
    fn site_templates_override_theme_templates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates/404.html"), "custom").unwrap();
        let theme = Theme::load(dir.path(), "default").unwrap();
        assert_eq!(theme.templates["404.html"], "custom");
    }

    #[test]
    fn missing_theme_is_a_user_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Theme::load(dir.path(), "fancy").is_err());
    }
}
