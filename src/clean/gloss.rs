//! Glosses and damage: romanisation glosses inserted by mirror sites (职工(zhígōng)),
//! runs of replacement marks (`? ? ?`, `�`), and mojibake lines.

use super::Page;

/// Remove glosses and damage from every line, recording each removal.
pub fn repair(page: &mut Page) {
    let _ = page;
}
