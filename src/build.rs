//! The pipeline end to end: walk → ingest → clean → analyze (per file, in parallel) → site
//! model → render (atomic). Also `check` (everything but writing) and `inspect`.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use rayon::prelude::*;

use crate::analyze::dictionary::{self, AddedWords};
use crate::analyze::themes::Taxonomy;
use crate::analyze::{self, Analyzer, CorpusInputs};
use crate::cache::{self, Cache, FileStat};
use crate::clean::Cleaner;
use crate::config::Config;
use crate::content::{self, SourceFile};
use crate::error::{Error, Result, UserError, Warning};
use crate::ingest::{self, IngestError};
use crate::model::{Article, CleanArticle, SourceKind};
use crate::render::{self, output, theme::Theme};
use crate::site::Site;

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Hide the progress bar (it is also hidden off a terminal and in CI).
    pub quiet: bool,
    /// Ignore and do not write the build cache.
    pub no_cache: bool,
}

#[derive(Debug, Clone, Default)]
pub struct BuildSummary {
    pub files_read: usize,
    pub articles: usize,
    /// Pages of the site.
    pub pages: usize,
    /// Pages rendered by this build (the others were unchanged).
    pub rendered: usize,
    /// Files written or removed by this build.
    pub changed: usize,
    pub warnings: Vec<Warning>,
    pub seconds: f64,
    /// (stage, seconds) in pipeline order.
    pub timings: Vec<(&'static str, f64)>,
    pub output: PathBuf,
}

impl BuildSummary {
    /// The one summary line a build ends with.
    pub fn line(&self) -> String {
        format!(
            "built {}: {} files read, {} articles, {} pages written ({} rendered, {} files changed), {} warnings, {:.2} s",
            self.output.display(),
            self.files_read,
            self.articles,
            self.pages,
            self.rendered,
            self.changed,
            self.warnings.len(),
            self.seconds
        )
    }
}

/// Load config.toml, turning its problems into one error listing all of them.
pub fn load_config(root: &Path) -> Result<Config> {
    Config::load(root).map(|(c, _)| c).map_err(many)
}

fn many(mut errors: Vec<UserError>) -> Error {
    if errors.len() == 1 {
        Error::User(errors.remove(0))
    } else {
        Error::Many(errors)
    }
}

/// Everything the per-file stages produced for a corpus.
#[derive(Debug, Default)]
pub struct Corpus {
    pub files_read: usize,
    pub articles: Vec<Article>,
    pub warnings: Vec<Warning>,
    /// Files the editor must fix (broken front matter).
    pub errors: Vec<UserError>,
    pub timings: Vec<(&'static str, f64)>,
}

/// Shared per-build state of the per-file stages. The cleaner and the analyzer (lexicons,
/// the segmenter's dictionary: a few tenths of a second) are built on first need, so a build
/// whose files are all in the cache never builds them.
pub struct Pipeline {
    pub config: Config,
    cleaner: OnceLock<Cleaner>,
    analyzer: OnceLock<Analyzer>,
    /// Results of earlier builds, by content hash (None: compute everything).
    pub cache: Option<Cache>,
    progress: Progress,
    /// Content files read and hashed to find their cache key (the others were known by
    /// their metadata).
    hashed: AtomicUsize,
}

/// Where the scan finds a file's key (see [`Pipeline::key_source`]).
enum KeySource {
    /// No cache: no key.
    NoCache,
    /// Recorded by the last build for the file's metadata.
    Recorded(String),
    /// Made from the file's bytes: the file opened, its reading requested, or why not.
    Bytes(std::result::Result<content::OpenFile, content::ReadError>),
}

/// A source file as the cache sees it before anything is decoded.
#[derive(Debug)]
pub enum Scanned {
    /// Its result's key, which the cache holds.
    Cached(String),
    /// Its result's key, which the cache lacks: to be computed, from the bytes the key was
    /// made from if the scan kept them (see [`KEPT_BYTES`]).
    Uncached { key: String, bytes: Option<Vec<u8>> },
    /// No cache: to be computed.
    Missing,
    /// It could not be read: the warning it gets.
    Unreadable(String),
}

impl Scanned {
    /// Whether the file's result must be computed (the cache lacks it, or there is none).
    fn to_compute(&self) -> bool {
        matches!(self, Scanned::Uncached { .. } | Scanned::Missing)
    }
}

impl Pipeline {
    pub fn new(config: Config) -> Pipeline {
        Pipeline {
            config,
            cleaner: OnceLock::new(),
            analyzer: OnceLock::new(),
            cache: None,
            progress: Progress::hidden(),
            hashed: AtomicUsize::new(0),
        }
    }

    /// Use the site's build cache.
    pub fn with_cache(mut self, root: &Path) -> Pipeline {
        let config_json = serde_json::to_string(&self.config).unwrap_or_default();
        self.cache = Some(Cache::open(root, &config_json));
        self
    }

    /// [`Pipeline::with_cache`], the cache read but never written (for `check`).
    pub fn with_cache_read_only(mut self, root: &Path) -> Pipeline {
        self = self.with_cache(root);
        self.cache = self.cache.map(Cache::read_only);
        self
    }

    pub fn cleaner(&self) -> &Cleaner {
        self.cleaner.get_or_init(|| Cleaner::new(&self.config))
    }

    pub fn analyzer(&self) -> &Analyzer {
        self.analyzer.get_or_init(|| Analyzer::new(&self.config))
    }

    /// Ingest, clean and analyze one file. `display` names it in warnings.
    pub fn process_bytes(&self, bytes: &[u8], display: &str, kind: SourceKind) -> FileOutcome {
        let (doc, notes) = match ingest::ingest_with_notes(bytes, display, kind) {
            Ok(ingested) => ingested,
            Err(IngestError::Skip(why)) => return FileOutcome::warn(display, why),
            Err(IngestError::Invalid(e)) => {
                return FileOutcome {
                    error: Some(e),
                    ..FileOutcome::default()
                }
            }
        };
        let mut outcome = FileOutcome::default();
        outcome
            .warnings
            .extend(notes.into_iter().map(|n| Warning::new(display, n)));
        let mut cleaned = self.cleaner().clean(&doc);
        let found = cleaned.len();
        cleaned.retain(has_text);
        if cleaned.is_empty() {
            outcome.warnings.push(Warning::new(
                display,
                "no article found after cleaning (empty or all noise), skipped",
            ));
            return outcome;
        }
        if cleaned.len() < found {
            outcome.warnings.push(Warning::new(
                display,
                format!(
                    "{} of {found} articles have no text after cleaning, skipped",
                    found - cleaned.len()
                ),
            ));
        }
        (outcome.articles, outcome.inputs) = self.analyzer().analyze_file(cleaned).into_iter().unzip();
        outcome
    }

    /// Where a file's key comes from: recorded by the last build for the file's metadata
    /// `stat`, or else the file's bytes, the file opened and its reading requested (see
    /// [`content::OpenFile::read_ahead`]).
    fn key_source(&self, file: &SourceFile, stat: Option<&FileStat>) -> KeySource {
        let Some(cache) = &self.cache else {
            return KeySource::NoCache;
        };
        match stat.and_then(|stat| cache.recorded_key(&file.rel, stat)) {
            Some(key) => KeySource::Recorded(key),
            None => {
                let opened = content::OpenFile::open(&file.path, self.config.max_file_bytes);
                if let Ok(open) = &opened {
                    open.read_ahead();
                }
                KeySource::Bytes(opened)
            }
        }
    }

    /// Find a file's key from `source` and look it up in the cache; nothing is decoded yet.
    /// The bytes of a file the cache lacks are kept for computing it while `kept` (the bytes
    /// kept so far) stays within [`KEPT_BYTES`].
    fn scan(&self, file: &SourceFile, source: KeySource, kept: &AtomicUsize) -> Scanned {
        let Some(cache) = &self.cache else {
            return Scanned::Missing;
        };
        let (key, bytes) = match source {
            KeySource::NoCache => return Scanned::Missing,
            KeySource::Recorded(key) => (key, None),
            KeySource::Bytes(opened) => {
                self.hashed.fetch_add(1, Ordering::Relaxed);
                match opened.and_then(content::OpenFile::read) {
                    Ok(bytes) => (cache.key(&file.rel, file.kind, &bytes), Some(bytes)),
                    Err(e) => return Scanned::Unreadable(e.to_string()),
                }
            }
        };
        if cache.has(&key) {
            return Scanned::Cached(key);
        }
        let bytes = bytes.filter(|b| kept.fetch_add(b.len(), Ordering::Relaxed) + b.len() <= KEPT_BYTES);
        Scanned::Uncached { key, bytes }
    }

    /// The outcome of every file, in order. The files the cache lacks are computed beside the
    /// lookups of the others, not wherever rayon happens to reach them among 10,000 lookups:
    /// cleaning and analysing a new article is the longest single task of a quick rebuild.
    /// With `few_new` files to compute, they are cut with parts of the segmenter's dictionary
    /// if the cache allows; else its whole dictionary loads beside their cleaning.
    fn outcomes(&self, files: &[SourceFile], scanned: Vec<Scanned>, few_new: bool) -> Vec<FileOutcome> {
        let (to_compute, to_look_up): (Vec<_>, Vec<_>) =
            scanned.into_iter().enumerate().partition(|(_, s)| s.to_compute());
        let each = |jobs: Vec<(usize, Scanned)>| -> Vec<(usize, FileOutcome)> {
            jobs.into_par_iter()
                .map(|(k, scanned)| {
                    let outcome = self.outcome(&files[k], scanned);
                    self.progress.tick();
                    (k, outcome)
                })
                .collect()
        };
        let compute = || {
            if few_new && !self.use_dictionary_parts() {
                rayon::join(|| self.analyzer().segmenter().load_whole(), || each(to_compute)).1
            } else {
                each(to_compute)
            }
        };
        let (mut outcomes, looked_up) = rayon::join(compute, || each(to_look_up));
        outcomes.extend(looked_up);
        outcomes.sort_unstable_by_key(|(k, _)| *k);
        outcomes.into_iter().map(|(_, outcome)| outcome).collect()
    }

    /// The result of a scanned file: decoded from the cache, or computed.
    fn outcome(&self, file: &SourceFile, scanned: Scanned) -> FileOutcome {
        let cached = match scanned {
            Scanned::Unreadable(why) => return FileOutcome::warn(&file.rel, why),
            Scanned::Cached(key) => self.cache.as_ref().and_then(|cache| cache.get(&key)),
            Scanned::Uncached { bytes, .. } => return self.process_file(file, bytes),
            Scanned::Missing => None,
        };
        match cached {
            Some(entry) => FileOutcome {
                articles: entry.articles,
                inputs: entry.inputs,
                warnings: entry.warnings,
                error: None,
            },
            // Missing, or an entry that turned out damaged.
            None => self.process_file(file, None),
        }
    }

    /// Have the segmenter cut the few new articles of this build with parts of its dictionary
    /// (see [`dictionary`]), if the cache holds the additions they need. False if not: the
    /// whole dictionary is needed.
    fn use_dictionary_parts(&self) -> bool {
        let Some(cache) = &self.cache else { return false };
        let segmenter = self.analyzer().segmenter();
        AddedWords::load(&cache.dir().join(dictionary::FILE), &segmenter.additions_key())
            .is_some_and(|added| segmenter.use_parts(added))
    }

    /// Keep what the segmenter added to the stock dictionary for the next build's parts, if
    /// this build loaded the whole dictionary (failing to write it never fails a build).
    fn save_dictionary_additions(&self, cache: &Cache) {
        if cache.is_read_only() {
            return;
        }
        let path = cache.dir().join(dictionary::FILE);
        if let Some(added) = self.analyzer.get().and_then(|a| a.segmenter().additions()) {
            if AddedWords::load(&path, added.key()).as_ref() != Some(added) {
                let _ = added.save(&path);
            }
        }
    }

    /// Compute a file's result (and cache it) from `read`, the bytes the scan read, or else
    /// from the file read again. Its key is made from the bytes the result is computed from,
    /// even if the file changed since the scan.
    fn process_file(&self, file: &SourceFile, read: Option<Vec<u8>>) -> FileOutcome {
        let bytes = match read.map_or_else(|| content::read_capped(&file.path, self.config.max_file_bytes), Ok) {
            Ok(bytes) => bytes,
            Err(e) => return FileOutcome::warn(&file.rel, e.to_string()),
        };
        let mut outcome = self.process_bytes(&bytes, &file.rel, file.kind);
        if let (Some(cache), None) = (&self.cache, &outcome.error) {
            let stored = cache.put(&cache::Entry {
                key: cache.key(&file.rel, file.kind, &bytes),
                articles: outcome.articles.clone(),
                inputs: outcome.inputs.clone(),
                warnings: outcome.warnings.clone(),
            });
            // Keyed as the same articles decoded from the cache by the next build will be.
            if let Some(key) = stored {
                Article::set_origins(&mut outcome.articles, &key);
            }
        }
        outcome
    }

    /// Run the per-file stages over every article file of the site, in parallel, then the
    /// corpus-wide analysis.
    pub fn load_corpus(&self, root: &Path) -> Corpus {
        // Never unchanged: always the corpus.
        self.load_corpus_unless(Walked::of(root), |_, _| None::<()>)
            .unwrap_or_default()
    }

    /// [`Pipeline::load_corpus`], unless `unchanged` finds, once every file is read and its
    /// key known (before anything is decoded or computed), that the corpus is the one the
    /// previous build published: then what it found, as the error.
    pub fn load_corpus_unless<T>(
        &self,
        walked: Walked,
        unchanged: impl FnOnce(&[SourceFile], &[Scanned]) -> Option<T>,
    ) -> std::result::Result<Corpus, T> {
        let Walked {
            files,
            mut warnings,
            seconds: walk_secs,
        } = walked;
        let started = Instant::now();
        self.progress.start(files.len() as u64);
        let outcomes: std::result::Result<Vec<FileOutcome>, T> = std::thread::scope(|scope| {
            // At the first file the cache lacks, the cleaner and the analyzer start being
            // built on a thread of their own while the other files are looked up and decoded;
            // past a few such files, so does the segmenter's whole dictionary on another.
            let misses = AtomicUsize::new(0);
            // One stat per file serves the order and the cache's snapshot of the files.
            let stats: Vec<Option<FileStat>> = files
                .par_iter()
                .map(|f| std::fs::metadata(&f.path).ok().as_ref().and_then(FileStat::of))
                .collect();
            let kept = AtomicUsize::new(0);
            let mut scanned: Vec<(usize, Scanned)> = newest_first(&stats)
                .par_chunks(READ_AHEAD_FILES)
                .flat_map_iter(|chunk| {
                    // Every file of the chunk that must be read is asked for before the first
                    // is read.
                    let sources: Vec<KeySource> = chunk
                        .iter()
                        .map(|&k| self.key_source(&files[k], stats[k].as_ref()))
                        .collect();
                    let scanned: Vec<(usize, Scanned)> = chunk
                        .iter()
                        .zip(sources)
                        .map(|(&k, source)| {
                            let scanned = self.scan(&files[k], source, &kept);
                            if scanned.to_compute() {
                                let miss = misses.fetch_add(1, Ordering::Relaxed) + 1;
                                if miss == 1 {
                                    scope.spawn(|| {
                                        self.cleaner();
                                        self.analyzer();
                                    });
                                }
                                if miss == FEW_NEW_FILES + 1 {
                                    scope.spawn(|| self.analyzer().segmenter().load_whole());
                                }
                            }
                            (k, scanned)
                        })
                        .collect();
                    scanned
                })
                .collect();
            scanned.sort_unstable_by_key(|(k, _)| *k);
            let scanned: Vec<Scanned> = scanned.into_iter().map(|(_, s)| s).collect();
            if let Some(cache) = &self.cache {
                cache.record_files(files.iter().zip(&stats).zip(&scanned).map(|((file, stat), scanned)| {
                    let key = match scanned {
                        Scanned::Cached(key) | Scanned::Uncached { key, .. } => Some(key.as_str()),
                        Scanned::Missing | Scanned::Unreadable(_) => None,
                    };
                    (file.rel.as_str(), stat.as_ref(), key)
                }));
            }
            if let Some(found) = unchanged(&files, &scanned) {
                return Err(found);
            }
            let few_new = (1..=FEW_NEW_FILES).contains(&misses.into_inner());
            Ok(self.outcomes(&files, scanned, few_new))
        });
        self.progress.finish();
        let outcomes = outcomes?;
        let per_file_secs = started.elapsed().as_secs_f64();
        let started = Instant::now();
        if let Some(cache) = &self.cache {
            cache.save();
            self.save_dictionary_additions(cache);
        }
        let save_secs = started.elapsed().as_secs_f64();
        // Sized once: 11,000 articles of 900 bytes grown by doubling touched twice the fresh
        // memory (the kernel zeroes every new page: a noticeable part of a quick rebuild).
        let mut analyzed = Vec::with_capacity(outcomes.iter().map(|o| o.articles.len()).sum());
        let mut errors = Vec::new();
        for outcome in outcomes {
            analyzed.extend(outcome.articles.into_iter().zip(outcome.inputs));
            warnings.extend(outcome.warnings);
            errors.extend(outcome.error);
        }
        let started = Instant::now();
        // A read-only cache's memo is not read either: its verdicts are only a shortcut.
        let memo = self
            .cache
            .as_ref()
            .filter(|c| !c.is_read_only())
            .map(|c| c.dir().join(analyze::repost_memo::FILE));
        let per_article = self.config.analyze.keywords_per_article;
        let articles = analyze::analyze_corpus_remembering(analyzed, true, per_article, memo.as_deref());
        let corpus_secs = started.elapsed().as_secs_f64();
        warnings.sort();
        Ok(Corpus {
            files_read: files.len(),
            articles,
            warnings,
            errors,
            timings: vec![
                ("walk", walk_secs),
                ("ingest+clean+analyze", per_file_secs),
                ("cache save", save_secs),
                ("corpus analysis", corpus_secs),
            ],
        })
    }
}

/// The content files of a site, as [`content::walk`] found them.
pub struct Walked {
    files: Vec<SourceFile>,
    warnings: Vec<Warning>,
    /// How long the walk took.
    seconds: f64,
}

impl Walked {
    /// Walk the content directory of the site at `root`.
    pub fn of(root: &Path) -> Walked {
        let started = Instant::now();
        let (files, warnings) = content::walk(root);
        Walked {
            files,
            warnings,
            seconds: started.elapsed().as_secs_f64(),
        }
    }
}

/// `pipeline` with the build cache of the site at `root`, opened while its content
/// directory is walked: each takes about 15 ms for 10,000 articles (mapping and indexing the
/// pack; listing the directories), on one core, and neither needs the other. The cache
/// notes the time it opened before any file's metadata is read, as before.
fn with_cache_beside_walk(pipeline: Pipeline, root: &Path) -> (Pipeline, Walked) {
    std::thread::scope(|scope| {
        let walking = scope.spawn(|| Walked::of(root));
        let pipeline = pipeline.with_cache(root);
        let walked = walking.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (pipeline, walked)
    })
}

/// The indexes of files with `stats`, the most recently changed first (modified, or moved,
/// whose status-change time says when): the files a rebuild has not seen (added or edited)
/// are looked up first, so that the cleaner and the analyzer (a tenth of a second to build)
/// start being built at once, not after most lookups. A file that cannot be read sorts last
/// (its lookup reports it).
fn newest_first(stats: &[Option<FileStat>]) -> Vec<usize> {
    let modified: Vec<Option<(i64, i64)>> = stats.iter().map(|s| s.as_ref().map(|s| s.mtime.max(s.ctime))).collect();
    let mut order: Vec<usize> = (0..stats.len()).collect();
    order.sort_by(|&a, &b| modified[b].cmp(&modified[a]).then(a.cmp(&b)));
    order
}

/// What became of one source file.
#[derive(Debug, Default)]
pub struct FileOutcome {
    pub articles: Vec<Article>,
    /// What corpus analysis needs of each article, in the order of `articles`.
    pub inputs: Vec<CorpusInputs>,
    pub warnings: Vec<Warning>,
    pub error: Option<UserError>,
}

impl FileOutcome {
    fn warn(file: &str, message: impl Into<String>) -> FileOutcome {
        FileOutcome {
            warnings: vec![Warning::new(file, message)],
            ..FileOutcome::default()
        }
    }
}

/// An article worth a page has text a reader can see: a paragraph, or for curated Markdown
/// something visible once its HTML is sanitised. A title alone (front matter over an empty
/// body, a spam page whose list was cut away) would publish an empty page.
fn has_text(article: &CleanArticle) -> bool {
    article.body.iter().any(|p| !p.trim().is_empty())
        || article
            .markdown
            .as_deref()
            .is_some_and(|md| !render::markdown::visible_text(md).trim().is_empty())
}

/// Build the site. On any error nothing is published and the previous output stays as it was.
pub fn build(options: &BuildOptions) -> Result<BuildSummary> {
    stage(options)?.publish()
}

/// A build rendered completely into its staging directory, not yet published. Dropping it
/// publishes nothing and removes the staging directory.
#[derive(Debug)]
pub struct StagedBuild {
    /// None when the output already is what this build would make (nothing to publish).
    output: Option<output::Output>,
    summary: BuildSummary,
    started: Instant,
    /// The site model and pipeline the build was made with, freed once it is published.
    leftovers: Option<Leftovers>,
}

/// What a staged build no longer needs but must free.
struct Leftovers(#[allow(dead_code)] Box<dyn Send>);

impl std::fmt::Debug for Leftovers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Leftovers")
    }
}

impl StagedBuild {
    /// The directory the build will replace.
    pub fn output(&self) -> &Path {
        &self.summary.output
    }

    /// Swap the staged site in (see [`output::Staging::commit`]).
    pub fn publish(self) -> Result<BuildSummary> {
        let StagedBuild {
            output,
            mut summary,
            started,
            leftovers,
        } = self;
        let t = Instant::now();
        if let Some(output) = output {
            let published = output.commit()?;
            summary.changed = published.changed + published.removed;
        }
        // Freeing the corpus (millions of small strings) takes a noticeable part of a quick
        // rebuild: not before the publish, nor beside it (two cores), but after it, on a
        // thread of its own that a one-shot build's exit need not wait for.
        if let Some(leftovers) = leftovers {
            std::thread::spawn(move || drop(leftovers));
        }
        summary.timings.push(("publish", t.elapsed().as_secs_f64()));
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }
}

/// Name of the output state (see [`output::Output::save_state`]) that records what a build
/// was made from.
const BUILD_STATE: &str = "build";

/// New files (not in the build cache) that a build cuts with parts of the segmenter's
/// dictionary rather than loading it whole: a part for one article's characters loads in a
/// fifth of the time, but parts grow with every article they must also serve.
const FEW_NEW_FILES: usize = 3;

/// Files whose reads the scan asks for together (see [`content::OpenFile::read_ahead`]): each
/// of the pool's threads has at most this many open at once.
const READ_AHEAD_FILES: usize = 64;

/// The most bytes of files the cache lacks that the scan keeps in memory for computing them,
/// so that they are not read again (on a cold build, every file; a file read once and again
/// half a minute later may have to come from the disk twice). Past it, a file is read again
/// when computed: a corpus of a million files does not sit in memory whole.
const KEPT_BYTES: usize = 512 << 20;

/// What a build was made from and what it reported, kept with its output: a build whose
/// inputs hash the same finds the output already made and reports the same.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct BuildRecord {
    inputs: String,
    files_read: usize,
    articles: usize,
    pages: usize,
    warnings: Vec<Warning>,
}

/// The hash of everything a build's output depends on: the tool, the settings (the config
/// after command-line overrides, drafts), the theme, and every content file (its cache key
/// holds its path, kind and bytes, or why it could not be read). None without a build cache.
fn build_inputs(
    config: &Config,
    theme: &Theme,
    drafts: bool,
    files: &[SourceFile],
    scanned: &[Scanned],
) -> Option<String> {
    let mut hasher = blake3::Hasher::new();
    let mut field = |bytes: &[u8]| {
        hasher.update(&(bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    field(env!("UNION_DIGEST_FINGERPRINT").as_bytes());
    field(serde_json::to_string(config).ok()?.as_bytes());
    field(&[u8::from(drafts)]);
    for map in [&theme.templates, &theme.strings, &theme.dates] {
        field(&(map.len() as u64).to_le_bytes());
        for (name, text) in map {
            field(name.as_bytes());
            field(text.as_bytes());
        }
    }
    field(&(theme.statics.len() as u64).to_le_bytes());
    for (name, bytes) in &theme.statics {
        field(name.as_bytes());
        field(bytes);
    }
    field(&(files.len() as u64).to_le_bytes());
    for (file, scanned) in files.iter().zip(scanned) {
        field(file.rel.as_bytes());
        match scanned {
            Scanned::Cached(key) | Scanned::Uncached { key, .. } => field(key.as_bytes()),
            Scanned::Unreadable(why) => field(why.as_bytes()),
            Scanned::Missing => return None,
        }
    }
    Some(hasher.finalize().to_hex().to_string())
}

/// Every step of [`build`] but the swap: the caller decides when to publish (the preview
/// server does it while no request is reading the output directory).
pub fn stage(options: &BuildOptions) -> Result<StagedBuild> {
    match stage_once(options)? {
        Some(staged) => Ok(staged),
        // A part of the build cache decoded on first use was damaged (after its record passed
        // its checksum): what was made from it is dropped, and the build made in full
        // (without a cache, which cannot happen again).
        None => stage(&BuildOptions {
            no_cache: true,
            ..options.clone()
        }),
    }
}

/// [`stage`], or None if the build cache turned out damaged while it was used (the pack is
/// then removed, and nothing of this build is published).
fn stage_once(options: &BuildOptions) -> Result<Option<StagedBuild>> {
    let started = Instant::now();
    let root = &options.root;
    let mut config = load_config(root)?;
    if let Some(url) = &options.base_url {
        config.base_url.clone_from(url);
    }
    let output_dir = options.output.clone().unwrap_or_else(|| root.join(&config.output_dir));
    let output_dir = output::check_output_dir(root, &output_dir)?;
    let theme = Theme::load(root, &config.theme)?;
    let manifest_path = (!options.no_cache).then(|| cache::output_manifest_path(root, &output_dir));
    // Read beside the per-file stages: the manifest lists every file of the output.
    let mut manifest = manifest_path
        .clone()
        .map(|path| std::thread::spawn(move || output::Manifest::read(&path)));
    let setup_secs = started.elapsed().as_secs_f64();
    let pipeline = Pipeline::new(config);
    let (mut pipeline, walked) = if options.no_cache {
        (pipeline, Walked::of(root))
    } else {
        with_cache_beside_walk(pipeline, root)
    };
    if !options.quiet {
        pipeline.progress = Progress::on_terminal();
    }
    let mut opened = None;
    let mut inputs = None;
    let load_started = Instant::now();
    let loaded = pipeline.load_corpus_unless(walked, |files, scanned| {
        let manifest = manifest.take().and_then(|reading| reading.join().ok().flatten());
        let output = output::Output::open_with(&output_dir, manifest_path.clone(), manifest);
        inputs = build_inputs(&pipeline.config, &theme, options.drafts, files, scanned);
        let previous = output
            .as_ref()
            .ok()
            .and_then(|out| out.previous_state(BUILD_STATE))
            .and_then(|state| serde_json::from_slice::<BuildRecord>(&state).ok())
            .filter(|record| inputs.as_ref() == Some(&record.inputs));
        opened = Some(output);
        previous
    });
    let output = opened.unwrap_or_else(|| output::Output::open_with(&output_dir, manifest_path, None))?;
    let mut timings = vec![("config, theme", setup_secs)];
    let corpus = match loaded {
        Ok(corpus) => corpus,
        Err(record) => {
            // The output is what this build would make: nothing to render or publish.
            timings.push(("read, unchanged", load_started.elapsed().as_secs_f64()));
            return Ok(Some(StagedBuild {
                output: None,
                summary: BuildSummary {
                    files_read: record.files_read,
                    articles: record.articles,
                    pages: record.pages,
                    rendered: 0,
                    changed: 0,
                    warnings: record.warnings,
                    seconds: started.elapsed().as_secs_f64(),
                    timings,
                    output: output_dir,
                },
                started,
                leftovers: None,
            }));
        }
    };
    if !corpus.errors.is_empty() {
        return Err(many(corpus.errors));
    }
    timings.extend(corpus.timings);
    let t = Instant::now();
    let taxonomy = Taxonomy::load(&pipeline.config.themes);
    let site = Site::build(pipeline.config.clone(), taxonomy, corpus.articles, options.drafts);
    timings.push(("site model", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let stats = render::render(&site, &theme, &output)?;
    timings.extend(stats.timings.iter().copied());
    timings.push(("render (total)", t.elapsed().as_secs_f64()));
    if let Some(inputs) = inputs {
        let record = BuildRecord {
            inputs,
            files_read: corpus.files_read,
            articles: site.articles.len(),
            pages: stats.pages,
            warnings: corpus.warnings.clone(),
        };
        if let Ok(bytes) = serde_json::to_vec(&record) {
            output.save_state(BUILD_STATE, bytes);
        }
    }
    let summary = BuildSummary {
        files_read: corpus.files_read,
        articles: site.articles.len(),
        pages: stats.pages,
        rendered: stats.rendered,
        changed: 0,
        warnings: corpus.warnings,
        seconds: started.elapsed().as_secs_f64(),
        timings,
        output: output_dir,
    };
    if let Some(cache) = pipeline.cache.as_ref().filter(|cache| cache.damage_found()) {
        cache.discard();
        return Ok(None);
    }
    Ok(Some(StagedBuild {
        output: Some(output),
        summary,
        started,
        leftovers: Some(Leftovers(Box::new((site, pipeline)))),
    }))
}

/// Result of `check`: every error found, and the warnings.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub errors: Vec<String>,
    pub warnings: Vec<Warning>,
    pub files_read: usize,
    pub articles: usize,
}

/// Validate config, content and templates without writing anything into the site.
pub fn check(root: &Path) -> CheckReport {
    let mut report = CheckReport::default();
    let config = match Config::load(root) {
        Ok((c, _)) => c,
        Err(errors) => {
            report.errors.extend(errors.iter().map(ToString::to_string));
            Config::default()
        }
    };
    let theme = Theme::load(root, &config.theme).and_then(|theme| render::compile_templates(&theme).map(|_| theme));
    let theme = match theme {
        Ok(theme) => Some(theme),
        Err(e) => {
            report.errors.push(e.to_string());
            None
        }
    };
    let (corpus, config) = check_corpus(root, config);
    report.errors.extend(corpus.errors.iter().map(ToString::to_string));
    report.warnings = corpus.warnings;
    report.files_read = corpus.files_read;
    report.articles = corpus.articles.len();
    if let (true, Some(theme)) = (report.errors.is_empty(), theme) {
        if let Err(e) = dry_render(&config, &theme, corpus.articles) {
            report.errors.push(e.to_string());
        }
    }
    report
}

/// The corpus `check` validates, and its config: the per-file results the build cache holds
/// are taken from it (read, never written: see [`Cache::read_only`]), the others computed. A
/// cached result found damaged while decoding means checking again from the files alone.
fn check_corpus(root: &Path, config: Config) -> (Corpus, Config) {
    let pipeline = Pipeline::new(config).with_cache_read_only(root);
    let corpus = pipeline.load_corpus(root);
    if pipeline.cache.as_ref().is_some_and(Cache::damage_found) {
        let pipeline = Pipeline::new(pipeline.config);
        let corpus = pipeline.load_corpus(root);
        return (corpus, pipeline.config);
    }
    (corpus, pipeline.config)
}

/// Render every page of the site (drafts included), keeping none of the bytes: some
/// template errors (an undefined variable) only show when a template is rendered with real
/// data, and two pages claiming one path only when all are laid out.
fn dry_render(config: &Config, theme: &Theme, articles: Vec<Article>) -> Result<()> {
    let taxonomy = Taxonomy::load(&config.themes);
    let site = Site::build(config.clone(), taxonomy, articles, true);
    render::render(&site, theme, &output::Output::discarding()).map(|_| ())
}

/// Ingest, clean and analyze the given files (for `inspect`), in the order given.
pub fn inspect(root: &Path, files: &[PathBuf]) -> Result<(Vec<Article>, Vec<Warning>, Config)> {
    let config = load_config(root)?;
    let max_bytes = config.max_file_bytes;
    let pipeline = Pipeline::new(config);
    let mut analyzed = Vec::new();
    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let outcomes: Vec<FileOutcome> = files
        .par_iter()
        .map(|path| {
            let display = path.to_string_lossy().into_owned();
            let kind = content::kind_of(path).unwrap_or(SourceKind::Raw);
            match content::read_capped(path, max_bytes) {
                Ok(bytes) => pipeline.process_bytes(&bytes, &display, kind),
                Err(e) => FileOutcome::warn(&display, e.to_string()),
            }
        })
        .collect();
    for outcome in outcomes {
        analyzed.extend(outcome.articles.into_iter().zip(outcome.inputs));
        warnings.extend(outcome.warnings);
        errors.extend(outcome.error);
    }
    if !errors.is_empty() {
        return Err(many(errors));
    }
    // One record per article found, in file order: reposts are not merged here.
    let articles = analyze::analyze_corpus(analyzed, false, pipeline.config.analyze.keywords_per_article);
    Ok((articles, warnings, pipeline.config))
}

/// A progress bar for the per-file stages, drawn on a terminal only once a build has run for
/// a second; never drawn in CI, off a terminal, or with `--quiet`.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn hidden() -> Progress {
        Progress {
            bar: None,
            started: Instant::now(),
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }

    fn on_terminal() -> Progress {
        use std::io::IsTerminal;
        let wanted = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        Progress {
            bar: wanted
                .then(|| indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden())),
            ..Progress::hidden()
        }
    }

    fn start(&self, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} files ({eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
        }
    }

    fn tick(&self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if self.started.elapsed().as_secs_f64() > 1.0 && !self.shown.swap(true, std::sync::atomic::Ordering::Relaxed) {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr_with_hz(4));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    const FIRST: &str = "工会驿站建设\n\n各地工会建成驿站一千余个，方便户外劳动者歇脚。\n";
    const SECOND: &str = "职工之家建设\n\n各级工会推进职工之家建设，服务职工群众。\n";
    /// FIRST with other words of the same length in bytes.
    const FIRST_EDITED: &str = "工会食堂建设\n\n各地工会建成食堂一千余个，方便户外劳动者吃饭。\n";

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/raw")).unwrap();
        std::fs::write(dir.path().join("content/raw/a.txt"), FIRST).unwrap();
        std::fs::write(dir.path().join("content/raw/b.txt"), SECOND).unwrap();
        dir
    }

    /// A pipeline with the site's cache; `settled`: as if the build started an hour from
    /// now, so the files just written count as settled (recorded in the snapshot).
    fn pipeline(root: &Path, settled: bool) -> Pipeline {
        let mut pipeline = Pipeline::new(Config::default()).with_cache(root);
        if settled {
            if let Some(cache) = pipeline.cache.as_mut() {
                cache.set_started(SystemTime::now() + Duration::from_secs(3600));
            }
        }
        pipeline
    }

    /// Build the corpus: the files read to find their keys, the articles' titles, and
    /// whether the cleaner had to be built (something was computed).
    fn load(root: &Path, settled: bool) -> (usize, Vec<String>, bool) {
        let pipeline = pipeline(root, settled);
        let corpus = pipeline.load_corpus(root);
        let mut titles: Vec<String> = corpus.articles.iter().map(|a| a.clean.title.clone()).collect();
        titles.sort();
        (
            pipeline.hashed.load(Ordering::Relaxed),
            titles,
            pipeline.cleaner.get().is_some(),
        )
    }

    /// Wait until the clock has moved past the status-change time of `path` (timestamps
    /// are taken from a coarse clock): a write now gives it another one.
    fn wait_for_a_new_ctime(path: &Path) {
        let stat = FileStat::of(&std::fs::metadata(path).unwrap()).unwrap();
        let ctime = SystemTime::UNIX_EPOCH
            + Duration::new(stat.ctime.0 as u64, stat.ctime.1 as u32)
            + Duration::from_millis(50);
        while SystemTime::now() < ctime {
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Overwrite `path` with `text` (of its size) and give it back its modification time.
    fn edit_keeping_size_and_mtime(path: &Path, text: &str) {
        let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
        assert_eq!(std::fs::metadata(path).unwrap().len(), text.len() as u64);
        std::fs::write(path, text).unwrap();
        std::fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        assert_eq!(std::fs::metadata(path).unwrap().modified().unwrap(), mtime);
    }

    #[test]
    fn files_whose_metadata_did_not_change_are_not_read() {
        let dir = site();
        let titles = vec!["工会驿站建设".to_string(), "职工之家建设".to_string()];
        assert_eq!(load(dir.path(), true), (2, titles.clone(), true));
        assert!(cache::snapshot_path(dir.path()).is_file());
        assert_eq!(load(dir.path(), true), (0, titles.clone(), false));
        // Without the cache, every file is read.
        let no_cache = Pipeline::new(Config::default());
        assert_eq!(no_cache.load_corpus(dir.path()).articles.len(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn an_edit_that_keeps_the_size_and_the_mtime_is_found_by_the_ctime() {
        let dir = site();
        let a = dir.path().join("content/raw/a.txt");
        load(dir.path(), true);
        wait_for_a_new_ctime(&a);
        edit_keeping_size_and_mtime(&a, FIRST_EDITED);
        let (read, titles, computed) = load(dir.path(), true);
        assert_eq!((read, computed), (1, true));
        assert_eq!(titles, ["工会食堂建设", "职工之家建设"]);
    }

    #[cfg(unix)]
    #[test]
    fn files_changed_shortly_before_a_build_are_read_by_the_next_one() {
        // Real time: the files were written within the settling margin, which a write
        // within the same clock tick could not be told from.
        let dir = site();
        let a = dir.path().join("content/raw/a.txt");
        assert_eq!(load(dir.path(), false).0, 2);
        assert!(!cache::snapshot_path(dir.path()).exists());
        edit_keeping_size_and_mtime(&a, FIRST_EDITED);
        let (read, titles, _) = load(dir.path(), false);
        assert_eq!(read, 2);
        assert_eq!(titles, ["工会食堂建设", "职工之家建设"]);
    }

    #[test]
    fn a_touched_file_is_read_again_and_found_in_the_cache() {
        let dir = site();
        let a = dir.path().join("content/raw/a.txt");
        let (_, titles, _) = load(dir.path(), true);
        let touched = SystemTime::now() + Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&a)
            .unwrap()
            .set_modified(touched)
            .unwrap();
        // Read and hashed, found cached: nothing computed.
        assert_eq!(load(dir.path(), true), (1, titles.clone(), false));
        // Recorded again with its new times.
        assert_eq!(load(dir.path(), true), (0, titles, false));
    }

    #[test]
    fn a_damaged_or_foreign_snapshot_means_reading_every_file() {
        let dir = site();
        let (_, titles, _) = load(dir.path(), true);
        let path = cache::snapshot_path(dir.path());
        let good = std::fs::read(&path).unwrap();
        let mut flipped = good.clone();
        flipped[good.len() / 2] ^= 0x01;
        let truncated = good[..good.len() - 1].to_vec();
        for damaged in [flipped, truncated, b"garbage".to_vec(), Vec::new()] {
            std::fs::write(&path, damaged).unwrap();
            assert_eq!(load(dir.path(), true), (2, titles.clone(), false));
        }
        // Made under another config: its keys do not fit, it is not used.
        let mut config = Config::default();
        config.paginate += 1;
        let other = Pipeline::new(config).with_cache(dir.path());
        other.load_corpus(dir.path());
        assert_eq!(other.hashed.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn the_snapshot_is_rewritten_only_when_it_changes() {
        let dir = site();
        load(dir.path(), true);
        let path = cache::snapshot_path(dir.path());
        let stamp = || {
            let m = std::fs::metadata(&path).unwrap();
            FileStat::of(&m).map(|s| s.inode)
        };
        let before = stamp();
        load(dir.path(), true);
        assert_eq!(stamp(), before);
        std::fs::remove_file(dir.path().join("content/raw/b.txt")).unwrap();
        let (read, titles, _) = load(dir.path(), true);
        assert_eq!((read, titles), (0, vec!["工会驿站建设".to_string()]));
        assert_ne!(stamp(), before);
    }

    /// Every file under `dir` with its bytes, sorted by path.
    fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_read_only_cache_serves_the_files_it_holds_and_is_left_as_it_was() {
        let dir = site();
        let (_, titles, _) = load(dir.path(), true);
        let cache_dir = dir.path().join(cache::CACHE_DIR);
        let before = files_under(&cache_dir);
        assert!(before.len() >= 2, "{before:?}");
        let pipeline = Pipeline::new(Config::default()).with_cache_read_only(dir.path());
        let corpus = pipeline.load_corpus(dir.path());
        // Known by their metadata and found in the cache: nothing read, nothing computed.
        assert_eq!(pipeline.hashed.load(Ordering::Relaxed), 0);
        assert!(pipeline.cleaner.get().is_none());
        let mut found: Vec<String> = corpus.articles.iter().map(|a| a.clean.title.clone()).collect();
        found.sort();
        assert_eq!(found, titles);
        // A new file is computed, and neither it nor the files' metadata is recorded.
        std::fs::write(
            dir.path().join("content/raw/c.txt"),
            "法律援助进企业\n\n市总工会为职工提供免费法律咨询，维护职工合法权益。\n",
        )
        .unwrap();
        let pipeline = Pipeline::new(Config::default()).with_cache_read_only(dir.path());
        assert_eq!(pipeline.load_corpus(dir.path()).articles.len(), 3);
        assert!(pipeline.cleaner.get().is_some());
        assert_eq!(files_under(&cache_dir), before);
    }

    /// The scan of `a.txt` by a fresh pipeline of the site at `root`, with `kept` bytes kept
    /// already; and the pipeline and the file.
    fn scan_a(root: &Path, kept: usize) -> (Pipeline, SourceFile, Scanned, usize) {
        let pipeline = pipeline(root, true);
        let file = Walked::of(root)
            .files
            .into_iter()
            .find(|f| f.rel.ends_with("a.txt"))
            .unwrap();
        let kept = AtomicUsize::new(kept);
        let scanned = pipeline.scan(&file, pipeline.key_source(&file, None), &kept);
        (pipeline, file, scanned, kept.into_inner())
    }

    #[test]
    fn a_file_the_cache_lacks_is_computed_from_the_bytes_its_key_was_made_from() {
        let dir = site();
        let (pipeline, file, scanned, kept) = scan_a(dir.path(), 0);
        match &scanned {
            Scanned::Uncached { bytes, .. } => assert_eq!(bytes.as_deref(), Some(FIRST.as_bytes())),
            other => panic!("a file of an empty cache scanned as {other:?}"),
        }
        assert_eq!(kept, FIRST.len());
        // Changed after the scan: the article is still the one its key was made from, and
        // the file is not read again.
        std::fs::write(&file.path, SECOND).unwrap();
        let outcome = pipeline.outcome(&file, scanned);
        let titles: Vec<&str> = outcome.articles.iter().map(|a| a.clean.title.as_str()).collect();
        assert_eq!(titles, ["工会驿站建设"]);
    }

    #[test]
    fn past_its_budget_the_scan_keeps_no_bytes_and_the_file_is_read_again() {
        let dir = site();
        let (pipeline, file, scanned, _) = scan_a(dir.path(), KEPT_BYTES - FIRST.len() + 1);
        assert!(matches!(scanned, Scanned::Uncached { bytes: None, .. }), "{scanned:?}");
        std::fs::write(&file.path, SECOND).unwrap();
        let outcome = pipeline.outcome(&file, scanned);
        let titles: Vec<&str> = outcome.articles.iter().map(|a| a.clean.title.as_str()).collect();
        assert_eq!(titles, ["职工之家建设"]);
        // Exactly at the budget, the bytes are kept.
        let (_, _, scanned, kept) = scan_a(dir.path(), KEPT_BYTES - SECOND.len());
        assert!(
            matches!(scanned, Scanned::Uncached { bytes: Some(_), .. }),
            "{scanned:?}"
        );
        assert_eq!(kept, KEPT_BYTES);
    }
}
