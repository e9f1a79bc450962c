//! Places: the official divisions (bench/data/pca-code.json) as a tree the generator can draw
//! regions from, and the rewriting of the seeds' own place names into an article's region so
//! the corpus spreads over every province instead of repeating 浙江, 云南 and 湖南.

use aho_corasick::{AhoCorasick, MatchKind};
use serde::Deserialize;

use crate::rng::Rng;

const PCA_JSON: &str = include_str!("../../bench/data/pca-code.json");

#[derive(Deserialize)]
struct Node {
    name: String,
    #[serde(default)]
    children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub struct Province {
    pub name: String,
    pub short: String,
    pub cities: Vec<City>,
}

#[derive(Debug, Clone)]
pub struct City {
    pub name: String,
    pub short: String,
    pub counties: Vec<String>,
}

/// Where an article is placed: a province, maybe a city in it, maybe a county in that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub province: usize,
    pub city: Option<usize>,
    pub county: Option<usize>,
}

pub struct Gazetteer {
    pub provinces: Vec<Province>,
}

/// Placeholder levels of the statistics codes that are not real places.
fn is_placeholder(name: &str) -> bool {
    matches!(name, "市辖区" | "县") || name.ends_with("直辖县级行政区划")
}

/// 浙江省 → 浙江, 广西壮族自治区 → 广西, 北京市 → 北京.
pub fn province_short(name: &str) -> String {
    for suffix in [
        "维吾尔自治区",
        "壮族自治区",
        "回族自治区",
        "特别行政区",
        "自治区",
        "省",
        "市",
    ] {
        if let Some(stem) = name.strip_suffix(suffix) {
            if stem.chars().count() >= 2 {
                return stem.to_string();
            }
        }
    }
    name.to_string()
}

/// 杭州市 → 杭州, 大兴安岭地区 → 大兴安岭, 兴安盟 → 兴安; autonomous prefectures keep
/// their full name (their short forms are not mechanical).
pub fn city_short(name: &str) -> String {
    for suffix in ["市", "地区", "盟"] {
        if let Some(stem) = name.strip_suffix(suffix) {
            if stem.chars().count() >= 2 {
                return stem.to_string();
            }
        }
    }
    name.to_string()
}

impl Gazetteer {
    /// The compiled-in divisions. Municipalities become one city holding all their districts;
    /// county-level cities directly under a province become cities without counties.
    pub fn load() -> Gazetteer {
        let nodes: Vec<Node> = serde_json::from_str(PCA_JSON).expect("bench/data/pca-code.json is valid (tested)");
        let provinces = nodes.into_iter().map(province_of).collect();
        Gazetteer { provinces }
    }

    /// A region: 15 % province level, 40 % city level, 45 % county level.
    pub fn draw(&self, rng: &mut Rng) -> Region {
        let province = rng.below(self.provinces.len());
        self.draw_in(rng, province)
    }

    /// A region inside `province` (newspaper pages stay in one province).
    pub fn draw_in(&self, rng: &mut Rng, province: usize) -> Region {
        let p = &self.provinces[province];
        let level = rng.unit();
        if level < 0.15 {
            return Region {
                province,
                city: None,
                county: None,
            };
        }
        let city = rng.below(p.cities.len());
        let counties = &p.cities[city].counties;
        let county = if level >= 0.55 && !counties.is_empty() {
            Some(rng.below(counties.len()))
        } else {
            None
        };
        Region {
            province,
            city: Some(city),
            county,
        }
    }

    pub fn province(&self, r: &Region) -> &Province {
        &self.provinces[r.province]
    }

    pub fn city(&self, r: &Region) -> Option<&City> {
        r.city.map(|c| &self.provinces[r.province].cities[c])
    }

    pub fn county(&self, r: &Region) -> Option<&str> {
        let city = self.city(r)?;
        r.county.map(|k| city.counties[k].as_str())
    }

    /// Full names from the province down, as a Hugo taxonomy would list them.
    pub fn path(&self, r: &Region) -> Vec<String> {
        let mut out = vec![self.province(r).name.clone()];
        if let Some(city) = self.city(r) {
            if city.name != out[0] {
                out.push(city.name.clone());
            }
        }
        out.extend(self.county(r).map(str::to_string));
        out
    }
}

fn province_of(node: Node) -> Province {
    let mut cities = Vec::new();
    let municipality = node.children.iter().all(|c| is_placeholder(&c.name));
    if municipality {
        let counties = node
            .children
            .iter()
            .flat_map(|c| c.children.iter().map(|k| k.name.clone()))
            .collect();
        cities.push(City {
            short: province_short(&node.name),
            name: node.name.clone(),
            counties,
        });
    } else {
        for city in node.children {
            if is_placeholder(&city.name) {
                // County-level cities directly under the province (仙桃市, 五指山市 …).
                cities.extend(city.children.into_iter().map(|k| City {
                    short: city_short(&k.name),
                    name: k.name,
                    counties: Vec::new(),
                }));
            } else {
                cities.push(City {
                    short: city_short(&city.name),
                    counties: city.children.into_iter().map(|k| k.name).collect(),
                    name: city.name,
                });
            }
        }
    }
    Province {
        short: province_short(&node.name),
        name: node.name,
        cities,
    }
}

/// The level of a place name that occurs in the seed articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    ProvinceFull,
    ProvinceShort,
    CityFull,
    CityShort,
    County,
}

/// Place names the five seed articles use, by level. Generator data, not a cleaning rule: it
/// only says which words of the sample text to swap for the generated article's places.
const SEED_PLACES: &[(&str, Level)] = &[
    ("浙江省", Level::ProvinceFull),
    ("浙江", Level::ProvinceShort),
    ("云南省", Level::ProvinceFull),
    ("云南", Level::ProvinceShort),
    ("湖南省", Level::ProvinceFull),
    ("湖南", Level::ProvinceShort),
    ("杭州市", Level::CityFull),
    ("杭州", Level::CityShort),
    ("昆明", Level::CityShort),
    ("嘉兴市", Level::CityFull),
    ("嘉兴", Level::CityShort),
    ("衢州市", Level::CityFull),
    ("衢州", Level::CityShort),
    ("湖州", Level::CityShort),
    ("温州", Level::CityShort),
    ("金华市", Level::CityFull),
    ("金华", Level::CityShort),
    ("宁波", Level::CityShort),
    ("长沙市", Level::CityFull),
    ("长沙", Level::CityShort),
    ("娄底市", Level::CityFull),
    ("湘潭市", Level::CityFull),
    ("衡阳市", Level::CityFull),
    ("衡阳", Level::CityShort),
    ("永州市", Level::CityFull),
    ("余杭区", Level::County),
    ("余杭", Level::County),
    ("秀洲区", Level::County),
    ("秀洲", Level::County),
    ("南浔区", Level::County),
    ("南浔", Level::County),
    ("平阳县", Level::County),
    ("平阳", Level::County),
    ("建德市", Level::County),
    ("临安区", Level::County),
    ("临安", Level::County),
    ("龙游县", Level::County),
    ("长沙县", Level::County),
    ("娄星区", Level::County),
    ("雨湖区", Level::County),
    ("蒸湘区", Level::County),
    ("冷水滩区", Level::County),
    ("汨罗市", Level::County),
    ("浏阳市", Level::County),
    ("宁乡市", Level::County),
    ("芷江侗族自治县", Level::County),
    ("汝城县", Level::County),
    ("资兴市", Level::County),
    ("东安县", Level::County),
    ("衡南县", Level::County),
];

/// Rewrites the seeds' place names into places of one article's province.
pub struct PlaceSwap {
    matcher: AhoCorasick,
}

impl PlaceSwap {
    pub fn new() -> PlaceSwap {
        let matcher = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(SEED_PLACES.iter().map(|(name, _)| name))
            .expect("seed place names build an automaton (tested)");
        PlaceSwap { matcher }
    }

    /// The replacement for every seed place, drawn once per article so one article names the
    /// same city consistently: half the time the article's own city/county, else a neighbour
    /// in the same province.
    pub fn plan(&self, gaz: &Gazetteer, region: &Region, rng: &mut Rng) -> Vec<String> {
        let p = gaz.province(region);
        let mut cities: Vec<usize> = Vec::new();
        SEED_PLACES
            .iter()
            .map(|(_, level)| match level {
                Level::ProvinceFull => p.name.clone(),
                Level::ProvinceShort => p.short.clone(),
                Level::CityFull | Level::CityShort => {
                    let c = match region.city {
                        Some(c) if rng.chance(0.5) => c,
                        _ => rng.below(p.cities.len()),
                    };
                    cities.push(c);
                    let city = &p.cities[c];
                    if *level == Level::CityFull {
                        city.name.clone()
                    } else {
                        city.short.clone()
                    }
                }
                Level::County => match (gaz.county(region), rng.chance(0.5)) {
                    (Some(county), true) => county.to_string(),
                    _ => {
                        let city = &p.cities[rng.below(p.cities.len())];
                        if city.counties.is_empty() {
                            city.name.clone()
                        } else {
                            rng.pick(&city.counties).clone()
                        }
                    }
                },
            })
            .collect()
    }

    pub fn apply(&self, text: &str, plan: &[String]) -> String {
        self.matcher.replace_all(text, plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_has_every_province_and_no_placeholder_city() {
        let gaz = Gazetteer::load();
        assert_eq!(gaz.provinces.len(), 31);
        for p in &gaz.provinces {
            assert!(!p.cities.is_empty(), "{}", p.name);
            for c in &p.cities {
                assert!(!is_placeholder(&c.name), "{}", c.name);
            }
        }
        let beijing = &gaz.provinces[0];
        assert_eq!((beijing.name.as_str(), beijing.cities.len()), ("北京市", 1));
        assert!(beijing.cities[0].counties.iter().any(|k| k == "海淀区"));
    }

    #[test]
    fn short_names_strip_the_administrative_suffix() {
        assert_eq!(province_short("广西壮族自治区"), "广西");
        assert_eq!(province_short("浙江省"), "浙江");
        assert_eq!(province_short("北京市"), "北京");
        assert_eq!(city_short("杭州市"), "杭州");
        assert_eq!(city_short("兴安盟"), "兴安");
        assert_eq!(city_short("延边朝鲜族自治州"), "延边朝鲜族自治州");
    }

    #[test]
    fn swap_replaces_longest_seed_names_with_the_plan() {
        let swap = PlaceSwap::new();
        let plan: Vec<String> = SEED_PLACES.iter().map(|(_, level)| format!("<{level:?}>")).collect();
        assert_eq!(
            swap.apply("浙江省总工会与长沙县、杭州工会", &plan),
            "<ProvinceFull>总工会与<County>、<CityShort>工会"
        );
    }

    #[test]
    fn planned_places_belong_to_the_article_province() {
        let gaz = Gazetteer::load();
        let swap = PlaceSwap::new();
        let mut rng = Rng::for_article(3, 3);
        let region = gaz.draw(&mut rng);
        let plan = swap.plan(&gaz, &region, &mut rng);
        let p = gaz.province(&region);
        assert_eq!(plan[0], p.name);
        assert!(plan
            .iter()
            .zip(SEED_PLACES)
            .filter(|(_, (_, l))| *l == Level::CityFull)
            .all(|(name, _)| p.cities.iter().any(|c| &c.name == name)));
    }
}
