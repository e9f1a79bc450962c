//! Serve: requests are answered from whole sites only, even while a rebuild swaps the output
//! directory, and a failed rebuild keeps serving the last good site with the error shown.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use union_digest::render::output::Staging;
use union_digest::serve::{resolve, Preview};

use crate::fixtures::good_site_files;
use crate::support::TestSite;

fn body(preview: &Preview, output: &std::path::Path, url: &str) -> (u16, String) {
    let reply = preview.respond(output, url);
    (reply.status, String::from_utf8_lossy(&reply.body).into_owned())
}

#[test]
fn failed_rebuild_keeps_the_last_good_site_and_shows_the_error() {
    let site = TestSite::new();
    good_site_files(&site);
    let preview = Preview::new();
    preview.rebuild(&site.options()).expect("first build");
    let public = site.public();
    let (status, home) = body(&preview, &public, "/");
    assert_eq!(status, 200);
    assert!(home.contains("编辑整理的文章"));
    assert!(!home.contains("重新构建失败"));
    let generation = preview.generation();

    // The error quotes the file's own text (an unknown key): the banner must escape it.
    site.write(
        "content/curated/broken.md",
        "+++\ntitle = \"标题\"\n\"<script>alert(1)</script>\" = 1\n+++\n正文。\n",
    );
    let error = preview.rebuild(&site.options()).expect_err("broken front matter");
    assert!(error.contains("content/curated/broken.md:3:"), "{error}");
    assert!(error.contains("<script>alert(1)</script>"), "{error}");
    assert!(preview.generation() > generation, "the browser must be told to reload");
    let (status, home) = body(&preview, &public, "/");
    assert_eq!(status, 200);
    assert!(home.contains("编辑整理的文章"), "the last good site is still served");
    assert!(home.contains("重新构建失败") && home.contains("content/curated/broken.md:3:"));
    assert!(
        home.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the banner shows the error escaped"
    );
    assert!(!home.contains("<script>alert(1)"), "the banner must not run the error");

    site.remove("content/curated/broken.md");
    preview.rebuild(&site.options()).expect("fixed");
    let (_, home) = body(&preview, &public, "/");
    assert!(!home.contains("重新构建失败"), "the banner goes with the error");
}

#[test]
fn requests_cannot_leave_the_output_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    std::fs::create_dir_all(out.join("a")).unwrap();
    std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
    for url in [
        "/../secret.txt",
        "/a/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/a/%2E%2E%2F%2E%2E/secret.txt",
        "/..%5csecret.txt",
        "/%00",
        "/%ff",
    ] {
        let inside = resolve(&out, url)
            .is_none_or(|p| p.starts_with(&out) && !p.components().any(|c| c == std::path::Component::ParentDir));
        assert!(inside, "{url} resolved outside");
        let reply = Preview::new().respond(&out, url);
        assert_eq!(reply.status, 404, "{url}");
        assert!(!String::from_utf8_lossy(&reply.body).contains("secret"));
    }
}

/// One version of a tiny site: every file says which version it belongs to, at both ends,
/// and is big enough that writing it is not instantaneous.
fn write_version(staging: &Staging, n: usize) {
    let filler = "职工".repeat(20_000);
    for page in ["index.html", "a/index.html", "404.html"] {
        staging
            .write(
                page,
                format!("<html><body>BEGIN {n}\n{filler}\nEND {n}</body></html>").as_bytes(),
            )
            .unwrap();
    }
}

#[test]
fn a_swap_under_load_never_serves_a_partial_or_missing_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = Staging::create(&out).unwrap();
    write_version(&first, 0);
    first.commit().unwrap();
    let preview = Arc::new(Preview::new());
    let done = Arc::new(AtomicBool::new(false));

    let builder = {
        let (preview, done, out) = (Arc::clone(&preview), Arc::clone(&done), out.clone());
        std::thread::spawn(move || {
            for n in 1..=25 {
                let staging = Staging::create(&out).unwrap();
                write_version(&staging, n);
                preview.swap(|| staging.commit()).unwrap();
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let mut requests = 0;
    let mut seen = std::collections::BTreeSet::new();
    while !done.load(Ordering::SeqCst) || requests < 50 {
        for url in ["/", "/a/"] {
            let reply = preview.respond(&out, url);
            let text = String::from_utf8_lossy(&reply.body);
            assert_eq!(reply.status, 200, "{url} missing during a swap");
            let begin: usize = text
                .split("BEGIN ")
                .nth(1)
                .and_then(|t| t.split('\n').next())
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{url}: truncated page"));
            // (The reload script is injected before </body>.)
            assert!(
                text.contains(&format!("\nEND {begin}<")),
                "{url}: page mixes versions or is cut"
            );
            seen.insert(begin);
            requests += 1;
        }
    }
    builder.join().unwrap();
    let (_, last) = body(&preview, &out, "/");
    assert!(last.contains("BEGIN 25\n"));
    assert!(requests >= 50 && !seen.is_empty());
    // While the build ran, nothing but the output and transient staging was ever created.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["public"]);
}

#[test]
fn a_request_during_a_swap_waits_for_the_new_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = Staging::create(&out).unwrap();
    write_version(&first, 1);
    first.commit().unwrap();
    let second = Staging::create(&out).unwrap();
    write_version(&second, 2);
    let preview = Arc::new(Preview::new());
    let (in_gap, gap_seen) = std::sync::mpsc::channel();
    let swapper = {
        let (preview, out) = (Arc::clone(&preview), out.clone());
        std::thread::spawn(move || {
            preview.swap(|| {
                // The two renames of a commit, held apart: between them there is no site.
                let old = out.with_file_name("public.old");
                std::fs::rename(&out, &old).unwrap();
                in_gap.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(300));
                std::fs::rename(&second.dir, &out).unwrap();
                std::fs::remove_dir_all(&old).unwrap();
                std::mem::forget(second);
            })
        })
    };
    gap_seen.recv().unwrap();
    let (status, home) = body(&preview, &out, "/");
    swapper.join().unwrap();
    assert_eq!(status, 200, "a request inside the swap found no site");
    assert!(home.contains("BEGIN 2\n"), "the request waited and got the new site");
}

#[test]
fn an_uncommitted_staging_is_never_served() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let first = Staging::create(&out).unwrap();
    write_version(&first, 1);
    first.commit().unwrap();
    let preview = Preview::new();
    let half = Staging::create(&out).unwrap();
    half.write("index.html", b"<html><body>HALF</body></html>").unwrap();
    let (_, home) = body(&preview, &out, "/");
    assert!(home.contains("BEGIN 1\n") && !home.contains("HALF"));
    drop(half);
    let (_, home) = body(&preview, &out, "/");
    assert!(home.contains("BEGIN 1\n"));
}
