//! Tests of the analysis as a whole, on small constructed articles and on the seeds
//! (hand-cleaned copies in `testdata/`, see its README).

use std::sync::OnceLock;

use super::reposts::{similarity, Shingles, SAME_STORY};
use super::*;
use crate::model::{self, CleaningReport, RegionRef};

/// One analyzer for all tests (building the segmenter takes a while in a debug build).
pub(crate) fn shared() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| Analyzer::new(&Config::default()))
}

fn article(file: &str, title: &str, body: &[&str]) -> CleanArticle {
    CleanArticle {
        file: file.to_string(),
        part: 0,
        kind: SourceKind::Raw,
        title: title.to_string(),
        subtitle: None,
        kicker: None,
        date: None,
        source: None,
        authors: Vec::new(),
        body: body.iter().map(|p| p.to_string()).collect(),
        markdown: None,
        region_hint: None,
        theme_hint: Vec::new(),
        draft: false,
        slug_hint: None,
        cleaning: CleaningReport::default(),
        source_hash: String::new(),
    }
}

/// A hand-cleaned seed article from `testdata/`.
fn fixture(name: &str) -> CleanArticle {
    let text = match name {
        "000" => include_str!("testdata/000.txt"),
        "001" => include_str!("testdata/001.txt"),
        "002" => include_str!("testdata/002.txt"),
        "003" => include_str!("testdata/003.txt"),
        "004-1" => include_str!("testdata/004-1-xiuzhou.txt"),
        "004-2" => include_str!("testdata/004-2-quzhou.txt"),
        "004-3" => include_str!("testdata/004-3-hangzhou.txt"),
        "004-4" => include_str!("testdata/004-4-jinhua.txt"),
        "004-5" => include_str!("testdata/004-5-ningbo.txt"),
        "004-6" => include_str!("testdata/004-6-nanxun.txt"),
        "004-7" => include_str!("testdata/004-7-pingyang.txt"),
        other => panic!("no fixture {other}"),
    };
    let (head, body) = text.split_once("\n\n").expect("fixture has a header");
    let mut clean = article(&format!("{name}.txt"), "", &[]);
    for line in head.lines() {
        let (key, value) = line.split_once(": ").expect("header line");
        match key {
            "title" => clean.title = value.to_string(),
            "subtitle" => clean.subtitle = Some(value.to_string()),
            "kicker" => clean.kicker = Some(value.to_string()),
            other => panic!("unknown header {other}"),
        }
    }
    clean.body = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    clean
}

fn region_of(title: &str, body: &[&str]) -> RegionRef {
    shared().analyze(article("t.txt", title, body)).region
}

/// (province, city, county) of a region, for compact assertions.
fn names(region: &RegionRef) -> (Option<&str>, Option<&str>, Option<&str>) {
    (
        region.province.as_deref(),
        region.city.as_deref(),
        region.county.as_deref(),
    )
}

const NONE: (Option<&str>, Option<&str>, Option<&str>) = (None, None, None);

// --- tricky names -------------------------------------------------------------------------

#[test]
fn chaoyang_alone_is_not_a_region() {
    let r = region_of(
        "朝阳下的健步走",
        &["清晨，朝阳初升，职工们在和平广场开展健步走活动，助力乡村振兴、共同富裕。"],
    );
    assert_eq!(names(&r), NONE);
    assert_eq!(r.code, None);
}

#[test]
fn chaoyang_district_next_to_beijing_is_beijings() {
    let r = region_of(
        "朝阳区总工会开展送清凉活动",
        &["近日，朝阳区总工会走进建筑工地，为一线职工送去防暑降温用品。北京市总工会有关负责人参加活动。"],
    );
    assert_eq!(names(&r), (Some("北京市"), Some("朝阳区"), None));
    assert_eq!(r.code.as_deref(), Some("110105"));
    // The suffix-less name right after its municipality counts too.
    let r = region_of("北京朝阳职工运动会开幕", &["北京朝阳区各级工会组织职工参加运动会。"]);
    assert_eq!(names(&r), (Some("北京市"), Some("朝阳区"), None));
    // Without any Beijing context, 朝阳区 may be Beijing's or Changchun's: not guessed.
    let r = region_of("朝阳区总工会开展送清凉活动", &["为一线职工送去防暑降温用品。"]);
    assert_eq!(names(&r), NONE);
}

#[test]
fn jilin_is_the_province_unless_the_city_is_meant() {
    let r = region_of(
        "吉林工会推进产改",
        &["吉林各级工会深化改革，长春、延边等地工会积极行动。"],
    );
    assert_eq!(names(&r), (Some("吉林省"), None, None));
    let r = region_of("吉林市总工会开展技能竞赛", &["吉林市总工会在船营区举办职工技能竞赛。"]);
    assert_eq!(names(&r).0, Some("吉林省"));
    assert_eq!(names(&r).1, Some("吉林市"));
    let r = region_of("吉林桦甸职工书屋揭牌", &["吉林桦甸市总工会职工书屋正式揭牌。"]);
    assert_eq!(names(&r), (Some("吉林省"), Some("吉林市"), Some("桦甸市")));
}

#[test]
fn hainan_is_the_province_unless_qinghai_says_otherwise() {
    let r = region_of("海南工会服务自贸港建设", &["海南各级工会积极服务自由贸易港建设。"]);
    assert_eq!(names(&r), (Some("海南省"), None, None));
    assert_eq!(r.code.as_deref(), Some("460000"));
    let r = region_of("海南州总工会开展送温暖", &["青海省海南州总工会走访慰问困难职工。"]);
    assert_eq!(names(&r), (Some("青海省"), Some("海南藏族自治州"), None));
}

#[test]
fn dongqu_needs_its_city() {
    let r = region_of("东区职工篮球赛", &["东区各单位职工参加比赛。"]);
    assert_eq!(names(&r), NONE);
    let r = region_of("攀枝花市东区总工会开展帮扶", &["攀枝花市东区总工会走访困难职工。"]);
    assert_eq!(names(&r), (Some("四川省"), Some("攀枝花市"), Some("东区")));
}

#[test]
fn municipality_districts_are_the_second_level() {
    let r = region_of(
        "浦东新区总工会建设户外劳动者服务站点",
        &["上海市浦东新区总工会新建站点20个。"],
    );
    assert_eq!(names(&r), (Some("上海市"), Some("浦东新区"), None));
    assert_eq!(r.code.as_deref(), Some("310115"));
    let r = region_of("城口县总工会开展送温暖", &["重庆市城口县总工会走访慰问困难职工。"]);
    assert_eq!(names(&r), (Some("重庆市"), Some("城口县"), None));
}

#[test]
fn suffixless_names_find_their_division() {
    let r = region_of("余杭工会开展职工技能竞赛", &["余杭各级工会组织开展职工技能竞赛。"]);
    assert_eq!(names(&r), (Some("浙江省"), Some("杭州市"), Some("余杭区")));
    assert_eq!(r.code.as_deref(), Some("330110"));
    let r = region_of("秀洲区工会推进产改", &["秀洲区各级工会深化产业工人队伍建设改革。"]);
    assert_eq!(names(&r), (Some("浙江省"), Some("嘉兴市"), Some("秀洲区")));
}

#[test]
fn a_union_body_beats_a_place_merely_visited() {
    let r = region_of(
        "湖南省总工会赴浙江考察学习",
        &["日前，湖南省总工会代表团赴浙江省杭州市、宁波市考察学习职工服务阵地建设经验，走访了杭州市总工会。"],
    );
    assert_eq!(names(&r), (Some("湖南省"), None, None));
    let r = region_of(
        "杭州市总工会赴衢州调研",
        &["杭州市总工会一行先后赴衢州、黄山、长春和长白山四地开展工作交流，与四地工会签订合作协议。"],
    );
    assert_eq!(names(&r), (Some("浙江省"), Some("杭州市"), None));
}

#[test]
fn national_news_is_national() {
    let national = Some(model::NATIONAL_CODE);
    let r = region_of(
        "全总召开十八届执委会",
        &["中华全国总工会召开全体会议，部署全国工会工作。"],
    );
    assert_eq!((names(&r), r.code.as_deref()), (NONE, national));
    let r = region_of(
        "全国总工会发布新就业形态劳动者权益保障指引",
        &["近日，全国总工会印发指引。"],
    );
    assert_eq!(r.code.as_deref(), national);
    // A provincial article that mentions the country stays provincial.
    let r = region_of(
        "浙江工会获评全国五一劳动奖状",
        &["浙江省总工会推荐的3家单位获评全国五一劳动奖状，全国劳动模范名单同时公布。"],
    );
    assert_eq!(names(&r), (Some("浙江省"), None, None));
}

#[test]
fn places_in_phrases_that_are_not_places_do_not_count() {
    let r = region_of(
        "安康杯竞赛推进会召开",
        &["新华社报道，各地工会推进安康杯竞赛，保障长治久安。"],
    );
    assert_eq!(names(&r), NONE);
    assert!(shared()
        .analyze(article("t.txt", "安康杯", &["新华社"]))
        .mentioned_regions
        .is_empty());
}

#[test]
fn short_names_inside_other_words_do_not_count() {
    // 天全 (天全县), 白银 (白银市), 建平 (建平县), 千山 (千山区), 城区, 老城区: not places here.
    let a = shared().analyze(article(
        "t.txt",
        "工会服务365天全天候",
        &[
            "真金白银的奖励，搭建平台，走遍千山万水。",
            "中心城区和老城区的职工都能享受。",
        ],
    ));
    assert!(a.mentioned_regions.is_empty(), "{:?}", a.mentioned_regions);
}

#[test]
fn streets_and_people_named_after_places_are_not_places() {
    let a = shared().analyze(article(
        "t.txt",
        "新会路商户联合工会成立",
        &["市委常委、市总工会主席刘玉泉出席，王东明、周皖红讲话，会址在南京路。"],
    ));
    assert!(a.mentioned_regions.is_empty(), "{:?}", a.mentioned_regions);
}

#[test]
fn communities_and_stations_named_after_places_are_not_places() {
    // 安新 (安新县, Hebei) names two stations of a county in Hubei.
    let r = region_of(
        "县总工会：雪中送温暖",
        &[
            "近日，我县出现雨雪冰冻天气，环卫工人、快递小哥等户外劳动者坚守一线。2月23日，县总工会开展“雪中送暖”活动，把温暖送到职工心坎上。",
            "在城区垃圾中转站，县总工会为环卫工人送上了礼包。在东庄坪社区安新驿站和解放社区安新驿站，工作人员准备了汤圆和姜茶，大家围坐在驿站内话家常。",
            "据了解，春节期间，远安县总工会共为346名户外劳动者送去慰问物资，价值近3万元。",
        ],
    );
    assert_eq!(names(&r), (Some("湖北省"), Some("宜昌市"), Some("远安县")));
}

#[test]
fn a_city_union_visiting_a_county_stays_with_the_city() {
    let r = region_of(
        "市总工会开展新春送温暖",
        &[
            "枣庄新闻网讯 1月24日，市总工会开展春节送温暖活动，走访慰问困难职工。",
            "慰问组还到滕州仲家汇商贸有限公司，对滕州市物流中心的货车司机进行慰问。",
        ],
    );
    assert_eq!(names(&r), (Some("山东省"), Some("枣庄市"), None));
}

#[test]
fn a_town_union_is_not_the_union_of_a_place_name_inside_it() {
    // 金清镇, a town of 台州路桥, contains 清镇 (清镇市, Guizhou).
    let r = region_of(
        "金清镇总工会举办技能比武",
        &["台州路桥金清镇总工会联合企业开展职工技能竞赛。"],
    );
    assert_eq!(names(&r), (Some("浙江省"), Some("台州市"), Some("路桥区")));
}

#[test]
fn literary_names_are_weak_evidence() {
    // 三湘 alone places the article in Hunan…
    let r = region_of("三湘职工技能大赛开幕", &["来自各地的选手参赛。"]);
    assert_eq!(names(&r), (Some("湖南省"), None, None));
    // …but a union body elsewhere outweighs several literary mentions.
    let r = region_of(
        "之江大地上的工匠",
        &["云南省总工会组织职工赴浙江学习，之江大地、浙里工匠给大家留下深刻印象。"],
    );
    assert_eq!(names(&r), (Some("云南省"), None, None));
}

#[test]
fn mentioned_regions_are_counted_and_sorted() {
    let a = shared().analyze(article(
        "t.txt",
        "杭州市总工会开展送清凉",
        &["杭州市总工会在余杭区、临安区开展送清凉活动，余杭区总工会参加。"],
    ));
    let got: Vec<(&str, &str, usize)> = a
        .mentioned_regions
        .iter()
        .map(|m| (m.name.as_str(), m.code.as_str(), m.count))
        .collect();
    assert_eq!(
        got,
        [
            ("杭州市", "330100", 2),
            ("余杭区", "330110", 2),
            ("临安区", "330112", 1)
        ]
    );
}

#[test]
fn front_matter_region_wins() {
    let mut clean = article("t.md", "杭州职工运动会", &["杭州市总工会举办运动会。"]);
    clean.region_hint = Some("湖南省长沙市".to_string());
    assert_eq!(
        names(&shared().analyze(clean.clone()).region),
        (Some("湖南省"), Some("长沙市"), None)
    );
    clean.region_hint = Some("330110".to_string());
    assert_eq!(shared().analyze(clean.clone()).region.county.as_deref(), Some("余杭区"));
    clean.region_hint = Some("全国".to_string());
    assert_eq!(
        shared().analyze(clean.clone()).region.code.as_deref(),
        Some(model::NATIONAL_CODE)
    );
    // An unknown hint is ignored: the text decides.
    clean.region_hint = Some("火星".to_string());
    assert_eq!(
        names(&shared().analyze(clean).region),
        (Some("浙江省"), Some("杭州市"), None)
    );
}

#[test]
fn site_aliases_extend_the_gazetteer() {
    let mut config = Config::default();
    config
        .analyze
        .region_aliases
        .insert("未来科技城".into(), "余杭区".into());
    config
        .analyze
        .region_aliases
        .insert("某某园".into(), "不存在的地方".into());
    let finder = regions::RegionFinder::new(&config.analyze.region_aliases);
    let doc = Doc::from_parts(["未来科技城工会联合会成立"], &["新成立的工会联合会吸纳会员500人。"]);
    let boundaries = Boundaries::new(&shared().segmenter().words(&doc.text));
    assert_eq!(finder.place(&doc, &boundaries).region.county.as_deref(), Some("余杭区"));
}

// --- the seeds ----------------------------------------------------------------------------

fn seed_region(name: &str) -> RegionRef {
    shared().analyze(fixture(name)).region
}

#[test]
fn seeds_are_placed_where_an_editor_would_file_them() {
    let zj = Some("浙江省");
    assert_eq!(names(&seed_region("000")), (zj, None, None));
    assert_eq!(names(&seed_region("001")), (Some("云南省"), None, None));
    assert_eq!(names(&seed_region("002")), (zj, Some("杭州市"), Some("余杭区")));
    assert_eq!(names(&seed_region("003")), (Some("湖南省"), None, None));
    assert_eq!(names(&seed_region("004-1")), (zj, Some("嘉兴市"), Some("秀洲区")));
    assert_eq!(names(&seed_region("004-2")), (zj, Some("衢州市"), None));
    assert_eq!(names(&seed_region("004-3")), (zj, Some("杭州市"), None));
    assert_eq!(names(&seed_region("004-4")), (zj, Some("金华市"), None));
    assert_eq!(names(&seed_region("004-5")), (zj, Some("宁波市"), None));
    assert_eq!(names(&seed_region("004-6")), (zj, Some("湖州市"), Some("南浔区")));
    assert_eq!(names(&seed_region("004-7")), (zj, Some("温州市"), Some("平阳县")));
    assert_eq!(seed_region("002").code.as_deref(), Some("330110"));
}

fn seed_themes(name: &str) -> Vec<String> {
    shared()
        .analyze(fixture(name))
        .themes
        .into_iter()
        .map(|t| t.slug)
        .collect()
}

#[test]
fn seeds_get_the_themes_an_editor_would_give() {
    let t = seed_themes("003");
    for slug in ["organizing", "service-stations", "new-employment"] {
        assert!(t.contains(&slug.to_string()), "003: {t:?}");
    }
    assert_eq!(seed_themes("004-4")[0], "wellbeing");
    let t = seed_themes("001");
    assert_eq!(t.len(), 5, "001: {t:?}");
    let expected = [
        "ideology",
        "competitions",
        "workforce-reform",
        "employment",
        "service-stations",
        "organizing",
        "wellbeing",
        "rights",
        "safety",
    ];
    assert!(t.iter().all(|s| expected.contains(&s.as_str())), "001: {t:?}");
    assert_eq!(seed_themes("004-7")[0], "ideology");
    assert_eq!(seed_themes("004-5")[0], "competitions");
}

#[test]
fn theme_scores_are_kept_strongest_first() {
    let a = shared().analyze(fixture("003"));
    assert!(a.themes.windows(2).all(|w| w[0].score >= w[1].score), "{:?}", a.themes);
    assert!(a.themes.iter().all(|t| t.score >= 0.05 && t.score <= 1.0));
    assert!((1..=5).contains(&a.themes.len()));
}

#[test]
fn front_matter_themes_win_and_unknown_slugs_are_ignored() {
    let mut clean = fixture("004-4");
    clean.theme_hint = vec![
        "digital".into(),
        "no-such-theme".into(),
        "wellbeing".into(),
        "digital".into(),
    ];
    let themes = shared().analyze(clean).themes;
    let slugs: Vec<&str> = themes.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs, ["digital", "wellbeing"]);
    assert_eq!(themes[0].score, 0.0);
    assert!(themes[1].score > 0.5);
}

#[test]
fn an_article_without_theme_words_gets_no_theme() {
    let a = shared().analyze(article("t.txt", "天气预报", &["明天晴，气温二十度。"]));
    assert!(a.themes.is_empty(), "{:?}", a.themes);
}

// --- keywords -----------------------------------------------------------------------------

#[test]
fn keywords_are_corpus_specific_terms() {
    let seeds = ["004-1", "004-2", "004-3", "004-4", "004-5", "004-6", "004-7"];
    let articles: Vec<Article> = seeds.iter().map(|s| shared().analyze(fixture(s))).collect();
    let articles = shared().analyze_corpus(articles, false);
    let stop = StopWords::new(&[]);
    for a in &articles {
        assert!(
            !a.keywords.is_empty() && a.keywords.len() <= 8,
            "{}: {:?}",
            a.clean.file,
            a.keywords
        );
        assert!(
            a.keywords.iter().all(|k| !stop.contains(k) && k.chars().count() >= 2),
            "{:?}",
            a.keywords
        );
    }
    assert!(
        articles[3].keywords.contains(&"毅行".to_string()),
        "{:?}",
        articles[3].keywords
    );
    assert!(
        articles[5].keywords.iter().any(|k| k.contains("快递")),
        "{:?}",
        articles[5].keywords
    );
}

#[test]
fn site_stop_words_and_dictionary_apply() {
    let mut config = Config::default();
    config.analyze.stop_words = vec!["毅行".into()];
    config.analyze.dictionary = vec!["万人毅行".into()];
    config.analyze.keywords_per_article = 3;
    let analyzer = Analyzer::new(&config);
    let a = analyzer.analyze(fixture("004-4"));
    let out = analyzer.analyze_corpus(vec![a], false);
    assert_eq!(out[0].keywords.len(), 3);
    assert!(!out[0].keywords.contains(&"毅行".to_string()), "{:?}", out[0].keywords);
    assert!(
        out[0].keywords.contains(&"万人毅行".to_string()),
        "{:?}",
        out[0].keywords
    );
}

// --- reposts ------------------------------------------------------------------------------

/// Synonym spin as the seed 000 shows it (original → spun).
const SPIN: [(&str, &str); 18] = [
    ("创新", "立异"),
    ("质量", "东西的品质"),
    ("建设", "扶植"),
    ("劳动", "休息"),
    ("就业", "失业"),
    ("技能", "技巧"),
    ("竞赛", "比赛"),
    ("改革", "改造"),
    ("精神", "精力"),
    ("队伍", "步队"),
    ("产业", "财产"),
    ("深入", "深刻"),
    ("全面", "周全"),
    ("思想", "思惟"),
    ("发展", "成长"),
    ("科学", "迷信"),
    ("服务", "办事"),
    ("民主", "平易近主"),
];

fn spun(body: &[String]) -> Vec<String> {
    body.iter()
        .map(|p| SPIN.iter().fold(p.clone(), |text, (from, to)| text.replace(from, to)))
        .collect()
}

fn with_chrome(body: &[String]) -> Vec<String> {
    let mut copy = vec![
        "首页 / 要闻 / 工会动态".to_string(),
        "2024.03.06 14:04 文章来源：某某网 浏览次数：2635".to_string(),
    ];
    copy.extend(body.iter().cloned());
    copy.push("风险提示及免责条款：转载注明原文出处，此文观点与本站无关。".to_string());
    copy.push("发表评论 (0) 暂无评论哦，快来评论一下吧！".to_string());
    copy
}

fn traditional_round_trip(body: &[String]) -> Vec<String> {
    use ferrous_opencc::{config::BuiltinConfig, OpenCC};
    let s2t = OpenCC::from_config(BuiltinConfig::S2t).expect("built-in s2t");
    let t2s = OpenCC::from_config(BuiltinConfig::T2s).expect("built-in t2s");
    body.iter().map(|p| t2s.convert(&s2t.convert(p))).collect()
}

fn sim(a: &[String], b: &[String]) -> f64 {
    let s = similarity(&Shingles::new(a), &Shingles::new(b));
    (s * 100.0).round() / 100.0
}

/// The threshold, measured: copies of one story against distinct articles on one topic.
/// Numbers are Jaccard similarities of 4-character shingle sets, rounded to 0.01.
#[test]
fn repost_threshold_separates_copies_from_same_topic_articles() {
    let yunnan = fixture("001").body;
    let hunan = fixture("003").body;
    let mut dropped = yunnan.clone();
    dropped.remove(5);
    let copies = [
        ("001 + page chrome", sim(&yunnan, &with_chrome(&yunnan)), 0.97),
        (
            "001 Traditional, converted back",
            sim(&yunnan, &traditional_round_trip(&yunnan)),
            1.0,
        ),
        ("001 one paragraph dropped", sim(&yunnan, &dropped), 0.99),
        ("001 spun, not de-spun", sim(&yunnan, &spun(&yunnan)), 0.62),
        (
            "001 chrome + spin + dropped",
            sim(&yunnan, &with_chrome(&spun(&dropped))),
            0.60,
        ),
        ("003 + page chrome", sim(&hunan, &with_chrome(&hunan)), 0.97),
    ];
    let distinct = [
        (
            "004 秀洲 vs 004 平阳 (班前十分钟)",
            sim(&fixture("004-1").body, &fixture("004-7").body),
            0.01,
        ),
        (
            "004 衢州 vs 004 平阳 (宣讲)",
            sim(&fixture("004-2").body, &fixture("004-7").body),
            0.02,
        ),
        (
            "004 秀洲 vs 000 (浙江工会)",
            sim(&fixture("004-1").body, &fixture("000").body),
            0.0,
        ),
        ("001 vs 003 (provincial union work)", sim(&yunnan, &hunan), 0.02),
    ];
    for (what, measured, _) in copies.iter().chain(distinct.iter()) {
        println!("{what}: {measured}");
    }
    for (what, measured, expected) in copies.iter().chain(distinct.iter()) {
        assert!(
            (measured - expected).abs() < 0.011,
            "{what}: measured {measured}, expected {expected}"
        );
    }
    let lowest_copy = copies.iter().map(|c| c.1).fold(1.0, f64::min);
    let highest_distinct = distinct.iter().map(|c| c.1).fold(0.0, f64::max);
    assert!(highest_distinct < SAME_STORY && SAME_STORY <= lowest_copy);
}

#[test]
fn a_repost_pair_is_merged_and_a_same_topic_pair_kept_apart() {
    let mut original = fixture("001");
    original.file = "b-site/yunnan.txt".into();
    original.source = Some("云岭职工".into());
    original.date = model::PubDate::day(2024, 3, 6);
    let mut repost = fixture("001");
    repost.file = "a-mirror/yunnan.txt".into();
    repost.body = with_chrome(&spun(&repost.body)).into();
    repost.cleaning.spun = true;
    let xiuzhou = fixture("004-1");
    let pingyang = fixture("004-7");
    let analyzed: Vec<Article> = [repost, xiuzhou, original, pingyang]
        .into_iter()
        .map(|c| shared().analyze(c))
        .collect();

    let merged = shared().analyze_corpus(analyzed.clone(), true);
    let files: Vec<&str> = merged.iter().map(|a| a.clean.file.as_str()).collect();
    // The dated, sourced, unspun copy is kept, at the place of the group's first copy.
    assert_eq!(files, ["b-site/yunnan.txt", "004-1.txt", "004-7.txt"]);
    let sources: Vec<(&str, Option<&str>)> = merged[0]
        .sources
        .iter()
        .map(|s| (s.file.as_str(), s.source.as_deref()))
        .collect();
    assert_eq!(
        sources,
        [("b-site/yunnan.txt", Some("云岭职工")), ("a-mirror/yunnan.txt", None)]
    );
    assert_eq!(merged[1].sources.len(), 1);

    // inspect does not merge: one record per article, in order.
    let kept = shared().analyze_corpus(analyzed, false);
    let files: Vec<&str> = kept.iter().map(|a| a.clean.file.as_str()).collect();
    assert_eq!(
        files,
        ["a-mirror/yunnan.txt", "004-1.txt", "b-site/yunnan.txt", "004-7.txt"]
    );
}

#[test]
fn remembered_repost_verdicts_leave_the_articles_as_they_were() {
    let original = fixture("001");
    let mut repost = fixture("001");
    repost.file = "a-mirror/yunnan.txt".into();
    repost.body = with_chrome(&spun(&repost.body)).into();
    let mut other_repost = fixture("003");
    other_repost.file = "c-mirror/hunan.txt".into();
    other_repost.body = traditional_round_trip(&with_chrome(&other_repost.body)).into();
    let analyzed: Vec<(Article, CorpusInputs)> = [repost, fixture("004-1"), original, fixture("003"), other_repost]
        .into_iter()
        .map(|c| shared().analyze_with_inputs(c))
        .collect();
    // As JSON: the articles as the site shows them.
    let json = |articles: Vec<Article>| serde_json::to_string(&articles).unwrap();
    let merged = analyze_corpus(analyzed.clone(), true, 8);
    assert_eq!(merged.len(), 3, "two pairs of copies merged");
    let expected = json(merged);

    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join(repost_memo::FILE);
    let remembering = || json(analyze_corpus_remembering(analyzed.clone(), true, 8, Some(&memo)));
    // Written by the first build, read by the second.
    assert_eq!(remembering(), expected);
    let written = Verdicts::load(&memo);
    assert!(!written.is_empty());
    assert_eq!(remembering(), expected);
    assert_eq!(Verdicts::load(&memo), written);
    // A damaged memo is ignored, and replaced.
    let mut damaged = std::fs::read(&memo).unwrap();
    damaged[40] ^= 0x20;
    std::fs::write(&memo, damaged).unwrap();
    assert_eq!(remembering(), expected);
    assert_eq!(Verdicts::load(&memo), written);
    // Verdicts of pairs no longer compared are dropped.
    let fewer: Vec<(Article, CorpusInputs)> = analyzed[..3].to_vec();
    analyze_corpus_remembering(fewer, true, 8, Some(&memo));
    assert!(Verdicts::load(&memo).len() < written.len());
}

#[test]
fn analysis_is_deterministic() {
    let a = shared().analyze(fixture("003"));
    let b = Analyzer::new(&Config::default()).analyze(fixture("003"));
    assert_eq!(a.region, b.region);
    assert_eq!(a.mentioned_regions, b.mentioned_regions);
    assert_eq!(a.themes, b.themes);
}

#[test]
fn counts_han_and_alphanumerics_not_spaces() {
    let body = vec!["工会 5G 建设，".to_string()];
    assert_eq!(count_chars(&body), 6);
}
