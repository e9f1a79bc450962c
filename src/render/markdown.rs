//! Curated Markdown → HTML, sanitised: raw HTML in Markdown may carry `<script>`, event
//! handlers or `javascript:` URLs, and none of that may reach a published page.

use pulldown_cmark::{html, Options, Parser};

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
    sanitize(&unsafe_html)
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
