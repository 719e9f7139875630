//! Queries assembled from the pieces the date rewriter and the range syntax are made of (field
//! names, dates at every precision and out of range, brackets, `TO`, `*`, quotes, escapes,
//! operators), so that most inputs reach the rewriter's edge cases rather than failing early.
//! An error or results, never a panic or a hang.
#![no_main]

use std::sync::OnceLock;

use gazette::index::GazetteIndex;
use gazette::query::{self, SearchRequest, Sort};
use libfuzzer_sys::fuzz_target;

const PIECES: &[&str] = &[
    "dates:",
    "published:",
    "title:",
    "people:",
    "countries:",
    "[",
    "]",
    "{",
    "}",
    " TO ",
    "*",
    "\"",
    "'",
    "\\",
    "(",
    ")",
    " ",
    "+",
    "-",
    "AND ",
    "OR ",
    "NOT ",
    "2023",
    "2023-09",
    "2023-09-13",
    "0001-01-01",
    "9999-12-31",
    "10000",
    "1066-10-14",
    "2023-13",
    "2023-02-30",
    "-5",
    "99999999999999999999",
    "Kim",
    "Putin",
    "x",
];

#[path = "fixture.rs"]
mod fixture;

fn index() -> &'static GazetteIndex {
    static INDEX: OnceLock<(tempfile::TempDir, GazetteIndex)> = OnceLock::new();
    &INDEX.get_or_init(|| fixture::index(&[
                ("a.txt", "---\ndate: 2023-09-13\n---\nKim meets Putin\n\nKim Jong-un met Vladimir Putin in Vladivostok on September 13, 2023.\n"),
                ("b.md", "---\ndate: 1066-10-14\n---\nOld chronicle\n\nThe battle, on October 14, 1066, at Hastings.\n"),
                ("c.txt", "Undated\n\nA note from Paris about March 2020.\n"),
            ])).1
}

fuzz_target!(|bytes: &[u8]| {
    let mut query = String::new();
    for &b in bytes.iter().take(64) {
        match PIECES.get(b as usize) {
            Some(piece) => query.push_str(piece),
            None => query.push(char::from(b)),
        }
    }
    for sort in [Sort::Relevance, Sort::Date] {
        let request = SearchRequest {
            query: query.clone(),
            limit: 5,
            offset: 0,
            sort,
            facets: true,
        };
        if let Ok(results) = query::search(index(), &request, None) {
            let total = serde_json::to_value(&results).unwrap()["total"]
                .as_u64()
                .unwrap();
            assert!(total <= 3, "{query:?}: {total} hits of 3 articles");
        }
    }
});
