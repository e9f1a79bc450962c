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

#[cfg(test)]
mod tests {
    use super::*;

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
