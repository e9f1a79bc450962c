//! The floor under a build: the least work any tool doing our job must do on a corpus.
//!
//! ```text
//! cargo run --release --example floor -- --root /tmp/c10k [--output-like /tmp/c10k/public]
//! ```
//!
//! Measures, on all cores (rayon), as a build does:
//! 1. reading every file under ROOT/content,
//! 2. segmenting all of its text with jieba-rs (default dictionary, HMM on; the dictionary
//!    load is timed separately),
//! 3. writing bytes out into a fresh directory: with `--output-like DIR`, the files of a real
//!    build output (loaded into memory first, untimed), so the floor writes as many files and
//!    bytes as the build does; without it, the bytes that were read, one file each.
//!
//! Prints one line per phase and a `floor_total` line (wall seconds). Run it under
//! `/usr/bin/time -v` for CPU time and peak memory, as scripts/bench.sh does.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use rayon::prelude::*;

#[derive(Debug, Parser)]
#[command(about = "Time reading + jieba segmentation + writing of a corpus: the floor of a build")]
struct Args {
    /// Site directory holding content/.
    #[arg(long)]
    root: PathBuf,
    /// A build output whose bytes to write as the output floor (instead of the input bytes).
    #[arg(long)]
    output_like: Option<PathBuf>,
    /// Scratch directory for the writes (default: a temporary directory, removed after).
    #[arg(long)]
    scratch: Option<PathBuf>,
}

/// Every regular file under `dir`, sorted.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect();
    files.sort();
    files
}

/// Write `(relative path, bytes)` pairs under `dir` in parallel, creating directories.
fn write_all(dir: &Path, files: &[(PathBuf, Vec<u8>)]) -> anyhow::Result<()> {
    let mut parents: Vec<PathBuf> = files
        .iter()
        .filter_map(|(rel, _)| rel.parent().map(|p| dir.join(p)))
        .collect();
    parents.sort();
    parents.dedup();
    for p in &parents {
        std::fs::create_dir_all(p).with_context(|| format!("creating {}", p.display()))?;
    }
    files.par_iter().try_for_each(|(rel, bytes)| {
        let path = dir.join(rel);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
    })
}

fn load(root: &Path, files: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, Vec<u8>)>> {
    files
        .par_iter()
        .map(|path| {
            let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            let rel = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            Ok((rel, bytes))
        })
        .collect()
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let content = args.root.join("content");
    let mut total = 0.0;

    let t = Instant::now();
    let files = files_under(&content);
    let inputs = load(&args.root, &files)?;
    let read = t.elapsed().as_secs_f64();
    let in_bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    println!(
        "floor_read        {read:8.3} s  ({} files, {:.1} MB)",
        inputs.len(),
        in_bytes as f64 / 1e6
    );
    total += read;

    let t = Instant::now();
    let jieba = union_digest::analyze::dictionary::stock().clone();
    let dict = t.elapsed().as_secs_f64();
    println!("floor_jieba_dict  {dict:8.3} s");
    total += dict;

    let t = Instant::now();
    let tokens: usize = inputs
        .par_iter()
        .map(|(_, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            text.lines().map(|line| jieba.cut(line, true).len()).sum::<usize>()
        })
        .sum();
    let cut = t.elapsed().as_secs_f64();
    println!("floor_jieba_cut   {cut:8.3} s  ({tokens} tokens)");
    total += cut;

    let scratch_holder;
    let scratch = match &args.scratch {
        Some(dir) => dir.clone(),
        None => {
            scratch_holder = tempfile::tempdir()?;
            scratch_holder.path().to_path_buf()
        }
    };
    let (label, outputs) = match &args.output_like {
        Some(output) => (output.display().to_string(), load(output, &files_under(output))?),
        None => ("the input".to_string(), inputs),
    };
    let out_bytes: usize = outputs.iter().map(|(_, b)| b.len()).sum();
    let t = Instant::now();
    write_all(&scratch.join("out"), &outputs)?;
    let write = t.elapsed().as_secs_f64();
    println!(
        "floor_write       {write:8.3} s  ({} files, {:.1} MB, as {label})",
        outputs.len(),
        out_bytes as f64 / 1e6
    );
    total += write;
    println!("floor_total       {total:8.3} s  (read + dict + cut + write)");
    Ok(())
}
