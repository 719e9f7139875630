//! Searches open the index read-only and take no lock, so that a read-only mount, another user,
//! or a writer paused at any point never stops or blocks a search.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, INDEX_WRITER_LOCK, Lock, MmapDirectory, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::{Index, ReloadPolicy, Searcher, TantivyError};

use crate::error::{Error, Result};
use crate::index::folder;

/// How often a search reads the last commit again when one of its files vanished, and how long
/// it waits before each new try (times the try's number).
const ATTEMPTS: u32 = 5;
const PAUSE: Duration = Duration::from_millis(20);

/// Opens the last commit of the index in `dir` and a searcher over it.
///
/// A search holds no lock that keeps a writer's garbage collection from deleting the segments of
/// an older commit, so a commit made while the search opens its files can take one away. Files
/// are never re-created once deleted, so a commit whose files all exist after the searcher opened
/// them was opened whole; otherwise the newer commit is read. Only a file that stays missing
/// means the index is damaged.
pub(crate) fn open(dir: &Path) -> Result<(Index, Searcher)> {
    let mut attempt = 1;
    loop {
        match open_once(dir) {
            Ok(opened) => return Ok(opened),
            Err(Failure::Vanished(_)) if attempt < ATTEMPTS => {
                std::thread::sleep(PAUSE * attempt);
                attempt += 1;
            }
            Err(Failure::Vanished(file)) => return Err(folder::missing(dir, &file)),
            Err(Failure::Other(err)) => return Err(err),
        }
    }
}

enum Failure {
    /// A file the commit needs is not there (any more).
    Vanished(PathBuf),
    Other(Error),
}

fn open_once(dir: &Path) -> Result<(Index, Searcher), Failure> {
    let failed = |err: TantivyError| match err {
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(file)) => {
            Failure::Vanished(file)
        }
        other => Failure::Other(folder::damaged(dir, other)),
    };
    let directory = MmapDirectory::open(dir).map_err(|e| failed(e.into()))?;
    let index = Index::open(ReadOnlyDirectory(directory)).map_err(failed)?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()
        .map_err(failed)?;
    let searcher = reader.searcher();
    let segments = searcher
        .segment_readers()
        .iter()
        .map(|s| (s.segment_id(), s.delete_opstamp()));
    match folder::missing_segment_file(dir, segments) {
        Some(file) => Err(Failure::Vanished(file)),
        None => Ok((index, searcher)),
    }
}

/// tantivy's memory-mapped directory for reading only: it refuses every write, and the lock a
/// reader asks for (tantivy's `.tantivy-meta.lock`, a file opened for writing and locked with a
/// blocking `flock`) is granted without taking anything.
#[derive(Debug, Clone)]
struct ReadOnlyDirectory(MmapDirectory);

fn read_only(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("'{}': the index is open for reading only", path.display()),
    )
}

impl Directory for ReadOnlyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError {
            io_error: Arc::new(read_only(path)),
            filepath: path.to_path_buf(),
        })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::wrap_io_error(
            read_only(path),
            path.to_path_buf(),
        ))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only(path))
    }

    fn sync_directory(&self) -> io::Result<()> {
        Err(read_only(Path::new(".")))
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        if lock.filepath == INDEX_WRITER_LOCK.filepath {
            return Err(LockError::IoError(Arc::new(read_only(&lock.filepath))));
        }
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::directory::META_LOCK;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{IndexWriter, TantivyDocument, doc};

    /// An index in `dir` with one text field and one document per word, and its writer.
    fn index_with(dir: &Path, words: &[&str]) -> (Index, IndexWriter) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_dir(dir, schema.build()).unwrap();
        let mut writer: IndexWriter<TantivyDocument> = index.writer(15_000_000).unwrap();
        for word in words {
            writer.add_document(doc!(text => *word)).unwrap();
        }
        writer.commit().unwrap();
        (index, writer)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_are_refused_and_no_lock_is_taken() {
        let dir = tempfile::tempdir().unwrap();
        drop(index_with(dir.path(), &["alpha", "beta"]));
        for lock in [".tantivy-meta.lock", ".tantivy-writer.lock"] {
            let _ = std::fs::remove_file(dir.path().join(lock));
        }
        let before = names(dir.path());
        let directory = ReadOnlyDirectory(MmapDirectory::open(dir.path()).unwrap());
        assert!(directory.open_write(Path::new("new.idx")).is_err());
        assert!(
            directory
                .atomic_write(Path::new("meta.json"), b"{}")
                .is_err()
        );
        assert!(directory.delete(Path::new("meta.json")).is_err());
        assert!(directory.sync_directory().is_err());
        assert!(directory.acquire_lock(&INDEX_WRITER_LOCK).is_err());
        drop(directory.acquire_lock(&META_LOCK).unwrap());
        let (_, searcher) = open(dir.path()).unwrap();
        assert_eq!(searcher.num_docs(), 2);
        assert_eq!(names(dir.path()), before);
    }

    #[test]
    fn a_search_never_waits_on_the_lock_a_writer_holds() {
        let dir = tempfile::tempdir().unwrap();
        let (index, _writer) = index_with(dir.path(), &["alpha"]);
        // What a writer paused in its garbage collection holds.
        let _held = index.directory().acquire_lock(&META_LOCK).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let path = dir.path().to_path_buf();
        std::thread::spawn(move || tx.send(open(&path).map(|(_, s)| s.num_docs())));
        let opened = rx.recv_timeout(Duration::from_secs(10));
        assert!(matches!(opened, Ok(Ok(1))), "{opened:?}");
    }

    #[test]
    fn a_segment_removed_by_a_concurrent_commit_makes_the_search_read_that_commit() {
        let dir = tempfile::tempdir().unwrap();
        let (index, mut writer) = index_with(dir.path(), &["alpha"]);
        let meta = dir.path().join("meta.json");
        let older = std::fs::read(&meta).unwrap();
        writer.delete_all_documents().unwrap();
        writer
            .add_document(doc!(index.schema().get_field("text").unwrap() => "beta"))
            .unwrap();
        writer.commit().unwrap();
        writer.garbage_collect_files().wait().unwrap();
        let newer = std::fs::read(&meta).unwrap();
        // The instant a search has read the older commit and the writer has just removed its
        // segment: the search finds the newer commit only when it reads meta.json again.
        std::fs::write(&meta, older).unwrap();
        let restore = std::thread::spawn(move || {
            std::thread::sleep(PAUSE + PAUSE / 2);
            std::fs::write(meta.with_extension("new"), newer).unwrap();
            std::fs::rename(meta.with_extension("new"), meta).unwrap();
        });
        let (_, searcher) = open(dir.path()).unwrap();
        assert_eq!(searcher.num_docs(), 1);
        restore.join().unwrap();
    }
}
