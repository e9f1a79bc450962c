//! Encodings: UTF-8 with and without BOM, UTF-16 with BOM (LE and BE), GB18030/GBK and Big5
//! are detected and decoded end to end; undecodable files are skipped with a reason.

use crate::fixtures::{
    article, big5_bytes, decoded_in, gbk_bytes, utf16, utf16le_bytes, BIG5_ARTICLE, GBK_ARTICLE, UTF16_ARTICLE,
};
use crate::support::TestSite;

#[test]
fn every_supported_encoding_is_decoded_end_to_end() {
    let site = TestSite::new();
    let be = (
        "四川省总工会推进职工之家建设",
        &["四川省总工会今年新建职工之家二百余个，服务职工十万余人次。"][..],
    );
    let bom8 = (
        "江西省总工会开展劳模宣讲活动",
        &["江西省总工会组织劳模工匠走进企业车间，开展宣讲活动五十余场。"][..],
    );
    let plain8 = (
        "贵州省总工会发布职工服务清单",
        &["贵州省总工会发布职工服务清单，涵盖技能培训、法律援助等十项服务。"][..],
    );
    site.write("content/raw/gbk.txt", gbk_bytes());
    site.write("content/raw/big5.txt", big5_bytes());
    site.write("content/raw/utf16le.txt", utf16le_bytes());
    site.write("content/raw/utf16be.txt", utf16(&article(be.0, be.1), true));
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(article(bom8.0, bom8.1).as_bytes());
    site.write("content/raw/utf8bom.txt", with_bom);
    site.write("content/raw/utf8.txt", article(plain8.0, plain8.1));
    let summary = site.build().expect("build");
    assert_eq!(summary.articles, 6, "warnings: {:?}", summary.warnings);
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
    let pages = site.article_pages();
    for expected in [GBK_ARTICLE, BIG5_ARTICLE, UTF16_ARTICLE, be, bom8, plain8] {
        assert!(decoded_in(&pages, expected), "{} is not decoded correctly", expected.0);
    }
    // Detection, not luck: the GBK bytes read as Big5 (and the reverse) would be other text.
    assert!(!pages.contains('\u{FFFD}'));
}

#[test]
fn undecodable_and_damaged_files_are_reported_by_name() {
    let site = TestSite::new();
    site.write("content/raw/ok.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    // A UTF-8 BOM over bytes that are mostly not UTF-8.
    let mut bad = vec![0xEF, 0xBB, 0xBF];
    bad.extend_from_slice("工会".as_bytes());
    bad.extend(std::iter::repeat_n([0xC3u8, 0x28], 50).flatten());
    site.write("content/raw/undecodable.txt", bad);
    // UTF-8 cut in the middle of the last character (a truncated download).
    let mut cut = article(UTF16_ARTICLE.0, UTF16_ARTICLE.1).into_bytes();
    cut.truncate(cut.len() - 2);
    site.write("content/raw/cut.txt", cut);
    let summary = site.build().expect("build");
    let warning = |file: &str| {
        summary
            .warnings
            .iter()
            .find(|w| w.file == file)
            .map(|w| w.message.clone())
            .unwrap_or_else(|| panic!("no warning for {file}: {:?}", summary.warnings))
    };
    let undecodable = warning("content/raw/undecodable.txt");
    assert!(undecodable.contains("cannot be decoded as UTF-8"), "{undecodable}");
    assert!(undecodable.contains("skipped"), "{undecodable}");
    let cut = warning("content/raw/cut.txt");
    assert!(
        cut.contains("malformed byte sequence") && cut.contains("UTF-8"),
        "{cut}"
    );
    // The cut file is still published, decoded as UTF-8 rather than as GB18030 nonsense.
    assert_eq!(summary.articles, 2);
    let pages = site.article_pages();
    assert!(pages.contains(UTF16_ARTICLE.0));
    assert!(pages.contains("云南省总工会近日开展送温暖活动"));
}
