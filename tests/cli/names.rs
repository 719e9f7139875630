//! Names across the archive: short forms credited to the dominant full name, exactly under
//! incremental runs, and the alias file.

use serde_json::Value;

use crate::Env;

const TONY: &str =
    "Prime Minister Tony Blair said on Monday that the government would invest in schools.";
const MR_BLAIR: &str = "Mr Blair told reporters in London that he would not resign. Mr Blair was speaking after talks with Gordon Brown.";
const IAN: &str = "Metropolitan Police Commissioner Ian Blair said on Friday that crime had fallen. Ian Blair spoke in London.";
const OSCAR: &str = "The film won an Oscar in Los Angeles. Oscar winners met Tony Blair in Brent.";

/// Three articles naming Tony Blair, one Cherie Blair, and one saying only `Mr Blair`.
fn blairs() -> Env {
    let env = Env::new();
    for n in 1..=3 {
        env.write(&format!("tony{n}.txt"), &format!("Tony {n}\n\n{TONY}\n"));
    }
    env.write(
        "cherie.txt",
        "Cherie\n\nCherie Blair published a book on Tuesday in London.\n",
    );
    env.write("mr.txt", &format!("Mr Blair\n\n{MR_BLAIR}\n"));
    env.ok(&["index"]);
    env
}

/// Name and count of each entry of a list of counted names.
fn counted(list: &Value) -> Vec<(String, u64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let name = f["name"].as_str().unwrap().to_string();
            (name, f["count"].as_u64().unwrap())
        })
        .collect()
}

fn facet(results: &Value, kind: &str) -> Vec<(String, u64)> {
    counted(&results["facets"][kind])
}

fn top(stats: &Value, kind: &str) -> Vec<(String, u64)> {
    counted(&stats[kind])
}

fn count(list: &[(String, u64)], name: &str) -> Option<u64> {
    list.iter().find(|(n, _)| n == name).map(|(_, c)| *c)
}

fn sorted(mut hits: Vec<String>) -> Vec<String> {
    hits.sort();
    hits
}

#[test]
fn mr_blair_is_credited_to_the_dominant_full_name() {
    let env = blairs();
    let results = env.json(&["search", "people:Blair", "--facets"]);
    let people = facet(&results, "people");
    assert_eq!(count(&people, "Tony Blair"), Some(4), "{people:?}");
    assert_eq!(count(&people, "Cherie Blair"), Some(1), "{people:?}");
    assert_eq!(count(&people, "Blair"), None, "{people:?}");
    assert_eq!(
        sorted(env.hits("people:\"Tony Blair\"", &[])),
        ["mr.txt", "tony1.txt", "tony2.txt", "tony3.txt"]
    );
    assert_eq!(env.hits("people:\"Cherie Blair\"", &[]), ["cherie.txt"]);
    // `names:` asks for a name exactly as extracted, before crediting.
    assert_eq!(
        sorted(env.hits("names:\"people:Tony Blair\"", &[])),
        ["tony1.txt", "tony2.txt", "tony3.txt"]
    );
    assert_eq!(env.hits("names : \"people:Blair\"", &[]), ["mr.txt"]);
    assert_eq!(env.hits("names:\"places:Tony Blair\"", &[]), [""; 0]);
    let hit = &env.json(&["search", "resign"])["hits"][0];
    assert_eq!(
        hit["people"],
        serde_json::json!(["Tony Blair", "Gordon Brown"])
    );
    let stats = env.json(&["stats"]);
    assert_eq!(count(&top(&stats, "people"), "Tony Blair"), Some(4));
    // extract shows what the article says.
    let extracted = env.json(&["extract", "corpus/mr.txt"]);
    assert_eq!(extracted["people"][0]["name"], "Blair");
    assert_eq!(extracted["people"][0]["mentions"][0]["text"], "Blair");
}

#[test]
fn a_second_frequent_full_name_unlinks_the_surname_as_a_rebuild_would() {
    let env = blairs();
    for n in 1..=2 {
        env.write(&format!("ian{n}.txt"), &format!("Ian {n}\n\n{IAN}\n"));
    }
    env.ok(&["index"]);
    env.ok(&["index", "--rebuild", "--index", "rebuilt"]);
    let views = |index: &str| {
        let results = env.json(&["search", "people:Blair", "--facets", "--index", index]);
        let stats = env.json(&["stats", "--index", index]);
        let tony = sorted(env.hits("people:\"Tony Blair\"", &["--index", index]));
        (facet(&results, "people"), top(&stats, "people"), tony)
    };
    let (facets, stats, tony) = views("index");
    assert_eq!(
        (facets.clone(), stats.clone(), tony.clone()),
        views("rebuilt")
    );
    // The table the index run saved answers as one worked out afresh.
    assert!(env.dir.path().join("index/names.json").is_file());
    std::fs::remove_file(env.dir.path().join("index/names.json")).unwrap();
    assert_eq!(
        (facets.clone(), stats.clone(), tony.clone()),
        views("index")
    );
    // Tony Blair 3, Ian Blair 2: `Blair` alone is no longer anyone's.
    assert_eq!(count(&facets, "Blair"), Some(1), "{facets:?}");
    assert_eq!(count(&facets, "Tony Blair"), Some(3), "{facets:?}");
    assert_eq!(count(&stats, "Ian Blair"), Some(2), "{stats:?}");
    assert_eq!(tony, ["tony1.txt", "tony2.txt", "tony3.txt"]);
    // Removed again, incrementally: Mr Blair is Tony Blair's once more.
    for n in 1..=2 {
        std::fs::remove_file(env.corpus().join(format!("ian{n}.txt"))).unwrap();
    }
    env.ok(&["index"]);
    let (facets, _, tony) = views("index");
    assert_eq!(count(&facets, "Tony Blair"), Some(4), "{facets:?}");
    assert_eq!(tony.len(), 4);
}

const ALIASES: &str = r#"# Corrections to the names gazette found.
[people]
"Oscar" = "hide"
"Anthony Blair" = { merge = "Tony Blair" }

[places]
"Brent" = { move = "orgs" }
"Los Angeles" = { rename = "LA" }
"London" = { move = "people" }
"#;

#[test]
fn each_alias_action_takes_effect_on_the_next_index_without_rebuild() {
    let env = blairs();
    env.write("oscar.txt", &format!("Oscar\n\n{OSCAR}\n"));
    env.write(
        "two.txt",
        "Two Blairs\n\nAnthony Blair, as the papers call him, met Tony Blair on Monday.\n",
    );
    env.ok(&["index"]);
    assert_eq!(env.hits("people:Oscar", &[]), ["oscar.txt"]);
    std::fs::write(env.dir.path().join("aliases.toml"), ALIASES).unwrap();
    // Not yet: searches go by the file the last index run recorded.
    assert_eq!(env.hits("people:Oscar", &[]), ["oscar.txt"]);
    let summary = env.json(&["index"]);
    assert_eq!(summary["added"], 0, "{summary}");

    let stats = env.json(&["stats"]);
    let (people, places) = (top(&stats, "people"), top(&stats, "places"));
    assert_eq!(count(&people, "Oscar"), None, "hidden: {people:?}");
    assert!(env.hits("people:Oscar", &[]).is_empty());
    // Merged, and counted once in the article naming both.
    assert_eq!(count(&people, "Anthony Blair"), None, "{people:?}");
    assert_eq!(count(&people, "Tony Blair"), Some(6), "{people:?}");
    assert!(
        env.hits("people:\"Tony Blair\"", &[])
            .contains(&"two.txt".to_string())
    );
    // Moved to a kind this build does not store, renamed, moved to people.
    assert_eq!(count(&places, "Brent"), None, "{places:?}");
    assert!(env.hits("places:Brent", &[]).is_empty());
    assert_eq!(count(&places, "LA"), Some(1), "{places:?}");
    assert_eq!(env.hits("places:LA", &[]), ["oscar.txt"]);
    assert_eq!(count(&places, "London"), None, "{places:?}");
    assert_eq!(count(&people, "London"), Some(2), "{people:?}");
    let hit = &env.json(&["search", "film"])["hits"][0];
    assert_eq!(hit["people"], serde_json::json!(["Tony Blair"]));
    assert_eq!(hit["places"], serde_json::json!(["LA"]));

    // extract goes by the working folder's file: the names change, the mentions do not.
    let extracted = env.json(&["extract", "corpus/oscar.txt"]);
    let people: Vec<&str> = extracted["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(people, ["Tony Blair"]);
    assert_eq!(extracted["places"][0]["name"], "LA");
    assert_eq!(extracted["places"][0]["mentions"][0]["text"], "Los Angeles");

    // --aliases on a search replaces the recorded file; removing the file undoes it all.
    std::fs::write(env.dir.path().join("none.toml"), "").unwrap();
    assert_eq!(
        env.hits("people:Oscar", &["--aliases", "none.toml"]),
        ["oscar.txt"]
    );
    std::fs::remove_file(env.dir.path().join("aliases.toml")).unwrap();
    env.ok(&["index"]);
    assert_eq!(env.hits("people:Oscar", &[]), ["oscar.txt"]);
}

#[test]
fn a_malformed_alias_file_is_refused_on_its_line_and_the_index_is_left_alone() {
    let env = blairs();
    std::fs::write(env.dir.path().join("aliases.toml"), ALIASES).unwrap();
    env.ok(&["index"]);
    let before = env.json(&["stats"]);
    let recorded = std::fs::read_to_string(env.dir.path().join("index/aliases.toml")).unwrap();
    env.write("new.txt", &format!("New\n\n{IAN}\n"));
    for (text, line, says) in [
        ("[people]\n\"Oscar\" = hide\n", 2, "TOML"),
        (
            "[people]\n\"A\" = \"hide\"\n\n[companies]\n",
            4,
            "companies",
        ),
        ("[places]\n\"Brent\" = { move = \"firms\" }\n", 2, "firms"),
        (
            "[people]\n\"Blair\" = { merge = \"Blair\" }\n",
            2,
            "names itself",
        ),
        (
            "[people]\n\"A\" = { merge = \"B\" }\n\"B\" = { rename = \"C\" }\n",
            2,
            "line 3",
        ),
    ] {
        std::fs::write(env.dir.path().join("aliases.toml"), text).unwrap();
        let err = env.fails(&["index"]);
        assert!(err.contains(&format!("line {line}:")), "{text}: {err}");
        assert!(err.contains(says), "{text}: {err}");
        assert!(err.contains("aliases.toml"), "{err}");
        // The same refusal from the other commands that read the file.
        env.fails(&["extract", "corpus/new.txt"]);
        env.fails(&["search", "blair", "--aliases", "aliases.toml"]);
    }
    assert_eq!(env.json(&["stats"]), before);
    let still = std::fs::read_to_string(env.dir.path().join("index/aliases.toml")).unwrap();
    assert_eq!(still, recorded);
}

#[test]
fn hostile_names_in_the_alias_file_are_only_names() {
    let env = blairs();
    let hostile = r#"[people]
'Tony" OR body:x \' = { merge = "Gordon Brown" }
"<script>alert(1)</script>" = { merge = "Gordon Brown" }
"Tony Blair" = { rename = "Tony \"T\\B\" Blair" }
"#;
    std::fs::write(env.dir.path().join("aliases.toml"), hostile).unwrap();
    env.ok(&["index"]);
    let renamed = "Tony \"T\\B\" Blair";
    let results = env.json(&["search", "people:Blair", "--facets"]);
    assert_eq!(count(&facet(&results, "people"), renamed), Some(4));
    assert_eq!(
        env.hits("people:\"Tony \\\"T\\\\B\\\" Blair\"", &[]).len(),
        4
    );
    assert_eq!(env.hits("people:\"Gordon Brown\"", &[]), ["mr.txt"]);
    let human = env.ok(&["stats"]);
    assert!(human.contains("Blair"), "{human}");
    // A control character in a name is refused, not shown.
    std::fs::write(
        env.dir.path().join("aliases.toml"),
        "[people]\n\"A\\u001b[31m\" = \"hide\"\n",
    )
    .unwrap();
    assert!(env.fails(&["index"]).contains("line 2:"));
}
