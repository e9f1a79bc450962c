//! The same articles, clean, as a Hugo site: what a Hugo user would publish if someone had
//! already cleaned the scrape by hand. Two taxonomies (regions, themes) and minimal templates
//! in Hugo's cheapest idioms: cards with excerpts, paginated lists, term pages, feeds,
//! previous/next links. No related articles (ours has them): `.Site.RegularPages.Related`
//! grows quadratically in Hugo 0.111 (+5 s CPU at 3k articles), so leaving it out keeps the
//! comparison conservative — Hugo does less work than we do.

use std::path::Path;

use crate::places::Gazetteer;
use crate::story::{Block, Story};

/// Hugo configuration (Hugo 0.111 syntax, as Debian 12 ships).
pub const CONFIG: &str = r#"baseURL = "http://localhost:8000/"
languageCode = "zh-cn"
title = "工会新闻文摘（基准语料）"
hasCJKLanguage = true
paginate = 20
summaryLength = 110
enableRobotsTXT = true

[taxonomies]
  region = "regions"
  theme = "themes"
"#;

const BASEOF: &str = r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if .IsHome }}{{ .Site.Title }}{{ else }}{{ .Title }} · {{ .Site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">
{{ end }}</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a>
<nav><a href="{{ "posts/" | relURL }}">全部文章</a> <a href="{{ "regions/" | relURL }}">地区</a> <a href="{{ "themes/" | relURL }}">主题</a></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>{{ .Site.Title }}</p></footer>
</body>
</html>
"#;

/// Term links are built from the front matter (`.Params`), the cheap idiom: `.GetTerms`
/// costs Hugo 0.111 about 0.5 ms per call, which would make the comparison unfair to Hugo.
const CARD: &str = r#"<li class="card"><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time>{{ with .Params.regions }} · {{ range . }}<a href="{{ "regions/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}{{ end }}{{ with .Params.themes }} · {{ range . }}<a href="{{ "themes/" | relURL }}{{ . | urlize }}/">{{ . }}</a> {{ end }}{{ end }}</p>
<p>{{ .Summary | plainify | truncate 110 }}</p></li>
"#;

const SINGLE: &str = r#"{{ define "main" }}<article>
<header>{{ with .Params.kicker }}<p class="kicker">{{ . }}</p>{{ end }}<h1>{{ .Title }}</h1>{{ with .Params.subtitle }}<p class="subtitle">{{ . }}</p>{{ end }}
<p class="meta"><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time>{{ with .Params.source }} · 来源：{{ . }}{{ end }} · {{ .FuzzyWordCount }} 字</p>
{{ with .Params.regions }}<nav class="breadcrumb"><ol>{{ range . }}<li><a href="{{ "regions/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ol></nav>{{ end }}
{{ with .Params.themes }}<ul class="chips">{{ range . }}<li><a href="{{ "themes/" | relURL }}{{ . | urlize }}/">{{ . }}</a></li>{{ end }}</ul>{{ end }}</header>
<div class="body">{{ .Content }}</div>
<nav class="prevnext">{{ with .PrevInSection }}<a rel="prev" href="{{ .RelPermalink }}">← {{ .Title }}</a>{{ end }} {{ with .NextInSection }}<a rel="next" href="{{ .RelPermalink }}">{{ .Title }} →</a>{{ end }}</nav>
</article>{{ end }}
"#;

const LIST: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<p class="totals">{{ len .Pages }} 篇文章{{ with .OutputFormats.Get "rss" }} · <a href="{{ .RelPermalink }}">订阅</a>{{ end }}</p>
<ul class="cards">{{ range (.Paginate .Pages).Pages }}{{ partial "card.html" . }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
"#;

const TERMS: &str = r#"{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="tiles">{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}"><strong>{{ .Page.Title }}</strong> <span>{{ .Count }} 篇</span></a></li>{{ end }}</ul>
{{ end }}
"#;

const INDEX: &str = r#"{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<section><h2>最新文章</h2><ul class="cards">{{ range first 20 .Site.RegularPages }}{{ partial "card.html" . }}{{ end }}</ul></section>
<section><h2>主题</h2><ul class="tiles">{{ range .Site.Taxonomies.themes.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul></section>
<section><h2>地区</h2><ul class="tiles">{{ range first 40 .Site.Taxonomies.regions.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul></section>
<p>共 {{ len .Site.RegularPages }} 篇文章</p>
{{ end }}
"#;

const NOT_FOUND: &str = r#"{{ define "main" }}<h1>页面不存在</h1><p><a href="{{ "/" | relURL }}">返回首页</a></p>{{ end }}
"#;

/// Layout files of the Hugo site: (path under layouts/, contents).
pub const LAYOUTS: &[(&str, &str)] = &[
    ("_default/baseof.html", BASEOF),
    ("_default/single.html", SINGLE),
    ("_default/list.html", LIST),
    ("_default/terms.html", TERMS),
    ("partials/card.html", CARD),
    ("index.html", INDEX),
    ("404.html", NOT_FOUND),
];

/// The tool's default theme taxonomy, for the Chinese names of the theme term pages.
const THEMES_TOML: &str = include_str!("../../data/themes.toml");

/// (slug, name) of each default theme; empty if the file's shape changed (names are cosmetic).
pub fn theme_names() -> Vec<(String, String)> {
    let Ok(table) = THEMES_TOML.parse::<toml::Table>() else {
        return Vec::new();
    };
    table
        .iter()
        .filter_map(|(slug, v)| Some((slug.clone(), v.get("name")?.as_str()?.to_string())))
        .collect()
}

/// Write config.toml, the layouts, and a title page per theme term (its Chinese name, as our
/// site shows it).
pub fn write_skeleton(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("content").join("posts"))?;
    for (slug, name) in theme_names() {
        let term = dir.join("content").join("themes").join(&slug);
        std::fs::create_dir_all(&term)?;
        std::fs::write(term.join("_index.md"), format!("+++\ntitle = {}\n+++\n", quoted(&name)))?;
    }
    std::fs::write(dir.join("config.toml"), CONFIG)?;
    for (rel, text) in LAYOUTS {
        let path = dir.join("layouts").join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn quoted_list<S: AsRef<str>>(items: &[S]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quoted(s.as_ref())).collect();
    format!("[{}]", inner.join(", "))
}

/// One post: TOML front matter and the body as Markdown paragraphs.
pub fn post(story: &Story, gazetteer: &Gazetteer) -> String {
    let d = story.date;
    let mut out = String::from("+++\n");
    out.push_str(&format!("title = {}\n", quoted(&story.title)));
    if let Some(k) = &story.kicker {
        out.push_str(&format!("kicker = {}\n", quoted(k)));
    }
    if let Some(s) = &story.subtitle {
        out.push_str(&format!("subtitle = {}\n", quoted(s)));
    }
    out.push_str(&format!(
        "date = {:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00\n",
        d.y, d.m, d.d, d.hh, d.mm, d.ss
    ));
    out.push_str(&format!("source = {}\n", quoted(&story.source)));
    out.push_str(&format!("regions = {}\n", quoted_list(&gazetteer.path(&story.region))));
    out.push_str(&format!("themes = {}\n", quoted_list(&story.themes)));
    out.push_str("+++\n\n");
    for block in &story.blocks {
        match block {
            Block::Heading(h) => out.push_str(&format!("## {h}\n\n")),
            Block::Para(p) => {
                out.push_str(p);
                out.push_str("\n\n");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_toml_specials() {
        for s in ["他说\"好\"", "it's", "a\\b", "「引号」'\""] {
            let doc = format!("title = {}\nlist = {}\n", quoted(s), quoted_list(&[s, "b"]));
            let v: toml::Value = toml::from_str(&doc).unwrap();
            assert_eq!(v["title"].as_str(), Some(s));
            assert_eq!(v["list"][0].as_str(), Some(s));
        }
    }

    #[test]
    fn theme_names_come_from_the_default_taxonomy() {
        let names = theme_names();
        assert!(names.len() >= 10);
        assert!(names.contains(&("rights".to_string(), "维权与劳动关系".to_string())));
    }

    #[test]
    fn hugo_config_parses_and_declares_both_taxonomies() {
        let v: toml::Value = toml::from_str(CONFIG).unwrap();
        assert_eq!(v["taxonomies"]["region"].as_str(), Some("regions"));
        assert_eq!(v["taxonomies"]["theme"].as_str(), Some("themes"));
    }
}
