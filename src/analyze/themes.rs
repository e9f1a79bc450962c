//! The theme taxonomy: defaults from `data/themes.toml`, extended and renamed from
//! `config.toml`.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::ThemeOverride;

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
