//! `gazette serve` over real HTTP: the binary on an ephemeral loopback port, a temporary
//! corpus, and requests written byte for byte (so that paths reach the server unnormalised).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{Env, SEED};

/// A running `gazette serve`, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    /// Kept open so that the server never writes to a closed pipe.
    _stdout: BufReader<ChildStdout>,
    pub(crate) addr: String,
}

impl Server {
    /// Serves `index` (relative to the env's folder) with the extra arguments given.
    pub(crate) fn start(env: &Env, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(["serve", "--index", "index", "--addr", "127.0.0.1:0"])
            .args(extra)
            .current_dir(env.dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("gazette: serving http://")
            .unwrap_or_else(|| panic!("no address line: {line:?}"))
            .to_string();
        Server {
            child,
            _stdout: stdout,
            addr,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Sends `request` as it is and returns the status and the body.
    pub(crate) fn raw(&self, request: &[u8]) -> (u16, Vec<u8>) {
        let (status, _, body) = self.exchange(request);
        (status, body)
    }

    /// Sends `request` as it is and returns the status, the head and the body.
    fn exchange(&self, request: &[u8]) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        // The server may close before reading all of an oversize request.
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no status in {text:?}"));
        let (head, body) = match answer.windows(4).position(|w| w == b"\r\n\r\n") {
            Some(at) => (&answer[..at], answer[at + 4..].to_vec()),
            None => (&answer[..], Vec::new()),
        };
        (status, String::from_utf8_lossy(head).into_owned(), body)
    }

    /// GET that must succeed, and whether the response cache answered it.
    pub(crate) fn cached(&self, path: &str) -> (bool, Value) {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let (status, head, body) = self.exchange(request.as_bytes());
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&body));
        let head = head.to_ascii_lowercase();
        let hit = match () {
            _ if head.contains("\r\nx-gazette-cache: hit") => true,
            _ if head.contains("\r\nx-gazette-cache: miss") => false,
            _ => panic!("{path}: no cache header in {head}"),
        };
        (hit, serde_json::from_slice(&body).unwrap())
    }

    /// GET `path`, which is sent exactly as written.
    pub(crate) fn get(&self, path: &str) -> (u16, Value) {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let (status, body) = self.raw(request.as_bytes());
        let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
            panic!("{path}: not JSON ({e}): {}", String::from_utf8_lossy(&body))
        });
        (status, json)
    }

    /// GET that must succeed.
    pub(crate) fn ok(&self, path: &str) -> Value {
        let (status, json) = self.get(path);
        assert_eq!(status, 200, "{path}: {json}");
        json
    }

    /// The keys of the hits of a search.
    pub(crate) fn keys(&self, query: &str) -> Vec<String> {
        let found = self.ok(&format!("/api/search?q={}", encode(query)));
        found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["key"].as_str().unwrap().to_string())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percent-encodes everything but letters and digits.
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn search_has_the_cli_shape_with_keys_facets_and_both_timelines() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    let found = server.ok("/api/search?q=energy&facets=1&limit=5");
    let cli = env.json(&["search", "energy", "--facets", "--limit", "5"]);
    assert_eq!(found["total"], cli["total"]);
    for field in [
        "query", "total", "matched", "took_ms", "hits", "facets", "timeline",
    ] {
        assert!(found.get(field).is_some(), "{field} missing: {found}");
    }
    let keys: Vec<&str> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["key"].as_str().unwrap())
        .collect();
    // The CLI's order, the seed article between them (see `ranking_puts_the_title_match_first`).
    assert_eq!(keys[0], "2022/11/05/markets.txt");
    assert_eq!(keys[2], "europe/summit.txt", "{keys:?}");
    assert_eq!(found["hits"][0]["title"], cli["hits"][0]["title"]);
    assert_eq!(found["hits"][0]["people"], cli["hits"][0]["people"]);
    assert_eq!(found["facets"], cli["facets"]);
    let cli = env.json(&["search", "energy", "--timeline"]);
    assert_eq!(found["timeline"]["published"], cli["timeline"]);
    assert_eq!(found["timeline"]["published"]["undated"], 1);
    // Of the three, the summit article mentions dates (September 2023 among them) and the
    // markets one none; the timeline is the CLI's, each article counted once per period.
    let dates = &found["timeline"]["dates"];
    assert_eq!(dates["field"], "dates");
    assert_eq!(dates["undated"], 1, "{dates}");
    let cli = env.json(&["search", "energy", "--timeline", "dates"]);
    assert_eq!(*dates, cli["timeline"]);
    let only_summit = server.ok("/api/search?q=energy%20Macron");
    let september: Vec<&Value> = only_summit["timeline"]["dates"]["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["count"] != 0)
        .collect();
    assert!(
        september
            .iter()
            .any(|b| b["period"].as_str().unwrap().starts_with("2023")),
        "{only_summit}"
    );
    // Date order, paging and filters written as in the CLI.
    let by_date = server.ok("/api/search?q=energy&sort=date&limit=1&offset=1");
    assert_eq!(by_date["hits"][0]["key"], "2022/11/05/markets.txt");
    assert_eq!(
        server.keys("prices people:\"Emmanuel Macron\""),
        ["europe/summit.txt"]
    );
    assert_eq!(server.keys("dates:2023-09 Scholz"), ["europe/summit.txt"]);
    assert!(
        !server
            .keys("dates:2023-09")
            .contains(&"2022/11/05/markets.txt".to_string())
    );
}

#[test]
fn an_article_comes_with_its_text_front_matter_and_mention_offsets() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    for path in [
        "/api/articles/europe/summit.txt",
        "/api/articles/europe%2Fsummit.txt",
    ] {
        let article = server.ok(path);
        assert_eq!(article["key"], "europe/summit.txt");
        assert_eq!(article["title"], "Leaders meet in Berlin");
        assert_eq!(article["published"], "2023-06-02");
        assert_eq!(article["meta"]["source"], "Test Wire");
        let text = article["text"].as_str().unwrap();
        let people = article["people"].as_array().unwrap();
        let macron = people
            .iter()
            .find(|p| p["name"] == "Emmanuel Macron")
            .unwrap();
        for mention in macron["mentions"].as_array().unwrap() {
            let (start, end) = (
                mention["start"].as_u64().unwrap(),
                mention["end"].as_u64().unwrap(),
            );
            assert_eq!(
                &text[start as usize..end as usize],
                mention["text"].as_str().unwrap()
            );
        }
        let berlin = &article["places"].as_array().unwrap()[0]["mentions"][0];
        let at = berlin["start"].as_u64().unwrap() as usize;
        assert!(text[at..].starts_with("BERLIN") || text[at..].starts_with("Berlin"));
        let date = article["dates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["value"] == "2023-09")
            .unwrap();
        let (start, end) = (
            date["start"].as_u64().unwrap(),
            date["end"].as_u64().unwrap(),
        );
        assert_eq!(&text[start as usize..end as usize], "September 2023");
    }
}

#[test]
fn related_articles_give_the_names_they_share() {
    let env = Env::indexed();
    env.write(
        "europe/followup.txt",
        "Macron and Scholz meet again\n\nEmmanuel Macron and Olaf Scholz met in Paris to talk \
         about energy prices once more, a month after Berlin.\n",
    );
    env.ok(&["index"]);
    let server = Server::start(&env, &[]);
    let related = server.ok("/api/articles/europe/summit.txt/related?limit=3");
    let first = &related["related"][0];
    assert_eq!(first["key"], "europe/followup.txt", "{related}");
    let people = first["shared"]["people"].as_array().unwrap();
    assert!(people.contains(&Value::from("Emmanuel Macron")), "{first}");
    assert!(people.contains(&Value::from("Olaf Scholz")), "{first}");
    assert!(
        first["shared"]["places"]
            .as_array()
            .unwrap()
            .contains(&Value::from("Paris"))
    );
    let all = related["related"].as_array().unwrap();
    assert!(
        all.iter().all(|r| r["key"] != "europe/summit.txt"),
        "itself: {related}"
    );
    let (status, err) = server.get("/api/articles/nowhere.txt/related");
    assert_eq!((status, err["error"].is_string()), (404, true));
    assert_eq!(
        server
            .get("/api/articles/europe/summit.txt/related?limit=99999")
            .0,
        400
    );
}

#[test]
fn organisations_are_in_articles_related_coverage_and_facets() {
    let env = Env::indexed();
    env.write(
        "oil.txt",
        "Oil output cut\n\nOPEC ministers met in Vienna on Monday. OPEC agreed to cut output.\n",
    );
    env.write(
        "cartel.txt",
        "Output cut to hold\n\nOPEC delegates said in Riyadh that the cut would hold until \
         the spring.\n",
    );
    env.ok(&["index"]);
    let server = Server::start(&env, &[]);
    let article = server.ok("/api/articles/oil.txt");
    let text = article["text"].as_str().unwrap();
    let orgs = article["orgs"].as_array().unwrap();
    assert_eq!(orgs.len(), 1, "{article}");
    assert_eq!(orgs[0]["name"], "OPEC");
    let written: Vec<&str> = orgs[0]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let (start, end) = (m["start"].as_u64().unwrap(), m["end"].as_u64().unwrap());
            &text[start as usize..end as usize]
        })
        .collect();
    assert_eq!(written, ["OPEC", "OPEC"]);
    let related = server.ok("/api/articles/oil.txt/related?limit=3");
    let first = &related["related"][0];
    assert_eq!(first["key"], "cartel.txt", "{related}");
    assert_eq!(first["shared"]["orgs"], serde_json::json!(["OPEC"]));
    let found = server.ok("/api/search?q=output&facets=1");
    assert_eq!(found["facets"]["orgs"][0]["name"], "OPEC", "{found}");
    assert_eq!(found["facets"]["orgs"][0]["count"], 2);
    assert_eq!(found["hits"][0]["orgs"], serde_json::json!(["OPEC"]));
    let mut filtered = server.keys("orgs:\"OPEC\"");
    filtered.sort();
    assert_eq!(filtered, ["cartel.txt", "oil.txt"]);
}

#[test]
fn the_counts_without_hits_are_the_pages_counts() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    // The second query is answered by the closest articles, which the counts must cover too.
    for (query, matched) in [("energy", "all"), ("energy%20zeppelin", "partial")] {
        for page in ["limit=2", "limit=2&offset=1", "limit=10&sort=date"] {
            let full = server.ok(&format!("/api/search?q={query}&{page}&facets=1"));
            let counts = server.ok(&format!("/api/search?q={query}&{page}&facets=1&hits=0"));
            assert_eq!(full["matched"], matched, "{query} {page}: {full}");
            for field in ["total", "matched", "facets"] {
                assert_eq!(counts[field], full[field], "{query} {page} {field}");
            }
            assert_eq!(counts["hits"], serde_json::json!([]), "{query} {page}");
            assert!(counts.get("timeline").is_none(), "{counts}");
            assert!(!full["hits"].as_array().unwrap().is_empty(), "{full}");
        }
    }
}

#[test]
fn explain_gives_each_hit_parts_that_sum_to_its_score() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    for query in [
        "energy prices",
        "title:coffee OR body:Berlin",
        "prices -coffee",
    ] {
        let found = server.ok(&format!("/api/search?explain=1&q={}", encode(query)));
        let cli = env.json(&["search", query, "--explain"]);
        let hits = found["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{query}");
        for (hit, theirs) in hits.iter().zip(cli["hits"].as_array().unwrap()) {
            let parts = hit["explanation"].as_array().unwrap();
            assert!(!parts.is_empty(), "{query}: {hit}");
            let sum: f64 = parts.iter().map(|p| p["score"].as_f64().unwrap()).sum();
            let score = hit["score"].as_f64().unwrap();
            assert!(
                (sum - score).abs() < 1e-3 * score.max(1.0),
                "{query}: {sum} vs {score}"
            );
            // The CLI's parts, in its order (the API writes the same f32s with more digits).
            let theirs = theirs["explanation"].as_array().unwrap();
            assert_eq!(parts.len(), theirs.len(), "{query}");
            for (ours, cli) in parts.iter().zip(theirs) {
                assert_eq!(ours["source"], cli["source"], "{query}");
                let (a, b) = (
                    ours["score"].as_f64().unwrap(),
                    cli["score"].as_f64().unwrap(),
                );
                assert!((a - b).abs() < 1e-5, "{query}: {a} vs {b}");
            }
        }
    }
    // Off unless asked for, and `explain=0` is off.
    for path in ["/api/search?q=energy", "/api/search?q=energy&explain=0"] {
        let plain = server.ok(path);
        assert!(plain["hits"][0].get("explanation").is_none(), "{path}");
    }
}

#[test]
fn stats_are_the_cli_stats() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    let stats = server.ok("/api/stats");
    assert_eq!(stats, env.json(&["stats"]));
}

#[test]
fn article_keys_never_reach_outside_the_index() {
    let env = Env::indexed();
    // A file beside the corpus, and one in it that is not indexed: neither may be read.
    std::fs::write(env.dir.path().join("secret.txt"), "secret").unwrap();
    env.write("later.txt", "Not indexed yet\n\nsecret");
    let server = Server::start(&env, &[]);
    for path in [
        "/api/articles/../secret.txt",
        "/api/articles/..%2Fsecret.txt",
        "/api/articles/%2E%2E%2Fsecret.txt",
        "/api/articles/%252E%252E%252Fsecret.txt",
        "/api/articles/europe/../../secret.txt",
        "/api/articles//etc/passwd",
        "/api/articles/%2Fetc%2Fpasswd",
        "/api/articles/..%5Csecret.txt",
        "/api/articles/%00",
        "/api/articles/%FF%FE",
        "/api/articles/later.txt",
        "/api/articles/europe",
        "/api/articles/europe/",
        "/api/articles/./europe/summit.txt",
        "/api/articles/europe//summit.txt",
        "/api/articles/../secret.txt/related",
        "/api/articles/%2Fetc%2Fpasswd/related",
    ] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"], "no such article in the index", "{path}");
    }
}

#[test]
fn bad_and_oversize_requests_are_json_errors_never_500() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    for (path, status) in [
        ("/api/search?q=%28%28%28", 400),
        ("/api/search?q=nope%3Ax", 400),
        ("/api/search?q=published%3A2023-13", 400),
        ("/api/search?q=", 400),
        ("/api/search", 400),
        ("/api/search?q=a&limit=x", 400),
        ("/api/search?q=a&limit=-1", 400),
        ("/api/search?q=a&limit=10001", 400),
        ("/api/search?q=a&offset=99999999999999999999999", 400),
        ("/api/search?q=a&sort=sideways", 400),
        ("/api/search?q=a%00b", 400),
        ("/api/nothing", 404),
        ("/etc/passwd", 404),
    ] {
        let (got, body) = server.get(path);
        assert_eq!(got, status, "{path}: {body}");
        assert!(
            body["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{path}"
        );
    }
    // The CLI's query length limit, then the request-line limit.
    let long = "a".repeat(20_000);
    let (status, body) = server.get(&format!("/api/search?q={long}"));
    assert_eq!(status, 400, "{body}");
    assert!(body["error"].as_str().unwrap().contains("limit"), "{body}");
    let longer = "a".repeat(60_000);
    let (status, body) = server.get(&format!("/api/search?q={longer}"));
    assert_eq!((status, body["error"].is_string()), (414, true), "{body}");
    // Longer still, the HTTP layer refuses it before gazette sees it.
    let request = format!(
        "GET /api/search?q={} HTTP/1.1\r\nHost: x\r\n\r\n",
        "a".repeat(200_000)
    );
    assert_eq!(server.raw(request.as_bytes()).0, 414);
    let body = "x".repeat(100_000);
    let request = format!(
        "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (status, answer) = server.raw(request.as_bytes());
    assert_eq!(status, 413);
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    assert!(answer["error"].is_string());
    // The server is read-only: no method writes.
    for method in ["POST", "PUT", "DELETE"] {
        let request = format!(
            "{method} /api/articles/europe/summit.txt HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        assert_eq!(server.raw(request.as_bytes()).0, 405, "{method}");
    }
    assert_eq!(server.ok("/api/stats")["docs"], 5);
}

#[test]
fn the_page_and_its_assets_are_served_with_a_strict_policy() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/style.css", "text/css"),
    ] {
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        let mut stream = TcpStream::connect(&server.addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let head = answer.split("\r\n\r\n").next().unwrap().to_lowercase();
        assert!(head.starts_with("http/1.1 200"), "{path}: {head}");
        assert!(head.contains(&format!("content-type: {kind}")), "{head}");
        assert!(
            head.contains("content-security-policy: default-src 'none'; script-src 'self'"),
            "{head}"
        );
        // Nothing is fetched from elsewhere: the page works offline.
        assert!(
            !answer.contains("http://") && !answer.contains("https://"),
            "{path}"
        );
    }
}

#[test]
fn a_commit_by_another_process_is_seen_without_a_restart() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    assert!(server.keys("zeppelin").is_empty());
    assert_eq!(server.ok("/api/stats")["docs"], 5);
    env.write(
        "airship.txt",
        "Zeppelin returns\n\nA zeppelin flew over the lake.\n",
    );
    env.ok(&["index"]);
    assert!(
        wait_for(Duration::from_secs(10), || server.keys("zeppelin")
            == ["airship.txt"]),
        "the new article never showed up"
    );
    // The statistics kept for the last commit are counted again for the new one.
    assert_eq!(server.ok("/api/stats")["docs"], 6);
}

#[test]
fn with_watch_a_dropped_file_shows_up_and_non_loopback_warns() {
    let env = Env::new();
    env.write("first.txt", "First\n\nThe first article.\n");
    let server = Server::start(&env, &["--watch", "corpus"]);
    assert_eq!(server.keys("first"), ["first.txt"]);
    let started = Instant::now();
    env.write(
        "sub/dropped.txt",
        "Dropped in\n\nA balloon landed in the square.\n",
    );
    assert!(
        wait_for(Duration::from_secs(10), || server.keys("balloon")
            == ["sub/dropped.txt"]),
        "the dropped file never showed up"
    );
    eprintln!(
        "watch: dropped file searchable after {:?}",
        started.elapsed()
    );
    // The corpus is not touched by serving: only the index folder was added beside it.
    let names: Vec<_> = std::fs::read_dir(env.corpus())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_non_loopback_address_prints_one_warning_and_a_bad_index_one_error() {
    let env = Env::indexed();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["serve", "--index", "index", "--addr", "0.0.0.0:0"])
        .current_dir(env.dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("gazette: serving http://0.0.0.0:"),
        "{line}"
    );
    child.kill().unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("warning") && err.contains("whole archive"),
        "{err}"
    );
    let err = env.fails(&["serve", "--index", "no-such-index", "--addr", "127.0.0.1:0"]);
    assert!(err.contains("no index"), "{err}");
    let err = env.fails(&["serve", "--addr", "nowhere"]);
    assert!(err.contains("nowhere"), "{err}");
    assert!(Path::new(&env.corpus()).join(SEED).exists());
}

#[test]
fn repeated_requests_come_from_the_cache_until_a_commit_is_seen() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    let search = "/api/search?q=energy&facets=1";
    let (hit, first) = server.cached(search);
    assert!(!hit);
    // tantivy may reload the reader once more after the index run (which empties the cache),
    // so each pair is tried again until it sees one commit throughout.
    let answered_again = |path: &str, then: &str| {
        wait_for(Duration::from_secs(20), || {
            let (_, answer) = server.cached(path);
            let (hit, again) = server.cached(then);
            hit && again == answer
        })
    };
    assert!(answered_again(search, search));
    // The same search written otherwise: defaults spelled out, parameters in another order.
    assert!(answered_again(
        search,
        "/api/search?limit=10&facets=true&offset=0&q=energy"
    ));
    let (hit, _) = server.cached("/api/search?q=energy&facets=1&limit=3");
    assert!(!hit, "another page is another answer");
    let key = encode(first["hits"][0]["key"].as_str().unwrap());
    let related = format!("/api/articles/{key}/related");
    for path in ["/api/stats", &related] {
        assert!(answered_again(path, path), "{path}");
    }
    // A commit by another process: the next answers are counted on it, then kept again.
    let total = first["total"].as_u64().unwrap();
    env.write(
        "news/grid.txt",
        "Energy grid strained\n\nEnergy demand rose in Oslo.\n",
    );
    env.ok(&["index"]);
    let seen = wait_for(Duration::from_secs(20), || {
        server.ok(search)["total"] == total + 1
    });
    assert!(seen, "a cached answer outlived the commit");
    assert!(answered_again(search, search));
    assert_eq!(server.cached(search).1["total"], total + 1);
    assert_eq!(server.cached("/api/stats").1["docs"], 6);
}

#[test]
fn a_new_alias_file_is_seen_through_the_cache_without_a_commit() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    let stats = "/api/stats";
    let person = server.ok(stats)["people"][0]["name"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = |answer: &Value| {
        (answer["people"].as_array().unwrap().iter()).any(|p| p["name"] == person.as_str())
    };
    let search = "/api/search?q=energy&facets=1";
    server.cached(search);
    // `gazette index` records the new rules in the index folder; no article changed.
    let rules = format!("[people]\n{person:?} = \"hide\"\n");
    std::fs::write(env.dir.path().join("aliases.toml"), rules).unwrap();
    env.ok(&["index"]);
    let hidden = wait_for(Duration::from_secs(20), || !listed(&server.ok(stats)));
    assert!(
        hidden,
        "{person} still listed after the alias file hid them"
    );
    let facets = server.ok(search)["facets"]["people"].clone();
    assert!(
        !listed(&serde_json::json!({ "people": facets })),
        "{facets}"
    );
}

#[test]
fn a_cache_of_zero_megabytes_keeps_no_searches() {
    let env = Env::indexed();
    let server = Server::start(&env, &["--cache-mb", "0"]);
    for _ in 0..3 {
        assert!(!server.cached("/api/search?q=energy").0);
    }
    // The statistics are still counted once per commit.
    let stats_kept = wait_for(Duration::from_secs(20), || {
        server.cached("/api/stats");
        server.cached("/api/stats").0
    });
    assert!(stats_kept);
}

/// Polls `check` until it holds or `limit` has passed.
pub(crate) fn wait_for(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    check()
}

#[test]
fn sigterm_and_ctrl_c_stop_the_server_cleanly() {
    let env = Env::indexed();
    for signal in [libc::SIGTERM, libc::SIGINT] {
        let mut server = Server::start(&env, &[]);
        assert_eq!(server.ok("/api/stats")["docs"], 5);
        // SAFETY: signals the child this test started.
        unsafe { libc::kill(server.child.id() as i32, signal) };
        let status = server.child.wait().unwrap();
        assert!(status.success(), "{signal}: {status:?}");
    }
}
