//! The article record of the stable contract: printed by `inspect --json` and published as
//! `public/data/articles.json`. Fields may be added; none may change meaning.

use serde::Serialize;

use crate::model::{Article, CleaningReport, DatePrecision, RegionMention, RegionRef};

#[derive(Debug, Clone, Serialize)]
pub struct ArticleRecord<'a> {
    pub file: &'a str,
    pub part: usize,
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    pub kicker: Option<&'a str>,
    /// "YYYY-MM-DD" or null.
    pub date: Option<String>,
    pub date_precision: Option<DatePrecision>,
    pub source: Option<&'a str>,
    /// Every source the story was found at (merged reposts), first the article's own.
    pub sources: Vec<&'a str>,
    pub authors: &'a [String],
    pub region: &'a RegionRef,
    pub mentioned_regions: &'a [RegionMention],
    /// Theme slugs, strongest first.
    pub themes: Vec<&'a str>,
    pub theme_scores: Vec<(&'a str, f64)>,
    pub keywords: &'a [String],
    pub url: String,
    pub body: &'a [String],
    pub cleaning: &'a CleaningReport,
    pub char_count: usize,
    pub id: &'a str,
    /// Files (and parts) of reposts merged into this article.
    pub merged: Vec<String>,
}

impl<'a> ArticleRecord<'a> {
    pub fn new(article: &'a Article, url: String) -> ArticleRecord<'a> {
        let c = &article.clean;
        let mut sources: Vec<&str> = Vec::new();
        for s in article.sources.iter().filter_map(|s| s.source.as_deref()) {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        ArticleRecord {
            file: &c.file,
            part: c.part,
            title: &c.title,
            subtitle: c.subtitle.as_deref(),
            kicker: c.kicker.as_deref(),
            date: c.date.map(|d| d.iso()),
            date_precision: c.date.map(|d| d.precision),
            source: c.source.as_deref(),
            sources,
            authors: &c.authors,
            region: &article.region,
            mentioned_regions: article.mentioned_regions.as_slice(),
            themes: article.themes.iter().map(|t| t.slug.as_str()).collect(),
            theme_scores: article.themes.iter().map(|t| (t.slug.as_str(), t.score)).collect(),
            keywords: &article.keywords,
            url,
            body: &c.body,
            cleaning: &c.cleaning,
            char_count: article.char_count,
            id: &article.id,
            merged: article
                .sources
                .iter()
                .skip(1)
                .map(|s| format!("{}#{}", s.file, s.part))
                .collect(),
        }
    }
}

/// The human-readable cleaning report of one article (`inspect` without `--json`).
pub fn report(article: &Article, url: &str) -> String {
    use std::fmt::Write;
    let c = &article.clean;
    let mut out = String::new();
    let _ = writeln!(out, "── {} #{} ─────────", c.file, c.part);
    if let Some(k) = &c.kicker {
        let _ = writeln!(out, "引题   {k}");
    }
    let _ = writeln!(out, "标题   {}", c.title);
    if let Some(s) = &c.subtitle {
        let _ = writeln!(out, "副题   {s}");
    }
    let date = c
        .date
        .map_or_else(|| "—".to_string(), |d| format!("{} ({:?})", d.iso(), d.precision));
    let _ = writeln!(out, "日期   {date}");
    let _ = writeln!(out, "来源   {}", c.source.as_deref().unwrap_or("—"));
    let _ = writeln!(
        out,
        "作者   {}",
        if c.authors.is_empty() {
            "—".to_string()
        } else {
            c.authors.join("、")
        }
    );
    let region: Vec<&str> = [&article.region.province, &article.region.city, &article.region.county]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let _ = writeln!(
        out,
        "地区   {}",
        if region.is_empty() {
            "—".to_string()
        } else {
            region.join(" › ")
        }
    );
    let themes: Vec<String> = article
        .themes
        .iter()
        .map(|t| format!("{} {:.2}", t.slug, t.score))
        .collect();
    let _ = writeln!(out, "主题   {}", themes.join(", "));
    let _ = writeln!(out, "关键词 {}", article.keywords.join(" "));
    let _ = writeln!(out, "网址   {url}");
    let r = &c.cleaning;
    let _ = writeln!(
        out,
        "清理   繁转简={} 伪原创={} 断行合并={} 标点恢复={} 拆分={}",
        r.script_converted, r.spun, r.joined_lines, r.punctuation_fixed, r.split_parts
    );
    for d in &r.despun {
        let _ = writeln!(out, "  还原 {} → {} ×{}", d.from, d.to, d.count);
    }
    for rm in &r.removed {
        let _ = writeln!(out, "  删除 [{}] {}", rm.kind, rm.text);
    }
    let _ = writeln!(out, "正文 ({} 段, {} 字)", c.body.len(), article.char_count);
    for p in &c.body {
        let _ = writeln!(out, "  {p}");
    }
    out.push('\n');
    out
}
