//! `config.toml`: the site's settings, parsed strictly (unknown keys are errors) and validated
//! with messages that name the key and its line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{line_col, UserError};

/// The script the published text is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TargetScript {
    /// Simplified Chinese (the default): Traditional text is converted.
    #[default]
    Hans,
    /// Traditional Chinese: Simplified text is converted.
    Hant,
    /// Leave the script as found.
    Keep,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL of the published site, used in feeds and the sitemap.
    pub base_url: String,
    pub language: String,
    /// Output directory, relative to the site root.
    pub output_dir: PathBuf,
    /// Theme directory name under `themes/`.
    pub theme: String,
    pub script: TargetScript,
    /// Articles per index page.
    pub paginate: usize,
    /// Entries per Atom feed.
    pub feed_size: usize,
    /// Files larger than this many bytes are skipped with a warning.
    pub max_file_bytes: u64,
    pub clean: CleanConfig,
    pub analyze: AnalyzeConfig,
    /// Extra or renamed themes, merged over `data/themes.toml` by slug.
    pub themes: BTreeMap<String, ThemeOverride>,
    pub search: SearchConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            title: "工会新闻文摘".into(),
            description: "工会工作新闻汇编：按地区与主题整理，清理转载噪声后的原文。".into(),
            base_url: "http://localhost:8000/".into(),
            language: "zh-CN".into(),
            output_dir: PathBuf::from("public"),
            theme: "default".into(),
            script: TargetScript::Hans,
            paginate: 20,
            feed_size: 20,
            max_file_bytes: 8 * 1024 * 1024,
            clean: CleanConfig::default(),
            analyze: AnalyzeConfig::default(),
            themes: BTreeMap::new(),
            search: SearchConfig::default(),
        }
    }
}

/// Extensions to the cleaning lexicons compiled in from `data/`.
///
/// README: `[clean]` keys
/// - `spam_keywords = ["…"]`: extra keywords injected by spam sites, cut out of sentences
///   wherever they appear (added to the `[standalone]` list of `data/spam-keywords.txt`);
/// - `spam_line_words = ["…"]`: extra porn/gambling words for recognising whole spam lines
///   (weight 3 in `data/spam-line-words.txt`);
/// - `despin = [["spun", "original"], …]`: extra de-spinning pairs, tried before
///   `data/despin.tsv` in documents judged spun;
/// - `chrome_labels = ["…"]`: extra label prefixes of page-chrome lines.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct CleanConfig {
    /// Extra spam keywords (injected words to cut out of sentences).
    pub spam_keywords: Vec<String>,
    /// Extra porn/gambling words that mark whole spam lines (title lists, link farms).
    pub spam_line_words: Vec<String>,
    /// Extra labels that mark a page-chrome line, added to `data/chrome-labels.txt`.
    /// A plain label (e.g. "点击量") marks a line of that label and a short value as
    /// chrome; "category label" uses a category of that file (e.g. "editor 值班主任",
    /// "source 稿源单位", "date 发文日期 edge").
    pub chrome_labels: Vec<String>,
    /// Extra de-spinning pairs: `[spun, original]`.
    pub despin: Vec<[String; 2]>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AnalyzeConfig {
    /// Keywords shown per article.
    pub keywords_per_article: usize,
    /// A keyword shared by at least this many articles gets its own page.
    pub keyword_page_min_articles: usize,
    /// Extra words for the segmenter (union vocabulary).
    pub dictionary: Vec<String>,
    /// Extra keyword stop words.
    pub stop_words: Vec<String>,
    /// Extra region aliases: alias → official name or 6-digit code.
    pub region_aliases: BTreeMap<String, String>,
}

impl Default for AnalyzeConfig {
    fn default() -> Self {
        Self {
            keywords_per_article: 8,
            keyword_page_min_articles: 3,
            dictionary: Vec::new(),
            stop_words: Vec::new(),
            region_aliases: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct ThemeOverride {
    pub name: Option<String>,
    pub description: Option<String>,
    /// Phrase → weight; merged over the default phrases of the theme.
    pub phrases: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

impl Config {
    /// Parse and validate config text; `file` is only used to name it in errors.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Vec<UserError>> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            let message = e.message().trim().to_string();
            vec![UserError::new(file, line, column, message)]
        })?;
        let problems = config.validate(text, file);
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Load `config.toml` from a site root; a missing file means the defaults.
    pub fn load(root: &Path) -> Result<(Config, PathBuf), Vec<UserError>> {
        let path = root.join("config.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path).map(|c| (c, path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Config::default(), path)),
            Err(e) => Err(vec![UserError::new(&path, 0, 0, format!("cannot read: {e}"))]),
        }
    }

    fn validate(&self, text: &str, file: &Path) -> Vec<UserError> {
        let mut problems = Vec::new();
        let mut bad = |key: &str, message: String| {
            let line = key_line(text, key);
            problems.push(UserError::new(file, line, 0, format!("`{key}`: {message}")));
        };
        if self.paginate == 0 || self.paginate > 1000 {
            bad("paginate", format!("{} is out of range; use 1 to 1000", self.paginate));
        }
        if self.feed_size == 0 || self.feed_size > 10_000 {
            bad(
                "feed_size",
                format!("{} is out of range; use 1 to 10000", self.feed_size),
            );
        }
        if !(self.base_url.starts_with("http://")
            || self.base_url.starts_with("https://")
            || self.base_url.starts_with('/'))
        {
            bad(
                "base_url",
                format!("{:?} must start with http://, https:// or /", self.base_url),
            );
        }
        if self.language.trim().is_empty() {
            bad("language", "must not be empty; use \"zh-CN\"".into());
        }
        if self.theme.is_empty() || self.theme.contains(['/', '\\']) || self.theme.starts_with('.') {
            bad(
                "theme",
                format!("{:?} must be a plain directory name under themes/", self.theme),
            );
        }
        if self.output_dir.as_os_str().is_empty() {
            bad("output_dir", "must not be empty; the default is \"public\"".into());
        }
        if self.max_file_bytes == 0 {
            bad("max_file_bytes", "must be positive".into());
        }
        if self.analyze.keywords_per_article > 100 {
            bad("keywords_per_article", "use at most 100".into());
        }
        if self.analyze.keyword_page_min_articles < 2 {
            bad("keyword_page_min_articles", "use 2 or more".into());
        }
        for slug in self.themes.keys() {
            if !crate::site::slug::is_ascii_slug(slug) {
                bad(
                    slug,
                    format!("theme slug {slug:?} must be lowercase ASCII letters, digits and '-'"),
                );
            }
        }
        for [from, to] in &self.clean.despin {
            if from.is_empty() || to.is_empty() {
                bad("despin", "pairs must be two non-empty strings: [spun, original]".into());
            }
        }
        problems
    }

    /// The base URL with exactly one trailing slash.
    pub fn base_url_slash(&self) -> String {
        format!("{}/", self.base_url.trim_end_matches('/'))
    }
}

/// 1-based line of the first `key = …` (or `[key]`/`[….key]`) in the text, 0 if not found.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim_start();
            let is_assignment = t
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='));
            let quoted = t
                .strip_prefix('"')
                .and_then(|r| r.strip_prefix(key))
                .is_some_and(|rest| rest.starts_with('"'));
            let table = t.starts_with('[') && t.trim_end().trim_end_matches(']').ends_with(key);
            is_assignment || quoted || table
        })
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<UserError>> {
        Config::parse(text, Path::new("config.toml"))
    }

    #[test]
    fn empty_config_is_all_defaults() {
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let errors = parse("title = \"x\"\n\npaginatoin = 3\n").unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.contains("paginatoin"), "{}", errors[0].message);
    }

    #[test]
    fn unknown_key_in_section_is_an_error() {
        let errors = parse("[clean]\nspam_keyword = []\n").unwrap_err();
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("spam_keyword"));
    }

    #[test]
    fn bad_values_are_all_listed_with_lines() {
        let errors = parse("paginate = 0\nbase_url = \"example.org\"\n").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert_eq!((errors[0].line, errors[1].line), (1, 2));
        assert!(errors[0].message.contains("paginate"));
        assert!(errors[1].message.contains("base_url"));
    }

    #[test]
    fn bad_script_value_is_rejected() {
        let errors = parse("script = \"latin\"\n").unwrap_err();
        assert_eq!(errors[0].line, 1);
        assert!(errors[0].message.contains("latin") || errors[0].message.contains("variant"));
    }

    #[test]
    fn clean_lexicon_extensions_parse() {
        let c = parse(
            "[clean]\nspam_keywords = [\"某某娱乐城\"]\nspam_line_words = [\"某影院\"]\ndespin = [[\"立异\", \"创新\"]]\n",
        )
        .unwrap();
        assert_eq!(c.clean.spam_keywords, ["某某娱乐城"]);
        assert_eq!(c.clean.spam_line_words, ["某影院"]);
        assert_eq!(c.clean.despin, [["立异".to_string(), "创新".to_string()]]);
        let errors = parse("[clean]\nspam_line_word = []\n").unwrap_err();
        assert!(errors[0].message.contains("spam_line_word"));
    }

    #[test]
    fn theme_overrides_parse() {
        let c = parse("[themes.union-law]\nname = \"工会法\"\nphrases = { \"工会法\" = 3.0 }\n").unwrap();
        assert_eq!(c.themes["union-law"].phrases["工会法"], 3.0);
    }

    #[test]
    fn non_ascii_theme_slug_is_rejected() {
        let errors = parse("[themes.\"维权\"]\nname = \"x\"\n").unwrap_err();
        assert!(errors[0].message.contains("slug"));
    }

    #[test]
    fn chrome_labels_parse() {
        let c = parse("[clean]\nchrome_labels = [\"点击量\", \"editor 值班主任\"]\n").unwrap();
        assert_eq!(c.clean.chrome_labels, ["点击量", "editor 值班主任"]);
    }

    #[test]
    fn base_url_gets_one_slash() {
        let c = Config {
            base_url: "https://a.org//".into(),
            ..Config::default()
        };
        assert_eq!(c.base_url_slash(), "https://a.org/");
    }
}
