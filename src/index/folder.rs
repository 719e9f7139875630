//! The index folder: opening and creating it safely (a folder is only ever touched when it is
//! a gazette index of a compatible format), its writer and merge policy, and its searcher.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use tantivy::directory::error::LockError;
use tantivy::indexer::LogMergePolicy;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyError};

use super::schema::{self, FORMAT, Fields};
use crate::error::{Error, Result};

/// The file that marks a folder as a gazette index and records what it indexes.
const MARKER: &str = "gazette.json";

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Marker {
    format: u32,
    /// The corpus root, absolute, that this index mirrors.
    corpus: PathBuf,
}

/// An opened gazette index.
pub struct GazetteIndex {
    pub(crate) index: Index,
    pub(crate) fields: Fields,
    pub(crate) dir: PathBuf,
    /// The absolute corpus root the index mirrors; stored paths are relative to it.
    pub(crate) corpus: PathBuf,
    /// Opened on first use and kept, so that many queries share one set of segment readers.
    searcher: OnceLock<Searcher>,
}

impl GazetteIndex {
    /// Opens an existing index for reading.
    pub fn open(dir: &Path) -> Result<GazetteIndex> {
        let marker = read_marker(dir)?.ok_or_else(|| {
            if is_empty_or_missing(dir) {
                Error::IndexMissing(dir.to_path_buf())
            } else {
                Error::NotAnIndex(dir.to_path_buf())
            }
        })?;
        check_format(dir, &marker)?;
        let index = Index::open_in_dir(dir)?;
        schema::register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        Ok(GazetteIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
            corpus: marker.corpus,
            searcher: OnceLock::new(),
        })
    }

    /// Opens the index of `corpus` in `dir` for writing, creating it when the folder is empty or
    /// absent. With `rebuild`, an existing gazette index of any format is started over.
    /// Returns the index and a writer that holds the folder's lock.
    pub fn open_for_writing(
        dir: &Path,
        corpus: &Path,
        rebuild: bool,
        threads: usize,
    ) -> Result<(GazetteIndex, IndexWriter)> {
        let marker = read_marker(dir)?;
        if marker.is_none() && !is_empty_or_missing(dir) {
            return Err(Error::NotAnIndex(dir.to_path_buf()));
        }
        if let Some(marker) = &marker {
            if !rebuild {
                check_format(dir, marker)?;
                if marker.corpus != corpus {
                    return Err(Error::OtherCorpus {
                        index: dir.to_path_buf(),
                        indexed: marker.corpus.clone(),
                        requested: corpus.to_path_buf(),
                    });
                }
            } else if marker.format != FORMAT {
                // An old format cannot be opened at all: its files are removed, but only after
                // the marker proved the folder is ours.
                take_writer_lock_or_fail(dir)?;
                clear_dir(dir)?;
            }
        }
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let marker = Marker {
            format: FORMAT,
            corpus: corpus.to_path_buf(),
        };
        // The marker goes first so that a crash right after creation still leaves a folder
        // that later runs recognise as theirs.
        if !dir.join(MARKER).exists() {
            write_marker(dir, &marker)?;
        }
        let index = if dir.join("meta.json").exists() {
            Index::open_in_dir(dir)?
        } else {
            let (schema, _) = Fields::schema();
            Index::create_in_dir(dir, schema)?
        };
        schema::register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let writer = writer(&index, dir, threads)?;
        if rebuild {
            write_marker(dir, &marker)?;
        }
        let opened = GazetteIndex {
            index,
            fields,
            dir: dir.to_path_buf(),
            corpus: corpus.to_path_buf(),
            searcher: OnceLock::new(),
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

/// Fails with [`Error::IndexBusy`] when another process holds the index's writer lock.
fn take_writer_lock_or_fail(dir: &Path) -> Result<()> {
    let index = Index::open_in_dir(dir);
    if let Ok(index) = index {
        drop(writer(&index, dir, 1)?);
    }
    Ok(())
}

fn clear_dir(dir: &Path) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|e| Error::io(&path, e))?;
    }
    Ok(())
}

/// True for a folder with nothing in it but git's placeholders (the repository keeps `index/`
/// with a `.gitignore`), or no folder at all.
fn is_empty_or_missing(dir: &Path) -> bool {
    match std::fs::read_dir(dir) {
        Ok(entries) => entries.flatten().all(|e| {
            let name = e.file_name();
            name == ".gitignore" || name == ".gitkeep"
        }),
        Err(_) => !dir.exists(),
    }
}

fn read_marker(dir: &Path) -> Result<Option<Marker>> {
    let path = dir.join(MARKER);
    match std::fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(marker) => Ok(Some(marker)),
            Err(_) => Err(Error::NotAnIndex(dir.to_path_buf())),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Writes the marker through a temporary file and a rename, so a crash never leaves half of it.
fn write_marker(dir: &Path, marker: &Marker) -> Result<()> {
    let path = dir.join(MARKER);
    let tmp = dir.join(format!("{MARKER}.tmp"));
    let bytes = serde_json::to_vec_pretty(marker)?;
    std::fs::write(&tmp, bytes).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
}

fn check_format(dir: &Path, marker: &Marker) -> Result<()> {
    if marker.format == FORMAT {
        Ok(())
    } else {
        Err(Error::IncompatibleIndex {
            path: dir.to_path_buf(),
            found: marker.format,
            expected: FORMAT,
        })
    }
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
