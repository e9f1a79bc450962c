//! Spam: porn and gambling keyword lines and lists, spider-pool footers, keywords injected
//! inside sentences, and sentences of unrelated fiction injected mid-paragraph.

use super::Page;
use crate::config::Config;

/// Compiled spam lexicons, built once per build.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {}

impl Lexicon {
    pub fn new(config: &Config) -> Lexicon {
        let _ = config;
        Lexicon {}
    }

    /// Remove spam from the page, recording every removal.
    pub fn apply(&self, page: &mut Page) {
        let _ = page;
    }
}
