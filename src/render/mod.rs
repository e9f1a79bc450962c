//! Render: [`Site`] + [`Theme`] → files in a staging directory (see [`output`]).
//! Tera templates for pages, sanitised Markdown, Atom feeds, sitemap, and the data export.

pub mod charts;
pub mod feeds;
pub mod markdown;
pub mod output;
pub mod search;
pub mod stats;
#[cfg(test)]
pub(crate) mod testing;
pub mod theme;
pub mod tilemap;
pub mod views;

use rayon::prelude::*;
use serde_json::json;

use crate::error::{Error, Result};
use crate::record::ArticleRecord;
use crate::site::Site;
use output::Staging;
use theme::Theme;
use views::{ListSpec, Views};

/// Most articles listed on the home page (the archive lists them all).
const HOME_LATEST: usize = 12;

/// What a render wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderStats {
    /// HTML pages written.
    pub pages: usize,
    /// All files written (pages, feeds, data, assets).
    pub files: usize,
    /// Seconds spent in each part of rendering, in order.
    pub timings: Vec<(&'static str, f64)>,
}

/// Compile the theme's templates, naming the template, line and problem on error.
pub fn compile_templates(theme: &Theme) -> Result<tera::Tera> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(html_escape);
    tera.add_raw_templates(theme.templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| template_error("theme", &e))?;
    Ok(tera)
}

/// Escape text for HTML element content and quoted attribute values: the five characters
/// that can end a text or an attribute. Unlike tera's default, `/` stays as is, so URLs in
/// `href` read naturally (escaping it adds no safety inside quoted attributes).
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Flatten a tera error chain (which holds the template name, line and variable).
pub fn template_error(template: &str, e: &tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template {
        template: template.to_string(),
        message,
    }
}

struct Writer<'a> {
    staging: &'a Staging,
    stats: RenderStats,
    sitemap: Vec<String>,
    base_url: String,
}

/// Write the HTML of the page at `path` (a directory path such as `articles/x/`).
fn write_page(staging: &Staging, path: &str, html: &str) -> Result<()> {
    let rel = if path.is_empty() {
        "index.html".to_string()
    } else {
        format!("{path}index.html")
    };
    staging.write(&rel, html.as_bytes())
}

impl Writer<'_> {
    fn page(&mut self, path: &str, html: String) -> Result<()> {
        write_page(self.staging, path, &html)?;
        self.written_page(path);
        Ok(())
    }

    /// Count a page written elsewhere (by a parallel renderer) and list it in the sitemap.
    fn written_page(&mut self, path: &str) {
        self.stats.pages += 1;
        self.stats.files += 1;
        self.sitemap.push(format!("{}{path}", self.base_url));
    }

    fn file(&mut self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.staging.write(rel, bytes)?;
        self.stats.files += 1;
        Ok(())
    }
}

/// Render the whole site into `staging`.
pub fn render(site: &Site, theme: &Theme, staging: &Staging) -> Result<RenderStats> {
    let tera = compile_templates(theme)?;
    let views = Views::new(site, theme);
    let mut w = Writer {
        staging,
        stats: RenderStats::default(),
        sitemap: Vec::new(),
        base_url: site.config.base_url_slash(),
    };
    let render_page = |template: &str, page_path: &str, title: &str, extra: serde_json::Value| -> Result<String> {
        let mut context = tera::Context::from_serialize(&extra).map_err(|e| template_error(template, &e))?;
        context.insert("site", &views.site);
        context.insert("t", &theme.strings);
        context.insert(
            "page",
            &json!({ "title": title, "path": page_path, "canonical": format!("{}{page_path}", site.config.base_url_slash()) }),
        );
        tera.render(template, &context)
            .map_err(|e| template_error(template, &e).with_template_location(&theme.templates))
    };

    let mut clock = std::time::Instant::now();
    let mut lap = |w: &mut Writer, name: &'static str| {
        w.stats.timings.push((name, clock.elapsed().as_secs_f64()));
        clock = std::time::Instant::now();
    };
    lap(&mut w, "render: templates");

    // Home.
    let latest: Vec<_> = (0..site.articles.len().min(site.config.paginate).min(HOME_LATEST))
        .map(|i| views.card(i))
        .collect();
    let html = render_page(
        "index.html",
        "",
        "",
        json!({
            "latest": latest,
            "themes": views.theme_tiles(),
            "map": views.province_map("home-map"),
            "totals": theme.text("home_totals", &[
                ("articles", site.articles.len().to_string()),
                ("themes", site.themes.iter().filter(|t| !t.articles.is_empty()).count().to_string()),
                ("regions", site.regions.walk().len().saturating_sub(1).to_string()),
            ]),
        }),
    )?;
    w.page("", html)?;

    // Articles and index pages are independent of each other: render them on all cores.
    let article_paths: Vec<String> = (0..site.articles.len())
        .into_par_iter()
        .map(|i| {
            let path = format!("articles/{}/", site.slugs[i]);
            let view = views.article(i);
            let html = render_page(
                "article.html",
                &path,
                &site.articles[i].clean.title,
                json!({ "article": view }),
            )?;
            write_page(staging, &path, &html)?;
            Ok(path)
        })
        .collect::<Result<_>>()?;
    for path in &article_paths {
        w.written_page(path);
    }
    lap(&mut w, "render: article pages");

    let lists = views.lists();
    let list_outputs: Vec<(Vec<String>, bool)> = lists
        .par_iter()
        .map(|list| render_list(list, &views, theme, staging, &render_page))
        .collect::<Result<_>>()?;
    for (paths, feed) in &list_outputs {
        for path in paths {
            w.written_page(path);
        }
        w.stats.files += usize::from(*feed);
    }
    lap(&mut w, "render: index pages");

    let html = render_page(
        "regions.html",
        "regions/",
        &theme.text("regions", &[]),
        json!({ "tree": views.region_tree(), "map": views.province_map("regions-map") }),
    )?;
    w.page("regions/", html)?;
    let html = render_page(
        "themes.html",
        "themes/",
        &theme.text("themes", &[]),
        json!({ "themes": views.theme_tiles(), "keywords": views.keyword_tiles() }),
    )?;
    w.page("themes/", html)?;
    let html = render_page(
        "archive.html",
        "archive/",
        &theme.text("archive", &[]),
        views.archive_overview(),
    )?;
    w.page("archive/", html)?;
    let html = render_page(
        "stats.html",
        "stats/",
        &theme.text("stats_title", &[]),
        json!({ "articles": site.articles.len(), "sections": views.stats_sections() }),
    )?;
    w.page("stats/", html)?;

    // Search: the page, and the index it reads.
    if site.config.search.enabled {
        lap(&mut w, "render: overview pages");
        let segmenter = search::Segmenter::new(&site.config.analyze.dictionary);
        let index = search::build(&views.search_docs(), &segmenter);
        let html = render_page(
            "search.html",
            "search/",
            &theme.text("search", &[]),
            json!({ "search": { "shards": index.shard_count, "docs": index.stats.docs, "version": search::FORMAT_VERSION } }),
        )?;
        w.page("search/", html)?;
        for (rel, bytes) in &index.files {
            w.file(rel, bytes)?;
        }
    }

    lap(&mut w, "render: search index");
    // 404 (not in the sitemap).
    let not_found = render_page("404.html", "404.html", &theme.text("not_found_title", &[]), json!({}))?;
    w.file("404.html", not_found.as_bytes())?;
    w.stats.pages += 1;

    // Feeds, data, assets.
    let all: Vec<usize> = (0..site.articles.len()).collect();
    let feed = views.feed(&site.config.title, "feed.xml", &all);
    w.file("feed.xml", feed.as_bytes())?;
    let records: Vec<ArticleRecord> = (0..site.articles.len())
        .map(|i| ArticleRecord::new(&site.articles[i], views.href(&site.article_url(i)[1..])))
        .collect();
    let json = feeds::to_json_pretty(&records).map_err(|e| Error::Template {
        template: "articles.json".into(),
        message: e.to_string(),
    })?;
    w.file("data/articles.json", &json)?;
    for (rel, bytes) in &theme.statics {
        if rel == "search.js" && !site.config.search.enabled {
            continue;
        }
        w.file(rel, bytes)?;
    }
    let mut urls = std::mem::take(&mut w.sitemap);
    urls.sort();
    let base = site.config.base_url_slash();
    w.file("sitemap.xml", feeds::sitemap(&urls).as_bytes())?;
    w.file("robots.txt", feeds::robots(&format!("{base}sitemap.xml")).as_bytes())?;
    lap(&mut w, "render: feeds, data, sitemap");
    Ok(w.stats)
}

/// Render every page of one index (region, theme, month, keyword) and its feed. Returns the
/// page paths written and whether a feed was written.
fn render_list<F>(
    list: &ListSpec,
    views: &Views,
    theme: &Theme,
    staging: &Staging,
    render_page: &F,
) -> Result<(Vec<String>, bool)>
where
    F: Fn(&str, &str, &str, serde_json::Value) -> Result<String>,
{
    let mut paths = Vec::new();
    let data = serde_json::to_value(list).map_err(|e| Error::Template {
        template: "list.html".into(),
        message: e.to_string(),
    })?;
    for (n, (items, pager)) in views.paginate(&list.items, &list.path).into_iter().enumerate() {
        let path = if n == 0 {
            list.path.clone()
        } else {
            format!("{}page/{}/", list.path, n + 1)
        };
        let title = if n == 0 {
            list.title.clone()
        } else {
            format!("{} · {}", list.title, theme.text("page", &[("n", (n + 1).to_string())]))
        };
        let cards: Vec<_> = items.iter().map(|&i| views.card(i)).collect();
        let mut page_data = data.clone();
        page_data["items"] = json!(cards);
        page_data["pager"] = json!(pager);
        let html = render_page("list.html", &path, &title, json!({ "list": page_data }))?;
        write_page(staging, &path, &html)?;
        paths.push(path);
    }
    let feed = match &list.feed_path {
        Some(feed_path) => {
            let feed = views.feed(&list.title, feed_path, &list.items);
            staging.write(feed_path, feed.as_bytes())?;
            true
        }
        None => false,
    };
    Ok((paths, feed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escape_neutralises_markup_but_keeps_slashes() {
        assert_eq!(
            html_escape("<a href=\"x\" title='y'>&</a> /regions/"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt; /regions/"
        );
    }

    #[test]
    fn hostile_titles_are_escaped_on_every_page() {
        let title = "<script>alert(1)</script>工会";
        let site = testing::site(vec![testing::article(
            title,
            None,
            ("浙江省", "", "33"),
            &["rights"],
            &["工会"],
        )]);
        let theme = testing::theme();
        let dir = tempfile::tempdir().unwrap();
        let staging = output::Staging::create(&dir.path().join("out")).unwrap();
        render(&site, &theme, &staging).unwrap();
        let mut checked = 0;
        for entry in walkdir::WalkDir::new(&staging.dir).into_iter().flatten() {
            let name = entry.path().to_string_lossy().to_string();
            if name.ends_with(".html") || name.ends_with(".xml") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                assert!(!text.contains("<script>alert"), "{name}");
                checked += 1;
            }
        }
        assert!(checked > 5);
    }
}
