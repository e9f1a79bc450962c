//! Render a synthetic corpus (real regions and themes, bodies remixed from the sample
//! corpus) with the default theme, to look at pages the sample corpus does not fill yet.
//!
//! cargo run --example synthetic_site -- OUT_DIR [ARTICLES]

#[path = "../tests/common/synthetic.rs"]
mod synthetic;

use std::path::PathBuf;

use union_digest::analyze::themes::Taxonomy;
use union_digest::config::Config;
use union_digest::render::{
    self,
    output::{Output, Staging},
    theme::Theme,
};
use union_digest::site::Site;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().unwrap_or_else(|| "synthetic-public".into()));
    let n: usize = args.next().map_or(Ok(120), |s| s.parse())?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sentences = synthetic::sentences(&root);
    let config = Config::default();
    let taxonomy = Taxonomy::load(&config.themes);
    let site = Site::build(config, taxonomy, synthetic::articles(n, 7, &sentences), false);
    let theme = Theme::load(&root, "default")?;
    let out = render::output::check_output_dir(&root, &out)?;
    let output = Output::full(Staging::create(&out)?);
    let stats = render::render(&site, &theme, &output)?;
    output.commit()?;
    println!(
        "{} articles, {} pages, {} files in {}",
        n,
        stats.pages,
        stats.files,
        out.display()
    );
    Ok(())
}
