//! Precision where readers look: `stats --top N`, the archive's vote on each name's kind,
//! organisations' acronyms in queries, and demonyms naming the right country.

use serde_json::Value;

use crate::Env;

const CHRYSLER: &str = "Car sales\n\nChrysler Corp said on Monday that sales rose. Analysts said Chrysler would gain.\n";
const OSCAR: &str =
    "Film awards\n\nThe film won an Oscar in Los Angeles. Oscar winners met the press on Sunday.\n";

fn names(list: &Value) -> Vec<(String, u64)> {
    (list.as_array().unwrap().iter())
        .map(|f| {
            (
                f["name"].as_str().unwrap().to_string(),
                f["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn named(list: &Value, name: &str) -> Option<u64> {
    names(list)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, c)| c)
}

/// Stats and facets of the archive, minus what differs between two index folders.
fn seen(env: &Env, index: &str) -> (Value, Value) {
    let mut stats = env.json(&["stats", "--index", index]);
    stats.as_object_mut().unwrap().remove("corpus");
    let found = env.json(&["search", "--index", index, "sales", "--facets"]);
    // Hits of equal score come in either order; the counts must agree.
    (stats, found["facets"].clone())
}

#[test]
fn stats_lists_as_many_names_as_asked() {
    let env = Env::new();
    let people = [
        "Alice Archer",
        "Bruno Baker",
        "Carla Cooper",
        "Dmitri Dawson",
        "Elena Ellis",
        "Felix Fisher",
        "Greta Garner",
        "Hugo Hughes",
        "Irene Ingram",
        "Jonas Jensen",
        "Karin Keller",
        "Lucas Larsen",
    ];
    for (i, person) in people.iter().enumerate() {
        env.write(
            &format!("a{i}.txt"),
            &format!("Talks\n\n{person} said on Monday that talks in Paris went well.\n"),
        );
    }
    env.ok(&["index"]);
    let counted = |stats: &Value| names(&stats["people"]).len();
    assert_eq!(counted(&env.json(&["stats"])), 10);
    assert_eq!(counted(&env.json(&["stats", "--top", "12"])), 12);
    assert_eq!(counted(&env.json(&["stats", "--top", "3"])), 3);
    let human = env.ok(&["stats", "--top", "11"]);
    let line = human.lines().find(|l| l.starts_with("people:")).unwrap();
    assert_eq!(line.matches(" (1)").count(), 11, "{line}");
    let err = env.fails(&["stats", "--top", "0"]);
    assert!(err.contains("--top"), "{err}");
}

#[test]
fn a_company_the_tagger_calls_a_person_is_counted_as_an_organisation() {
    let env = Env::new();
    for n in 0..10 {
        env.write(&format!("car{n}.txt"), CHRYSLER);
    }
    env.ok(&["index"]);
    let article = env.ok(&["extract", "--json", "corpus/car0.txt"]);
    let article: Value = serde_json::from_str(&article).unwrap();
    // What the tagger does on its own, which the archive corrects.
    assert!(article["people"].to_string().contains("\"Chrysler\""));
    let stats = env.json(&["stats"]);
    assert_eq!(named(&stats["people"], "Chrysler"), None, "{stats}");
    assert_eq!(named(&stats["orgs"], "Chrysler"), Some(10), "{stats}");
    assert_eq!(named(&stats["orgs"], "Chrysler Corp"), Some(10), "{stats}");
    let found = env.json(&["search", "sales", "--facets"]);
    assert_eq!(named(&found["facets"]["people"], "Chrysler"), None);
    assert_eq!(named(&found["facets"]["orgs"], "Chrysler"), Some(10));
    assert!(env.hits("people:Chrysler", &[]).is_empty());
    assert_eq!(env.hits("orgs:Chrysler", &[]).len(), 10);
}

#[test]
fn a_lone_word_naming_no_one_else_is_not_counted_as_a_person() {
    let env = Env::new();
    for n in 0..10 {
        env.write(&format!("film{n}.txt"), OSCAR);
    }
    env.ok(&["index"]);
    let article = env.ok(&["extract", "--json", "corpus/film0.txt"]);
    assert!(article.contains("\"name\":\"Oscar\""), "{article}");
    let stats = env.json(&["stats"]);
    assert_eq!(named(&stats["people"], "Oscar"), None, "{stats}");
    assert!(env.hits("people:Oscar", &[]).is_empty());
    assert_eq!(env.hits("Oscar", &[]).len(), 10);
}

#[test]
fn the_vote_under_incremental_runs_answers_as_a_rebuild() {
    let env = Env::new();
    for n in 0..9 {
        env.write(&format!("car{n}.txt"), CHRYSLER);
    }
    env.ok(&["index"]);
    // Nine articles are too few to be voted on: the tagger's person stands.
    let stats = env.json(&["stats"]);
    assert_eq!(named(&stats["people"], "Chrysler"), Some(9), "{stats}");
    env.write("car9.txt", CHRYSLER);
    env.ok(&["index"]);
    env.ok(&["index", "--index", "fresh"]);
    let (incremental, fresh) = (seen(&env, "index"), seen(&env, "fresh"));
    assert_eq!(incremental, fresh);
    assert_eq!(named(&incremental.0["people"], "Chrysler"), None);
    assert_eq!(named(&incremental.0["orgs"], "Chrysler"), Some(10));
    // And back when the tenth goes.
    std::fs::remove_file(env.corpus().join("car9.txt")).unwrap();
    env.ok(&["index"]);
    let stats = env.json(&["stats"]);
    assert_eq!(named(&stats["people"], "Chrysler"), Some(9), "{stats}");
}

#[test]
fn an_acronym_finds_the_articles_that_spell_the_organisation_out_and_back() {
    let env = Env::new();
    for n in 0..3 {
        env.write(
            &format!("full{n}.txt"),
            "Safety review\n\nThe Federal Aviation Administration said on Monday that it would review the engines.\n",
        );
    }
    env.write(
        "short.txt",
        "Engines\n\nThe FAA ordered checks of the engines on Tuesday, officials said.\n",
    );
    env.ok(&["index"]);
    let mut both = env.hits("orgs:FAA", &[]);
    both.sort();
    assert_eq!(both, ["full0.txt", "full1.txt", "full2.txt", "short.txt"]);
    let mut back = env.hits("orgs:\"Federal Aviation Administration\"", &[]);
    back.sort();
    assert_eq!(back, both);
    // An acronym nothing in the archive spells out finds only itself.
    assert!(env.hits("orgs:NTSB", &[]).is_empty());
}

#[test]
fn demonyms_name_their_own_country() {
    let env = Env::new();
    env.write(
        "envoys.txt",
        "Envoys\n\nThai, Swiss, Mauritian, Tuvaluan, Dominican, Breton, Taiwanese, Austrian, \
         Australian, Nigerien, Nigerian and English envoys met on Monday.\n",
    );
    let out = env.ok(&["extract", "--json", "corpus/envoys.txt"]);
    let article: Value = serde_json::from_str(&out).unwrap();
    let codes: Vec<&str> = (article["countries"].as_array().unwrap().iter())
        .map(|c| c.as_str().unwrap())
        .collect();
    for cc in [
        "TH", "CH", "MU", "TV", "DO", "FR", "TW", "AT", "AU", "NE", "NG", "GB",
    ] {
        assert!(codes.contains(&cc), "{cc} missing from {codes:?}");
    }
    for wrong in ["SZ", "MR", "DM", "UK"] {
        assert!(!codes.contains(&wrong), "{wrong} in {codes:?}");
    }
    assert_eq!(codes.len(), 12, "{codes:?}");
}

#[test]
fn a_full_name_never_shortened_and_an_acronym_used_as_a_plural_are_not_counted() {
    let env = Env::new();
    for n in 0..10 {
        env.write(
            &format!("film{n}.txt"),
            "Film\n\nVera Drake won praise at the festival on Sunday. Critics said Vera Drake was the best film.\n",
        );
        env.write(
            &format!("sales{n}.txt"),
            "Sales\n\nSales of the PC rose on Monday, and makers said PCs would get cheaper.\n",
        );
        // A person the articles shorten stays one.
        env.write(
            &format!("talks{n}.txt"),
            "Talks\n\nGordon Brown said on Monday that talks went well. Mr Brown spoke in London.\n",
        );
        // Never shortened either, but other people share the given name: a person still.
        env.write(
            &format!("past{n}.txt"),
            "Looking back\n\nThe reforms of Margaret Thatcher were recalled in London on Monday.\n",
        );
    }
    for n in 0..3 {
        env.write(
            &format!("minister{n}.txt"),
            "Minister\n\nMargaret Hodge said on Monday that the plan would work. Mrs Hodge spoke in London.\n",
        );
    }
    env.ok(&["index"]);
    let film = env.ok(&["extract", "--json", "corpus/film0.txt"]);
    assert!(film.contains("\"name\":\"Vera Drake\""), "{film}");
    let sales = env.ok(&["extract", "--json", "corpus/sales0.txt"]);
    assert!(sales.contains("\"name\":\"PC\""), "{sales}");
    let stats = env.json(&["stats"]);
    assert_eq!(named(&stats["people"], "Vera Drake"), None, "{stats}");
    assert_eq!(named(&stats["orgs"], "PC"), None, "{stats}");
    assert_eq!(named(&stats["people"], "Gordon Brown"), Some(10), "{stats}");
    assert_eq!(
        named(&stats["people"], "Margaret Thatcher"),
        Some(10),
        "{stats}"
    );
    assert_eq!(env.hits("people:\"Margaret Thatcher\"", &[]).len(), 10);
    assert!(env.hits("people:\"Vera Drake\"", &[]).is_empty());
    assert!(env.hits("orgs:PC", &[]).is_empty());
    assert_eq!(env.hits("\"Vera Drake\"", &[]).len(), 10);
}
