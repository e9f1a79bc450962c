//! The clean articles the corpus is made of, before any pollution: title, date, region,
//! themes and a body recombined from the seeds' paragraphs and sentences, with the seeds'
//! places and numbers replaced so no two articles are copies.

use crate::material::{Material, COLUMNS, GIVEN, PREDICATES, SLOGANS, SOURCES, SURNAMES};
use crate::places::{Gazetteer, PlaceSwap, Region};
use crate::rng::Rng;
use crate::variation::Variation;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date {
    pub y: u32,
    pub m: u32,
    pub d: u32,
    pub hh: u32,
    pub mm: u32,
    pub ss: u32,
}

impl Date {
    /// A day between 2019-01-01 and 2025-12-31 (days 29–31 are skipped: always valid).
    fn draw(rng: &mut Rng) -> Date {
        Date {
            y: 2019 + rng.below(7) as u32,
            m: 1 + rng.below(12) as u32,
            d: 1 + rng.below(28) as u32,
            hh: 7 + rng.below(14) as u32,
            mm: rng.below(60) as u32,
            ss: rng.below(60) as u32,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Para(String),
    Heading(String),
}

impl Block {
    pub fn text(&self) -> &str {
        match self {
            Block::Para(t) | Block::Heading(t) => t,
        }
    }
}

/// One clean article: what a perfect cleaner would recover.
#[derive(Debug, Clone)]
pub struct Story {
    pub kicker: Option<String>,
    pub title: String,
    pub subtitle: Option<String>,
    pub date: Date,
    pub region: Region,
    /// Theme slugs of data/themes.toml, the first being the one the title is about.
    pub themes: Vec<&'static str>,
    pub source: String,
    pub reporter: String,
    pub correspondent: Option<String>,
    pub blocks: Vec<Block>,
}

/// One raw file: a single article or a newspaper page holding several.
#[derive(Debug, Clone)]
pub enum Doc {
    Single(Story),
    Page {
        column: String,
        page_no: usize,
        stories: Vec<Story>,
    },
}

impl Doc {
    pub fn stories(&self) -> &[Story] {
        match self {
            Doc::Single(s) => std::slice::from_ref(s),
            Doc::Page { stories, .. } => stories,
        }
    }
}

/// Shared, read-only inputs of composition.
pub struct Composer<'a> {
    pub material: &'a Material,
    pub gazetteer: &'a Gazetteer,
    pub swap: &'a PlaceSwap,
    pub variation: &'a Variation,
}

pub fn person(rng: &mut Rng) -> String {
    let mut name = rng.pick(SURNAMES).to_string();
    for _ in 0..rng.range(1, 2) {
        let given = *rng.pick(GIVEN);
        name.push_str(given);
    }
    name
}

/// Replace the seeds' figures so recombined text does not repeat them: a year before 年
/// becomes the article's year or the one before, a month or day stays a valid one, other
/// numbers keep their number of digits.
pub fn perturb_numbers(text: &str, year: u32, rng: &mut Rng) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let digits = i - start;
        let next = chars.get(i).copied();
        let replacement = match next {
            Some('年') if digits == 4 => (year - rng.below(2) as u32).to_string(),
            Some('月') => (1 + rng.below(12)).to_string(),
            Some('日') | Some('号') => (1 + rng.below(28)).to_string(),
            Some('G') | Some('D') => chars[start..i].iter().collect(),
            _ => random_digits(digits, rng),
        };
        out.push_str(&replacement);
    }
    out
}

fn random_digits(len: usize, rng: &mut Rng) -> String {
    (0..len)
        .map(|k| {
            let d = if k == 0 && len > 1 {
                1 + rng.below(9)
            } else {
                rng.below(10)
            };
            char::from(b'0' + d as u8)
        })
        .collect()
}

impl Composer<'_> {
    /// The document of file `index`: 5 % newspaper pages of 3–5 short articles.
    pub fn doc(&self, rng: &mut Rng) -> Doc {
        if rng.chance(0.05) {
            let region = self.gazetteer.draw(rng);
            let date = Date::draw(rng);
            let count = rng.range(3, 5);
            let stories = (0..count)
                .map(|_| {
                    let r = self.gazetteer.draw_in(rng, region.province);
                    let target = 500 + rng.below(1500);
                    self.story(rng, r, date, target, true)
                })
                .collect();
            Doc::Page {
                column: rng.pick(COLUMNS).to_string(),
                page_no: rng.range(1, 8),
                stories,
            }
        } else {
            let region = self.gazetteer.draw(rng);
            let date = Date::draw(rng);
            // Skewed towards short pieces: most news items are 1.5–3 KB, a few long reports.
            let target = 900 + (6100.0 * rng.unit().powf(1.7)) as usize;
            Doc::Single(self.story(rng, region, date, target, false))
        }
    }

    /// The subject of the title: the union of the article's place.
    fn subject(&self, region: &Region, rng: &mut Rng) -> String {
        let g = self.gazetteer;
        match (g.county(region), g.city(region)) {
            (Some(county), _) => format!("{county}总工会"),
            (None, Some(city)) if rng.chance(0.7) => format!("{}总工会", city.name),
            (None, Some(city)) => city.short.clone(),
            (None, None) if rng.chance(0.6) => format!("{}总工会", g.province(region).name),
            (None, None) => format!("{}工会", g.province(region).short),
        }
    }

    fn story(&self, rng: &mut Rng, region: Region, date: Date, target_bytes: usize, on_page: bool) -> Story {
        let (theme, predicates) = PREDICATES[rng.below(PREDICATES.len())];
        let predicate = rng
            .pick(predicates)
            .replace("{y}", &date.y.to_string())
            .replace("{n}", &rng.range(2, 60).to_string());
        let mut themes = vec![theme];
        if rng.chance(0.4) {
            let (other, _) = PREDICATES[rng.below(PREDICATES.len())];
            if other != theme {
                themes.push(other);
            }
        }
        let subject = self.subject(&region, rng);
        let headline = format!("{subject}{predicate}");
        let form = rng.unit();
        let (kicker, title, subtitle) = if form < 0.55 || (on_page && form < 0.7) {
            (None, headline.clone(), None)
        } else if form < 0.7 {
            let short = self.gazetteer.province(&region).short.clone();
            (None, format!("{short}工会：{predicate}"), None)
        } else if form < 0.85 {
            (None, rng.pick(SLOGANS).to_string(), Some(headline.clone()))
        } else if form < 0.95 {
            (Some(rng.pick(SLOGANS).to_string()), headline.clone(), None)
        } else {
            (None, format!("{predicate}——{subject}工作纪实"), None)
        };
        let source = self.source(&region, rng);
        let plan = self.swap.plan(self.gazetteer, &region, rng);
        let wording = self.variation.plan(rng);
        let mut blocks = vec![Block::Para(self.lead(&date, &headline, &plan, &wording, rng))];
        let with_headings = !on_page && rng.chance(0.3);
        let mut since_heading = 0;
        let mut bytes = blocks[0].text().len();
        while bytes < target_bytes {
            if with_headings && since_heading >= 2 && rng.chance(0.35) {
                blocks.push(Block::Heading(rng.pick(SLOGANS).to_string()));
                since_heading = 0;
            }
            let text = self.variation.apply(&self.paragraph(rng), &wording);
            let text = perturb_numbers(&self.swap.apply(&text, &plan), date.y, rng);
            bytes += text.len();
            blocks.push(Block::Para(text));
            since_heading += 1;
        }
        Story {
            kicker,
            title,
            subtitle,
            date,
            region,
            themes,
            source,
            reporter: person(rng),
            correspondent: rng.chance(0.6).then(|| person(rng)),
            blocks,
        }
    }

    /// The opening paragraph: when and who, then a sentence or two of context.
    fn lead(&self, date: &Date, headline: &str, plan: &[String], wording: &[String], rng: &mut Rng) -> String {
        let mut context = String::new();
        for _ in 0..rng.range(1, 2) {
            context.push_str(&self.sentence(rng));
        }
        let context = self.variation.apply(&context, wording);
        let context = perturb_numbers(&self.swap.apply(&context, plan), date.y, rng);
        format!("{}月{}日，{headline}。{context}", date.m, date.d)
    }

    /// 2–6 sentences. Whole seed paragraphs are rare: shared passages would make the
    /// articles near-duplicates of each other, which real distinct articles are not.
    fn paragraph(&self, rng: &mut Rng) -> String {
        if rng.chance(0.03) {
            return rng.pick(&self.material.paragraphs).clone();
        }
        (0..rng.range(2, 6)).map(|_| self.sentence(rng)).collect()
    }

    /// A seed sentence (a quarter of the time) or 2–4 seed clauses joined into a new one.
    fn sentence(&self, rng: &mut Rng) -> String {
        if rng.chance(0.25) {
            return rng.pick(&self.material.sentences).clone();
        }
        let clauses: Vec<&str> = (0..rng.range(2, 4))
            .map(|_| rng.pick(&self.material.clauses).as_str())
            .collect();
        format!("{}。", clauses.join("，"))
    }

    fn source(&self, region: &Region, rng: &mut Rng) -> String {
        let g = self.gazetteer;
        let p = g.province(region);
        let city = g
            .city(region)
            .map_or_else(|| p.cities[0].short.clone(), |c| c.short.clone());
        rng.pick(SOURCES).replace("{p}", &p.short).replace("{c}", &city)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_replaced_but_dates_stay_valid() {
        let mut rng = Rng::for_article(1, 2);
        let out = perturb_numbers("2022年11月21日，开展5G项目123个。", 2024, &mut rng);
        let (year, rest) = out.split_once('年').unwrap();
        assert!(year == "2024" || year == "2023", "{out}");
        let (month, rest) = rest.split_once('月').unwrap();
        assert!((1..=12).contains(&month.parse::<u32>().unwrap()), "{out}");
        let (day, rest) = rest.split_once('日').unwrap();
        assert!((1..=28).contains(&day.parse::<u32>().unwrap()), "{out}");
        assert!(rest.starts_with("，开展5G项目"), "{out}");
        let count = rest.trim_start_matches("，开展5G项目").trim_end_matches("个。");
        assert_eq!(count.len(), 3, "{out}");
        assert!(!count.starts_with('0'), "{out}");
    }

    #[test]
    fn text_without_digits_is_unchanged() {
        let mut rng = Rng::for_article(1, 2);
        assert_eq!(perturb_numbers("工会工作。", 2020, &mut rng), "工会工作。");
    }
}
