//! The five real seed articles, each as its own acceptance test of the cleaning engine:
//! what must be gone, what must read right, and every real sentence surviving.

use std::path::PathBuf;

use union_digest::clean::Cleaner;
use union_digest::config::Config;
use union_digest::ingest::ingest;
use union_digest::model::{CleanArticle, SourceKind};

fn seed_path(prefix: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content/raw");
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("seed {prefix} missing"))
}

fn seed_text(prefix: &str) -> String {
    std::fs::read_to_string(seed_path(prefix)).unwrap()
}

fn clean_text(name: &str, text: &str) -> Vec<CleanArticle> {
    let doc = ingest(text.as_bytes(), name, SourceKind::Raw).unwrap();
    Cleaner::new(&Config::default()).clean(&doc)
}

fn clean(prefix: &str) -> Vec<CleanArticle> {
    clean_text(prefix, &seed_text(prefix))
}

/// Everything a reader sees of the articles, concatenated without separators (so a sentence
/// rejoined from two broken lines is found whole).
fn all_text(articles: &[CleanArticle]) -> String {
    let mut text = String::new();
    for a in articles {
        for part in [&a.kicker, &Some(a.title.clone()), &a.subtitle].into_iter().flatten() {
            text.push_str(part);
        }
        for p in &a.body {
            text.push_str(p);
        }
    }
    text
}

fn body_text(articles: &[CleanArticle]) -> String {
    articles.iter().flat_map(|a| a.body.iter()).cloned().collect()
}

/// ASCII punctuation inside Chinese text, as the sample newspaper page prints it, in the
/// full-width forms the cleaner restores.
fn full_width(s: &str) -> String {
    s.replace(',', "，")
        .replace(':', "：")
        .replace(';', "；")
        .replace('?', "？")
        .replace('!', "！")
        .replace('(', "（")
        .replace(')', "）")
}

fn to_simplified(s: &str) -> String {
    let cc = ferrous_opencc::OpenCC::from_config(ferrous_opencc::config::BuiltinConfig::T2s).unwrap();
    cc.convert(s)
}

/// Sentence fragments (split at 。！？ and line ends) with at least `min_han` Han characters.
fn fragments(lines: &[&str], min_han: usize) -> Vec<String> {
    let mut out = Vec::new();
    for line in lines {
        let line = union_digest::clean::lines::normalise_line(line);
        for piece in line.split_inclusive(['。', '！', '？']) {
            let piece = piece.trim();
            if piece.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count() >= min_han {
                out.push(piece.to_string());
            }
        }
    }
    out
}

/// `著` and `着` are one character in Traditional script; which one a Simplified sentence
/// needs depends on the phrase, which the reference converter of this test does not know.
fn fold_zhe(s: &str) -> String {
    s.replace('著', "着")
}

fn assert_all_survive(expected: &[String], actual: &str) {
    let actual = fold_zhe(actual);
    let missing: Vec<&String> = expected
        .iter()
        .filter(|s| !actual.contains(fold_zhe(s).as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} real sentences lost, e.g.:\n{:#?}",
        missing.len(),
        expected.len(),
        &missing[..missing.len().min(5)]
    );
}

fn assert_none_of(text: &str, banned: &[&str]) {
    for b in banned {
        assert!(!text.contains(b), "{b:?} survived cleaning");
    }
}

const CHROME_WORDS: &[&str] = &[
    "首页",
    "浏览次数",
    "免责",
    "发表评论",
    "暂无评论",
    "0/200",
    "温馨提示",
    "您的位置",
    "标签：",
    "精彩推荐",
    "资料图",
    "文章来源",
    "浏览提醒",
];
const SPAM_WORDS: &[&str] = &[
    "包养",
    "包養",
    "蜘蛛池",
    "婷婷",
    "三级韩国",
    "久久",
    "波多野",
    "无遮挡",
    "甜心宝贝",
    "情妇",
    "俱乐部",
];

// ---------------------------------------------------------------- 000: spun, Traditional, spam

#[test]
fn seed_000_is_despun_simplified_and_free_of_spam_and_fiction() {
    let articles = clean("000");
    assert_eq!(articles.len(), 1);
    let a = &articles[0];
    let text = all_text(&articles);
    assert_none_of(&text, SPAM_WORDS);
    assert_none_of(&text, CHROME_WORDS);
    assert_none_of(
        &text,
        &[
            "奴婢",
            "小姐",
            "蔡修",
            "泪水",
            "母亲",
            "沮丧",
            "后悔",
            "插手",
            "祖母",
            "蓝玉华",
            "忘了它",
            "点了点头",
            "平易近",
            "东西的品质",
            "立异",
            "迷信",
            "餐与加入",
            "年夜",
            "所有人全体",
            "非常钟",
        ],
    );
    for phrase in [
        "高质量发展",
        "民主管理",
        "科学指引",
        "红色根脉",
        "班前十分钟",
        "和谐劳动关系",
        "新就业形态劳动者",
        "集体协商",
        "产业工人队伍建设改革",
    ] {
        assert!(text.contains(phrase), "000 lacks {phrase}");
    }
    assert_eq!(a.title, "牢记嘱托担使命 奋进争先走前列");
    assert_eq!(a.subtitle.as_deref(), Some("浙江工会五年工作回眸"));
    assert_eq!(a.authors, ["邹倜然", "胡慧霞"]);
    assert!(a.date.is_none(), "no date is printed in 000");
    assert!(a.cleaning.script_converted);
    assert!(a.cleaning.spun);
    assert!(!a.cleaning.despun.is_empty());
}

#[test]
fn seed_000_real_sentences_survive() {
    let body = body_text(&clean("000"));
    // Sentences the spinner left alone (after script and punctuation repair), and places where
    // fiction was injected inside a word: the word must read whole again.
    for expected in [
        "五年感恩奋进，实干争先。",
        "落实企业减负政策，缓缴企业工会经费65.9亿元，返还小微企业工会经费10.2亿元，惠及企业27.5万家。",
        "五年来",
        "职代会",
        "开放先行地",
    ] {
        assert!(body.contains(expected), "000 lost or garbled: {expected}\n{body}");
    }
}

// ---------------------------------------------------------------- 001: web page with chrome

#[test]
fn seed_001_keeps_ten_sections_once_with_its_metadata() {
    let articles = clean("001");
    assert_eq!(articles.len(), 1);
    let a = &articles[0];
    assert_eq!(a.title, "云南省总工会出台十条举措服务“3815”战略");
    assert_eq!(a.date.map(|d| d.iso()).as_deref(), Some("2024-03-06"));
    assert_eq!(a.source.as_deref(), Some("云岭职工"));
    let text = all_text(&articles);
    assert_none_of(&text, CHROME_WORDS);
    assert_none_of(&text, &["黑龙江省连锁经营协会", "查生意", "摘要"]);
    for n in [
        "一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是",
    ] {
        let heads = a.body.iter().filter(|p| p.starts_with(n)).count();
        assert_eq!(heads, 1, "section {n} appears {heads} times");
    }
    assert_eq!(
        a.body
            .iter()
            .filter(|p| p.starts_with("2月24日，省总工会第十二届委员会"))
            .count(),
        1,
        "the lead repeated by the 摘要 box must appear once"
    );
}

#[test]
fn seed_001_real_sentences_survive() {
    let raw = seed_text("001");
    let normalised: Vec<String> = raw.lines().map(union_digest::clean::lines::normalise_line).collect();
    let lines: Vec<&str> = normalised
        .iter()
        .map(String::as_str)
        .skip(8)
        .filter(|l| {
            !l.contains("来 源")
                && !l.contains("文章来源")
                && !l.contains("温馨提示")
                && !l.contains("评论")
                && !l.contains("免责")
                && *l != "0/200"
        })
        .collect();
    assert_all_survive(
        &fragments(&lines, 6).iter().map(|s| full_width(s)).collect::<Vec<_>>(),
        &body_text(&clean("001")),
    );
}

// ---------------------------------------------------------------- 002: kicker, byline at end

#[test]
fn seed_002_metadata() {
    let articles = clean("002");
    assert_eq!(articles.len(), 1);
    let a = &articles[0];
    assert_eq!(a.title, "郑荣胜赴余杭区调研工会工作");
    assert_eq!(a.kicker.as_deref(), Some("于继承中前行 在创新中开拓"));
    assert_eq!(a.date.map(|d| d.iso()).as_deref(), Some("2019-11-25"));
    assert_eq!(a.authors, ["王钰哲"]);
    assert_none_of(&all_text(&articles), CHROME_WORDS);
    assert!(!a.body.iter().any(|p| p == "-" || p.contains("（王钰哲）")));
}

#[test]
fn seed_002_real_sentences_survive() {
    let raw = seed_text("002");
    let lines: Vec<&str> = raw
        .lines()
        .skip(4)
        .filter(|l| !l.starts_with("浏览次数") && *l != "(王钰哲)")
        .collect();
    assert_all_survive(
        &fragments(&lines, 6).iter().map(|s| full_width(s)).collect::<Vec<_>>(),
        &body_text(&clean("002")),
    );
}

// ---------------------------------------------------------------- 003: Traditional mirror, porn lists

#[test]
fn seed_003_is_simplified_without_spam_lines() {
    let articles = clean("003");
    assert_eq!(articles.len(), 1);
    let a = &articles[0];
    assert_eq!(a.title, "湖南工会：瞄准“六强” 打造“桥头堡”");
    assert_eq!(a.date.map(|d| d.iso()).as_deref(), Some("2023-06-07"));
    assert_eq!(a.authors, ["罗晓芳"]);
    assert_eq!(a.source.as_deref(), Some("中工网"));
    let text = all_text(&articles);
    assert_none_of(&text, SPAM_WORDS);
    assert_none_of(&text, CHROME_WORDS);
    assert_none_of(&text, &["湖南省總工會", "縣級工會", "職工", "勞動者"]);
    assert!(a.cleaning.script_converted);
    assert!(!a.cleaning.spun);
}

#[test]
fn seed_003_real_sentences_survive() {
    let raw = to_simplified(&seed_text("003"));
    let lines: Vec<&str> = raw
        .lines()
        .skip(6)
        .take_while(|l| !l.starts_with("标签") && !l.starts_with("標簽"))
        .filter(|l| !l.contains("资料图") && !l.contains("湖南工人报全媒体记者"))
        .collect();
    assert_all_survive(
        &fragments(&lines, 6).iter().map(|s| full_width(s)).collect::<Vec<_>>(),
        &body_text(&clean("003")),
    );
}

// ---------------------------------------------------------------- 004: newspaper page

#[test]
fn seed_004_yields_seven_articles_with_titles_and_bylines() {
    let articles = clean("004");
    let got: Vec<(&str, &[String])> = articles
        .iter()
        .map(|a| (a.title.as_str(), a.authors.as_slice()))
        .collect();
    let titles: Vec<&str> = got.iter().map(|(t, _)| *t).collect();
    assert_eq!(
        titles,
        [
            "这份用“心”书写的答卷很“秀”",
            "衢州劳模工匠理论宣讲团成员培训班开讲",
            "杭州两地开展庆“五一”活动",
            "金华万人毅行迎亚运",
            "“港口工匠”大比武",
            "湖州南浔工会多维度提升职工生活品质",
            "主打一个字，“鲜”",
        ]
    );
    assert_eq!(articles[0].authors, ["蒋或森"]);
    assert_eq!(articles[1].authors, ["李凡", "徐冬云", "姚磊"]);
    assert_eq!(articles[2].authors, ["郑涛", "魏星"]);
    assert_eq!(articles[3].authors, ["荣荣江"]);
    assert_eq!(articles[5].authors, ["程雪", "张斌"]);
    assert_eq!(articles[6].authors, ["邹伟锋", "金钧胤"]);
    assert_eq!(articles[0].kicker.as_deref(), Some("工会有为如何具体呈现？"));
    assert_eq!(articles[1].kicker.as_deref(), Some("讲好劳动故事有门道"));
    assert_eq!(articles[5].subtitle.as_deref(), Some("把关键小事办成暖心大事"));
    assert!(
        articles.iter().all(|a| a.title != "红五月"),
        "a column label is not an article"
    );
    assert!(articles.iter().all(|a| a.cleaning.split_parts == 7));
}

#[test]
fn seed_004_broken_lines_are_rejoined() {
    let articles = clean("004");
    let paragraphs: Vec<&String> = articles.iter().flat_map(|a| a.body.iter()).collect();
    for joined in [
        "通过主题宣讲、阅读交流、红色吟诵等多种形式宣讲党的创新理论",
        "推进产业工人队伍建设改革，工人阶级主力军作用",
        "李某和妻子均是残疾人，儿子突然患了白血病",
        "去年“双11”旺季期间，嘉兴圆通速递有限公司快递员刘震",
        "首创人员金敏军，围绕青年宣讲",
        "整个“红五月”期间，临安全区各级工会",
        "联合主办。毅行组委会",
        "优享文体、健康、爱心",
        "配置了健身房",
        "班前十分钟活动”，因地制宜",
        "市劳动模范陈爱珠讲述",
    ] {
        assert!(
            paragraphs.iter().any(|p| p.contains(joined)),
            "not rejoined into one paragraph: {joined}"
        );
    }
    let units = ["十分", "钟活动"];
    assert!(
        !paragraphs.iter().any(|p| p.ends_with(units[0])),
        "a paragraph still ends mid-word"
    );
}

#[test]
fn seed_004_real_sentences_survive() {
    let raw = seed_text("004");
    let headline_lines = [3, 5, 53, 55, 57, 67, 81, 87, 97, 99, 115, 117, 119, 121];
    let lines: Vec<String> = raw
        .lines()
        .enumerate()
        .filter(|(i, _)| !headline_lines.contains(&(i + 1)))
        .map(|(_, l)| {
            // Datelines become authors; the sentence after them stays.
            match l.find("报道 ") {
                Some(i) if l.starts_with("本报讯") || l.starts_with("通讯员") || l.starts_with("记者") => {
                    l[i + "报道 ".len()..].to_string()
                }
                _ => l.to_string(),
            }
        })
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_all_survive(
        &fragments(&refs, 6).iter().map(|s| full_width(s)).collect::<Vec<_>>(),
        &body_text(&clean("004")),
    );
}

// ---------------------------------------------------------------- every seed

#[test]
fn cleaning_is_idempotent_on_every_seed() {
    for prefix in ["000", "001", "002", "003", "004"] {
        for a in clean(prefix) {
            let mut again = String::new();
            // Printed as a page prints a headline: kicker, title, then the dash-led subtitle.
            if let Some(kicker) = &a.kicker {
                again.push_str(&format!("{kicker}\n\n"));
            }
            again.push_str(&format!("{}\n\n", a.title));
            if let Some(subtitle) = &a.subtitle {
                again.push_str(&format!("——{subtitle}\n\n"));
            }
            for p in &a.body {
                again.push_str(p);
                again.push_str("\n\n");
            }
            let second = clean_text("again.txt", &again);
            assert_eq!(second.len(), 1, "{prefix}/{}: cleaning its own output split it", a.part);
            assert_eq!(second[0].title, a.title, "{prefix}/{}", a.part);
            assert_eq!(
                second[0].body, a.body,
                "{prefix}/{}: cleaning its own output changed the body",
                a.part
            );
        }
    }
}
