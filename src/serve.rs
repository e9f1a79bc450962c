//! `serve`: build, serve the output on 127.0.0.1, rebuild on change, reload the browser.
//!
//! Every build is atomic (see [`crate::render::output`]) and files are looked up per request,
//! so a request never sees a half-written site. A failed rebuild keeps the last good site
//! and shows the error in a banner on every page until the next good build.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use crate::build::{build, BuildOptions};

struct State {
    generation: AtomicU64,
    last_error: Mutex<Option<String>>,
}

const RELOAD_PATH: &str = "/__union-digest/generation";

/// Small script injected into served HTML pages: polls the build generation and reloads.
const RELOAD_SCRIPT: &str = r#"<script>(function(){var g=null;setInterval(function(){fetch("/__union-digest/generation").then(function(r){return r.text()}).then(function(t){if(g!==null&&t!==g){location.reload()}g=t}).catch(function(){})},1000)})();</script>"#;

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
    let state = Arc::new(State {
        generation: AtomicU64::new(1),
        last_error: Mutex::new(None),
    });
    spawn_watcher(root, options, Arc::clone(&state))?;
    let server = tiny_http::Server::http(("127.0.0.1", port))
        .map_err(|e| anyhow::anyhow!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    eprintln!(
        "serving {} at http://127.0.0.1:{port}/ (Ctrl-C to stop)",
        output.display()
    );
    for request in server.incoming_requests() {
        let response = respond(&output, request.url(), &state);
        let _ = request.respond(response);
    }
    Ok(())
}

fn spawn_watcher(root: &Path, options: BuildOptions, state: Arc<State>) -> anyhow::Result<()> {
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
        while rx.recv().is_ok() {
            // Debounce: an editor save or a git pull touches many files at once.
            std::thread::sleep(Duration::from_millis(250));
            while rx.try_recv().is_ok() {}
            match build(&options) {
                Ok(summary) => {
                    eprintln!("{}", summary.line());
                    *state.last_error.lock().unwrap_or_else(|p| p.into_inner()) = None;
                }
                Err(e) => {
                    eprintln!("rebuild failed, still serving the last good site: {e}");
                    *state.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e.to_string());
                }
            }
            state.generation.fetch_add(1, Ordering::SeqCst);
        }
    });
    Ok(())
}

type Response = tiny_http::Response<std::io::Cursor<Vec<u8>>>;

fn respond(output: &Path, url: &str, state: &State) -> Response {
    if url == RELOAD_PATH {
        return text_response(
            200,
            "text/plain",
            state.generation.load(Ordering::SeqCst).to_string().into_bytes(),
        );
    }
    let Some(path) = resolve(output, url) else {
        return not_found(output);
    };
    match std::fs::read(&path) {
        Ok(bytes) => {
            let mime = mime_of(&path);
            let bytes = if mime.starts_with("text/html") {
                decorate(bytes, state)
            } else {
                bytes
            };
            text_response(200, mime, bytes)
        }
        Err(_) => not_found(output),
    }
}

fn not_found(output: &Path) -> Response {
    let body = std::fs::read(output.join("404.html")).unwrap_or_else(|_| b"404".to_vec());
    text_response(404, "text/html; charset=utf-8", body)
}

/// Map a URL path to a file inside `output`, refusing anything that would leave it.
fn resolve(output: &Path, url: &str) -> Option<PathBuf> {
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

fn decorate(bytes: Vec<u8>, state: &State) -> Vec<u8> {
    let html = String::from_utf8_lossy(&bytes);
    let error = state.last_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
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

fn text_response(code: u16, mime: &str, body: Vec<u8>) -> Response {
    let mut response = tiny_http::Response::from_data(body).with_status_code(code);
    if let Ok(header) = tiny_http::Header::from_bytes(&b"Content-Type"[..], mime.as_bytes()) {
        response.add_header(header);
    }
    if let Ok(header) = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..]) {
        response.add_header(header);
    }
    response
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
        let state = State {
            generation: AtomicU64::new(1),
            last_error: Mutex::new(Some("<bad>".into())),
        };
        let html = String::from_utf8(decorate(b"<html><body>x</body></html>".to_vec(), &state)).unwrap();
        assert!(html.contains("&lt;bad&gt;"));
        assert!(html.contains("generation"));
        assert!(html.ends_with("</body></html>"));
    }
}
