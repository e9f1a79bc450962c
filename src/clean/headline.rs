//! Headline block: the title, with an optional kicker (引题) above it and subtitle (副题)
//! below it, at the top of an article section.

use super::lines::{ends_sentence, Line};

/// The headline of a section and the body lines after it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Headline {
    pub kicker: Option<String>,
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    pub body: Vec<Line>,
}

/// Longest line (in chars) still considered a headline.
const MAX_TITLE_CHARS: usize = 40;

fn looks_like_heading(line: &Line) -> bool {
    line.chars() <= MAX_TITLE_CHARS && !ends_sentence(&line.text)
}

/// Take the headline lines from the top of a section: the first heading-like line is the
/// title; a dash-led heading right after it is the subtitle.
pub fn take_headline(section: Vec<Line>) -> Headline {
    let mut lines = section.into_iter().peekable();
    let mut head = Headline::default();
    if let Some(first) = lines.next_if(looks_like_heading) {
        head.title = Some(first.text);
        if let Some(sub) = lines.next_if(|l| looks_like_heading(l) && l.text.starts_with(['—', '-'])) {
            head.subtitle = Some(sub.text.trim_start_matches(['—', '-', ' ']).to_string());
        }
    }
    head.body = lines.collect();
    head
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts.iter().enumerate().map(|(i, t)| Line::new(*t, i + 1)).collect()
    }

    #[test]
    fn title_then_dash_subtitle() {
        let head = take_headline(lines(&["标题", "——副题", "正文。"]));
        assert_eq!(head.title.as_deref(), Some("标题"));
        assert_eq!(head.subtitle.as_deref(), Some("副题"));
        assert_eq!(head.body.len(), 1);
    }

    #[test]
    fn a_sentence_is_not_a_title() {
        let head = take_headline(lines(&["这是一句完整的话。", "第二句。"]));
        assert_eq!(head.title, None);
        assert_eq!(head.body.len(), 2);
    }
}
