//! A small real index for the query targets, built once per fuzzing process.

use gazette::index::GazetteIndex;
use gazette::index::sync::{SyncOptions, Syncer};

/// An index of `articles` (file name, text) in a temporary folder that lives as long as it.
pub fn index(articles: &[(&str, &str)]) -> (tempfile::TempDir, GazetteIndex) {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for (name, text) in articles {
        std::fs::write(corpus.join(name), text).unwrap();
    }
    let corpus = gazette::walk::corpus_root(&corpus).unwrap();
    let dir_index = dir.path().join("index");
    let (index, mut writer) =
        GazetteIndex::open_for_writing(&dir_index, &corpus, false, 1).unwrap();
    let options = SyncOptions {
        threads: 1,
        max_size: 1 << 20,
        batch: 100,
        rebuild: false,
    };
    Syncer::new(&index, &mut writer, options)
        .unwrap()
        .full(&|_| {})
        .unwrap();
    drop(writer);
    (dir, index)
}
