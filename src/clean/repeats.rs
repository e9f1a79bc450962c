//! Paragraphs printed twice in a row: a mirror or tag page that prints an article's summary
//! and then the same text, or a scraper that read one block twice, leaves the paragraph
//! repeated word for word on the next line; a page that holds its story twice (a reposting
//! template printing the article in two places) leaves a run of paragraphs repeated right
//! after itself.
//!
//! Evidence rule: a run of lines (one or more) equal to the run kept just before it is
//! removed (the first copy stays) when one of its lines is at least [`MIN_REPEATED_CHARS`]
//! characters long with Han text in it. Newsrooms repeat a slogan or a line of verse, never
//! a whole paragraph right after itself; short lines (a refrain, `劳动最光荣`) are never
//! taken. Lines apart from each other are left alone: a summary printed again later may be
//! the text's own recapitulation. Runs after the chrome step, so that chrome printed
//! between two copies does not hide them, before the layout step joins lines (two copies of
//! a line that ends no sentence would become one paragraph holding the text twice) and
//! again after it (a paragraph broken over lines and printed twice repeats only once
//! joined). Removals are recorded as `duplicate`.

use super::lines::is_han;
use super::Page;

/// Fewest characters a line must have for its repetition to count as a duplicate.
pub const MIN_REPEATED_CHARS: usize = 24;

/// Longest run of lines compared with the run before it: a story's paragraphs, not a
/// newspaper page's.
const MAX_REPEATED_RUN: usize = 64;

/// Remove every run of lines that repeats the run kept right before it, recording each line.
pub fn remove_repeats(page: &mut Page) {
    let texts: Vec<&str> = page.lines.iter().map(|l| l.text.trim()).collect();
    let mut kept: Vec<usize> = Vec::with_capacity(texts.len());
    let mut remove = vec![false; texts.len()];
    let mut i = 0;
    while i < texts.len() {
        match repeated_run(&texts, &kept, i) {
            Some(len) => {
                remove[i..i + len].fill(true);
                i += len;
            }
            None => {
                kept.push(i);
                i += 1;
            }
        }
    }
    let report = &mut page.report;
    let mut flags = remove.iter();
    page.lines.retain(|line| {
        let gone = flags.next().copied().unwrap_or(false);
        if gone {
            report.remove("duplicate", line.text.trim());
        }
        !gone
    });
}

/// Length of the shortest run starting at line `at` that equals the last lines kept, when
/// one of its lines is substantial.
fn repeated_run(texts: &[&str], kept: &[usize], at: usize) -> Option<usize> {
    let longest = MAX_REPEATED_RUN.min(kept.len()).min(texts.len() - at);
    (1..=longest).find(|&len| {
        let before = &kept[kept.len() - len..];
        let run = &texts[at..at + len];
        before.iter().zip(run).all(|(&k, t)| texts[k] == *t) && run.iter().any(|t| is_substantial(t))
    })
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
    fn a_story_printed_twice_in_a_row_is_kept_once() {
        let second = "活动现场气氛热烈，同学们纷纷提问，劳模们一一作答。";
        let credit = "王明 摄";
        let text = format!("标题\n{SUMMARY}\n{second}\n{credit}\n{SUMMARY}\n{second}\n{credit}\n完");
        let (lines, removed) = cleaned(&text);
        assert_eq!(lines, ["标题", SUMMARY, second, credit, "完"]);
        assert_eq!(removed.len(), 3);
        // A run of short lines (a stanza sung twice) stays.
        let text = "劳动最光荣\n劳动最美丽\n劳动最光荣\n劳动最美丽";
        assert_eq!(cleaned(text).0.len(), 4);
        // Runs that differ in one line are not repeats.
        let text = format!("{SUMMARY}\n{second}\n{SUMMARY}\n{second}。");
        assert_eq!(cleaned(&text).0.len(), 4);
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
