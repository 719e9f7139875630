//! Places and countries as search sees them: ambiguous names read in the article's country,
//! former states, and demonyms in queries.

use crate::Env;

/// The sources of each hit's explanation of `query`, first hit first.
fn explained(env: &Env, query: &str) -> Vec<Vec<String>> {
    let results = env.json(&["search", query, "--explain"]);
    let hits = results["hits"].as_array().unwrap().iter();
    hits.map(|hit| {
        let parts = hit["explanation"].as_array().unwrap().iter();
        parts
            .map(|p| p["source"].as_str().unwrap().to_string())
            .collect()
    })
    .collect()
}

#[test]
fn a_former_state_and_its_demonym_name_the_continuing_state() {
    let env = Env::new();
    env.write(
        "ussr.txt",
        "Grain sales\n\nThe Soviet Union bought U.S. corn, trade officials in the USSR said.\n",
    );
    env.write(
        "bonn.txt",
        "Bonds firm\n\nWest German bonds firmed, dealers in Frankfurt said.\n",
    );
    env.ok(&["index"]);
    assert_eq!(env.hits("countries:ru", &[]), ["ussr.txt"]);
    assert_eq!(env.hits("countries:de", &[]), ["bonn.txt"]);
    // The place keeps its own name.
    assert_eq!(env.hits("places:\"Soviet Union\"", &[]), ["ussr.txt"]);
    // A demonym in a query names its country, not the places whose names hold the word.
    let sources = explained(&env, "Soviet corn");
    assert!(
        sources[0].iter().any(|s| s == "countries:RU"),
        "{sources:?}"
    );
    assert!(
        !sources[0].iter().any(|s| s.starts_with("places:")),
        "{sources:?}"
    );
}

#[test]
fn an_ambiguous_place_is_read_in_the_country_its_neighbours_name() {
    let env = Env::new();
    env.write(
        "harvest.txt",
        "Harvest report\n\nRain fell in Buenos Aires, Cordoba, Santa Fe and Entre Rios on Monday.\n",
    );
    env.ok(&["index"]);
    assert_eq!(env.hits("countries:ar", &[]), ["harvest.txt"]);
    assert!(env.hits("countries:br", &[]).is_empty());
}
