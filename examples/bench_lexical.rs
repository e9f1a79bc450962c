//! Throughput of the lexical cleaning steps (and of the whole cleaner) on one core.
//!
//! `cargo run --release --example bench_lexical [MB]` builds two corpora of about MB
//! megabytes (default 12) from the seed articles in content/raw/, each copy varied so nothing
//! is cached: all five seeds (a worst case: 40% Traditional, 40% spam pages, 20% spun) and
//! the three genuine Simplified seeds (001, 002, 004). It reports MB/s per step, the best of
//! three runs. Not a test: timings depend on the machine.

use std::time::Instant;

use union_digest::clean::{despin, gloss, punct, script, spam, Cleaner, Page};
use union_digest::config::Config;
use union_digest::ingest::ingest;
use union_digest::model::{RawDoc, SourceKind};

fn main() {
    let megabytes: f64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(12.0);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("content/raw");
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("content/raw")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .map(|p| (p.to_string_lossy().into_owned(), std::fs::read(&p).expect("seed")))
        .collect();
    seeds.sort();
    let config = Config::default();
    let started = Instant::now();
    let steps = Steps {
        converter: script::Converter::new(&config),
        lexicon: spam::Lexicon::new(&config),
        table: despin::Table::new(&config),
        cleaner: Cleaner::new(&config),
    };
    println!(
        "building the lexicons and the cleaner: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    let genuine: Vec<(String, Vec<u8>)> = seeds
        .iter()
        .filter(|(name, _)| ["001_", "002_", "004_"].iter().any(|p| name.contains(p)))
        .cloned()
        .collect();
    for (label, set) in [("all five seeds", &seeds), ("genuine seeds 001, 002, 004", &genuine)] {
        let docs = corpus(set, megabytes);
        let mb = docs.iter().map(|d| d.text.len()).sum::<usize>() as f64 / 1_000_000.0;
        println!("\n{label}: {} pages, {mb:.1} MB of text", docs.len());
        let mut best = [f64::INFINITY; 7];
        for _ in 0..3 {
            let times = steps.run(&docs);
            for (b, t) in best.iter_mut().zip(times) {
                *b = b.min(t);
            }
        }
        let names = ["gloss", "script", "punct", "spam", "despin", "lexical", "whole"];
        for (name, t) in names.iter().zip(best) {
            println!("{name:>8}: {:>8.1} MB/s ({:.0} ms)", mb / t, t * 1000.0);
        }
    }
}

struct Steps {
    converter: script::Converter,
    lexicon: spam::Lexicon,
    table: despin::Table,
    cleaner: Cleaner,
}

impl Steps {
    /// Seconds for each lexical step, all of them, and the whole cleaner.
    fn run(&self, docs: &[RawDoc]) -> [f64; 7] {
        let mut pages: Vec<Page> = docs.iter().map(Page::new).collect();
        let mut times = [0.0; 7];
        let mut timed = |i: usize, f: &dyn Fn(&mut Page)| {
            let t = Instant::now();
            for page in pages.iter_mut() {
                f(page);
            }
            times[i] = t.elapsed().as_secs_f64();
        };
        timed(0, &|p| gloss::repair(p));
        timed(1, &|p| self.converter.apply(p));
        timed(2, &|p| punct::restore(p));
        timed(3, &|p| self.lexicon.apply(p));
        timed(4, &|p| self.table.apply(p));
        times[5] = times[..5].iter().sum();
        let t = Instant::now();
        let articles: usize = docs.iter().map(|doc| self.cleaner.clean(doc).len()).sum();
        std::hint::black_box(articles);
        times[6] = t.elapsed().as_secs_f64();
        times
    }
}

fn corpus(seeds: &[(String, Vec<u8>)], megabytes: f64) -> Vec<RawDoc> {
    let mut docs = Vec::new();
    let mut total = 0usize;
    let mut copy = 0usize;
    while (total as f64) < megabytes * 1_000_000.0 {
        for (name, bytes) in seeds {
            // Vary each copy a little (a number in the first line) so every page differs.
            let mut varied = format!("第{copy}期 ").into_bytes();
            varied.extend_from_slice(bytes);
            let doc = ingest(&varied, name, SourceKind::Raw).expect("ingest");
            total += doc.text.len();
            docs.push(doc);
        }
        copy += 1;
    }
    docs
}
