//! Organisations end to end: extracted with their mentions, indexed under one canonical
//! name, searchable by field and by default, counted in facets and stats.

use serde_json::Value;

use crate::{Env, SEED};

const OIL: &str = "Oil output cut\n\nThe Organization of the Petroleum Exporting Countries met \
                   in Vienna on Monday. OPEC ministers agreed to cut output, and Saudi Arabia \
                   backed the plan.\n";
const EURO: &str = "Trade talks resume\n\nEU officials said on Tuesday that trade talks with \
                    Japan would resume. Delegates of Opec \
                    attended. The International Monetary \
                    Fund (IMF) said growth would slow; the IMF cut its forecast.\n";

fn env() -> Env {
    let env = Env::new();
    env.write("oil.txt", OIL);
    env.write("euro.txt", EURO);
    env.ok(&["index"]);
    env
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect()
}

#[test]
fn extract_gives_orgs_with_mentions_as_people_have_them() {
    let env = env();
    let out = env.ok(&["extract", "--json", "corpus/euro.txt"]);
    let article: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    let orgs = &article["orgs"];
    let found = names(orgs);
    assert!(found.contains(&"European Union"), "{orgs}");
    assert!(found.contains(&"OPEC"), "{orgs}");
    // The acronym the article spells out is the same organisation as its full name.
    let imf: Vec<&Value> = orgs
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["name"] == "International Monetary Fund")
        .collect();
    assert_eq!(imf.len(), 1, "{orgs}");
    let texts: Vec<&str> = imf[0]["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let (s, e) = (m["start"].as_u64().unwrap(), m["end"].as_u64().unwrap());
            assert_eq!(&EURO[s as usize..e as usize], m["text"].as_str().unwrap());
            m["text"].as_str().unwrap()
        })
        .collect();
    assert_eq!(texts, ["International Monetary Fund", "IMF", "IMF"]);
}

#[test]
fn orgs_field_finds_every_spelling_and_plain_words_search_it() {
    let env = env();
    let mut both = env.hits("orgs:Opec", &[]);
    both.sort();
    assert_eq!(both, ["euro.txt", "oil.txt"]);
    assert_eq!(env.hits("orgs:\"European Union\"", &[]), ["euro.txt"]);
    // Organisations are searched by default: the article says only `EU`.
    assert_eq!(env.hits("\"European Union\"", &[]), ["euro.txt"]);
    let results = env.json(&["search", "orgs:OPEC"]);
    for hit in results["hits"].as_array().unwrap() {
        assert!(
            hit["orgs"]
                .as_array()
                .unwrap()
                .contains(&Value::from("OPEC")),
            "{hit}"
        );
    }
}

#[test]
fn facets_and_stats_count_orgs_once_per_article() {
    let env = env();
    let results = env.json(&["search", "talks OR output", "--facets"]);
    let opec = &results["facets"]["orgs"][0];
    assert_eq!(*opec, serde_json::json!({"name": "OPEC", "count": 2}));
    let stats = env.json(&["stats"]);
    assert_eq!(stats["orgs"][0], *opec);
    let human = env.ok(&["stats"]);
    assert!(human.contains("OPEC"), "{human}");
    let hits = env.ok(&["search", "orgs:\"International Monetary Fund\""]);
    assert!(hits.contains("orgs: "), "{hits}");
}

#[test]
fn the_seed_article_names_its_organisations() {
    let env = Env::indexed();
    let out = env.ok(&["extract", "--json", &format!("corpus/{SEED}")]);
    let article: Value = serde_json::from_str(&out).unwrap();
    let found = names(&article["orgs"]);
    for name in [
        "Central Committee",
        "Workers\u{2019} Party of Korea",
        "National Intelligence Service",
        "United Nations",
        "Hamas",
        "KCNA",
    ] {
        assert!(found.contains(&name), "{name} not in {found:?}");
    }
    assert_eq!(
        env.hits("orgs:\"National Intelligence Service\"", &[]),
        [SEED]
    );
}
