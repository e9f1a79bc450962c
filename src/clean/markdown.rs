//! Curated Markdown: trusted text. Only its plain text is extracted (for analysis, search and
//! the data export); the Markdown itself is rendered and sanitised by the render stage.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::model::{CleanArticle, CleaningReport, RawDoc, SourceKind};

/// Paragraph texts of a Markdown document, and the text of its first level-1 heading.
pub fn plain_paragraphs(markdown: &str) -> (Vec<String>, Option<String>) {
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut first_h1: Option<String> = None;
    let mut in_h1 = false;
    let mut h1_text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) if first_h1.is_none() => in_h1 = true,
            Event::End(TagEnd::Heading(HeadingLevel::H1)) if in_h1 => {
                in_h1 = false;
                first_h1 = Some(std::mem::take(&mut h1_text).trim().to_string());
            }
            Event::Text(t) | Event::Code(t) => {
                if in_h1 {
                    h1_text.push_str(&t);
                } else {
                    current.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak if !in_h1 => current.push(' '),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock) => {
                let text = current.trim().to_string();
                if !text.is_empty() {
                    paragraphs.push(text);
                }
                current.clear();
            }
            _ => {}
        }
    }
    let rest = current.trim();
    if !rest.is_empty() {
        paragraphs.push(rest.to_string());
    }
    (paragraphs, first_h1)
}

/// One curated article: title from front matter, else the first `# heading`, else the file name.
pub fn clean_curated(doc: &RawDoc) -> Option<CleanArticle> {
    let (body, h1) = plain_paragraphs(&doc.text);
    let fallback = doc
        .file
        .rsplit('/')
        .next()
        .unwrap_or(&doc.file)
        .trim_end_matches(".md")
        .trim_end_matches(".markdown")
        .to_string();
    let title = doc.front.title.clone().or(h1).unwrap_or(fallback);
    if body.is_empty() && title.is_empty() {
        return None;
    }
    Some(CleanArticle {
        file: doc.file.clone(),
        part: 0,
        kind: SourceKind::Curated,
        title,
        subtitle: None,
        kicker: None,
        date: None,
        source: None,
        authors: Vec::new(),
        body: body.into(),
        markdown: Some(doc.text.clone()),
        region_hint: None,
        theme_hint: Vec::new(),
        draft: false,
        slug_hint: None,
        cleaning: CleaningReport::default(),
        source_hash: doc.hash.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_and_first_heading() {
        let (paras, h1) = plain_paragraphs("# 标题\n\n第一段**加粗**。\n\n- 列表项\n\n## 小标题\n\n第二段。");
        assert_eq!(h1.as_deref(), Some("标题"));
        assert_eq!(paras, ["第一段加粗。", "列表项", "小标题", "第二段。"]);
    }
}
