//! A hit's key, names, countries and day, read from its stored document, are the values the
//! columns hold (which exports, facets and sorting read), whatever the segments and deletes.

use serde_json::Value;

use crate::Env;

#[test]
fn a_hit_shows_the_values_the_columns_hold() {
    let env = Env::new();
    env.write(
        "europe/summit.txt",
        "---\ndate: 2023-06-02\n---\nLeaders meet in Berlin\n\nBERLIN, June 2 - French President \
         Emmanuel Macron met German Chancellor Olaf Scholz in Berlin to discuss energy. Macron \
         flew on to Madrid and Lisbon, and the European Union welcomed the talks.\n",
    );
    env.write(
        "q\"uo\\te\n.txt",
        "Energy in Kenya\n\nNAIROBI - Kenyan President William Ruto said energy prices fell in \
         Nairobi and Mombasa, and Uganda and Tanzania would follow.\n",
    );
    std::fs::write(
        env.corpus()
            .join(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(b"k\xffey.txt")),
        "---\ndate: 1987-03-09\n---\nEnergy talks\n\nTOKYO - Japan and China discussed energy \
         with the World Bank in Tokyo and Beijing.\n",
    )
    .unwrap();
    env.ok(&["index"]);
    // A second segment, and the edited article's old document deleted from the first.
    env.write(
        "europe/summit.txt",
        "---\ndate: 2023-06-03\n---\nLeaders meet in Paris\n\nPARIS - Olaf Scholz met Emmanuel \
         Macron in Paris about energy; Pedro Sanchez joined them from Madrid.\n",
    );
    env.write(
        "asia/tea.txt",
        "Tea and energy\n\nTea exports from India and Sri Lanka fell as energy costs rose in \
         Colombo, said Ranil Wickremesinghe.\n",
    );
    env.ok(&["index"]);

    let exported: Vec<Value> = env
        .ok(&["export", "--format", "ndjson"])
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // Four articles are too few for the name book to credit or move any name (none reaches the
    // vote's minimum) and there is no alias file, so a hit shows its stored names as they are.
    let results = env.json(&["search", "energy", "--limit", "10"]);
    let hits = results["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 4, "{hits:?}");
    let mut named = 0;
    for hit in hits {
        let path = hit["path"].as_str().unwrap();
        let article = (exported.iter())
            .find(|a| path.ends_with(&format!("corpus/{}", a["path"].as_str().unwrap())))
            .unwrap_or_else(|| panic!("{path} is not exported"));
        for field in ["published", "countries", "people", "places", "orgs"] {
            // Exports leave out an empty list or a missing day.
            let exported = match &article[field] {
                Value::Null if field != "published" => Value::Array(Vec::new()),
                value => value.clone(),
            };
            assert_eq!(hit[field], exported, "{path}: {field}");
        }
        named += hit["people"].as_array().unwrap().len();
    }
    assert!(named >= 5, "{hits:?}");
    let summit = (hits.iter())
        .find(|h| h["path"].as_str().unwrap().ends_with("summit.txt"))
        .unwrap();
    assert_eq!(summit["title"], "Leaders meet in Paris");
    assert_eq!(summit["published"], "2023-06-03");
    let keyed = hits.iter().filter(|h| {
        let path = h["path"].as_str().unwrap();
        path.ends_with("k\\xFFey.txt") || path.ends_with("q\"uo\\\\te\n.txt")
    });
    assert_eq!(keyed.count(), 2, "{hits:?}");
}
