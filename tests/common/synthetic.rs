//! Synthetic corpora for tests and measurements: `Article`s built directly (the analysis stage
//! is bypassed), placed in real regions and themes, with bodies remixed from the sentences of
//! the sample corpus so their characters and words are those of real union news. Everything
//! comes from a fixed-seed generator, so a corpus is the same on every run.

#![allow(dead_code)]

use std::path::Path;

use union_digest::analyze::{article_id, count_chars};
use union_digest::model::{
    Article, CleanArticle, CleaningReport, PubDate, RegionRef, Removal, Replacement, SourceKind, SourceRef, ThemeScore,
};

/// Deterministic xorshift generator (no dependency, same sequence everywhere).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// (province, city, county, code); empty strings for levels not known.
pub const PLACES: &[(&str, &str, &str, &str)] = &[
    ("浙江省", "杭州市", "余杭区", "330110"),
    ("浙江省", "嘉兴市", "秀洲区", "330411"),
    ("浙江省", "衢州市", "", "3308"),
    ("浙江省", "宁波市", "", "3302"),
    ("浙江省", "", "", "33"),
    ("湖南省", "长沙市", "", "4301"),
    ("湖南省", "", "", "43"),
    ("云南省", "", "", "53"),
    ("云南省", "昆明市", "", "5301"),
    ("广东省", "深圳市", "", "4403"),
    ("北京市", "朝阳区", "", "110105"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "", "6501"),
    ("香港特别行政区", "", "", "81"),
    ("", "", "", "000000"),
    ("", "", "", ""),
];

pub const THEMES: &[&str] = &[
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

pub const KEYWORDS: &[&str] = &[
    "工会驿站",
    "集体协商",
    "新就业形态",
    "劳模",
    "职工",
    "快递小哥",
    "送清凉",
    "产业工人",
    "职工书屋",
    "技能竞赛",
    "困难职工",
    "户外劳动者",
];

const AUTHORS: &[&str] = &["郑荣胜", "王越剑", "李忠誉", "杜坚强", "陈新", "沈慧"];
const SOURCES: &[&str] = &[
    "杭州日报",
    "浙江工人日报",
    "湖南工人报",
    "云南工人报",
    "中工网",
    "人民网",
];

/// Sentences of the sample corpus (lines with at least ten Han characters, cut at 。！？).
pub fn sentences(root: &Path) -> Vec<String> {
    let mut files: Vec<_> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().to_path_buf())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for file in files {
        let Ok(bytes) = std::fs::read(&file) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        for line in text.lines() {
            let han = line.chars().filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c)).count();
            if han < 10 || line.contains('\u{FFFD}') {
                continue;
            }
            let mut current = String::new();
            for c in line.trim().chars() {
                current.push(c);
                if matches!(c, '。' | '！' | '？') {
                    out.push(std::mem::take(&mut current));
                }
            }
            if current.chars().count() >= 10 {
                out.push(current);
            }
        }
    }
    out
}

/// `n` articles: article `k` has a body of 8 to 40 remixed sentences.
pub fn articles(n: usize, seed: u64, sentences: &[String]) -> Vec<Article> {
    let mut rng = Rng::new(seed);
    (0..n).map(|k| article(k, &mut rng, sentences)).collect()
}

fn article(k: usize, rng: &mut Rng, sentences: &[String]) -> Article {
    let (province, city, county, code) = *rng.pick(PLACES);
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let region = RegionRef {
        province: some(province),
        city: some(city),
        county: some(county),
        code: some(code),
    };
    let mut themes: Vec<ThemeScore> = Vec::new();
    for _ in 0..1 + rng.below(3) {
        let slug = *rng.pick(THEMES);
        if !themes.iter().any(|t| t.slug == slug) {
            themes.push(ThemeScore {
                slug: slug.to_string(),
                score: 1.0 / (themes.len() + 1) as f64,
            });
        }
    }
    let mut keywords: Vec<String> = Vec::new();
    for _ in 0..2 + rng.below(4) {
        let word = rng.pick(KEYWORDS).to_string();
        if !keywords.contains(&word) {
            keywords.push(word);
        }
    }
    let paragraphs = 3 + rng.below(6);
    let mut body = Vec::new();
    for _ in 0..paragraphs {
        let mut p = String::new();
        for _ in 0..1 + rng.below(6) {
            p.push_str(rng.pick(sentences).as_str());
        }
        body.push(p);
    }
    let place = [county, city, province]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("全国");
    let title = format!("{place}{}（第{k}期）", rng.pick(KEYWORDS));
    let date = if rng.chance(5) {
        None
    } else if rng.chance(5) {
        PubDate::month(2022 + rng.below(3) as i32, 1 + rng.below(12) as u32)
    } else {
        PubDate::day(
            2022 + rng.below(3) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        )
    };
    let mut cleaning = CleaningReport {
        split_parts: 1,
        ..CleaningReport::default()
    };
    if rng.chance(30) {
        cleaning.removed.push(Removal {
            kind: "spam-line".into(),
            text: "澳门葡京<script>alert(1)</script> 在线娱乐".into(),
        });
    }
    if rng.chance(20) {
        cleaning.spun = true;
        cleaning.despun.push(Replacement {
            from: "职员".into(),
            to: "职工".into(),
            count: 3,
        });
    }
    cleaning.script_converted = rng.chance(15);
    cleaning.joined_lines = if rng.chance(40) { 1 + rng.below(20) } else { 0 };
    if rng.chance(10) {
        cleaning.split_parts = 2 + rng.below(5);
    }
    let file = format!("raw/{k:04}.txt");
    let source = Some(rng.pick(SOURCES).to_string());
    let mut sources = vec![SourceRef {
        file: file.clone(),
        part: 0,
        source: source.clone(),
    }];
    if rng.chance(10) {
        sources.push(SourceRef {
            file: format!("raw/{k:04}-copy.txt"),
            part: 0,
            source: Some(rng.pick(SOURCES).to_string()),
        });
    }
    let clean = CleanArticle {
        file,
        part: 0,
        kind: SourceKind::Raw,
        title,
        subtitle: rng.chance(20).then(|| "副题：推进工会工作高质量发展".to_string()),
        kicker: rng.chance(20).then(|| "引题".to_string()),
        date,
        source,
        authors: (0..rng.below(3)).map(|_| rng.pick(AUTHORS).to_string()).collect(),
        body: body.into(),
        markdown: None,
        region_hint: None,
        theme_hint: Vec::new(),
        draft: false,
        slug_hint: None,
        cleaning,
        source_hash: format!("{k:016x}"),
    };
    Article {
        char_count: count_chars(&clean.body),
        id: article_id(&clean),
        region,
        mentioned_regions: Default::default(),
        themes,
        keywords,
        sources,
        clean,
        search_words: Default::default(),
        origin: None,
    }
}
