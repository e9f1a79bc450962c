//! Junk: empty, binary, noise-only and oversized files, unreadable entries, special files
//! and symlink tricks cost one warning each and never become a page.

use crate::fixtures::{article, spam_page, GBK_ARTICLE, SPAM_MARKERS};
use crate::support::TestSite;

fn warning_for<'a>(summary: &'a union_digest::build::BuildSummary, file: &str) -> &'a str {
    summary
        .warnings
        .iter()
        .find(|w| w.file == file)
        .map(|w| w.message.as_str())
        .unwrap_or_else(|| panic!("no warning for {file}: {:#?}", summary.warnings))
}

#[test]
fn junk_files_cost_a_warning_and_no_page() {
    let site = TestSite::new();
    site.write(
        "config.toml",
        "title = \"测试\"\nbase_url = \"https://example.org/\"\nmax_file_bytes = 4096\n",
    );
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    site.write("content/raw/empty.txt", "");
    site.write("content/raw/blank.txt", " \n\u{3000}\n\t\r\n\u{200B}\n");
    site.write(
        "content/raw/image.txt",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10\0\0\0\x10\x08\x06\0\0\0\x1f\xf3\xffa",
    );
    site.write("content/raw/spam.txt", spam_page());
    site.write("content/raw/huge.txt", article("超大文件标题", &["正文。"; 1000]));
    site.write("content/curated/title-only.md", "+++\ntitle = \"只有标题\"\n+++\n\n\n");
    site.write(
        "content/curated/script-only.md",
        "+++\ntitle = \"只有脚本\"\n+++\n<script>alert(1)</script>\n\n<img src=x>\n",
    );
    let summary = site.build().expect("build");
    assert_eq!(summary.articles, 1, "{:#?}", summary.warnings);
    assert_eq!(summary.files_read, 8);
    assert!(warning_for(&summary, "content/raw/empty.txt").contains("empty file"));
    assert!(warning_for(&summary, "content/raw/image.txt").contains("binary"));
    assert!(warning_for(&summary, "content/raw/huge.txt").contains("max_file_bytes (4096)"));
    for noise in [
        "content/raw/blank.txt",
        "content/raw/spam.txt",
        "content/curated/title-only.md",
        "content/curated/script-only.md",
    ] {
        assert!(warning_for(&summary, noise).contains("no article"), "{noise}");
    }
    let pages: Vec<String> = site
        .outputs()
        .into_iter()
        .filter(|(rel, _)| rel.starts_with("articles/"))
        .map(|(rel, _)| rel)
        .collect();
    assert_eq!(pages.len(), 1, "{pages:?}");
    for (rel, bytes) in site.outputs() {
        let text = String::from_utf8_lossy(&bytes);
        for marker in SPAM_MARKERS.iter().chain(&["只有标题", "只有脚本", "超大文件", "IHDR"]) {
            assert!(!text.contains(marker), "{marker} reached {rel}");
        }
    }
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_content_are_warnings() {
    use std::os::unix::fs::symlink;
    let site = TestSite::new();
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    // A secret beside the site (think .git/config with a CI token) and a link to it.
    std::fs::write(site.tmp.path().join("secret.txt"), "标题\n\n机密令牌 ghp_SECRET。\n").unwrap();
    symlink("../../../secret.txt", site.root.join("content/raw/leak.txt")).unwrap();
    symlink("/", site.root.join("content/raw/everything")).unwrap();
    // A directory loop and a link to itself.
    symlink("..", site.root.join("content/raw/loop")).unwrap();
    symlink("self.txt", site.root.join("content/raw/self.txt")).unwrap();
    let summary = site.build().expect("build");
    assert_eq!(summary.articles, 1, "{:#?}", summary.warnings);
    assert!(warning_for(&summary, "content/raw/leak.txt").contains("outside content/"));
    assert!(warning_for(&summary, "content/raw/everything").contains("outside content/"));
    assert!(warning_for(&summary, "content/raw/loop").contains("symlink loop"));
    assert!(warning_for(&summary, "content/raw/self.txt").contains("cannot read"));
    for (rel, bytes) in site.outputs() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("ghp_SECRET"),
            "secret in {rel}"
        );
    }
}

#[cfg(unix)]
#[test]
fn special_files_are_not_read() {
    let site = TestSite::new();
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    // A FIFO would block a reader forever; a link to a device would never end.
    let fifo = site.root.join("content/raw/pipe.txt");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    std::os::unix::fs::symlink("/dev/zero", site.root.join("content/raw/zero.txt")).unwrap();
    let summary = site.build().expect("build");
    assert_eq!(summary.articles, 1);
    if made.is_ok_and(|s| s.success()) {
        assert!(warning_for(&summary, "content/raw/pipe.txt").contains("not a regular file"));
    }
    // /dev/zero is outside content/: refused before its type even matters.
    assert!(warning_for(&summary, "content/raw/zero.txt").contains("outside content/"));
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_warnings() {
    use std::os::unix::fs::PermissionsExt;
    let site = TestSite::new();
    site.write("content/raw/good.txt", article(GBK_ARTICLE.0, GBK_ARTICLE.1));
    site.write("content/raw/locked.txt", article("加锁文件标题", &["加锁文件正文。"]));
    site.write(
        "content/locked-dir/inner.txt",
        article("加锁目录标题", &["加锁目录正文。"]),
    );
    let locked = site.root.join("content/raw/locked.txt");
    let locked_dir = site.root.join("content/locked-dir");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::set_permissions(&locked_dir, std::fs::Permissions::from_mode(0o000)).unwrap();
    let root_can_read = std::fs::read(&locked).is_ok();
    let summary = site.build();
    std::fs::set_permissions(&locked_dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();
    let summary = summary.expect("an unreadable file does not fail the build");
    if root_can_read {
        // CI runs as root, for whom permissions do not apply: everything is read.
        assert_eq!(summary.articles, 3);
        return;
    }
    assert_eq!(summary.articles, 1, "{:#?}", summary.warnings);
    assert!(warning_for(&summary, "content/raw/locked.txt").contains("cannot read"));
    assert!(warning_for(&summary, "content/locked-dir").contains("cannot read"));
}
