//! Fixtures of the hostile-input tests: articles in every encoding, spam pages and attacks,
//! shared by `tests/hostile/` and the acceptance test `tests/hostile_site.rs`.

#![allow(dead_code)]

use encoding_rs::{Encoding, BIG5, GBK};

use crate::support::{dangerous_markup_under, files_under, han_simplified, TestSite};

/// A short news article: a title line, then paragraphs.
pub fn article(title: &str, paragraphs: &[&str]) -> String {
    format!("{title}\n\n{}\n", paragraphs.join("\n\n"))
}

fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable, "{} cannot encode {text}", encoding.name());
    bytes.into_owned()
}

pub fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    let mut bytes = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if big_endian {
            unit.to_be_bytes()
        } else {
            unit.to_le_bytes()
        });
    }
    bytes
}

pub const GBK_ARTICLE: (&str, &[&str]) = (
    "杭州市总工会举办职工技能大赛",
    &[
        "十一月二十日，杭州市总工会举办第十届职工职业技能大赛，全市两千余名职工参加比赛。",
        "比赛设置十二个工种，获奖职工将按规定晋升技术等级。",
    ],
);
pub const BIG5_ARTICLE: (&str, &[&str]) = (
    "臺中市總工會舉辦勞動權益講座",
    &[
        "臺中市總工會日前舉辦勞動權益講座，邀請律師為職工講解勞動合同相關法律知識。",
        "講座吸引了三百多名職工參加，現場氣氛熱烈。",
    ],
);
pub const UTF16_ARTICLE: (&str, &[&str]) = (
    "云南省总工会开展送温暖活动",
    &[
        "云南省总工会近日开展送温暖活动，走访慰问困难职工家庭一千余户。",
        "活动共发放慰问金三百余万元，覆盖全省十六个州市。",
    ],
);

pub fn gbk_bytes() -> Vec<u8> {
    encode(GBK, &article(GBK_ARTICLE.0, GBK_ARTICLE.1))
}

pub fn big5_bytes() -> Vec<u8> {
    encode(BIG5, &article(BIG5_ARTICLE.0, BIG5_ARTICLE.1))
}

pub fn utf16le_bytes() -> Vec<u8> {
    utf16(&article(UTF16_ARTICLE.0, UTF16_ARTICLE.1), false)
}

/// True when every paragraph (and the title) of the article is in the pages, compared by
/// their Han characters in Simplified script.
pub fn decoded_in(pages: &str, (title, paragraphs): (&str, &[&str])) -> bool {
    let pages = han_simplified(pages);
    std::iter::once(title)
        .chain(paragraphs.iter().copied())
        .all(|text| pages.contains(&han_simplified(text)))
}

/// Line 1 of content/raw/003_*.txt: a list of porn titles injected by a spam mirror.
pub const SPAM_TITLES: &str =
    "五月天六月婷婷开心激情,天使的性电影,三级韩国一区久久二区综合,五月婷婷久,九九精品在线视频,66精品综合久久久久久久";
/// The head of the spider-pool footer of the same file (line 76).
pub const SPIDER_POOL: &str = "主站蜘蛛池模板: 欧美日韩视频| 麻豆影视视频高清在线观看| 韩国男女无遮挡高清性视频| 久久天天躁狠狠躁夜夜2020一| 欧美日韩在线播放| 国产精品视频不卡| 黄色一级电影免费| 蜜桃成熟时无删减手机在线观看| 成人永久免费高清";
/// Words that may appear in no published file.
pub const SPAM_MARKERS: &[&str] = &["婷婷", "蜘蛛池", "麻豆", "无遮挡"];

/// A page of nothing but spam: a title list and a spider-pool footer.
pub fn spam_page() -> String {
    format!("{SPAM_TITLES}\n\n{SPIDER_POOL}\n")
}

/// A curated article attacking every field and the body.
pub const HOSTILE_MD: &str = r#"+++
title = '<script>alert("md-title")</script>职工维权<img src=x onerror=alert("md-title-img")>'
subtitle = '"><svg onload=alert("md-subtitle")>'
kicker = "</title><script>alert('md-kicker')</script>"
authors = ['<b onmouseover=alert("md-author")>王五</b>', "李四"]
source = '"><a href="javascript:alert(1)">md-source</a>'
date = 2024-05-01
themes = ["rights", '"><script>alert("md-theme")</script>']
+++

正文第一段：职工权益保障工作取得新进展。<script>alert("md-body")</script>

<img src=x onerror=alert("md-onerror")>

[点击这里](javascript:alert("md-link"))

<a href="JaVaScRiPt:alert('md-a')">另一个链接</a>

<SCRIPT SRC=//x.example/md.js></SCRIPT>

<iframe src="javascript:alert('md-iframe')"></iframe>

<p style="background:url(javascript:alert('md-style'))" onclick="alert('md-click')">最后一段正文。</p>
"#;

/// A scraped page whose text carries markup (scrapers keep what they find).
pub fn hostile_txt() -> String {
    article(
        "<script>alert(1)</script>职工之家",
        &[
            "\"><img src=x onerror=alert(\"txt-img\")>",
            "职工之家建设工作取得新成效，全市建成职工之家三百余个。<script>alert(\"txt-body\")</script>",
            "各级工会将继续推进规范化建设。'><a href=javascript:alert(\"txt-a\")>链接</a>",
        ],
    )
}

/// Payload fragments: none may appear inside a script element of the output.
pub const PAYLOADS: &[&str] = &["alert(", "x.example", "md-", "txt-"];

/// Assert nothing dangerous in `public` came from content: every piece of dangerous markup
/// must also be in the `baseline` output of the same site without the hostile files (the
/// theme's own scripts), and no script element may carry a payload.
pub fn assert_no_injection(public: &std::path::Path, baseline: &std::path::Path) {
    let theme_own: std::collections::BTreeSet<String> =
        dangerous_markup_under(baseline).into_iter().map(|(_, m)| m).collect();
    for (file, markup) in dangerous_markup_under(public) {
        for payload in PAYLOADS {
            assert!(!markup.contains(payload), "{file}: content reached markup: {markup}");
        }
        assert!(
            theme_own.contains(&markup),
            "{file}: markup not from the theme: {markup}"
        );
    }
    for (rel, bytes) in files_under(public) {
        let text = String::from_utf8_lossy(&bytes).to_ascii_lowercase();
        if rel.ends_with(".json") || rel.ends_with(".xml") || rel.ends_with(".txt") {
            assert!(!text.contains("<script"), "{rel} holds a raw <script");
            assert!(!text.contains("<img"), "{rel} holds a raw <img");
        }
        if rel.ends_with(".json") {
            assert!(!text.contains('<'), "{rel}: JSON must escape < as \\u003c");
        }
    }
}

/// A good raw and a good curated article.
pub fn good_site_files(site: &TestSite) {
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    site.write(
        "content/curated/fine.md",
        "+++\ntitle = \"编辑整理的文章\"\ndate = 2024-03-06\n+++\n\n正文第一段。\n",
    );
}
