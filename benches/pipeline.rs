//! Micro-benchmarks of the three hot paths: extraction, document building and query
//! execution. Whole-process figures (index wall time, RSS, latency) are in BENCHMARKS.md.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use gazette::article::Article;
use gazette::extract;
use gazette::index::sync::{SyncOptions, Syncer};
use gazette::index::{Fields, GazetteIndex};
use gazette::query::{self, SearchRequest, Sort};
use gazette::walk::FileEntry;

const SEED: &str = include_str!("../corpus/north-korea-no-longer-interested-in-reunification.txt");

fn main() {
    divan::main();
}

#[divan::bench]
fn parse_and_extract(bencher: Bencher) {
    bencher
        .counter(BytesCount::of_str(SEED))
        .bench(|| extract::extract(&Article::parse(black_box(SEED.as_bytes())), "seed.txt"));
}

#[divan::bench]
fn build_document(bencher: Bencher) {
    let (_, fields) = Fields::schema();
    let article = Article::parse(SEED.as_bytes());
    let found = extract::extract(&article, "seed.txt");
    let file = FileEntry {
        path: "corpus/seed.txt".into(),
        key: "seed.txt".into(),
        size: SEED.len() as u64,
        mtime: 0,
    };
    bencher.bench(|| fields.document(&file, 1, black_box(&article), &found));
}

/// A 2,000-article index made from the seed article's paragraphs, shuffled into new articles.
fn small_index(dir: &std::path::Path) -> GazetteIndex {
    let corpus = dir.join("corpus");
    let paragraphs: Vec<&str> = SEED.split("\n\n").filter(|p| p.len() > 40).collect();
    for i in 0..2000 {
        let day = 1 + i % 28;
        let mut text = format!(
            "---\ndate: 2023-{:02}-{day:02}\n---\nArticle {i}\n\n",
            1 + i % 12
        );
        for k in 0..3 {
            text.push_str(paragraphs[(i * 7 + k * 3) % paragraphs.len()]);
            text.push_str("\n\n");
        }
        let path = corpus.join(format!("{}/{i}.txt", i % 10));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let corpus = gazette::walk::corpus_root(&corpus).unwrap();
    let index_dir = dir.join("index");
    let (index, mut writer) =
        GazetteIndex::open_for_writing(&index_dir, &corpus, false, 2).unwrap();
    let options = SyncOptions {
        threads: 2,
        max_size: 1 << 20,
        batch: 10_000,
        rebuild: false,
    };
    Syncer::new(&index, &mut writer, options)
        .unwrap()
        .full(&|_| {})
        .unwrap();
    drop(writer);
    GazetteIndex::open(&index_dir).unwrap()
}

const QUERIES: &[&str] = &[
    "korea",
    "\"nuclear weapons\"",
    "sanctions OR drills",
    "missile -satellite",
    "people:\"Kim Jong-un\" places:Seoul",
    "countries:KP",
    "published:[2023-03-01 TO 2023-06-30] korea",
    "dates:2023-09",
];

#[divan::bench(args = QUERIES)]
fn search(bencher: Bencher, query: &str) {
    let dir = tempfile::tempdir().unwrap();
    let index = small_index(dir.path());
    let request = SearchRequest {
        query: query.to_string(),
        limit: 10,
        offset: 0,
        sort: Sort::Relevance,
        facets: false,
        explain: false,
        hits: true,
    };
    bencher.bench(|| query::search(&index, black_box(&request), None).unwrap());
}
