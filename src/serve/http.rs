//! The dev server's HTTP side: the last good build served from memory, the
//! live-reload WebSocket at [`LIVERELOAD`], and the error overlay.
//!
//! Requests are looked up in the in-memory files by a normalised path
//! ([`lookup`]), so nothing outside the build can be reached: `..`, encoded
//! slashes and empty segments are refused before any lookup, and nothing
//! here reads the disk. Who may ask at all is decided before a request gets
//! here ([`super::listen`]).

use std::borrow::Cow;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use mime_guess::mime;
use percent_encoding::percent_decode_str;
use serde_json::json;
use tokio::sync::broadcast;

use super::files::Files;
use super::fresh::{Fresh, Preview};
use crate::diag::Diagnostics;

/// The WebSocket that tells pages to reload.
pub const LIVERELOAD: &str = "/__casebook/livereload";

const RELOAD_JS: &str = include_str!("reload.js");

/// How often the live-reload socket pings its page.
const PING_EVERY: Duration = Duration::from_secs(10);

/// A live-reload socket that answered nothing for this long is gone.
const SILENT_FOR: Duration = Duration::from_secs(30);

const NOT_BUILT: &str = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Not built yet · casebook</title>\n</head>\n<body>\n<main>\n<h1>Not built yet</h1>\n<p>The site has errors, so there is nothing to show yet. They are listed in the terminal; this page reloads when a save fixes them.</p>\n</main>\n</body>\n</html>\n";

/// What the server serves, shared with the thread that rebuilds.
pub struct Shared {
    /// The files, and while a rebuild goes on its pages over them; one
    /// lock, so a request never mixes two builds' views.
    view: RwLock<(Arc<Files>, Option<Arc<Fresh>>)>,
    /// The `error` message while the last change does not build.
    error: RwLock<Option<Arc<str>>>,
    events: broadcast::Sender<Event>,
}

#[derive(Debug, Clone)]
enum Event {
    Reload,
    Error(Arc<str>),
    Shutdown,
}

impl Shared {
    pub fn new(files: Arc<Files>) -> Arc<Shared> {
        Arc::new(Shared {
            view: RwLock::new((files, None)),
            error: RwLock::new(None),
            events: broadcast::channel(16).0,
        })
    }

    /// A good build: serve `files`, clear any error, reload open pages.
    pub fn publish(&self, files: Arc<Files>, reload: bool) {
        self.show(files, None, reload);
    }

    /// A rebuild's pages before it is done: see [`Preview`].
    pub fn preview(&self, preview: Preview) {
        self.show(preview.files, preview.fresh, preview.reload);
    }

    fn show(&self, files: Arc<Files>, fresh: Option<Arc<Fresh>>, reload: bool) {
        *self.view.write().unwrap_or_else(|e| e.into_inner()) = (files, fresh);
        let had_error = self.error.write().unwrap_or_else(|e| e.into_inner()).take().is_some();
        if reload || had_error {
            let _ = self.events.send(Event::Reload);
        }
    }

    /// A failed build: serve `files`, the last good ones, and show `diags`
    /// over open pages.
    pub fn publish_error(&self, files: Arc<Files>, diags: &Diagnostics) {
        let message: Arc<str> = Arc::from(error_message(diags));
        *self.view.write().unwrap_or_else(|e| e.into_inner()) = (files, None);
        *self.error.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::clone(&message));
        let _ = self.events.send(Event::Error(message));
    }

    /// Closes the live-reload sockets so the server can stop.
    pub fn shutdown(&self) {
        let _ = self.events.send(Event::Shutdown);
    }

    fn view(&self) -> (Arc<Files>, Option<Arc<Fresh>>) {
        self.view.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn error(&self) -> Option<Arc<str>> {
        self.error.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The `error` message: the diagnostics as data and as the terminal shows them.
pub fn error_message(diags: &Diagnostics) -> String {
    let items: Vec<serde_json::Value> = diags
        .items
        .iter()
        .map(|d| {
            json!({
                "severity": d.severity,
                "file": d.file,
                "line": d.position.as_ref().map(|p| p.line),
                "column": d.position.as_ref().map(|p| p.column),
                "message": d.message,
                "help": d.help,
            })
        })
        .collect();
    json!({ "type": "error", "diagnostics": items, "text": diags.render() }).to_string()
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(LIVERELOAD, get(livereload))
        .fallback(file)
        .with_state(shared)
}

async fn livereload(ws: WebSocketUpgrade, State(shared): State<Arc<Shared>>) -> Response {
    ws.on_upgrade(move |socket| talk(socket, shared))
}

async fn talk(mut socket: WebSocket, shared: Arc<Shared>) {
    let mut events = shared.events.subscribe();
    if let Some(error) = shared.error()
        && socket.send(Message::Text(error.as_ref().into())).await.is_err()
    {
        return;
    }
    // Pings find clients gone without closing (a laptop shut, a cable
    // pulled): browsers answer them, and a socket silent for too long is dropped.
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut heard = tokio::time::Instant::now();
    loop {
        tokio::select! {
            event = events.recv() => {
                let text: Arc<str> = match event {
                    Ok(Event::Error(e)) => e,
                    // Missed events: reloading shows the latest state.
                    Ok(Event::Reload) | Err(broadcast::error::RecvError::Lagged(_)) => Arc::from(r#"{"type":"reload"}"#),
                    Ok(Event::Shutdown) | Err(broadcast::error::RecvError::Closed) => {
                        let _ = socket.send(Message::Close(None)).await;
                        return;
                    }
                };
                if socket.send(Message::Text(text.as_ref().into())).await.is_err() {
                    return;
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > SILENT_FOR || socket.send(Message::Ping(Default::default())).await.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => heard = tokio::time::Instant::now(),
            },
        }
    }
}

async fn file(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut r = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD are served");
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let (files, fresh) = shared.view();
    let uri = request.uri();
    let has = |p: &str| match &fresh {
        Some(f) => f.has(p) || (!f.gone(p) && files.contains_key(p)),
        None => files.contains_key(p),
    };
    match lookup(uri.path(), has) {
        Lookup::File(path) => {
            let made = match fresh.filter(|f| f.has(&path)) {
                // Rendering a page takes milliseconds: off the server's thread.
                Some(fresh) => {
                    let path = path.clone();
                    tokio::task::spawn_blocking(move || fresh.get(&path))
                        .await
                        .ok()
                        .flatten()
                }
                None => None,
            };
            // A page the rebuild cannot render: the last good one, which
            // the rebuild's errors will show over.
            match made.as_ref().or_else(|| files.get(&path)) {
                Some(held) => respond(&shared, &path, &held.bytes(), StatusCode::OK),
                None => not_found(&shared, &files),
            }
        }
        Lookup::Redirect(to) => {
            let to = match uri.query() {
                Some(q) => format!("{to}?{q}"),
                None => to,
            };
            let mut r = plain(StatusCode::FOUND, "moved");
            match HeaderValue::from_str(&to) {
                Ok(v) => {
                    r.headers_mut().insert(header::LOCATION, v);
                    r
                }
                Err(_) => plain(StatusCode::BAD_REQUEST, "bad request"),
            }
        }
        // Nothing built yet: a page to carry the error overlay, reloaded once the site builds.
        Lookup::NotFound => not_found(&shared, &files),
        Lookup::BadRequest => plain(
            StatusCode::BAD_REQUEST,
            "bad request: the path is not a page of this site",
        ),
    }
}

fn not_found(shared: &Shared, files: &Files) -> Response {
    match files.get("404.html") {
        Some(page) => respond(shared, "404.html", &page.bytes(), StatusCode::NOT_FOUND),
        // Nothing built yet: a page to carry the error overlay, reloaded once the site builds.
        None if files.is_empty() => respond(
            shared,
            "index.html",
            NOT_BUILT.as_bytes(),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        None => plain(StatusCode::NOT_FOUND, "not found"),
    }
}

fn respond(shared: &Shared, path: &str, bytes: &[u8], status: StatusCode) -> Response {
    let kind = content_type(path);
    let kind_header = HeaderValue::from_str(&kind).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let body = if kind.starts_with("text/html") {
        Body::from(inject(bytes, &script(shared.error().as_deref())))
    } else {
        Body::from(bytes.to_vec())
    };
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, kind_header);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    r
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The injected `<script>`, carrying the current error if there is one.
fn script(error: Option<&str>) -> String {
    // JSON inside a script element: `<` escaped so no `</script>` or `<!--`
    // in a message can end it early.
    let data = error.unwrap_or("null").replace('<', "\\u003c");
    format!("<script>{}</script>", RELOAD_JS.replace("__CASEBOOK_ERROR__", &data))
}

/// `html` with `script` placed before its last `</body>`, or at the end.
pub fn inject(html: &[u8], script: &str) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// This output file.
    File(String),
    /// The folder's page: add the slash.
    Redirect(String),
    NotFound,
    /// Traversal, encoded separators, empty segments, bad escapes.
    BadRequest,
}

/// Finds the file for a raw request path (`/policies/x/`, percent-encoded).
pub fn lookup(raw: &str, has: impl Fn(&str) -> bool) -> Lookup {
    let Some(segments) = raw
        .strip_prefix('/')
        .and_then(|key| key.split('/').map(decode).collect::<Option<Vec<_>>>())
    else {
        return Lookup::BadRequest;
    };
    let last = segments.len() - 1;
    if segments
        .iter()
        .enumerate()
        .any(|(i, s)| matches!(s.as_ref(), "." | "..") || (s.is_empty() && i != last))
    {
        return Lookup::BadRequest;
    }
    let key = segments.join("/");
    let wanted = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    if has(&wanted) {
        Lookup::File(wanted)
    } else if !key.is_empty() && !key.ends_with('/') && has(&format!("{key}/index.html")) {
        Lookup::Redirect(format!("{raw}/"))
    } else {
        Lookup::NotFound
    }
}

/// Percent-decodes one path segment strictly: `None` for a malformed
/// escape (which the decoder would keep as written), non-UTF-8, and a
/// decoded separator or NUL.
fn decode(segment: &str) -> Option<Cow<'_, str>> {
    let well_formed = segment.split('%').skip(1).all(|rest| {
        rest.as_bytes()
            .get(..2)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    });
    let text = percent_decode_str(segment).decode_utf8().ok()?;
    (well_formed && !text.contains(['/', '\\', '\0'])).then_some(text)
}

/// The `Content-Type` for an output path; text in UTF-8, as casebook writes it.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let texty = mime.type_() == mime::TEXT
        || (mime.type_() == mime::APPLICATION
            && (matches!(mime.subtype().as_str(), "javascript" | "json" | "xml")
                || matches!(mime.suffix().map(|s| s.as_str()), Some("xml" | "json"))));
    if texty {
        format!("{mime}; charset=utf-8")
    } else {
        mime.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Files {
        [
            "index.html",
            "policies/index.html",
            "policies/x/index.html",
            "css/site.css",
            "404.html",
        ]
        .into_iter()
        .map(|p| (p.to_string(), super::super::files::Held::made(b"x")))
        .collect()
    }

    #[test]
    fn paths_find_files_folders_and_redirects() {
        let f = site();
        let cases = [
            ("/", Lookup::File("index.html".into())),
            ("/policies/x/", Lookup::File("policies/x/index.html".into())),
            ("/policies/x/index.html", Lookup::File("policies/x/index.html".into())),
            ("/policies/x", Lookup::Redirect("/policies/x/".into())),
            ("/css/site.css", Lookup::File("css/site.css".into())),
            ("/c%73s/site.css", Lookup::File("css/site.css".into())),
            ("/css/", Lookup::NotFound),
            ("/css", Lookup::NotFound),
            ("/nope/", Lookup::NotFound),
            ("/%C3%BCber/", Lookup::NotFound),
            ("/policies/%78/", Lookup::File("policies/x/index.html".into())),
        ];
        for (raw, expected) in cases {
            assert_eq!(lookup(raw, |p| f.contains_key(p)), expected, "{raw}");
        }
    }

    #[test]
    fn escapes_are_refused() {
        let f = site();
        for raw in [
            "/../etc/passwd",
            "/policies/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/etc/passwd",
            "/..%2fetc/passwd",
            "/policies%2Fx/",
            "/..%5c..%5cetc/passwd",
            "/..\\etc/passwd",
            "//etc/passwd",
            "//evil.example",
            "/policies//x/",
            "/x%00.html",
            "/%zz",
            "/%c3",
            "/css/site.css%",
            "/css/site.css%2",
            "/%%32%65%32%65/etc/passwd",
            "/%+1",
            "/css/%E9.css",
            "/policies/%2e/x/",
            "/./index.html",
            "relative",
        ] {
            assert_eq!(lookup(raw, |p| f.contains_key(p)), Lookup::BadRequest, "{raw}");
        }
    }

    #[test]
    fn script_goes_before_the_last_body_end() {
        assert_eq!(inject(b"<body>a</body></html>", "S"), b"<body>aS</body></html>");
        assert_eq!(inject(b"<BODY>a</BODY>", "S"), b"<BODY>aS</BODY>");
        assert_eq!(inject(b"no body", "S"), b"no bodyS");
    }

    #[test]
    fn error_data_cannot_close_the_script() {
        let s = script(Some(r#"{"message":"</script><script>alert(1)</script>"}"#));
        assert_eq!(s.matches("</script>").count(), 1, "{s}");
        assert!(s.contains(r"\u003c/script>"));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/x.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("policies.atom"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("metrics.json"), "application/json; charset=utf-8");
        assert_eq!(content_type("js/search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("chart.svg"), "image/svg+xml");
        assert_eq!(content_type("assets/org.PNG"), "image/png");
        assert_eq!(content_type("fonts/a.woff2"), "font/woff2");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
        assert_eq!(content_type("report.pdf"), "application/pdf");
    }
}
