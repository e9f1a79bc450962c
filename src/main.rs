use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

use union_digest::build::{self, BuildOptions};
use union_digest::cli::{Cli, Command};
use union_digest::record::ArticleRecord;
use union_digest::site::article_slug;

/// Rendering allocates many small strings and JSON values on every core; mimalloc is markedly
/// faster than the system allocator at that.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    keep_to_small_pages();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Turn transparent huge pages off for this process (Linux; elsewhere nothing to do).
///
/// mimalloc asks for huge pages (`MADV_HUGEPAGE`), and a huge page is zeroed whole, 2 MiB,
/// when first touched. On a virtual machine that hands free memory back to its host (free
/// page reporting returns free blocks of 2 MiB and more), the blocks a huge page takes are
/// exactly the ones handed back, so each costs the host a fresh allocation too. A
/// one-article rebuild of a 10k site run a few seconds after the previous command spent 39%
/// of its CPU zeroing huge pages: 0.77-0.98 s wall against 0.44-0.64 s with small pages.
/// A cold 10k build took as long either way (three pairs, 8.9-11.7 s), with 8% less peak
/// memory on small pages. Failing to turn them off changes nothing but speed.
fn keep_to_small_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; no memory is passed.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            timings,
            no_cache,
        } => {
            let options = BuildOptions {
                root: cli.root.clone(),
                output,
                base_url,
                drafts,
                quiet: cli.quiet,
                no_cache,
            };
            let summary =
                build::build(&options).with_context(|| format!("building the site at {}", cli.root.display()))?;
            if !cli.quiet {
                for w in &summary.warnings {
                    eprintln!("{w}");
                }
            }
            if timings {
                for (stage, secs) in &summary.timings {
                    eprintln!("  {stage:<38} {secs:>8.3} s");
                }
            }
            println!("{}", summary.line());
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { port, drafts } => {
            union_digest::serve::serve(&cli.root, port, drafts)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => {
            let report = build::check(&cli.root);
            if !cli.quiet {
                for w in &report.warnings {
                    eprintln!("{w}");
                }
            }
            for e in &report.errors {
                eprintln!("error: {e}");
            }
            println!(
                "checked {}: {} files, {} articles, {} errors, {} warnings",
                cli.root.display(),
                report.files_read,
                report.articles,
                report.errors.len(),
                report.warnings.len()
            );
            Ok(if report.errors.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Inspect { json, files } => {
            let (articles, warnings, config) = build::inspect(&cli.root, &files)?;
            for w in &warnings {
                eprintln!("{w}");
            }
            let base = union_digest::render::views::base_path_of(&config.base_url_slash());
            let url_of = |a: &union_digest::model::Article| format!("{base}articles/{}/", article_slug(a));
            if json {
                let records: Vec<ArticleRecord> = articles.iter().map(|a| ArticleRecord::new(a, url_of(a))).collect();
                println!("{}", serde_json::to_string_pretty(&records)?);
            } else {
                for a in &articles {
                    print!("{}", union_digest::record::report(a, &url_of(a)));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            union_digest::init::init(&dir).with_context(|| format!("creating a digest in {}", dir.display()))?;
            println!(
                "created a new digest in {}; build it with: union-digest build --root {}",
                dir.display(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn the_process_keeps_to_small_pages() {
        super::keep_to_small_pages();
        // SAFETY: PR_GET_THP_DISABLE only reads a flag of this process.
        let disabled = unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) };
        assert_eq!(disabled, 1);
    }
}
