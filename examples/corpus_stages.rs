//! The per-file and corpus-wide stages of a build alone (no site model, no rendering), with
//! the site's build cache: for profiling and for checking that their output did not change.
//!
//! ```text
//! cargo run --release --example corpus_stages -- --root /tmp/c10k [--dump out.json] [--no-cache]
//! ```
//!
//! Prints the stage timings of `Pipeline::load_corpus`; with `--dump`, writes every article
//! it produced (JSON, in corpus order) so two versions of the tool can be compared byte for
//! byte.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

/// The allocator of the tool's binary (src/main.rs), so that timings compare.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use union_digest::build::{load_config, Pipeline};

#[derive(Debug, Parser)]
#[command(about = "Time ingest, clean, analyze and corpus analysis over a site's content")]
struct Args {
    /// Site directory holding config.toml and content/.
    #[arg(long)]
    root: PathBuf,
    /// Write the articles (JSON) here.
    #[arg(long)]
    dump: Option<PathBuf>,
    /// Neither read nor write the build cache.
    #[arg(long)]
    no_cache: bool,
    /// Only time building the cleaner and the analyzer (one after the other).
    #[arg(long)]
    construct: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let started = Instant::now();
    let config = load_config(&args.root)?;
    if args.construct {
        let t = Instant::now();
        std::hint::black_box(union_digest::clean::Cleaner::new(&config));
        println!("{:<24} {:8.3} s", "Cleaner::new", t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(union_digest::analyze::Analyzer::new(&config));
        println!("{:<24} {:8.3} s", "Analyzer::new", t.elapsed().as_secs_f64());
        let t = Instant::now();
        std::hint::black_box(union_digest::analyze::dictionary::stock());
        println!("{:<24} {:8.3} s", "stock dictionary", t.elapsed().as_secs_f64());
        return Ok(());
    }
    let mut pipeline = Pipeline::new(config);
    if !args.no_cache {
        pipeline = pipeline.with_cache(&args.root);
    }
    let corpus = pipeline.load_corpus(&args.root);
    for (stage, secs) in &corpus.timings {
        println!("{stage:<24} {secs:8.3} s");
    }
    println!("{:<24} {:8.3} s", "total", started.elapsed().as_secs_f64());
    println!("{} articles, {} warnings", corpus.articles.len(), corpus.warnings.len());
    if let Some(path) = &args.dump {
        std::fs::write(path, serde_json::to_vec(&corpus.articles)?)?;
    }
    Ok(())
}
