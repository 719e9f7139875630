//! Incremental sync: makes the index hold exactly one up-to-date document per article file,
//! reading only files whose size or modification time changed, in batches that each end in a
//! commit so that an interrupted run keeps most of its work and the next run converges.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, Term};

use super::known::Known;
use super::opened::GazetteIndex;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::extract;
use crate::walk::{self, FileEntry, Skip, Unread, Walk};

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Threads that read and extract; tantivy's writer has its own.
    pub threads: usize,
    /// Files larger than this many bytes are skipped.
    pub max_size: u64,
    /// Files read between two commits.
    pub batch: usize,
    /// Start from an empty index; the old documents stay visible until the first commit.
    pub rebuild: bool,
}

/// What one run did. Counts are exact: every article file on disk is in exactly one of
/// added, updated, unchanged or skipped.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub(crate) added: u64,
    pub(crate) updated: u64,
    pub(crate) removed: u64,
    pub(crate) unchanged: u64,
    pub(crate) skipped: Vec<Skip>,
    /// Articles indexed with invalid UTF-8 sequences replaced.
    pub(crate) invalid_utf8: u64,
    pub(crate) docs: u64,
    pub(crate) seconds: f64,
}

/// Where a run is, for a progress display.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// The walk is done: the files to read hold this many bytes.
    Planned { bytes: u64 },
    /// One more file was read and handled.
    Read { bytes: u64 },
    /// Everything planned is committed.
    Done,
}

/// A file to read, with what the index held for it before.
type Work = (FileEntry, Option<Known>);

enum Outcome {
    Added {
        invalid_utf8: bool,
    },
    Updated {
        invalid_utf8: bool,
    },
    /// Read again because its time stamp moved, but its content is the same.
    Unchanged,
    /// Not indexed; `removed` when an earlier version had been and is now deleted.
    Skipped {
        skip: Skip,
        removed: bool,
    },
}

/// Holds the index writer and the worker threads across the passes of one process.
pub struct Syncer<'a> {
    index: &'a GazetteIndex,
    writer: &'a mut IndexWriter,
    options: SyncOptions,
    pool: rayon::ThreadPool,
    reader: tantivy::IndexReader,
    /// Deletions are waiting for a commit.
    uncommitted: bool,
    /// When set, a pass stops at the next commit (Ctrl-C in `watch`).
    stop: Option<&'a AtomicBool>,
    /// The working folder, which skipped paths are shown relative to.
    cwd: Option<&'a Path>,
}

impl<'a> Syncer<'a> {
    pub fn new(
        index: &'a GazetteIndex,
        writer: &'a mut IndexWriter,
        options: SyncOptions,
    ) -> Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(options.threads.max(1))
            .build()?;
        let reader = index.reader()?;
        Ok(Syncer {
            index,
            writer,
            options,
            pool,
            reader,
            uncommitted: false,
            stop: None,
            cwd: None,
        })
    }

    /// Makes every pass end at its next commit once `stop` is set, so that a long first pass
    /// can be interrupted without losing what it committed.
    pub(crate) fn stop_on(mut self, stop: &'a AtomicBool) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Shows skipped paths relative to `cwd`, the working folder, when they lie under it.
    pub(crate) fn shown_from(mut self, cwd: Option<&'a Path>) -> Self {
        self.cwd = cwd;
        self
    }

    /// Walks the whole corpus and brings the index in line with it.
    pub fn full(&mut self, progress: &(dyn Fn(Progress) + Sync)) -> Result<Summary> {
        let started = Instant::now();
        let rebuild = self.options.rebuild;
        if rebuild {
            // Only the first pass of a process starts over.
            self.options.rebuild = false;
            self.writer.delete_all_documents()?;
            self.uncommitted = true;
        }
        // Both are mostly waiting on the system (a `stat` per file, index pages), so they overlap.
        let (index, reader, cwd) = (self.index, &self.reader, self.cwd);
        let (known, walked) = self.pool.install(|| {
            rayon::join(
                || {
                    if rebuild {
                        Ok(HashMap::new())
                    } else {
                        index.known(reader)
                    }
                },
                || walk::walk(&index.corpus, cwd),
            )
        });
        let (work, vanished, mut summary) = plan(known?, walked?);
        self.apply(work, &vanished, &mut summary, progress)?;
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    /// Brings the index in line with just these paths and what lies under them, as reported
    /// by a file watcher: a file created, changed or deleted, or a folder created, moved in or
    /// out, or deleted, whose subtree is walked as a whole. Each path is planned like a full
    /// pass restricted to it, so the rules are the same (an unreadable folder keeps its
    /// articles). Paths outside the corpus, hidden ones and the corpus root are passed over.
    /// The reader is current: every pass before ended by reloading it, and one that failed
    /// ended the process's passes.
    pub(crate) fn paths(&mut self, paths: &[PathBuf]) -> Result<Summary> {
        let started = Instant::now();
        let searcher = self.reader.searcher();
        let mut known = HashMap::new();
        let mut walked = Walk::default();
        for path in paths {
            let Some(key) = walk::tree_key(&self.index.corpus, path) else {
                continue;
            };
            known.extend(self.index.known_under(&searcher, &key)?);
            walked.extend(walk::walk_tree(&self.index.corpus, path, self.cwd));
        }
        // A folder and a file in it, both changed, are walked twice: each file is planned once.
        walked.sort();
        let (work, vanished, mut summary) = plan(known, walked);
        self.apply(work, &vanished, &mut summary, &|_| {})?;
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
    }

    /// Deletes `vanished` keys and (re)indexes `work`, committing after each batch.
    fn apply(
        &mut self,
        work: Vec<Work>,
        vanished: &[String],
        summary: &mut Summary,
        progress: &(dyn Fn(Progress) + Sync),
    ) -> Result<()> {
        for key in vanished {
            self.writer
                .delete_term(Term::from_field_text(self.index.fields.path, key));
            summary.removed += 1;
            self.uncommitted = true;
        }
        progress(Progress::Planned {
            bytes: work.iter().map(|(f, _)| f.size).sum(),
        });
        for batch in work.chunks(self.options.batch.max(1)) {
            let (index, writer, options) = (self.index, &*self.writer, &self.options);
            let cwd = self.cwd;
            let outcomes: Vec<Result<Outcome>> = self.pool.install(|| {
                batch
                    .par_iter()
                    .map(|(file, previous)| {
                        let outcome =
                            index_file(index, writer, file, previous.as_ref(), options, cwd);
                        progress(Progress::Read { bytes: file.size });
                        outcome
                    })
                    .collect()
            });
            for outcome in outcomes {
                // An error here is the writer's own (a full disk, say): returning before the
                // commit leaves the last commit as it was.
                summary.count(outcome?);
            }
            self.writer.commit().map_err(write_failed)?;
            self.uncommitted = false;
            if self.stop.is_some_and(|stop| stop.load(Ordering::Relaxed)) {
                break;
            }
        }
        if self.uncommitted {
            self.writer.commit().map_err(write_failed)?;
            self.uncommitted = false;
        }
        progress(Progress::Done);
        self.reader.reload()?;
        summary.docs = self.reader.searcher().num_docs();
        summary.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(())
    }
}

/// What a full pass does, from what the index holds and what the walk found: the files to
/// read, the keys to delete, and the summary so far. An indexed article whose file the walk did
/// not see is deleted, unless it lies in a folder the walk could not read (or is a file it could
/// not examine): such an article may well still be there, so its last indexed copy is kept and
/// the folder's skip says how many were.
fn plan(mut known: HashMap<String, Known>, walked: Walk) -> (Vec<Work>, Vec<String>, Summary) {
    let mut summary = Summary {
        skipped: walked.skipped,
        ..Summary::default()
    };
    let mut work = Vec::new();
    for file in walked.files {
        match known.remove(&file.key) {
            Some(k) if k.size == file.size && k.mtime == file.mtime => summary.unchanged += 1,
            previous => work.push((file, previous)),
        }
    }
    let mut kept = vec![0_u64; walked.unreadable.len()];
    let mut vanished = Vec::new();
    for key in known.into_keys() {
        match walked.unreadable.iter().position(|u| u.covers(&key)) {
            Some(at) => kept[at] += 1,
            None => vanished.push(key),
        }
    }
    for (unreadable, kept) in walked.unreadable.iter().zip(kept) {
        let Some(skip) = summary.skipped.iter_mut().find(|s| **s == unreadable.skip) else {
            continue;
        };
        match (kept, unreadable.folder) {
            (0, _) => {}
            (1, true) => skip.reason.push_str("; its 1 indexed article is kept"),
            (n, true) => skip
                .reason
                .push_str(&format!("; its {n} indexed articles are kept")),
            (_, false) => copy_kept(&mut skip.reason),
        }
    }
    (work, vanished, summary)
}

impl Summary {
    fn count(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Added { invalid_utf8 } => {
                self.added += 1;
                self.invalid_utf8 += u64::from(invalid_utf8);
            }
            Outcome::Updated { invalid_utf8 } => {
                self.updated += 1;
                self.invalid_utf8 += u64::from(invalid_utf8);
            }
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Skipped { skip, removed } => {
                self.removed += u64::from(removed);
                self.skipped.push(skip);
            }
        }
    }

    /// True when the pass changed nothing and found nothing to report.
    pub(crate) fn is_quiet(&self) -> bool {
        self.added + self.updated + self.removed == 0 && self.skipped.is_empty()
    }
}

/// Adds to the reason a file was not read that the index still holds it as it was.
fn copy_kept(reason: &mut String) {
    reason.push_str("; its indexed copy is kept");
}

/// Reads, checks, extracts and (re)indexes one file. Only a failure of the index writer itself
/// is an error; everything wrong with the file is a skip, its path shown relative to `cwd`.
fn index_file(
    index: &GazetteIndex,
    writer: &IndexWriter,
    file: &FileEntry,
    previous: Option<&Known>,
    options: &SyncOptions,
    cwd: Option<&Path>,
) -> Result<Outcome> {
    let path_term = Term::from_field_text(index.fields.path, &file.key);
    let skip = |reason: String| -> Result<Outcome> {
        if previous.is_some() {
            writer.delete_term(path_term.clone());
        }
        Ok(Outcome::Skipped {
            skip: Skip::new(&file.path, reason, cwd),
            removed: previous.is_some(),
        })
    };
    let bytes = match file.read_article(options.max_size) {
        Ok(bytes) => bytes,
        // Still there but unreadable for now: like a folder the walk could not read, it keeps
        // its last indexed copy.
        Err(unread @ Unread::Failed(_)) if previous.is_some() => {
            let mut reason = unread.to_string();
            copy_kept(&mut reason);
            return Ok(Outcome::Skipped {
                skip: Skip::new(&file.path, reason, cwd),
                removed: false,
            });
        }
        Err(unread) => return skip(unread.to_string()),
    };
    let article = Article::parse(&bytes);
    if article.is_blank() {
        return skip("empty file".into());
    }
    let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
    let found = extract::extract(&article, &file.key);
    let stored = FileEntry {
        size: bytes.len() as u64,
        ..file.clone()
    };
    let doc = index.fields.document(&stored, hash, &article, &found);
    if previous.is_some() {
        writer.delete_term(path_term);
    }
    writer.add_document(doc).map_err(write_failed)?;
    let invalid_utf8 = article.replaced > 0;
    Ok(match previous {
        None => Outcome::Added { invalid_utf8 },
        Some(k) if k.hash == hash => Outcome::Unchanged,
        Some(_) => Outcome::Updated { invalid_utf8 },
    })
}

/// The writer could not write its files. The last commit is untouched by a failed one, so the
/// message can say so.
fn write_failed(err: tantivy::TantivyError) -> Error {
    Error::WriteFailed(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index over an empty corpus folder, with its writer.
    fn empty_index(dir: &std::path::Path) -> (GazetteIndex, IndexWriter) {
        let corpus = dir.join("corpus");
        std::fs::create_dir(&corpus).unwrap();
        let corpus = walk::corpus_root(&corpus).unwrap();
        GazetteIndex::open_for_writing(&dir.join("index"), &corpus, false, 1).unwrap()
    }

    fn options() -> SyncOptions {
        SyncOptions {
            threads: 1,
            max_size: 1 << 20,
            batch: 10,
            rebuild: false,
        }
    }

    /// The walk's entry for `corpus/<key>`, as if it had been seen with `size` bytes.
    fn walked(dir: &std::path::Path, key: &str, size: u64) -> FileEntry {
        FileEntry {
            path: dir.join("corpus").join(key),
            key: key.into(),
            size,
            mtime: 1,
        }
    }

    /// What the index holds for a file indexed earlier (as `walked` saw it, apart from size).
    const INDEXED: Known = Known {
        size: 1,
        mtime: 1,
        hash: 1,
    };

    fn reason(outcome: Outcome) -> String {
        match outcome {
            Outcome::Skipped { skip, .. } => skip.reason,
            _ => panic!("expected a skip"),
        }
    }

    #[test]
    fn a_file_that_vanished_after_the_walk_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let (index, writer) = empty_index(dir.path());
        let gone = walked(dir.path(), "gone.txt", 10);
        let outcome = index_file(&index, &writer, &gone, None, &options(), None).unwrap();
        assert_eq!(reason(outcome), "vanished during the run");
    }

    #[test]
    fn a_file_that_cannot_be_read_is_skipped_with_the_system_error() {
        let dir = tempfile::tempdir().unwrap();
        let (index, writer) = empty_index(dir.path());
        // A file where the path needs a folder: the open fails (ENOTDIR), even for root.
        std::fs::write(dir.path().join("corpus/plain.txt"), "x").unwrap();
        let inside = walked(dir.path(), "plain.txt/inside.txt", 0);
        let outcome = index_file(&index, &writer, &inside, None, &options(), None).unwrap();
        assert!(reason(outcome).starts_with("cannot read: "));
    }

    #[test]
    fn a_file_that_cannot_be_read_keeps_its_indexed_copy() {
        let dir = tempfile::tempdir().unwrap();
        let (index, writer) = empty_index(dir.path());
        std::fs::write(dir.path().join("corpus/plain.txt"), "x").unwrap();
        let inside = walked(dir.path(), "plain.txt/inside.txt", 0);
        match index_file(&index, &writer, &inside, Some(&INDEXED), &options(), None).unwrap() {
            Outcome::Skipped { skip, removed } => {
                assert!(!removed);
                assert!(
                    skip.reason.ends_with("; its indexed copy is kept"),
                    "{skip:?}"
                );
            }
            _ => panic!("expected a skip"),
        }
    }

    #[test]
    fn a_folder_where_a_file_was_is_not_read_and_loses_its_indexed_copy() {
        let dir = tempfile::tempdir().unwrap();
        let (index, writer) = empty_index(dir.path());
        std::fs::create_dir(dir.path().join("corpus/folder.txt")).unwrap();
        let folder = walked(dir.path(), "folder.txt", 0);
        match index_file(&index, &writer, &folder, Some(&INDEXED), &options(), None).unwrap() {
            Outcome::Skipped { skip, removed } => {
                assert!(removed);
                assert_eq!(skip.reason, "not a regular file (a folder)");
            }
            _ => panic!("expected a skip"),
        }
    }

    /// What the index held before a pass, by key.
    fn known(keys: &[&str]) -> HashMap<String, Known> {
        keys.iter().map(|k| (k.to_string(), INDEXED)).collect()
    }

    #[test]
    fn articles_in_a_folder_the_walk_could_not_read_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let unreadable = walk::Unreadable {
            key: "b".into(),
            folder: true,
            skip: Skip {
                path: "corpus/b".into(),
                reason: "cannot read folder: Permission denied (os error 13)".into(),
            },
        };
        let walked = Walk {
            files: vec![walked(dir.path(), "a/1.txt", 1)],
            skipped: vec![unreadable.skip.clone()],
            unreadable: vec![unreadable],
        };
        let before = known(&["a/1.txt", "b/1.txt", "b/c/2.txt", "bb/3.txt"]);
        let (work, vanished, summary) = plan(before, walked);
        assert!(work.is_empty());
        assert_eq!(vanished, ["bb/3.txt"]);
        assert_eq!(summary.unchanged, 1);
        assert_eq!(
            summary.skipped[0].reason,
            "cannot read folder: Permission denied (os error 13); its 2 indexed articles are kept"
        );
    }

    #[test]
    fn a_corpus_that_could_not_be_listed_keeps_every_article() {
        let unreadable = walk::Unreadable {
            key: String::new(),
            folder: true,
            skip: Skip {
                path: "corpus".into(),
                reason: "cannot read folder: Input/output error (os error 5)".into(),
            },
        };
        let walked = Walk {
            files: Vec::new(),
            skipped: vec![unreadable.skip.clone()],
            unreadable: vec![unreadable],
        };
        let (_, vanished, summary) = plan(known(&["a/1.txt", "b/2.txt"]), walked);
        assert!(vanished.is_empty());
        assert!(
            summary.skipped[0]
                .reason
                .ends_with("its 2 indexed articles are kept")
        );
    }

    #[test]
    fn a_file_that_grew_past_the_limit_after_the_walk_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let (index, writer) = empty_index(dir.path());
        let stale = walked(dir.path(), "grew.txt", 10);
        std::fs::write(&stale.path, "Title\n\n".to_string() + &"word ".repeat(100)).unwrap();
        let small = SyncOptions {
            max_size: 100,
            ..options()
        };
        let outcome = index_file(&index, &writer, &stale, None, &small, None).unwrap();
        assert!(reason(outcome).starts_with("larger than --max-size"));
    }

    #[test]
    fn paths_sync_a_folder_as_a_whole_and_touch_only_what_lies_under_it() {
        let dir = tempfile::tempdir().unwrap();
        let (index, mut writer) = empty_index(dir.path());
        let corpus = index.corpus.clone();
        let write = |key: &str| {
            let path = corpus.join(key);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, format!("Story {key}\n\nwords\n")).unwrap();
        };
        // Beside `d`, keys that sort between `d` and `d/...` and one that does not.
        for key in ["d/1.txt", "d/e/2.txt", "d.txt", "d-2/3.txt", "dd/4.txt"] {
            write(key);
        }
        let mut syncer = Syncer::new(&index, &mut writer, options()).unwrap();
        assert_eq!(syncer.full(&|_| {}).unwrap().added, 5);
        std::fs::remove_dir_all(corpus.join("d")).unwrap();
        let removed = syncer.paths(&[corpus.join("d")]).unwrap();
        assert_eq!((removed.removed, removed.docs), (2, 3));
        // A folder and a file in it, both reported: the file is indexed once.
        write("n/5.txt");
        let both = [corpus.join("n"), corpus.join("n/5.txt"), corpus.join("n")];
        let added = syncer.paths(&both).unwrap();
        assert_eq!((added.added, added.docs), (1, 4));
        // Nothing changed: nothing is read.
        let again = syncer.paths(&both).unwrap();
        assert!(again.is_quiet() && again.unchanged == 1, "{again:?}");
        // A file where a folder was, and a path outside the corpus.
        std::fs::remove_dir_all(corpus.join("dd")).unwrap();
        std::fs::write(corpus.join("dd"), "x").unwrap();
        let replaced = syncer.paths(&[corpus.join("dd"), dir.path().join("x.txt")]);
        assert_eq!(replaced.unwrap().removed, 1);
        let mut left: Vec<String> = index
            .known(&index.reader().unwrap())
            .unwrap()
            .into_keys()
            .collect();
        left.sort();
        assert_eq!(left, ["d-2/3.txt", "d.txt", "n/5.txt"]);
    }
}
