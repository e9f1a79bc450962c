//! Render: [`Site`] + [`Theme`] → files in an [`Output`] (see [`output`]).
//! Tera templates for pages, sanitised Markdown, Atom feeds, sitemap, search index and the
//! data export.
//!
//! Every page has a key: a hash of everything it is rendered from (the tool, the templates,
//! the strings, the settings, and the page's own data: for an article page its full record,
//! its region path and keyword links, and its neighbours' card keys; for a list page its
//! header, pager and the card keys of its articles). A page whose key matches the previous
//! build's is neither rendered nor written; so is a feed whose articles did not change. The
//! search index and the data export, each made from every article, are keyed by all the
//! articles' records together; the data export is patched from the previous one when only
//! some records changed (see [`json_array`]).

pub mod charts;
pub mod feeds;
pub mod json_array;
pub mod markdown;
pub mod memo;
pub mod output;
pub mod search;
pub mod stats;
#[cfg(test)]
pub(crate) mod testing;
pub mod theme;
pub mod tilemap;
pub mod views;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;

use crate::error::{Error, Result};
use crate::record::ArticleRecord;
use crate::site::Site;
use output::Output;
use theme::Theme;
use views::{ListSpec, Views};

/// Most articles listed on the home page (the archive lists them all).
const HOME_LATEST: usize = 12;

/// What a render wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RenderStats {
    /// HTML pages written.
    pub pages: usize,
    /// All files written (pages, feeds, data, assets).
    pub files: usize,
    /// Pages rendered by this build; the others were unchanged and kept as they were.
    pub rendered: usize,
    /// Seconds spent in each part of rendering, in order.
    pub timings: Vec<Timing>,
}

/// Compile the theme's templates, naming the template, line and problem on error.
pub fn compile_templates(theme: &Theme) -> Result<tera::Tera> {
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm", ".xml"]);
    tera.set_escape_fn(html_escape);
    tera.add_raw_templates(theme.templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .map_err(|e| template_error("theme", &e))?;
    Ok(tera)
}

/// Escape text for HTML element content and quoted attribute values: the five characters
/// that can end a text or an attribute. Unlike tera's default, `/` stays as is, so URLs in
/// `href` read naturally (escaping it adds no safety inside quoted attributes).
pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Flatten a tera error chain (which holds the template name, line and variable).
pub fn template_error(template: &str, e: &tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template {
        template: template.to_string(),
        message,
    }
}

/// The output file of the page at `path` (a directory path such as `articles/x/`).
fn page_file(path: &str) -> String {
    format!("{path}index.html")
}

/// Renders pages into an [`Output`], skipping pages whose inputs did not change.
struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    tera: tera::Tera,
    views: Views<'a>,
    out: &'a Output,
    /// Hash of what every page depends on besides its own data: the tool, the templates, the
    /// strings, the site's settings.
    global: blake3::Hash,
    /// `site` and `t`, shared by every page's context.
    base: tera::Context,
    /// Hash of each article's card (the summary lists show): a list page's key holds them.
    card_keys: Vec<blake3::Hash>,
    /// Hash of each article's whole record (every field, as the build cache stores it): the
    /// keys of its page, the search index and the data export hold it.
    article_keys: Vec<blake3::Hash>,
    /// Each article's card rendered by `card.html`, rendered when a page first needs it.
    /// With whether it was rendered by this build (not found in the memo).
    card_html: Vec<std::sync::OnceLock<(String, bool)>>,
    /// Cards of earlier builds by [`Renderer::card_memo_key`]: a card found there is not
    /// rendered again.
    card_memo: memo::Memo,
    /// Pages rendered (not reused) by this build.
    rendered: std::sync::atomic::AtomicUsize,
}

/// What a page's key covers besides its data.
#[derive(Serialize)]
struct PageMeta<'a> {
    title: &'a str,
    path: &'a str,
    canonical: String,
}

/// The part of a list that its numbered pages show (the first page shows all of [`ListSpec`]).
#[derive(Serialize)]
struct ListHead<'a> {
    title: &'a str,
    path: &'a str,
    breadcrumb: &'a [views::Link],
    feed_url: &'a Option<String>,
    number: usize,
}

thread_local! {
    /// A buffer per thread for the serialisations page keys hash: a fresh one per key, grown
    /// as it is written, cost more than the hashing.
    static KEY_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn key_error(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Template {
        template: what.into(),
        message: e.to_string(),
    }
}

/// The hash of an article's whole record. postcard: a compact serialisation, much faster to
/// make than JSON.
/// An article from the build cache is keyed by its origin (the hash of the cached record it
/// was decoded from) and what corpus analysis changed in it since.
fn article_key(article: &crate::model::Article) -> Result<blake3::Hash> {
    KEY_BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        let bytes = match &article.origin {
            Some(origin) => {
                buffer.extend_from_slice(origin);
                postcard::to_extend(&(&article.keywords, &article.sources), std::mem::take(buffer))
            }
            None => postcard::to_extend(article, std::mem::take(buffer)),
        }
        .map_err(|e| key_error("article key", e))?;
        let hash = blake3::hash(&bytes);
        *buffer = bytes;
        Ok(hash)
    })
}

/// A serialisable value fed into a hash (JSON is the form templates see).
/// Feed `text` to `hasher` after its length, so that texts hashed one after another are
/// unambiguous.
pub(crate) fn hash_text(hasher: &mut blake3::Hasher, text: &str) {
    hasher.update(&(text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

fn hash_json<T: Serialize + ?Sized>(hasher: &mut blake3::Hasher, value: &T) -> Result<()> {
    // Serialised whole first: the hasher is much faster fed large slices than JSON's tokens.
    KEY_BUFFER.with_borrow_mut(|buffer| {
        buffer.clear();
        serde_json::to_writer(&mut *buffer, value).map_err(|e| key_error("page key", e))?;
        hasher.update(buffer);
        hasher.update(b"\0");
        Ok(())
    })
}

impl<'a> Renderer<'a> {
    fn new(site: &'a Site, theme: &'a Theme, out: &'a Output) -> Result<Renderer<'a>> {
        // Compiling the templates and making the views are each one thread's work, and
        // neither needs the other: side by side, neither core waits.
        let (tera, views) = rayon::join(|| compile_templates(theme), || Views::new(site, theme));
        let tera = tera?;
        let mut base = tera::Context::new();
        base.insert("site", &views.site);
        base.insert("t", &theme.strings);
        let mut hasher = blake3::Hasher::new();
        hasher.update(env!("UNION_DIGEST_FINGERPRINT").as_bytes());
        hash_json(&mut hasher, &theme.templates)?;
        hash_json(&mut hasher, &theme.strings)?;
        // Date formats are shown on nearly every page (and card).
        hash_json(&mut hasher, &theme.dates)?;
        hash_json(&mut hasher, &views.site)?;
        hash_json(&mut hasher, &site.config)?;
        let global = hasher.finalize();
        let open_memo = || {
            out.memo_path("cards")
                .map_or_else(memo::Memo::disabled, |p| memo::Memo::open(&p))
        };
        let ((article_keys, card_keys), card_memo) = rayon::join(
            || {
                let article_keys = site.articles.par_iter().map(article_key).collect::<Result<Vec<_>>>();
                let card_keys = (0..site.articles.len())
                    .into_par_iter()
                    .map(|i| views.card_key(i))
                    .collect();
                (article_keys, card_keys)
            },
            open_memo,
        );
        let article_keys: Vec<blake3::Hash> = article_keys?;
        Ok(Renderer {
            site,
            theme,
            tera,
            article_keys,
            card_html: (0..site.articles.len()).map(|_| std::sync::OnceLock::new()).collect(),
            card_memo,
            views,
            out,
            global,
            base,
            card_keys,
            rendered: std::sync::atomic::AtomicUsize::new(0),
        })
    }

    fn meta<'p>(&self, path: &'p str, title: &'p str) -> PageMeta<'p> {
        PageMeta {
            title,
            path,
            canonical: format!("{}{path}", self.site.config.base_url_slash()),
        }
    }

    /// The key of a page: everything it is rendered from. `data` adds the page's own data.
    fn key(
        &self,
        template: &str,
        path: &str,
        title: &str,
        data: impl FnOnce(&mut blake3::Hasher) -> Result<()>,
    ) -> Result<blake3::Hash> {
        // The page's meta ([`Renderer::meta`]): its canonical URL is the base URL (in
        // `global`) and its path.
        let mut hasher = self.key_hasher(&[template, path, title]);
        data(&mut hasher)?;
        Ok(hasher.finalize())
    }

    /// A hasher fed the build's global inputs and `texts`: where every page key starts.
    fn key_hasher(&self, texts: &[&str]) -> blake3::Hasher {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.global.as_bytes());
        for text in texts {
            hash_text(&mut hasher, text);
        }
        hasher
    }

    /// Render `template` for the page at `path`; `fill` adds the page's data to the context.
    fn render(
        &self,
        template: &str,
        path: &str,
        title: &str,
        fill: impl FnOnce(&mut tera::Context) -> Result<()>,
    ) -> Result<String> {
        let mut context = self.base.clone();
        context.insert("page", &self.meta(path, title));
        fill(&mut context)?;
        self.rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.render_context(template, &context)
    }

    /// Render `template` with `context`, naming the template and line on error.
    fn render_context(&self, template: &str, context: &tera::Context) -> Result<String> {
        self.tera
            .render(template, context)
            .map_err(|e| template_error(template, &e).with_template_location(&self.theme.templates))
    }

    /// A page rendered on every build (written only if its bytes changed).
    fn page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        fill: impl FnOnce(&mut tera::Context) -> Result<()>,
    ) -> Result<()> {
        let html = self.render(template, path, title, fill)?;
        self.out.write(&page_file(path), html.as_bytes(), None).map(|_| ())
    }

    /// A page rendered only when its key differs from the previous build's.
    fn keyed_page(
        &self,
        template: &str,
        path: &str,
        title: &str,
        key: blake3::Hash,
        fill: impl FnOnce(&mut tera::Context) -> Result<()>,
    ) -> Result<()> {
        let file = page_file(path);
        if self.out.reuse(&file, &key)? {
            return Ok(());
        }
        let html = self.render(template, path, title, fill)?;
        self.out.write(&file, html.as_bytes(), Some(key)).map(|_| ())
    }

    /// The key of article `i`'s card in the memo: its card key and everything every page
    /// depends on (the templates and strings among them).
    fn card_memo_key(&self, i: usize) -> memo::Key {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"card\0");
        hasher.update(self.global.as_bytes());
        hasher.update(self.card_keys[i].as_bytes());
        *hasher.finalize().as_bytes()
    }

    /// The HTML of article `i`'s card: from the memo, or rendered (once per build).
    fn card(&self, i: usize) -> Result<&str> {
        if let Some((html, _)) = self.card_html[i].get() {
            return Ok(html);
        }
        if let Some(html) = self.card_memo.get(&self.card_memo_key(i)) {
            return Ok(&self.card_html[i].get_or_init(|| (html.to_string(), false)).0);
        }
        let mut context = self.base.clone();
        context.insert("a", &self.views.card(i));
        let html = self.render_context("card.html", &context)?;
        Ok(&self.card_html[i].get_or_init(|| (html, true)).0)
    }

    fn cards(&self, items: &[usize]) -> Result<Vec<&str>> {
        items.iter().map(|&i| self.card(i)).collect()
    }

    fn article_page(&self, i: usize) -> Result<String> {
        let path = format!("articles/{}/", self.site.slugs[i]);
        let title = &self.site.articles[i].clean.title;
        let neighbours = self.views.neighbours(i);
        // The page is made of the article, the site's region tree and keyword pages as they
        // link it, and its neighbours' cards (by their keys): all cheaper to hash than to build.
        let key = self.key("article.html", &path, title, |h| {
            // The article key covers its keywords; the base URL is in every key.
            h.update(self.article_keys[i].as_bytes());
            self.views.hash_breadcrumb_of_article(i, h);
            self.views.hash_keyword_slugs(i, h);
            for j in neighbours
                .related
                .iter()
                .chain(&neighbours.prev)
                .chain(&neighbours.next)
            {
                h.update(self.card_keys[*j].as_bytes());
            }
            h.update(&[u8::from(neighbours.prev.is_some()), u8::from(neighbours.next.is_some())]);
            Ok(())
        })?;
        self.keyed_page("article.html", &path, title, key, |c| {
            let (mut view, _) = self.views.article_without_cards(i);
            self.views.fill_cards(&mut view, &neighbours);
            c.insert("article", &view);
            Ok(())
        })?;
        Ok(path)
    }

    /// Keep this build's cards for the next one (the memo drops cards no article has now).
    fn save_card_memo(self) {
        let keys: Vec<memo::Key> = (0..self.site.articles.len())
            .into_par_iter()
            .map(|i| self.card_memo_key(i))
            .collect();
        // Only the cards rendered by this build: the others are in the memo already.
        let made: Vec<(memo::Key, String)> = self
            .card_html
            .into_iter()
            .zip(&keys)
            .filter_map(|(card, key)| match card.into_inner()? {
                (html, true) => Some((*key, html)),
                (_, false) => None,
            })
            .collect();
        self.card_memo.save(keys.iter(), &made);
    }

    /// The search index: patched when the previous build left its state and few of the
    /// documents changed (see `search::patch`), else built in full. Returns its number of
    /// shards and documents (for the search page).
    fn search_index(&self) -> Result<SearchOutput> {
        // Each document's record: its article's whole record and what the site adds to it,
        // hashed (cheaper than its fingerprint, which is computed when this changes), without
        // making the document: a patch makes only the documents whose record changed.
        let urls: Vec<String> = (0..self.site.articles.len())
            .into_par_iter()
            .map(|i| self.views.search_url(i))
            .collect();
        let records: Vec<search::Fingerprint> = urls
            .par_iter()
            .zip(&self.article_keys)
            .enumerate()
            .map(|(i, (url, key))| {
                let mut hasher = blake3::Hasher::new();
                hasher.update(key.as_bytes());
                self.views.hash_search_extras(i, url, &mut hasher);
                let mut record = search::Fingerprint::default();
                let len = record.len();
                record.copy_from_slice(&hasher.finalize().as_bytes()[..len]);
                record
            })
            .collect();
        let make_doc = |i: usize| self.views.search_doc(i);
        let docs = search::Docs {
            urls: &urls,
            make: &make_doc,
        };
        // What every document's terms depend on besides the document.
        let dictionary = &self.site.config.analyze.dictionary;
        let mut hasher = blake3::Hasher::new();
        hasher.update(env!("UNION_DIGEST_FINGERPRINT").as_bytes());
        hasher.update(b"search index\0");
        hash_json(&mut hasher, dictionary)?;
        let global = *hasher.finalize().as_bytes();
        // Every file of the index has this key (under this tool and dictionary): the state,
        // not the key, says whether a file's bytes are current.
        let files_key = blake3::hash(&[&global[..], b"search index files"].concat());
        let segmenter = search::Segmenter::new(dictionary);
        let patch = self.out.previous_state("search").and_then(|previous| {
            search::patch(docs, &records, &segmenter, &global, &previous, |n| {
                self.out.read_previous(&search::shard_path(n))
            })
        });
        if let Some(patch) = patch.as_ref().filter(|p| p.unchanged) {
            // Nothing to write: keep every file at once, if all are still there.
            if self.out.reuse_group(&files_key)? {
                self.out.save_state("search", patch.state.clone());
                return Ok(SearchOutput {
                    shards: patch.shard_count,
                    docs: docs.len(),
                    files: patch.shard_count + docs.len() + 1,
                });
            }
        }
        let keeps_its_shards = |patch: &search::Patch| {
            patch
                .kept_shards
                .iter()
                .all(|&n| self.out.can_reuse(&search::shard_path(n), &files_key))
        };
        if let Some(mut patch) = patch.filter(keeps_its_shards) {
            for &n in &patch.kept_shards {
                let rel = search::shard_path(n);
                if !self.out.reuse(&rel, &files_key)? {
                    return Err(Error::OutputRefused {
                        path: rel.into(),
                        reason: "a file of the search index vanished during the build".into(),
                    });
                }
            }
            let shards = std::mem::take(&mut patch.shards);
            let contents = std::mem::take(&mut patch.shard_contents);
            shards
                .into_par_iter()
                .zip(contents)
                .try_for_each(|((n, bytes), content)| {
                    self.out
                        .write_hashed(&search::shard_path(n), bytes, content, Some(files_key))
                        .map(|_| ())
                })?;
            // Documents: unchanged ones kept (the manifest vouches for them; one it does not
            // list is written again).
            let rewrite: Vec<usize> = patch
                .kept_docs
                .par_iter()
                .map(|&n| {
                    let rel = search::doc_path(patch.keys[n]);
                    Ok((!self.out.reuse(&rel, &files_key)?).then_some(n))
                })
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect();
            patch.changed_docs.par_iter().chain(&rewrite).try_for_each(|&n| {
                let rel = search::doc_path(patch.keys[n]);
                self.out
                    .write(&rel, &search::doc_file(&make_doc(n)), Some(files_key))
                    .map(|_| ())
            })?;
            self.out.write(search::META_PATH, &patch.meta, Some(files_key))?;
            self.out.save_state("search", patch.state);
            return Ok(SearchOutput {
                shards: patch.shard_count,
                docs: docs.len(),
                files: patch.shard_count + docs.len() + 1,
            });
        }
        let docs = self.views.search_docs();
        let write = |rel: &str, bytes: &[u8]| self.out.write(rel, bytes, Some(files_key)).map(|_| ());
        let index = search::build_writing_docs(&docs, &segmenter, write)?;
        index.files.par_iter().try_for_each(|(rel, bytes)| write(rel, bytes))?;
        if let Some(state) = search::full_state(&index, &docs, &records, &global) {
            self.out.save_state("search", state);
        }
        Ok(SearchOutput {
            shards: index.shard_count,
            docs: index.stats.docs,
            files: index.files.len() + index.stats.docs,
        })
    }

    /// `data/articles.json`, every article's record. Kept when no record changed; else
    /// patched from the previous file when the previous build kept its layout (see
    /// [`json_array`]), serialising only new and changed records; else made in full.
    fn data_export(&self) -> Result<()> {
        const PATH: &str = "data/articles.json";
        const STATE: &str = "data";
        let json_error = |e: serde_json::Error| Error::Template {
            template: PATH.into(),
            message: e.to_string(),
        };
        // A record is made from its article and its URL, by this version of the tool (not
        // from templates or settings: a changed template leaves the export as it is).
        let (urls, keys): (Vec<String>, Vec<json_array::RecordKey>) = (0..self.site.articles.len())
            .into_par_iter()
            .map(|i| {
                let url = self.views.href(&self.site.article_url(i)[1..]);
                let key = json_array::record_key(&[
                    env!("UNION_DIGEST_FINGERPRINT").as_bytes(),
                    self.article_keys[i].as_bytes(),
                    url.as_bytes(),
                ]);
                (url, key)
            })
            .unzip();
        let key = json_array::array_key(PATH, &keys);
        let saved = self.out.previous_state(STATE);
        let layout = saved.as_deref().and_then(json_array::Layout::parse);
        if self.out.reuse(PATH, &key)? {
            // The file stays, and so does its layout (when the previous build kept it).
            if let (Some(saved), Some(layout)) = (saved, layout) {
                if layout.keys().eq(&keys) {
                    self.out.save_state(STATE, saved);
                }
            }
            return Ok(());
        }
        let record = |i: usize| ArticleRecord::new(&self.site.articles[i], urls[i].clone());
        if let Some(layout) = layout {
            if let Some(previous) = self.out.open_previous(PATH).and_then(|f| json_array::map(&f)) {
                let patched = json_array::patch(&previous, &layout, &keys, |i, separator| {
                    json_array::element(&record(i), separator)
                })
                .map_err(json_error)?;
                if let Some(pieces) = patched {
                    self.out.write_patched(PATH, &previous, pieces.pieces, key)?;
                    self.out.save_state(STATE, pieces.layout.to_bytes());
                    return Ok(());
                }
            }
        }
        let make = |i: usize, separator: &'static [u8]| json_array::element(&record(i), separator).map_err(json_error);
        let written = self
            .out
            .write_streamed_keyed(PATH, key, |emit| json_array::stream(&keys, make, emit))?;
        if let Some(layout) = written {
            self.out.save_state(STATE, layout.to_bytes());
        }
        Ok(())
    }

    /// The Atom feed `feed_path` of the newest articles of `items`, made only when its
    /// key differs from the previous build's: the tool and settings (the feed size, the base
    /// URL), its title and path, and the records and slugs of the articles it shows.
    fn feed(&self, title: &str, feed_path: &str, items: &[usize]) -> Result<()> {
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.global.as_bytes());
        for part in ["atom feed", title, feed_path] {
            hasher.update(part.as_bytes());
            hasher.update(b"\0");
        }
        for &i in items.iter().take(self.site.config.feed_size) {
            hasher.update(self.article_keys[i].as_bytes());
            hasher.update(self.site.slugs[i].as_bytes());
            hasher.update(b"\0");
        }
        let key = hasher.finalize();
        if self.out.reuse(feed_path, &key)? {
            return Ok(());
        }
        let feed = self.views.feed(title, feed_path, items);
        self.out.write(feed_path, feed.as_bytes(), Some(key)).map(|_| ())
    }

    /// Every page of one index (region, theme, month, keyword) and its feed. Returns the
    /// page paths and whether a feed was written.
    fn list_pages(&self, list: &ListSpec) -> Result<(Vec<String>, bool)> {
        let cuts = self.views.page_cuts(&list.items, &list.path);
        // What every numbered page shows of the list (its head, see [`ListHead`] with the
        // number left out), hashed once for all of them.
        let head_key = {
            let mut hasher = blake3::Hasher::new();
            hash_json(
                &mut hasher,
                &ListHead {
                    title: &list.title,
                    path: &list.path,
                    breadcrumb: &list.breadcrumb,
                    feed_url: &list.feed_url,
                    number: 0,
                },
            )?;
            hasher.finalize()
        };
        // What the list's first page shows of it: all of it.
        let list_key = {
            let mut hasher = blake3::Hasher::new();
            hash_json(&mut hasher, list)?;
            hasher.finalize()
        };
        let mut paths = Vec::with_capacity(cuts.len());
        for page in cuts {
            // The page's key: what [`Renderer::key`] hashes, with its title and pager given
            // by what makes them (the list's title or head, the page's number and place).
            let mut hasher = self.key_hasher(&["list.html", &page.path]);
            match page.number {
                Some(number) => {
                    hasher.update(b"numbered");
                    hasher.update(head_key.as_bytes());
                    hasher.update(&(number as u64).to_le_bytes());
                }
                None => {
                    hasher.update(b"first");
                    hasher.update(list_key.as_bytes());
                }
            }
            for n in [page.position, page.top, page.items.len()] {
                hasher.update(&(n as u64).to_le_bytes());
            }
            for &i in page.items {
                hasher.update(self.card_keys[i].as_bytes());
            }
            let key = hasher.finalize();
            let file = page_file(&page.path);
            if !self.out.reuse(&file, &key)? {
                let title = match page.number {
                    None => list.title.clone(),
                    Some(n) => format!("{} · {}", list.title, self.theme.text("page", &[("n", n.to_string())])),
                };
                let html = self.render("list.html", &page.path, &title, |c| {
                    match page.number {
                        Some(number) => c.insert(
                            "list",
                            &ListHead {
                                title: &list.title,
                                path: &list.path,
                                breadcrumb: &list.breadcrumb,
                                feed_url: &list.feed_url,
                                number,
                            },
                        ),
                        None => c.insert("list", &*self.views.with_chart(list)),
                    }
                    c.insert("pager", &self.views.pager(&list.path, page.position, page.top));
                    c.insert("cards", &self.cards(page.items)?);
                    Ok(())
                })?;
                self.out.write(&file, html.as_bytes(), Some(key))?;
            }
            paths.push(page.path);
        }
        let feed = match &list.feed_path {
            Some(feed_path) => {
                self.feed(&list.title, feed_path, &list.items)?;
                true
            }
            None => false,
        };
        Ok((paths, feed))
    }
}

/// A stage's name and its wall seconds (see [`RenderStats::timings`]).
type Timing = (&'static str, f64);

/// What the search index stage made: its shards and documents (the search page shows both),
/// and the files it wrote or kept.
struct SearchOutput {
    shards: usize,
    docs: usize,
    files: usize,
}

/// Counts what a render wrote and collects the sitemap.
struct Tally {
    stats: RenderStats,
    /// The path of every page, for the sitemap.
    sitemap: Vec<String>,
    clock: std::time::Instant,
}

impl Tally {
    fn new() -> Tally {
        Tally {
            stats: RenderStats::default(),
            sitemap: Vec::new(),
            clock: std::time::Instant::now(),
        }
    }

    /// Add what another tally (of work done beside this one's) counted, and start timing anew.
    fn merge(&mut self, other: Tally) {
        self.stats.pages += other.stats.pages;
        self.stats.files += other.stats.files;
        self.stats.timings.extend(other.stats.timings);
        self.sitemap.extend(other.sitemap);
        self.clock = std::time::Instant::now();
    }

    fn page(&mut self, path: &str) {
        self.stats.pages += 1;
        self.stats.files += 1;
        self.sitemap.push(path.to_string());
    }

    fn file(&mut self) {
        self.stats.files += 1;
    }

    fn lap(&mut self, name: &'static str) {
        self.stats.timings.push((name, self.clock.elapsed().as_secs_f64()));
        self.clock = std::time::Instant::now();
    }
}

/// Every article's page, then every list's pages, on all cores.
fn article_and_index_pages(r: &Renderer) -> Result<Tally> {
    let mut tally = Tally::new();
    r.views.prepare_related();
    let article_paths: Vec<String> = (0..r.site.articles.len())
        .into_par_iter()
        .map(|i| r.article_page(i))
        .collect::<Result<_>>()?;
    for path in &article_paths {
        tally.page(path);
    }
    tally.lap("render: article pages");
    let lists = r.views.lists();
    let list_outputs: Vec<(Vec<String>, bool)> =
        lists.par_iter().map(|list| r.list_pages(list)).collect::<Result<_>>()?;
    for (paths, feed) in &list_outputs {
        for path in paths {
            tally.page(path);
        }
        if *feed {
            tally.file();
        }
    }
    tally.lap("render: index pages");
    Ok(tally)
}

/// The pages made from the whole site (home, region tree, themes, archive, statistics), on
/// all cores.
fn overview_pages(r: &Renderer) -> Result<Tally> {
    let mut tally = Tally::new();
    let (views, theme, site) = (&r.views, r.theme, r.site);
    let home = || {
        let latest_count = site.articles.len().min(site.config.paginate).min(HOME_LATEST);
        let latest: Vec<usize> = (0..latest_count).collect();
        r.page("index.html", "", "", |c| {
            c.insert("latest", &r.cards(&latest)?);
            c.insert("themes", &views.theme_tiles());
            c.insert("map", &views.province_map("home-map"));
            c.insert(
                "totals",
                &theme.text(
                    "home_totals",
                    &[
                        ("articles", site.articles.len().to_string()),
                        (
                            "themes",
                            site.themes
                                .iter()
                                .filter(|t| !t.articles.is_empty())
                                .count()
                                .to_string(),
                        ),
                        ("regions", site.regions.walk().len().saturating_sub(1).to_string()),
                    ],
                ),
            );
            Ok(())
        })
    };
    let regions = || {
        r.page("regions.html", "regions/", &theme.text("regions", &[]), |c| {
            c.insert("tree", &views.region_tree());
            c.insert("map", &views.province_map("regions-map"));
            Ok(())
        })
    };
    let themes = || {
        r.page("themes.html", "themes/", &theme.text("themes", &[]), |c| {
            c.insert("themes", &views.theme_tiles());
            c.insert("keywords", &views.keyword_tiles());
            Ok(())
        })
    };
    let archive = || {
        r.page("archive.html", "archive/", &theme.text("archive", &[]), |c| {
            let overview = views.archive_overview();
            c.insert("years", &overview["years"]);
            c.insert("undated", &overview["undated"]);
            Ok(())
        })
    };
    let stats = || {
        r.page("stats.html", "stats/", &theme.text("stats_title", &[]), |c| {
            c.insert("articles", &site.articles.len());
            c.insert("sections", &views.stats_sections());
            Ok(())
        })
    };
    // The statistics take longest: first, so the others fill the other core beside them.
    let (stats, ((home, regions), (themes, archive))) = rayon::join(stats, || {
        rayon::join(|| rayon::join(home, regions), || rayon::join(themes, archive))
    });
    for (done, path) in [
        (home, ""),
        (regions, "regions/"),
        (themes, "themes/"),
        (archive, "archive/"),
        (stats, "stats/"),
    ] {
        done?;
        tally.page(path);
    }
    tally.lap("render: overview pages (beside articles)");
    Ok(tally)
}

/// Render the whole site into `out`. Pages whose inputs are unchanged since the build `out`
/// updates are neither rendered nor written.
pub fn render(site: &Site, theme: &Theme, out: &Output) -> Result<RenderStats> {
    let mut tally = Tally::new();
    let r = Renderer::new(site, theme, out)?;
    tally.lap("render: templates, cards");

    // The page stages keep both cores busy most of the time; the data export and the search
    // index are mostly one thread's work (patching files of the previous build), so they run
    // beside them. Their timings overlap the pages'.
    let (side, pages) = rayon::join(
        || -> Result<(Option<SearchOutput>, [Timing; 2])> {
            let clock = std::time::Instant::now();
            r.data_export()?;
            let data_secs = clock.elapsed().as_secs_f64();
            let clock = std::time::Instant::now();
            let search = if site.config.search.enabled {
                Some(r.search_index()?)
            } else {
                None
            };
            Ok((
                search,
                [
                    ("render: data export (beside pages)", data_secs),
                    ("render: search index (beside pages)", clock.elapsed().as_secs_f64()),
                ],
            ))
        },
        || -> Result<Tally> {
            // Articles, index pages and overview pages are independent of each other: render
            // them on all cores. The overview pages are few, but one of them, the statistics,
            // is a long task of its own: begun beside the others, it does not run alone at
            // the end.
            let (listed, overview) = rayon::join(|| article_and_index_pages(&r), || overview_pages(&r));
            let mut tally = listed?;
            tally.merge(overview?);
            Ok(tally)
        },
    );
    let (search, side_timings) = side?;
    tally.merge(pages?);
    tally.stats.timings.extend(side_timings);
    // The data export.
    tally.file();
    // Search: the page, and the index it reads.
    if let Some(search) = search {
        for _ in 0..search.files {
            tally.file();
        }
        r.page("search.html", "search/", &theme.text("search", &[]), |c| {
            c.insert(
                "search",
                &json!({ "shards": search.shards, "docs": search.docs, "version": search::FORMAT_VERSION }),
            );
            Ok(())
        })?;
        tally.page("search/");
    }

    // 404 (not in the sitemap).
    let not_found = r.render("404.html", "404.html", &theme.text("not_found_title", &[]), |_| Ok(()))?;
    out.write("404.html", not_found.as_bytes(), None)?;
    tally.file();
    tally.stats.pages += 1;

    // Feed, assets, sitemap.
    let newest: Vec<usize> = (0..site.articles.len().min(site.config.feed_size)).collect();
    r.feed(&site.config.title, "feed.xml", &newest)?;
    tally.file();
    for (rel, bytes) in &theme.statics {
        if rel == "search.js" && !site.config.search.enabled {
            continue;
        }
        out.write(rel, bytes, None)?;
        tally.file();
    }
    let mut paths = std::mem::take(&mut tally.sitemap);
    // Every path once: an unstable sort gives the one order (and is the fastest here).
    paths.sort_unstable();
    let base = site.config.base_url_slash();
    out.write("sitemap.xml", feeds::sitemap(&base, &paths).as_bytes(), None)?;
    out.write(
        "robots.txt",
        feeds::robots(&format!("{base}sitemap.xml")).as_bytes(),
        None,
    )?;
    tally.file();
    tally.file();
    tally.lap("render: feeds, sitemap");
    tally.stats.rendered = r.rendered.load(std::sync::atomic::Ordering::Relaxed);
    r.save_card_memo();
    Ok(tally.stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_article_is_keyed_by_its_origin_and_what_corpus_analysis_changed() {
        let plain = testing::article("标题", None, ("浙江省", "杭州市", "330100"), &["rights"], &["集体协商"]);
        let whole = article_key(&plain).unwrap();
        let mut edited = plain.clone();
        edited.clean.title = "另一个标题".into();
        assert_ne!(
            article_key(&edited).unwrap(),
            whole,
            "without origin, every field counts"
        );

        let mut cached = plain.clone();
        crate::model::Article::set_origins(std::slice::from_mut(&mut cached), &[7; 32]);
        let key = article_key(&cached).unwrap();
        let mut same_origin = cached.clone();
        same_origin.clean.body.push("不会发生：来源记录相同，内容就相同".into());
        assert_eq!(article_key(&same_origin).unwrap(), key);
        let mut new_keywords = cached.clone();
        new_keywords.keywords.push("工会驿站".into());
        assert_ne!(article_key(&new_keywords).unwrap(), key);
        let mut merged = cached.clone();
        merged.sources.push(crate::model::SourceRef {
            file: "raw/copy.txt".into(),
            part: 0,
            source: None,
        });
        assert_ne!(article_key(&merged).unwrap(), key);
        let mut other_origin = cached.clone();
        crate::model::Article::set_origins(std::slice::from_mut(&mut other_origin), &[8; 32]);
        assert_ne!(article_key(&other_origin).unwrap(), key);
    }

    #[test]
    fn html_escape_neutralises_markup_but_keeps_slashes() {
        assert_eq!(
            html_escape("<a href=\"x\" title='y'>&</a> /regions/"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt; /regions/"
        );
    }

    #[test]
    fn hostile_titles_are_escaped_on_every_page() {
        let title = "<script>alert(1)</script>工会";
        let site = testing::site(vec![testing::article(
            title,
            None,
            ("浙江省", "", "33"),
            &["rights"],
            &["工会"],
        )]);
        let theme = testing::theme();
        let dir = tempfile::tempdir().unwrap();
        let out = Output::full(output::Staging::create(&dir.path().join("out")).unwrap());
        render(&site, &theme, &out).unwrap();
        let staging_dir = out.staging_dir().to_path_buf();
        let mut checked = 0;
        for entry in walkdir::WalkDir::new(&staging_dir).into_iter().flatten() {
            let name = entry.path().to_string_lossy().to_string();
            if name.ends_with(".html") || name.ends_with(".xml") {
                let text = std::fs::read_to_string(entry.path()).unwrap();
                assert!(!text.contains("<script>alert"), "{name}");
                checked += 1;
            }
        }
        assert!(checked > 5);
    }
}
