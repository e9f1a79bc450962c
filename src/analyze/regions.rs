//! Regions: find every place an article names and decide where the article belongs, at the
//! deepest level the text supports.
//!
//! Every mention is weighed by what kind of name it is (a union body "秀洲区总工会" says more
//! than a passing "杭州"), where it stands (title and lead count most) and how it is used (a
//! place merely visited — "赴衢州、黄山考察" — counts less; the venue of the event — "在宁波舟山港
//! 举行" — more). Names shared by several divisions are settled by the other places the article
//! names (a 朝阳区 next to 北京 mentions is Beijing's); names that are also ordinary words
//! (朝阳, 和平, 振兴) count only right after one of their parents. The article then goes to the
//! province with most weight, down to the prefecture and county while one child clearly holds
//! most of it (an article about one province with many counties stays at the province).
//! National news (中华全国总工会, 全国…) gets the national level.

use std::collections::BTreeMap;

use aho_corasick::MatchKind;

use crate::phrases::Phrases;

use super::doc::Doc;
use super::gazetteer::{DivId, Gazetteer, Level, NameKind, Referent};
use super::segment::Boundaries;
use crate::model::{RegionMention, RegionRef, NATIONAL_CODE};

/// Weight factor of a place the article's people merely travel to (赴, 前往, 来自 …).
const VISIT_FACTOR: f64 = 0.4;
/// Weight factor of the venue of the event ("在X举行").
const VENUE_FACTOR: f64 = 1.5;
/// Go down to a child while it holds at least this share of its parent's weight…
const DESCEND_SHARE: f64 = 0.5;
/// …and the next sibling has at most this fraction of the child's weight (an article about
/// 临安 and 建德 belongs to 杭州, their common parent).
const SIBLING_RATIO: f64 = 0.25;
/// An article whose strongest province has less than this share of the place weight, with
/// at least `DISPERSED_PROVINCES` provinces of real weight, is national news.
const DISPERSED_SHARE: f64 = 0.35;
const DISPERSED_PROVINCES: usize = 3;
const DISPERSED_MIN_SHARE: f64 = 0.15;

/// Words before a place that make it a destination or an origin rather than the subject.
const VISIT_MARKERS: [&str; 11] = [
    "赴", "前往", "到", "走进", "走访", "奔赴", "抵达", "到访", "远赴", "考察", "来自",
];
/// Words between two places of one list ("赴衢州、黄山和长春").
const LIST_SEPARATORS: [&str; 5] = ["、", "和", "及", "与", "，"];
/// Verbs after "在 <place>" that make the place the venue of the event.
const VENUE_VERBS: [&str; 9] = ["举行", "召开", "举办", "开幕", "启动", "开班", "开讲", "闭幕", "落幕"];
/// Official bodies after a place name (衡南县委, 长沙市人民政府).
const ORGAN_SUFFIXES: [&str; 6] = ["人民政府", "政府", "党委", "委", "人大", "政协"];
/// After a place name, the name of a street named after it (南京路, 新会路, 中山大道).
const STREET_SUFFIXES: [&str; 5] = ["路", "大街", "大道", "巷", "胡同"];
/// After a short name, a community, estate, village or station named with it (安新驿站,
/// 和平社区, 长安村): such names reuse place names everywhere, and say nothing of where the
/// article is. Only a name without its suffix (安新, not 安新县) is read so.
const LOCAL_NAME_SUFFIXES: [&str; 4] = ["社区", "小区", "驿站", "村"];
/// A union named by its level only ("市总工会主席", "区总工会开展"): the article's own union.
const UNNAMED_UNIONS: [(&str, u8); 6] = [
    ("省总工会", 1),
    ("市总工会", 2),
    ("州总工会", 2),
    ("区总工会", 3),
    ("县总工会", 3),
    ("旗总工会", 3),
];
/// Codes of the municipalities, whose "市总工会" is the provincial-level union.
const MUNICIPALITIES: [&str; 4] = ["110000", "120000", "310000", "500000"];

/// One name the matcher knows.
#[derive(Debug, Clone)]
struct Pattern {
    referents: Vec<(Referent, NameKind)>,
    guarded: bool,
    /// A name of two characters or fewer (not an abbreviation) must be a whole word of the
    /// segmented text: 天全 (天全县) is not in 365天全天候, 白银 not in 真金白银.
    word_bounded: bool,
    /// Two characters or fewer: may be the given name of a person (刘玉泉, 周皖红).
    short: bool,
}

impl Pattern {
    fn is_block(&self) -> bool {
        self.referents.iter().any(|(r, _)| *r == Referent::Block)
    }

    fn is_national(&self) -> bool {
        self.referents.iter().all(|(r, _)| *r == Referent::National)
    }

    fn divisions(&self) -> Vec<(DivId, NameKind)> {
        self.referents
            .iter()
            .filter_map(|(r, k)| match r {
                Referent::Division(id) => Some((*id, *k)),
                _ => None,
            })
            .collect()
    }

    fn strongest_kind(&self) -> NameKind {
        self.referents.iter().map(|(_, k)| *k).max().unwrap_or(NameKind::Weak)
    }
}

/// A place (or the nation) named in the text, before disambiguation.
#[derive(Debug, Clone)]
struct Mention {
    end: usize,
    /// Divisions the name may stand for, with the kind of name it is for each.
    candidates: Vec<(DivId, NameKind)>,
    /// A name of the whole country, with its kind.
    national: Option<NameKind>,
    /// A union or organ body formed with the name (overrides the name's own kind).
    body: Option<NameKind>,
    /// Zone and usage factor.
    factor: f64,
    visit: bool,
}

impl Mention {
    fn weight(&self, kind: NameKind) -> f64 {
        self.body.map_or(kind, |b| b.max(kind)).weight() * self.factor
    }
}

/// The region of an article and the places it names.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Placement {
    pub region: RegionRef,
    pub mentioned: Vec<RegionMention>,
}

/// The place-name matcher of a build (gazetteer plus the site's aliases).
pub struct RegionFinder {
    gazetteer: &'static Gazetteer,
    /// Every name, in the order of `patterns`.
    names: Phrases,
    patterns: Vec<Pattern>,
}

impl std::fmt::Debug for RegionFinder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegionFinder")
            .field("patterns", &self.patterns.len())
            .finish()
    }
}

impl RegionFinder {
    /// `aliases`: the site's extra names, alias → official name, suffix-less name or code.
    pub fn new(aliases: &BTreeMap<String, String>) -> RegionFinder {
        let gazetteer = Gazetteer::global();
        let mut table: BTreeMap<String, Vec<(Referent, NameKind)>> = gazetteer
            .names()
            .map(|(name, refs)| (name.to_string(), refs.to_vec()))
            .collect();
        for (alias, target) in aliases {
            if let Some(referent) = alias_target(gazetteer, target) {
                if !alias.trim().is_empty() {
                    table
                        .entry(alias.trim().to_string())
                        .or_default()
                        .push((referent, NameKind::Place));
                }
            }
        }
        let names: Vec<String> = table.keys().cloned().collect();
        let patterns: Vec<Pattern> = table
            .into_iter()
            .map(|(name, referents)| {
                let abbreviation = referents.iter().all(|(_, kind)| *kind == NameKind::Weak);
                let short = name.chars().count() <= 2;
                Pattern {
                    guarded: gazetteer.is_guarded(&name),
                    word_bounded: short && !abbreviation,
                    short,
                    referents,
                }
            })
            .collect();
        RegionFinder {
            gazetteer,
            names: Phrases::new(names, MatchKind::LeftmostLongest),
            patterns,
        }
    }

    /// Where the article belongs, from its text (`boundaries`: its word edges).
    pub fn place(&self, doc: &Doc, boundaries: &Boundaries) -> Placement {
        let mentions = self.mentions(doc, boundaries);
        let resolved = self.disambiguate(&mentions);
        let national: Vec<(NameKind, f64)> = mentions
            .iter()
            .filter_map(|m| m.national.map(|kind| (kind, m.weight(kind))))
            .collect();
        let national_weight = national.iter().map(|(_, w)| w).sum();
        let unnamed = unnamed_unions(doc);
        Placement {
            region: self.decide(&resolved, national_weight, &unnamed),
            mentioned: self.mention_counts(&resolved, &national),
        }
    }

    /// Resolve a front-matter region: a name ("湖南省长沙市", "余杭"), "全国", or a code.
    pub fn resolve_hint(&self, hint: &str) -> Option<RegionRef> {
        let hint = hint.trim();
        if hint.is_empty() {
            return None;
        }
        if ["全国", "全国性", "national", NATIONAL_CODE].contains(&hint) {
            return Some(national_ref());
        }
        if hint.bytes().all(|b| b.is_ascii_digit()) {
            return self.gazetteer.by_code(hint).map(|id| self.gazetteer.region_ref(id));
        }
        let hits: Vec<Vec<DivId>> = self
            .names
            .searcher([hint])
            .find_iter(hint)
            .map(|m| &self.patterns[m.pattern().as_usize()])
            .filter(|p| !p.is_block())
            .map(|p| p.divisions().into_iter().map(|(id, _)| id).collect::<Vec<_>>())
            .filter(|ids| !ids.is_empty())
            .collect();
        let g = self.gazetteer;
        hits.iter()
            .flatten()
            .map(|&c| {
                let support = hits.iter().filter(|ids| ids.iter().any(|&a| g.is_within(c, a))).count();
                (support, g.division(c).level, std::cmp::Reverse(c))
            })
            .max()
            .map(|(_, _, std::cmp::Reverse(id))| g.region_ref(id))
    }

    /// Every place name in the text, weighed, guarded names without context dropped.
    fn mentions(&self, doc: &Doc, boundaries: &Boundaries) -> Vec<Mention> {
        let text = doc.text.as_str();
        let g = self.gazetteer;
        let mut mentions: Vec<Mention> = Vec::new();
        let hits: Vec<aho_corasick::Match> = self.names.searcher([text]).find_iter(text).collect();
        for (index, hit) in hits.iter().enumerate() {
            let pattern = &self.patterns[hit.pattern().as_usize()];
            let next_is_place = hits.get(index + 1).is_some_and(|next| next.start() == hit.end());
            if pattern.is_block() {
                continue;
            }
            let (start, end) = (hit.start(), hit.end());
            // An ordinary word, or a short name that is not a word of its own here (白银 in
            // 真金白银), is a place only with context.
            let whole_word = boundaries.contains(start) && boundaries.contains(end);
            let needs_context = pattern.guarded || (pattern.word_bounded && !whole_word);
            let after = &text[end..];
            let before = &text[..start];
            // 台州市路桥区 is two places; 新会路 is a street.
            if STREET_SUFFIXES.iter().any(|s| after.starts_with(s)) && !next_is_place {
                continue;
            }
            let bare = pattern.strongest_kind() <= NameKind::Bare;
            if bare && LOCAL_NAME_SUFFIXES.iter().any(|s| after.starts_with(s)) && !next_is_place {
                continue;
            }
            if pattern.short && super::people::is_given_name(before) {
                continue;
            }
            // "朝阳区总工会" names a place, "金清镇总工会" (清镇) does not: a name that needs
            // context is a union body only when it does not end a longer word.
            let starts_word = !before.chars().next_back().is_some_and(crate::clean::lines::is_han);
            let named_union = after.starts_with("总工会") && (!needs_context || starts_word);
            let body = if named_union || (!needs_context && after.starts_with("工会")) {
                Some(NameKind::Union)
            } else if !needs_context && ORGAN_SUFFIXES.iter().any(|s| after.starts_with(s)) {
                Some(NameKind::Organ)
            } else {
                None
            };
            let previous = mentions.last().filter(|p| p.end == start);
            let mut candidates = pattern.divisions();
            // "北京朝阳", "嘉兴秀洲区": a name right after one of its parents is that parent's.
            if let Some(prev) = previous {
                let under_previous: Vec<(DivId, NameKind)> = candidates
                    .iter()
                    .copied()
                    .filter(|(c, _)| prev.candidates.iter().any(|(p, _)| *p != *c && g.is_within(*c, *p)))
                    .collect();
                if !under_previous.is_empty() {
                    candidates = under_previous;
                } else if needs_context && !named_union {
                    continue;
                }
            } else if needs_context && !named_union {
                continue;
            }
            let national = pattern.is_national().then(|| pattern.strongest_kind());
            if candidates.is_empty() && national.is_none() {
                continue;
            }
            let visit = VISIT_MARKERS.iter().any(|v| before.ends_with(v))
                || mentions
                    .last()
                    .is_some_and(|p| p.visit && LIST_SEPARATORS.iter().any(|s| text.get(p.end..start) == Some(*s)));
            let venue = before.ends_with('在') && venue_follows(after);
            let mut factor = doc.zone(start).weight();
            if visit {
                factor *= VISIT_FACTOR;
            }
            if venue {
                factor *= VENUE_FACTOR;
            }
            mentions.push(Mention {
                end,
                candidates,
                national,
                body,
                factor,
                visit,
            });
        }
        mentions
    }

    /// Settle each mention on one division: ambiguous names by the places around them.
    /// Returns (division, weight) per mention that could be placed.
    fn disambiguate(&self, mentions: &[Mention]) -> Vec<(DivId, f64)> {
        let g = self.gazetteer;
        let context: Vec<(DivId, f64)> = mentions
            .iter()
            .filter(|m| m.candidates.len() == 1)
            .map(|m| (m.candidates[0].0, m.weight(m.candidates[0].1)))
            .collect();
        let mut resolved = Vec::new();
        for m in mentions.iter().filter(|m| !m.candidates.is_empty()) {
            if m.candidates.len() == 1 {
                resolved.push((m.candidates[0].0, m.weight(m.candidates[0].1)));
                continue;
            }
            let affinity = |c: DivId| -> f64 { context.iter().map(|&(d, w)| w * g.shared_depth(c, d) as f64).sum() };
            let scored: Vec<(DivId, NameKind, f64)> = m.candidates.iter().map(|&(c, k)| (c, k, affinity(c))).collect();
            let best = scored.iter().map(|s| s.2).fold(f64::MIN, f64::max);
            let tied: Vec<(DivId, NameKind)> = scored
                .iter()
                .filter(|s| (s.2 - best).abs() < 1e-9)
                .map(|s| (s.0, s.1))
                .collect();
            if let Some((id, kind)) = self.break_tie(&tied) {
                resolved.push((id, m.weight(kind)));
            }
        }
        resolved
    }

    /// Among equally supported readings of a name: one alone wins; readings on one line of
    /// descent (吉林省 › 吉林市) or of different rank (海南省, 海南藏族自治州) go to the
    /// highest; readings of one rank go to their common parent if they share one (铁西区 of
    /// 沈阳 and of 鞍山 → 辽宁省), else nowhere (鼓楼区 alone).
    fn break_tie(&self, tied: &[(DivId, NameKind)]) -> Option<(DivId, NameKind)> {
        let g = self.gazetteer;
        if tied.len() == 1 {
            return Some(tied[0]);
        }
        let top = tied.iter().map(|&(id, _)| g.division(id).rank).min()?;
        let highest: Vec<&(DivId, NameKind)> = tied.iter().filter(|(id, _)| g.division(*id).rank == top).collect();
        if highest.len() == 1 {
            return Some(*highest[0]);
        }
        let kind = highest.iter().map(|(_, k)| *k).min()?;
        let common = highest
            .iter()
            .skip(1)
            .try_fold(highest[0].0, |acc, (id, _)| g.common_ancestor(acc, *id))?;
        Some((common, kind))
    }

    /// Province with most weight, then down while one child clearly dominates. `unnamed`:
    /// the weight of unions named by level only (市总工会 …), by that level's suffix; they
    /// count for the division of their rank on the way down (an article about the 市总工会
    /// visiting a county stays with the city).
    fn decide(&self, resolved: &[(DivId, f64)], national: f64, unnamed: &[(&str, u8, f64)]) -> RegionRef {
        let g = self.gazetteer;
        let mut subtree: BTreeMap<DivId, f64> = BTreeMap::new();
        let mut total = 0.0;
        for &(id, w) in resolved {
            total += w;
            for d in g.chain(id) {
                *subtree.entry(d).or_default() += w;
            }
        }
        let children_of = |parent: Option<DivId>| -> Vec<(DivId, f64)> {
            let mut children: Vec<(DivId, f64)> = subtree
                .iter()
                .filter(|(d, _)| g.division(**d).parent == parent)
                .map(|(d, w)| (*d, *w))
                .collect();
            children.sort_by(|a, b| {
                b.1.total_cmp(&a.1)
                    .then_with(|| g.division(a.0).code.cmp(&g.division(b.0).code))
            });
            children
        };
        let provinces = children_of(None);
        let Some(&(province, province_weight)) = provinces.first() else {
            return if national > 0.0 {
                national_ref()
            } else {
                RegionRef::default()
            };
        };
        let dispersed = province_weight < DISPERSED_SHARE * total
            && provinces
                .iter()
                .filter(|(_, w)| *w >= DISPERSED_MIN_SHARE * total)
                .count()
                >= DISPERSED_PROVINCES;
        if national > province_weight || dispersed {
            return national_ref();
        }
        let municipality = MUNICIPALITIES.contains(&g.division(province).code.as_str());
        let unnamed_weight = |id: DivId| -> f64 {
            let rank = g.division(id).rank;
            unnamed
                .iter()
                .filter(|(suffix, r, _)| {
                    let r = if municipality && *suffix == "市总工会" {
                        1
                    } else {
                        *r
                    };
                    r == rank
                })
                .map(|(_, _, w)| w)
                .sum()
        };
        let mut chosen = province;
        loop {
            let parent_weight = subtree.get(&chosen).copied().unwrap_or(0.0) + unnamed_weight(chosen);
            let children = children_of(Some(chosen));
            let Some(&(child, weight)) = children.first() else {
                break;
            };
            let weight = weight + unnamed_weight(child);
            let runner_up = children.get(1).map_or(0.0, |c| c.1);
            if weight >= DESCEND_SHARE * parent_weight && runner_up <= SIBLING_RATIO * weight {
                chosen = child;
            } else {
                break;
            }
            if g.division(chosen).level == Level::County {
                break;
            }
        }
        g.region_ref(chosen)
    }

    /// Every division named, with how often, most named first; the nation when a national
    /// body is named (a passing "全国" is not counted).
    fn mention_counts(&self, resolved: &[(DivId, f64)], national: &[(NameKind, f64)]) -> Vec<RegionMention> {
        let g = self.gazetteer;
        let mut counts: BTreeMap<DivId, usize> = BTreeMap::new();
        for &(id, _) in resolved {
            *counts.entry(id).or_default() += 1;
        }
        let mut out: Vec<RegionMention> = counts
            .into_iter()
            .map(|(id, count)| RegionMention {
                name: g.division(id).name.clone(),
                code: g.division(id).code.clone(),
                count,
            })
            .collect();
        let bodies = national.iter().filter(|(kind, _)| *kind > NameKind::Weak).count();
        if bodies > 0 {
            out.push(RegionMention {
                name: "全国".to_string(),
                code: NATIONAL_CODE.to_string(),
                count: bodies,
            });
        }
        out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
        out
    }
}

/// Unions named by their level only (", 市总工会主席…"), with the rank they stand for and
/// their position weight. "湖南省总工会" is named, so is "各市总工会" (not the article's own).
fn unnamed_unions(doc: &Doc) -> Vec<(&'static str, u8, f64)> {
    let text = doc.text.as_str();
    let mut found = Vec::new();
    for (suffix, rank) in UNNAMED_UNIONS {
        for (at, _) in text.match_indices(suffix) {
            let unnamed = !text[..at].chars().next_back().is_some_and(crate::clean::lines::is_han);
            if unnamed {
                found.push((suffix, rank, NameKind::Place.weight() * doc.zone(at).weight()));
            }
        }
    }
    found
}

/// The national level (中华全国总工会, 全国…).
pub fn national_ref() -> RegionRef {
    RegionRef {
        code: Some(NATIONAL_CODE.to_string()),
        ..RegionRef::default()
    }
}

/// A site alias's target: a code, "全国", or a name that names exactly one division.
fn alias_target(g: &Gazetteer, target: &str) -> Option<Referent> {
    let target = target.trim();
    if target == NATIONAL_CODE || target == "全国" {
        return Some(Referent::National);
    }
    if target.bytes().all(|b| b.is_ascii_digit()) {
        return g.by_code(target).map(Referent::Division);
    }
    match g.divisions_named(target).as_slice() {
        [id] => Some(Referent::Division(*id)),
        _ => None,
    }
}

/// "在宁波舟山港举行": a venue verb before the end of the clause.
fn venue_follows(after: &str) -> bool {
    let clause: String = after
        .chars()
        .take(16)
        .take_while(|c| !"，。；！？\n,;".contains(*c))
        .collect();
    VENUE_VERBS.iter().any(|v| clause.contains(v))
}
