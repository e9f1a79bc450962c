//! Measure the search index: build it for synthetic corpora of growing size and print its size
//! per 1,000 articles and what typical queries download. Two corpora bound a real one:
//! - `remix` (default): bodies remixed from whole sentences of the sample corpus: real words
//!   and phrases, but a small vocabulary (a lower bound on the number of distinct terms);
//! - `chars`: the same bodies with every Han character replaced by one drawn at random with
//!   the sample corpus's character frequencies: far more distinct bigrams than real text
//!   (an upper bound).
//!
//! cargo run --release --example search_index_size [remix|chars] [ARTICLES...]

#[path = "../tests/common/synthetic.rs"]
mod synthetic;

use std::collections::BTreeSet;
use std::path::PathBuf;

use union_digest::analyze::themes::Taxonomy;
use union_digest::config::Config;
use union_digest::render::search::{self, bigrams_and_ascii, normalise};
use union_digest::render::theme::Theme;
use union_digest::render::views::Views;
use union_digest::site::Site;

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

fn main() -> anyhow::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let scramble = match args.first().map(String::as_str) {
        Some("chars") => {
            args.remove(0);
            true
        }
        Some("remix") => {
            args.remove(0);
            false
        }
        _ => false,
    };
    let sizes: Vec<usize> = args.iter().map(|s| s.parse()).collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() { vec![100, 1000, 3000] } else { sizes };
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sentences = synthetic::sentences(&root);
    let theme = Theme::load(&root, "default")?;
    let segmenter = search::Segmenter::new(&[]);
    println!(
        "sentence pool: {} sentences from content/; corpus: {}",
        sentences.len(),
        if scramble {
            "chars (upper bound)"
        } else {
            "remix (lower bound)"
        }
    );
    // Han characters of the pool, repeated as often as they occur (frequency-weighted draws).
    let pool: Vec<char> = sentences
        .iter()
        .flat_map(|s| s.chars())
        .filter(|c| ('\u{4E00}'..='\u{9FFF}').contains(c))
        .collect();
    for n in sizes {
        let config = Config::default();
        let taxonomy = Taxonomy::load(&config.themes);
        let mut articles = synthetic::articles(n, 7, &sentences);
        if scramble {
            let mut rng = synthetic::Rng::new(11);
            for a in &mut articles {
                for p in &mut a.clean.body {
                    *p = p
                        .chars()
                        .map(|c| {
                            if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
                                *rng.pick(&pool)
                            } else {
                                c
                            }
                        })
                        .collect();
                }
            }
        }
        let site = Site::build(config, taxonomy, articles, false);
        let views = Views::new(&site, &theme);
        let docs = views.search_docs();
        let chars: usize = docs
            .iter()
            .map(|d| d.body.iter().map(|p| p.chars().count()).sum::<usize>())
            .sum();
        let started = std::time::Instant::now();
        let index = search::build(&docs, &segmenter);
        let secs = started.elapsed().as_secs_f64();
        let s = index.stats;
        let per_k = |bytes: usize| bytes * 1000 / n.max(1);
        println!(
            "\n{n} articles ({} chars of body, {:.0} per article), built in {secs:.2} s",
            chars,
            chars as f64 / n as f64
        );
        println!(
            "  terms {}  postings {}  shards {} (largest {})",
            s.terms,
            s.postings,
            index.shard_count,
            kib(s.largest_shard)
        );
        println!(
            "  postings shards {}  per-article files {}  total {}",
            kib(s.shard_bytes),
            kib(s.doc_bytes),
            kib(s.shard_bytes + s.doc_bytes)
        );
        println!(
            "  per 1,000 articles: shards {}, article files {}, total {}",
            kib(per_k(s.shard_bytes)),
            kib(per_k(s.doc_bytes)),
            kib(per_k(s.shard_bytes + s.doc_bytes))
        );
        for query in ["工会驿站", "集体协商", "郑荣胜"] {
            let (shards, shard_bytes) = query_shards(&index, query);
            let doc_avg = s.doc_bytes / n.max(1);
            println!(
                "  query {query}: {shards} shards = {}, plus ~{} per result shown (10 results ≈ {})",
                kib(shard_bytes),
                kib(doc_avg),
                kib(shard_bytes + 10 * doc_avg)
            );
        }
    }
    Ok(())
}

/// The shards a query downloads (its bigrams and ASCII words, and itself as a whole word), and
/// their bytes.
fn query_shards(index: &search::SearchIndex, query: &str) -> (usize, usize) {
    let q = normalise(query);
    let mut shards: BTreeSet<usize> = bigrams_and_ascii(&q)
        .iter()
        .map(|t| search::fnv1a(t) as usize % index.shard_count)
        .collect();
    shards.insert(search::fnv1a(&q) as usize % index.shard_count);
    let bytes = shards
        .iter()
        .map(|k| {
            let path = format!("search/shards/{k}.json");
            index.files.iter().find(|(p, _)| *p == path).map_or(0, |(_, b)| b.len())
        })
        .sum();
    (shards.len(), bytes)
}
