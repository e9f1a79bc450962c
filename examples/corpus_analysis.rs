//! Corpus analysis alone (reposts merged, keywords picked), repeated over a built site's
//! cached articles: for profiling it without the per-file stages or rendering around it.
//!
//! ```text
//! cargo run --release --example corpus_analysis -- --root /tmp/c10k [--runs 5] [--dump out.json]
//! ```
//!
//! Reads every article file's entry from the site's build cache (computing the missing ones
//! first), then times `analyze::analyze_corpus_remembering` `--runs` times (the first without
//! the site's remembered repost verdicts, the others with them), then its parts alone. With `--dump`, writes the articles of
//! the last run (JSON), to compare two versions of the tool byte for byte.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use rayon::prelude::*;

/// The allocator of the tool's binary (src/main.rs), so that timings compare.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use union_digest::analyze::keywords::{self, PackedTerms};
use union_digest::analyze::repost_memo::Verdicts;
use union_digest::analyze::reposts::{self, Fingerprint, Shingles};
use union_digest::analyze::{self, CorpusInputs};
use union_digest::build::{load_config, Pipeline};
use union_digest::cache::Cache;
use union_digest::model::Article;

#[derive(Debug, Parser)]
#[command(about = "Time corpus analysis over a built site's cached articles")]
struct Args {
    /// Site directory holding config.toml, content/ and the build cache.
    #[arg(long)]
    root: PathBuf,
    /// Times to run corpus analysis.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Write the articles of the last run (JSON) here.
    #[arg(long)]
    dump: Option<PathBuf>,
    /// Only run one part, `groups` (with the memo) or `pick`, `--runs` times (for a profiler).
    #[arg(long)]
    only: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let config = load_config(&args.root)?;
    // Entries the cache lacks (a new version of the tool) are computed and cached first.
    let started = Instant::now();
    let warmed = Pipeline::new(config.clone())
        .with_cache(&args.root)
        .load_corpus(&args.root);
    println!(
        "per-file stages over {} files: {:.3} s",
        warmed.files_read,
        started.elapsed().as_secs_f64()
    );
    drop(warmed);
    let config_json = serde_json::to_string(&config)?;
    let cache = Cache::open(&args.root, &config_json);
    let (files, _) = union_digest::content::walk(&args.root);
    let started = Instant::now();
    let entries: Vec<_> = files
        .par_iter()
        .filter_map(|f| {
            let bytes = std::fs::read(&f.path).ok()?;
            cache.get(&cache.key(&f.rel, f.kind, &bytes))
        })
        .collect();
    let analyzed: Vec<(Article, CorpusInputs)> = entries
        .into_iter()
        .flat_map(|e| e.articles.into_iter().zip(e.inputs))
        .collect();
    println!(
        "{} articles, decoded in {:.3} s",
        analyzed.len(),
        started.elapsed().as_secs_f64()
    );
    let per_article = config.analyze.keywords_per_article;
    let memo = cache.dir().join(analyze::repost_memo::FILE);
    if let Some(part) = &args.only {
        let known = Verdicts::load(&memo);
        let fingerprints: Vec<&Fingerprint> = analyzed.iter().map(|(_, i)| &i.fingerprint).collect();
        let terms: Vec<&PackedTerms> = analyzed.iter().map(|(_, i)| &i.terms).collect();
        let clock = Clock::start();
        for _ in 0..args.runs {
            match part.as_str() {
                "groups" => {
                    std::hint::black_box(reposts::groups(
                        &fingerprints,
                        |i| Shingles::new(&analyzed[i].0.clean.body),
                        &known,
                    ));
                }
                "pick" => {
                    std::hint::black_box(keywords::pick(&terms, per_article));
                }
                _ => anyhow::bail!("--only takes groups or pick"),
            }
        }
        println!("{} runs of {part}: {}", args.runs, clock.read());
        return Ok(());
    }
    let mut last = Vec::new();
    for run in 1..=args.runs {
        // The first run without the memo; the second writes it, the others read it.
        let memo = (run > 1).then_some(memo.as_path());
        let input = analyzed.clone();
        let clock = Clock::start();
        last = analyze::analyze_corpus_remembering(input, true, per_article, memo);
        println!(
            "run {run}: corpus analysis {}{}, {} articles",
            clock.read(),
            if memo.is_some() { " with memo" } else { "" },
            last.len()
        );
    }
    // Its parts alone, over every article (before merging).
    let known = Verdicts::load(&memo);
    let fingerprints: Vec<&Fingerprint> = analyzed.iter().map(|(_, i)| &i.fingerprint).collect();
    let terms: Vec<&PackedTerms> = analyzed.iter().map(|(_, i)| &i.terms).collect();
    for _ in 0..args.runs {
        let clock = Clock::start();
        let grouping = reposts::groups(&fingerprints, |i| Shingles::new(&analyzed[i].0.clean.body), &known);
        let groups = clock.read();
        let clock = Clock::start();
        let fresh = reposts::groups(
            &fingerprints,
            |i| Shingles::new(&analyzed[i].0.clean.body),
            &Verdicts::default(),
        );
        let fresh_groups = clock.read();
        assert_eq!(grouping, fresh);
        let clock = Clock::start();
        std::hint::black_box(keywords::pick(&terms, per_article));
        println!(
            "repost groups {groups} (without memo {fresh_groups}, {} verdicts), keyword pick {}",
            grouping.verdicts.len(),
            clock.read()
        );
    }
    if let Some(path) = &args.dump {
        std::fs::write(path, serde_json::to_vec(&last)?)?;
    }
    Ok(())
}

/// Wall and CPU time (all threads) since it started.
struct Clock {
    wall: Instant,
    cpu: f64,
}

impl Clock {
    fn start() -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_seconds(),
        }
    }

    fn read(&self) -> String {
        format!(
            "{:.4} s (cpu {:.4} s)",
            self.wall.elapsed().as_secs_f64(),
            cpu_seconds() - self.cpu
        )
    }
}

/// CPU time of the process so far, user and system.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}
