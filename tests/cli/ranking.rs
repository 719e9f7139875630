//! Entity-aware ranking and `--explain`.

use crate::Env;

/// Three articles about banks: one says "British" and is tagged GB, one is tagged GB through
/// London without the word, one is elsewhere and only mentions a British visitor in passing.
fn banks() -> Env {
    let env = Env::new();
    env.write(
        "uk.txt",
        "British banks raise rates\n\nBritish banks raised lending rates on Monday, \
         the British Bankers Association said.\n",
    );
    env.write(
        "london.txt",
        "Banks in London cut jobs\n\nBanks in London said they would cut 2,000 jobs. \
         Lenders across the country expect a slow year.\n",
    );
    env.write(
        "kenya.txt",
        "Kenyan banks grow\n\nBanks in Nairobi grew their lending, Kenyan officials said. \
         A british visitor said little.\n",
    );
    env.ok(&["index"]);
    env
}

#[test]
fn a_demonym_also_finds_the_articles_tagged_with_its_country() {
    let env = banks();
    let results = env.json(&["search", "British banks"]);
    assert_eq!(results["matched"], "all");
    let hits = env.hits("British banks", &[]);
    assert_eq!(hits[0], "uk.txt", "{hits:?}");
    // No word "British" in it, but extraction tagged it GB through London.
    assert!(hits.contains(&"london.txt".to_string()), "{hits:?}");
    // An explicit operator keeps its strict meaning: the word itself is required.
    let strict = env.hits("+British +banks", &[]);
    assert!(!strict.contains(&"london.txt".to_string()), "{strict:?}");
}

#[test]
fn explain_shows_the_entity_contribution_in_human_output() {
    let env = banks();
    let out = env.ok(&["search", "British banks", "--explain"]);
    let why = out
        .lines()
        .find(|l| l.trim_start().starts_with("why:"))
        .unwrap_or_else(|| panic!("no explanation line: {out}"));
    assert!(why.contains("countries:GB (entity)"), "{why}");
    assert!(why.contains("title"), "{why}");
    // Without the flag there is none.
    assert!(!env.ok(&["search", "British banks"]).contains("why:"));
}

#[test]
fn explained_parts_add_up_to_the_score_in_json() {
    let env = banks();
    for query in [
        "British banks",
        "banks",
        "title:banks OR body:lending",
        "british -kenya",
    ] {
        let results = env.json(&["search", query, "--explain"]);
        let hits = results["hits"].as_array().unwrap();
        assert!(!hits.is_empty(), "{query}");
        for hit in hits {
            let parts = hit["explanation"].as_array().unwrap();
            let sum: f64 = parts.iter().map(|p| p["score"].as_f64().unwrap()).sum();
            let score = hit["score"].as_f64().unwrap();
            assert!(
                (sum - score).abs() < 1e-3 * score.max(1.0),
                "{query}: {sum} vs {score}"
            );
        }
    }
    let results = env.json(&["search", "British banks", "--explain"]);
    let first = &results["hits"][0]["explanation"];
    let entity = first
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["source"] == "countries:GB")
        .unwrap_or_else(|| panic!("{first}"));
    assert_eq!(entity["entity"], true);
    assert!(entity["score"].as_f64().unwrap() > 0.0);
    // The field is left out unless asked for.
    let plain = env.json(&["search", "British banks"]);
    assert!(plain["hits"][0].get("explanation").is_none());
}

/// Four articles about cocoa, and one about the same trade that never says "cocoa"; a steel
/// article shares nothing with them.
fn cocoa() -> Env {
    let env = Env::new();
    for (name, place) in [
        ("a", "Abidjan"),
        ("b", "Accra"),
        ("c", "Lagos"),
        ("d", "Douala"),
    ] {
        env.write(
            &format!("{name}.txt"),
            &format!(
                "Cocoa harvest in {place}\n\nThe cocoa harvest around {place} was late. \
                 Grinders bought fewer beans and the midcrop looked small, exporters said.\n"
            ),
        );
    }
    env.write(
        "beans.txt",
        "Midcrop beans scarce\n\nGrinders found few beans from the midcrop; exporters \
         blamed the weather.\n",
    );
    env.write(
        "steel.txt",
        "Steel output rises\n\nMills produced more steel in March than a year earlier.\n",
    );
    env.ok(&["index"]);
    env
}

#[test]
fn feedback_finds_an_article_on_the_topic_without_the_query_word() {
    let env = cocoa();
    let hits = env.hits("cocoa", &[]);
    assert_eq!(hits.len(), 5, "{hits:?}");
    // The articles with the word come first; the one found through feedback follows them.
    assert_eq!(hits[4], "beans.txt", "{hits:?}");
    assert!(!hits.contains(&"steel.txt".to_string()), "{hits:?}");
    let results = env.json(&["search", "cocoa", "--explain"]);
    assert_eq!(results["matched"], "partial");
    let last = results["hits"][4]["explanation"].as_array().unwrap();
    assert_eq!(last.len(), 1, "{last:?}");
    assert_eq!(last[0]["source"], "feedback");
    assert_eq!(last[0]["entity"], false);
    // The words feedback added are not highlighted: the snippet has none of the user's.
    assert_eq!(results["hits"][4]["highlights"], serde_json::json!([]));
}

#[test]
fn feedback_leaves_operator_queries_strict() {
    let env = cocoa();
    for query in ["+cocoa", "title:cocoa", "\"cocoa harvest\""] {
        let hits = env.hits(query, &[]);
        assert_eq!(hits.len(), 4, "{query}: {hits:?}");
        assert!(
            !hits.contains(&"beans.txt".to_string()),
            "{query}: {hits:?}"
        );
    }
    // Ordered by date, a plain query is not widened by feedback either.
    let by_date = env.hits("cocoa", &["--sort", "date"]);
    assert!(!by_date.contains(&"beans.txt".to_string()), "{by_date:?}");
}

#[test]
fn pages_of_a_query_with_feedback_agree_with_the_whole_list() {
    let env = cocoa();
    let all = env.hits("cocoa", &[]);
    let paged: Vec<String> = (0..all.len())
        .flat_map(|at| env.hits("cocoa", &["--limit", "1", "--offset", &at.to_string()]))
        .collect();
    assert_eq!(paged, all);
}

#[test]
fn explained_parts_add_up_past_the_articles_feedback_reorders() {
    // More articles on cocoa than feedback reorders (300), all with the words it adds.
    let env = Env::new();
    for i in 0..320 {
        let padding = "tonnes ".repeat(i % 9);
        let text = format!(
            "Cocoa report {i}\n\nGrinders bought midcrop cocoa beans; {padding}exporters said.\n"
        );
        env.write(&format!("c{i:03}.txt"), &text);
    }
    for i in 0..200 {
        let text = format!("Steel report {i}\n\nMills produced steel in March.\n");
        env.write(&format!("s{i:03}.txt"), &text);
    }
    // The word alone in a short body, without feedback's words: lighter length normalisation
    // takes from its score, so feedback's parts add up to less than nothing.
    env.write("note.txt", "Note\n\nCocoa.\n");
    env.ok(&["index"]);
    for (offset, limit) in [(296, 8), (0, 321)] {
        let (offset, limit) = (offset.to_string(), limit.to_string());
        let args = ["cocoa", "--explain", "--offset", &offset, "--limit", &limit];
        let results = env.json(&[&["search"], &args[..]].concat());
        let hits = results["hits"].as_array().unwrap();
        for (at, hit) in (offset.parse::<usize>().unwrap()..).zip(hits) {
            let parts = hit["explanation"].as_array().unwrap();
            let sum: f64 = parts.iter().map(|p| p["score"].as_f64().unwrap()).sum();
            let score = hit["score"].as_f64().unwrap();
            assert!((sum - score).abs() < 1e-3 * score, "{at}: {sum} vs {score}");
            let fed =
                (parts.iter()).any(|p| p["source"] == "feedback" || p["source"] == "body length");
            assert_eq!(fed, at < 300, "{at}: {parts:?}");
            let sources = ["title", "body", "feedback", "body length"];
            assert!(
                (parts.iter()).all(
                    |p| p["entity"] == true || sources.contains(&p["source"].as_str().unwrap())
                ),
                "{at}: {parts:?}"
            );
        }
    }
}
