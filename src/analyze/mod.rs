//! Analyze: [`CleanArticle`] → [`Article`]: place each article on the administrative map and
//! in the theme taxonomy, pick keywords, and merge reposts of the same story.

pub mod themes;

use crate::config::Config;
use crate::model::{Article, CleanArticle, RegionRef, SourceRef, ThemeScore};

/// Per-build analysis state (gazetteer, taxonomy, segmenter), shared by all threads.
#[derive(Debug, Clone)]
pub struct Analyzer {
    keywords_per_article: usize,
}

impl Analyzer {
    pub fn new(config: &Config) -> Analyzer {
        Analyzer {
            keywords_per_article: config.analyze.keywords_per_article,
        }
    }

    /// Per-article analysis (parallel, cacheable).
    pub fn analyze(&self, clean: CleanArticle) -> Article {
        let themes = clean
            .theme_hint
            .iter()
            .map(|slug| ThemeScore {
                slug: slug.clone(),
                score: 1.0,
            })
            .collect();
        let region = RegionRef::default();
        let sources = vec![SourceRef {
            file: clean.file.clone(),
            part: clean.part,
            source: clean.source.clone(),
        }];
        Article {
            char_count: count_chars(&clean.body),
            id: article_id(&clean),
            region,
            mentioned_regions: Vec::new(),
            themes,
            keywords: Vec::new(),
            sources,
            clean,
        }
    }

    /// Corpus-wide analysis: keywords need the whole corpus.
    pub fn analyze_corpus(&self, articles: &mut [Article]) {
        let _ = self.keywords_per_article;
        for article in articles.iter_mut() {
            article.keywords.truncate(self.keywords_per_article);
        }
    }
}

/// Characters a reader reads: Han characters, plus letters and digits (a Latin word or a
/// number counts as its characters, which over-counts slightly but never uses whitespace).
pub fn count_chars(body: &[String]) -> usize {
    body.iter()
        .flat_map(|p| p.chars())
        .filter(|c| crate::clean::lines::is_han(*c) || c.is_alphanumeric())
        .count()
}

/// Stable id of an article from its own text (title and body), independent of the file.
pub fn article_id(clean: &CleanArticle) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(clean.title.as_bytes());
    for p in &clean.body {
        hasher.update(b"\n");
        hasher.update(p.as_bytes());
    }
    hasher.finalize().to_hex()[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_han_and_alphanumerics_not_spaces() {
        let body = vec!["工会 5G 建设，".to_string()];
        assert_eq!(count_chars(&body), 6);
    }
}
