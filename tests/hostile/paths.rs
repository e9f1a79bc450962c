//! Paths: front matter cannot steer a page outside `public/articles/`, two articles never
//! share a page, the output-directory guards hold, and nothing is written outside the output.

use crate::fixtures::{article, GBK_ARTICLE};
use crate::support::{fingerprint, fingerprint_except, TestSite};

/// Requested slugs that try to leave the article directory, and the slug actually used.
const SLUGS: &[(&str, &str)] = &[
    (r#""../../../../tmp/evil""#, "tmp-evil"),
    (r#""/etc/passwd""#, "etc-passwd"),
    (r#""a\u0000b/../../c""#, "ab-c"),
    (r#"'..\..\windows\system32'"#, "windows-system32"),
    (r#"'C:\Users\x'"#, "c-users-x"),
    (r#""%2e%2e%2fx""#, "2e-2e-2fx"),
    (r#""．．／全角""#, "quan-jiao"),
    (r#""../""#, ""),
];

#[test]
fn front_matter_slugs_cannot_leave_the_article_directory() {
    let site = TestSite::new();
    for (i, (slug, _)) in SLUGS.iter().enumerate() {
        site.write(
            &format!("content/curated/{i}.md"),
            format!(
                "+++\ntitle = \"路径测试{i}\"\ndate = 2024-01-0{}\nslug = {slug}\n+++\n第{i}篇正文。\n",
                i + 1
            ),
        );
    }
    let outside = fingerprint_except(site.tmp.path(), "site/public");
    let summary = site.build().expect("slugs are rewritten, not fatal");
    assert_eq!(summary.articles, SLUGS.len());
    assert_eq!(
        fingerprint_except(site.tmp.path(), "site/public"),
        outside,
        "written outside public/"
    );
    let mut dirs: Vec<String> = std::fs::read_dir(site.public().join("articles"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    for (i, (slug, used)) in SLUGS.iter().enumerate() {
        let file = format!("content/curated/{i}.md");
        let warning = summary
            .warnings
            .iter()
            .find(|w| w.file == file)
            .unwrap_or_else(|| panic!("no warning for slug {slug}"));
        assert!(warning.message.contains("slug"), "{}", warning.message);
        if used.is_empty() {
            // Nothing usable: the slug is derived from the date and the title, as by default.
            let derived = format!("2024-01-0{}-lu-jing-ce-shi-", i + 1);
            assert!(
                dirs.iter().any(|d| d.starts_with(&derived)),
                "{derived}… not in {dirs:?}"
            );
        } else {
            assert!(dirs.iter().any(|d| d == used), "{used} not in {dirs:?}");
        }
    }
    for dir in &dirs {
        assert!(
            dir.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "unsafe directory name {dir:?}"
        );
    }
}

#[test]
fn a_path_field_is_refused() {
    let site = TestSite::new();
    site.write(
        "content/curated/a.md",
        "+++\ntitle = \"标题\"\npath = \"/etc/cron.d/x\"\n+++\n正文。\n",
    );
    let error = site.build().expect_err("unknown field").to_string();
    assert!(
        error.contains("content/curated/a.md:3:1:") && error.contains("path"),
        "{error}"
    );
    assert!(!site.public().exists());
}

#[test]
fn identical_articles_get_distinct_stable_pages() {
    let site = TestSite::new();
    let text = "+++\ntitle = \"同名文章\"\ndate = 2024-03-06\nslug = \"same\"\n+++\n完全相同的正文。\n";
    site.write("content/curated/a.md", text);
    site.write("content/curated/b.md", text);
    site.write("content/curated/c.md", text);
    let first = site.build().expect("build");
    assert_eq!(first.articles, 3);
    let pages = |site: &TestSite| -> Vec<String> {
        site.outputs()
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("articles/"))
            .map(|(rel, _)| rel)
            .collect()
    };
    let before = pages(&site);
    assert_eq!(before.len(), 3, "{before:?}");
    assert!(before.contains(&"articles/same/index.html".to_string()));
    let published = fingerprint(&site.public());
    site.build().expect("rebuild");
    assert_eq!(fingerprint(&site.public()), published, "rebuild changed the pages");
    // Which file keeps the plain slug does not depend on the order files are found in.
    let renamed = TestSite::new();
    renamed.write("content/curated/c.md", text);
    renamed.write("content/curated/b.md", text);
    renamed.write("content/curated/a.md", text);
    renamed.build().expect("build");
    assert_eq!(pages(&renamed), before);
}

#[test]
fn output_guards_hold_on_the_command_line() {
    let site = TestSite::new();
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    site.write("themes/default/strings.toml", "");
    std::fs::create_dir_all(site.root.join("templates")).unwrap();
    let everything = fingerprint(site.tmp.path());
    let root = site.root.to_string_lossy().into_owned();
    let refused: &[(String, &str)] = &[
        (root.clone(), "site root"),
        (format!("{root}/."), "site root"),
        (format!("{root}/public/.."), "site root"),
        (format!("{root}/content"), "content/"),
        (format!("{root}/content/raw"), "content/"),
        (format!("{root}/themes/default"), "themes/"),
        (format!("{root}/templates"), "templates/"),
        (site.tmp.path().to_string_lossy().into_owned(), "ancestor"),
        ("/".to_string(), "filesystem root"),
        (format!("{root}/config.toml"), "not a directory"),
    ];
    for (output, reason) in refused {
        let result = site.cli(&["build", "--output", output]);
        assert!(!result.status.success(), "--output {output} was accepted");
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(
            stderr.contains("refused") && stderr.contains(reason),
            "--output {output}:\n{stderr}"
        );
        assert_eq!(
            fingerprint(site.tmp.path()),
            everything,
            "--output {output} touched files"
        );
    }
    // A foreign, non-empty directory is not ours to replace.
    let foreign = site.tmp.path().join("photos");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("holiday.jpg"), b"precious").unwrap();
    let result = site.cli(&["build", "--output", &foreign.to_string_lossy()]);
    assert!(!result.status.success());
    assert_eq!(std::fs::read(foreign.join("holiday.jpg")).unwrap(), b"precious");
}

#[cfg(unix)]
#[test]
fn an_output_symlinked_into_the_site_is_refused() {
    let site = TestSite::new();
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    std::os::unix::fs::symlink("content", site.root.join("public")).unwrap();
    let before = fingerprint(&site.root.join("content"));
    let error = site.build().expect_err("public/ is content/ in disguise").to_string();
    assert!(error.contains("content/"), "{error}");
    assert_eq!(fingerprint(&site.root.join("content")), before);
}
