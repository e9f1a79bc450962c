//! The statistics page and the province map: counts per province, theme, month, keyword,
//! source and author, the theme × province heatmap and the cleaning record, each as an SVG
//! chart (see [`charts`]) with the same numbers in a table.

use std::collections::BTreeMap;

use serde::Serialize;

use super::charts::{self, Bar, Labels, MapTile, Point};
use super::tilemap;
use super::views::{Link, Tile, Views};
use crate::model::{Article, PubDate, NATIONAL_CODE};
use crate::site::RegionNode;

/// One section of the statistics page.
#[derive(Debug, Clone, Serialize)]
pub struct StatSection {
    pub id: String,
    pub title: String,
    pub intro: String,
    /// Inline SVG (safe markup made by [`charts`]).
    pub chart: Option<String>,
    /// The chart is wider than a phone: scroll it rather than shrink it.
    pub wide: bool,
    pub rows: Vec<StatRow>,
    pub matrix: Option<Matrix>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatRow {
    pub name: String,
    pub url: Option<String>,
    pub count: usize,
    /// Articles behind the count (cleaning record only), newest first, at most
    /// [`MAX_LINKED`].
    pub articles: Vec<Link>,
    /// How many more articles the count holds than are linked.
    pub more: usize,
}

/// Most articles linked from one row of the cleaning record (the page stays small).
pub const MAX_LINKED: usize = 100;

/// A table of counts by row and column (the heatmap's numbers).
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub corner: String,
    pub columns: Vec<Link>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub name: String,
    pub url: String,
    pub cells: Vec<usize>,
}

/// The tile map of provinces and the region groups that are not provinces.
#[derive(Debug, Clone, Serialize)]
pub struct ProvinceMap {
    pub svg: String,
    /// National, unknown and any province-level node the grid does not know, with counts.
    pub others: Vec<Tile>,
}

/// A province-level node of the region tree is national or unknown when it is not a place.
fn is_place(node: &RegionNode) -> bool {
    node.code.is_some() && node.code.as_deref() != Some(NATIONAL_CODE)
        || node.code.is_none() && tilemap::find(&node.name, None).is_some()
}

impl<'a> Views<'a> {
    fn t(&self, key: &str) -> String {
        self.theme.text(key, &[])
    }

    fn rows_of(tiles: Vec<Tile>) -> Vec<StatRow> {
        tiles
            .into_iter()
            .map(|t| StatRow {
                url: (!t.url.is_empty()).then_some(t.url),
                name: t.name,
                count: t.count,
                articles: Vec::new(),
                more: 0,
            })
            .collect()
    }

    fn bars(rows: &[StatRow]) -> Vec<Bar> {
        rows.iter()
            .map(|r| Bar {
                label: r.name.clone(),
                value: r.count,
            })
            .collect()
    }

    /// The province tile map: every provincial-level division on the grid, shaded by the
    /// number of articles placed in it or below it; provinces with a page are links.
    pub fn province_map(&self, id: &str) -> ProvinceMap {
        let mut counts: BTreeMap<&str, &RegionNode> = BTreeMap::new();
        let mut others = Vec::new();
        for node in &self.s.regions.children {
            match tilemap::find(&node.name, node.code.as_deref()).filter(|_| is_place(node)) {
                Some(tile) => {
                    counts.insert(tile.code.as_str(), node);
                }
                None => others.push(self.region_tile(node)),
            }
        }
        let tiles: Vec<MapTile> = tilemap::grid()
            .iter()
            .map(|g| {
                let node = counts.get(g.code.as_str());
                MapTile {
                    label: g.short.clone(),
                    name: node.map_or_else(|| g.name.clone(), |n| n.name.clone()),
                    row: g.row,
                    col: g.col,
                    value: node.map_or(0, |n| n.all.len()),
                    url: node.map(|n| self.region_href(n)),
                }
            })
            .collect();
        let title = self.t("map_title");
        let desc = self.t("map_desc");
        let unit = self.t("article_count");
        let svg = charts::tile_map(
            &Labels {
                id,
                title: &title,
                desc: &desc,
                unit: &unit,
            },
            &tiles,
        );
        ProvinceMap { svg, others }
    }

    /// Every section of the statistics page, in page order.
    pub fn stats_sections(&self) -> Vec<StatSection> {
        let unit = self.t("article_count");
        // (element id, title, description key) of a chart.
        let labels = |id: &str, title: &str, desc_key: &str| (id.to_string(), title.to_string(), self.t(desc_key));
        let mut sections = Vec::new();

        // Per province: bars, then the tile map.
        let mut provinces = self.province_tiles();
        provinces.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.url.cmp(&b.url)));
        sections.push(self.bar_section(
            "per-province",
            "stats_per_province",
            Self::rows_of(provinces),
            usize::MAX,
        ));
        let map = self.province_map("stats-map");
        let mut map_rows: Vec<StatRow> = self
            .s
            .regions
            .children
            .iter()
            .filter(|n| is_place(n))
            .map(|n| StatRow {
                name: n.name.clone(),
                url: Some(self.region_href(n)),
                count: n.all.len(),
                articles: Vec::new(),
                more: 0,
            })
            .collect();
        map_rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.url.cmp(&b.url)));
        sections.push(StatSection {
            id: "map".into(),
            title: self.t("map_title"),
            intro: self.t("map_desc"),
            chart: Some(map.svg),
            wide: false,
            rows: map_rows,
            matrix: None,
        });

        // Per theme.
        let mut themes = self.theme_tiles();
        themes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.url.cmp(&b.url)));
        sections.push(self.bar_section("per-theme", "stats_per_theme", Self::rows_of(themes), usize::MAX));

        // Per month: every month from the first to the last, empty ones included.
        let (id, title, desc) = labels("per-month", &self.t("stats_per_month"), "stats_per_month_desc");
        let points = self.month_points();
        let rows: Vec<StatRow> = self
            .s
            .months
            .iter()
            .rev()
            .map(|m| StatRow {
                name: self.month_name(m.year, m.month),
                url: Some(self.href(&format!("archive/{:04}/{:02}/", m.year, m.month))),
                count: m.articles.len(),
                articles: Vec::new(),
                more: 0,
            })
            .collect();
        sections.push(StatSection {
            chart: (!points.is_empty()).then(|| {
                charts::timeline(
                    &Labels {
                        id: &id,
                        title: &title,
                        desc: &desc,
                        unit: &unit,
                    },
                    &points,
                )
            }),
            id,
            title,
            intro: desc,
            wide: points.len() > 24,
            rows,
            matrix: None,
        });

        sections.push(self.heatmap_section(&unit));

        // Keywords, sources, authors.
        let mut rows = self.count_by(|a| a.keywords.iter().map(String::as_str), 30);
        for row in &mut rows {
            row.url = self
                .s
                .keywords
                .iter()
                .find(|k| k.word == row.name)
                .map(|k| self.href(&format!("keywords/{}/", k.slug)));
        }
        sections.push(self.bar_section("keywords", "stats_top_keywords", rows, 20));
        let rows = self.count_by(
            |a| {
                let mut names: Vec<&str> = a.sources.iter().filter_map(|s| s.source.as_deref()).collect();
                names.sort();
                names.dedup();
                names
            },
            30,
        );
        sections.push(self.bar_section("sources", "stats_top_sources", rows, 15));
        let rows = self.count_by(|a| a.clean.authors.iter().map(String::as_str), 50);
        sections.push(StatSection {
            id: "authors".into(),
            title: self.t("stats_authors"),
            intro: self.t("stats_authors_desc"),
            chart: None,
            wide: false,
            rows,
            matrix: None,
        });
        sections.push(self.cleaning_section(&unit));
        sections
    }

    /// A section of rows with a bar chart of its first `charted` rows (none when it has no
    /// rows). Its title is the string `title_key`, its description `<title_key>_desc`.
    fn bar_section(&self, id: &str, title_key: &str, rows: Vec<StatRow>, charted: usize) -> StatSection {
        let title = self.t(title_key);
        let desc = self.t(&format!("{title_key}_desc"));
        let unit = self.t("article_count");
        let chart = (!rows.is_empty()).then(|| {
            let shown: Vec<StatRow> = rows.iter().take(charted).cloned().collect();
            charts::bar_chart(
                &Labels {
                    id,
                    title: &title,
                    desc: &desc,
                    unit: &unit,
                },
                &Self::bars(&shown),
            )
        });
        StatSection {
            id: id.to_string(),
            title,
            intro: desc,
            chart,
            wide: false,
            rows,
            matrix: None,
        }
    }

    fn month_name(&self, year: i32, month: u32) -> String {
        PubDate::month(year, month).map_or_else(|| format!("{year}-{month:02}"), |d| self.theme.format_date(&d))
    }

    /// Timeline points from the oldest month to the newest, gaps filled with zeros.
    fn month_points(&self) -> Vec<Point> {
        let counts: BTreeMap<(i32, u32), usize> = self
            .s
            .months
            .iter()
            .map(|m| ((m.year, m.month), m.articles.len()))
            .collect();
        let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
            return Vec::new();
        };
        let mut points = Vec::new();
        let (mut year, mut month) = first;
        while (year, month) <= last && points.len() < 1200 {
            let group = PubDate::year(year).map_or_else(|| year.to_string(), |d| self.theme.format_date(&d));
            points.push(Point {
                label: self.theme.text("month_short", &[("m", month.to_string())]),
                group,
                title: self.month_name(year, month),
                value: counts.get(&(year, month)).copied().unwrap_or(0),
            });
            (year, month) = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
        }
        points
    }

    /// Themes (rows) × provinces and other region groups (columns), both limited to those
    /// with articles.
    fn heatmap_section(&self, unit: &str) -> StatSection {
        let columns: Vec<&RegionNode> = self.s.regions.children.iter().filter(|n| !n.all.is_empty()).collect();
        let themes: Vec<_> = self.s.themes.iter().filter(|t| !t.articles.is_empty()).collect();
        let cells: Vec<Vec<usize>> = themes
            .iter()
            .map(|t| {
                columns
                    .iter()
                    .map(|n| n.all.iter().filter(|i| t.articles.binary_search(i).is_ok()).count())
                    .collect()
            })
            .collect();
        let column_names: Vec<String> = columns
            .iter()
            .map(|n| tilemap::short_name(&n.name, n.code.as_deref()))
            .collect();
        let row_names: Vec<String> = themes.iter().map(|t| t.name.clone()).collect();
        let title = self.t("stats_heatmap");
        let desc = self.t("stats_heatmap_desc");
        let chart = (!columns.is_empty() && !themes.is_empty()).then(|| {
            charts::heatmap(
                &Labels {
                    id: "heatmap",
                    title: &title,
                    desc: &desc,
                    unit,
                },
                &row_names,
                &column_names,
                &cells,
            )
        });
        let matrix = Matrix {
            corner: self.t("stats_heatmap_corner"),
            columns: columns
                .iter()
                .zip(&column_names)
                .map(|(n, short)| Link {
                    name: short.clone(),
                    url: self.region_href(n),
                })
                .collect(),
            rows: themes
                .iter()
                .zip(cells)
                .map(|(t, cells)| MatrixRow {
                    name: t.name.clone(),
                    url: self.href(&format!("themes/{}/", t.slug)),
                    cells,
                })
                .collect(),
        };
        StatSection {
            id: "heatmap".into(),
            title,
            intro: desc,
            wide: columns.len() > 12,
            chart,
            rows: Vec::new(),
            matrix: Some(matrix),
        }
    }

    /// What the cleaner did, by kind of repair, with links to the articles concerned.
    fn cleaning_section(&self, unit: &str) -> StatSection {
        type Test = fn(&Article) -> bool;
        let kinds: [(&str, Test); 7] = [
            ("clean_spam", |a| a.clean.cleaning.had_spam()),
            ("clean_despun", |a| {
                a.clean.cleaning.spun || !a.clean.cleaning.despun.is_empty()
            }),
            ("clean_script", |a| a.clean.cleaning.script_converted),
            ("clean_split", |a| a.clean.cleaning.split_parts > 1),
            ("clean_merged", |a| a.sources.len() > 1),
            ("clean_joined", |a| a.clean.cleaning.joined_lines > 0),
            ("clean_punct", |a| a.clean.cleaning.punctuation_fixed > 0),
        ];
        let rows: Vec<StatRow> = kinds
            .iter()
            .map(|(key, test)| {
                let matching: Vec<usize> = (0..self.s.articles.len())
                    .filter(|&i| test(&self.s.articles[i]))
                    .collect();
                let articles: Vec<Link> = matching
                    .iter()
                    .take(MAX_LINKED)
                    .map(|&i| Link {
                        name: self.s.articles[i].clean.title.clone(),
                        url: self.href(&format!("articles/{}/", self.s.slugs[i])),
                    })
                    .collect();
                StatRow {
                    name: self.t(key),
                    url: None,
                    count: matching.len(),
                    more: matching.len() - articles.len(),
                    articles,
                }
            })
            .collect();
        let title = self.t("stats_cleaning");
        let desc = self.t("stats_cleaning_desc");
        StatSection {
            chart: Some(charts::bar_chart(
                &Labels {
                    id: "cleaning",
                    title: &title,
                    desc: &desc,
                    unit,
                },
                &Self::bars(&rows),
            )),
            id: "cleaning".into(),
            title,
            intro: desc,
            wide: false,
            rows,
            matrix: None,
        }
    }

    /// Count articles by the keys `f` gives each, most frequent first (ties by name).
    /// Counted under borrowed keys in a hash map (only the rows kept are sorted and copied):
    /// the keywords of every article make hundreds of thousands of keys.
    fn count_by<K: IntoIterator<Item = &'a str>>(&self, f: impl Fn(&'a Article) -> K, limit: usize) -> Vec<StatRow> {
        let mut counts: rustc_hash::FxHashMap<&str, usize> = rustc_hash::FxHashMap::default();
        for a in &self.s.articles {
            for key in f(a) {
                *counts.entry(key).or_default() += 1;
            }
        }
        let mut counted: Vec<(&str, usize)> = counts.into_iter().collect();
        // A total order (names are distinct), so the hash map's order never shows.
        counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        counted.truncate(limit);
        counted
            .into_iter()
            .map(|(name, count)| StatRow {
                name: name.to_string(),
                url: None,
                count,
                articles: Vec::new(),
                more: 0,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PubDate, Removal};
    use crate::render::testing::{article, site, theme};

    fn sample() -> crate::site::Site {
        let d = |m| PubDate::day(2024, m, 6);
        site(vec![
            article(
                "杭州一",
                d(1),
                ("浙江省", "杭州市", "330100"),
                &["rights"],
                &["集体协商"],
            ),
            article(
                "杭州二",
                d(3),
                ("浙江省", "杭州市", "330100"),
                &["rights", "wellbeing"],
                &["集体协商"],
            ),
            article("长沙", d(3), ("湖南省", "长沙市", "430100"), &["wellbeing"], &[]),
            article("全总", d(4), ("", "", "000000"), &["organizing"], &[]),
        ])
    }

    #[test]
    fn province_map_shades_and_links_provinces_with_articles() {
        let site = sample();
        let theme = theme();
        let views = Views::new(&site, &theme);
        let map = views.province_map("m");
        assert!(
            map.svg
                .contains("<a href=\"/regions/zhejiang/\" aria-label=\"浙江省：2 篇\">"),
            "{}",
            map.svg
        );
        assert!(map
            .svg
            .contains("<a href=\"/regions/hunan/\" aria-label=\"湖南省：1 篇\">"));
        assert!(map.svg.contains("<title>云南省：0 篇</title>"));
        assert_eq!(map.svg.matches("<a href=").count(), 2);
        // The national group is not a province: listed beside the map.
        assert_eq!(map.others.len(), 1);
        assert_eq!((map.others[0].name.as_str(), map.others[0].count), ("全国性", 1));
    }

    #[test]
    fn sections_hold_the_real_counts() {
        let site = sample();
        let theme = theme();
        let views = Views::new(&site, &theme);
        let sections = views.stats_sections();
        let ids: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "per-province",
                "map",
                "per-theme",
                "per-month",
                "heatmap",
                "keywords",
                "sources",
                "authors",
                "cleaning"
            ]
        );
        let provinces = &sections[0];
        assert_eq!(
            (provinces.rows[0].name.as_str(), provinces.rows[0].count),
            ("浙江省", 2)
        );
        // Months from January to April with February empty.
        let months = sections[3].chart.as_ref().unwrap();
        assert!(months.contains("<title>2024年2月：0 篇</title>"));
        assert!(months.contains("<title>2024年3月：2 篇</title>"));
        let heat = sections[4].matrix.as_ref().unwrap();
        let columns: Vec<&str> = heat.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(columns, ["浙江", "湖南", "全国性"]);
        let rights = heat.rows.iter().find(|r| r.name == "维权与劳动关系").unwrap();
        assert_eq!(rights.cells, [2, 0, 0]);
        let keywords = &sections[5];
        assert_eq!(
            (keywords.rows[0].name.as_str(), keywords.rows[0].count),
            ("集体协商", 2)
        );
    }

    #[test]
    fn cleaning_record_links_the_articles_concerned() {
        let mut spammed = article("被清理", PubDate::day(2024, 5, 1), ("浙江省", "", "33"), &[], &[]);
        spammed.clean.cleaning.removed.push(Removal {
            kind: "spam-line".into(),
            text: "博彩".into(),
        });
        spammed.clean.cleaning.script_converted = true;
        let site = site(vec![spammed, article("干净", None, ("", "", ""), &[], &[])]);
        let theme = theme();
        let views = Views::new(&site, &theme);
        let sections = views.stats_sections();
        let cleaning = sections.iter().find(|s| s.id == "cleaning").unwrap();
        let spam = &cleaning.rows[0];
        assert_eq!((spam.name.as_str(), spam.count), ("删除了垃圾内容", 1));
        assert_eq!(spam.articles[0].name, "被清理");
        assert!(spam.articles[0].url.starts_with("/articles/2024-05-01-"));
        let script = cleaning.rows.iter().find(|r| r.name == "繁体转换为简体").unwrap();
        assert_eq!(script.count, 1);
        assert!(cleaning
            .rows
            .iter()
            .filter(|r| r.count == 0)
            .all(|r| r.articles.is_empty()));
        assert!(cleaning.rows.iter().all(|r| r.more == 0));
    }

    #[test]
    fn cleaning_record_links_at_most_max_linked_articles_per_row() {
        let articles = (0..MAX_LINKED + 3)
            .map(|k| {
                let mut a = article(&format!("第{k}篇"), None, ("", "", ""), &[], &[]);
                a.clean.cleaning.joined_lines = 1;
                a
            })
            .collect();
        let site = site(articles);
        let theme = theme();
        let sections = Views::new(&site, &theme).stats_sections();
        let cleaning = sections.iter().find(|s| s.id == "cleaning").unwrap();
        let joined = cleaning.rows.iter().find(|r| r.name == "修复了排版断行").unwrap();
        assert_eq!(
            (joined.count, joined.articles.len(), joined.more),
            (MAX_LINKED + 3, MAX_LINKED, 3)
        );
    }
}
