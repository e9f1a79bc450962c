//! Benchmark corpus generator.
//!
//! ```text
//! cargo run --release --example gen_corpus -- --n 10000 --seed 42 --out /tmp/c10k
//! ```
//!
//! Writes N raw scraped files recombined from the seed articles (content/raw/) as a
//! union-digest site (`OUT/config.toml`, `OUT/content/raw/NNNNN.txt`) and the same articles,
//! clean, as a Hugo site (`OUT-hugo/`), so both tools build the same corpus. Deterministic:
//! the same seed gives the same bytes, and file `i` depends only on the seed and `i` (a 1k
//! corpus is the first thousand files of the 10k one).
//!
//! The raw files carry the defects of real reposts in fixed shares: page chrome
//! (breadcrumbs, 发布时间/来源/浏览次数 lines, 责任编辑, 免责声明 footers), porn-title header
//! lines and 主站蜘蛛池模板 link farms, 包养-family words and fiction spliced into sentences,
//! spun wording, Traditional script, broken lines, GB18030 bytes, CRLF, newspaper pages
//! holding several articles, and reposts (3 % of files: an earlier article again, with other
//! chrome; the Hugo site has it once). Regions are drawn from every province, city and county of
//! bench/data/pca-code.json; dates from 2019–2025.

mod hugo;
mod material;
mod places;
mod raw;
mod rng;
mod story;
mod variation;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Parser;
use rayon::prelude::*;

use material::Material;
use places::{Gazetteer, PlaceSwap};
use raw::{Defects, Polluter, Spinner};
use rng::Rng;
use story::{Composer, Doc};
use variation::Variation;

#[derive(Debug, Parser)]
#[command(about = "Generate a deterministic benchmark corpus (union-digest site + the same articles as a Hugo site)")]
struct Args {
    /// Number of raw files to write.
    #[arg(long)]
    n: u64,
    /// Seed of the corpus.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Site directory to create (the Hugo site goes to OUT-hugo unless --hugo-out is given).
    #[arg(long)]
    out: PathBuf,
    /// Index of the first file (to add files to an existing corpus, e.g. --first 10000 --n 1).
    #[arg(long, default_value_t = 0)]
    first: u64,
    /// Write only content/raw/*.txt into OUT (no config, no Hugo site); OUT may exist.
    #[arg(long)]
    raw_only: bool,
    /// Hugo site directory (default: OUT-hugo).
    #[arg(long)]
    hugo_out: Option<PathBuf>,
}

const SITE_CONFIG: &str = r#"# Benchmark corpus written by `cargo run --example gen_corpus`; every other key at its default.
title = "工会新闻文摘（基准语料）"
base_url = "http://localhost:8000/"
"#;

/// What was written for one raw file.
struct Written {
    bytes: usize,
    stories: usize,
    repost: bool,
    hugo_bytes: usize,
    defects: Defects,
}

/// Share of files that repost an article of one of the previous thousand files.
const REPOST_SHARE: f64 = 0.03;

/// The document of file `index` and the generator to pollute it with; `true` when the file
/// reposts an earlier file's article (the same story, with this file's own pollution).
fn file_doc(composer: &Composer, seed: u64, index: u64) -> (Doc, Rng, bool) {
    let mut rng = Rng::for_article(seed, index);
    if index >= 20 && rng.chance(REPOST_SHARE) {
        let original = index - 1 - rng.below(index.min(1000) as usize) as u64;
        let (doc, _, _) = file_doc(composer, seed, original);
        if matches!(doc, Doc::Single(_)) {
            return (doc, rng, true);
        }
    }
    let doc = composer.doc(&mut rng);
    (doc, rng, false)
}

fn is_nonempty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).is_ok_and(|mut entries| entries.next().is_some())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let raw_dir = args.out.join("content").join("raw");
    let hugo_dir = args.hugo_out.clone().unwrap_or_else(|| {
        let mut name = args.out.as_os_str().to_owned();
        name.push("-hugo");
        PathBuf::from(name)
    });
    let posts_dir = hugo_dir.join("content").join("posts");
    if !args.raw_only {
        if is_nonempty_dir(&args.out.join("content")) || is_nonempty_dir(&posts_dir) {
            bail!(
                "{} or {} already holds content: remove them first (or use --raw-only to add files)",
                args.out.display(),
                hugo_dir.display()
            );
        }
        std::fs::create_dir_all(&args.out)?;
        std::fs::write(args.out.join("config.toml"), SITE_CONFIG)?;
        hugo::write_skeleton(&hugo_dir).with_context(|| format!("writing {}", hugo_dir.display()))?;
    }
    std::fs::create_dir_all(&raw_dir).with_context(|| format!("creating {}", raw_dir.display()))?;

    let material = Material::load();
    let gazetteer = Gazetteer::load();
    let swap = PlaceSwap::new();
    let variation = Variation::new();
    let spinner = Spinner::new();
    let composer = Composer {
        material: &material,
        gazetteer: &gazetteer,
        swap: &swap,
        variation: &variation,
    };
    let polluter = Polluter {
        material: &material,
        gazetteer: &gazetteer,
        spinner: &spinner,
    };

    let written: Vec<Written> = (args.first..args.first + args.n)
        .into_par_iter()
        .map(|i| -> anyhow::Result<Written> {
            let (doc, mut rng, repost) = file_doc(&composer, args.seed, i);
            let (bytes, defects) = polluter.raw(&doc, &mut rng);
            let path = raw_dir.join(format!("{i:05}.txt"));
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            let mut hugo_bytes = 0;
            if !args.raw_only && !repost {
                hugo_bytes = write_posts(&doc, i, &posts_dir, &gazetteer)?;
            }
            Ok(Written {
                bytes: bytes.len(),
                stories: if repost { 0 } else { doc.stories().len() },
                repost,
                hugo_bytes,
                defects,
            })
        })
        .collect::<anyhow::Result<_>>()?;

    summarize(&args, &hugo_dir, &written);
    Ok(())
}

/// One Hugo post per article of the file (several for a newspaper page).
fn write_posts(doc: &Doc, index: u64, dir: &Path, gazetteer: &Gazetteer) -> anyhow::Result<usize> {
    let stories = doc.stories();
    let mut bytes = 0;
    for (k, story) in stories.iter().enumerate() {
        let name = if stories.len() == 1 {
            format!("{index:05}.md")
        } else {
            format!("{index:05}-{}.md", k + 1)
        };
        let text = hugo::post(story, gazetteer);
        let path = dir.join(name);
        std::fs::write(&path, &text).with_context(|| format!("writing {}", path.display()))?;
        bytes += text.len();
    }
    Ok(bytes)
}

fn summarize(args: &Args, hugo_dir: &Path, written: &[Written]) {
    let files = written.len();
    let bytes: usize = written.iter().map(|w| w.bytes).sum();
    let stories: usize = written.iter().map(|w| w.stories).sum();
    let pages = written.iter().filter(|w| w.stories > 1).count();
    let reposts = written.iter().filter(|w| w.repost).count();
    let smallest = written.iter().map(|w| w.bytes).min().unwrap_or(0);
    let largest = written.iter().map(|w| w.bytes).max().unwrap_or(0);
    println!(
        "raw: {files} files, {stories} articles ({pages} multi-article pages, {reposts} reposts), {:.1} MB, {smallest}–{largest} bytes per file → {}",
        bytes as f64 / 1e6,
        args.out.join("content/raw").display()
    );
    if !args.raw_only {
        let hugo_bytes: usize = written.iter().map(|w| w.hugo_bytes).sum();
        println!(
            "hugo: {stories} posts, {:.1} MB → {}",
            hugo_bytes as f64 / 1e6,
            hugo_dir.display()
        );
    }
    let defects: Vec<Defects> = written.iter().map(|w| w.defects).collect();
    let shares: Vec<String> = raw::count(&defects)
        .into_iter()
        .map(|(name, n)| format!("{name} {n}"))
        .collect();
    println!("defects (files): {}", shares.join(", "));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generate(seed: u64, index: u64) -> (Vec<u8>, Doc, Defects, Material) {
        let material = Material::load();
        let gazetteer = Gazetteer::load();
        let swap = PlaceSwap::new();
        let variation = Variation::new();
        let spinner = Spinner::new();
        let composer = Composer {
            material: &material,
            gazetteer: &gazetteer,
            swap: &swap,
            variation: &variation,
        };
        let polluter = Polluter {
            material: &material,
            gazetteer: &gazetteer,
            spinner: &spinner,
        };
        let (doc, mut rng, _) = file_doc(&composer, seed, index);
        let (bytes, defects) = polluter.raw(&doc, &mut rng);
        (bytes, doc, defects, material)
    }

    #[test]
    fn same_seed_and_index_give_identical_bytes() {
        for i in [0, 1, 999] {
            assert_eq!(generate(42, i).0, generate(42, i).0);
        }
        assert_ne!(generate(42, 0).0, generate(43, 0).0);
    }

    #[test]
    fn a_repost_carries_an_earlier_article() {
        let material = Material::load();
        let gazetteer = Gazetteer::load();
        let swap = PlaceSwap::new();
        let variation = Variation::new();
        let composer = Composer {
            material: &material,
            gazetteer: &gazetteer,
            swap: &swap,
            variation: &variation,
        };
        let (index, doc) = (20..2000)
            .find_map(|i| match file_doc(&composer, 42, i) {
                (doc, _, true) => Some((i, doc)),
                _ => None,
            })
            .expect("3 % of 2000 files are reposts");
        let title = &doc.stories()[0].title;
        assert!((index.saturating_sub(1000)..index)
            .any(|j| matches!(file_doc(&composer, 42, j), (d, _, false) if &d.stories()[0].title == title)));
    }

    #[test]
    fn raw_files_are_article_sized_and_hold_every_title() {
        for i in 0..80 {
            let (bytes, doc, defects, material) = generate(7, i);
            assert!((700..=20_000).contains(&bytes.len()), "file {i}: {} bytes", bytes.len());
            let text = if defects.gb18030 {
                encoding_rs::GB18030.decode(&bytes).0.into_owned()
            } else {
                String::from_utf8(bytes).unwrap()
            };
            for story in doc.stories() {
                let mut title = story.title.clone();
                if defects.spun {
                    title = Spinner::new().apply(&title);
                }
                if defects.traditional {
                    title = material.s2t.convert(&title);
                }
                assert!(text.contains(&title), "file {i}: {title} not in\n{text}");
            }
        }
    }
}
