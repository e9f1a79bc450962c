//! View models: what templates see. Built from the site model on demand, page by page, so no
//! page holds a copy of other articles' bodies.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;
use serde_json::json;

use super::feeds::{self, FeedEntry};
use super::theme::Theme;
use crate::model::Article;
use crate::site::{RegionNode, Site};

#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    pub base_url: String,
    /// Path prefix of every internal link, e.g. `/` or `/digest/`.
    pub base_path: String,
    pub search: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Tile {
    pub name: String,
    pub url: String,
    pub count: usize,
    pub description: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Card {
    pub title: String,
    pub kicker: Option<String>,
    pub subtitle: Option<String>,
    pub url: String,
    pub date_display: String,
    pub date_iso: Option<String>,
    pub region: Option<Link>,
    pub source: Option<String>,
    pub themes: Vec<Link>,
    pub excerpt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct KeywordLink {
    pub word: String,
    pub url: Option<String>,
}

/// An article page's data. It borrows the article's text: a build makes one for every
/// article (to key its page) but renders only the pages that changed.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleView<'a> {
    pub title: String,
    pub kicker: Option<String>,
    pub subtitle: Option<String>,
    pub date_display: String,
    pub date_iso: Option<String>,
    pub authors: Vec<String>,
    pub sources: Vec<String>,
    pub breadcrumb: Vec<Link>,
    pub themes: Vec<Link>,
    pub keywords: Vec<KeywordLink>,
    pub body: &'a [String],
    /// Sanitised HTML of curated Markdown.
    pub html: Option<String>,
    pub cleaning: Option<&'a crate::model::CleaningReport>,
    /// One line saying what the cleaner changed (empty for curated articles).
    pub cleaning_summary: String,
    /// Removed text grouped by the rule that removed it, in order of first removal.
    pub removed_groups: Vec<RemovedGroup<'a>>,
    /// Files the story was found in when reposts were merged (more than one).
    pub copies: Vec<String>,
    pub char_count_display: String,
    pub reading_display: String,
    pub related: Vec<Card>,
    pub prev: Option<Card>,
    pub next: Option<Card>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RemovedGroup<'a> {
    pub kind: &'a str,
    /// Human-readable name of the rule (from the theme's strings, `kind_<kind>`).
    pub name: String,
    pub items: Vec<&'a str>,
}

/// Links between the pages of one list. Pages are numbered from the oldest articles up and end
/// where the articles say, so a numbered page keeps its articles (and its bytes) while new
/// articles arrive (see [`Views::page_cuts`]).
#[derive(Debug, Clone, Serialize)]
pub struct Pager {
    /// This page's number; 0 for the list's first page (the newest articles).
    pub current: usize,
    /// The page of newer articles.
    pub prev_url: Option<String>,
    /// The page of older articles.
    pub next_url: Option<String>,
    /// Links to nearby pages, newest first; empty when the list has one page.
    pub pages: Vec<PageLink>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLink {
    /// "最新" for the first page, else the page's number.
    pub label: String,
    pub url: String,
    /// The page this pager is on.
    pub current: bool,
    /// Pages were skipped between the previous link and this one.
    pub gap: bool,
}

/// One page of a list as [`Views::page_cuts`] cuts it (its pager, made by [`Views::pager`] from
/// its place, only for pages that render).
#[derive(Debug, Clone)]
pub struct PageCut<'b> {
    /// Output path, e.g. `themes/rights/` or `themes/rights/page/3/`.
    pub path: String,
    /// None for the first page, else the page's number (1 = the oldest articles).
    pub number: Option<usize>,
    pub items: &'b [usize],
    /// The page's place among the list's pages, from 1 (the oldest) to `top` (the first page).
    pub position: usize,
    /// How many pages the list has.
    pub top: usize,
}

/// The other articles an article page shows as cards (indexes into the site's articles).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Neighbours {
    pub related: Vec<usize>,
    /// The older article.
    pub prev: Option<usize>,
    /// The newer article.
    pub next: Option<usize>,
}

/// An index page (region, theme, month, keyword) before pagination.
#[derive(Debug, Clone, Serialize)]
pub struct ListSpec<'a> {
    pub title: String,
    pub description: String,
    /// Output path of the first page, e.g. `themes/rights/`.
    pub path: String,
    pub count: usize,
    pub breadcrumb: Vec<Link>,
    pub children: Vec<Tile>,
    pub breakdown_title: String,
    pub breakdown: Vec<Tile>,
    /// Bar chart of the breakdown (safe SVG made by the tool), made by [`Views::with_chart`]
    /// only for a page that is rendered: a page's key holds the breakdown it is drawn from.
    pub breakdown_chart: Option<String>,
    /// The chart's id and the theme string of its title, when the list has one.
    #[serde(skip)]
    pub chart: Option<(&'static str, &'static str)>,
    pub feed_url: Option<String>,
    #[serde(skip)]
    pub feed_path: Option<String>,
    /// The list's articles, newest first (borrowed from the site's indexes when it has them).
    #[serde(skip)]
    pub items: std::borrow::Cow<'a, [usize]>,
}

/// How many articles of one shared keyword's list are considered for "related articles".
const RELATED_KEYWORD_SPAN: usize = 60;

/// A keyword page listing an article, and where in that page's list the article stands.
#[derive(Debug, Clone, Copy)]
struct KeywordSpot {
    /// Index into `Site::keywords`.
    keyword: u32,
    /// Where [`slice::binary_search`] finds the article in the keyword's list (its position;
    /// the one binary search gives when an article is listed twice).
    position: u32,
}

/// Each theme's articles by the theme's slug (the first theme of a slug, as a search of
/// `site.themes` in order finds it).
fn theme_lists(site: &Site) -> FxHashMap<&str, &[usize]> {
    let mut lists = FxHashMap::default();
    for theme in &site.themes {
        lists.entry(theme.slug.as_str()).or_insert(theme.articles.as_slice());
    }
    lists
}

/// For each article, the keyword pages that list it, with its place in each (found while
/// walking the lists, so ranking related articles needs no search).
fn keywords_of(site: &Site) -> Vec<Vec<KeywordSpot>> {
    let mut of = vec![Vec::new(); site.articles.len()];
    for (k, keyword) in site.keywords.iter().enumerate() {
        let list = &keyword.articles;
        for (position, &i) in list.iter().enumerate() {
            let listed_twice = (position > 0 && list[position - 1] == i) || list.get(position + 1) == Some(&i);
            let position = if listed_twice {
                list.binary_search(&i).unwrap_or(position)
            } else {
                position
            };
            if let Some(spots) = of.get_mut(i) {
                spots.push(KeywordSpot {
                    keyword: k as u32,
                    position: position as u32,
                });
            }
        }
    }
    of
}

/// What every article placed at one region node shares, made once per node rather than once
/// per article.
#[derive(Debug, Clone)]
struct NodeView {
    /// The names of the node's breadcrumb (its parents and itself), see [`Views::breadcrumb_of`].
    crumb_names: Vec<String>,
    /// [`Views::region_label`] of the node.
    label: String,
    /// Hash of the node's breadcrumb as an article page shows it (names and links).
    crumb_key: blake3::Hash,
}

/// How many related articles an article page shows.
const RELATED_SHOWN: usize = 5;

thread_local! {
    /// Each thread's [`SharedPoints`] (see [`Views::prepare_related`]).
    static SHARED_POINTS: std::cell::RefCell<SharedPoints> = std::cell::RefCell::new(SharedPoints::default());
}

/// One article's entry in [`SharedPoints`].
#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    stamp: u32,
    points: u16,
}

/// Points per article where the articles of one region node share their region's points
/// (set once for the node) and each adds its own evidence on top, undone after it.
#[derive(Debug, Default)]
struct SharedPoints {
    /// Each article's points, and the number (in `generation`) of the article whose evidence
    /// last touched it: side by side, as every step of the evidence reads both.
    slots: Vec<Slot>,
    generation: u32,
    /// The entries the current article touched, with their points before it.
    touched: Vec<(usize, u16)>,
}

impl SharedPoints {
    fn ready(&mut self, articles: usize) {
        if self.slots.len() < articles {
            self.slots.resize(articles, Slot::default());
        }
    }

    /// Set the shared points of `articles` (distinct indexes).
    fn set(&mut self, articles: &[usize], points: u16) {
        for &j in articles {
            self.slots[j].points = points;
        }
    }

    /// Begin the next article's evidence.
    fn start(&mut self) {
        self.touched.clear();
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            self.slots.iter_mut().for_each(|slot| slot.stamp = 0);
            self.generation = 1;
        }
    }

    fn add(&mut self, articles: &[usize], points: u16) {
        for &j in articles {
            let slot = &mut self.slots[j];
            if slot.stamp != self.generation {
                slot.stamp = self.generation;
                self.touched.push((j, slot.points));
            }
            slot.points = slot.points.saturating_add(points);
        }
    }

    /// The `count` best articles related to `i` by [`related_rank`]: those its evidence
    /// touched, with their points, and those only `region` gives points to (two each), nearest
    /// to `i` first; then the points are the region's again.
    fn best(&mut self, i: usize, count: usize, region: &[usize]) -> Vec<usize> {
        let mut top: Vec<(u128, usize)> = Vec::with_capacity(count + 1);
        let offer = |top: &mut Vec<(u128, usize)>, candidate: (u128, usize)| -> bool {
            if count == 0 || (top.len() == count && candidate.0 <= top[count - 1].0) {
                return false;
            }
            let at = top.iter().position(|t| candidate.0 > t.0).unwrap_or(top.len());
            top.insert(at, candidate);
            top.truncate(count);
            true
        };
        let mut floor = 0u16;
        for &(j, _) in &self.touched {
            let points = self.slots[j].points;
            if points < floor || j == i {
                continue;
            }
            if offer(&mut top, (related_rank(i, j, points), j)) && top.len() == count {
                floor = related_points(top[count - 1].0);
            }
        }
        // The region's articles no evidence touched, nearest to `i` first (the earlier of
        // two as near): their ranks fall as they go, so the first refused ends the walk.
        let mut right = region.partition_point(|&j| j < i);
        let mut left = right;
        loop {
            if region.get(right) == Some(&i) {
                right += 1;
            }
            let from_left = left.checked_sub(1).map(|l| (i - region[l], l));
            let from_right = region.get(right).map(|&j| (j - i, right));
            let take_left = match (from_left, from_right) {
                (Some(l), Some(r)) => l.0 <= r.0,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let j = if take_left {
                left -= 1;
                region[left]
            } else {
                right += 1;
                region[right - 1]
            };
            if self.slots[j].stamp == self.generation {
                continue;
            }
            if !offer(&mut top, (related_rank(i, j, 2), j)) {
                break;
            }
        }
        for &(j, old) in &self.touched {
            self.slots[j].points = old;
        }
        top.into_iter().map(|(_, j)| j).collect()
    }
}

thread_local! {
    /// Each thread's [`Points`] (every article page ranks its related articles).
    static POINTS: std::cell::RefCell<Points> = const { std::cell::RefCell::new(Points { points: Vec::new(), seen: Vec::new() }) };
}

/// Points per article summed from pieces of evidence, kept between uses (all zero then) so
/// that ranking one article's related articles allocates nothing.
struct Points {
    /// Small (two per shared keyword, two for the region, one per theme), so 16 bits: the
    /// table of a 10,000-article site stays in the first-level cache. Saturating, so an
    /// absurd `keywords_per_article` only ties the strongest candidates.
    points: Vec<u16>,
    /// The articles with points, in order of first evidence.
    seen: Vec<usize>,
}

impl Points {
    /// Give `points` to each of `articles` (indexes below the length given to `ready`).
    fn add(&mut self, articles: &[usize], points: u16) {
        for &j in articles {
            if self.points[j] == 0 {
                self.seen.push(j);
            }
            self.points[j] = self.points[j].saturating_add(points);
        }
    }

    fn ready(&mut self, articles: usize) {
        if self.points.len() < articles {
            self.points.resize(articles, 0);
        }
    }

    /// The `count` best articles related to `i` (other than `i`), best first, by
    /// [`related_rank`]; then all points are zero again.
    fn best(&mut self, i: usize, count: usize) -> Vec<usize> {
        let mut top: Vec<(u128, usize)> = Vec::with_capacity(count + 1);
        // Once `top` is full, the fewest points an article needs to enter it (most articles
        // have fewer: they are passed over without being ranked).
        let mut floor = 0u16;
        for &j in &self.seen {
            let points = std::mem::take(&mut self.points[j]);
            if points < floor || j == i || count == 0 {
                continue;
            }
            let candidate = (related_rank(i, j, points), j);
            if top.len() == count && candidate.0 <= top[count - 1].0 {
                continue;
            }
            let at = top.iter().position(|t| candidate.0 > t.0).unwrap_or(top.len());
            top.insert(at, candidate);
            top.truncate(count);
            if top.len() == count {
                floor = related_points(top[count - 1].0);
            }
        }
        self.seen.clear();
        top.into_iter().map(|(_, j)| j).collect()
    }
}

/// The rank of article `j` among the articles related to article `i`, given its points:
/// most points first, then nearest in time (site order), then first in site order. One
/// number compared at once (the points above the distance above the index, each field
/// inverted where smaller is better), in the order of the tuple
/// `(points, Reverse(distance), Reverse(j))`. Indexes fit in 56 bits on any machine (an
/// article takes far more than 256 bytes of memory).
fn related_rank(i: usize, j: usize, points: u16) -> u128 {
    const FIELD: u128 = (1 << 56) - 1;
    let field = |n: usize| FIELD - (n as u128).min(FIELD);
    (u128::from(points) << 112) | (field(i.abs_diff(j)) << 56) | field(j)
}

/// The points a [`related_rank`] was made with.
fn related_points(rank: u128) -> u16 {
    (rank >> 112) as u16
}

/// Reading speed used for reading-time estimates (Chinese characters per minute).
const CHARS_PER_MINUTE: usize = 400;

pub struct Views<'a> {
    pub site: SiteView,
    pub(crate) s: &'a Site,
    pub(crate) theme: &'a Theme,
    /// Each article's deepest region node.
    pub(crate) region_of: Vec<Option<&'a RegionNode>>,
    /// Each article's deepest region node, as an index into `nodes`.
    node_of: Vec<Option<u32>>,
    /// What the articles of each region node (but the root) share.
    nodes: Vec<NodeView>,
    /// Keyword word → slug of its page (built once: looked up for every article).
    keyword_slugs: BTreeMap<&'a str, &'a str>,
    /// For each article, the keyword pages listing it.
    keywords_of: Vec<Vec<KeywordSpot>>,
    /// Theme slug → the theme's articles (in site order): the related lists look up two
    /// themes per article (comparing slugs theme by theme was a fifth of their evidence).
    theme_lists: FxHashMap<&'a str, &'a [usize]>,
    /// For each article, [`page_end_hash`] of its id (see [`Views::page_cuts`]).
    page_end_hash: Vec<u64>,
    /// Each article's related articles, when [`Views::prepare_related`] made them.
    related: std::sync::OnceLock<Vec<Vec<usize>>>,
}

impl<'a> Views<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme) -> Views<'a> {
        let base_url = site.config.base_url_slash();
        let base_path = base_path_of(&base_url);
        let mut region_of: Vec<Option<&RegionNode>> = vec![None; site.articles.len()];
        let mut node_of: Vec<Option<u32>> = vec![None; site.articles.len()];
        let walked: Vec<&RegionNode> = site.regions.walk().into_iter().skip(1).collect();
        for (n, node) in walked.iter().enumerate() {
            for &i in &node.own {
                region_of[i] = Some(node);
                node_of[i] = Some(n as u32);
            }
        }
        let mut views = Views {
            site: SiteView {
                title: site.config.title.clone(),
                description: site.config.description.clone(),
                language: site.config.language.clone(),
                base_url,
                base_path,
                search: site.config.search.enabled,
            },
            s: site,
            theme,
            region_of,
            node_of,
            nodes: Vec::new(),
            keyword_slugs: site
                .keywords
                .iter()
                .map(|k| (k.word.as_str(), k.slug.as_str()))
                .collect(),
            keywords_of: keywords_of(site),
            theme_lists: theme_lists(site),
            page_end_hash: site.articles.iter().map(|a| page_end_hash(&a.id)).collect(),
            related: std::sync::OnceLock::new(),
        };
        views.nodes = walked.iter().map(|node| views.node_view(node)).collect();
        views
    }

    fn node_view(&self, node: &RegionNode) -> NodeView {
        let crumbs = self.breadcrumb_of(node);
        let crumb_key = blake3::hash(&serde_json::to_vec(&crumbs).unwrap_or_default());
        let crumb_names: Vec<String> = crumbs.into_iter().map(|l| l.name).collect();
        NodeView {
            label: if crumb_names.is_empty() {
                node.name.clone()
            } else {
                crumb_names.join(" › ")
            },
            crumb_names,
            crumb_key,
        }
    }

    /// What article `i`'s region node shares with its other articles.
    fn node_view_of(&self, i: usize) -> Option<&NodeView> {
        self.node_of[i].and_then(|n| self.nodes.get(n as usize))
    }

    /// Link to a site-relative path (no leading slash), honouring the base path.
    pub fn href(&self, path: &str) -> String {
        format!("{}{path}", self.site.base_path)
    }

    fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.site.base_url)
    }

    fn article_path(&self, i: usize) -> String {
        format!("articles/{}/", self.s.slugs[i])
    }

    fn date_display(&self, a: &Article) -> String {
        a.clean
            .date
            .map_or_else(|| self.theme.text("undated", &[]), |d| self.theme.format_date(&d))
    }

    /// The site's themes of an article, in its order (a theme the taxonomy lacks is left out).
    fn themes_of<'t>(&'t self, a: &'t Article) -> impl Iterator<Item = &'t crate::analyze::themes::Theme> {
        a.themes.iter().filter_map(|t| self.s.taxonomy.get(&t.slug))
    }

    fn theme_links(&self, a: &Article) -> Vec<Link> {
        self.themes_of(a)
            .map(|t| Link {
                name: t.name.clone(),
                url: self.href(&format!("themes/{}/", t.slug)),
            })
            .collect()
    }

    /// The key of article `i`'s card. An article from the build cache: the hash of its
    /// cached record (see [`Article::origin`]), its address and its region's place and name
    /// on the map, which is everything [`Views::card`] reads besides the build's global
    /// inputs (templates, strings, settings), and cheaper than making the card. Not its
    /// keywords, which corpus analysis changes and a card does not show: a new article
    /// shifts many articles' keywords, and every list showing them would be rendered again.
    /// Other articles: the hash of the card itself.
    pub fn card_key(&self, i: usize) -> blake3::Hash {
        let mut hasher = blake3::Hasher::new();
        match &self.s.articles[i].origin {
            Some(origin) => {
                hasher.update(origin);
                hasher.update(self.s.slugs[i].as_bytes());
                hasher.update(b"\0");
                if let (Some(node), Some(view)) = (self.region_of[i], self.node_view_of(i)) {
                    hasher.update(node.path.as_bytes());
                    hasher.update(b"\0");
                    hasher.update(view.label.as_bytes());
                }
            }
            None => {
                let json = serde_json::to_vec(&self.card(i)).unwrap_or_default();
                hasher.update(&json);
            }
        }
        hasher.finalize()
    }

    pub fn card(&self, i: usize) -> Card {
        let a = &self.s.articles[i];
        Card {
            title: a.clean.title.clone(),
            kicker: a.clean.kicker.clone(),
            subtitle: a.clean.subtitle.clone(),
            url: self.href(&self.article_path(i)),
            date_display: self.date_display(a),
            date_iso: a.clean.date.map(|d| d.iso()),
            region: self.region_of[i].map(|n| Link {
                name: self
                    .node_view_of(i)
                    .map_or_else(|| self.region_label(n), |v| v.label.clone()),
                url: self.region_href(n),
            }),
            source: a.clean.source.clone(),
            themes: self.theme_links(a),
            excerpt: excerpt(&a.clean.body, 110),
        }
    }

    pub(crate) fn region_href(&self, node: &RegionNode) -> String {
        if node.path.is_empty() {
            self.href("regions/")
        } else {
            self.href(&format!("regions/{}/", node.path))
        }
    }

    /// A region with its parents, e.g. 浙江省 › 杭州市 › 余杭区.
    pub fn region_label(&self, node: &RegionNode) -> String {
        let names: Vec<String> = self.breadcrumb_of(node).into_iter().map(|l| l.name).collect();
        if names.is_empty() {
            node.name.clone()
        } else {
            names.join(" › ")
        }
    }

    fn breadcrumb_of(&self, node: &RegionNode) -> Vec<Link> {
        let mut crumbs = Vec::new();
        let mut prefix = String::new();
        let mut current = &self.s.regions;
        for segment in node.path.split('/').filter(|s| !s.is_empty()) {
            prefix = if prefix.is_empty() {
                segment.to_string()
            } else {
                format!("{prefix}/{segment}")
            };
            if let Some(child) = current.children.iter().find(|c| c.path == prefix) {
                crumbs.push(Link {
                    name: child.name.clone(),
                    url: self.region_href(child),
                });
                current = child;
            }
        }
        crumbs
    }

    /// The region path of article `i`, as its page's breadcrumb shows it.
    pub fn breadcrumb_of_article(&self, i: usize) -> Vec<Link> {
        self.region_of[i].map(|n| self.breadcrumb_of(n)).unwrap_or_default()
    }

    /// Article `i`'s keywords, linked to their pages where the site has one.
    pub fn keyword_links(&self, i: usize) -> Vec<KeywordLink> {
        self.s.articles[i]
            .keywords
            .iter()
            .map(|k| KeywordLink {
                word: k.clone(),
                url: self
                    .keyword_slugs
                    .get(k.as_str())
                    .map(|s| self.href(&format!("keywords/{s}/"))),
            })
            .collect()
    }

    /// Feed into `hasher` what [`Views::keyword_links`] of article `i` is made of besides
    /// the article's keywords and the site's base URL: the word and slug of each keyword
    /// page listing the article (the pages of its keywords that have one). Allocates and
    /// looks up nothing (a build keys every article page).
    pub fn hash_keyword_slugs(&self, i: usize, hasher: &mut blake3::Hasher) {
        hasher.update(&(self.keywords_of[i].len() as u64).to_le_bytes());
        for spot in &self.keywords_of[i] {
            let page = &self.s.keywords[spot.keyword as usize];
            for text in [&page.word, &page.slug] {
                super::hash_text(hasher, text);
            }
        }
    }

    /// Feed into `hasher` the breadcrumb of article `i` ([`Views::breadcrumb_of_article`]).
    pub fn hash_breadcrumb_of_article(&self, i: usize, hasher: &mut blake3::Hasher) {
        match self.node_view_of(i) {
            Some(view) => hasher.update(view.crumb_key.as_bytes()),
            None => hasher.update(b"no region"),
        };
    }

    /// The articles whose cards an article page shows.
    pub fn neighbours(&self, i: usize) -> Neighbours {
        Neighbours {
            related: self.related(i),
            // Site order is newest first: the previous article is the older one.
            prev: (i + 1 < self.s.articles.len()).then_some(i + 1),
            next: i.checked_sub(1),
        }
    }

    /// Put the cards of `neighbours` into `view`.
    pub fn fill_cards(&self, view: &mut ArticleView<'a>, neighbours: &Neighbours) {
        view.related = neighbours.related.iter().map(|&j| self.card(j)).collect();
        view.prev = neighbours.prev.map(|j| self.card(j));
        view.next = neighbours.next.map(|j| self.card(j));
    }

    /// The page data of article `i` with no cards yet, and the articles whose cards it
    /// shows: a build keys every article page by this (and those cards' keys) but fills in
    /// the cards only for the pages it renders.
    pub fn article_without_cards(&self, i: usize) -> (ArticleView<'a>, Neighbours) {
        let a = &self.s.articles[i];
        let c = &a.clean;
        let mut sources: Vec<String> = Vec::new();
        for s in a.sources.iter().filter_map(|s| s.source.clone()) {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        let minutes = a.char_count.div_ceil(CHARS_PER_MINUTE).max(1);
        let view = ArticleView {
            title: c.title.clone(),
            kicker: c.kicker.clone(),
            subtitle: c.subtitle.clone(),
            date_display: self.date_display(a),
            date_iso: c.date.map(|d| d.iso()),
            authors: c.authors.clone(),
            sources,
            breadcrumb: self.breadcrumb_of_article(i),
            themes: self.theme_links(a),
            keywords: self.keyword_links(i),
            body: &c.body,
            html: c.markdown.as_deref().map(|md| super::markdown::to_html(md, &c.title)),
            cleaning: (c.kind == crate::model::SourceKind::Raw).then_some(&c.cleaning),
            cleaning_summary: if c.kind == crate::model::SourceKind::Raw {
                self.cleaning_summary(&c.cleaning)
            } else {
                String::new()
            },
            removed_groups: self.removed_groups(&c.cleaning),
            copies: if a.sources.len() > 1 {
                a.sources
                    .iter()
                    .map(|s| match &s.source {
                        Some(name) => format!("{name}（{}）", s.file),
                        None => s.file.clone(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
            char_count_display: self.theme.text("char_count", &[("count", a.char_count.to_string())]),
            reading_display: self.theme.text("reading_time", &[("minutes", minutes.to_string())]),
            related: Vec::new(),
            prev: None,
            next: None,
        };
        (view, self.neighbours(i))
    }

    /// Human-readable name of a removal rule: `kind_spam_line` for `spam-line`, else the kind.
    pub fn kind_name(&self, kind: &str) -> String {
        let key = format!("kind_{}", kind.replace('-', "_"));
        self.theme
            .strings
            .get(&key)
            .cloned()
            .unwrap_or_else(|| kind.to_string())
    }

    fn removed_groups(&self, report: &'a crate::model::CleaningReport) -> Vec<RemovedGroup<'a>> {
        let mut groups: Vec<RemovedGroup> = Vec::new();
        for r in &report.removed {
            match groups.iter_mut().find(|g| g.kind == r.kind) {
                Some(g) => g.items.push(&r.text),
                None => groups.push(RemovedGroup {
                    kind: &r.kind,
                    name: self.kind_name(&r.kind),
                    items: vec![&r.text],
                }),
            }
        }
        groups
    }

    /// E.g. "删除 5 处 · 还原改写 3 处 · 合并断行 12 处", or a note that nothing changed.
    fn cleaning_summary(&self, r: &crate::model::CleaningReport) -> String {
        let n = |k: &str, count: usize| self.theme.text(k, &[("n", count.to_string())]);
        let mut parts = Vec::new();
        if !r.removed.is_empty() {
            parts.push(n("summary_removed", r.removed.len()));
        }
        let despun: usize = r.despun.iter().map(|d| d.count).sum();
        if despun > 0 {
            parts.push(n("summary_despun", despun));
        }
        if r.script_converted {
            parts.push(self.theme.text("script_converted", &[]));
        }
        if r.joined_lines > 0 {
            parts.push(n("summary_joined", r.joined_lines));
        }
        if r.punctuation_fixed > 0 {
            parts.push(n("summary_punct", r.punctuation_fixed));
        }
        if r.split_parts > 1 {
            parts.push(n("summary_split", r.split_parts));
        }
        if parts.is_empty() {
            self.theme.text("summary_nothing", &[])
        } else {
            parts.join(" · ")
        }
    }

    /// Up to five related articles: shared keywords and themes, same region, nearest in time.
    /// Made for every article at once by [`Views::prepare_related`] when a build calls it.
    fn related(&self, i: usize) -> Vec<usize> {
        if let Some(lists) = self.related.get() {
            return lists.get(i).cloned().unwrap_or_default();
        }
        self.related_alone(i)
    }

    /// The articles of the region node of article `i` that are evidence of relatedness (two
    /// points each): the node's newest 200, if the node is a place with a code.
    fn related_region(&self, i: usize) -> Option<&'a [usize]> {
        let node = self.region_of[i]?;
        node.code.is_some().then(|| &node.all[..node.all.len().min(200)])
    }

    /// Give points to the articles that share a keyword or a theme with article `i`.
    fn related_evidence(&self, i: usize, mut add: impl FnMut(&[usize], u16)) {
        for spot in &self.keywords_of[i] {
            let list = &self.s.keywords[spot.keyword as usize].articles;
            // A rare shared keyword is strong evidence; a keyword shared by hundreds of
            // articles says little, so only its nearest articles in time count.
            let pos = spot.position as usize;
            let (lo, hi) = if list.len() <= RELATED_KEYWORD_SPAN {
                (0, list.len())
            } else {
                (
                    pos.saturating_sub(RELATED_KEYWORD_SPAN / 2),
                    (pos + RELATED_KEYWORD_SPAN / 2).min(list.len()),
                )
            };
            add(&list[lo..hi], 2);
        }
        for t in self.s.articles[i].themes.iter().take(2) {
            if let Some(&list) = self.theme_lists.get(t.slug.as_str()) {
                // Nearest articles of the same theme in site (date) order.
                let pos = list.binary_search(&i).unwrap_or_else(|p| p);
                let lo = pos.saturating_sub(5);
                let hi = (pos + 6).min(list.len());
                add(&list[lo..hi], 1);
            }
        }
    }

    /// [`Views::related`] of one article, all its evidence summed on its own.
    fn related_alone(&self, i: usize) -> Vec<usize> {
        POINTS.with_borrow_mut(|points| {
            points.ready(self.s.articles.len());
            self.related_evidence(i, |list, p| points.add(list, p));
            if let Some(region) = self.related_region(i) {
                points.add(region, 2);
            }
            // Most points first, then nearest in time, then site order: a total order, so
            // the five best are the same whichever way they are found.
            points.best(i, RELATED_SHOWN)
        })
    }

    /// Make [`Views::related`] of every article, on all cores. The articles of one region
    /// node share its region evidence (up to 200 articles, two points each): it is given
    /// once per node, not once per article, and the articles it alone points to are taken
    /// nearest first rather than all ranked. The same lists as [`Views::related_alone`].
    pub fn prepare_related(&self) {
        use rayon::prelude::*;
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut alone = Vec::new();
        for i in 0..self.s.articles.len() {
            match (self.related_region(i), self.node_of[i]) {
                (Some(_), Some(n)) => groups.entry(n as usize).or_default().push(i),
                _ => alone.push(i),
            }
        }
        let groups: Vec<Vec<usize>> = groups.into_values().collect();
        let grouped: Vec<(usize, Vec<usize>)> = groups
            .par_iter()
            .flat_map_iter(|group| {
                SHARED_POINTS.with_borrow_mut(|shared| {
                    let region = group.first().and_then(|&i| self.related_region(i)).unwrap_or(&[]);
                    shared.ready(self.s.articles.len());
                    shared.set(region, 2);
                    let lists: Vec<(usize, Vec<usize>)> = group
                        .iter()
                        .map(|&i| {
                            shared.start();
                            self.related_evidence(i, |list, p| shared.add(list, p));
                            (i, shared.best(i, RELATED_SHOWN, region))
                        })
                        .collect();
                    shared.set(region, 0);
                    lists
                })
            })
            .collect();
        let mut lists = vec![Vec::new(); self.s.articles.len()];
        for (i, list) in grouped {
            lists[i] = list;
        }
        let alone: Vec<(usize, Vec<usize>)> = alone.into_par_iter().map(|i| (i, self.related_alone(i))).collect();
        for (i, list) in alone {
            lists[i] = list;
        }
        let _ = self.related.set(lists);
    }

    pub fn theme_tiles(&self) -> Vec<Tile> {
        self.s
            .themes
            .iter()
            .map(|t| Tile {
                name: t.name.clone(),
                url: self.href(&format!("themes/{}/", t.slug)),
                count: t.articles.len(),
                description: t.description.clone(),
            })
            .collect()
    }

    pub fn province_tiles(&self) -> Vec<Tile> {
        self.s.regions.children.iter().map(|n| self.region_tile(n)).collect()
    }

    pub(crate) fn region_tile(&self, n: &RegionNode) -> Tile {
        Tile {
            name: n.name.clone(),
            url: self.region_href(n),
            count: n.all.len(),
            description: String::new(),
        }
    }

    pub fn keyword_tiles(&self) -> Vec<serde_json::Value> {
        self.s
            .keywords
            .iter()
            .map(|k| json!({ "word": k.word, "url": self.href(&format!("keywords/{}/", k.slug)), "count": k.articles.len() }))
            .collect()
    }

    pub fn region_tree(&self) -> Vec<serde_json::Value> {
        fn node_json(v: &Views, n: &RegionNode) -> serde_json::Value {
            let children: Vec<_> = n.children.iter().map(|c| node_json(v, c)).collect();
            json!({ "name": n.name, "url": v.region_href(n), "count": n.all.len(), "children": children })
        }
        self.s.regions.children.iter().map(|n| node_json(self, n)).collect()
    }

    /// Every index page of the site: regions, themes, months, undated, keywords.
    pub fn lists(&self) -> Vec<ListSpec<'a>> {
        use rayon::prelude::*;
        let site: &'a Site = self.s;
        // Which themes each article has, as bits (when the themes fit in them): counting a
        // region's articles per theme then reads each article once, not once per theme.
        let theme_bits: Option<Vec<u64>> = (site.themes.len() <= 64).then(|| {
            let mut bits = vec![0u64; site.articles.len()];
            for (t, theme) in site.themes.iter().enumerate() {
                for &i in &theme.articles {
                    if let Some(b) = bits.get_mut(i) {
                        *b |= 1 << t;
                    }
                }
            }
            bits
        });
        let theme_counts = |articles: &[usize]| -> Vec<usize> {
            match &theme_bits {
                Some(bits) => {
                    let mut counts = vec![0; site.themes.len()];
                    for &i in articles {
                        let mut b = bits.get(i).copied().unwrap_or(0);
                        while b != 0 {
                            counts[b.trailing_zeros() as usize] += 1;
                            b &= b - 1;
                        }
                    }
                    counts
                }
                None => site
                    .themes
                    .iter()
                    .map(|t| articles.iter().filter(|i| t.articles.binary_search(i).is_ok()).count())
                    .collect(),
            }
        };
        // Region lists on all cores: the theme breakdown of each region counts its articles.
        let nodes: Vec<&'a RegionNode> = site.regions.walk().into_iter().skip(1).collect();
        let mut lists: Vec<ListSpec<'a>> = nodes
            .into_par_iter()
            .map(|node| {
                let counts = theme_counts(&node.all);
                let mut breakdown: Vec<Tile> = self
                    .s
                    .themes
                    .iter()
                    .zip(counts)
                    .map(|(t, count)| Tile {
                        name: t.name.clone(),
                        url: self.href(&format!("themes/{}/", t.slug)),
                        count,
                        description: String::new(),
                    })
                    .filter(|t| t.count > 0)
                    .collect();
                breakdown.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.url.cmp(&b.url)));
                let is_province = node.depth() == 1;
                let path = format!("regions/{}/", node.path);
                ListSpec {
                    title: node.name.clone(),
                    description: String::new(),
                    count: node.all.len(),
                    breadcrumb: {
                        // 地区 › the node's parents (the page's own name is its heading).
                        let mut crumbs = vec![Link {
                            name: self.theme.text("regions", &[]),
                            url: self.href("regions/"),
                        }];
                        let mut parents = self.breadcrumb_of(node);
                        parents.pop();
                        crumbs.extend(parents);
                        crumbs
                    },
                    children: node.children.iter().map(|c| self.region_tile(c)).collect(),
                    breakdown_title: self.theme.text("theme_breakdown", &[]),
                    breakdown_chart: None,
                    chart: Some(("theme-breakdown", "theme_breakdown")),
                    breakdown,
                    feed_url: is_province.then(|| self.href(&format!("{path}feed.xml"))),
                    feed_path: is_province.then(|| format!("{path}feed.xml")),
                    items: std::borrow::Cow::Borrowed(&node.all[..]),
                    path,
                }
            })
            .collect();
        for t in &site.themes {
            let mut by_province: Vec<Tile> = self
                .s
                .regions
                .children
                .iter()
                .map(|p| Tile {
                    name: p.name.clone(),
                    url: self.region_href(p),
                    count: p.all.iter().filter(|i| t.articles.binary_search(i).is_ok()).count(),
                    description: String::new(),
                })
                .filter(|x| x.count > 0)
                .collect();
            by_province.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.url.cmp(&b.url)));
            let path = format!("themes/{}/", t.slug);
            lists.push(ListSpec {
                title: t.name.clone(),
                description: t.description.clone(),
                count: t.articles.len(),
                breadcrumb: vec![Link {
                    name: self.theme.text("themes", &[]),
                    url: self.href("themes/"),
                }],
                children: Vec::new(),
                breakdown_title: self.theme.text("province_breakdown", &[]),
                breakdown_chart: None,
                chart: Some(("province-breakdown", "province_breakdown")),
                breakdown: by_province,
                feed_url: Some(self.href(&format!("{path}feed.xml"))),
                feed_path: Some(format!("{path}feed.xml")),
                items: std::borrow::Cow::Borrowed(&t.articles[..]),
                path,
            });
        }
        for y in &site.years {
            let mut list = self.simple_list(
                self.year_name(y.year),
                format!("archive/{:04}/", y.year),
                std::borrow::Cow::Borrowed(&y.articles[..]),
                "archive",
            );
            list.children = self.month_tiles(y.year);
            lists.push(list);
        }
        for m in &site.months {
            let mut list = self.simple_list(
                self.month_name_of(m.year, m.month),
                format!("archive/{:04}/{:02}/", m.year, m.month),
                std::borrow::Cow::Borrowed(&m.articles[..]),
                "archive",
            );
            list.breadcrumb.push(Link {
                name: self.year_name(m.year),
                url: self.href(&format!("archive/{:04}/", m.year)),
            });
            lists.push(list);
        }
        let undated = self.s.undated();
        if !undated.is_empty() {
            lists.push(self.simple_list(
                self.theme.text("undated", &[]),
                "archive/undated/".into(),
                std::borrow::Cow::Owned(undated),
                "archive",
            ));
        }
        for k in &site.keywords {
            lists.push(self.simple_list(
                k.word.clone(),
                format!("keywords/{}/", k.slug),
                std::borrow::Cow::Borrowed(&k.articles[..]),
                "themes",
            ));
        }
        lists
    }

    /// `list` with its breakdown chart drawn, for rendering its first page.
    pub fn with_chart<'l>(&self, list: &'l ListSpec<'a>) -> std::borrow::Cow<'l, ListSpec<'a>> {
        match list.chart {
            Some((id, title_key)) if list.breakdown_chart.is_none() => {
                let mut drawn = list.clone();
                drawn.breakdown_chart = self.breakdown_chart(id, title_key, &list.breakdown);
                std::borrow::Cow::Owned(drawn)
            }
            _ => std::borrow::Cow::Borrowed(list),
        }
    }

    fn breakdown_chart(&self, id: &str, title_key: &str, tiles: &[Tile]) -> Option<String> {
        if tiles.is_empty() {
            return None;
        }
        let title = self.theme.text(title_key, &[]);
        let unit = self.theme.text("article_count", &[]);
        let bars: Vec<super::charts::Bar> = tiles
            .iter()
            .map(|t| super::charts::Bar {
                label: t.name.clone(),
                value: t.count,
            })
            .collect();
        Some(super::charts::bar_chart(
            &super::charts::Labels {
                id,
                title: &title,
                desc: &title,
                unit: &unit,
            },
            &bars,
        ))
    }

    fn simple_list(
        &self,
        title: String,
        path: String,
        items: std::borrow::Cow<'a, [usize]>,
        parent: &str,
    ) -> ListSpec<'a> {
        ListSpec {
            title,
            description: String::new(),
            count: items.len(),
            breadcrumb: vec![Link {
                name: self.theme.text(parent, &[]),
                url: self.href(&format!("{parent}/")),
            }],
            children: Vec::new(),
            breakdown_title: String::new(),
            breakdown: Vec::new(),
            breakdown_chart: None,
            chart: None,
            feed_url: None,
            feed_path: None,
            items,
            path,
        }
    }

    /// Split a list (newest first) into pages of about `paginate` items, without their pagers
    /// (which a page's position and the list's number of pages determine: a build keys every
    /// page of every list but renders few).
    ///
    /// Numbered pages are counted from the oldest article: page 1 holds the oldest. Where a
    /// page ends is decided by the articles themselves, not by counting (content-defined
    /// chunking, as rsync and backup tools cut files): a page ends after an article whose
    /// [`page_end_hash`] falls in one bucket of `paginate / 2` once the page holds `paginate
    /// / 2` articles, and at `2 × paginate` articles at the latest, so pages hold
    /// `paginate` articles on average. An article added anywhere, even one dated long ago,
    /// therefore changes the page it joins (and about one time in twenty splits it in two,
    /// so that later pages move up a number), never every page after it: links to old pages
    /// stay right, rebuilds and uploads stay small. The list's own path shows the newest
    /// articles not yet on a numbered page
    /// (with the newest numbered page when fewer than `paginate / 2` are left). A list of
    /// fewer than `2 × paginate` articles has one page.
    pub fn page_cuts<'b>(&self, items: &'b [usize], path: &str) -> Vec<PageCut<'b>> {
        let size = self.s.config.paginate.max(1);
        let oldest_first: Vec<u64> = items.iter().rev().map(|&i| self.page_end_hash[i]).collect();
        let ends = page_ends(&oldest_first, size);
        let numbered = ends.len();
        let top = numbered + 1;
        // `ends` counts articles from the oldest; `items` runs from the newest.
        let newest_index = |oldest_count: usize| items.len() - oldest_count;
        let mut pages = Vec::with_capacity(top);
        pages.push(PageCut {
            path: path.to_string(),
            number: None,
            items: &items[..newest_index(ends.last().copied().unwrap_or(0))],
            position: top,
            top,
        });
        for n in (1..=numbered).rev() {
            let start = if n == 1 { 0 } else { ends[n - 2] };
            pages.push(PageCut {
                path: format!("{path}page/{n}/"),
                number: Some(n),
                items: &items[newest_index(ends[n - 1])..newest_index(start)],
                position: n,
                top,
            });
        }
        pages
    }

    /// The pager of the page at `position` (1 = the oldest) of the list at `path` that has
    /// `top` pages (the list's own path is page `top`).
    pub fn pager(&self, path: &str, position: usize, top: usize) -> Pager {
        let url_of = |position: usize| {
            if position >= top {
                self.href(path)
            } else {
                self.href(&format!("{path}page/{position}/"))
            }
        };
        let newest = self.theme.text("newest", &[]);
        Pager {
            current: if position == top { 0 } else { position },
            prev_url: (position < top).then(|| url_of(position + 1)),
            next_url: (position > 1).then(|| url_of(position - 1)),
            pages: if top == 1 {
                Vec::new()
            } else {
                pager_window(position, top)
                    .into_iter()
                    .map(|(p, gap)| PageLink {
                        label: if p == top { newest.clone() } else { p.to_string() },
                        url: url_of(p),
                        current: p == position,
                        gap,
                    })
                    .collect()
            },
        }
    }

    fn year_name(&self, year: i32) -> String {
        crate::model::PubDate::year(year).map_or_else(|| year.to_string(), |d| self.theme.format_date(&d))
    }

    fn month_name_of(&self, year: i32, month: u32) -> String {
        crate::model::PubDate::month(year, month)
            .map_or_else(|| format!("{year}-{month:02}"), |d| self.theme.format_date(&d))
    }

    /// The months of a year that have articles, oldest first.
    fn month_tiles(&self, year: i32) -> Vec<Tile> {
        let mut tiles: Vec<Tile> = self
            .s
            .months
            .iter()
            .filter(|m| m.year == year)
            .map(|m| Tile {
                name: self.month_name_of(m.year, m.month),
                url: self.href(&format!("archive/{:04}/{:02}/", m.year, m.month)),
                count: m.articles.len(),
                description: String::new(),
            })
            .collect();
        tiles.reverse();
        tiles
    }

    /// Years (newest first), each with its months (oldest first), and the undated articles.
    pub fn archive_overview(&self) -> serde_json::Value {
        let years: Vec<serde_json::Value> = self
            .s
            .years
            .iter()
            .map(|y| {
                json!({
                    "name": self.year_name(y.year),
                    "url": self.href(&format!("archive/{:04}/", y.year)),
                    "count": y.articles.len(),
                    "months": self.month_tiles(y.year),
                })
            })
            .collect();
        let undated = self.s.undated();
        let undated =
            (!undated.is_empty()).then(|| json!({ "url": self.href("archive/undated/"), "count": undated.len() }));
        json!({ "years": years, "undated": undated })
    }

    /// What the search index needs of every article, in site order (borrowing the articles'
    /// text, so the index costs no copy of the corpus).
    pub fn search_docs(&self) -> Vec<super::search::SearchDoc<'a>> {
        use rayon::prelude::*;
        (0..self.s.articles.len())
            .into_par_iter()
            .map(|i| self.search_doc(i))
            .collect()
    }

    /// The URL of article `i`'s page, as its search document gives it.
    pub fn search_url(&self, i: usize) -> String {
        self.href(&self.article_path(i))
    }

    /// The distinct outlets of an article's merged copies, in order.
    fn distinct_sources(a: &'a Article) -> Vec<&'a str> {
        let mut sources: Vec<&str> = Vec::new();
        for s in a.sources.iter().filter_map(|s| s.source.as_deref()) {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
        sources
    }

    /// The search document of article `i`.
    pub fn search_doc(&self, i: usize) -> super::search::SearchDoc<'a> {
        let site: &'a Site = self.s;
        let a = &site.articles[i];
        let c = &a.clean;
        let crumbs: &[String] = self.node_view_of(i).map_or(&[], |v| &v.crumb_names);
        let mut tags = crumbs.to_vec();
        tags.extend(self.theme_links(a).into_iter().map(|l| l.name));
        super::search::SearchDoc {
            url: self.search_url(i),
            title: &c.title,
            date: self.date_display(a),
            region: crumbs.join(" › "),
            kicker: c.kicker.as_deref(),
            subtitle: c.subtitle.as_deref(),
            authors: &c.authors,
            sources: Views::distinct_sources(a),
            tags,
            body: &c.body,
            words: Some(&a.search_words),
        }
    }

    /// Feed what article `i`'s search document takes from the site, beyond the article's own
    /// record, to `hasher`: its URL `url`, displayed date, region path and theme names, and
    /// its outlets, each text after its length and each list after its count (unambiguous).
    /// What [`Views::search_doc`] would hold, without building it.
    pub fn hash_search_extras(&self, i: usize, url: &str, hasher: &mut blake3::Hasher) {
        let a = &self.s.articles[i];
        let crumbs: &[String] = self.node_view_of(i).map_or(&[], |v| &v.crumb_names);
        // The names of `theme_links`, without making the links (11,000 articles' worth of
        // formatted URLs took half of this hash's time).
        let themes: Vec<&str> = self.themes_of(a).map(|t| t.name.as_str()).collect();
        let sources = Views::distinct_sources(a);
        let date = self.date_display(a);
        for count in [crumbs.len(), themes.len(), sources.len()] {
            hasher.update(&(count as u64).to_le_bytes());
        }
        let names = crumbs.iter().map(String::as_str).chain(themes);
        for text in [url, date.as_str()].into_iter().chain(names).chain(sources) {
            super::hash_text(hasher, text);
        }
    }

    /// An Atom feed of the newest `feed_size` articles of a list.
    pub fn feed(&self, title: &str, feed_path: &str, items: &[usize]) -> String {
        let entries: Vec<FeedEntry> = items
            .iter()
            .take(self.s.config.feed_size)
            .map(|&i| {
                let a = &self.s.articles[i];
                FeedEntry {
                    title: a.clean.title.clone(),
                    url: self.absolute(&self.article_path(i)),
                    updated: a.clean.date.map_or_else(
                        || "2000-01-01T00:00:00Z".to_string(),
                        |d| format!("{}T00:00:00Z", d.iso()),
                    ),
                    authors: a.clean.authors.clone(),
                    summary: excerpt(&a.clean.body, 200),
                    categories: a.themes.iter().map(|t| t.slug.clone()).collect(),
                }
            })
            .collect();
        feeds::atom(title, &self.absolute(feed_path), &self.site.base_url, &entries)
    }
}

/// Where the numbered pages of a list end, as counts of articles from the oldest (see
/// [`Views::page_cuts`]): `hashes` are the articles' [`page_end_hash`]es, oldest first. The
/// articles after the last end make the list's first page.
fn page_ends(hashes: &[u64], size: usize) -> Vec<usize> {
    let min = (size / 2).max(1);
    let max = 2 * size;
    let bucket = min as u64;
    if hashes.len() < max {
        return Vec::new();
    }
    let mut ends = Vec::new();
    let mut start = 0;
    for (k, hash) in hashes.iter().enumerate() {
        let len = k + 1 - start;
        if len >= max || (len >= min && hash % bucket == 0) {
            ends.push(k + 1);
            start = k + 1;
        }
    }
    // Too few articles left for a first page of their own: it shows the newest numbered
    // page's articles too.
    if hashes.len() - start < min {
        ends.pop();
    }
    ends
}

/// The number that decides whether a page may end after an article: a hash of the article's
/// id, which depends on the article alone.
fn page_end_hash(id: &str) -> u64 {
    let hash = blake3::hash(id.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&hash.as_bytes()[..8]);
    u64::from_le_bytes(first)
}

/// The pages a pager at `position` links to, newest first, with whether pages were skipped
/// before each: the first page (`top`), two pages either side of this one, and page 1.
/// Which pages a numbered page links to depends on `top` only near the top, so adding
/// articles does not change the pager of older pages.
fn pager_window(position: usize, top: usize) -> Vec<(usize, bool)> {
    let mut shown: Vec<usize> = vec![top, 1];
    shown.extend(position.saturating_sub(2).max(1)..=(position + 2).min(top));
    shown.sort_unstable_by(|a, b| b.cmp(a));
    shown.dedup();
    let mut previous = None;
    shown
        .into_iter()
        .map(|p| {
            let gap = previous.is_some_and(|q: usize| q > p + 1);
            previous = Some(p);
            (p, gap)
        })
        .collect()
}

/// The path part of a base URL, always starting and ending with `/`.
pub fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or(base_url, |(_, rest)| rest);
    let path = if base_url.contains("://") {
        after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// The first `max` characters of the body, cut at a character boundary, with an ellipsis.
pub fn excerpt(body: &[String], max: usize) -> String {
    let mut out = String::new();
    for p in body {
        if out.chars().count() >= max {
            break;
        }
        out.push_str(p);
    }
    if out.chars().count() > max {
        let cut: String = out.chars().take(max).collect();
        format!("{cut}…")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_paths() {
        assert_eq!(base_path_of("https://example.org/"), "/");
        assert_eq!(base_path_of("https://example.org"), "/");
        assert_eq!(base_path_of("https://example.org/digest"), "/digest/");
        assert_eq!(base_path_of("/digest/"), "/digest/");
    }

    #[test]
    fn points_are_summed_per_article_ranked_and_reset_between_calls() {
        let mut points = Points {
            points: Vec::new(),
            seen: Vec::new(),
        };
        points.ready(8);
        points.add(&[3, 1, 3, 0, 5], 2);
        points.add(&[0, 4], 1);
        // 3: 4 points; 0: 3; 1, 5: 2; 4: 1. Article 5 itself is left out.
        assert_eq!(points.best(5, 3), [3, 0, 1]);
        assert!(points.points.iter().all(|&p| p == 0) && points.seen.is_empty());
        points.add(&[2], 1);
        assert_eq!(points.best(0, 3), [2]);
        assert_eq!(points.best(0, 3), Vec::<usize>::new());
        // Equal points: the nearer to article 4 first, then the earlier; once three are
        // found, fewer points are passed over, and all points are reset.
        points.add(&[1, 7, 3, 5], 2);
        points.add(&[0, 2], 1);
        points.add(&[6], 3);
        assert_eq!(points.best(4, 3), [6, 3, 5]);
        assert!(points.points.iter().all(|&p| p == 0) && points.seen.is_empty());
    }

    #[test]
    fn shared_region_points_rank_as_if_summed_per_article() {
        let mut shared = SharedPoints::default();
        shared.ready(12);
        let region = [1, 3, 5, 7, 9];
        shared.set(&region, 2);
        shared.start();
        shared.add(&[9, 10], 2);
        // 9: 4 points; then two points each: 3 and 7 (as near; the earlier first), 1, 10.
        assert_eq!(shared.best(5, 5, &region), [9, 3, 7, 1, 10]);
        assert_eq!(
            (shared.slots[9].points, shared.slots[10].points),
            (2, 0),
            "the region's points again"
        );
        shared.start();
        shared.add(&[3], 1);
        // The article itself is never related, evidence or not.
        assert_eq!(shared.best(3, 2, &region), [1, 5]);
        assert_eq!(shared.best(3, 0, &region), Vec::<usize>::new());
    }

    #[test]
    fn related_articles_rank_by_points_then_distance_then_site_order() {
        let i = 10;
        let better = |x: &(u16, usize), y: &(u16, usize)| (y.0, x.1.abs_diff(i), x.1) < (x.0, y.1.abs_diff(i), y.1);
        let candidates = [
            (3, 9),
            (3, 11),
            (3, 8),
            (3, 12),
            (4, 100),
            (0, 0),
            (1, 10_000_000),
            (2, 7),
        ];
        for x in candidates {
            for y in candidates.iter().filter(|y| y.1 != x.1) {
                assert_eq!(
                    better(&x, y),
                    related_rank(i, x.1, x.0) > related_rank(i, y.1, y.0),
                    "{x:?} {y:?}"
                );
            }
        }
        // 9 and 11 are as near as each other: the earlier in site order first.
        assert!(related_rank(i, 9, 3) > related_rank(i, 11, 3));
    }

    #[test]
    fn excerpt_cuts_on_chars() {
        assert_eq!(excerpt(&["一二三四五".to_string()], 3), "一二三…");
        assert_eq!(excerpt(&["一二".to_string()], 3), "一二");
    }
}

#[cfg(test)]
mod view_tests {
    use super::*;

    /// A page of a list with its pager, as the renderer makes it.
    struct Paged<'b> {
        cut: PageCut<'b>,
        pager: Pager,
    }

    impl<'b> std::ops::Deref for Paged<'b> {
        type Target = PageCut<'b>;
        fn deref(&self) -> &PageCut<'b> {
            &self.cut
        }
    }

    /// Every page of a list with its pager.
    fn paginate<'b>(views: &Views, items: &'b [usize], path: &str) -> Vec<Paged<'b>> {
        views
            .page_cuts(items, path)
            .into_iter()
            .map(|cut| Paged {
                pager: views.pager(path, cut.position, cut.top),
                cut,
            })
            .collect()
    }
    use crate::model::{PubDate, Removal, Replacement};
    use crate::render::testing::{article, site, theme};

    #[test]
    fn cleaning_report_is_grouped_and_named_in_chinese() {
        let mut a = article(
            "标题",
            PubDate::day(2024, 3, 6),
            ("浙江省", "杭州市", "330100"),
            &[],
            &[],
        );
        let r = &mut a.clean.cleaning;
        for (kind, text) in [
            ("spam-line", "广告一"),
            ("chrome", "首页"),
            ("spam-line", "广告二"),
            ("new-rule", "x"),
        ] {
            r.removed.push(Removal {
                kind: kind.into(),
                text: text.into(),
            });
        }
        r.despun.push(Replacement {
            from: "职员".into(),
            to: "职工".into(),
            count: 3,
        });
        r.joined_lines = 12;
        let site = site(vec![a]);
        let theme = theme();
        let (view, _) = Views::new(&site, &theme).article_without_cards(0);
        let groups: Vec<(&str, usize)> = view
            .removed_groups
            .iter()
            .map(|g| (g.name.as_str(), g.items.len()))
            .collect();
        assert_eq!(
            groups,
            [
                ("垃圾广告行", 2),
                ("网页框架（导航、版权、分享等）", 1),
                ("new-rule", 1)
            ]
        );
        assert_eq!(view.cleaning_summary, "删除 4 处 · 还原改写 3 处 · 合并断行 12 处");
        assert_eq!(view.date_display, "2024年3月6日");
        let crumbs: Vec<&str> = view.breadcrumb.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(crumbs, ["浙江省", "杭州市"]);
        assert_eq!(view.breadcrumb[1].url, "/regions/zhejiang/hangzhou/");
    }

    #[test]
    fn region_lists_are_breadcrumbed_from_the_region_index() {
        let site = site(vec![article("标题", None, ("浙江省", "杭州市", "330100"), &[], &[])]);
        let theme = theme();
        let lists = Views::new(&site, &theme).lists();
        let city = lists.iter().find(|l| l.path == "regions/zhejiang/hangzhou/").unwrap();
        let crumbs: Vec<&str> = city.breadcrumb.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(crumbs, ["地区", "浙江省"]);
        assert!(city.feed_path.is_none());
        let province = lists.iter().find(|l| l.path == "regions/zhejiang/").unwrap();
        assert_eq!(province.feed_path.as_deref(), Some("regions/zhejiang/feed.xml"));
        assert_eq!(province.children[0].name, "杭州市");
    }

    #[test]
    fn years_and_months_have_pages_and_year_precise_dates_count_in_years_only() {
        let site = site(vec![
            article("一", PubDate::day(2023, 5, 1), ("", "", ""), &[], &[]),
            article("二", PubDate::year(2023), ("", "", ""), &[], &[]),
            article("三", PubDate::month(2024, 1), ("", "", ""), &[], &[]),
        ]);
        let theme = theme();
        let views = Views::new(&site, &theme);
        let lists = views.lists();
        let year = lists.iter().find(|l| l.path == "archive/2023/").unwrap();
        assert_eq!((year.title.as_str(), year.count), ("2023年", 2));
        assert_eq!(year.children.len(), 1);
        let month = lists.iter().find(|l| l.path == "archive/2023/05/").unwrap();
        assert_eq!(month.count, 1);
        let crumbs: Vec<&str> = month.breadcrumb.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(crumbs, ["归档", "2023年"]);
        assert!(lists.iter().any(|l| l.path == "archive/2024/01/"));
        let overview = views.archive_overview();
        assert_eq!(overview["years"][0]["url"], "/archive/2024/");
        assert_eq!(overview["years"][1]["count"], 2);
    }

    /// A list's pages as produced by [`page_ends`]: the hashes each page holds, oldest first,
    /// the list's first page (the newest articles) last.
    fn chunks(hashes: &[u64], size: usize) -> Vec<Vec<u64>> {
        let mut start = 0;
        let mut pages = Vec::new();
        for end in page_ends(hashes, size) {
            pages.push(hashes[start..end].to_vec());
            start = end;
        }
        pages.push(hashes[start..].to_vec());
        pages
    }

    fn hashes(n: usize) -> Vec<u64> {
        (0..n).map(|k| page_end_hash(&format!("article {k}"))).collect()
    }

    #[test]
    fn pages_hold_about_paginate_articles_and_end_where_the_articles_say() {
        let all = hashes(2000);
        let pages = chunks(&all, 20);
        assert_eq!(pages.concat(), all, "every article once, in order");
        for page in &pages[..pages.len() - 1] {
            assert!((10..=40).contains(&page.len()), "{}", page.len());
            let last = page[page.len() - 1];
            assert!(last % 10 == 0 || page.len() == 40, "a page ends at a cut point or full");
        }
        assert!((10..80).contains(&pages[pages.len() - 1].len()));
        let mean = all.len() as f64 / pages.len() as f64;
        assert!((16.0..=24.0).contains(&mean), "{mean}");
        // Short lists have one page.
        assert_eq!(chunks(&all[..39], 20), [all[..39].to_vec()]);
    }

    #[test]
    fn an_article_added_anywhere_changes_its_own_page_only() {
        let all = hashes(1000);
        let before = chunks(&all, 20);
        for (position, name) in [(0, "a"), (137, "b"), (500, "c"), (999, "d"), (1000, "e")] {
            let mut with = all.clone();
            let added = page_end_hash(name);
            with.insert(position, added);
            let after = chunks(&with, 20);
            let new_pages: Vec<&Vec<u64>> = after.iter().filter(|p| !before.contains(p)).collect();
            // Over all 2,001 places in a list of 2,000: one page changes 83% of the time, at
            // most four (while the cuts fall into step again); 5% split a page in two.
            assert!(
                new_pages.len() <= 4,
                "inserting at {position} changed {} pages",
                new_pages.len()
            );
            assert!(new_pages.iter().any(|p| p.contains(&added)));
            // Pages older than the new article keep their numbers.
            let page_of_new = after.iter().position(|p| p.contains(&added)).unwrap();
            assert_eq!(after[..page_of_new], before[..page_of_new]);
        }
    }

    /// A site of `n` articles with distinct titles (so distinct ids), nothing else set.
    fn numbered_site(n: usize) -> Site {
        site(
            (0..n)
                .map(|n| article(&format!("文章{n}"), None, ("", "", ""), &[], &[]))
                .collect(),
        )
    }

    #[test]
    fn numbered_pages_count_from_the_oldest_and_the_first_page_shows_the_newest() {
        let site = numbered_site(100);
        let theme = theme();
        let views = Views::new(&site, &theme);
        let items: Vec<usize> = (0..100).rev().collect();
        let pages = paginate(&views, &items, "themes/rights/");
        assert_eq!(pages[0].path, "themes/rights/");
        assert_eq!(pages[0].items[0], 99, "the first page starts with the newest");
        let last = &pages[pages.len() - 1];
        assert_eq!(last.path, "themes/rights/page/1/");
        assert_eq!(last.items[last.items.len() - 1], 0, "page 1 ends with the oldest");
        let shown: Vec<usize> = pages.iter().flat_map(|p| p.items.iter().copied()).collect();
        assert_eq!(shown, items);
        // Short lists have one page and no pager.
        let short = paginate(&views, &[3, 2, 1], "themes/rights/");
        assert_eq!(short.len(), 1);
        assert!(short[0].pager.pages.is_empty());
    }

    #[test]
    fn pagers_link_the_newest_page_neighbours_and_the_oldest() {
        let site = numbered_site(400);
        let theme = theme();
        let views = Views::new(&site, &theme);
        let items: Vec<usize> = (0..400).rev().collect();
        let pages = paginate(&views, &items, "themes/rights/");
        let numbered = pages.len() - 1;
        assert!(numbered >= 9, "400 articles in pages of at most 40");
        let links = |p: &Pager| -> Vec<String> {
            p.pages
                .iter()
                .map(|l| {
                    let label = if l.current {
                        format!("[{}]", l.label)
                    } else {
                        l.label.clone()
                    };
                    if l.gap {
                        format!("… {label}")
                    } else {
                        label
                    }
                })
                .collect()
        };
        let page4 = pages.iter().find(|p| p.number == Some(4)).unwrap();
        assert_eq!(links(&page4.pager), ["最新", "… 6", "5", "[4]", "3", "2", "1"]);
        assert_eq!(page4.pager.prev_url.as_deref(), Some("/themes/rights/page/5/"));
        assert_eq!(page4.pager.next_url.as_deref(), Some("/themes/rights/page/3/"));
        let (n, m) = (numbered.to_string(), (numbered - 1).to_string());
        assert_eq!(links(&pages[0].pager), ["[最新]", n.as_str(), m.as_str(), "… 1"]);
        assert_eq!(pages[0].pager.prev_url, None);
        assert_eq!(pages[1].pager.prev_url.as_deref(), Some("/themes/rights/"));
    }

    #[test]
    fn a_card_key_follows_the_record_the_address_and_the_region_not_the_keywords() {
        let key_of = |region: (&str, &str, &str), origin: u8, keywords: &[&str]| {
            let mut article = article("标题", None, region, &["rights"], keywords);
            article.origin = (origin > 0).then_some([origin; 32]);
            let site = site(vec![article]);
            let theme = theme();
            let views = Views::new(&site, &theme);
            views.card_key(0)
        };
        let hangzhou = ("浙江省", "杭州市", "330100");
        let key = key_of(hangzhou, 1, &["集体协商"]);
        assert_eq!(key, key_of(hangzhou, 1, &["集体协商"]));
        assert_eq!(key, key_of(hangzhou, 1, &["工会驿站"]), "keywords are not on the card");
        assert_ne!(key, key_of(("浙江省", "宁波市", "330200"), 1, &["集体协商"]));
        assert_ne!(key, key_of(hangzhou, 2, &["集体协商"]));
        // Without an origin the card itself is hashed.
        assert_eq!(key_of(hangzhou, 0, &["集体协商"]), key_of(hangzhou, 0, &["工会驿站"]));
        assert_ne!(key_of(hangzhou, 0, &[]), key_of(("浙江省", "宁波市", "330200"), 0, &[]));
    }

    #[test]
    fn an_article_page_key_follows_its_keywords_pages_and_its_region_breadcrumb() {
        let key_of = |site: &Site, i: usize| {
            let theme = theme();
            let views = Views::new(site, &theme);
            let mut hasher = blake3::Hasher::new();
            views.hash_keyword_slugs(i, &mut hasher);
            views.hash_breadcrumb_of_article(i, &mut hasher);
            hasher.finalize()
        };
        let hangzhou = ("浙江省", "杭州市", "330100");
        let titled = |title: &str, keywords: &[&str]| article(title, None, hangzhou, &[], keywords);
        // Two articles share 集体协商: no page (three are needed); a third gives it one.
        let two = site(vec![titled("一", &["集体协商"]), titled("二", &["集体协商"])]);
        let three = site(vec![
            titled("一", &["集体协商"]),
            titled("二", &["集体协商"]),
            titled("三", &["集体协商"]),
        ]);
        let first = |site: &Site| site.articles.iter().position(|a| a.clean.title == "一").unwrap();
        assert_eq!(three.keywords.len(), 1);
        assert_ne!(key_of(&two, first(&two)), key_of(&three, first(&three)));
        // Same keyword pages, same region: same key; another city: another breadcrumb.
        let again = site(vec![
            titled("一", &["集体协商"]),
            titled("二", &["集体协商"]),
            titled("四", &["集体协商"]),
        ]);
        assert_eq!(key_of(&again, first(&again)), key_of(&three, first(&three)));
        let moved = site(vec![
            article("一", None, ("浙江省", "宁波市", "330200"), &[], &["集体协商"]),
            titled("二", &["集体协商"]),
            titled("三", &["集体协商"]),
        ]);
        assert_ne!(key_of(&moved, first(&moved)), key_of(&three, first(&three)));
        let views_theme = theme();
        let views = Views::new(&moved, &views_theme);
        let crumbs: Vec<String> = views
            .breadcrumb_of_article(first(&moved))
            .into_iter()
            .map(|l| l.name)
            .collect();
        assert_eq!(crumbs, ["浙江省", "宁波市"]);
    }

    #[test]
    fn related_articles_made_for_all_at_once_are_those_made_one_by_one() {
        // 330 articles: most in two cities (one with more than the 200 a region offers),
        // some national or unplaced, keywords and themes from small pools so that points
        // tie, several dates so that distances matter.
        let pool = ["集体协商", "工会驿站", "职工书屋", "劳模", "技能竞赛", "送清凉", "帮扶"];
        let themes = ["rights", "ideology", "model-workers", "competitions"];
        let regions = [
            ("浙江省", "杭州市", "330100"),
            ("浙江省", "宁波市", "330200"),
            ("浙江省", "杭州市", "330100"),
            ("浙江省", "杭州市", "330100"),
        ];
        let articles: Vec<Article> = (0..330usize)
            .map(|n| {
                let keywords: Vec<&str> = (0..1 + n % 4).map(|k| pool[(n * 3 + k * 5) % pool.len()]).collect();
                let theme_slugs: Vec<&str> = (0..n % 3).map(|k| themes[(n + k) % themes.len()]).collect();
                let date = crate::model::PubDate::day(2024, 1 + (n % 12) as u32, 1 + (n % 27) as u32);
                let region = if n % 10 == 9 { ("", "", "") } else { regions[n % 4] };
                article(&format!("文章{n}"), date, region, &theme_slugs, &keywords)
            })
            .collect();
        let site = site(articles);
        let theme = theme();
        let views = Views::new(&site, &theme);
        let biggest = views.region_of.iter().flatten().map(|n| n.all.len()).max();
        assert!(biggest > Some(200), "{biggest:?}");
        let alone: Vec<Vec<usize>> = (0..site.articles.len()).map(|i| views.related_alone(i)).collect();
        assert!(alone.iter().filter(|r| r.len() == RELATED_SHOWN).count() > 250);
        views.prepare_related();
        for (i, one_by_one) in alone.iter().enumerate() {
            assert_eq!(&views.related(i), one_by_one, "article {i}");
        }
    }

    #[test]
    fn search_docs_carry_region_path_and_theme_names() {
        let site = site(vec![article(
            "标题",
            None,
            ("浙江省", "杭州市", "330100"),
            &["rights"],
            &[],
        )]);
        let theme = theme();
        let docs = Views::new(&site, &theme).search_docs();
        assert_eq!(docs[0].region, "浙江省 › 杭州市");
        assert_eq!(docs[0].tags, ["浙江省", "杭州市", "维权与劳动关系"]);
        assert_eq!(docs[0].date, "日期不详");
        assert!(docs[0].url.starts_with("/articles/undated-"));
    }
}
