//! The lighter length normalisation of body words when feedback reorders the first articles.

use serde_json::Value;

use crate::Env;

/// The body-length part of a hit's explanation, and the sum of all its parts.
fn body_length(hit: &Value) -> (Option<f64>, f64) {
    let parts = hit["explanation"].as_array().unwrap();
    let part = |p: &Value| p["score"].as_f64().unwrap();
    let length = (parts.iter())
        .find(|p| p["source"] == "body length")
        .map(part);
    (length, parts.iter().map(part).sum())
}

#[test]
fn long_articles_gain_short_ones_lose_and_the_parts_still_add_up() {
    let env = Env::new();
    env.write(
        "short.txt",
        "Harvest notes\n\nCocoa arrivals were late, grinders said.\n",
    );
    env.write(
        "long.txt",
        "Harvest report\n\nCocoa arrivals at the ports were late this week, grinders and \
         exporters said, as rain slowed the roads from the growing areas. Arrivals of cocoa \
         since the start of the season were below those of a year earlier, and grinders \
         expect the midcrop to be small. Exporters said beans from the midcrop were scarce \
         and prices firm, while grinders in Europe bought less than a year ago.\n",
    );
    for name in ["a", "b", "c"] {
        env.write(
            &format!("{name}.txt"),
            &format!(
                "Grinders in {name}\n\nCocoa grinders said arrivals were late and the midcrop \
                 small; exporters said beans were scarce.\n"
            ),
        );
    }
    env.ok(&["index"]);
    let results = env.json(&["search", "cocoa", "--explain"]);
    let hits = results["hits"].as_array().unwrap();
    let by_name = |name: &str| {
        (hits.iter())
            .find(|h| h["path"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name}: {results}"))
    };
    let (short, _) = body_length(by_name("short.txt"));
    let (long, _) = body_length(by_name("long.txt"));
    assert!(short.unwrap() < 0.0, "{short:?}");
    assert!(long.unwrap() > 0.0, "{long:?}");
    for hit in hits {
        let (_, sum) = body_length(hit);
        let score = hit["score"].as_f64().unwrap();
        assert!(
            (sum - score).abs() < 1e-3 * score.max(1.0),
            "{sum} vs {score}"
        );
    }
    // Operator queries are not reordered, so they have no such part.
    let strict = env.json(&["search", "+cocoa", "--explain"]);
    for hit in strict["hits"].as_array().unwrap() {
        assert_eq!(body_length(hit).0, None, "{hit}");
    }
}
