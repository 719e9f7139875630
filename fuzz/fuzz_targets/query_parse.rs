//! Any string as a search query against a small real index: an error or results, never a
//! panic or a hang.
#![no_main]

use std::sync::OnceLock;

use gazette::index::GazetteIndex;
use gazette::index::sync::{SyncOptions, Syncer};
use gazette::query::{self, SearchRequest, Sort};
use libfuzzer_sys::fuzz_target;

fn index() -> &'static GazetteIndex {
    static INDEX: OnceLock<(tempfile::TempDir, GazetteIndex)> = OnceLock::new();
    &INDEX
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = dir.path().join("corpus");
            std::fs::create_dir(&corpus).unwrap();
            std::fs::write(
                corpus.join("a.txt"),
                "---\ndate: 2023-09-13\n---\nKim meets Putin\n\nKim Jong-un met Vladimir Putin in Vladivostok on September 13, 2023.\n",
            )
            .unwrap();
            let corpus = gazette::walk::corpus_root(&corpus).unwrap();
            let dir_index = dir.path().join("index");
            let (index, mut writer) =
                GazetteIndex::open_for_writing(&dir_index, &corpus, false, 1).unwrap();
            let options = SyncOptions { threads: 1, max_size: 1 << 20, batch: 100, rebuild: false };
            Syncer::new(&index, &mut writer, options).unwrap().full(&|_| {}).unwrap();
            drop(writer);
            (dir, index)
        })
        .1
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
