//! `serve`: build, serve the output on 127.0.0.1, rebuild on change, reload the browser.
//!
//! Every build is atomic (see [`crate::render::output`]) and files are looked up per request,
//! so a request never sees a half-written site; the swap itself runs under a lock requests
//! share (see [`Preview`]), so a request never falls between its two renames either. A
//! failed rebuild keeps the last good site and shows the error in a banner on every page
//! until the next good build.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::build::{build, stage, BuildOptions, BuildSummary};

/// The state a preview server shares between its request loop and its rebuild thread.
///
/// A build renders into a staging directory and swaps it in with two renames; between them
/// the output directory does not exist. The swap happens under the write half of `swap_lock`
/// and every request reads its file under the read half, so a request sees the old site or
/// the new one, whole, and never a missing one.
#[derive(Debug, Default)]
pub struct Preview {
    generation: AtomicU64,
    last_error: Mutex<Option<String>>,
    swap_lock: RwLock<()>,
}

/// An HTTP answer, independent of the server library (so it can be tested).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

const RELOAD_PATH: &str = "/__union-digest/generation";

/// Small script injected into served HTML pages: polls the build generation and reloads.
const RELOAD_SCRIPT: &str = r#"<script>(function(){var g=null;setInterval(function(){fetch("/__union-digest/generation").then(function(r){return r.text()}).then(function(t){if(g!==null&&t!==g){location.reload()}g=t}).catch(function(){})},1000)})();</script>"#;

impl Preview {
    pub fn new() -> Preview {
        Preview {
            generation: AtomicU64::new(1),
            ..Preview::default()
        }
    }

    /// Incremented after every rebuild attempt; the injected script reloads when it changes.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The error of the last rebuild, if it failed.
    pub fn last_error(&self) -> Option<String> {
        self.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Run `swap` (which replaces the output directory) while no request is reading it.
    pub fn swap<T>(&self, swap: impl FnOnce() -> T) -> T {
        let _exclusive = self.swap_lock.write().unwrap_or_else(|p| p.into_inner());
        swap()
    }

    /// Rebuild the site. On success the new site is published and the error cleared; on
    /// failure the last good site stays published and the error is kept for the banner.
    pub fn rebuild(&self, options: &BuildOptions) -> Result<BuildSummary, String> {
        let result = stage(options)
            .and_then(|staged| self.swap(|| staged.publish()))
            .map_err(|e| e.to_string());
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = result.as_ref().err().cloned();
        self.generation.fetch_add(1, Ordering::SeqCst);
        result
    }

    /// Answer a request for `url` from the site in `output`.
    pub fn respond(&self, output: &Path, url: &str) -> Reply {
        if url == RELOAD_PATH {
            return Reply {
                status: 200,
                content_type: "text/plain",
                body: self.generation().to_string().into_bytes(),
            };
        }
        let read = {
            let _shared = self.swap_lock.read().unwrap_or_else(|p| p.into_inner());
            match resolve(output, url).map(|path| (std::fs::read(&path), path)) {
                Some((Ok(bytes), path)) => Ok((bytes, mime_of(&path))),
                _ => Err(std::fs::read(output.join("404.html")).unwrap_or_else(|_| b"404".to_vec())),
            }
        };
        match read {
            Ok((bytes, content_type)) => {
                let body = if content_type.starts_with("text/html") {
                    decorate(bytes, self.last_error())
                } else {
                    bytes
                };
                Reply {
                    status: 200,
                    content_type,
                    body,
                }
            }
            Err(page) => Reply {
                status: 404,
                content_type: "text/html; charset=utf-8",
                body: decorate(page, self.last_error()),
            },
        }
    }
}

/// Run the preview server until interrupted.
pub fn serve(root: &Path, port: u16, drafts: bool) -> anyhow::Result<()> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        drafts,
        ..BuildOptions::default()
    };
    let summary = build(&options)?;
    eprintln!("{}", summary.line());
    let output = summary.output.clone();
    let preview = Arc::new(Preview::new());
    spawn_watcher(root, options, Arc::clone(&preview))?;
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    eprintln!(
        "serving {} at http://127.0.0.1:{port}/ (Ctrl-C to stop)",
        output.display()
    );
    for request in server.incoming_requests() {
        let reply = preview.respond(&output, request.url());
        let _ = request.respond(to_http(reply));
    }
    Ok(())
}

fn spawn_watcher(root: &Path, options: BuildOptions, preview: Arc<Preview>) -> anyhow::Result<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx)?;
    for dir in ["content", "themes", "templates"] {
        let path = root.join(dir);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    let config = root.join("config.toml");
    if config.is_file() {
        watcher.watch(&config, RecursiveMode::NonRecursive)?;
    }
    std::thread::spawn(move || {
        let _watcher = watcher;
        while let Ok(event) = rx.recv() {
            if !is_change(&event) {
                continue;
            }
            // Debounce: an editor save or a git pull touches many files at once.
            std::thread::sleep(Duration::from_millis(250));
            while rx.try_recv().is_ok() {}
            match preview.rebuild(&options) {
                Ok(summary) => eprintln!("{}", summary.line()),
                Err(e) => eprintln!("rebuild failed, still serving the last good site: {e}"),
            }
        }
    });
    Ok(())
}

/// Whether a watcher event can change the site. Reading a file is not a change: a rebuild
/// reads every content file, and rebuilding on those reads would rebuild for ever.
fn is_change(event: &notify::Result<notify::Event>) -> bool {
    match event {
        Ok(event) => !matches!(event.kind, notify::EventKind::Access(_)),
        Err(_) => true,
    }
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn to_http(reply: Reply) -> Response {
    let mut response = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    if let Ok(header) = tiny_http::Header::from_bytes(&b"Content-Type"[..], reply.content_type.as_bytes()) {
        response.add_header(header);
    }
    if let Ok(header) = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..]) {
        response.add_header(header);
    }
    response
}

/// Map a URL path to a file inside `output`, refusing anything that would leave it.
pub fn resolve(output: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let mut file = output.to_path_buf();
    for segment in decoded.split('/').filter(|s| !s.is_empty()) {
        if segment == ".." || segment == "." || segment.contains('\\') || segment.contains('\0') {
            return None;
        }
        file.push(segment);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    Some(file)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Add the reload script and, after a failed rebuild, a banner with the error.
fn decorate(bytes: Vec<u8>, error: Option<String>) -> Vec<u8> {
    let html = String::from_utf8_lossy(&bytes);
    let mut extra = String::from(RELOAD_SCRIPT);
    if let Some(e) = error {
        let escaped = e.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        extra.push_str(&format!(
            "<pre style=\"position:fixed;bottom:0;left:0;right:0;max-height:40vh;overflow:auto;margin:0;padding:1em;background:#b3261e;color:#fff;z-index:99\">重新构建失败，仍显示上一次成功的版本：\n{escaped}</pre>"
        ));
    }
    match html.rfind("</body>") {
        Some(i) => format!("{}{}{}", &html[..i], extra, &html[i..]).into_bytes(),
        None => format!("{html}{extra}").into_bytes(),
    }
}

fn mime_of(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_a_watched_file_is_not_a_change() {
        use notify::event::{AccessKind, CreateKind, Event, EventKind, ModifyKind};
        let event = |kind| Ok(Event::new(kind));
        assert!(!is_change(&event(EventKind::Access(AccessKind::Any))));
        assert!(is_change(&event(EventKind::Modify(ModifyKind::Any))));
        assert!(is_change(&event(EventKind::Create(CreateKind::File))));
        assert!(is_change(&Err(notify::Error::generic("watch failed"))));
    }

    #[test]
    fn resolve_refuses_traversal() {
        let out = Path::new("/tmp/site");
        assert!(resolve(out, "/../etc/passwd").is_none());
        assert!(resolve(out, "/%2e%2e/etc/passwd").is_none());
        assert_eq!(
            resolve(out, "/style.css?x=1"),
            Some(PathBuf::from("/tmp/site/style.css"))
        );
    }

    #[test]
    fn error_banner_is_escaped_and_injected() {
        let html = String::from_utf8(decorate(b"<html><body>x</body></html>".to_vec(), Some("<bad>".into()))).unwrap();
        assert!(html.contains("&lt;bad&gt;"));
        assert!(html.contains("generation"));
        assert!(html.ends_with("</body></html>"));
    }
}
