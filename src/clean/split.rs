//! Several articles on one page: a newspaper page is split at headline blocks followed by a
//! dateline (本报讯, 记者…报道) or body text; column labels are not articles.

use super::lines::Line;

/// Split a page's lines into one section per article.
pub fn split(lines: Vec<Line>) -> Vec<Vec<Line>> {
    vec![lines]
}
