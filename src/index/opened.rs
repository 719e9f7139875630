//! An opened index: opening and creating it safely (a folder is only ever touched when it is a
//! gazette index of a compatible format), its writer and merge policy, and its searcher.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::directory::error::LockError;
use tantivy::indexer::LogMergePolicy;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyError};

use super::folder::{self, FolderDirectory, Marker};
use super::names::{Aliases, NameBook, book};
use super::readonly;
use super::schema::{self, Fields};
use crate::error::{Error, Result};

/// Names worked out for one commit and alias file, with their [`book::stamp`].
type StampedNames = (u64, Arc<NameBook>);
/// The name books a server keeps: the commit it serves and the one it is readying.
const KEPT_NAMES: usize = 2;

/// An opened gazette index.
pub struct GazetteIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) dir: PathBuf,
    /// The absolute corpus root the index mirrors; stored paths are relative to it.
    pub(crate) corpus: PathBuf,
    /// Opened on first use and kept, so that many queries share one set of segment readers.
    searcher: OnceLock<Searcher>,
    /// The alias rules searches go by: those the last index run recorded, unless replaced.
    aliases: Aliases,
    /// The names of the searched commit as shown, worked out on first use.
    names: OnceLock<Arc<NameBook>>,
    /// The names last worked out, newest first, with their stamps, shared with the views of
    /// later commits ([`GazetteIndex::seen_with`]) so that a server works them out once per
    /// commit. Two are kept: a server readies a new commit's names while requests still
    /// arrive for the one it serves.
    last_names: Arc<Mutex<Vec<StampedNames>>>,
}

impl GazetteIndex {
    /// Opens an existing index for searching, at its last commit: read-only, and without
    /// waiting on any writer.
    pub fn open(dir: &Path) -> Result<GazetteIndex> {
        let marker = folder::read_marker(dir)?.ok_or_else(|| {
            if folder::is_empty_or_missing(dir) {
                Error::IndexMissing(dir.to_path_buf())
            } else {
                Error::NotAnIndex(dir.to_path_buf())
            }
        })?;
        folder::check_format(dir, &marker)?;
        let (index, searcher) = readonly::open(dir)?;
        schema::register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let aliases = match folder::recorded_aliases(dir) {
            Some(path) => Aliases::read(&path)?,
            None => Aliases::default(),
        };
        Ok(GazetteIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
            corpus: marker.corpus,
            searcher: OnceLock::from(searcher),
            aliases,
            names: OnceLock::new(),
            last_names: Arc::default(),
        })
    }

    /// Opens the index of `corpus` in `dir` for writing, creating it when the folder is empty or
    /// absent. With `rebuild`, an existing gazette index of any format, or a damaged one, is
    /// started over. Returns the index and a writer that holds the folder's lock.
    pub fn open_for_writing(
        dir: &Path,
        corpus: &Path,
        rebuild: bool,
        threads: usize,
    ) -> Result<(GazetteIndex, IndexWriter)> {
        if !folder::is_ours_or_empty(dir) {
            return Err(Error::NotAnIndex(dir.to_path_buf()));
        }
        // From here on the folder's writer lock is held, and it becomes the writer's: no other
        // process can change the folder between what is read below and the writer.
        let directory = FolderDirectory::lock(dir)?;
        let wanted = Marker::current(corpus);
        let found = folder::read_marker(dir)?;
        let index = match &found {
            None if !folder::is_empty_or_missing(dir) => {
                return Err(Error::NotAnIndex(dir.to_path_buf()));
            }
            None => {
                // The marker goes first so that a crash right after creation still leaves a
                // folder that later runs recognise as theirs.
                folder::write_marker(dir, &wanted)?;
                folder::open_or_create(dir, directory)?
            }
            Some(found) if rebuild => folder::start_over(dir, directory, found)?,
            Some(found) => {
                folder::check_format(dir, found)?;
                if found.corpus != corpus {
                    return Err(Error::OtherCorpus {
                        index: dir.to_path_buf(),
                        indexed: found.corpus.clone(),
                        requested: corpus.to_path_buf(),
                    });
                }
                folder::open_or_create(dir, directory)?
            }
        };
        schema::register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let mut writer = writer(&index, dir, threads)?;
        if rebuild && found.as_ref().is_some_and(|found| *found != wanted) {
            // The old documents go in a commit of their own before the marker names the new
            // corpus, so that a run stopped at any instant leaves the marker and the documents
            // agreeing (an empty index under either name), never one corpus's articles
            // labelled as another's.
            writer.delete_all_documents()?;
            writer
                .commit()
                .map_err(|e| Error::WriteFailed(e.to_string()))?;
            folder::write_marker(dir, &wanted)?;
        }
        let opened = GazetteIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
            corpus: corpus.to_path_buf(),
            searcher: OnceLock::new(),
            aliases: Aliases::default(),
            names: OnceLock::new(),
            last_names: Arc::default(),
        };
        Ok((opened, writer))
    }

    /// A searcher over the last commit made before its first use.
    pub(crate) fn searcher(&self) -> Result<Searcher> {
        if let Some(searcher) = self.searcher.get() {
            return Ok(searcher.clone());
        }
        let searcher = self.reader()?.searcher();
        Ok(self.searcher.get_or_init(|| searcher).clone())
    }

    /// Searches go by these alias rules rather than those recorded in the folder.
    pub(crate) fn use_aliases(&mut self, aliases: Aliases) {
        self.aliases = aliases;
        self.names = OnceLock::new();
    }

    /// Records the alias rules an index run went by, for later searches.
    pub(crate) fn record_aliases(&self, aliases: &Aliases) -> Result<()> {
        folder::record_aliases(&self.dir, (!aliases.is_empty()).then(|| aliases.text()))
    }

    /// The names of the searched commit as shown to readers: as the last index run saved
    /// them when that was for this commit and these alias rules, else worked out afresh.
    pub(crate) fn names(&self) -> Result<Arc<NameBook>> {
        if let Some(book) = self.names.get() {
            return Ok(book.clone());
        }
        let searcher = self.searcher()?;
        let stamp = book::stamp(&searcher, &self.aliases);
        let kept = (self.last_names.lock().unwrap_or_else(|e| e.into_inner()))
            .iter()
            .find(|(seen, _)| *seen == stamp)
            .map(|(_, book)| book.clone());
        // Worked out without the lock held, so that searches of the served commit are not
        // kept waiting while a server warms the next one.
        let book = match kept {
            Some(book) => book,
            None => {
                let saved = folder::saved_names(&self.dir)
                    .and_then(|bytes| NameBook::from_saved(bytes, stamp, self.aliases.clone()));
                let book = match saved {
                    Some(book) => book,
                    None => NameBook::build(&searcher, self.aliases.clone())?,
                };
                Arc::new(book)
            }
        };
        let mut last = self.last_names.lock().unwrap_or_else(|e| e.into_inner());
        last.retain(|(seen, _)| *seen != stamp);
        last.insert(0, (stamp, book.clone()));
        last.truncate(KEPT_NAMES);
        Ok(self.names.get_or_init(|| book).clone())
    }

    /// Saves the names of the last commit for the searches that follow, unless they are
    /// saved already; called by an index run after each pass, holding the writer's lock.
    pub(crate) fn save_names(&self, aliases: &Aliases) -> Result<()> {
        let searcher = self.reader()?.searcher();
        let stamp = book::stamp(&searcher, aliases);
        let saved = folder::saved_names(&self.dir);
        if saved.is_some_and(|bytes| NameBook::from_saved(bytes, stamp, aliases.clone()).is_some())
        {
            return Ok(());
        }
        let book = Arc::new(NameBook::build(&searcher, aliases.clone())?);
        folder::save_names(&self.dir, &book.saved(&searcher, stamp)?)
    }

    /// The same index seen through `searcher` and going by `aliases`, for a server whose reader
    /// follows new commits (and which rereads [`GazetteIndex::aliases_file`] when it changes);
    /// the names worked out for a commit are shared by every request that sees it.
    pub(crate) fn seen_with(&self, searcher: Searcher, aliases: Aliases) -> GazetteIndex {
        GazetteIndex {
            index: self.index.clone(),
            fields: self.fields,
            dir: self.dir.clone(),
            corpus: self.corpus.clone(),
            searcher: OnceLock::from(searcher),
            aliases,
            names: OnceLock::new(),
            last_names: self.last_names.clone(),
        }
    }

    /// The alias file the last index run recorded, if any.
    pub(crate) fn aliases_file(&self) -> Option<PathBuf> {
        folder::recorded_aliases(&self.dir)
    }

    /// A reader that sees the last commit and is reloaded by hand.
    pub(crate) fn reader(&self) -> Result<IndexReader> {
        Ok(self
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?)
    }
}

/// Segments with more live articles than this are never merged again.
///
/// A full arena flushes segments of about 50,000 news articles, so a bulk run writes segments
/// that are already large and merges nothing: merging them would re-read every byte written so
/// far (through mmap, which counts in the process's memory) once per merge level, the bulk of a
/// million-article run's time and peak memory. The small segments that incremental runs, `watch`
/// and the tail of each commit leave behind are still merged, so their number stays bounded.
const MERGE_BELOW_DOCS: usize = 20_000;

fn writer(index: &Index, dir: &Path, threads: usize) -> Result<IndexWriter> {
    // Each tantivy indexing thread gets its own arena; 2 threads × 128 MB keeps a million-article
    // run well under a gigabyte while leaving segments large.
    let writer_threads = threads.clamp(1, 2);
    let writer = index
        .writer_with_num_threads(writer_threads, writer_threads * 128_000_000)
        .map_err(|e| match e {
            TantivyError::LockFailure(LockError::LockBusy, _) => {
                Error::IndexBusy(dir.to_path_buf())
            }
            other => Error::Index(other),
        })?;
    writer.set_merge_policy(Box::new(merge_policy()));
    Ok(writer)
}

fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_max_docs_before_merge(MERGE_BELOW_DOCS);
    // Updated and removed articles leave deleted documents behind; a segment that is half
    // deleted is worth rewriting.
    policy.set_del_docs_ratio_before_merge(0.5);
    policy
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;
    use tantivy::indexer::MergePolicy;

    fn segments(index: &Index, sizes: &[u32]) -> Vec<tantivy::index::SegmentMeta> {
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    #[test]
    fn small_segments_are_merged_and_bulk_segments_left_alone() {
        let index = Index::create_in_ram(Fields::schema().0);
        let policy = merge_policy();
        let small = segments(&index, &[900, 1_000, 1_100, 950, 1_000, 1_200, 800, 1_000]);
        let candidates = policy.compute_merge_candidates(&small);
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].0.len(), 8);
        let bulk = segments(&index, &[50_000; 20]);
        assert!(policy.compute_merge_candidates(&bulk).is_empty());
    }
}
