//! Paragraphs printed twice in a row: a mirror or tag page that prints an article's summary
//! and then the same text, or a scraper that read one block twice, leaves the paragraph
//! repeated word for word on the next line.
//!
//! Evidence rule: a line equal to the line kept just before it, at least
//! [`MIN_REPEATED_CHARS`] characters long with Han text in it, is removed (the first copy
//! stays). Newsrooms repeat a slogan or a line of verse, never a whole paragraph right after
//! itself; short lines (a refrain, `劳动最光荣`) are never taken. Lines apart from each other
//! are left alone: a summary printed again later may be the text's own recapitulation.
//! Runs after the chrome step, so that chrome printed between two copies does not hide
//! them, before the layout step joins lines (two copies of a line that ends no sentence
//! would become one paragraph holding the text twice) and again after it (a paragraph
//! broken over lines and printed twice repeats only once joined). Removals are recorded as
//! `duplicate`.

use super::lines::is_han;
use super::Page;

/// Fewest characters a line must have for its repetition to count as a duplicate.
pub const MIN_REPEATED_CHARS: usize = 24;

/// Remove every line that repeats the line kept right before it, recording each.
pub fn remove_repeats(page: &mut Page) {
    let report = &mut page.report;
    let mut previous: Option<String> = None;
    page.lines.retain(|line| {
        let text = line.text.trim();
        let repeated = previous.as_deref() == Some(text) && is_substantial(text);
        if repeated {
            report.remove("duplicate", text);
        } else {
            previous = Some(text.to_string());
        }
        !repeated
    });
}

/// Long enough, and text rather than a row of marks or figures.
fn is_substantial(text: &str) -> bool {
    text.chars().count() >= MIN_REPEATED_CHARS && text.chars().any(is_han)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(text: &str) -> (Vec<String>, Vec<(String, String)>) {
        let mut page = Page::from_text("t.txt", text);
        remove_repeats(&mut page);
        let lines = page.lines.iter().map(|l| l.text.clone()).collect();
        let removed = page
            .report
            .removed
            .iter()
            .map(|r| (r.kind.clone(), r.text.clone()))
            .collect();
        (lines, removed)
    }

    const SUMMARY: &str = "6月6日，四川省总工会组织劳模工匠走进校园，与学生面对面交流成长故事。";

    #[test]
    fn a_paragraph_repeated_right_after_itself_is_kept_once() {
        let text = format!("{SUMMARY}\n{SUMMARY}\n{SUMMARY}\n活动现场气氛热烈，同学们纷纷提问。");
        let (lines, removed) = cleaned(&text);
        assert_eq!(lines, [SUMMARY, "活动现场气氛热烈，同学们纷纷提问。"]);
        assert_eq!(removed, vec![("duplicate".to_string(), SUMMARY.to_string()); 2]);
    }

    #[test]
    fn short_refrains_and_repeats_apart_stay() {
        let refrain = "劳动最光荣，劳动最美丽！";
        let text = format!("{refrain}\n{refrain}\n{SUMMARY}\n活动现场气氛热烈，同学们纷纷提问。\n{SUMMARY}");
        let (lines, removed) = cleaned(&text);
        assert_eq!(lines.len(), 5);
        assert!(removed.is_empty());
    }

    #[test]
    fn cleaning_again_removes_nothing_more() {
        let text = format!("{SUMMARY}\n{SUMMARY}\n活动现场气氛热烈，同学们纷纷提问。");
        let mut page = Page::from_text("t.txt", &text);
        remove_repeats(&mut page);
        let once: Vec<String> = page.lines.iter().map(|l| l.text.clone()).collect();
        remove_repeats(&mut page);
        let twice: Vec<String> = page.lines.iter().map(|l| l.text.clone()).collect();
        assert_eq!(once, twice);
        assert_eq!(page.report.removed.len(), 1);
    }
}
