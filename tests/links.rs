//! The built site as a visitor and a crawler see it: every internal link and asset resolves,
//! every page (but 404.html) and every article is reachable from the home page, feeds and
//! the sitemap are well-formed, `data/articles.json` agrees with the pages, and the same
//! input gives the same bytes.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::synthetic;
use union_digest::analyze::themes::Taxonomy;
use union_digest::build::{build, BuildOptions};
use union_digest::config::Config;
use union_digest::render::{
    self,
    output::{Output, Staging},
    theme::Theme,
};
use union_digest::site::Site;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn article_pages(files: &BTreeSet<String>) -> BTreeSet<String> {
    files
        .iter()
        .filter(|f| f.starts_with("articles/") && f.ends_with("/index.html"))
        .cloned()
        .collect()
}

/// Everything a published site must satisfy, whatever its content.
fn check_site(out: &Path, base_url: &str) {
    let files = common::files(out);
    let walk = common::walk(out, base_url);
    assert!(walk.broken.is_empty(), "broken links: {:#?}", walk.broken);
    let pages: BTreeSet<String> = files
        .iter()
        .filter(|f| f.ends_with(".html") && *f != "404.html")
        .cloned()
        .collect();
    let unreached: Vec<&String> = pages.difference(&walk.reached).collect();
    assert!(
        unreached.is_empty(),
        "pages not reachable from the home page: {unreached:#?}"
    );
    for required in [
        "style.css",
        "feed.xml",
        "data/articles.json",
        "regions/index.html",
        "stats/index.html",
    ] {
        assert!(files.contains(required), "{required} missing");
    }
    assert!(files.contains("404.html") && files.contains("robots.txt") && files.contains("sitemap.xml"));

    // data/articles.json: one record per article page, each URL an existing page.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("data/articles.json")).unwrap()).unwrap();
    let records = json.as_array().expect("an array");
    let articles = article_pages(&files);
    assert_eq!(records.len(), articles.len());
    let from_json: BTreeSet<String> = records
        .iter()
        .map(|r| {
            let url = r["url"].as_str().expect("url is a string");
            let (file, _) = common::target(url, "index.html", base_url).expect("internal url");
            assert!(out.join(&file).is_file(), "{url} of articles.json does not exist");
            file
        })
        .collect();
    assert_eq!(from_json, articles, "articles.json and the article pages differ");

    // Feeds and sitemap: well-formed, Atom basics present, every location exists.
    for feed in files.iter().filter(|f| f.ends_with("feed.xml")) {
        let xml = std::fs::read_to_string(out.join(feed)).unwrap();
        common::check_xml(&xml).unwrap_or_else(|e| panic!("{feed}: {e}"));
        assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""), "{feed}");
        for element in ["<id>", "<title>", "<updated>"] {
            assert!(xml.contains(element), "{feed} lacks {element}");
        }
        assert_eq!(
            xml.matches("<entry>").count(),
            xml.matches("<id>").count() - 1,
            "{feed}"
        );
    }
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    common::check_xml(&sitemap).unwrap();
    for loc in sitemap.split("<loc>").skip(1) {
        let url = loc.split("</loc>").next().unwrap();
        let (file, _) = common::target(url, "index.html", base_url).expect("sitemap URL on the site");
        assert!(out.join(&file).is_file(), "sitemap lists missing {url}");
    }
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains(&format!("Sitemap: {base_url}sitemap.xml")));

    // Every page: one <h1>, the language set, no id used twice.
    for page in files.iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(page)).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"), "{page}");
        assert!(html.contains("<html lang=\"zh-CN\">"), "{page}");
        assert_eq!(html.matches("<h1").count(), 1, "{page} should have one <h1>");
        assert!(
            common::duplicate_ids(&html).is_empty(),
            "{page}: {:?}",
            common::duplicate_ids(&html)
        );
        assert!(html.contains("<main id=\"main\""), "{page} lacks the main landmark");
    }

    // URLs are ASCII.
    for f in &files {
        assert!(f.is_ascii(), "non-ASCII path {f}");
    }
}

#[test]
fn sample_site_links_resolve_and_every_article_is_reachable() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let summary = build(&BuildOptions {
        root: repo(),
        output: Some(out.clone()),
        ..BuildOptions::default()
    })
    .unwrap();
    assert!(summary.articles >= 2, "{}", summary.line());
    check_site(&out, "http://localhost:8000/");
    let files = common::files(&out);
    // Search is on by default: the page, its script and an index covering every article.
    assert!(files.contains("search/index.html") && files.contains("search.js"));
    let docs = files.iter().filter(|f| f.starts_with("search/docs/")).count();
    assert_eq!(docs, article_pages(&files).len());
    // The curated sample articles are on the home page's path.
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(home.contains("全总部署推进新就业形态劳动者入会和服务工作"));
}

/// Render a synthetic corpus with the default theme into `out`.
fn render_synthetic(out: &Path, n: usize, paginate: usize) -> Site {
    let sentences = synthetic::sentences(&repo());
    let articles = synthetic::articles(n, 7, &sentences);
    let config = Config {
        paginate,
        ..Config::default()
    };
    let taxonomy = Taxonomy::load(&config.themes);
    let site = Site::build(config, taxonomy, articles, false);
    let theme = Theme::load(&repo(), "default").unwrap();
    let output = Output::full(Staging::create(out).unwrap());
    render::render(&site, &theme, &output).unwrap();
    output.commit().unwrap();
    site
}

#[test]
fn synthetic_site_has_every_region_theme_and_page_linked_and_is_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a");
    let site = render_synthetic(&out, 80, 5);
    check_site(&out, "http://localhost:8000/");
    let files = common::files(&out);

    // Every region of the corpus has a page, provinces and national/unknown included.
    for page in [
        "regions/zhejiang/index.html",
        "regions/zhejiang/hangzhou/yuhang/index.html",
        "regions/hunan/index.html",
        "regions/national/index.html",
        "regions/unknown/index.html",
        "regions/zhejiang/feed.xml",
    ] {
        assert!(files.contains(page), "{page} missing");
    }
    // Paginated indexes and year pages.
    assert!(files.contains("regions/zhejiang/page/2/index.html"));
    assert!(files
        .iter()
        .any(|f| f.starts_with("archive/2023/") && f.ends_with("/index.html")));
    assert!(files.contains("archive/2023/index.html"));
    for t in &site.themes {
        assert!(files.contains(&format!("themes/{}/index.html", t.slug)), "{}", t.slug);
    }

    // The tile map on the home page links provinces that have pages, and shows real counts.
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    let zhejiang = site.regions.children.iter().find(|n| n.name == "浙江省").unwrap();
    let label = format!("aria-label=\"浙江省：{} 篇\"", zhejiang.all.len());
    assert!(
        home.contains(&format!("<a href=\"/regions/zhejiang/\" {label}>")),
        "{label}"
    );
    assert!(home.contains("<title>黑龙江省：0 篇</title>"));
    assert!(!home.contains("href=\"/regions/heilongjiang/\""));
    let stats = std::fs::read_to_string(out.join("stats/index.html")).unwrap();
    assert!(stats.contains(&format!("<title>浙江省：{} 篇</title>", zhejiang.all.len())));
    for t in site.themes.iter().filter(|t| !t.articles.is_empty()) {
        assert!(
            stats.contains(&format!("<title>{}：{} 篇</title>", t.name, t.articles.len())),
            "{}",
            t.name
        );
    }

    // Removed spam is shown escaped in cleaning reports, never as markup.
    for f in files.iter().filter(|f| f.ends_with(".html")) {
        let html = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!html.contains("<script>alert"), "{f} contains unescaped text");
    }

    // The same input gives the same bytes.
    let again = tmp.path().join("b");
    render_synthetic(&again, 80, 5);
    assert_eq!(files, common::files(&again));
    for f in &files {
        assert!(
            std::fs::read(out.join(f)).unwrap() == std::fs::read(again.join(f)).unwrap(),
            "{f} differs between two builds"
        );
    }
}

#[test]
fn search_disabled_writes_no_search_page_or_index() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sentences = synthetic::sentences(&repo());
    let mut config = Config::default();
    config.search.enabled = false;
    let taxonomy = Taxonomy::load(&config.themes);
    let site = Site::build(config, taxonomy, synthetic::articles(5, 1, &sentences), false);
    let theme = Theme::load(&repo(), "default").unwrap();
    let output = Output::full(Staging::create(&out).unwrap());
    render::render(&site, &theme, &output).unwrap();
    output.commit().unwrap();
    let files = common::files(&out);
    assert!(!files.iter().any(|f| f.starts_with("search")), "{files:?}");
    let home = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!home.contains("/search/"));
    check_site(&out, "http://localhost:8000/");
}

#[test]
fn link_helpers_resolve_paths() {
    let base = "https://x.org/";
    assert_eq!(
        common::target("/a/", "index.html", base),
        Some(("a/index.html".into(), None))
    );
    assert_eq!(
        common::target("https://x.org/b.css", "index.html", base),
        Some(("b.css".into(), None))
    );
    assert_eq!(
        common::target("../c/#top", "a/b/index.html", base),
        Some(("a/c/index.html".into(), Some("top".into())))
    );
    assert_eq!(common::target("https://other.org/", "index.html", base), None);
    assert!(common::check_xml("<a><b/>x&amp;</a>").is_ok());
    assert!(common::check_xml("<a><b></a>").is_err());
    assert!(common::check_xml("<a>&nbsp;</a>").is_err());
}
