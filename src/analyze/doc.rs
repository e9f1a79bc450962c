//! The text of an article as analysis reads it: one string with zones, because where a word
//! appears says how much it matters (a place in the title is what the article is about; a
//! place in the tenth paragraph may be a passing mention).

use std::ops::Range;

use crate::model::CleanArticle;

/// The lead is the first paragraphs of the body up to this many characters (a dateline
/// paragraph alone is not a lead).
const LEAD_CHARS: usize = 120;
/// …but never more than this many paragraphs.
const LEAD_PARAGRAPHS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// Kicker, title and subtitle.
    Title,
    /// The first paragraph(s) of the body.
    Lead,
    Body,
}

impl Zone {
    /// Weight of a mention in this zone, shared by regions and themes.
    pub fn weight(self) -> f64 {
        match self {
            Zone::Title => 3.0,
            Zone::Lead => 2.0,
            Zone::Body => 1.0,
        }
    }
}

/// One line of the text: a title line or a body paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte range in `Doc::text` (without the line break).
    pub range: Range<usize>,
    pub zone: Zone,
    pub chars: usize,
}

/// Title lines, then body paragraphs, one per line.
#[derive(Debug, Clone)]
pub struct Doc {
    pub text: String,
    pub paragraphs: Vec<Paragraph>,
    /// Characters of the body (for length normalisation).
    pub body_chars: usize,
}

impl Doc {
    pub fn new(clean: &CleanArticle) -> Doc {
        let title_lines = [
            clean.kicker.as_deref(),
            Some(clean.title.as_str()),
            clean.subtitle.as_deref(),
        ];
        let body: Vec<&str> = clean.body.iter().map(String::as_str).collect();
        Doc::from_parts(title_lines.into_iter().flatten(), &body)
    }

    pub fn from_parts<'a>(title_lines: impl IntoIterator<Item = &'a str>, body: &[&str]) -> Doc {
        let mut doc = Doc {
            text: String::new(),
            paragraphs: Vec::new(),
            body_chars: 0,
        };
        for line in title_lines {
            doc.push(line, Zone::Title);
        }
        let mut lead_chars = 0;
        for (i, paragraph) in body.iter().enumerate() {
            let zone = if lead_chars < LEAD_CHARS && i < LEAD_PARAGRAPHS {
                Zone::Lead
            } else {
                Zone::Body
            };
            let chars = doc.push(paragraph, zone);
            if zone == Zone::Lead {
                lead_chars += chars;
            }
            doc.body_chars += chars;
        }
        doc
    }

    fn push(&mut self, line: &str, zone: Zone) -> usize {
        let line = line.trim();
        let start = self.text.len();
        self.text.push_str(line);
        let chars = line.chars().count();
        self.paragraphs.push(Paragraph {
            range: start..self.text.len(),
            zone,
            chars,
        });
        self.text.push('\n');
        chars
    }

    /// The zone of a byte offset in `text`.
    pub fn zone(&self, offset: usize) -> Zone {
        self.paragraph_at(offset)
            .map_or(Zone::Body, |p| self.paragraphs[p].zone)
    }

    /// Index of the paragraph holding a byte offset (a line break belongs to its line).
    pub fn paragraph_at(&self, offset: usize) -> Option<usize> {
        let index = self.paragraphs.partition_point(|p| p.range.end < offset);
        (index < self.paragraphs.len()).then_some(index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_follow_title_lead_and_body() {
        let doc = Doc::from_parts(["标题"], &["短导语", &"导语句子".repeat(40), "第三段", "正文"]);
        assert_eq!(doc.zone(0), Zone::Title);
        let lead = doc.text.find("短导语").unwrap();
        assert_eq!(doc.zone(lead), Zone::Lead);
        assert_eq!(doc.paragraph_at(lead), Some(1));
        // The lead reached 120 characters in its second paragraph.
        let third = doc.text.find("第三段").unwrap();
        assert_eq!(doc.zone(third), Zone::Body);
        assert_eq!(doc.paragraph_at(third), Some(3));
        assert_eq!(&doc.text[doc.paragraphs[3].range.clone()], "第三段");
        assert_eq!(doc.body_chars, 3 + 160 + 3 + 2);
        assert_eq!(doc.paragraph_at(doc.text.len() + 1), None);
    }
}
