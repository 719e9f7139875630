//! Any string as a search query against a small real index: an error or results, never a
//! panic or a hang.
#![no_main]

use std::sync::OnceLock;

use gazette::index::GazetteIndex;
use gazette::query::{self, SearchRequest, Sort};
use libfuzzer_sys::fuzz_target;

#[path = "fixture.rs"]
mod fixture;

fn index() -> &'static GazetteIndex {
    static INDEX: OnceLock<(tempfile::TempDir, GazetteIndex)> = OnceLock::new();
    &INDEX.get_or_init(|| fixture::index(&[("a.txt", "---\ndate: 2023-09-13\n---\nKim meets Putin\n\nKim Jong-un met Vladimir Putin in Vladivostok on September 13, 2023.\n")])).1
}

fuzz_target!(|query: &str| {
    for sort in [Sort::Relevance, Sort::Date] {
        let request = SearchRequest {
            query: query.to_string(),
            limit: 5,
            offset: 0,
            sort,
            facets: true,
        };
        let _ = query::search(index(), &request, None);
    }
});
