//! `gazette export` and `--timeline dates`, end to end.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::Env;

/// The lines of an export, each parsed as JSON.
fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The actions of an Elasticsearch bulk file, each with its source line when it has one.
fn bulk(text: &str) -> Vec<(String, String, Option<Value>)> {
    let mut lines = lines(text).into_iter();
    let mut actions = Vec::new();
    while let Some(action) = lines.next() {
        let object = action.as_object().expect("an action is an object");
        assert_eq!(object.len(), 1, "one verb per action: {action}");
        let (verb, meta) = object.iter().next().unwrap();
        let id = meta["_id"].as_str().unwrap().to_string();
        let source = match verb.as_str() {
            "index" => Some(lines.next().expect("an index action has a source line")),
            "delete" => None,
            other => panic!("unexpected action {other}"),
        };
        if let Some(source) = &source {
            assert!(source.get("index").is_none() && source.get("delete").is_none());
            assert_eq!(source["path"], id.as_str());
        }
        actions.push((verb.clone(), id, source));
    }
    actions
}

fn docs(env: &Env) -> u64 {
    env.json(&["stats"])["docs"].as_u64().unwrap()
}

#[test]
fn elasticsearch_bulk_has_one_action_per_article_and_every_line_parses() {
    let env = Env::indexed();
    let actions = bulk(&env.ok(&["export", "--format", "elasticsearch"]));
    assert_eq!(actions.len() as u64, docs(&env));
    assert!(actions.iter().all(|(verb, _, _)| verb == "index"));
    let (_, _, summit) = actions
        .iter()
        .find(|(_, id, _)| id == "europe/summit.txt")
        .unwrap();
    let summit = summit.as_ref().unwrap();
    assert_eq!(summit["title"], "Leaders meet in Berlin");
    assert_eq!(summit["published"], "2023-06-02");
    assert_eq!(summit["meta"]["source"], "Test Wire");
    assert!(
        summit["people"]
            .as_array()
            .unwrap()
            .contains(&"Emmanuel Macron".into())
    );
    // "September 2023" keeps its whole month.
    let september = serde_json::json!({"gte": "2023-09-01", "lte": "2023-09-30"});
    assert!(
        summit["dates"].as_array().unwrap().contains(&september),
        "{summit}"
    );
}

#[test]
fn an_edit_and_a_delete_between_two_exports_are_one_index_and_one_delete() {
    let env = Env::indexed();
    let all = env.ok(&["export", "--format", "elasticsearch", "--since", "state"]);
    assert_eq!(bulk(&all).len() as u64, docs(&env));
    let again = env.ok(&["export", "--format", "elasticsearch", "--since", "state"]);
    assert_eq!(again, "", "nothing changed");
    env.write(
        "asia/tea.txt",
        "Tea exports recover\n\nKenya sold more tea in 2024.\n",
    );
    std::fs::remove_file(env.corpus().join("europe/coffee.md")).unwrap();
    env.ok(&["index"]);
    let changed = bulk(&env.ok(&["export", "--format", "elasticsearch", "--since", "state"]));
    let verbs: Vec<(&str, &str)> = changed
        .iter()
        .map(|(verb, id, _)| (verb.as_str(), id.as_str()))
        .collect();
    assert_eq!(verbs.len(), 2, "{verbs:?}");
    assert!(verbs.contains(&("index", "asia/tea.txt")));
    assert!(verbs.contains(&("delete", "europe/coffee.md")));
    let tea = changed.iter().find_map(|(_, _, s)| s.as_ref()).unwrap();
    assert_eq!(tea["title"], "Tea exports recover");
    assert_eq!(
        env.ok(&["export", "--format", "elasticsearch", "--since", "state"]),
        ""
    );
}

#[test]
fn quickwit_lists_changed_and_removed_articles_as_delete_queries() {
    let env = Env::indexed();
    let first = [
        "export",
        "--format",
        "quickwit",
        "--since",
        "qs",
        "-o",
        "docs.ndjson",
        "--deletes",
        "deletes",
    ];
    env.ok(&first);
    let read = |name: &str| std::fs::read_to_string(env.dir.path().join(name)).unwrap();
    assert_eq!(lines(&read("docs.ndjson")).len() as u64, docs(&env));
    assert_eq!(read("deletes"), "");
    env.write(
        "asia/tea.txt",
        "Tea exports recover\n\nKenya sold more tea.\n",
    );
    std::fs::remove_file(env.corpus().join("europe/coffee.md")).unwrap();
    env.ok(&["index"]);
    env.ok(&first);
    let sent = lines(&read("docs.ndjson"));
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["path"], "asia/tea.txt");
    let mut queries: Vec<String> = lines(&read("deletes"))
        .iter()
        .map(|q| q["query"].as_str().unwrap().to_string())
        .collect();
    queries.sort();
    assert_eq!(
        queries,
        ["path:\"asia/tea.txt\"", "path:\"europe/coffee.md\""]
    );
    // Deletions need a place to go.
    let err = env.fails(&["export", "--format", "quickwit", "--since", "qs"]);
    assert!(err.contains("--deletes"), "{err}");
}

#[test]
fn ndjson_marks_removed_articles() {
    let env = Env::indexed();
    env.ok(&["export", "--format", "ndjson", "--since", "ns"]);
    std::fs::remove_file(env.corpus().join("asia/tea.txt")).unwrap();
    env.ok(&["index"]);
    let out = lines(&env.ok(&["export", "--format", "ndjson", "--since", "ns"]));
    assert_eq!(
        out,
        [serde_json::json!({"path": "asia/tea.txt", "deleted": true})]
    );
}

#[test]
fn a_failed_export_leaves_the_state_so_no_change_is_skipped() {
    let env = Env::indexed();
    env.ok(&["export", "--format", "elasticsearch", "--since", "state"]);
    let state = env.dir.path().join("state");
    let before = std::fs::read(&state).unwrap();
    env.write(
        "asia/tea.txt",
        "Tea exports recover\n\nKenya sold more tea.\n",
    );
    env.ok(&["index"]);
    // A full disk part of the way through the output.
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(["export", "--format", "elasticsearch", "--since", "state"])
        .current_dir(env.dir.path())
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write the output"));
    assert_eq!(std::fs::read(&state).unwrap(), before);
    let leftovers = std::fs::read_dir(env.dir.path()).unwrap().count();
    assert_eq!(leftovers, 3, "corpus, index and state only");
    let retried = bulk(&env.ok(&["export", "--format", "elasticsearch", "--since", "state"]));
    assert_eq!(retried.len(), 1);
    assert_eq!(retried[0].1, "asia/tea.txt");
}

#[test]
fn an_output_file_is_replaced_whole() {
    let env = Env::indexed();
    let path = env.dir.path().join("out.ndjson");
    std::fs::write(&path, "old\n").unwrap();
    env.ok(&["export", "--format", "ndjson", "-o", "out.ndjson"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(lines(&text).len() as u64, docs(&env));
    // A failing export leaves it as it was.
    env.fails(&[
        "export",
        "--format",
        "ndjson",
        "-o",
        "out.ndjson",
        "--index",
        "none",
    ]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
}

#[test]
fn bad_states_and_options_are_refused_with_one_line() {
    let env = Env::indexed();
    env.ok(&["export", "--format", "ndjson", "--since", "ns"]);
    let err = env.fails(&["export", "--format", "elasticsearch", "--since", "ns"]);
    assert!(err.contains("not to elasticsearch"), "{err}");
    env.write("../junk", "hello\n");
    let err = env.fails(&["export", "--format", "ndjson", "--since", "junk"]);
    assert!(err.contains("not a gazette export state"), "{err}");
    assert_eq!(
        std::fs::read_to_string(env.dir.path().join("junk")).unwrap(),
        "hello\n"
    );
    let err = env.fails(&["export", "--format", "ndjson", "--deletes", "d"]);
    assert!(err.contains("--deletes is for --format quickwit"), "{err}");
    env.fails(&["export"]);
    env.fails(&[
        "export", "--format", "ndjson", "-o", "same", "--since", "same",
    ]);
}

#[test]
fn hostile_names_and_text_stay_valid_json() {
    let env = Env::new();
    env.write(
        "q\"uote\\d\n.txt",
        "---\ntitle: A \"quoted\" \u{1b}[31m title\nsource: \"wire\\\"\u{7}\n---\nBody with \u{1} \
         and \u{2028} and \"quotes\" in Paris.\n",
    );
    env.write_bytes(
        "bad-\u{e9}-\u{1}.txt",
        b"Caf\xe9 news\n\nLatin-1 text in 2023.\n",
    );
    std::fs::write(
        env.corpus()
            .join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"k\xffey.txt")),
        "Key news\n\nA key that is not UTF-8.\n",
    )
    .unwrap();
    env.ok(&["index"]);
    for format in ["elasticsearch", "quickwit", "ndjson"] {
        let out = env.ok(&["export", "--format", format]);
        let parsed = lines(&out);
        let paths: Vec<&str> = parsed.iter().filter_map(|l| l["path"].as_str()).collect();
        assert_eq!(paths.len(), 3, "{format}: {out}");
        // Keys escape a backslash as gazette does everywhere, so a key stays lossless.
        assert!(paths.contains(&"q\"uote\\\\d\n.txt"), "{paths:?}");
        let quoted = parsed
            .iter()
            .find(|l| {
                l["title"]
                    .as_str()
                    .is_some_and(|t| t.contains("\"quoted\""))
            })
            .unwrap();
        assert!(quoted["body"].as_str().unwrap().contains("\u{1}"));
        assert!(paths.contains(&"k\\xFFey.txt"), "{paths:?}");
    }
}

#[test]
fn the_elasticsearch_mapping_has_the_documented_types() {
    let env = Env::new();
    let mapping: Value =
        serde_json::from_str(&env.ok(&["export", "--mapping", "elasticsearch"])).unwrap();
    let fields = &mapping["mappings"]["properties"];
    for text in ["title", "body"] {
        assert_eq!(fields[text]["type"], "text");
        assert_eq!(fields[text]["analyzer"], "english");
    }
    for name in ["people", "places", "orgs", "countries"] {
        assert_eq!(fields[name]["type"], "keyword", "{name}");
        let normalizer = fields[name]["normalizer"].as_str().unwrap();
        let filters = &mapping["settings"]["analysis"]["normalizer"][normalizer]["filter"];
        assert_eq!(filters, &serde_json::json!(["lowercase", "asciifolding"]));
        assert_eq!(fields[name]["fields"]["raw"]["type"], "keyword");
    }
    assert_eq!(fields["published"]["type"], "date");
    assert_eq!(fields["dates"]["type"], "date_range");
    assert_eq!(fields["meta"]["type"], "flattened");
    assert_eq!(fields["path"]["type"], "keyword");
}

#[test]
fn the_quickwit_config_is_yaml_with_the_documented_fields() {
    let env = Env::new();
    let text = env.ok(&["export", "--mapping", "quickwit"]);
    let config: Value = serde_norway::from_str(&text).unwrap();
    assert_eq!(config["version"].to_string(), "0.9");
    let mapping = &config["doc_mapping"];
    assert!(mapping.get("timestamp_field").is_none());
    assert!(config.get("timestamp_field").is_none());
    let fields: Vec<&Value> = mapping["field_mappings"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    let field = |name: &str| *fields.iter().find(|f| f["name"] == name).unwrap();
    for text in ["title", "body"] {
        assert_eq!(field(text)["type"], "text");
        assert_eq!(field(text)["record"], "position");
    }
    for name in ["people", "places", "orgs", "countries"] {
        assert_eq!(field(name)["type"], "array<text>");
        assert_eq!(field(name)["record"], "position");
    }
    assert_eq!(field("path")["tokenizer"], "raw");
    assert_eq!(field("published")["type"], "datetime");
    assert_eq!(field("dates")["type"], "array<datetime>");
    assert_eq!(field("meta")["type"], "json");
    let search = &config["search_settings"]["default_search_fields"];
    assert!(search.as_array().unwrap().contains(&"body".into()));
    // Every field a document has is mapped.
    env.write("a.txt", "News\n\nMacron was in Paris in May 2023.\n");
    env.ok(&["index"]);
    let doc = &lines(&env.ok(&["export", "--format", "quickwit"]))[0];
    for key in doc.as_object().unwrap().keys() {
        assert!(fields.iter().any(|f| f["name"] == key.as_str()), "{key}");
    }
}

#[test]
fn the_dates_timeline_counts_an_article_once_per_period_it_mentions() {
    let env = Env::new();
    env.write(
        "a.txt",
        "One\n\nTalks in May 2023, again on 3 May 2023 and in 2021.\n",
    );
    env.write("b.txt", "Two\n\nTalks resumed on 4 May 2023.\n");
    env.write("c.txt", "Three\n\nTalks with no date at all.\n");
    env.ok(&["index"]);
    let results = env.json(&["search", "talks", "--timeline", "dates", "--by", "year"]);
    let timeline = &results["timeline"];
    assert_eq!(timeline["field"], "dates");
    assert_eq!(timeline["undated"], 1);
    let buckets = timeline["buckets"].as_array().unwrap();
    let count = |period: &str| {
        buckets
            .iter()
            .find(|b| b["period"] == period)
            .map(|b| b["count"].as_u64().unwrap())
    };
    assert_eq!(
        (count("2021"), count("2022"), count("2023")),
        (Some(1), Some(0), Some(2))
    );
    let by_month = env.json(&["search", "talks", "--timeline", "dates", "--by", "month"]);
    let months = by_month["timeline"]["buckets"].as_array().unwrap();
    let may = months.iter().find(|b| b["period"] == "2023-05").unwrap();
    assert_eq!(may["count"], 2, "a.txt counts once in May 2023");
    // Left to the span (January 2021 to May 2023, under four years), the period is the month.
    let chosen = env.json(&["search", "talks", "--timeline", "dates"]);
    assert_eq!(chosen["timeline"], by_month["timeline"]);
    let human = env.ok(&["search", "talks", "--timeline", "dates"]);
    assert!(human.contains("timeline of mentioned dates"), "{human}");
}

#[test]
fn a_timeline_counts_only_the_articles_with_every_word() {
    let env = Env::new();
    env.write(
        "a.txt",
        "---\ndate: 2023-01-05\n---\nTea and coffee\n\nBoth.\n",
    );
    env.write(
        "b.txt",
        "---\ndate: 2022-01-05\n---\nTea alone\n\nOnly one.\n",
    );
    env.write("c.txt", "Coffee alone\n\nUndated.\n");
    env.ok(&["index"]);
    for field in ["published", "dates"] {
        let results = env.json(&[
            "search",
            "tea",
            "coffee",
            "--timeline",
            field,
            "--by",
            "year",
        ]);
        assert_eq!(results["matched"], "partial");
        assert_eq!(results["total"], 3);
        let timeline = &results["timeline"];
        let counted: u64 = timeline["buckets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum();
        let undated = timeline["undated"].as_u64().unwrap();
        assert_eq!(counted + undated, 1, "{field}: {timeline}");
    }
}
