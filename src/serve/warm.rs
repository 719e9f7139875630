//! Warming: what a commit's first searches would otherwise wait for is done before the server
//! answers from it (Elasticsearch's warmers): at start, beside the first requests, and on every
//! reload, before tantivy's reader turns to the new commit, so the last one answers meanwhile.

use std::collections::HashSet;
use std::io::Read;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Mutex, OnceLock};

use tantivy::index::SegmentId;
use tantivy::{Searcher, SearcherGeneration};

/// The work done on each new commit's searcher.
type Work = Box<dyn Fn(&Searcher) + Send + Sync>;

/// The hook tantivy's reader calls with each commit it loads, before serving it. The work is
/// given once the server that does it exists, which is after its reader.
#[derive(Default)]
pub(crate) struct Warmer(OnceLock<Work>);

impl Warmer {
    pub fn set(&self, work: Work) {
        // Set once, when the server is made; a second call would be a bug, and is ignored.
        let _ = self.0.set(work);
    }
}

impl tantivy::Warmer for Warmer {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        // Warming only saves time: it never keeps the reader from loading a commit. Tantivy
        // warms while holding a lock that a panic would poison, leaving the server on this
        // commit for good, so a panic ends only this warming.
        if let Some(work) = self.0.get() {
            let _ = std::panic::catch_unwind(AssertUnwindSafe(|| work(searcher)));
        }
        Ok(())
    }

    fn garbage_collect(&self, _: &[&SearcherGeneration]) {}
}

/// The parts of a segment a search reads: term dictionaries, postings, positions, fast
/// columns, field norms. The document store is left out: a search reads only a page of hits
/// from it, and it is the largest file.
const SEARCHED: [&str; 5] = ["term", "idx", "pos", "fast", "fieldnorm"];

/// Reads every searched file of segments not read before through the file system's cache, so
/// that a search's first reads through the memory map find their pages there rather than on
/// disk. The pages stay the kernel's to evict: nothing is mapped or held by the process.
#[derive(Default)]
pub(crate) struct ReadAhead(Mutex<HashSet<SegmentId>>);

impl ReadAhead {
    pub fn read(&self, dir: &Path, searcher: &Searcher) {
        let ids: HashSet<SegmentId> = (searcher.segment_readers().iter())
            .map(|segment| segment.segment_id())
            .collect();
        let fresh: Vec<SegmentId> = {
            let mut read = self.0.lock().unwrap_or_else(|e| e.into_inner());
            // Segments merged away are forgotten, so a server watching for weeks keeps no more
            // ids than the index has segments.
            read.retain(|id| ids.contains(id));
            ids.into_iter().filter(|id| read.insert(*id)).collect()
        };
        for id in fresh {
            for name in segment_files(id) {
                // A file merged away meanwhile has nothing left to warm.
                let _ = read_through(&dir.join(name));
            }
        }
    }
}

/// The searched files of a segment, named as tantivy names them: the segment's id and the
/// part's extension.
fn segment_files(id: SegmentId) -> impl Iterator<Item = String> {
    let stem = id.uuid_string();
    SEARCHED.iter().map(move |ext| format!("{stem}.{ext}"))
}

fn read_through(path: &Path) -> std::io::Result<()> {
    let mut file = std::fs::File::open(path)?;
    let mut buffer = vec![0; 1 << 18];
    while file.read(&mut buffer)? > 0 {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tantivy::Warmer as _;
    use tantivy::schema::{STRING, Schema};
    use tantivy::{Index, doc};

    /// A searcher over an index of one segment in a new folder, kept as long as it is.
    fn one_segment() -> (tempfile::TempDir, Searcher) {
        let dir = tempfile::tempdir().unwrap();
        let mut schema = Schema::builder();
        let key = schema.add_text_field("key", STRING);
        let index = Index::create_in_dir(dir.path(), schema.build()).unwrap();
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.add_document(doc!(key => "a.txt")).unwrap();
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        (dir, searcher)
    }

    #[test]
    fn a_warmer_runs_its_work_once_given_and_never_fails_a_reload() {
        let (_dir, searcher) = one_segment();
        let warmer = Warmer::default();
        assert!(
            warmer.warm(&searcher).is_ok(),
            "no work yet, still no error"
        );
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = runs.clone();
        warmer.set(Box::new(move |s: &Searcher| {
            seen.fetch_add(s.num_docs() as usize, Ordering::SeqCst);
        }));
        warmer.warm(&searcher).unwrap();
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_panic_while_warming_fails_no_reload() {
        let (_dir, searcher) = one_segment();
        let warmer = Warmer::default();
        warmer.set(Box::new(|_: &Searcher| panic!("a bug while warming")));
        assert!(warmer.warm(&searcher).is_ok());
        assert!(
            warmer.warm(&searcher).is_ok(),
            "the next reload is warmed too"
        );
    }

    #[test]
    fn the_files_read_ahead_are_the_segments_searched_parts_each_read_once() {
        let (dir, searcher) = one_segment();
        let id = searcher.segment_readers()[0].segment_id();
        let names: Vec<String> = segment_files(id).collect();
        assert!(names.iter().any(|n| n.ends_with(".idx")));
        assert!(names.iter().all(|n| !n.ends_with(".store")));
        // The parts this segment has are among them: a real name, not a guess at one.
        assert!(names.iter().any(|n| dir.path().join(n).is_file()));
        let ahead = ReadAhead::default();
        ahead.read(dir.path(), &searcher);
        assert!(ahead.0.lock().unwrap().contains(&id));
        assert_eq!(ahead.0.lock().unwrap().len(), 1);
        // Another commit's segments: the first is gone from the searcher, and from the set.
        let (other_dir, other) = one_segment();
        ahead.read(other_dir.path(), &other);
        let read = ahead.0.lock().unwrap();
        assert_eq!(read.len(), 1);
        assert!(read.contains(&other.segment_readers()[0].segment_id()));
    }
}
