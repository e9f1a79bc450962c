//! Small hand-made sites for the render stage's unit tests.

use crate::analyze::themes::Taxonomy;
use crate::analyze::{article_id, count_chars};
use crate::config::Config;
use crate::model::{Article, CleanArticle, CleaningReport, PubDate, RegionRef, SourceKind, SourceRef, ThemeScore};
use crate::render::theme::Theme;
use crate::site::Site;

/// An article placed at `region` (province, city, code) with the given themes and keywords.
pub fn article(
    title: &str,
    date: Option<PubDate>,
    region: (&str, &str, &str),
    themes: &[&str],
    keywords: &[&str],
) -> Article {
    let (province, city, code) = region;
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let body = vec![format!("{title}。工会驿站为户外劳动者提供服务。")];
    let clean = CleanArticle {
        file: format!("raw/{title}.txt"),
        part: 0,
        kind: SourceKind::Raw,
        title: title.to_string(),
        subtitle: None,
        kicker: None,
        date,
        source: Some("工人日报".into()),
        authors: vec!["记者".into()],
        body: body.into(),
        markdown: None,
        region_hint: None,
        theme_hint: Vec::new(),
        draft: false,
        slug_hint: None,
        cleaning: CleaningReport {
            split_parts: 1,
            ..CleaningReport::default()
        },
        source_hash: "0".repeat(64),
    };
    Article {
        char_count: count_chars(&clean.body),
        id: article_id(&clean),
        region: RegionRef {
            province: some(province),
            city: some(city),
            county: None,
            code: some(code),
        },
        mentioned_regions: Default::default(),
        themes: themes
            .iter()
            .map(|s| ThemeScore {
                slug: s.to_string(),
                score: 1.0,
            })
            .collect(),
        keywords: keywords.iter().map(|k| k.to_string()).collect(),
        sources: vec![SourceRef {
            file: format!("raw/{title}.txt"),
            part: 0,
            source: Some("工人日报".into()),
        }],
        clean,
        search_words: Default::default(),
        origin: None,
    }
}

pub fn site(articles: Vec<Article>) -> Site {
    let config = Config::default();
    let taxonomy = Taxonomy::load(&config.themes);
    Site::build(config, taxonomy, articles, false)
}

/// The compiled-in default theme (no site directory needed).
pub fn theme() -> Theme {
    let dir = std::env::temp_dir().join("union-digest-no-such-site");
    Theme::load(&dir, "default").expect("the default theme loads")
}
