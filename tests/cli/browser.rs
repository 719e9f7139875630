//! The search page in real headless Chromium, driven over the DevTools protocol: typing,
//! facets, the timeline, the article view, hostile articles and the back button. Each test
//! saves a screenshot under target/screenshots/. Without Chromium the tests are skipped with
//! a reason, unless GAZETTE_BROWSER_TESTS=1 asks for them (as CI does), when they fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use crate::Env;
use crate::serve::Server;

/// One browser at a time: the tests are slow enough without fighting over the cores.
static ONE_BROWSER: Mutex<()> = Mutex::new(());
const PATIENCE: Duration = Duration::from_secs(20);

fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("GAZETTE_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let paths = std::env::var_os("PATH")?;
    std::env::split_paths(&paths)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|path| path.is_file())
}

/// A headless Chromium with one page, closed when dropped.
struct Browser {
    child: Child,
    socket: WebSocket<TcpStream>,
    next_id: u64,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// None (after saying why) when there is no Chromium and it was not required.
    fn start() -> Option<Browser> {
        let Some(binary) = chromium() else {
            let required = std::env::var("GAZETTE_BROWSER_TESTS").is_ok_and(|v| v == "1");
            assert!(!required, "GAZETTE_BROWSER_TESTS=1 but no chromium on PATH");
            eprintln!("browser test skipped: no chromium on PATH (apt-get install chromium)");
            return None;
        };
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(binary)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .unwrap();
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let port = stderr
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                let url = line
                    .strip_prefix("DevTools listening on ws://")?
                    .to_string();
                let port = url.split('/').next()?.rsplit(':').next()?.to_string();
                Some(port)
            })
            .expect("chromium printed no DevTools address");
        let targets = http_get(&format!("127.0.0.1:{port}"), "/json/list");
        let targets: Value = serde_json::from_str(&targets).unwrap();
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target");
        let url = page["webSocketDebuggerUrl"].as_str().unwrap().to_string();
        let stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        let (socket, _) = tungstenite::client(url.as_str(), stream).unwrap();
        let mut browser = Browser {
            child,
            socket,
            next_id: 0,
            _profile: profile,
        };
        browser.call("Page.enable", json!({}));
        browser.call("Runtime.enable", json!({}));
        Some(browser)
    }

    /// Sends one command and waits for its answer, passing over events.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket.send(Message::text(message)).unwrap();
        loop {
            let Message::Text(text) = self.socket.read().unwrap() else {
                continue;
            };
            let answer: Value = serde_json::from_str(text.as_str()).unwrap();
            if answer["id"] == id {
                assert!(answer.get("error").is_none(), "{method}: {answer}");
                return answer["result"].clone();
            }
        }
    }

    /// The value of a JavaScript expression (awaited when it is a promise).
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// Waits until `expression` is true.
    fn wait(&mut self, expression: &str) {
        let until = Instant::now() + PATIENCE;
        while Instant::now() < until {
            if self.eval(&format!("Boolean({expression})")) == json!(true) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("waited in vain for {expression}");
    }

    fn open(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait("document.readyState === 'complete' && window.gazetteTimings");
    }

    /// Clicks the middle of the first element `selector` finds, with real mouse events.
    fn click(&mut self, selector: &str) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.mouse(kind, selector);
        }
    }

    /// One real mouse event (`mouseMoved`, `mousePressed`, `mouseReleased`) at the middle of
    /// the first element `selector` finds, the left button held from press to release.
    fn mouse(&mut self, kind: &str, selector: &str) {
        let at = self.eval(&format!(
            "(() => {{ const e = document.querySelector({s}); if (!e) return null; \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            s = json!(selector)
        ));
        assert!(at.is_array(), "nothing to click at {selector}");
        let (x, y) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
        let held = match kind {
            "mouseMoved" => json!({ "button": "none", "buttons": 0 }),
            _ => json!({ "button": "left", "buttons": 1, "clickCount": 1 }),
        };
        let mut event = json!({ "type": kind, "x": x, "y": y });
        event
            .as_object_mut()
            .unwrap()
            .extend(held.as_object().unwrap().clone());
        self.call("Input.dispatchMouseEvent", event);
    }

    /// Drags from the middle of one element to the middle of another, passing over `via` on
    /// the way, and takes the screenshot `shot` while the button is still held.
    fn drag(&mut self, from: &str, via: &str, to: &str, shot: &str) {
        self.mouse("mouseMoved", from);
        self.mouse("mousePressed", from);
        for over in [via, to] {
            let at = self.eval(&format!(
                "(() => {{ const r = document.querySelector({}).getBoundingClientRect(); \
                 return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
                json!(over)
            ));
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": "mouseMoved", "x": at[0], "y": at[1], "button": "left", "buttons": 1 }),
            );
        }
        self.screenshot(shot);
        self.mouse("mouseReleased", to);
    }

    /// Presses and releases a key, with Shift held when `shift`.
    fn key(&mut self, key: &str, code: u32, shift: bool) {
        let text = if key == "Enter" { "\r" } else { "" };
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code,
                        "text": text, "modifiers": if shift { 8 } else { 0 } }),
            );
        }
    }

    /// Types into the search box as a keyboard would, then presses Enter.
    fn search(&mut self, text: &str) {
        self.eval("document.getElementById('q').focus(), document.getElementById('q').select()");
        self.call("Input.insertText", json!({ "text": text }));
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "text": "\r" }),
            );
        }
    }

    /// Waits for the sidebar of the hits shown to have its counts, which come after the hits.
    fn wait_sidebar(&mut self) {
        self.wait("document.getElementById('sidebar').getAttribute('aria-busy') === 'false'");
    }

    /// What the browser's Back button does.
    /// Clicks the sidebar facet that adds `filter`, and waits for its chip and the one hit
    /// the fixtures have for it.
    fn filter_by(&mut self, filter: &str) {
        self.wait_sidebar();
        self.click(&format!(
            "#sidebar button[data-filter='{}']",
            filter.replace('"', "\\\"")
        ));
        self.wait("document.querySelector('#chips .chip')");
        self.wait("document.querySelectorAll('#hits .hit').length === 1");
        assert_eq!(self.texts("#chips .chip > span"), [filter]);
    }

    fn back(&mut self) {
        let history = self.call("Page.getNavigationHistory", json!({}));
        let at = history["currentIndex"].as_u64().unwrap() as usize;
        assert!(at > 0, "no page to go back to");
        let entry = history["entries"][at - 1]["id"].clone();
        self.call("Page.navigateToHistoryEntry", json!({ "entryId": entry }));
    }

    fn text(&mut self, selector: &str) -> String {
        let value = self.eval(&format!(
            "(document.querySelector({}) || {{}}).textContent",
            json!(selector)
        ));
        value.as_str().unwrap_or_default().to_string()
    }

    fn texts(&mut self, selector: &str) -> Vec<String> {
        let value = self.eval(&format!(
            "[...document.querySelectorAll({})].map(e => e.textContent)",
            json!(selector)
        ));
        serde_json::from_value(value).unwrap()
    }

    fn screenshot(&mut self, name: &str) -> PathBuf {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({ "format": "png", "captureBeyondViewport": false }),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap();
        path
    }

    fn narrow(&mut self, width: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": 800, "deviceScaleFactor": 1, "mobile": true }),
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Chromium's helpers are in its process group: they go with it.
        // SAFETY: sends a signal to the group this test started.
        unsafe { libc::kill(-(self.child.id() as i32), libc::SIGKILL) };
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The body of a GET; DevTools keeps connections open, so the body is read by its length.
fn http_get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}

/// Indexes the corpus again and waits until the server's reader has the new commit.
fn index_and_wait(env: &Env, server: &Server, query: &str, hits: usize) {
    env.ok(&["index"]);
    let seen = crate::serve::wait_for(PATIENCE, || server.keys(query).len() == hits);
    assert!(seen, "the server never saw the new articles");
}

/// An indexed test corpus served, and a browser on its page.
fn session() -> Option<(std::sync::MutexGuard<'static, ()>, Env, Server, Browser)> {
    let guard = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    let mut browser = Browser::start()?;
    browser.open(&server.url("/"));
    Some((guard, env, server, browser))
}

#[test]
fn typing_a_query_shows_hits_with_highlights() {
    let Some((_guard, _env, server, mut browser)) = session() else {
        return;
    };
    browser.search("energy prices");
    browser.wait("document.querySelectorAll('#hits .hit').length >= 2");
    let titles = browser.texts("#hits .hit h3");
    assert_eq!(
        titles[..2],
        ["Markets rally on energy hopes", "Leaders meet in Berlin"]
    );
    assert!(browser.text("#summary").contains("articles"));
    let marked = browser.texts("#hits .snippet b");
    assert!(
        marked.iter().any(|w| w.eq_ignore_ascii_case("energy")),
        "{marked:?}"
    );
    assert!(
        browser
            .eval("location.search")
            .as_str()
            .unwrap()
            .contains("q=energy+prices")
    );
    let shot = browser.screenshot("search");
    assert!(std::fs::metadata(shot).unwrap().len() > 1000);
    drop(server);
}

#[test]
fn clicking_a_facet_filters_and_shows_a_removable_chip() {
    let Some((_guard, _env, _server, mut browser)) = session() else {
        return;
    };
    browser.search("prices");
    browser.wait("document.querySelectorAll('#hits .hit').length === 3");
    browser.wait_sidebar();
    browser.wait("document.querySelector('#sidebar .facets.people button')");
    browser.filter_by("people:\"Emmanuel Macron\"");
    assert_eq!(browser.texts("#hits .hit h3"), ["Leaders meet in Berlin"]);
    browser.screenshot("facet-chip");
    browser.click("#chips .chip .remove");
    browser.wait("!document.querySelector('#chips .chip')");
    browser.wait("document.querySelectorAll('#hits .hit').length === 3");
}

#[test]
fn organisations_have_facet_chips_hit_names_and_their_own_marks() {
    let Some((_guard, env, server, mut browser)) = session() else {
        return;
    };
    env.write(
        "oil.txt",
        "Oil output cut\n\nOPEC ministers met in Vienna on Monday. OPEC agreed to cut output \
         and prices rose.\n",
    );
    index_and_wait(&env, &server, "Vienna", 1);
    browser.search("prices");
    // The archive's own facets show before any search: wait for the hits to name it.
    browser.wait("document.querySelector('#hits .names-line .org')");
    assert_eq!(browser.texts("#hits .names-line .org"), ["OPEC"]);
    browser.wait_sidebar();
    assert_eq!(browser.texts("#sidebar .facets.orgs .facet-name"), ["OPEC"]);
    browser.filter_by("orgs:\"OPEC\"");
    assert_eq!(browser.texts("#hits .hit h3"), ["Oil output cut"]);
    browser.screenshot("org-chip");
    browser.click("#hits .hit h3 a");
    browser.wait("document.querySelector('#a-text mark.org')");
    assert_eq!(browser.texts("#a-text mark.org"), ["OPEC", "OPEC"]);
    assert_eq!(
        browser
            .eval("[...document.querySelectorAll('#a-text mark.org')].map(m => m.title).join('|')"),
        "org: OPEC|org: OPEC"
    );
    assert_eq!(browser.texts("#a-orgs .facet-name"), ["OPEC"]);
    browser.screenshot("article-orgs");
}

#[test]
fn clicking_a_timeline_bar_filters_to_its_period() {
    let Some((_guard, _env, _server, mut browser)) = session() else {
        return;
    };
    browser.search("prices");
    // Matches from 2021-03 to 2023-06: a timeline by month.
    browser.wait("document.querySelector('#timeline .tl-bar[data-period=\"2023-06\"]')");
    browser.click("#timeline .tl-bar[data-period=\"2023-06\"]");
    browser.wait("document.querySelector('#chips .chip')");
    assert_eq!(browser.texts("#chips .chip > span"), ["published:2023-06"]);
    browser.wait("document.querySelectorAll('#hits .hit').length === 1");
    assert_eq!(browser.texts("#hits .hit h3"), ["Leaders meet in Berlin"]);
    browser.screenshot("timeline-published");
    // The mentioned-dates timeline: its bars filter on `dates:`.
    browser.click("#tl-dates");
    browser.wait("document.getElementById('tl-dates').getAttribute('aria-pressed') === 'true'");
    browser.wait("document.querySelector('#timeline .tl-bar:not([aria-disabled])')");
    browser.click("#timeline .tl-bar:not([aria-disabled])");
    browser.wait("[...document.querySelectorAll('#chips .chip > span')].some(c => c.textContent.startsWith('dates:'))");
    browser.screenshot("timeline-mentioned");
}

#[test]
fn brushing_the_timeline_by_mouse_or_keyboard_filters_to_a_span() {
    let Some((_guard, _env, _server, mut browser)) = session() else {
        return;
    };
    browser.search("prices");
    let bar = |period: &str| format!("#timeline .tl-bar[data-period=\"{period}\"]");
    browser.wait(&format!(
        "document.querySelector({})",
        json!(bar("2021-03"))
    ));
    // A drag from March 2021 across empty months to November 2022, highlighted as it goes.
    browser.drag(
        &bar("2021-03"),
        &bar("2022-01"),
        &bar("2022-11"),
        "timeline-brushing",
    );
    browser.wait("document.querySelector('#chips .chip')");
    assert_eq!(
        browser.texts("#chips .chip > span"),
        ["published:[2021-03 TO 2022-11]"]
    );
    browser.wait("document.querySelectorAll('#hits .hit').length === 2");
    let mut titles = browser.texts("#hits .hit h3");
    titles.sort();
    assert_eq!(
        titles,
        ["Coffee prices climb", "Markets rally on energy hopes"]
    );
    browser.screenshot("timeline-brushed");
    // The keyboard: from a focused bar, Shift with the arrows widens the span and Enter applies.
    browser.back();
    // June 2023 is a bar of the whole chart only, not of the filtered one.
    browser.wait("!document.querySelector('#chips .chip') && document.querySelector('#timeline .tl-bar[data-period=\"2023-06\"]')");
    browser.eval(&format!(
        "document.querySelector({}).focus()",
        json!(bar("2022-11"))
    ));
    for _ in 0..7 {
        browser.key("ArrowRight", 39, true);
    }
    assert_eq!(
        browser.texts("#timeline .tl-bar.brushed").len(),
        8,
        "November 2022 to June 2023"
    );
    assert_eq!(browser.text("#timeline-brush"), "2022-11 \u{2013} 2023-06");
    assert_eq!(
        browser.eval("document.activeElement.dataset.period"),
        "2023-06"
    );
    browser.screenshot("timeline-brush-keyboard");
    browser.key("Enter", 13, false);
    browser.wait("document.querySelector('#chips .chip')");
    assert_eq!(
        browser.texts("#chips .chip > span"),
        ["published:[2022-11 TO 2023-06]"]
    );
    browser.wait("document.querySelectorAll('#hits .hit').length === 2");
    let mut titles = browser.texts("#hits .hit h3");
    titles.sort();
    assert_eq!(
        titles,
        ["Leaders meet in Berlin", "Markets rally on energy hopes"]
    );
}

#[test]
fn an_article_shows_marked_mentions_and_related_coverage() {
    let Some((_guard, env, server, mut browser)) = session() else {
        return;
    };
    env.write(
        "europe/followup.txt",
        "Macron and Scholz meet again\n\nEmmanuel Macron and Olaf Scholz met in Paris to talk \
         about energy prices once more, a month after Berlin.\n",
    );
    index_and_wait(&env, &server, "Scholz", 2);
    browser.search("Berlin summit");
    browser.wait("document.querySelector('#hits .hit h3 a')");
    browser.click("#hits .hit h3 a");
    browser.wait("document.querySelector('#a-text mark.person')");
    assert_eq!(browser.text("#a-title"), "Leaders meet in Berlin");
    let people = browser.texts("#a-text mark.person");
    assert!(
        people.contains(&"Emmanuel Macron".to_string()),
        "{people:?}"
    );
    assert!(!browser.texts("#a-text mark.place").is_empty());
    assert!(
        browser
            .texts("#a-text mark.date")
            .contains(&"September 2023".to_string())
    );
    assert!(browser.text("#a-front").contains("Test Wire"));
    browser.wait("document.querySelector('#a-related li')");
    assert!(
        browser
            .text("#a-related li")
            .contains("Macron and Scholz meet again")
    );
    assert!(
        browser
            .text("#a-related li .why")
            .contains("Emmanuel Macron")
    );
    // The article names no organisation: that list is hidden with its heading.
    let shown = "[...document.querySelectorAll('#article-view aside h2')].filter(h => h.offsetParent)\
                 .map(h => h.textContent).join(',')";
    assert_eq!(browser.eval(shown), "People,Places,Dates,Related");
    browser.screenshot("article");
    // The same article on a 375-pixel phone screen: nothing wider than the screen.
    browser.narrow(375);
    browser.wait("document.documentElement.scrollWidth <= 375");
    browser.screenshot("article-375px");
}

#[test]
fn hostile_articles_render_as_text_and_run_nothing() {
    let Some((_guard, env, server, mut browser)) = session() else {
        return;
    };
    let title = "<script>window.pwned='title'</script><img src=x onerror=\"window.pwned='img'\">";
    env.write(
        "evil.md",
        &format!(
            "---\ntitle: {title}\nsource: <img src=x onerror=\"window.pwned='meta'\"> \
             <a href=\"javascript:window.pwned='link'\">wire</a>\n---\n\
             Zanzibarite hostile body <script>window.pwned='body'</script> with \
             <img src=x onerror=\"window.pwned='body-img'\"> and a \
             [link](javascript:window.pwned='md') as Mr <b>John Smith</b> of \
             <i onmouseover=\"window.pwned=1\">Paris</i> said on Monday. OPEC \
             ministers met in <b onclick=\"window.pwned='org'\">Vienna</b>.\n"
        ),
    );
    index_and_wait(&env, &server, "zanzibarite", 1);
    browser.search("zanzibarite");
    browser.wait("document.querySelector('#hits .hit h3 a')");
    browser.wait_sidebar();
    assert_eq!(browser.text("#hits .hit h3"), title);
    assert!(
        browser
            .text("#hits .snippet")
            .contains("<script>window.pwned='body'</script>")
    );
    browser.screenshot("xss-hits");
    browser.click("#hits .hit h3 a");
    browser.wait("document.querySelector('#a-text p')");
    assert_eq!(browser.text("#a-title"), title);
    assert!(browser.text("#a-front").contains("<img src=x onerror="));
    assert!(
        browser
            .text("#a-text")
            .contains("[link](javascript:window.pwned='md')")
    );
    // Every name found in it is shown as written, tags and all.
    let names = browser.texts(
        "#a-people .facet-name, #a-places .facet-name, #a-orgs .facet-name, #sidebar .facet-name",
    );
    assert!(!names.is_empty());
    // The organisation next to markup is marked, and the markup shown as written.
    assert_eq!(browser.texts("#a-text mark.org"), ["OPEC"]);
    assert_eq!(browser.texts("#a-orgs .facet-name"), ["OPEC"]);
    assert!(
        browser
            .text("#a-text")
            .contains("OPEC ministers met in <b onclick=\"window.pwned='org'\">")
    );
    browser.screenshot("xss-article");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(browser.eval("typeof window.pwned"), "undefined");
    let injected = browser.eval(
        "document.querySelectorAll('main img, main script, main iframe, main [onerror], \
         main [onmouseover], main a[href^=\"javascript:\"]').length",
    );
    assert_eq!(injected, 0);
}

#[test]
fn back_restores_the_query_filters_and_page() {
    let Some((_guard, _env, server, mut browser)) = session() else {
        return;
    };
    browser.search("prices");
    // The hits first: before them the sidebar holds the archive's names, not the matches'.
    browser.wait("document.querySelectorAll('#hits .hit').length === 3");
    browser.wait_sidebar();
    let before = browser.eval("location.search");
    browser.click("#sidebar .facets.places button");
    browser.wait("document.querySelector('#chips .chip')");
    let filtered = browser.eval("location.search");
    assert_ne!(before, filtered);
    browser.click("#hits .hit h3 a");
    browser.wait(
        "!document.getElementById('article-view').hidden && document.querySelector('#a-text p')",
    );
    browser.back();
    browser.wait("!document.getElementById('list-view').hidden");
    browser.wait("document.querySelector('#chips .chip')");
    assert_eq!(browser.eval("location.search"), filtered);
    browser.back();
    browser.wait("!document.querySelector('#chips .chip')");
    assert_eq!(browser.eval("location.search"), before);
    assert_eq!(browser.eval("document.getElementById('q').value"), "prices");
    browser.screenshot("back");
    // A bookmarked URL opens the same state from scratch.
    let url = server.url(&format!("/{}", filtered.as_str().unwrap()));
    browser.open(&url);
    browser.wait("document.querySelector('#chips .chip')");
    browser.wait("document.querySelector('#hits .hit')");
}

/// The in-browser time from a typed query to its rendered hits, on a running release server
/// named by GAZETTE_BENCH_URL (run with --ignored; BENCHMARKS.md has the figures).
#[test]
#[ignore]
fn query_to_results_time_in_the_browser() {
    let Ok(url) = std::env::var("GAZETTE_BENCH_URL") else {
        eprintln!("set GAZETTE_BENCH_URL to the address of `gazette serve`");
        return;
    };
    let _guard = ONE_BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let Some(mut browser) = Browser::start() else {
        return;
    };
    browser.open(&url);
    let queries = [
        "election",
        "oil prices",
        "\"prime minister\"",
        "bank -football",
        "market published:2019",
        "government",
        "president",
        "trade talks",
        "storm",
        "court ruling",
        "minister",
        "police",
        "economy growth",
        "world cup",
        "strike",
        "china",
        "energy",
        "health",
        "war",
        "vote",
    ];
    let (mut hits, mut sidebars) = (Vec::new(), Vec::new());
    for query in queries {
        browser.eval("window.gazetteTimings = [], window.gazetteSidebarTimings = []");
        browser.search(query);
        browser.wait("window.gazetteSidebarTimings.length > 0");
        hits.push(browser.eval("window.gazetteTimings[0]").as_f64().unwrap());
        sidebars.push(
            browser
                .eval("window.gazetteSidebarTimings[0]")
                .as_f64()
                .unwrap(),
        );
    }
    for (what, times) in [("hits", &mut hits), ("sidebar", &mut sidebars)] {
        let each: Vec<String> = (queries.iter().zip(times.iter()))
            .map(|(query, ms)| format!("{query} {ms:.0}"))
            .collect();
        eprintln!(
            "to the {what}, in the order typed (ms): {}",
            each.join(", ")
        );
        times.sort_by(f64::total_cmp);
        let (median, worst) = (times[times.len() / 2], times[times.len() - 1]);
        eprintln!(
            "typed query to rendered {what}: median {median:.1} ms, max {worst:.1} ms over {} queries",
            times.len()
        );
    }
    // The screenshot of the README: a query narrowed by a place.
    browser.eval("window.gazetteTimings = [], window.gazetteSidebarTimings = []");
    browser.search("oil prices");
    browser.wait("window.gazetteSidebarTimings.length > 0");
    let summary = browser.text("#summary");
    browser.click("#sidebar .facets.places button");
    browser.wait(&format!(
        "document.querySelector('#chips .chip') && document.getElementById('summary').textContent !== {}",
        json!(summary)
    ));
    browser.eval("window.scrollTo(0, 0)");
    browser.screenshot("large-index");
}
