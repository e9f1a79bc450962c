//! Site model: the whole corpus arranged for publishing: URLs, indexes by region, theme,
//! month and keyword, pagination and statistics. Deterministic: everything is sorted.

pub mod slug;

use rayon::prelude::*;
use std::collections::BTreeMap;

use crate::analyze::themes::Taxonomy;
use crate::config::Config;
use crate::model::{Article, NATIONAL_CODE};

/// The published site.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: Config,
    pub taxonomy: Taxonomy,
    /// Published articles, newest first (undated last), ties broken by slug.
    pub articles: Vec<Article>,
    /// Slug of each article (parallel to `articles`).
    pub slugs: Vec<String>,
    pub themes: Vec<ThemeIndex>,
    /// Root of the region tree (全国); its children are provinces, plus national and unknown.
    pub regions: RegionNode,
    /// Months with articles, newest first.
    pub months: Vec<MonthIndex>,
    /// Years with articles (any date precision), newest first.
    pub years: Vec<YearIndex>,
    pub keywords: Vec<KeywordIndex>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ThemeIndex {
    pub slug: String,
    pub name: String,
    pub description: String,
    /// Articles (indexes into `Site::articles`) in site order.
    pub articles: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RegionNode {
    pub name: String,
    pub code: Option<String>,
    /// URL path under `/regions/`, e.g. `zhejiang/hangzhou/yuhang` (empty for the root).
    pub path: String,
    /// Articles placed exactly at this node.
    pub own: Vec<usize>,
    /// Articles at this node and all its descendants, in site order.
    pub all: Vec<usize>,
    pub children: Vec<RegionNode>,
}

impl RegionNode {
    /// Every node of the tree, depth first, parents before children.
    pub fn walk(&self) -> Vec<&RegionNode> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }

    pub fn depth(&self) -> usize {
        if self.path.is_empty() {
            0
        } else {
            self.path.matches('/').count() + 1
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthIndex {
    pub year: i32,
    pub month: u32,
    pub articles: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct YearIndex {
    pub year: i32,
    /// Every article dated in the year, whether to the day, the month or only the year.
    pub articles: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeywordIndex {
    pub word: String,
    pub slug: String,
    pub articles: Vec<usize>,
}

/// Path segment used for national-level articles.
pub const NATIONAL_PATH: &str = "national";
/// Path segment used for articles whose region is unknown.
pub const UNKNOWN_PATH: &str = "unknown";

impl Site {
    pub fn build(config: Config, taxonomy: Taxonomy, mut articles: Vec<Article>, include_drafts: bool) -> Site {
        articles.retain(|a| include_drafts || !a.clean.draft);
        // Slugs (pinyin of every title) and the sort on all cores: a rebuild makes the site
        // model of the whole corpus again. The order is sorted, then the articles permuted in
        // place: moving 11,000 articles of 800 bytes into fresh vectors (and a merge sort's
        // buffer) made the kernel zero tens of megabytes.
        let slugs: Vec<String> = articles.par_iter().map(article_slug).collect();
        let mut order: Vec<usize> = (0..articles.len()).collect();
        order.par_sort_by(|&i, &j| {
            let (a, b) = (&articles[i], &articles[j]);
            let da = a.clean.date.map(|d| d.date);
            let db = b.clean.date.map(|d| d.date);
            db.cmp(&da)
                .then_with(|| slugs[i].cmp(&slugs[j]))
                .then_with(|| a.clean.file.cmp(&b.clean.file))
                .then_with(|| a.clean.part.cmp(&b.clean.part))
        });
        permute(&mut articles, &order);
        let slugs: Vec<&str> = order.iter().map(|&i| slugs[i].as_str()).collect();
        let slugs = dedupe_slugs(&articles, &slugs);
        // The indexes are independent of each other: made side by side.
        let min_articles = config.analyze.keyword_page_min_articles;
        let ((themes, regions), ((months, years), keywords)) = rayon::join(
            || rayon::join(|| theme_indexes(&taxonomy, &articles), || region_tree(&articles)),
            || {
                rayon::join(
                    || (month_indexes(&articles), year_indexes(&articles)),
                    || keyword_indexes(&articles, min_articles),
                )
            },
        );
        Site {
            config,
            taxonomy,
            articles,
            slugs,
            themes,
            regions,
            months,
            years,
            keywords,
        }
    }

    /// Site-relative URL of an article page, e.g. `/articles/2024-03-06-yun-nan-1a2b3c/`.
    pub fn article_url(&self, index: usize) -> String {
        format!("/articles/{}/", self.slugs[index])
    }

    pub fn undated(&self) -> Vec<usize> {
        (0..self.articles.len())
            .filter(|&i| self.articles[i].clean.date.is_none())
            .collect()
    }
}

/// An article's slug depends only on the article: its date, the pinyin of its title's first
/// characters and a hash of its own text.
pub fn article_slug(article: &Article) -> String {
    if let Some(hint) = article
        .clean
        .slug_hint
        .as_deref()
        .map(slug::sanitize)
        .filter(|s| !s.is_empty())
    {
        return hint
            .chars()
            .take(80)
            .collect::<String>()
            .trim_end_matches('-')
            .to_string();
    }
    let date = article.clean.date.map_or_else(|| "undated".to_string(), |d| d.iso());
    let words = slug::title_pinyin(&article.clean.title, 6);
    let hash = &article.id[..6.min(article.id.len())];
    if words.is_empty() {
        format!("{date}-{hash}")
    } else {
        format!("{date}-{words}-{hash}")
    }
}

/// Reorder `items` in place so that `items[k]` becomes the old `items[order[k]]` (`order` a
/// permutation): each cycle of the permutation is walked with swaps, no second vector.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        if placed[start] {
            continue;
        }
        // Walk the cycle: position k takes the item at order[k].
        let mut k = start;
        loop {
            placed[k] = true;
            let from = order[k];
            if from == start {
                break;
            }
            items.swap(k, from);
            k = from;
        }
    }
}

/// Two articles may ask for the same slug (identical text, or equal front-matter slugs):
/// later ones (in site order) get a suffix from a hash of their file and part, so the
/// result depends only on the colliding articles themselves.
fn dedupe_slugs(articles: &[Article], slugs: &[&str]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::with_capacity(articles.len());
    for (&slug, article) in slugs.iter().zip(articles) {
        let mut candidate = slug.to_string();
        if seen.contains_key(&candidate) {
            let key = format!("{}#{}", article.clean.file, article.clean.part);
            let hash = blake3::hash(key.as_bytes()).to_hex();
            candidate = format!("{slug}-{}", &hash[..8]);
            let mut n = 2;
            while seen.contains_key(&candidate) {
                candidate = format!("{slug}-{}-{n}", &hash[..8]);
                n += 1;
            }
        }
        seen.insert(candidate.clone(), out.len());
        out.push(candidate);
    }
    out
}

/// Each theme of the taxonomy with the articles that have it, in site order. One pass over
/// the articles (their themes are found by slug), not one per theme.
fn theme_indexes(taxonomy: &Taxonomy, articles: &[Article]) -> Vec<ThemeIndex> {
    let mut indexes: Vec<ThemeIndex> = taxonomy
        .themes
        .iter()
        .map(|t| ThemeIndex {
            slug: t.slug.clone(),
            name: t.name.clone(),
            description: t.description.clone(),
            articles: Vec::new(),
        })
        .collect();
    // A slug the taxonomy lists twice: every entry lists the article, as a scan per entry did.
    let mut by_slug: rustc_hash::FxHashMap<&str, Vec<usize>> = rustc_hash::FxHashMap::default();
    for (t, theme) in taxonomy.themes.iter().enumerate() {
        by_slug.entry(theme.slug.as_str()).or_default().push(t);
    }
    for (i, article) in articles.iter().enumerate() {
        for score in &article.themes {
            for &t in by_slug.get(score.slug.as_str()).into_iter().flatten() {
                // An article naming a theme twice is listed once.
                if indexes[t].articles.last() != Some(&i) {
                    indexes[t].articles.push(i);
                }
            }
        }
    }
    indexes
}

fn month_indexes(articles: &[Article]) -> Vec<MonthIndex> {
    let mut months: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate() {
        if let Some(d) = a.clean.date {
            if d.precision != crate::model::DatePrecision::Year {
                use chrono::Datelike;
                months.entry((d.date.year(), d.date.month())).or_default().push(i);
            }
        }
    }
    months
        .into_iter()
        .rev()
        .map(|((year, month), articles)| MonthIndex { year, month, articles })
        .collect()
}

fn year_indexes(articles: &[Article]) -> Vec<YearIndex> {
    use chrono::Datelike;
    let mut years: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate() {
        if let Some(d) = a.clean.date {
            years.entry(d.date.year()).or_default().push(i);
        }
    }
    years
        .into_iter()
        .rev()
        .map(|(year, articles)| YearIndex { year, articles })
        .collect()
}

fn keyword_indexes(articles: &[Article], min_articles: usize) -> Vec<KeywordIndex> {
    // Gathered in a hash map (the keywords of every article), then put in word order.
    let mut by_word: rustc_hash::FxHashMap<&str, Vec<usize>> = rustc_hash::FxHashMap::default();
    for (i, a) in articles.iter().enumerate() {
        for k in &a.keywords {
            by_word.entry(k.as_str()).or_default().push(i);
        }
    }
    let mut by_word: Vec<(&str, Vec<usize>)> = by_word
        .into_iter()
        .filter(|(_, list)| list.len() >= min_articles)
        .collect();
    by_word.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut used_slugs: BTreeMap<String, usize> = BTreeMap::new();
    by_word
        .into_iter()
        .map(|(word, articles)| {
            let base = slug::sanitize(word);
            let base = if base.is_empty() { "keyword".to_string() } else { base };
            let n = used_slugs.entry(base.clone()).or_insert(0);
            *n += 1;
            let slug = if *n == 1 { base } else { format!("{base}-{n}") };
            KeywordIndex {
                word: word.to_string(),
                slug,
                articles,
            }
        })
        .collect()
}

/// URL segment of a division: the pinyin of its name without the administrative suffix, with
/// place-name readings (重庆 chongqing, 六安 luan), from the analyze stage's gazetteer tables.
pub fn region_segment(name: &str) -> String {
    crate::analyze::pinyin::region_slug(name)
}

fn region_tree(articles: &[Article]) -> RegionNode {
    let mut root = RegionNode {
        name: "全国".to_string(),
        ..RegionNode::default()
    };
    for (i, a) in articles.iter().enumerate() {
        root.all.push(i);
        let r = &a.region;
        let mut levels: Vec<(String, Option<String>)> = Vec::new();
        if let Some(p) = &r.province {
            levels.push((p.clone(), r.code.as_ref().map(|c| c.chars().take(2).collect())));
            if let Some(c) = &r.city {
                levels.push((
                    c.clone(),
                    r.code.as_ref().filter(|c| c.len() >= 4).map(|c| c[..4].to_string()),
                ));
                if let Some(k) = &r.county {
                    levels.push((k.clone(), r.code.clone().filter(|c| c.len() >= 6)));
                }
            }
        } else if r.code.as_deref() == Some(NATIONAL_CODE) {
            levels.push(("全国性".to_string(), Some(NATIONAL_CODE.to_string())));
        } else {
            levels.push(("地区未明".to_string(), None));
        }
        insert_region(&mut root, &levels, i);
    }
    sort_regions(&mut root);
    root
}

fn insert_region(node: &mut RegionNode, levels: &[(String, Option<String>)], article: usize) {
    let Some(((name, code), rest)) = levels.split_first() else {
        node.own.push(article);
        return;
    };
    let position = node.children.iter().position(|c| &c.name == name);
    let child = match position {
        Some(p) => &mut node.children[p],
        None => {
            let segment = match code.as_deref() {
                Some(NATIONAL_CODE) => NATIONAL_PATH.to_string(),
                None if node.path.is_empty() => UNKNOWN_PATH.to_string(),
                _ => unique_segment(node, region_segment(name)),
            };
            let path = if node.path.is_empty() {
                segment
            } else {
                format!("{}/{segment}", node.path)
            };
            node.children.push(RegionNode {
                name: name.clone(),
                code: code.clone(),
                path,
                ..RegionNode::default()
            });
            node.children.last_mut().expect("just pushed")
        }
    };
    child.all.push(article);
    insert_region(child, rest, article);
}

fn unique_segment(parent: &RegionNode, segment: String) -> String {
    let taken = |s: &str| parent.children.iter().any(|c| c.path.rsplit('/').next() == Some(s));
    if !taken(&segment) {
        return segment;
    }
    (2..)
        .map(|n| format!("{segment}-{n}"))
        .find(|s| !taken(s))
        .expect("unbounded")
}

/// Children ordered by division code (provinces in official order), then national, then
/// unknown.
fn sort_regions(node: &mut RegionNode) {
    node.children.sort_by(|a, b| {
        let key = |n: &RegionNode| {
            let rank = match n.code.as_deref() {
                Some(NATIONAL_CODE) => 1,
                Some(_) => 0,
                None => 2,
            };
            (rank, n.code.clone(), n.path.clone())
        };
        key(a).cmp(&key(b))
    });
    node.all.sort_unstable();
    for child in &mut node.children {
        sort_regions(child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        // Two cycles (0 2 4 and 1 5) and a fixed point (3).
        let order = [2, 5, 4, 3, 0, 1];
        permute(&mut items, &order);
        assert_eq!(items, ['c', 'f', 'e', 'd', 'a', 'b']);
        let mut same = vec![1, 2, 3];
        permute(&mut same, &[0, 1, 2]);
        assert_eq!(same, [1, 2, 3]);
    }

    #[test]
    fn region_segments_drop_suffixes() {
        assert_eq!(region_segment("浙江省"), "zhejiang");
        assert_eq!(region_segment("余杭区"), "yuhang");
        assert_eq!(region_segment("新疆维吾尔自治区"), "xinjiang");
        // A one-character base keeps its suffix so the segment stays meaningful.
        assert_eq!(region_segment("沙区"), "shaqu");
    }

    #[test]
    fn region_segments_read_polyphones_as_place_names() {
        assert_eq!(region_segment("重庆市"), "chongqing");
        assert_eq!(region_segment("长沙市"), "changsha");
        assert_eq!(region_segment("厦门市"), "xiamen");
        assert_eq!(region_segment("蚌埠市"), "bengbu");
        assert_eq!(region_segment("六安市"), "luan");
        assert_eq!(region_segment("丽水市"), "lishui");
        assert_eq!(region_segment("乐山市"), "leshan");
    }
}
