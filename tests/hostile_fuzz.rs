//! Never panic: property tests over generated hostile input for every stage that reads what
//! users and scrapers supply: ingest (arbitrary bytes), the per-file pipeline (arbitrary
//! strings and byte-level mutations of the seed articles), front matter (TOML-ish text),
//! plus the safety invariants (sanitised Markdown, slugs, escaping, URL resolution).
//!
//! `cargo test` runs 256 cases per property. `scripts/fuzz.sh` runs 100 000 (it sets
//! PROPTEST_CASES, read by `props::config`). A failing case is shrunk and saved by proptest in
//! `tests/hostile_fuzz.proptest-regressions`; commit that file with the fix so the case is
//! replayed by every later run.

#[path = "common/props.rs"]
mod props;
#[path = "hostile/support.rs"]
mod support;

use std::sync::OnceLock;

use proptest::prelude::*;

use union_digest::build::Pipeline;
use union_digest::config::Config;
use union_digest::ingest::{ingest, IngestError};
use union_digest::model::SourceKind;

/// The per-file stages, built once: later cleaning steps load lexicons and dictionaries.
fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| Pipeline::new(Config::default()))
}

const SEEDS: [&[u8]; 5] = [
    include_bytes!("../content/raw/000_70964535053b85f1.txt"),
    include_bytes!("../content/raw/001_2ba259b3f4eff141.txt"),
    include_bytes!("../content/raw/002_f2ea2cf918036bb2.txt"),
    include_bytes!("../content/raw/003_f1521f5082b377c5.txt"),
    include_bytes!("../content/raw/004_ae5e4d94e8aab770.txt"),
];

/// Run one file through ingest, clean and analyze as both kinds, checking what every
/// outcome must satisfy whatever the input.
fn check_pipeline(bytes: &[u8]) -> Result<(), TestCaseError> {
    for (kind, file) in [(SourceKind::Raw, "fuzz.txt"), (SourceKind::Curated, "fuzz.md")] {
        let outcome = pipeline().process_bytes(bytes, file, kind);
        for w in &outcome.warnings {
            prop_assert_eq!(&w.file, file);
        }
        if let Some(e) = &outcome.error {
            prop_assert!(kind == SourceKind::Curated, "raw text cannot be invalid: {}", e);
            prop_assert!(e.line >= 1 && !e.message.is_empty(), "{}", e);
        }
        for a in &outcome.articles {
            prop_assert!(!a.clean.title.contains('\0'));
            prop_assert!(a.clean.body.iter().any(|p| !p.trim().is_empty()) || a.clean.markdown.is_some());
        }
    }
    Ok(())
}

/// Bytes shaped like the files scrapers produce: raw bytes, behind a BOM, double-byte runs
/// (GBK/Big5 territory), broken UTF-8 and UTF-16.
fn file_bytes() -> impl Strategy<Value = Vec<u8>> {
    let bom = prop_oneof![
        Just(vec![]),
        Just(vec![0xEF, 0xBB, 0xBF]),
        Just(vec![0xFF, 0xFE]),
        Just(vec![0xFE, 0xFF]),
    ];
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..2048),
        prop::collection::vec(0x81u8..=0xFE, 0..2048),
        any::<String>().prop_map(String::into_bytes),
        (any::<String>(), any::<usize>()).prop_map(|(s, cut)| {
            let mut b = s.into_bytes();
            let keep = if b.is_empty() { 0 } else { cut % b.len() };
            b.truncate(keep);
            b
        }),
        any::<String>().prop_map(|s| s.encode_utf16().flat_map(u16::to_le_bytes).collect()),
    ];
    (bom, body).prop_map(|(mut b, rest)| {
        b.extend(rest);
        b
    })
}

/// Byte-level mutations of a seed article: flips, insertions, deletions, duplications and
/// splices of text that trips parsers (front-matter fences, NUL, CR, BOMs, markup, very
/// long lines).
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Splice(usize, &'static str),
    Truncate(usize),
}

const SPLICES: &[&str] = &[
    "+++\n",
    "\n+++\n",
    "\0",
    "\r",
    "\r\n",
    "\u{FEFF}",
    "\u{FFFD}",
    "<script>alert(1)</script>",
    "——",
    "。\n",
    "\n\n\n",
    "原标题:",
    "来源:",
    "责任编辑:",
    "主站蜘蛛池模板:",
    "第一章",
    "\u{202E}",
    "\u{200B}",
    "\t\t",
    "title = \"x\"\n",
    "[[[[[[",
    "`````",
    "<!--",
    "]]]]",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..16)).prop_map(|(p, b)| Mutation::Insert(p, b)),
        (any::<usize>(), 1usize..512).prop_map(|(p, n)| Mutation::Delete(p, n)),
        (any::<usize>(), 1usize..2048).prop_map(|(p, n)| Mutation::Duplicate(p, n)),
        (any::<usize>(), prop::sample::select(SPLICES)).prop_map(|(p, s)| Mutation::Splice(p, s)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(seed: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for m in mutations {
        let at = |p: usize, len: usize| if len == 0 { 0 } else { p % (len + 1) };
        match m {
            Mutation::Flip(p, v) if !b.is_empty() => {
                let i = p % b.len();
                b[i] ^= v | 1;
            }
            Mutation::Flip(..) => {}
            Mutation::Insert(p, bytes) => {
                let i = at(*p, b.len());
                b.splice(i..i, bytes.iter().copied());
            }
            Mutation::Delete(p, n) => {
                let i = at(*p, b.len());
                let end = (i + n).min(b.len());
                b.drain(i..end);
            }
            Mutation::Duplicate(p, n) => {
                let i = at(*p, b.len());
                let end = (i + n).min(b.len());
                let copy = b[i..end].to_vec();
                b.splice(end..end, copy);
            }
            Mutation::Splice(p, s) => {
                let i = at(*p, b.len());
                b.splice(i..i, s.bytes());
            }
            Mutation::Truncate(p) => {
                let i = at(*p, b.len());
                b.truncate(i);
            }
        }
    }
    b
}

/// One TOML-ish front-matter line: known, unknown and quoted keys; well-formed and broken
/// values of every type; table headers, comments and junk.
fn front_matter_line() -> impl Strategy<Value = String> {
    let key = prop::sample::select(vec![
        "title",
        "subtitle",
        "kicker",
        "date",
        "source",
        "authors",
        "region",
        "themes",
        "draft",
        "slug",
        "path",
        "titel",
        "\"title\"",
        "'slug'",
        "title.x",
        "",
    ]);
    let value = prop_oneof![
        any::<String>().prop_map(|s| format!("{s:?}")),
        "[^'\n]{0,40}".prop_map(|s| format!("'{s}'")),
        "[^\"\n]{0,40}".prop_map(|s| format!("\"{s}")),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        (0u32..10000, 0u32..20, 0u32..40).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        (0u32..10000, 0u32..20).prop_map(|(y, m)| format!("\"{y}-{m}\"")),
        "[0-9T:Z.+-]{1,30}",
        prop::collection::vec(any::<String>(), 0..4).prop_map(|v| format!("{v:?}")),
        Just("[\"a\", 1, true]".to_string()),
        Just("{ a = 1 }".to_string()),
        Just("[[[[[[[[[[".to_string()),
        Just("\"\"\"\nmulti\nline\"\"\"".to_string()),
        any::<String>(),
    ];
    prop_oneof![
        4 => (key, value).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => "\\[[a-z\\[\\]]{0,10}\\]?".prop_map(|s| s),
        1 => "#[^\n]{0,20}".prop_map(|s| s),
        1 => any::<String>(),
    ]
}

fn front_matter_file() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(front_matter_line(), 0..8),
        any::<bool>(),
        any::<bool>(),
        any::<String>(),
    )
        .prop_map(|(lines, open, close, body)| {
            let mut text = String::new();
            if open {
                text.push_str("+++\n");
            }
            text.push_str(&lines.join("\n"));
            if close {
                text.push_str("\n+++\n");
            }
            text.push_str(&body);
            text
        })
}

/// HTML and Markdown assembled from the pieces XSS attacks are made of.
fn hostile_markup() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "<",
        ">",
        "</",
        "/>",
        "\"",
        "'",
        "=",
        " ",
        "\n",
        "\n\n",
        "&",
        "&#",
        "&#x6a;",
        "&colon;",
        ";",
        "\t",
        "\0",
        "script",
        "SCRIPT",
        "img",
        "svg",
        "a",
        "iframe",
        "style",
        "object",
        "math",
        "xlink:href",
        "src",
        "href",
        "onerror",
        "onload",
        "OnClick",
        "javascript:",
        "java\tscript:",
        "JaVaScRiPt",
        "vbscript:",
        "data:",
        "alert(1)",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "[x](",
        ")",
        "![y](",
        "<javascript:",
        "[r]: ",
        "`",
        "```",
        "正文",
        "。",
        "*",
        "_",
        "#",
        "|",
        "-",
        "1.",
        ">",
    ]);
    prop::collection::vec(piece, 0..64).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(props::config(256))]

    #[test]
    fn ingest_never_panics(bytes in file_bytes(), curated in any::<bool>()) {
        let kind = if curated { SourceKind::Curated } else { SourceKind::Raw };
        match ingest(&bytes, "f", kind) {
            Ok(doc) => {
                prop_assert!(!doc.text.contains('\0') && !doc.text.contains('\r'));
                prop_assert!(doc.body_line >= 1);
            }
            Err(IngestError::Skip(why)) => prop_assert!(why.ends_with("skipped"), "{}", why),
            Err(IngestError::Invalid(e)) => {
                prop_assert!(curated);
                prop_assert!(e.line >= 1 && !e.message.is_empty(), "{}", e);
            }
        }
    }

    #[test]
    fn pipeline_never_panics_on_strings(text in any::<String>()) {
        check_pipeline(text.as_bytes())?;
    }

    #[test]
    fn pipeline_never_panics_on_mutated_seeds(
        seed in 0usize..SEEDS.len(),
        mutations in prop::collection::vec(mutation(), 1..8),
    ) {
        check_pipeline(&mutate(SEEDS[seed], &mutations))?;
    }

    #[test]
    fn front_matter_errors_are_located_never_panics(text in front_matter_file()) {
        let lines = text.split('\n').count();
        match ingest(text.as_bytes(), "c/f.md", SourceKind::Curated) {
            Ok(doc) => prop_assert!(doc.front.slug.as_deref().is_none_or(|s| !s.contains('\0'))),
            Err(IngestError::Invalid(e)) => {
                prop_assert!(e.line >= 1 && e.line <= lines + 1, "line {} of {}: {}", e.line, lines, e);
                prop_assert!(e.to_string().starts_with("c/f.md:"), "{}", e);
                prop_assert!(!e.to_string().contains('\n'), "an error is one line: {:?}", e.to_string());
            }
            Err(IngestError::Skip(why)) => prop_assert!(why.ends_with("skipped"), "{}", why),
        }
        check_pipeline(text.as_bytes())?;
    }

    #[test]
    fn sanitised_markdown_never_carries_script(markup in hostile_markup()) {
        let html = union_digest::render::markdown::to_html(&markup, "t");
        let found = support::dangerous_markup(&html);
        prop_assert!(found.is_empty(), "{:?} → {:?}", markup, found);
    }

    #[test]
    fn slugs_are_always_safe_path_segments(
        wish in prop_oneof![any::<String>(), "[\u{3400}-\u{4dbf}\u{4e00}-\u{9fff}./\\ a-zA-Z0-9-]{1,12}"],
    ) {
        let slug = union_digest::site::slug::sanitize(&wish);
        prop_assert!(slug.is_empty() || union_digest::site::slug::is_ascii_slug(&slug), "{:?} → {:?}", wish, slug);
        let words = union_digest::site::slug::title_pinyin(&wish, 6);
        prop_assert!(words.is_empty() || union_digest::site::slug::is_ascii_slug(&words), "{:?} → {:?}", wish, words);
        if !slug.is_empty() {
            static STAGING: OnceLock<(tempfile::TempDir, union_digest::render::output::Staging)> = OnceLock::new();
            let (_, staging) = STAGING.get_or_init(|| {
                let dir = tempfile::tempdir().unwrap();
                let staging = union_digest::render::output::Staging::create(&dir.path().join("public")).unwrap();
                (dir, staging)
            });
            let path = staging.path_of(&format!("articles/{slug}/index.html")).unwrap();
            prop_assert!(path.starts_with(&staging.dir));
        }
    }

    #[test]
    fn escaping_leaves_no_markup(text in any::<String>()) {
        let xml = union_digest::render::feeds::xml_escape(&text);
        prop_assert!(!xml.contains('<') && !xml.contains('>'));
        let json = union_digest::render::feeds::to_json_compact(&text).unwrap();
        prop_assert!(!json.contains(&b'<') && !json.contains(&b'>'));
        let back: String = serde_json::from_slice(&json).unwrap();
        prop_assert_eq!(back, text);
    }

    #[test]
    fn served_paths_stay_inside_the_output(url in "(/|%2[eEfF]|%5[cC]|%00|\\.|\\.\\.|[a-z]|\\\\|\\?|#){0,24}") {
        let out = std::path::Path::new("/srv/public");
        if let Some(path) = union_digest::serve::resolve(out, &url) {
            prop_assert!(path.starts_with(out));
            prop_assert!(!path.components().any(|c| c == std::path::Component::ParentDir), "{:?}", path);
        }
    }

    #[test]
    fn line_col_never_panics(text in any::<String>(), offset in any::<usize>()) {
        let (line, column) = union_digest::error::line_col(&text, offset);
        prop_assert!(line >= 1 && column >= 1);
    }
}

/// Inputs nested deep enough to overflow a recursive parser's stack (test threads, like the
/// build's worker threads, have small stacks), or to make a parser that is quadratic in the
/// nesting depth run for minutes (the HTML sanitiser was: 4 000 nested `- ` took 10 s).
#[test]
fn deep_nesting_neither_overflows_nor_stalls() {
    let depth = 10_000;
    let nested_toml = format!("+++\ntitle = {}{}\n+++\n正文。\n", "[".repeat(depth), "]".repeat(depth));
    assert!(matches!(
        ingest(nested_toml.as_bytes(), "deep.md", SourceKind::Curated),
        Err(IngestError::Invalid(_))
    ));
    let inline_tables = format!("+++\ntitle = {}1{}\n+++\n", "{a=".repeat(depth), "}".repeat(depth));
    assert!(ingest(inline_tables.as_bytes(), "deep.md", SourceKind::Curated).is_err());
    for markdown in [
        ">".repeat(depth) + " 正文",
        "<div>".repeat(depth) + "正文",
        "- ".repeat(depth) + "正文",
        "*".repeat(depth) + "正文" + &"*".repeat(depth),
        "[".repeat(depth) + "正文" + &"](x)".repeat(depth),
    ] {
        let html = union_digest::render::markdown::to_html(&markdown, "t");
        assert!(support::dangerous_markup(&html).is_empty());
        assert!(
            html.contains("正文"),
            "the text survives: {}",
            &html[..html.len().min(200)]
        );
        check_pipeline(markdown.as_bytes()).unwrap();
    }
}
