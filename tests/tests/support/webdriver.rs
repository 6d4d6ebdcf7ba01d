//! A minimal W3C WebDriver client (what the end-to-end test needs, over reqwest).

#![allow(dead_code)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
pub const ENTER: &str = "\u{E007}";
pub const ESCAPE: &str = "\u{E00C}";
pub const F2: &str = "\u{E032}";
pub const F4: &str = "\u{E034}";
pub const F10: &str = "\u{E03A}";
pub const F1: &str = "\u{E031}";
pub const F11: &str = "\u{E03B}";
/// Alt stays pressed until [`RELEASE`].
pub const ALT: &str = "\u{E00A}";
pub const RELEASE: &str = "\u{E000}";

pub struct Session {
    http: reqwest::Client,
    base: String,
}

impl Session {
    pub async fn start(driver_url: &str, capabilities: Value) -> Session {
        let http = reqwest::Client::new();
        let response: Value = http
            .post(format!("{driver_url}/session"))
            .json(&json!({ "capabilities": { "alwaysMatch": capabilities } }))
            .send()
            .await
            .expect("webdriver reachable")
            .json()
            .await
            .unwrap();
        let id = response["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {response}"))
            .to_string();
        Session {
            http,
            base: format!("{driver_url}/session/{id}"),
        }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response: Value = request.send().await.unwrap().json().await.unwrap();
        if response["value"].get("error").is_some() {
            panic!("webdriver {path}: {}", response["value"]);
        }
        response["value"].clone()
    }

    /// Opens `url` in the session's window and waits for the page to load.
    pub async fn goto(&self, url: &str) {
        self.send(reqwest::Method::POST, "/url", Some(json!({ "url": url })))
            .await;
    }

    /// The page's address now (after any redirects).
    pub async fn current_url(&self) -> String {
        self.send(reqwest::Method::GET, "/url", None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` with a callback (`arguments[arguments.length - 1]`) and waits for what it
    /// is called with.
    pub async fn script_async(&self, script: &str) -> Value {
        self.send(
            reqwest::Method::POST,
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
        .await
    }

    pub async fn find(&self, css: &str) -> String {
        let value = self
            .send(
                reqwest::Method::POST,
                "/element",
                Some(json!({ "using": "css selector", "value": css })),
            )
            .await;
        value[ELEMENT].as_str().unwrap().to_string()
    }

    /// Types into the element once it can take keys: a dialog opened by the previous key may
    /// still be on its way to the screen (the app answers a command first), and typing into it
    /// before then is refused as "not interactable".
    pub async fn type_into(&self, css: &str, text: &str) {
        self.wait_interactable(css, Duration::from_secs(10)).await;
        let element = self.find(css).await;
        self.send(
            reqwest::Method::POST,
            &format!("/element/{element}/value"),
            Some(json!({ "text": text })),
        )
        .await;
    }

    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.send(
            reqwest::Method::POST,
            &format!("/element/{element}/click"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn clear(&self, css: &str) {
        let element = self.find(css).await;
        self.send(
            reqwest::Method::POST,
            &format!("/element/{element}/clear"),
            Some(json!({})),
        )
        .await;
    }

    pub async fn text(&self, css: &str) -> String {
        let element = self.find(css).await;
        self.send(
            reqwest::Method::GET,
            &format!("/element/{element}/text"),
            None,
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    pub async fn script(&self, script: &str) -> Value {
        self.send(
            reqwest::Method::POST,
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
        .await
    }

    /// Waits until the text of `css` contains `want`, or panics with what it was.
    /// Waits until the element exists, is shown and enabled, and is not hidden by an inert or
    /// closed ancestor; panics after `timeout` saying which of these it was not.
    pub async fn wait_interactable(&self, css: &str, timeout: Duration) {
        let start = Instant::now();
        let script = format!(
            "const e = document.querySelector({css:?});
             if (!e) return 'absent';
             if (e.disabled) return 'disabled';
             if (e.closest('[inert]') || e.closest('dialog:not([open])')) return 'inert';
             const r = e.getBoundingClientRect();
             if (r.width === 0 || r.height === 0) return 'not shown';
             return 'ready';"
        );
        loop {
            let state = self.script(&script).await;
            if state == "ready" {
                return;
            }
            if start.elapsed() > timeout {
                panic!("{css} never became interactable: {state}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_for_text(&self, css: &str, want: &str, timeout: Duration) -> String {
        let start = Instant::now();
        loop {
            let script = format!(
                "const e = document.querySelector({css:?}); return e ? e.textContent : null;"
            );
            let text = self
                .script(&script)
                .await
                .as_str()
                .unwrap_or_default()
                .to_string();
            if text.contains(want) {
                return text;
            }
            if start.elapsed() > timeout {
                panic!("{css} never showed {want:?}; it shows {text:?}");
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    pub async fn screenshot(&self, path: &std::path::Path) {
        // WebKit paints asynchronously: give the last DOM change a moment to reach the screen.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let value = self.send(reqwest::Method::GET, "/screenshot", None).await;
        let png = STANDARD.decode(value.as_str().unwrap()).unwrap();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    pub async fn quit(self) {
        let _ = self.http.delete(&self.base).send().await;
    }
}
