//! Page chrome: navigation and breadcrumbs, publication-info lines, editor lines, footers,
//! disclaimers, comment widgets, share prompts, recommendation lists, image placeholders.
//! The metadata in those lines (date, source, authors) is extracted before they go.

use super::Page;
use crate::config::Config;

/// Compiled chrome rules, built once per build.
#[derive(Debug, Clone, Default)]
pub struct Rules {}

impl Rules {
    pub fn new(config: &Config) -> Rules {
        let _ = config;
        Rules {}
    }

    /// Extract metadata from chrome lines into `page.meta`, then remove them.
    pub fn apply(&self, page: &mut Page) {
        let _ = page;
    }
}
