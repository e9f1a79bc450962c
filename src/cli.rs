//! Command-line interface.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "union-digest",
    version,
    about = "Build a clean, browsable digest of Chinese trade-union news from scraped articles"
)]
pub struct Cli {
    /// Site directory (holds config.toml, content/, themes/).
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Print only errors and the summary line.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (default public/), atomically.
    Build {
        /// Output directory (default: output_dir from config.toml, relative to --root).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Override base_url from config.toml (e.g. for a preview deployment).
        #[arg(long)]
        base_url: Option<String>,
        /// Include articles marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Print the time spent in each pipeline stage.
        #[arg(long)]
        timings: bool,
        /// Ignore the build cache (.union-digest-cache/) and do not update it.
        #[arg(long)]
        no_cache: bool,
    },
    /// Build, serve on 127.0.0.1 and rebuild when content, templates or config change.
    Serve {
        #[arg(long, default_value_t = 8000)]
        port: u16,
        /// Include drafts (default true while previewing).
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        drafts: bool,
    },
    /// Validate config, content and templates without writing; lists every error.
    Check,
    /// Show the articles found in files after ingest, clean and analyze.
    Inspect {
        /// Print a JSON array (the stable contract) instead of a readable report.
        #[arg(long)]
        json: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Create a new digest in DIR: config.toml, content/ with an example, themes/default.
    Init { dir: PathBuf },
}
