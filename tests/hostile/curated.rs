//! Broken curated files: every front-matter problem is an error naming file, line, column and
//! what is wrong; `check` lists them all and fails; `build` fails and leaves the published
//! site byte-identical.

use crate::fixtures::good_site_files;
use crate::support::{fingerprint, listing, TestSite};

/// (file, text, expected "file:line:column:" prefix, words the message must contain)
const BROKEN: &[(&str, &str, &str, &[&str])] = &[
    (
        "content/curated/syntax.md",
        "+++\ntitle = \"没有结束的引号\ndate = 2024-03-06\n+++\n正文。\n",
        "content/curated/syntax.md:2:",
        &["front matter"],
    ),
    (
        "content/curated/unknown-field.md",
        "+++\ntitle = \"标题\"\npath = \"../../etc/passwd\"\n+++\n正文。\n",
        "content/curated/unknown-field.md:3:1:",
        &["unknown field", "path"],
    ),
    (
        "content/curated/bad-type.md",
        "+++\ntitle = \"标题\"\ndraft = \"yes\"\n+++\n正文。\n",
        "content/curated/bad-type.md:3:9:",
        &["bool"],
    ),
    (
        "content/curated/bad-date.md",
        "+++\ntitle = \"标题\"\ndate = \"2024-13-45\"\n+++\n正文。\n",
        "content/curated/bad-date.md:3:8:",
        &["date", "2024-13-45", "not a date"],
    ),
    (
        "content/curated/unclosed.md",
        "+++\ntitle = \"标题\"\n\n正文。\n",
        "content/curated/unclosed.md:1:1:",
        &["never closed"],
    ),
    (
        "content/curated/yaml.md",
        "---\ntitle: 标题\n---\n正文。\n",
        "content/curated/yaml.md:1:1:",
        &["TOML", "+++"],
    ),
];

fn good_site() -> TestSite {
    let site = TestSite::new();
    good_site_files(&site);
    site
}

#[test]
fn check_lists_every_error_with_its_location_and_fails() {
    let site = good_site();
    for (file, text, _, _) in BROKEN {
        site.write(file, text);
    }
    let report = union_digest::build::check(&site.root);
    assert_eq!(report.errors.len(), BROKEN.len(), "{:#?}", report.errors);
    for (file, _, prefix, words) in BROKEN {
        let error = report
            .errors
            .iter()
            .find(|e| e.contains(file))
            .unwrap_or_else(|| panic!("no error for {file}: {:#?}", report.errors));
        assert!(error.starts_with(prefix), "{error} should start with {prefix}");
        for word in *words {
            assert!(error.contains(word), "{error} should mention {word}");
        }
    }
    let output = site.cli(&["check"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (_, _, prefix, _) in BROKEN {
        assert!(
            stderr.contains(&format!("error: {prefix}")),
            "{prefix} missing from:\n{stderr}"
        );
    }
    assert!(String::from_utf8_lossy(&output.stdout).contains(&format!("{} errors", BROKEN.len())));
}

#[test]
fn failed_build_leaves_the_published_site_byte_identical() {
    let site = good_site();
    site.build().expect("first build");
    let published = fingerprint(&site.public());
    let beside = listing(&site.root);
    assert!(published.contains_key("index.html"));
    for (file, text, prefix, _) in BROKEN {
        site.write(file, text);
        let error = site
            .build()
            .expect_err("broken front matter fails the build")
            .to_string();
        assert!(error.contains(prefix), "{error}");
        assert_eq!(fingerprint(&site.public()), published, "public/ changed after {file}");
        assert_eq!(listing(&site.root), beside, "a build left files beside public/");
        site.remove(file);
    }
    // All at once: the build error names every broken file.
    for (file, text, _, _) in BROKEN {
        site.write(file, text);
    }
    let output = site.cli(&["build"]);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for (_, _, prefix, _) in BROKEN {
        assert!(stderr.contains(prefix), "{prefix} missing from:\n{stderr}");
    }
    assert_eq!(fingerprint(&site.public()), published);
    assert_eq!(listing(&site.root), beside);
}
