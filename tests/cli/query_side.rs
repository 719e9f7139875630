//! How a plain query's words are read: a country named by its name weighs as by its demonym,
//! and feedback adds no calendar words.

use serde_json::Value;

use crate::Env;

/// The sources of the first hit's explained score parts.
fn first_sources(results: &Value) -> Vec<String> {
    results["hits"][0]["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["source"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_country_name_counts_its_country_once_as_its_demonym_does() {
    let env = Env::new();
    env.write(
        "uk.txt",
        "Banks in Britain raise rates\n\nBanks in Britain raised lending rates, the \
         British Bankers Association said. Britain expects a slow year.\n",
    );
    env.write(
        "kenya.txt",
        "Kenyan banks grow\n\nBanks in Nairobi grew their lending, Kenyan officials said.\n",
    );
    env.ok(&["index"]);
    let by_name = env.json(&["search", "Britain banks", "--explain"]);
    let by_demonym = env.json(&["search", "British banks", "--explain"]);
    for results in [&by_name, &by_demonym] {
        assert_eq!(results["hits"][0]["path"], "corpus/uk.txt", "{results}");
        let sources = first_sources(results);
        assert!(sources.contains(&"countries:GB".to_string()), "{sources:?}");
        // The article is tagged with the place United Kingdom too, but that is the same
        // country: no second entity part for it.
        assert!(
            !sources.iter().any(|s| s.starts_with("places:")),
            "{sources:?}"
        );
    }
    let entity = |results: &Value| {
        let parts = results["hits"][0]["explanation"]
            .as_array()
            .unwrap()
            .clone();
        let entities: Vec<f64> = (parts.iter())
            .filter(|p| p["entity"] == true)
            .map(|p| p["score"].as_f64().unwrap())
            .collect();
        entities.iter().sum::<f64>()
    };
    assert!(entity(&by_name) > 0.0);
    assert!((entity(&by_name) - entity(&by_demonym)).abs() < 1e-4);
    // A place that is not a country keeps its own clause.
    let city = env.json(&["search", "Nairobi banks", "--explain"]);
    assert_eq!(city["hits"][0]["path"], "corpus/kenya.txt", "{city}");
    let sources = first_sources(&city);
    assert!(
        sources.contains(&"places:\"Nairobi\"".to_string()),
        "{sources:?}"
    );
}

#[test]
fn feedback_adds_no_month_or_weekday() {
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
                "Cocoa harvest in {place}\n\n{place}, January 12, Monday - The cocoa harvest \
                 was late. Grinders bought fewer beans and the midcrop looked small, exporters \
                 said. Shipments for March and Sept were delayed.\n"
            ),
        );
    }
    env.write(
        "beans.txt",
        "Midcrop beans scarce\n\nGrinders found few beans from the midcrop; exporters \
         blamed the weather.\n",
    );
    // The calendar words of the cocoa reports, and nothing of their topic.
    env.write(
        "calendar.txt",
        "Holiday dates\n\nOffices close Monday, January 12; March; Sept.\n",
    );
    env.ok(&["index"]);
    let hits = env.hits("cocoa", &[]);
    // Feedback still finds the article on the topic without the word.
    assert!(hits.contains(&"beans.txt".to_string()), "{hits:?}");
    assert!(!hits.contains(&"calendar.txt".to_string()), "{hits:?}");
}
