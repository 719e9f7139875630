//! Equal scores and equal days: hits fall in an order drawn from the articles themselves (their
//! content, then their keys), the same however the index was built, and pages neither repeat
//! nor skip a hit.

use crate::Env;
use crate::serve::Server;

/// The articles of the corpus: groups of identical texts (so equal scores) under keys that
/// sort otherwise than they are written, some of them on the same day.
fn articles() -> Vec<(String, String)> {
    let mut all = Vec::new();
    for i in 0..24 {
        // Keys 17, 5, 22, 10, ...: neither the order written nor the reverse.
        let n = (i * 17) % 24;
        let (day, words) = match n % 3 {
            0 => ("2021-03-15", "cocoa cocoa prices"),
            1 => ("2021-03-15", "cocoa prices"),
            _ => ("2021-04-02", "cocoa prices and more words"),
        };
        let text = format!("---\ndate: {day}\n---\nMarket report\n\n{words}.\n");
        all.push((format!("k{n:02}.txt"), text));
    }
    all
}

/// The corpus indexed in one run on one thread.
fn at_once() -> Env {
    let env = Env::new();
    for (name, text) in articles() {
        env.write(&name, &text);
    }
    env.ok(&["index", "--threads", "1"]);
    env
}

/// The corpus indexed in three runs on two threads, the keys that sort last first: three
/// segments at least, whose articles lie in another order.
fn in_parts() -> Env {
    let env = Env::new();
    let mut all = articles();
    all.sort();
    for part in all.rchunks(8) {
        for (name, text) in part {
            env.write(name, text);
        }
        env.ok(&["index", "--threads", "2"]);
    }
    env
}

/// All hits of `query` on one page, and again page by page.
fn hits(env: &Env, query: &str, sort: &str) -> (Vec<String>, Vec<String>) {
    let whole = env.hits(query, &["--sort", sort, "--limit", "50"]);
    let mut paged = Vec::new();
    for offset in (0..30).step_by(5) {
        let offset = offset.to_string();
        let extra = ["--sort", sort, "--limit", "5", "--offset", &offset];
        paged.extend(env.hits(query, &extra));
    }
    (whole, paged)
}

/// Identical articles (the same score and day) follow each other, in the order of their keys.
fn assert_copies_together_by_key(hits: &[String]) {
    for rest in 0..3 {
        let copies: Vec<&String> = (hits.iter())
            .filter(|h| h[1..3].parse::<u32>().unwrap() % 3 == rest)
            .collect();
        assert!(copies.is_sorted(), "{copies:?}");
        let at: Vec<usize> = (copies.iter())
            .map(|k| hits.iter().position(|h| h == *k).unwrap())
            .collect();
        assert!(
            at.windows(2).all(|w| w[1] == w[0] + 1),
            "copies apart: {hits:?}"
        );
    }
}

#[test]
fn equal_scores_fall_alike_whatever_the_build() {
    let (one, parts) = (at_once(), in_parts());
    let (whole, paged) = hits(&one, "cocoa", "relevance");
    assert_eq!(whole.len(), 24, "{whole:?}");
    assert_eq!(paged, whole);
    assert_eq!(
        hits(&parts, "cocoa", "relevance"),
        (whole.clone(), whole.clone())
    );
    assert_copies_together_by_key(&whole);
}

#[test]
fn equal_days_fall_alike_whatever_the_build() {
    let (one, parts) = (at_once(), in_parts());
    let (whole, paged) = hits(&one, "cocoa", "date");
    assert_eq!(paged, whole);
    assert_eq!(
        hits(&parts, "cocoa", "date"),
        (whole.clone(), whole.clone())
    );
    let newest: Vec<String> = (0..24)
        .filter(|n| n % 3 == 2)
        .map(|n| format!("k{n:02}.txt"))
        .collect();
    assert_eq!(whole.len(), 24, "{whole:?}");
    assert_eq!(whole[..8], newest[..]);
    assert_copies_together_by_key(&whole);
}

/// An article and ten copies of another naming the same person, written under keys that sort
/// otherwise, indexed at once or in three runs on two threads.
fn with_copies(in_parts: bool) -> Env {
    let env = Env::new();
    env.write(
        "first.txt",
        "Talks in Oslo\n\nAnna Berg met the committee in Oslo on Monday.\n",
    );
    let copies: Vec<(String, &str)> = (0..10)
        .map(|i| {
            let key = format!("c{:02}.txt", (i * 7) % 10);
            (key, "Budget vote\n\nAnna Berg spoke before the vote.\n")
        })
        .collect();
    match in_parts {
        false => {
            copies.iter().for_each(|(key, text)| env.write(key, text));
            env.ok(&["index", "--threads", "1"]);
        }
        true => {
            for part in copies.rchunks(4) {
                part.iter().for_each(|(key, text)| env.write(key, text));
                env.ok(&["index", "--threads", "2"]);
            }
        }
    }
    env
}

#[test]
fn related_copies_fall_alike_whatever_the_build() {
    let related = |env: &Env| -> Vec<String> {
        let server = Server::start(env, &[]);
        let found = server.ok("/api/articles/first.txt/related?limit=10");
        (found["related"].as_array().unwrap().iter())
            .map(|hit| hit["key"].as_str().unwrap().to_string())
            .collect()
    };
    let once = related(&with_copies(false));
    let keys: Vec<String> = (0..10).map(|i| format!("c{i:02}.txt")).collect();
    assert_eq!(once, keys, "copies fall by key");
    assert_eq!(related(&with_copies(true)), once);
}
