//! Gazetteer: China's administrative divisions (province › prefecture › county) with their
//! codes, and every name a news article may use for them.
//!
//! The national list (`data/admin-divisions/`) is compiled in and parsed once per process.
//! On loading, the placeholder levels (市辖区, 省直辖县级行政区划 …) are dropped so that a
//! municipality's districts sit directly under it (北京市 › 朝阳区), codes are padded to six
//! digits, Hong Kong, Macao and Taiwan are added, and suffix-less names (余杭, 嘉兴, 湖南) are
//! derived. Short, literary and landmark names, national bodies and non-place words come from
//! `data/region-aliases.txt`; names that are also ordinary words from `data/region-guarded.txt`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use rustc_hash::FxHashSet;
use serde::Deserialize;

use crate::model::{RegionRef, NATIONAL_CODE};

const PCA_JSON: &str = include_str!("../../data/admin-divisions/pca-code.json");
const HK_MO_TW_JSON: &str = include_str!("../../data/admin-divisions/HK-MO-TW.json");
const ALIASES: &str = include_str!("../../data/region-aliases.txt");
const GUARDED: &str = include_str!("../../data/region-guarded.txt");

/// Division codes the national list does not give (GB/T 2260 assigns them).
const SPECIAL_REGIONS: [(&str, &str); 3] = [
    ("台湾省", "710000"),
    ("香港特别行政区", "810000"),
    ("澳门特别行政区", "820000"),
];

/// Intermediate rows of the national list that are not divisions of their own.
const PLACEHOLDERS: [&str; 4] = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"];

/// Suffixes of division names, longest first; stripping one gives the name people use alone.
const SUFFIXES: [&str; 14] = [
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "新区",
    "林区",
    "特区",
    "省",
    "市",
    "盟",
    "县",
    "区",
];

/// Endings of development zones and other functional areas: their names are only used whole.
const ZONE_ENDINGS: [&str; 10] = [
    "开发区",
    "园区",
    "示范区",
    "管理区",
    "实验区",
    "集聚区",
    "合作区",
    "新城",
    "管委会",
    "委员会",
];

/// The 55 minority nationalities (and 各族), whose names sit between a place name and the
/// 自治 suffix (恩施土家族苗族自治州 → 恩施). Longest first so 土家 is tried before 土.
const NATIONALITIES: [&str; 56] = [
    "乌孜别克",
    "柯尔克孜",
    "维吾尔",
    "哈萨克",
    "达斡尔",
    "鄂温克",
    "鄂伦春",
    "塔吉克",
    "塔塔尔",
    "俄罗斯",
    "土家",
    "蒙古",
    "布依",
    "朝鲜",
    "哈尼",
    "傈僳",
    "拉祜",
    "东乡",
    "纳西",
    "景颇",
    "仫佬",
    "布朗",
    "撒拉",
    "毛南",
    "仡佬",
    "锡伯",
    "阿昌",
    "普米",
    "德昂",
    "保安",
    "裕固",
    "独龙",
    "赫哲",
    "门巴",
    "珞巴",
    "基诺",
    "高山",
    "各",
    "壮",
    "回",
    "藏",
    "苗",
    "彝",
    "侗",
    "瑶",
    "白",
    "傣",
    "黎",
    "佤",
    "畲",
    "水",
    "土",
    "羌",
    "怒",
    "京",
    "满",
];

/// Index of a division in the gazetteer.
pub type DivId = usize;

/// The slot a division fills in a [`RegionRef`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Province = 1,
    /// Prefecture-level, or a district/county directly under a municipality or a province.
    City = 2,
    County = 3,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Division {
    /// Six-digit code (GB/T 2260 form: 330000, 330100, 330110).
    pub code: String,
    /// Official full name (余杭区).
    pub name: String,
    /// The name without its administrative suffix (余杭), when at least two characters remain.
    pub bare: Option<String>,
    pub level: Level,
    /// Official rank: 1 province, 2 prefecture, 3 county. A municipality's district fills the
    /// second slot (`level`) but ranks as a county.
    pub rank: u8,
    pub parent: Option<DivId>,
}

/// How a name refers to a place, from weakest to strongest evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NameKind {
    /// One-character abbreviation or literary name (浙, 三湘).
    Weak,
    /// Suffix-less name (余杭).
    Bare,
    /// Official full name, or an alias that names one place (宁波舟山港).
    Place,
    /// An official body other than a union (…委, …政府).
    Organ,
    /// A union body (浙江省总工会, 中华全国总工会).
    Union,
}

impl NameKind {
    /// Weight of one mention of this kind (before position weighting).
    pub fn weight(self) -> f64 {
        match self {
            NameKind::Weak => 0.3,
            NameKind::Bare => 0.8,
            NameKind::Place => 1.0,
            NameKind::Organ => 1.5,
            NameKind::Union => 3.0,
        }
    }

    fn parse(text: &str) -> Option<NameKind> {
        match text {
            "weak" => Some(NameKind::Weak),
            "place" => Some(NameKind::Place),
            "organ" => Some(NameKind::Organ),
            "union" => Some(NameKind::Union),
            _ => None,
        }
    }
}

/// What a name stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Referent {
    Division(DivId),
    /// The whole country (中华全国总工会, 全国).
    National,
    /// Not a place (安康杯): matched so that the place name inside it is not.
    Block,
}

/// Every division of China and every name it goes by.
#[derive(Debug)]
pub struct Gazetteer {
    divisions: Vec<Division>,
    by_code: HashMap<String, DivId>,
    /// Name → what it may stand for, with the kind of name it is for each.
    names: BTreeMap<String, Vec<(Referent, NameKind)>>,
    guarded: BTreeSet<String>,
    /// The names [`Gazetteer::is_place_name`] accepts, hashed: the keyword stage asks it of
    /// every candidate term of every article (a search of `names` was 2% of a cold build).
    place_names: FxHashSet<String>,
}

#[derive(Deserialize)]
struct PcaNode {
    code: String,
    name: String,
    #[serde(default)]
    children: Vec<PcaNode>,
}

impl Gazetteer {
    /// The compiled-in gazetteer, parsed on first use.
    pub fn global() -> &'static Gazetteer {
        static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
        GAZETTEER.get_or_init(Gazetteer::load)
    }

    fn load() -> Gazetteer {
        let provinces: Vec<PcaNode> =
            serde_json::from_str(PCA_JSON).expect("pca-code.json is valid (checked by a unit test)");
        let special: BTreeMap<String, BTreeMap<String, Vec<String>>> =
            serde_json::from_str(HK_MO_TW_JSON).expect("HK-MO-TW.json is valid (checked by a unit test)");
        let mut g = Gazetteer {
            divisions: Vec::new(),
            by_code: HashMap::new(),
            names: BTreeMap::new(),
            guarded: data_lines(GUARDED).map(str::to_string).collect(),
            place_names: FxHashSet::default(),
        };
        for province in &provinces {
            g.add_province(province);
        }
        for (name, code) in SPECIAL_REGIONS {
            g.add_division(code, name, Level::Province, 1, None);
        }
        for division in 0..g.divisions.len() {
            g.add_official_names(division);
        }
        g.add_special_region_names(&special);
        g.add_aliases();
        g.place_names = g
            .names
            .iter()
            .filter(|(_, refs)| {
                refs.iter()
                    .any(|(r, k)| matches!(r, Referent::Division(_)) && *k >= NameKind::Bare)
            })
            .map(|(name, _)| name.clone())
            .collect();
        g
    }

    fn add_division(&mut self, code: &str, name: &str, level: Level, rank: u8, parent: Option<DivId>) -> DivId {
        let id = self.divisions.len();
        let code = pad_code(code);
        self.by_code.insert(code.clone(), id);
        self.divisions.push(Division {
            code,
            name: name.to_string(),
            bare: bare_name(name),
            level,
            rank,
            parent,
        });
        id
    }

    fn add_province(&mut self, node: &PcaNode) {
        let province = self.add_division(&node.code, &node.name, Level::Province, 1, None);
        for child in &node.children {
            if PLACEHOLDERS.contains(&child.name.as_str()) {
                // 北京市 › 市辖区 › 朝阳区 becomes 北京市 › 朝阳区.
                for grandchild in child.children.iter().filter(|n| n.code.len() <= 6) {
                    self.add_division(&grandchild.code, &grandchild.name, Level::City, 3, Some(province));
                }
            } else {
                let city = self.add_division(&child.code, &child.name, Level::City, 2, Some(province));
                // Town-level rows (9-digit codes, under 东莞市 and the like) are not divisions
                // an article is filed under.
                for grandchild in child.children.iter().filter(|n| n.code.len() <= 6) {
                    self.add_division(&grandchild.code, &grandchild.name, Level::County, 3, Some(city));
                }
            }
        }
    }

    fn add_name(&mut self, name: &str, referent: Referent, kind: NameKind) {
        let entry = self.names.entry(name.to_string()).or_default();
        if !entry.contains(&(referent, kind)) {
            entry.push((referent, kind));
        }
    }

    fn add_official_names(&mut self, id: DivId) {
        let name = self.divisions[id].name.clone();
        self.add_name(&name, Referent::Division(id), NameKind::Place);
        if let Some(bare) = self.divisions[id].bare.clone() {
            self.add_name(&bare, Referent::Division(id), NameKind::Bare);
            // Autonomous prefectures and counties are usually called 恩施州, 芷江县.
            for (suffix, short) in [("自治州", "州"), ("自治县", "县")] {
                if name.ends_with(suffix) {
                    self.add_name(&format!("{bare}{short}"), Referent::Division(id), NameKind::Bare);
                }
            }
        }
    }

    /// Districts of Hong Kong and Macao and the cities and counties of Taiwan have no code of
    /// their own: their names resolve to the region. Names that also name a place elsewhere
    /// (东区, 大埔) or are ordinary words are left out.
    fn add_special_region_names(&mut self, special: &BTreeMap<String, BTreeMap<String, Vec<String>>>) {
        for (region, areas) in special {
            let Some(&id) = SPECIAL_REGIONS
                .iter()
                .find(|(name, _)| name == region)
                .and_then(|(_, code)| self.by_code.get(*code))
            else {
                continue;
            };
            let with_districts = !region.starts_with("台湾");
            let mut names = Vec::new();
            for (area, districts) in areas {
                names.push(area.clone());
                if with_districts {
                    names.extend(districts.iter().cloned());
                }
            }
            let mut candidates = Vec::new();
            for name in names {
                // "嘉模堂区（氹仔）": the parish and the island.
                let (outer, inner) = match name.split_once('（') {
                    Some((outer, rest)) => (outer.to_string(), Some(rest.trim_end_matches('）').to_string())),
                    None => (name.clone(), None),
                };
                candidates.extend(bare_name(&outer));
                candidates.push(outer);
                candidates.extend(inner);
            }
            for name in candidates {
                let taken = self.names.contains_key(&name) || self.guarded.contains(&name);
                if name.chars().count() >= 2 && !taken {
                    self.add_name(&name, Referent::Division(id), NameKind::Place);
                }
            }
        }
    }

    fn add_aliases(&mut self) {
        for line in data_lines(ALIASES) {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let [name, code, kind] = fields[..] else {
                continue;
            };
            if kind == "block" {
                self.add_name(name, Referent::Block, NameKind::Place);
                continue;
            }
            let Some(kind) = NameKind::parse(kind) else {
                continue;
            };
            if let Some(referent) = self.referent_of_code(code) {
                self.add_name(name, referent, kind);
            }
        }
    }

    fn referent_of_code(&self, code: &str) -> Option<Referent> {
        if code == NATIONAL_CODE {
            Some(Referent::National)
        } else {
            self.by_code(code).map(Referent::Division)
        }
    }

    pub fn division(&self, id: DivId) -> &Division {
        &self.divisions[id]
    }

    pub fn len(&self) -> usize {
        self.divisions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.divisions.is_empty()
    }

    /// The division with this code (2, 4 or 6 digits: "33", "3301", "330110").
    pub fn by_code(&self, code: &str) -> Option<DivId> {
        let code = code.trim();
        if code.is_empty() || code.len() > 6 || !code.bytes().all(|b| b.is_ascii_digit()) || code.len() % 2 == 1 {
            return None;
        }
        self.by_code.get(&pad_code(code)).copied()
    }

    /// Every name with what it may refer to, sorted by name.
    pub fn names(&self) -> impl Iterator<Item = (&str, &[(Referent, NameKind)])> {
        self.names.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    /// Divisions whose official or suffix-less name is `name`.
    pub fn divisions_named(&self, name: &str) -> Vec<DivId> {
        let mut ids: Vec<DivId> = self
            .names
            .get(name)
            .into_iter()
            .flatten()
            .filter(|(_, kind)| matches!(kind, NameKind::Place | NameKind::Bare))
            .filter_map(|(r, _)| match r {
                Referent::Division(id) => Some(*id),
                _ => None,
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// True when `name` is the official or suffix-less name of a division.
    pub fn is_place_name(&self, name: &str) -> bool {
        self.place_names.contains(name)
    }

    /// A name that is also an ordinary word and needs context to count as a place.
    pub fn is_guarded(&self, name: &str) -> bool {
        self.guarded.contains(name)
    }

    /// The division and its ancestors, province first.
    pub fn chain(&self, id: DivId) -> Vec<DivId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(parent) = self.divisions[current].parent {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// True when `ancestor` is `id` or one of its parents.
    pub fn is_within(&self, id: DivId, ancestor: DivId) -> bool {
        let mut current = Some(id);
        while let Some(c) = current {
            if c == ancestor {
                return true;
            }
            current = self.divisions[c].parent;
        }
        false
    }

    /// Deepest common ancestor (or self) of two divisions.
    pub fn common_ancestor(&self, a: DivId, b: DivId) -> Option<DivId> {
        let (ca, cb) = (self.chain(a), self.chain(b));
        ca.iter()
            .zip(cb.iter())
            .take_while(|(x, y)| x == y)
            .map(|(x, _)| *x)
            .last()
    }

    /// How many levels two divisions share (0 = different provinces, 1 = same province …).
    pub fn shared_depth(&self, a: DivId, b: DivId) -> usize {
        self.common_ancestor(a, b)
            .map_or(0, |c| self.divisions[c].level as usize)
    }

    /// The division as a position on the map: full official names and the deepest code.
    pub fn region_ref(&self, id: DivId) -> RegionRef {
        let mut region = RegionRef {
            code: Some(self.divisions[id].code.clone()),
            ..RegionRef::default()
        };
        for d in self.chain(id) {
            let division = &self.divisions[d];
            let name = Some(division.name.clone());
            match division.level {
                Level::Province => region.province = name,
                Level::City => region.city = name,
                Level::County => region.county = name,
            }
        }
        region
    }
}

/// Non-empty, non-comment lines of a data file, trimmed, with trailing comments removed.
pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
}

/// "33" → "330000", "3301" → "330100".
fn pad_code(code: &str) -> String {
    format!("{code:0<6}")
}

/// The name people use without the administrative suffix: 余杭区 → 余杭, 湖南省 → 湖南,
/// 恩施土家族苗族自治州 → 恩施. None when fewer than two characters would remain (东区) or the
/// name is a development zone's, used only whole.
pub fn bare_name(name: &str) -> Option<String> {
    // 苏州工业园区 is a zone, used whole; 绿园区 is a district called 绿园.
    if name.chars().count() >= 5 && ZONE_ENDINGS.iter().any(|e| name.ends_with(e)) {
        return None;
    }
    let suffix = SUFFIXES.iter().find(|s| name.ends_with(*s))?;
    let mut base = &name[..name.len() - suffix.len()];
    if suffix.starts_with("自治") {
        base = strip_nationalities(base);
    }
    (base.chars().count() >= 2).then(|| base.to_string())
}

/// 恩施土家族苗族 → 恩施; keeps at least two characters (鄂温克族 stays as it is).
fn strip_nationalities(mut base: &str) -> &str {
    loop {
        let stripped = NATIONALITIES.iter().find_map(|n| {
            let rest = base.strip_suffix('族').unwrap_or(base).strip_suffix(n)?;
            (rest.chars().count() >= 2).then_some(rest)
        });
        match stripped {
            Some(rest) => base = rest,
            None => return base,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g() -> &'static Gazetteer {
        Gazetteer::global()
    }

    fn only(name: &str) -> &'static Division {
        let ids = g().divisions_named(name);
        assert_eq!(ids.len(), 1, "{name}: {ids:?}");
        g().division(ids[0])
    }

    #[test]
    fn compiled_data_parses_into_all_levels() {
        let levels = |l: Level| (0..g().len()).filter(|&i| g().division(i).level == l).count();
        // 31 provinces of the national list plus Taiwan, Hong Kong and Macao.
        assert_eq!(levels(Level::Province), 34);
        assert!(levels(Level::City) > 400, "{}", levels(Level::City));
        assert!(levels(Level::County) > 2500, "{}", levels(Level::County));
        assert!(g().names().all(|(name, refs)| !name.is_empty() && !refs.is_empty()));
    }

    #[test]
    fn suffixes_are_stripped_to_the_names_people_use() {
        assert_eq!(bare_name("余杭区").as_deref(), Some("余杭"));
        assert_eq!(bare_name("湖南省").as_deref(), Some("湖南"));
        assert_eq!(bare_name("新疆维吾尔自治区").as_deref(), Some("新疆"));
        assert_eq!(bare_name("广西壮族自治区").as_deref(), Some("广西"));
        assert_eq!(bare_name("恩施土家族苗族自治州").as_deref(), Some("恩施"));
        assert_eq!(bare_name("芷江侗族自治县").as_deref(), Some("芷江"));
        assert_eq!(bare_name("伊犁哈萨克自治州").as_deref(), Some("伊犁"));
        assert_eq!(bare_name("龙胜各族自治县").as_deref(), Some("龙胜"));
        assert_eq!(bare_name("鄂温克族自治旗").as_deref(), Some("鄂温克族"));
        assert_eq!(bare_name("大兴安岭地区").as_deref(), Some("大兴安岭"));
        assert_eq!(bare_name("浦东新区").as_deref(), Some("浦东"));
        assert_eq!(bare_name("东区"), None);
        assert_eq!(bare_name("长春经济技术开发区"), None);
    }

    #[test]
    fn municipality_districts_sit_directly_under_the_municipality() {
        let chaoyang = g().by_code("110105").unwrap();
        let d = g().division(chaoyang);
        assert_eq!((d.name.as_str(), d.level), ("朝阳区", Level::City));
        assert_eq!(g().division(d.parent.unwrap()).name, "北京市");
        let r = g().region_ref(chaoyang);
        assert_eq!(r.province.as_deref(), Some("北京市"));
        assert_eq!(r.city.as_deref(), Some("朝阳区"));
        assert_eq!(r.county, None);
        assert_eq!(r.code.as_deref(), Some("110105"));
        // 重庆's counties were under a second placeholder (县).
        let d = g().division(g().by_code("500229").unwrap());
        assert_eq!((d.name.as_str(), d.level), ("城口县", Level::City));
        assert!(g().divisions_named("市辖区").is_empty());
    }

    #[test]
    fn corps_cities_and_directly_administered_cities_are_second_level() {
        let d = only("石河子市");
        assert_eq!((d.code.as_str(), d.level), ("659001", Level::City));
        assert_eq!(g().division(d.parent.unwrap()).name, "新疆维吾尔自治区");
        let d = only("仙桃市");
        assert_eq!(g().division(d.parent.unwrap()).name, "湖北省");
        let corps = &g().names.get("新疆生产建设兵团").unwrap()[0];
        assert_eq!(corps.0, Referent::Division(g().by_code("650000").unwrap()));
    }

    #[test]
    fn hong_kong_macao_and_taiwan_have_their_codes() {
        for (name, code) in [("香港", "810000"), ("澳门", "820000"), ("台湾", "710000")] {
            assert_eq!(only(name).code, code);
        }
        let taibei = &g().names.get("台北").unwrap()[0];
        assert_eq!(taibei.0, Referent::Division(g().by_code("710000").unwrap()));
        let tsuen_wan = &g().names.get("荃湾区").unwrap()[0];
        assert_eq!(tsuen_wan.0, Referent::Division(g().by_code("810000").unwrap()));
        // Names shared with the mainland stay the mainland's.
        let dongqu = g().divisions_named("东区");
        assert!(
            dongqu.iter().all(|&id| g().division(id).code.starts_with("51")),
            "{dongqu:?}"
        );
    }

    #[test]
    fn codes_are_padded_and_looked_up_at_any_length() {
        assert_eq!(g().division(g().by_code("33").unwrap()).name, "浙江省");
        assert_eq!(g().division(g().by_code("3301").unwrap()).name, "杭州市");
        assert_eq!(g().division(g().by_code("330110").unwrap()).name, "余杭区");
        assert_eq!(g().by_code("abc"), None);
        assert_eq!(g().by_code("3"), None);
    }

    #[test]
    fn ambiguous_names_list_every_candidate() {
        let jilin: Vec<&str> = g()
            .divisions_named("吉林")
            .iter()
            .map(|&i| g().division(i).name.as_str())
            .collect();
        assert_eq!(jilin, ["吉林省", "吉林市"]);
        let hainan: Vec<&str> = g()
            .divisions_named("海南")
            .iter()
            .map(|&i| g().division(i).name.as_str())
            .collect();
        assert_eq!(hainan, ["海南区", "海南省", "海南藏族自治州"]);
        assert!(g().is_guarded("朝阳"));
        assert!(!g().is_guarded("吉林"));
    }

    #[test]
    fn hierarchy_helpers() {
        let yuhang = g().by_code("330110").unwrap();
        let linan = g().by_code("330112").unwrap();
        let hangzhou = g().by_code("330100").unwrap();
        let zhejiang = g().by_code("330000").unwrap();
        assert_eq!(g().chain(yuhang), [zhejiang, hangzhou, yuhang]);
        assert_eq!(g().common_ancestor(yuhang, linan), Some(hangzhou));
        assert_eq!(g().shared_depth(yuhang, linan), 2);
        assert_eq!(g().shared_depth(yuhang, g().by_code("430000").unwrap()), 0);
        assert!(g().is_within(yuhang, zhejiang));
        assert!(!g().is_within(zhejiang, yuhang));
    }
}
