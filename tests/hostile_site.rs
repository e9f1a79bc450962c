//! The acceptance scenario of issue 7 in one test: a site full of hostile input builds with
//! warnings, publishes the encoded articles correctly decoded and nothing dangerous or
//! spammy, writes nothing outside `public/`; then broken front matter fails the build and
//! leaves `public/` byte-identical; and `build --output` at the site root is refused.

#[path = "hostile/fixtures.rs"]
mod fixtures;
#[path = "hostile/support.rs"]
mod support;

use fixtures::{
    assert_no_injection, big5_bytes, decoded_in, gbk_bytes, hostile_txt, spam_page, utf16le_bytes, BIG5_ARTICLE,
    GBK_ARTICLE, HOSTILE_MD, SPAM_MARKERS, UTF16_ARTICLE,
};
use support::{fingerprint, fingerprint_except, listing, TestSite};

const ESCAPING_SLUG: &str = "+++\ntitle = \"想逃出目录的文章\"\ndate = 2024-02-01\nslug = \"../../../escaped\"\n+++\n\n这篇文章要求的地址带有上级目录。\n";

#[test]
fn hostile_site_builds_safely_and_failures_leave_it_intact() {
    // A baseline of the same site without hostile files, to tell the theme's own markup
    // from anything content could have added.
    let baseline = TestSite::new();
    baseline.write("content/raw/gbk.txt", gbk_bytes());
    baseline.build().expect("baseline build");

    let site = TestSite::new();
    site.write("content/raw/gbk.txt", gbk_bytes());
    site.write("content/raw/big5.txt", big5_bytes());
    site.write("content/raw/utf16.txt", utf16le_bytes());
    site.write("content/raw/empty.txt", "");
    site.write(
        "content/raw/binary.txt",
        b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0",
    );
    site.write("content/raw/spam.txt", spam_page());
    site.write("content/raw/xss.txt", hostile_txt());
    site.write("content/curated/xss.md", HOSTILE_MD);
    site.write("content/curated/escape.md", ESCAPING_SLUG);

    // Build: warnings, not failure.
    let outside_before = fingerprint_except(site.tmp.path(), "site/public");
    let beside_tmp = listing(site.tmp.path());
    let summary = site.build().expect("a hostile site still builds");
    assert_eq!(summary.files_read, 9);
    assert_eq!(summary.articles, 6, "{:#?}", summary.warnings);
    let warned: Vec<&str> = summary.warnings.iter().map(|w| w.file.as_str()).collect();
    for file in [
        "content/raw/empty.txt",
        "content/raw/binary.txt",
        "content/raw/spam.txt",
        "content/curated/escape.md",
    ] {
        assert!(warned.contains(&file), "no warning for {file}: {:#?}", summary.warnings);
    }

    // The three encoded articles, correctly decoded.
    let pages = site.article_pages();
    for expected in [GBK_ARTICLE, BIG5_ARTICLE, UTF16_ARTICLE] {
        assert!(decoded_in(&pages, expected), "{} not decoded", expected.0);
    }

    // Nothing dangerous, nothing spammy, nothing from the junk files.
    assert_no_injection(&site.public(), &baseline.public());
    for (rel, bytes) in site.outputs() {
        let text = String::from_utf8_lossy(&bytes);
        for marker in SPAM_MARKERS.iter().chain(&["ELF"]) {
            assert!(!text.contains(marker), "{marker} reached {rel}");
        }
    }

    // The ../ slug stayed inside public/articles/; nothing was written anywhere else.
    assert!(site.public().join("articles/escaped/index.html").is_file());
    assert_eq!(fingerprint_except(site.tmp.path(), "site/public"), outside_before);
    assert_eq!(listing(site.tmp.path()), beside_tmp);
    assert!(!site.tmp.path().join("escaped").exists());

    // Broken front matter: the build fails, names the file, and public/ is byte-identical.
    let published = fingerprint(&site.public());
    site.write(
        "content/curated/broken.md",
        "+++\ntitle = \"标题\"\ndate = 2024-02-30\n+++\n正文。\n",
    );
    let output = site.cli(&["build"]);
    assert!(!output.status.success(), "broken front matter must fail the build");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("content/curated/broken.md:3:"), "{stderr}");
    assert_eq!(fingerprint(&site.public()), published, "public/ changed");
    assert_eq!(fingerprint_except(site.tmp.path(), "site/public"), {
        let mut expected = outside_before.clone();
        let broken = fingerprint(&site.root.join("content/curated"))
            .remove("broken.md")
            .expect("broken.md exists");
        expected.insert("site/content/curated/broken.md".into(), broken);
        expected
    });

    // --output at the site root is refused with a clear message, and touches nothing.
    site.remove("content/curated/broken.md");
    let everything = fingerprint(site.tmp.path());
    let output = site.cli(&["build", "--output", &site.root.to_string_lossy()]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refused") && stderr.contains("site root"), "{stderr}");
    assert_eq!(fingerprint(site.tmp.path()), everything);

    // And a clean rebuild afterwards gives the same site as before.
    site.build().expect("rebuild");
    assert_eq!(
        fingerprint(&site.public()),
        published,
        "the same input gives the same output"
    );
}
