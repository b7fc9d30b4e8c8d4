//! Headless Chromium driven over the Chrome DevTools Protocol: the browser
//! the search and theme tests click, type and measure in.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Headless Chromium on the PATH; `None` when not installed (`.ci/run`
/// installs it, so CI always runs the browser tests).
pub fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let ok = Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success());
            ok.then(|| PathBuf::from(name))
        })
}

/// The flags every run needs: headless, no sandbox (CI runs as root), no
/// network of its own, a fresh profile.
pub fn chromium_args(profile: &Path) -> Vec<String> {
    [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .map(String::from)
    .into_iter()
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect()
}

/// A running Chromium with one page attached; closed when dropped.
pub struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    pub dt: Devtools,
}

impl Browser {
    /// Starts Chromium with one blank page of `width`×`height` CSS pixels.
    /// `None` (test skipped) only outside CI when Chromium is not installed.
    pub fn start(width: u32, height: u32) -> Option<Browser> {
        let Some(browser) = chromium() else {
            assert!(std::env::var_os("CI").is_none(), "CI must have chromium");
            eprintln!("skipped: no chromium on the PATH");
            return None;
        };
        let profile = tempfile::tempdir().expect("profile folder");
        let mut child = Command::new(browser)
            .args(chromium_args(profile.path()))
            .args([
                "--remote-debugging-port=0",
                &format!("--window-size={width},{height}"),
                "about:blank",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start chromium");
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let mut ws_url = String::new();
        let mut line = String::new();
        while ws_url.is_empty() && stderr.read_line(&mut line).is_ok_and(|n| n > 0) {
            if let Some(i) = line.find("ws://") {
                ws_url = line[i..].trim().to_string();
            }
            line.clear();
        }
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        assert!(!ws_url.is_empty(), "chromium printed no DevTools address");
        let (ws, _) = tungstenite::connect(ws_url.as_str()).expect("connect to DevTools");
        let mut dt = Devtools {
            ws,
            next: 0,
            session: None,
        };
        let target = dt.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = dt.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        dt.session = attached["sessionId"].as_str().map(str::to_string);
        let mut b = Browser {
            child,
            _profile: profile,
            dt,
        };
        b.resize(width, height);
        Some(b)
    }

    /// Lays the page out at `width`×`height`, as a window of that size would.
    pub fn resize(&mut self, width: u32, height: u32) {
        self.dt.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": false }),
        );
    }

    /// Emulates the system colour scheme, `light` or `dark`.
    pub fn scheme(&mut self, scheme: &str) {
        self.dt.call(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
    }

    /// Opens `url` and waits until it has loaded and run its deferred scripts.
    pub fn open(&mut self, url: &str) {
        self.dt.call("Page.navigate", json!({ "url": url }));
        self.wait_loaded(url);
    }

    /// Waits for a page whose address starts with `prefix` to finish loading.
    pub fn wait_loaded(&mut self, prefix: &str) {
        let js = format!(
            "location.href.indexOf({}) === 0 && document.readyState === 'complete'",
            json!(prefix)
        );
        self.dt.wait_for(&js, &format!("{prefix} to load"));
    }

    /// Clicks the middle of the first element matching `selector` whose text
    /// is `text`, with real mouse events, as a reader would.
    pub fn click(&mut self, selector: &str, text: &str) {
        let js = format!(
            "(function () {{ var el = Array.prototype.find.call(document.querySelectorAll({}), function (e) {{ return e.textContent.trim() === {}; }});
             if (!el) return null; el.scrollIntoView({{ block: 'center' }}); var r = el.getBoundingClientRect();
             return r.width > 0 && r.height > 0 ? [r.left + r.width / 2, r.top + r.height / 2] : null; }})()",
            json!(selector),
            json!(text)
        );
        let at = self.dt.eval(&js);
        let (Some(x), Some(y)) = (at[0].as_f64(), at[1].as_f64()) else {
            panic!(
                "no visible `{selector}` with text `{text}` on {}",
                self.dt.eval("location.href")
            );
        };
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.dt.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One Chrome DevTools Protocol session over WebSocket, flat mode.
pub struct Devtools {
    ws: tungstenite::WebSocket<tungstenite::stream::MaybeTlsStream<std::net::TcpStream>>,
    next: u64,
    session: Option<String>,
}

impl Devtools {
    /// Sends `method` and returns its result, or the protocol's error.
    pub fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next += 1;
        let mut msg = json!({ "id": self.next, "method": method, "params": params });
        if let Some(s) = &self.session {
            msg["sessionId"] = Value::String(s.clone());
        }
        self.ws
            .send(tungstenite::Message::Text(msg.to_string().into()))
            .expect("send to chromium");
        loop {
            let reply = self.ws.read().expect("read from chromium");
            let Ok(text) = reply.into_text() else { continue };
            let v: Value = serde_json::from_str(text.as_str()).unwrap_or(Value::Null);
            if v["id"] == self.next {
                return match v.get("error") {
                    Some(e) => Err(e.clone()),
                    None => Ok(v["result"].clone()),
                };
            }
        }
    }

    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params)
            .unwrap_or_else(|e| panic!("{method}: {e}"))
    }

    /// The value of `js`; `null` while the page is between documents.
    pub fn eval(&mut self, js: &str) -> Value {
        self.eval_with(js, false)
    }

    /// The value `js`'s promise resolves to.
    pub fn eval_async(&mut self, js: &str) -> Value {
        self.eval_with(js, true)
    }

    fn eval_with(&mut self, js: &str, wait: bool) -> Value {
        let params = json!({ "expression": js, "returnByValue": true, "awaitPromise": wait });
        match self.try_call("Runtime.evaluate", params) {
            Ok(r) => {
                if let Some(e) = r.get("exceptionDetails") {
                    panic!("script failed: {e}\n{js}");
                }
                r["result"]["value"].clone()
            }
            // The page navigated while the script ran.
            Err(_) => Value::Null,
        }
    }

    /// Polls `js` until it is truthy.
    pub fn wait_for(&mut self, js: &str, what: &str) -> Value {
        let start = Instant::now();
        loop {
            let v = self.eval(js);
            if !(v.is_null() || v == false || v == "") {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Presses and releases `key`; `text` is what it types (`"\r"` for
    /// Enter, which is what activates a focused button).
    pub fn key_typing(&mut self, key: &str, code: i64, text: &str, modifiers: i64) {
        let down = if text.is_empty() { "rawKeyDown" } else { "keyDown" };
        for kind in [down, "keyUp"] {
            let mut params =
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code, "modifiers": modifiers });
            if kind == "keyDown" {
                params["text"] = Value::String(text.to_string());
            }
            self.call("Input.dispatchKeyEvent", params);
        }
    }

    pub fn key(&mut self, key: &str, code: i64) {
        self.key_typing(key, code, "", 0);
    }
}

/// Serves `dir` at `http://127.0.0.1:PORT{prefix}` until the test ends:
/// just enough HTTP for a browser. A missing file gets the site's
/// `404.html`, with status 404, as web servers are usually set up to do.
pub fn serve(dir: PathBuf, prefix: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let addr = listener.local_addr().expect("address");
    let prefix_owned = prefix.to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(500) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let path = line
                .split_whitespace()
                .nth(1)
                .unwrap_or("/")
                .split('?')
                .next()
                .unwrap_or("/")
                .to_string();
            let head_only = line.starts_with("HEAD ");
            let found = path.strip_prefix(&prefix_owned).and_then(|rel| {
                let mut rel = rel.to_string();
                if rel.is_empty() || rel.ends_with('/') {
                    rel.push_str("index.html");
                }
                if rel.contains("..") {
                    return None;
                }
                std::fs::read(dir.join(&rel)).ok().map(|b| (rel, b))
            });
            let (status, rel, body) = match found {
                Some((rel, b)) => ("200 OK", rel, b),
                None => (
                    "404 Not Found",
                    "404.html".to_string(),
                    std::fs::read(dir.join("404.html")).unwrap_or_else(|_| b"not found".to_vec()),
                ),
            };
            let kind = if rel.ends_with(".js") {
                "text/javascript"
            } else if rel.ends_with(".css") {
                "text/css"
            } else if rel.ends_with(".svg") {
                "image/svg+xml"
            } else {
                "text/html; charset=utf-8"
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            if !head_only {
                let _ = stream.write_all(&body);
            }
        }
    });
    format!("http://{addr}{prefix}")
}
