//! Injection: text, titles, authors and sources from content are escaped in HTML,
//! attributes, JSON and feeds; raw HTML in Markdown is sanitised. Nothing from content can
//! add a script, an event handler or a `javascript:` URL to the output.

use crate::fixtures::{article, assert_no_injection, hostile_txt, GBK_ARTICLE, HOSTILE_MD};
use crate::support::{dangerous_markup, TestSite};

#[test]
fn content_cannot_inject_markup_anywhere() {
    let baseline = TestSite::new();
    baseline.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    baseline.build().expect("baseline build");

    let site = TestSite::new();
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    site.write("content/curated/hostile.md", HOSTILE_MD);
    site.write("content/raw/hostile.txt", hostile_txt());
    let summary = site.build().expect("hostile build");
    assert_eq!(summary.articles, 3, "{:#?}", summary.warnings);
    assert_no_injection(&site.public(), &baseline.public());

    // The hostile text is shown, escaped, not dropped: the editor can see what came in.
    let pages = site.article_pages();
    assert!(
        pages.contains("<h1>&lt;script&gt;alert(&quot;md-title&quot;)&lt;/script&gt;职工维权"),
        "title not escaped"
    );
    assert!(pages.contains("王五"), "author lost");
    assert!(pages.contains("正文第一段：职工权益保障工作取得新进展。"));
    assert!(pages.contains("最后一段正文。"));
    assert!(pages.contains("点击这里"), "link text lost with the link");
    let feed = std::fs::read_to_string(site.public().join("feed.xml")).unwrap();
    assert!(feed.contains("&lt;script&gt;alert(&quot;md-title&quot;)&lt;/script&gt;职工维权"));
    let json = std::fs::read_to_string(site.public().join("data/articles.json")).unwrap();
    let records: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let titles: Vec<&str> = records
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["title"].as_str())
        .collect();
    assert!(
        titles
            .iter()
            .any(|t| t.starts_with("<script>alert(\"md-title\")</script>职工维权")),
        "{titles:?}"
    );
}

#[test]
fn scanner_finds_markup_not_escaped_text() {
    let found = dangerous_markup(
        "<p>&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)</p><IMG SRC=x OnError='a'>\
         <a href=\" &#106;ava&#x73;cript&colon;x\">y</a><a href=\"https://ok/\">z</a>\
         <script>var x = 1;</script><p title=\"<b onclick=x>\">t</p>",
    );
    assert_eq!(
        found,
        [
            "<IMG SRC=x OnError='a'>",
            "<a href=\" &#106;ava&#x73;cript&colon;x\">",
            "<script>var x = 1;",
        ]
    );
}
