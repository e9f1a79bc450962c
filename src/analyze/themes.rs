//! Themes: the taxonomy of union work (defaults from `data/themes.toml`, extended and renamed
//! from `config.toml`) and its assignment to articles.
//!
//! A theme's score is the share of the article that is about it. Each paragraph's phrases
//! (weighted by `data/themes.toml`) divide the paragraph among the themes they speak for; a
//! paragraph with little evidence is only partly attributed (one "平台" in passing does not make
//! a paragraph about digital unions). Paragraphs weigh by their length, the lead twice, and a
//! title that names a theme as a quarter of the body. So a theme wins by owning paragraphs,
//! not by repeating a slogan that every article carries; long reports do not win on volume.
//! A section heading's phrases also count in the paragraph that follows it.
//! Two-character phrases count only as whole words of the segmented text (入会 is not in
//! 加入会员). An article gets the themes with at least `MIN_SCORE` and a fifth of its best
//! one, up to five, strongest first; themes asked for in front matter win.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Deserialize;

use super::doc::{Doc, Zone};
use super::segment::Boundaries;
use crate::config::ThemeOverride;
use crate::model::ThemeScore;

/// Most themes an article gets.
pub const MAX_THEMES: usize = 5;
/// A theme below this share of the article is not assigned…
const MIN_SCORE: f64 = 0.05;
/// …nor one below this fraction of the article's best theme.
const RELATIVE_SCORE: f64 = 0.2;
/// An article whose best theme is weak still gets it if it scores at least this.
const FALLBACK_SCORE: f64 = 0.02;
/// Phrase weight from which a paragraph is wholly about its themes (two decisive phrases).
const SATURATION: f64 = 6.0;
/// Weight of a title that names a theme, as a fraction of the body's weight.
const TITLE_SHARE: f64 = 0.25;
/// A section heading's phrases count this many times more in the paragraph after it.
const HEADING_CARRY: f64 = 2.0;
/// Longest paragraph (characters) that can be a section heading.
const HEADING_CHARS: usize = 30;
/// Phrases up to this many characters must match whole words.
const WORD_BOUNDED_CHARS: usize = 2;
/// Middle dots that scraped text uses for the one in 中国梦·劳动美.
const MIDDLE_DOTS: [char; 5] = ['·', '∙', '•', '・', '‧'];

const DEFAULT_THEMES: &str = include_str!("../../data/themes.toml");

/// Default theme order (the order of `data/themes.toml`), used for stable listings.
const DEFAULT_ORDER: [&str; 13] = [
    "ideology",
    "model-workers",
    "competitions",
    "workforce-reform",
    "new-employment",
    "organizing",
    "rights",
    "assistance",
    "service-stations",
    "wellbeing",
    "employment",
    "safety",
    "digital",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: String,
    description: String,
    phrases: BTreeMap<String, f64>,
}

/// One theme of union work.
#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Phrase and weight, sorted by phrase.
    pub phrases: Vec<(String, f64)>,
}

/// The themes of a site, in display order.
#[derive(Debug, Clone, PartialEq)]
pub struct Taxonomy {
    pub themes: Vec<Theme>,
}

impl Taxonomy {
    /// The compiled-in defaults merged with the site's overrides (new slugs are appended in
    /// slug order; known slugs get their name, description and extra phrases replaced/merged).
    pub fn load(overrides: &BTreeMap<String, ThemeOverride>) -> Taxonomy {
        let mut defaults: BTreeMap<String, ThemeFile> =
            toml::from_str(DEFAULT_THEMES).expect("data/themes.toml is valid (checked by a unit test)");
        let mut themes = Vec::new();
        for slug in DEFAULT_ORDER {
            if let Some(file) = defaults.remove(slug) {
                themes.push(Theme {
                    slug: slug.to_string(),
                    name: file.name,
                    description: file.description,
                    phrases: file.phrases.into_iter().collect(),
                });
            }
        }
        for (slug, file) in defaults {
            themes.push(Theme {
                slug,
                name: file.name,
                description: file.description,
                phrases: file.phrases.into_iter().collect(),
            });
        }
        for (slug, o) in overrides {
            let theme = match themes.iter_mut().position(|t| &t.slug == slug) {
                Some(i) => &mut themes[i],
                None => {
                    themes.push(Theme {
                        slug: slug.clone(),
                        name: slug.clone(),
                        description: String::new(),
                        phrases: Vec::new(),
                    });
                    themes.last_mut().expect("just pushed")
                }
            };
            if let Some(name) = &o.name {
                theme.name.clone_from(name);
            }
            if let Some(description) = &o.description {
                theme.description.clone_from(description);
            }
            let mut phrases: BTreeMap<String, f64> = theme.phrases.drain(..).collect();
            phrases.extend(o.phrases.iter().map(|(k, v)| (k.clone(), *v)));
            theme.phrases = phrases.into_iter().collect();
        }
        Taxonomy { themes }
    }

    pub fn get(&self, slug: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.slug == slug)
    }

    /// Every phrase of every theme (for the segmenter's dictionary).
    pub fn phrases(&self) -> impl Iterator<Item = &str> {
        self.themes
            .iter()
            .flat_map(|t| t.phrases.iter().map(|(p, _)| p.as_str()))
    }
}

/// One phrase of the matcher: the themes it speaks for, and whether it must be a whole word.
#[derive(Debug, Clone)]
struct Phrase {
    themes: Vec<(usize, f64)>,
    word_bounded: bool,
}

/// Scores articles against a taxonomy.
pub struct ThemeMatcher {
    slugs: Vec<String>,
    automaton: AhoCorasick,
    phrases: Vec<Phrase>,
}

impl std::fmt::Debug for ThemeMatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ThemeMatcher")
            .field("themes", &self.slugs)
            .finish_non_exhaustive()
    }
}

impl ThemeMatcher {
    pub fn new(taxonomy: &Taxonomy) -> ThemeMatcher {
        let mut table: BTreeMap<String, Phrase> = BTreeMap::new();
        for (index, theme) in taxonomy.themes.iter().enumerate() {
            for (phrase, weight) in &theme.phrases {
                for variant in dot_variants(phrase.trim()) {
                    if variant.is_empty() || *weight <= 0.0 || !weight.is_finite() {
                        continue;
                    }
                    let entry = table.entry(variant.clone()).or_insert_with(|| Phrase {
                        themes: Vec::new(),
                        word_bounded: variant.chars().count() <= WORD_BOUNDED_CHARS,
                    });
                    entry.themes.push((index, *weight));
                }
            }
        }
        let names: Vec<&String> = table.keys().collect();
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&names)
            .expect("theme phrases build an automaton (checked by unit tests)");
        ThemeMatcher {
            slugs: taxonomy.themes.iter().map(|t| t.slug.clone()).collect(),
            automaton,
            phrases: table.into_values().collect(),
        }
    }

    /// Score of every theme with any evidence (its share of the article, 0 to 1), strongest
    /// first (ties in taxonomy order).
    pub fn scores(&self, doc: &Doc, boundaries: &Boundaries) -> Vec<ThemeScore> {
        let themes = self.slugs.len();
        let mut evidence = vec![vec![0.0; themes]; doc.paragraphs.len()];
        for hit in self.automaton.find_iter(&doc.text) {
            let phrase = &self.phrases[hit.pattern().as_usize()];
            if phrase.word_bounded && !(boundaries.contains(hit.start()) && boundaries.contains(hit.end())) {
                continue;
            }
            let Some(paragraph) = doc.paragraph_at(hit.start()) else {
                continue;
            };
            for &(theme, weight) in &phrase.themes {
                evidence[paragraph][theme] += weight;
            }
        }
        let mut title = vec![0.0; themes];
        let mut totals = vec![0.0; themes];
        let mut body_weight = 0.0;
        let mut heading: Option<Vec<f64>> = None;
        for (index, (paragraph, found)) in doc.paragraphs.iter().zip(&evidence).enumerate() {
            if paragraph.zone == Zone::Title {
                title.iter_mut().zip(found).for_each(|(t, f)| *t += f);
                continue;
            }
            let weight = paragraph.chars as f64 * paragraph.zone.weight();
            body_weight += weight;
            let mut found = found.clone();
            // A section heading ("一是突出思想政治引领") says what the section is about.
            if let Some(carried) = heading.take() {
                found
                    .iter_mut()
                    .zip(&carried)
                    .for_each(|(f, c)| *f += HEADING_CARRY * c);
            }
            attribute(&mut totals, &found, weight);
            if is_heading(&doc.text[doc.paragraphs[index].range.clone()]) {
                heading = Some(evidence[index].clone());
            }
        }
        let mut denominator = body_weight;
        if title.iter().any(|t| *t > 0.0) {
            let weight = if body_weight > 0.0 {
                TITLE_SHARE * body_weight
            } else {
                1.0
            };
            denominator += weight;
            attribute(&mut totals, &title, weight);
        }
        if denominator <= 0.0 {
            return Vec::new();
        }
        let mut scores: Vec<(usize, f64)> = totals
            .into_iter()
            .enumerate()
            .map(|(i, total)| (i, round3(total / denominator)))
            .filter(|(_, score)| *score > 0.0)
            .collect();
        scores.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scores
            .into_iter()
            .map(|(i, score)| ThemeScore {
                slug: self.slugs[i].clone(),
                score,
            })
            .collect()
    }

    /// The article's themes: the front-matter slugs the taxonomy knows, in the editor's order,
    /// if any; else 1 to 5 themes by score.
    pub fn assign(&self, doc: &Doc, boundaries: &Boundaries, hints: &[String]) -> Vec<ThemeScore> {
        let scores = self.scores(doc, boundaries);
        let mut hinted: Vec<ThemeScore> = Vec::new();
        for slug in hints.iter().map(|h| h.trim()) {
            if self.slugs.iter().any(|s| s == slug) && !hinted.iter().any(|t| t.slug == slug) {
                let score = scores.iter().find(|t| t.slug == slug).map_or(0.0, |t| t.score);
                hinted.push(ThemeScore {
                    slug: slug.to_string(),
                    score,
                });
            }
        }
        if !hinted.is_empty() {
            return hinted;
        }
        let Some(top) = scores.first().map(|t| t.score) else {
            return Vec::new();
        };
        let floor = MIN_SCORE.max(RELATIVE_SCORE * top);
        let mut chosen: Vec<ThemeScore> = scores
            .iter()
            .filter(|t| t.score >= floor)
            .take(MAX_THEMES)
            .cloned()
            .collect();
        if chosen.is_empty() && top >= FALLBACK_SCORE {
            chosen.push(scores[0].clone());
        }
        chosen
    }
}

/// The phrase, and with a middle dot, the same phrase with each dot scraped text uses.
fn dot_variants(phrase: &str) -> Vec<String> {
    if !phrase.contains(MIDDLE_DOTS) {
        return vec![phrase.to_string()];
    }
    MIDDLE_DOTS
        .iter()
        .map(|dot| phrase.replace(MIDDLE_DOTS, &dot.to_string()))
        .collect()
}

/// A short line that does not end a sentence: "一是突出思想政治引领", "“初心”答卷：强化政治引领".
fn is_heading(paragraph: &str) -> bool {
    let chars = paragraph.chars().count();
    let ends_sentence = paragraph.ends_with(['。', '！', '？', '…', '；', '.', '!', '?', ';']);
    (2..=HEADING_CHARS).contains(&chars) && !ends_sentence
}

/// Divide a paragraph of `weight` among the themes of its evidence (only partly when the
/// evidence is thin).
fn attribute(totals: &mut [f64], evidence: &[f64], weight: f64) {
    let sum: f64 = evidence.iter().sum();
    if sum <= 0.0 {
        return;
    }
    for (total, e) in totals.iter_mut().zip(evidence) {
        *total += weight * e / sum.max(SATURATION);
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_the_thirteen_slugs_in_order() {
        let taxonomy = Taxonomy::load(&BTreeMap::new());
        let slugs: Vec<&str> = taxonomy.themes.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, DEFAULT_ORDER);
        assert_eq!(taxonomy.get("rights").unwrap().name, "维权与劳动关系");
        assert!(taxonomy.themes.iter().all(|t| !t.phrases.is_empty()));
    }

    #[test]
    fn overrides_rename_extend_and_add() {
        let mut overrides = BTreeMap::new();
        overrides.insert(
            "rights".to_string(),
            ThemeOverride {
                name: Some("维权".into()),
                description: None,
                phrases: [("工会法".to_string(), 3.0)].into(),
            },
        );
        overrides.insert(
            "union-law".to_string(),
            ThemeOverride {
                name: Some("工会法治".into()),
                ..Default::default()
            },
        );
        let taxonomy = Taxonomy::load(&overrides);
        let rights = taxonomy.get("rights").unwrap();
        assert_eq!(rights.name, "维权");
        assert!(rights.phrases.iter().any(|(p, w)| p == "工会法" && *w == 3.0));
        assert!(rights.phrases.iter().any(|(p, _)| p == "集体协商"));
        assert_eq!(taxonomy.themes.last().unwrap().slug, "union-law");
    }
}
