//! `init DIR`: a new digest that builds as it is.

use std::path::Path;

use crate::error::{Error, Result, UserError};
use crate::render::theme::Theme;

/// The documented config written by `init` (every key at its default).
pub const CONFIG_TEMPLATE: &str = r#"# union-digest site configuration. Every key is optional; shown here with its default.
title = "工会新闻文摘"
description = "工会工作新闻汇编：按地区与主题整理，清理转载噪声后的原文。"
# Absolute URL where the site is published (used in feeds and the sitemap).
base_url = "http://localhost:8000/"
language = "zh-CN"
output_dir = "public"
theme = "default"
# Script of the published text: "hans" (Simplified), "hant" (Traditional) or "keep".
script = "hans"
# Articles per index page, and entries per Atom feed.
paginate = 20
feed_size = 20
# Files over this many bytes are skipped with a warning.
max_file_bytes = 8388608

[clean]
# Extra injected spam words to cut out of sentences.
spam_keywords = []
# Extra porn/gambling words that mark whole spam lines (title lists, link farms).
spam_line_words = []
# Extra labels of page-chrome lines (e.g. "点击量"), or "category label" such as
# "editor 值班主任" (categories: see the tool's data/chrome-labels.txt).
chrome_labels = []
# Extra de-spinning pairs: [spun, original].
despin = []

[analyze]
keywords_per_article = 8
keyword_page_min_articles = 3
# Extra words for the segmenter.
dictionary = []
stop_words = []
# Extra region aliases: alias = official name or 6-digit code.
region_aliases = {}

[search]
enabled = true

# Extend or rename themes (defaults in the tool's data/themes.toml):
# [themes.rights]
# name = "维权服务"
# phrases = { "工会法" = 3.0 }
"#;

const EXAMPLE_ARTICLE: &str = r#"+++
title = "欢迎使用 union-digest"
date = 2024-05-01
source = "编辑部"
authors = ["编辑部"]
region = "全国"
themes = ["digital"]
+++

这是一篇示例文章。把抓取来的原始文章（.txt）放进 `content/` 目录，或者像本文一样用 Markdown 写成编辑稿（.md），然后运行 `union-digest build`，即可在 `public/` 目录得到按地区、主题整理好的静态网站。

原始文章会自动清理：去掉网页导航、来源与浏览次数等页面杂项，删除夹带的垃圾关键词，繁体转简体，还原伪原创改写，修复断行，并把报纸版面上的多篇文章拆开。
"#;

/// Create a new site in `dir` (which may exist but must not hold a config.toml).
pub fn init(dir: &Path) -> Result<()> {
    let config = dir.join("config.toml");
    if config.exists() {
        return Err(Error::User(UserError::new(
            &config,
            0,
            0,
            "already exists: init creates a new digest; choose an empty directory",
        )));
    }
    let content = dir.join("content");
    std::fs::create_dir_all(&content).map_err(|e| Error::io(&content, e))?;
    std::fs::write(&config, CONFIG_TEMPLATE).map_err(|e| Error::io(&config, e))?;
    let example = content.join("welcome.md");
    std::fs::write(&example, EXAMPLE_ARTICLE).map_err(|e| Error::io(&example, e))?;
    Theme::write_default(&dir.join("themes").join("default"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_template_parses_to_the_defaults() {
        let parsed = crate::config::Config::parse(CONFIG_TEMPLATE, Path::new("config.toml")).unwrap();
        assert_eq!(parsed, crate::config::Config::default());
    }

    #[test]
    fn init_refuses_an_existing_site() {
        let dir = tempfile::tempdir().unwrap();
        init(dir.path()).unwrap();
        assert!(init(dir.path()).is_err());
    }
}
