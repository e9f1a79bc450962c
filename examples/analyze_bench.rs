//! Throughput of the analyze stage (regions, themes, keywords, reposts), apart from the rest
//! of the build, and how much of it is word segmentation.
//!
//! ```text
//! cargo run --release --example analyze_bench -- [--repeat N] [FILE_OR_DIR ...]
//! ```
//!
//! Articles are read from the given files or directories (default `content/`), ingested and
//! cleaned once (not timed), then analysed `--repeat` times over (default 50). Reports
//! articles/s and MB/s (UTF-8 bytes of title and body) for one thread and for all threads,
//! the share of segmentation in the per-article time, the set-up cost of an `Analyzer`, and
//! the corpus-wide step (repost detection and keywords).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;
use union_digest::analyze::doc::Doc;
use union_digest::analyze::Analyzer;
use union_digest::clean::Cleaner;
use union_digest::config::Config;
use union_digest::model::{CleanArticle, SourceKind};
use union_digest::{content, ingest};

fn main() -> Result<()> {
    let mut repeat = 50usize;
    let mut inputs: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--repeat" {
            let n = args.next().context("--repeat needs a number")?;
            repeat = n.parse().context("--repeat needs a number")?;
        } else {
            inputs.push(PathBuf::from(arg));
        }
    }
    if inputs.is_empty() {
        inputs.push(PathBuf::from("content"));
    }
    let config = Config::default();
    let cleaner = Cleaner::new(&config);
    let mut articles: Vec<CleanArticle> = Vec::new();
    for path in files(&inputs) {
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let kind = content::kind_of(&path).unwrap_or(SourceKind::Raw);
        if let Ok(doc) = ingest::ingest(&bytes, &path.to_string_lossy(), kind) {
            articles.extend(cleaner.clean(&doc));
        }
    }
    if articles.is_empty() {
        bail!("no article found in {inputs:?}");
    }
    let originals = articles.len();
    let corpus: Vec<CleanArticle> = (0..repeat).flat_map(|_| articles.iter().cloned()).collect();
    let bytes: usize = corpus.iter().map(|c| c.full_text().len()).sum();
    let mb = bytes as f64 / 1_000_000.0;
    println!(
        "{} articles ({originals} distinct × {repeat}), {mb:.1} MB of text, {} threads",
        corpus.len(),
        rayon::current_num_threads()
    );

    let started = Instant::now();
    let analyzer = Analyzer::new(&config);
    println!(
        "Analyzer::new (dictionary, gazetteer, taxonomy): {:.3} s",
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let words: usize = corpus
        .iter()
        .map(|c| analyzer.segmenter().words(&Doc::new(c).text).len())
        .sum();
    let segmentation = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let single: Vec<_> = corpus
        .iter()
        .take(corpus.len() / 4 + 1)
        .cloned()
        .map(|c| analyzer.analyze(c))
        .collect();
    let single_secs = started.elapsed().as_secs_f64() * corpus.len() as f64 / single.len() as f64;

    let started = Instant::now();
    let analyzed: Vec<_> = corpus.into_par_iter().map(|c| analyzer.analyze(c)).collect();
    let parallel = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let merged = analyzer.analyze_corpus(analyzed, true);
    let corpus_secs = started.elapsed().as_secs_f64();

    let n = (originals * repeat) as f64;
    println!(
        "segmentation alone, 1 thread: {segmentation:.3} s ({words} words, {:.1} MB/s)",
        mb / segmentation
    );
    println!(
        "analyze, 1 thread:  {:.0} articles/s, {:.2} MB/s (segmentation {:.0}% of it)",
        n / single_secs,
        mb / single_secs,
        100.0 * segmentation / single_secs
    );
    println!(
        "analyze, parallel:  {:.0} articles/s, {:.2} MB/s",
        n / parallel,
        mb / parallel
    );
    println!(
        "analyze_corpus (reposts + keywords): {corpus_secs:.3} s, {} articles after merging",
        merged.len()
    );
    Ok(())
}

/// Article files under the given paths, sorted.
fn files(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            for entry in walkdir::WalkDir::new(input).into_iter().flatten() {
                if entry.file_type().is_file() && content::kind_of(entry.path()).is_some() {
                    out.push(entry.into_path());
                }
            }
        } else {
            out.push(input.clone());
        }
    }
    out.sort();
    out
}
