//! Words found in place for snippets and feedback: accented, upper-case and over-long words and
//! markup in an article's text are split, lower-cased and highlighted as the index has them.

use crate::Env;

#[test]
fn highlights_fall_on_the_words_the_index_matched_whatever_their_case_and_script() {
    let env = Env::new();
    let long = format!("café{}", "x".repeat(40));
    for (name, lead) in [("a", "CAFÉ"), ("b", "Cafés"), ("c", "café")] {
        let text = format!(
            "Prix du café\n\n<script>alert(1)</script> {lead} prices: İstanbul traders \
             sold {long} and café futures; ΣΟΦΟΣ said café-au-lait demand rose.\n"
        );
        env.write(&format!("{name}.txt"), &text);
    }
    env.ok(&["index"]);
    let results = env.json(&["search", "café"]);
    let hits = results["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    for hit in hits {
        let snippet = hit["snippet"].as_str().unwrap();
        let words: Vec<String> = (hit["highlights"].as_array().unwrap().iter())
            .map(|r| {
                let (start, end) = (r[0].as_u64().unwrap(), r[1].as_u64().unwrap());
                snippet[start as usize..end as usize].to_lowercase()
            })
            .collect();
        // The lead, `café futures` and the one before `-au-lait`; never the word too long to
        // be indexed.
        assert_eq!(words.len(), 3, "{snippet} {words:?}");
        assert!(
            words.iter().all(|w| w == "café" || w == "cafés"),
            "{words:?}"
        );
        assert!(snippet.contains(&long), "{snippet}");
    }
}
