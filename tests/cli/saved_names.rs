//! The name book saved by an index run: a page of hits looks its names up in the saved file,
//! and answers as a book worked out afresh.

use serde_json::Value;

use crate::Env;

const TONY: &str =
    "Prime Minister Tony Blair said on Monday that the government would invest in schools.";
const MR_BLAIR: &str = "Mr Blair told reporters in London that he would not resign. Mr Blair was speaking after talks with Gordon Brown.";

/// Each hit's path and the names it shows.
fn shown(results: &Value) -> Vec<(String, Value, Value, Value)> {
    let hits = results["hits"].as_array().unwrap();
    hits.iter()
        .map(|h| {
            let path = h["path"].as_str().unwrap().to_string();
            (
                path,
                h["people"].clone(),
                h["places"].clone(),
                h["orgs"].clone(),
            )
        })
        .collect()
}

#[test]
fn hits_show_the_same_names_read_from_the_saved_book_as_worked_out_afresh() {
    let env = Env::new();
    for n in 1..=3 {
        env.write(&format!("tony{n}.txt"), &format!("Tony {n}\n\n{TONY}\n"));
    }
    env.write("mr.txt", &format!("Mr Blair\n\n{MR_BLAIR}\n"));
    env.write(
        "quoted.txt",
        "Quoted\n\nJohn \"Jack\" O'Brien\\ met Mr Blair in London on Monday.\n",
    );
    env.ok(&["index"]);
    let saved = env.dir.path().join("index/names.json");
    let text = std::fs::read_to_string(&saved).unwrap();
    let header: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["sections"].as_array().map(Vec::len), Some(4));
    let queries = ["Blair", "London", "people:\"Tony Blair\""];
    let from_saved: Vec<_> = (queries.iter())
        .map(|q| shown(&env.json(&["search", q, "--limit", "20"])))
        .collect();
    // `Mr Blair` is shown as the archive's Tony Blair, read from the saved links.
    let mr = (from_saved[0].iter())
        .find(|h| h.0.ends_with("mr.txt"))
        .unwrap();
    assert_eq!(mr.1, serde_json::json!(["Tony Blair", "Gordon Brown"]));
    // A file this gazette cannot read, or none, is worked out again with the same answers.
    for replaced in [Some("{\"stamp\":1,\"votes\":[]}"), None] {
        match replaced {
            Some(old) => std::fs::write(&saved, old).unwrap(),
            None => std::fs::remove_file(&saved).unwrap(),
        }
        let afresh: Vec<_> = (queries.iter())
            .map(|q| shown(&env.json(&["search", q, "--limit", "20"])))
            .collect();
        assert_eq!(from_saved, afresh);
    }
}
