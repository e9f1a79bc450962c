//! Curated Markdown → HTML, sanitised: raw HTML in Markdown may carry `<script>`, event
//! handlers or `javascript:` URLs, and none of that may reach a published page.

use pulldown_cmark::{html, Event, Options, Parser, TagEnd};

/// Deepest element nesting rendered as HTML. Real articles stay far below it (a quote in a
/// list in a table is depth 10); the HTML sanitiser's parser takes time quadratic in the
/// depth, so 50 000 nested `>` or `<div>` in one file would stall the build for hours.
const MAX_NESTING: usize = 100;

/// Render Markdown to sanitised HTML. A leading `# heading` equal to the title is dropped
/// because the page already shows the title.
pub fn to_html(markdown: &str, title: &str) -> String {
    let trimmed = markdown.trim_start();
    let body = match trimmed.strip_prefix("# ") {
        Some(rest) => {
            let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
            if first.trim() == title.trim() {
                after
            } else {
                markdown
            }
        }
        None => markdown,
    };
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    options.insert(Options::ENABLE_FOOTNOTES);
    let mut unsafe_html = String::with_capacity(body.len() * 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(body, options));
    if max_nesting(&unsafe_html) > MAX_NESTING {
        return plain_html(body);
    }
    sanitize(&unsafe_html)
}

/// How deep elements nest in `html`, counted the cheap way: opening tags minus closing tags,
/// void and self-closed elements excluded. Unclosed tags (which a browser may close by
/// itself) count as open, so the result can only overestimate.
fn max_nesting(html: &str) -> usize {
    const VOID: [&str; 14] = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    for (i, _) in html.match_indices('<') {
        let rest = &html[i + 1..];
        if rest.starts_with('/') {
            depth = depth.saturating_sub(1);
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let self_closed = rest.split('>').next().is_some_and(|tag| tag.ends_with('/'));
        if !name.is_empty() && !self_closed && !VOID.contains(&name.as_str()) {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The text between the tags of an HTML fragment (the result is escaped by the caller).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// A document nested too deep to sanitise in reasonable time is published as its text:
/// one escaped paragraph per Markdown block, with the tags of raw HTML dropped and its text
/// kept, and no markup from the source at all.
fn plain_html(markdown: &str) -> String {
    let mut out = String::new();
    let mut paragraph = String::new();
    let flush = |paragraph: &mut String, out: &mut String| {
        let text = paragraph.trim();
        if !text.is_empty() {
            out.push_str("<p>");
            out.push_str(&super::feeds::xml_escape(text));
            out.push_str("</p>\n");
        }
        paragraph.clear();
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => paragraph.push_str(&t),
            Event::Html(h) | Event::InlineHtml(h) => paragraph.push_str(&strip_tags(&h)),
            Event::SoftBreak | Event::HardBreak => paragraph.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableCell,
            ) => flush(&mut paragraph, &mut out),
            _ => {}
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

/// Remove everything but safe markup (ammonia's defaults: no scripts, no event handlers,
/// only http(s)/mailto and relative URLs), and mark links `noopener noreferrer`.
pub fn sanitize(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(html)
        .to_string()
}

/// The text a reader would see once the Markdown is rendered and sanitised: every tag
/// stripped, script and style contents dropped. Used to refuse pages with nothing to read.
pub fn visible_text(markdown: &str) -> String {
    let html = to_html(markdown, "");
    ammonia::Builder::empty().clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Classic XSS vectors, in raw HTML and in Markdown syntax.
    const VECTORS: &[&str] = &[
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" ONERROR=\"alert(1)\">",
        "<svg onload=alert(1)><circle/></svg>",
        "<body onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>",
        "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"java\tscript:alert(1)\">x</a>",
        "<a href=\" javascript:alert(1)\">x</a>",
        "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
        "<form action=\"javascript:alert(1)\"><button>x</button></form>",
        "<input autofocus onfocus=alert(1)>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "<style>*{background:url(javascript:alert(1))}</style>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<base href=\"javascript:alert(1)//\">",
        "<!--<script>alert(1)</script>-->",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "[x](javascript:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](<javascript:alert(1)>)",
        "<javascript:alert(1)>",
        "![x](javascript:alert(1))",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    ];

    #[test]
    fn known_vectors_are_all_neutralised() {
        // Inside a tag: no event handler, no style, no script-capable URL. (As text, the
        // words may stay: `<javascript:…>` is an autolink whose text is shown, inert.)
        let in_tag =
            regex::Regex::new(r#"<[^>]*(\son[a-z]+\s*=|\sstyle\s*=|=\s*["']?\s*(javascript|vbscript|data):)"#).unwrap();
        for vector in VECTORS {
            let html = to_html(&format!("正文\n\n{vector}\n\n结尾"), "t").to_ascii_lowercase();
            assert!(!html.contains("<script"), "{vector} → {html}");
            assert!(!html.contains("<iframe") && !html.contains("<object") && !html.contains("<embed"));
            assert!(!html.contains("<svg") && !html.contains("<style") && !html.contains("<meta"));
            assert!(!html.contains("<form") && !html.contains("<base") && !html.contains("<input"));
            assert!(!in_tag.is_match(&html), "{vector} → {html}");
            assert!(html.contains("结尾"), "{vector} swallowed the rest: {html}");
        }
    }

    #[test]
    fn nesting_is_counted_from_tags() {
        assert_eq!(max_nesting("<p>a<br>b<img src=x/></p><div><p>c</p></div>"), 2);
        assert_eq!(max_nesting("<blockquote>\n<blockquote>\n<p>x</p>"), 3);
        assert_eq!(max_nesting("&lt;div&gt;"), 0);
    }

    #[test]
    fn too_deep_documents_become_plain_escaped_text() {
        let deep = format!("{} 正文<b>加粗</b>\n\n第二段", ">".repeat(MAX_NESTING + 5));
        let html = to_html(&deep, "t");
        assert_eq!(html, "<p>正文加粗</p>\n<p>第二段</p>\n");
        let deep = format!(
            "{}<script>x</script>正文<img src=x onerror=y>",
            "<div>".repeat(MAX_NESTING + 5)
        );
        let html = to_html(&deep, "t");
        assert_eq!(html, "<p>x正文</p>\n");
        // Ordinary nesting renders as Markdown.
        let html = to_html("> > - 引文里的列表\n", "t");
        assert!(html.contains("<blockquote>") && html.contains("<li>"), "{html}");
    }

    #[test]
    fn visible_text_ignores_markup_and_scripts() {
        assert_eq!(visible_text("<script>alert(1)</script>\n\n<img src=x>").trim(), "");
        assert_eq!(visible_text("<div>正文</div>").trim(), "正文");
        assert_eq!(visible_text("**正文**").trim(), "正文");
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        let html = to_html(
            "正文<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[点我](javascript:alert(1))",
            "t",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("正文"));
    }

    #[test]
    fn heading_equal_to_title_is_dropped() {
        let html = to_html("# 标题\n\n正文。", "标题");
        assert!(!html.contains("<h1>"));
        assert!(html.contains("<p>正文。</p>"));
    }
}
