//! Time the search index of a real site: load its articles as a build does (from the build
//! cache when it is warm), then build the index several times and print the time, the sizes
//! and what typical queries download (the shards of their terms; the per-result files come on
//! top).
//!
//! ```text
//! cargo run --release --example search_bench -- SITE_ROOT [RUNS] [QUERY...]
//! ```

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use union_digest::analyze::themes::Taxonomy;
use union_digest::build::{load_config, Pipeline};
use union_digest::render::search::{self, bigrams_and_ascii, normalise};
use union_digest::render::theme::Theme;
use union_digest::render::views::Views;
use union_digest::site::Site;

/// The binary's allocator, so the times are the build's: with glibc's malloc a fifth of a
/// profile of this example was in malloc and free.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    let runs: usize = args.next().map_or(Ok(3), |s| s.parse())?;
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = ["工会驿站", "集体协商", "郑荣胜", "劳模", "5G"]
            .map(String::from)
            .to_vec();
    }
    let config = load_config(&root)?;
    let theme = Theme::load(&root, &config.theme)?;
    let started = Instant::now();
    let pipeline = Pipeline::new(config.clone()).with_cache(&root);
    let corpus = pipeline.load_corpus(&root);
    println!(
        "loaded {} articles in {:.2} s",
        corpus.articles.len(),
        started.elapsed().as_secs_f64()
    );
    let unsegmented = corpus.articles.iter().filter(|a| a.search_words.is_none()).count();
    if unsegmented > 0 {
        println!("{unsegmented} articles without search words: the index segments them itself");
    }
    let site = Site::build(config.clone(), Taxonomy::load(&config.themes), corpus.articles, false);
    let views = Views::new(&site, &theme);
    let segmenter = search::Segmenter::new(&config.analyze.dictionary);
    let mut index = search::SearchIndex::default();
    for _ in 0..runs.max(1) {
        let started = Instant::now();
        let cpu = cpu_seconds();
        let docs = views.search_docs();
        let docs_secs = started.elapsed().as_secs_f64();
        index = search::build(&docs, &segmenter);
        let build_secs = started.elapsed().as_secs_f64() - docs_secs;
        let records: Vec<search::Fingerprint> = docs.iter().map(search::fingerprint).collect();
        let state_started = Instant::now();
        let state = search::full_state(&index, &docs, &records, &[0; 32]).unwrap_or_default();
        println!(
            "search_docs {docs_secs:.3} s, search::build {build_secs:.3} s, its state {:.3} s \
             ({} KiB); all {:.2} s of CPU",
            state_started.elapsed().as_secs_f64(),
            state.len() / 1024,
            cpu_seconds() - cpu
        );
    }
    let s = index.stats;
    println!(
        "{} docs, {} terms, {} postings, {} shards of {} KiB (largest {} KiB), doc files {} KiB, key space {}",
        s.docs,
        s.terms,
        s.postings,
        index.shard_count,
        s.shard_bytes / 1024,
        s.largest_shard / 1024,
        s.doc_bytes / 1024,
        index.key_space
    );
    for query in &queries {
        let q = normalise(query);
        let mut shards: BTreeSet<usize> = bigrams_and_ascii(&q)
            .iter()
            .map(|t| search::fnv1a(t) as usize % index.shard_count)
            .collect();
        if search::is_long_word(&q) {
            shards.insert(search::fnv1a(&q) as usize % index.shard_count);
        }
        let bytes: usize = shards
            .iter()
            .map(|k| {
                let path = format!("search/shards/{k}.json");
                index.files.iter().find(|(p, _)| *p == path).map_or(0, |(_, b)| b.len())
            })
            .sum();
        println!(
            "query {query}: {} shards, {:.1} KiB",
            shards.len(),
            bytes as f64 / 1024.0
        );
    }
    Ok(())
}

/// CPU time of this process so far (user + system, from /proc; 0 elsewhere): less disturbed
/// than wall time by other work on a shared machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start at its closing parenthesis.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}
