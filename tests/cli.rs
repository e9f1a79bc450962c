//! The commands' happy paths and the spine's guarantees, through the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_union-digest"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// A minimal site: config plus the given content files.
fn site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "title = \"测试文摘\"\n").unwrap();
    for (rel, body) in files {
        let path = dir.path().join("content").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    dir
}

const GOOD_MD: &str = "+++\ntitle = \"职工之家建设\"\ndate = 2024-03-06\n+++\n\n各级工会推进职工之家建设。\n";

#[test]
fn every_command_has_help() {
    for cmd in ["build", "serve", "check", "inspect", "init"] {
        let out = run(&[cmd, "--help"]);
        assert!(out.status.success(), "{cmd} --help failed");
        assert!(
            text(&out.stdout).contains("Usage"),
            "{cmd} --help: {}",
            text(&out.stdout)
        );
    }
}

#[test]
fn build_of_the_sample_digest_ends_with_one_summary_line() {
    let out_dir = tempfile::tempdir().unwrap();
    let output = out_dir.path().join("public");
    let out = run(&[
        "build",
        "--root",
        repo().to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let last = stdout.lines().last().unwrap();
    for part in ["files read", "articles", "pages written", "warnings", " s"] {
        assert!(last.contains(part), "summary line lacks {part:?}: {last}");
    }
    assert!(output.join("index.html").is_file());
    assert!(output.join("data/articles.json").is_file());
}

#[test]
fn build_writes_a_page_for_every_article() {
    let dir = site(&[("a.md", GOOD_MD), ("b.md", "+++\ntitle = \"第二篇\"\n+++\n正文。\n")]);
    let out = run(&["build", "--root", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("public/data/articles.json")).unwrap()).unwrap();
    let records = json.as_array().unwrap();
    assert_eq!(records.len(), 2);
    for r in records {
        let url = r["url"].as_str().unwrap();
        assert!(
            dir.path().join("public").join(&url[1..]).join("index.html").is_file(),
            "{url}"
        );
    }
}

#[test]
fn build_is_deterministic() {
    let dir = site(&[
        ("a.md", GOOD_MD),
        (
            "raw/b.txt",
            "工会驿站建设\n\n各地工会建成驿站一千余个，方便户外劳动者歇脚。\n",
        ),
    ]);
    let root = dir.path().to_str().unwrap();
    let first = dir.path().join("one");
    let second = dir.path().join("two");
    assert!(run(&["build", "--root", root, "--output", first.to_str().unwrap()])
        .status
        .success());
    assert!(run(&["build", "--root", root, "--output", second.to_str().unwrap()])
        .status
        .success());
    assert_eq!(snapshot(&first), snapshot(&second));
}

#[test]
fn non_article_files_are_skipped_with_a_warning_naming_them() {
    let dir = site(&[("a.md", GOOD_MD), ("logo.png", "png")]);
    let out = run(&["build", "--root", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    assert!(text(&out.stderr).contains("content/logo.png"), "{}", text(&out.stderr));
}

#[test]
fn check_passes_on_the_sample_and_writes_nothing() {
    let dir = site(&[("a.md", GOOD_MD)]);
    let out = run(&["check", "--root", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!dir.path().join("public").exists());
}

#[test]
fn check_lists_every_error_and_fails() {
    let dir = site(&[
        ("a.md", "+++\ntitel = \"x\"\n+++\n正文\n"),
        ("b.md", "+++\ndate = \"昨天\"\n+++\n正文\n"),
        ("c.md", GOOD_MD),
    ]);
    std::fs::write(dir.path().join("config.toml"), "paginate = 0\n").unwrap();
    let out = run(&["check", "--root", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("content/a.md:2:"), "{stderr}");
    assert!(stderr.contains("titel"), "{stderr}");
    assert!(stderr.contains("content/b.md:2:"), "{stderr}");
    assert!(stderr.contains("config.toml:1:"), "{stderr}");
    assert!(text(&out.stdout).contains("3 errors"), "{}", text(&out.stdout));
}

/// `check` of a built site takes the per-file results from the build cache, and neither
/// writes to it nor to anything else of the site; an error in a file the cache never held is
/// still found.
#[test]
fn check_of_a_built_site_leaves_it_as_it_was() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    assert!(run(&["build", "--root", root, "--quiet"]).status.success());
    let built = snapshot(dir.path());
    let out = run(&["check", "--root", root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(snapshot(dir.path()), built);
    std::fs::write(dir.path().join("content/broken.md"), "+++\ntitel = \"x\"\n+++\n正文\n").unwrap();
    let broken = snapshot(dir.path());
    let out = run(&["check", "--root", root]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("content/broken.md:2:"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(dir.path()), broken);
}

#[test]
fn check_renders_every_page_without_writing_one() {
    let dir = sample_site();
    // A temporary directory that cannot be written into: a render into a scratch directory
    // there fails.
    let not_a_dir = tempfile::NamedTempFile::new().unwrap();
    let out = bin()
        .args(["check", "--root", dir.path().to_str().unwrap()])
        .env("TMPDIR", not_a_dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    // A template error still shows: it is found by rendering the pages.
    let templates = dir.path().join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(templates.join("404.html"), "{{ no_such_variable.field }}").unwrap();
    let out = run(&["check", "--root", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("404.html"), "{}", text(&out.stderr));
}

#[test]
fn unknown_config_key_names_the_key_and_line() {
    let dir = site(&[("a.md", GOOD_MD)]);
    std::fs::write(
        dir.path().join("config.toml"),
        "title = \"x\"\nbase_ulr = \"https://x/\"\n",
    )
    .unwrap();
    let out = run(&["build", "--root", dir.path().to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("config.toml:2:"), "{stderr}");
    assert!(stderr.contains("base_ulr"), "{stderr}");
}

#[test]
fn output_dir_at_the_site_root_or_content_is_refused() {
    let dir = site(&[("a.md", GOOD_MD)]);
    let root = dir.path().to_str().unwrap();
    for bad in [
        root.to_string(),
        format!("{root}/content"),
        format!("{root}/.."),
        "/".to_string(),
    ] {
        let before = snapshot(dir.path());
        let out = run(&["build", "--root", root, "--output", &bad]);
        assert!(!out.status.success(), "{bad} accepted");
        assert!(text(&out.stderr).contains("refused"), "{}", text(&out.stderr));
        assert_eq!(snapshot(dir.path()), before, "{bad}: the site changed");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let dir = site(&[("a.md", GOOD_MD)]);
    let root = dir.path().to_str().unwrap();
    assert!(run(&["build", "--root", root]).status.success());
    let before = snapshot(&dir.path().join("public"));
    std::fs::write(dir.path().join("content/broken.md"), "+++\ntitle = \n+++\n").unwrap();
    let out = run(&["build", "--root", root]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("content/broken.md:2:"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(snapshot(&dir.path().join("public")), before);
    let leftovers: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public."))
        .collect();
    assert!(leftovers.is_empty(), "staging left behind: {leftovers:?}");
}

#[test]
fn inspect_json_follows_the_contract() {
    let seed = repo().join("content/raw/002_f2ea2cf918036bb2.txt");
    let out = run(&["inspect", "--json", seed.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = &json.as_array().unwrap()[0];
    for field in [
        "file",
        "part",
        "title",
        "subtitle",
        "kicker",
        "date",
        "date_precision",
        "source",
        "authors",
        "region",
        "themes",
        "keywords",
        "url",
        "body",
        "cleaning",
    ] {
        assert!(first.get(field).is_some(), "missing {field}");
    }
    for field in ["script_converted", "spun", "despun", "removed", "joined_lines"] {
        assert!(first["cleaning"].get(field).is_some(), "missing cleaning.{field}");
    }
    for field in ["province", "city", "county", "code"] {
        assert!(first["region"].get(field).is_some(), "missing region.{field}");
    }
    assert_eq!(first["file"], seed.to_str().unwrap());
    assert_eq!(first["part"], 0);
    assert!(first["url"].as_str().unwrap().starts_with("/articles/"));
}

#[test]
fn inspect_without_json_prints_a_readable_report() {
    let dir = site(&[("a.md", GOOD_MD)]);
    let file = dir.path().join("content/a.md");
    let out = run(&["inspect", file.to_str().unwrap()]);
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert!(stdout.contains("标题   职工之家建设"), "{stdout}");
    assert!(stdout.contains("日期   2024-03-06"), "{stdout}");
}

#[test]
fn init_then_build_works_in_an_empty_directory() {
    let dir = tempfile::tempdir().unwrap();
    let site_dir = dir.path().join("digest");
    let out = run(&["init", site_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(site_dir.join("themes/default/templates/base.html").is_file());
    let out = run(&["build", "--root", site_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(site_dir.join("public/index.html").is_file());
    let home = std::fs::read_to_string(site_dir.join("public/index.html")).unwrap();
    assert!(home.contains("lang=\"zh-CN\""));
    assert!(home.contains("欢迎使用 union-digest"));
}

#[test]
fn user_templates_override_the_theme() {
    let dir = site(&[("a.md", GOOD_MD)]);
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(dir.path().join("templates/404.html"), "<p>自定义的404</p>").unwrap();
    assert!(run(&["build", "--root", dir.path().to_str().unwrap()]).status.success());
    let page = std::fs::read_to_string(dir.path().join("public/404.html")).unwrap();
    assert_eq!(page, "<p>自定义的404</p>");
}

#[test]
fn serve_builds_and_answers_on_localhost() {
    use std::io::{Read, Write};
    let dir = site(&[("a.md", GOOD_MD)]);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = bin()
        .args([
            "serve",
            "--root",
            dir.path().to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut response = String::new();
    for _ in 0..100 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            stream.write_all(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
            stream.read_to_string(&mut response).unwrap();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        response.starts_with("HTTP/1.1 200") || response.starts_with("HTTP/1.0 200"),
        "{response}"
    );
    assert!(response.contains("职工之家建设"));
}

#[test]
fn a_second_build_reuses_the_cache_and_gives_the_same_site() {
    let dir = site(&[
        ("a.md", GOOD_MD),
        (
            "raw/b.txt",
            "工会驿站建设\n\n各地工会建成驿站一千余个，方便户外劳动者歇脚。\n",
        ),
    ]);
    let root = dir.path().to_str().unwrap();
    assert!(run(&["build", "--root", root]).status.success());
    let cache = dir.path().join(".union-digest-cache");
    assert!(cache.is_dir(), "no cache written");
    let first = site_files(&dir.path().join("public"));
    assert!(run(&["build", "--root", root]).status.success());
    assert_eq!(site_files(&dir.path().join("public")), first);
    // A corrupted cache is ignored, never trusted.
    for (path, _) in snapshot(&cache) {
        std::fs::write(cache.join(path), b"garbage").unwrap();
    }
    assert!(run(&["build", "--root", root]).status.success());
    assert_eq!(site_files(&dir.path().join("public")), first);
    // Deleting it is safe. (The output marker names the build, whose id covers how the
    // data export was made; the site itself is byte for byte the same.)
    std::fs::remove_dir_all(&cache).unwrap();
    assert!(run(&["build", "--root", root, "--no-cache"]).status.success());
    assert!(!cache.exists());
    assert_eq!(site_files(&dir.path().join("public")), first);
}

/// Copy the sample corpus into a fresh site with small pages, so lists have numbered pages.
fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "title = \"测试文摘\"\npaginate = 2\n").unwrap();
    copy_tree(&repo().join("content"), &dir.path().join("content"));
    dir
}

/// A snapshot without the output marker (it names the build).
fn site_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = snapshot(dir);
    files.retain(|(path, _)| path != Path::new(".union-digest-output"));
    files
}

/// The number of files a build's summary line says it changed.
fn files_changed(output: &Output) -> usize {
    let line = text(&output.stderr) + &text(&output.stdout);
    let (before, _) = line.split_once(" files changed").expect("summary line");
    before.rsplit(' ').next().unwrap().parse().unwrap()
}

/// The files of a full build (no cache) of the site at `root` into `fresh`, without its
/// marker: what an update must equal.
fn full_build_into(root: &str, fresh: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    build_fresh(root, fresh, "full build");
    site_files(fresh)
}

/// A full build (no cache) of the site at `root` into `fresh`, which is emptied first;
/// `what` names the step in a failure.
fn build_fresh(root: &str, fresh: &Path, what: &str) {
    let _ = std::fs::remove_dir_all(fresh);
    let out = run(&[
        "build",
        "--no-cache",
        "--root",
        root,
        "--output",
        fresh.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{what}: {}", text(&out.stderr));
}

#[test]
fn updating_a_built_site_gives_exactly_the_site_a_full_build_gives() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    let fresh = dir.path().join("fresh");
    let full_build = || full_build_into(root, &fresh);
    let update = || {
        let out = run(&["build", "--root", root]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        files_changed(&out)
    };
    update();
    let first_files = site_files(&public).len();
    assert_eq!(update(), 0, "a rebuild with no change rewrote files");
    // Every file with its bytes and modification time.
    let stamped = |dir: &Path| -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
        let mut v: Vec<_> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let bytes = std::fs::read(e.path()).unwrap();
                (e.path().to_path_buf(), bytes, e.metadata().unwrap().modified().unwrap())
            })
            .collect();
        v.sort();
        v
    };
    let before = stamped(&public);

    // Add a new article: a handful of files change, and the result is what a full build gives.
    let added = dir.path().join("content/raw/new.txt");
    std::fs::write(
        &added,
        "杭州市总工会开展夏送清凉活动\n\n2026年7月2日，杭州市总工会组织慰问团，走访户外劳动者站点，送去防暑降温物资。\n\n活动覆盖全市十三个区县，惠及职工两万余人。\n",
    )
    .unwrap();
    let changed = update();
    assert!(
        changed > 0 && changed < first_files / 2,
        "{changed} of {first_files} files changed"
    );
    assert_eq!(site_files(&public), full_build());
    // Files whose bytes did not change were not rewritten: their times stay put.
    let after = stamped(&public);
    let mut unchanged = 0;
    for (path, bytes, time) in &before {
        if let Some((_, new_bytes, new_time)) = after.iter().find(|(p, _, _)| p == path) {
            if new_bytes == bytes && !path.ends_with(".union-digest-output") {
                assert_eq!(new_time, time, "{} rewritten with the same bytes", path.display());
                unchanged += 1;
            }
        }
    }
    assert!(
        unchanged * 2 > before.len(),
        "only {unchanged} of {} files unchanged",
        before.len()
    );

    // Edit it, then remove it: still identical to a full build, and its page is gone.
    std::fs::write(
        &added,
        "杭州市总工会开展夏送清凉活动\n\n2026年7月2日，杭州市总工会组织慰问团，走访环卫工人站点，送去防暑降温物资。\n",
    )
    .unwrap();
    assert!(update() > 0);
    assert_eq!(site_files(&public), full_build());
    std::fs::remove_file(&added).unwrap();
    assert!(update() > 0);
    assert_eq!(site_files(&public), full_build());
    assert_eq!(site_files(&public).len(), first_files);
}

#[test]
fn reposts_added_to_a_built_site_merge_as_a_full_build_merges_them() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    let fresh = dir.path().join("fresh");
    let update = || {
        let out = run(&["build", "--root", root]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    update();
    let articles = || std::fs::read_dir(public.join("articles")).unwrap().count();
    let before = articles();
    // Copies of a seed, with page chrome added, or a paragraph dropped: one story.
    let seed = std::fs::read_to_string(repo().join("content/raw/001_2ba259b3f4eff141.txt")).unwrap();
    let copy = |name: &str, text: String| std::fs::write(dir.path().join("content/raw").join(name), text).unwrap();
    copy(
        "mirror-a.txt",
        format!("首页 > 要闻 > 工会动态\n{seed}\n发表评论 (0) 暂无评论哦\n"),
    );
    update();
    assert_eq!(site_files(&public), full_build_into(root, &fresh));
    let mut lines: Vec<&str> = seed.lines().collect();
    let longest = (0..lines.len()).max_by_key(|&i| lines[i].len()).unwrap();
    lines.remove(longest);
    copy("mirror-b.txt", lines.join("\n"));
    update();
    assert_eq!(site_files(&public), full_build_into(root, &fresh));
    assert_eq!(articles(), before, "the copies were not merged");
    let memo = walkdir::WalkDir::new(dir.path().join(".union-digest-cache"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.ends_with("repost-verdicts.bin"))
        .expect("no repost memo written");
    // A damaged memo is ignored: removing a copy still gives the full build's site.
    std::fs::write(&memo, b"garbage").unwrap();
    std::fs::remove_file(dir.path().join("content/raw/mirror-a.txt")).unwrap();
    update();
    assert_eq!(site_files(&public), full_build_into(root, &fresh));
}

#[test]
fn an_interrupted_update_is_followed_by_a_full_build() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    assert!(run(&["build", "--root", root]).status.success());
    let expected = site_files(&public);
    // As an update stopped half-way leaves it: a stray file, a damaged page, the marker
    // saying an update is in progress.
    std::fs::write(public.join("index.html"), "half-written").unwrap();
    std::fs::write(public.join(".union-digest-output"), "build updating\n").unwrap();
    let out = run(&["build", "--root", root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(site_files(&public), expected);
}

#[test]
fn a_changed_template_or_string_reaches_every_page_on_update() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    assert!(run(&["build", "--root", root]).status.success());
    let article = std::fs::read_to_string(repo().join("themes/default/templates/article.html")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/article.html"),
        article.replace("{% block main %}", "{% block main %}<p>模板已修改</p>"),
    )
    .unwrap();
    let out = run(&["build", "--root", root]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let pages: Vec<_> = site_files(&public)
        .into_iter()
        .filter(|(p, _)| p.starts_with("articles") && p.ends_with("index.html"))
        .collect();
    assert!(pages.len() > 5);
    for (path, bytes) in &pages {
        assert!(text(bytes).contains("模板已修改"), "{} not re-rendered", path.display());
    }
}

#[test]
fn a_changed_card_template_is_never_served_from_the_card_memo() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    // Two builds: the second finds every card in the memo.
    assert!(run(&["build", "--root", root]).status.success());
    assert!(run(&["build", "--root", root, "--base-url", "https://example.org/x/"])
        .status
        .success());
    let card = std::fs::read_to_string(repo().join("themes/default/templates/card.html")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/card.html"),
        format!("{}<!-- 卡片已修改 -->", card.trim_end()),
    )
    .unwrap();
    let out = run(&["build", "--root", root, "--base-url", "https://example.org/x/"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lists: Vec<_> = site_files(&public)
        .into_iter()
        .filter(|(p, bytes)| p.starts_with("themes") && text(bytes).contains("card-title"))
        .collect();
    assert!(lists.len() > 2);
    for (path, bytes) in &lists {
        assert!(
            text(bytes).contains("卡片已修改"),
            "{} shows a stale card",
            path.display()
        );
    }
    let fresh = dir.path().join("fresh");
    let out = run(&[
        "build",
        "--no-cache",
        "--root",
        root,
        "--base-url",
        "https://example.org/x/",
        "--output",
        fresh.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        site_files(&public) == site_files(&fresh),
        "the update differs from a full build"
    );
}

/// The numbers of a build's summary line: articles, pages, rendered, files changed, warnings.
fn summary_numbers(output: &Output) -> Vec<usize> {
    let all = text(&output.stderr) + &text(&output.stdout);
    let line = all.lines().find(|l| l.starts_with("built ")).expect("summary line");
    let (_, counts) = line.split_once(": ").unwrap();
    counts
        .split(|c: char| !c.is_ascii_digit() && c != '.')
        .filter(|w| !w.is_empty() && !w.contains('.'))
        .map(|w| w.parse().unwrap())
        .collect()
}

#[test]
fn a_build_with_nothing_changed_leaves_the_output_alone_and_reports_the_same() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    let build = |extra: &[&str]| {
        let mut args = vec!["build", "--root", root];
        args.extend_from_slice(extra);
        let out = run(&args);
        assert!(out.status.success(), "{}", text(&out.stderr));
        out
    };
    let first = build(&[]);
    let expected = site_files(&public);
    let second = build(&["--timings"]);
    // files read, articles, pages, rendered, changed, warnings
    let (a, b) = (summary_numbers(&first), summary_numbers(&second));
    assert_eq!(b[..3], a[..3]);
    assert_eq!(b[3..5], [0, 0], "{}", text(&second.stderr));
    assert_eq!(b[5], a[5], "the same warnings");
    assert!(
        text(&second.stderr).contains("read, unchanged"),
        "{}",
        text(&second.stderr)
    );
    assert_eq!(site_files(&public), expected);

    // A file written again with the same bytes is no change.
    let raw = walkdir::WalkDir::new(dir.path().join("content/raw"))
        .into_iter()
        .map(|e| e.unwrap())
        .find(|e| e.file_type().is_file())
        .unwrap();
    std::fs::write(raw.path(), std::fs::read(raw.path()).unwrap()).unwrap();
    assert_eq!(summary_numbers(&build(&[]))[3], 0);

    // Settings are inputs too: another base URL or drafts render again.
    let other_url = build(&["--base-url", "https://example.org/digest/"]);
    assert!(summary_numbers(&other_url)[3] > 0);
    assert!(text(&std::fs::read(public.join("index.html")).unwrap()).contains("/digest/"));
    assert!(summary_numbers(&build(&[]))[3] > 0, "back to the configured URL");
    assert!(summary_numbers(&build(&["--drafts"]))[3] > 0);
    assert!(summary_numbers(&build(&[]))[3] > 0);
    assert_eq!(site_files(&public), expected);
}

/// Copy every file and directory under `from` into `to` (new files: new times and inodes).
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().map(|e| e.unwrap()) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// CI checks a site out into a fresh directory and restores the build cache and the output
/// there: every file is new, the site is elsewhere, and nothing has to be rendered or written.
#[test]
fn a_site_checked_out_elsewhere_with_its_cache_and_output_is_not_rebuilt() {
    let dir = sample_site();
    let built = run(&["build", "--root", dir.path().to_str().unwrap()]);
    assert!(built.status.success(), "{}", text(&built.stderr));
    let elsewhere = tempfile::tempdir().unwrap();
    let moved = elsewhere.path().join("checkout");
    copy_tree(dir.path(), &moved);
    drop(dir);
    let rebuilt = run(&["build", "--root", moved.to_str().unwrap()]);
    assert!(rebuilt.status.success(), "{}", text(&rebuilt.stderr));
    // files read, articles, pages, rendered, changed, warnings
    assert_eq!(summary_numbers(&rebuilt)[3..5], [0, 0], "{}", text(&rebuilt.stderr));
    let fresh = elsewhere.path().join("fresh");
    let full = full_build_into(moved.to_str().unwrap(), &fresh);
    assert!(
        site_files(&moved.join("public")) == full,
        "the reused output differs from a full build"
    );
}

/// The state files the build cache keeps for the search index.
fn search_states(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root.join(".union-digest-cache"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.to_string_lossy().ends_with(".search.state"))
        .collect()
}

#[test]
fn a_patched_search_index_is_exactly_the_index_a_full_build_writes() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    let fresh = dir.path().join("fresh");
    let full_build = || full_build_into(root, &fresh);
    let update_is_full_build = |what: &str| {
        let out = run(&["build", "--root", root]);
        assert!(out.status.success(), "{what}: {}", text(&out.stderr));
        assert!(site_files(&public) == full_build(), "{what}: differs from a full build");
        assert_eq!(search_states(dir.path()).len(), 1, "{what}: one search state kept");
    };
    let raw = |name: &str| dir.path().join("content/raw").join(name);
    let article = |title: &str, body: &str| format!("{title}\n\n2026年7月2日，{body}\n\n活动覆盖全市十三个区县。\n");
    update_is_full_build("first build");
    let state = search_states(dir.path()).remove(0);

    std::fs::write(
        raw("new.txt"),
        article("杭州市总工会开展夏送清凉活动", "杭州市总工会走访户外劳动者站点。"),
    )
    .unwrap();
    update_is_full_build("added");
    std::fs::write(
        raw("new.txt"),
        article("杭州市总工会开展夏送清凉活动", "杭州市总工会走访环卫工人站点。"),
    )
    .unwrap();
    update_is_full_build("edited");
    std::fs::write(
        raw("new.txt"),
        article("宁波市总工会开展送清凉活动", "宁波市总工会走访环卫工人站点。"),
    )
    .unwrap();
    update_is_full_build("retitled");
    std::fs::rename(raw("new.txt"), raw("renamed.txt")).unwrap();
    update_is_full_build("renamed");
    update_is_full_build("unchanged");
    // The theme's date format: every document shows its date anew, while no article's record
    // changes (the records the patch compares must cover what the site adds to an article).
    let strings = std::fs::read_to_string(repo().join("themes/default/strings.toml"))
        .unwrap()
        .replace("day = \"{y}年{m}月{d}日\"", "day = \"{y}.{m}.{d}\"");
    assert!(strings.contains("{y}.{m}.{d}"));
    std::fs::create_dir_all(dir.path().join("themes/default")).unwrap();
    std::fs::write(dir.path().join("themes/default/strings.toml"), strings).unwrap();
    update_is_full_build("date format");
    let shows_new_format = std::fs::read_dir(dir.path().join("public/search/docs"))
        .unwrap()
        .any(|d| {
            std::fs::read_to_string(d.unwrap().path())
                .unwrap()
                .contains(r#""date":"2019.11.25""#)
        });
    assert!(shows_new_format, "the search documents show the theme's date format");

    // A damaged state, then a missing one.
    let mut bytes = std::fs::read(&state).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&state, bytes).unwrap();
    std::fs::write(
        raw("second.txt"),
        article("温州市总工会举办职工技能大赛", "温州市总工会举办焊工比赛。"),
    )
    .unwrap();
    update_is_full_build("damaged state");
    std::fs::remove_file(&state).unwrap();
    std::fs::remove_file(raw("second.txt")).unwrap();
    update_is_full_build("missing state");

    // A state made under another dictionary; then enough articles to need a larger key space.
    std::fs::write(
        raw("second.txt"),
        article("温州市总工会举办职工技能大赛", "温州市总工会举办焊工比赛。"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "title = \"测试文摘\"\npaginate = 2\n[analyze]\ndictionary = [\"焊工比赛\"]\n",
    )
    .unwrap();
    update_is_full_build("another dictionary");
    for n in 0..40 {
        std::fs::write(
            raw(&format!("many{n}.txt")),
            article(
                &format!("第{n}届职工运动会开幕"),
                &format!("第{n}届职工运动会在杭州举行。"),
            ),
        )
        .unwrap();
    }
    update_is_full_build("key space grown");
    std::fs::write(raw("many7.txt"), article("第七届职工运动会闭幕", "运动会圆满闭幕。")).unwrap();
    update_is_full_build("one of many edited");
    std::fs::remove_file(raw("many3.txt")).unwrap();
    update_is_full_build("one of many removed");
}

/// The data export is patched from the previous one on an update, copying the records that
/// did not change (see `render::json_array`). Whatever happened to the articles, to the
/// layout kept in the build cache or to the previous file, the result is what a full build
/// writes.
#[test]
fn a_patched_data_export_is_exactly_what_a_full_build_writes() {
    let dir = sample_site();
    let root = dir.path().to_str().unwrap();
    let public = dir.path().join("public");
    let fresh = dir.path().join("fresh");
    let export = |site: &Path| std::fs::read(site.join("data/articles.json")).unwrap();
    let check = |what: &str| {
        let out = run(&["build", "--root", root]);
        assert!(out.status.success(), "{what}: {}", text(&out.stderr));
        build_fresh(root, &fresh, what);
        assert!(
            export(&public) == export(&fresh),
            "{what}: the export is not a full build's"
        );
        assert!(
            site_files(&public) == site_files(&fresh),
            "{what}: the site is not a full build's"
        );
    };
    let states = || -> Vec<PathBuf> {
        walkdir::WalkDir::new(dir.path().join(".union-digest-cache"))
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.to_string_lossy().ends_with(".data.state"))
            .collect()
    };
    let raw = dir.path().join("content/raw");
    let article = |n: usize| {
        format!(
            "杭州市总工会开展夏送清凉活动\n\n2026年7月{n}日，杭州市总工会组织慰问团，走访户外劳动者站点，送去防暑降温物资。\n\n活动覆盖全市十三个区县，惠及职工两万余人。\n"
        )
    };
    check("first build");
    assert_eq!(states().len(), 1, "the export's layout is kept");
    let records = |site: &Path| {
        serde_json::from_slice::<serde_json::Value>(&export(site))
            .unwrap()
            .as_array()
            .unwrap()
            .len()
    };
    let before = records(&public);

    std::fs::write(raw.join("new.txt"), article(2)).unwrap();
    check("an article added");
    assert_eq!(records(&public), before + 1);
    std::fs::write(raw.join("new.txt"), article(3)).unwrap();
    check("an article edited");
    std::fs::rename(raw.join("new.txt"), raw.join("renamed.txt")).unwrap();
    check("an article renamed");

    // A damaged or missing layout: the export is made in full.
    for state in states() {
        let mut bytes = std::fs::read(&state).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&state, bytes).unwrap();
    }
    std::fs::write(raw.join("renamed.txt"), article(4)).unwrap();
    check("a damaged layout");
    for state in states() {
        std::fs::remove_file(state).unwrap();
    }
    std::fs::write(raw.join("renamed.txt"), article(5)).unwrap();
    check("no layout");

    // A previous export that does not match its layout: longer, or a record's end moved.
    let damaged = public.join("data/articles.json");
    let mut bytes = export(&public);
    bytes.push(b'\n');
    std::fs::write(&damaged, bytes).unwrap();
    std::fs::write(raw.join("renamed.txt"), article(6)).unwrap();
    check("a longer previous export");
    let mut bytes = export(&public);
    // Records are objects at the top level: `}` then `,\n  {` (nested ones are indented more).
    let end = bytes.windows(6).position(|w| w == b"},\n  {").unwrap();
    bytes.swap(end, end + 1);
    std::fs::write(&damaged, bytes).unwrap();
    std::fs::write(raw.join("renamed.txt"), article(7)).unwrap();
    check("a record's end moved in the previous export");

    // Another base URL changes every record's URL; a changed template changes no record.
    let config = dir.path().join("config.toml");
    let settings = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{settings}base_url = \"https://example.org/digest/\"\n"),
    )
    .unwrap();
    check("another base URL");
    let template = std::fs::read_to_string(repo().join("themes/default/templates/article.html")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates")).unwrap();
    std::fs::write(
        dir.path().join("templates/article.html"),
        template.replace("{% block main %}", "{% block main %}<p>模板已修改</p>"),
    )
    .unwrap();
    check("a changed template");

    // Down to no article and back.
    let content = dir.path().join("content");
    let aside = dir.path().join("content-aside");
    std::fs::rename(&content, &aside).unwrap();
    std::fs::create_dir_all(content.join("raw")).unwrap();
    check("no article");
    assert_eq!(export(&public), b"[]");
    std::fs::write(content.join("raw/one.txt"), article(8)).unwrap();
    check("one article");
    std::fs::remove_dir_all(&content).unwrap();
    std::fs::rename(&aside, &content).unwrap();
    check("every article back");
    assert_eq!(records(&public), before + 1);
}
