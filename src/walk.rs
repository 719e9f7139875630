//! Which files are articles: a walk of the corpus folder that yields `.txt` and `.md` files
//! with their size and modification time, and reports what it could not visit.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{Error, Result};

/// The corpus folder as an absolute path, the form an index records it in.
pub fn corpus_root(path: &Path) -> Result<PathBuf> {
    let root = std::fs::canonicalize(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::CorpusMissing(path.to_path_buf()),
        _ => Error::io(path, e),
    })?;
    if !root.is_dir() {
        return Err(Error::CorpusNotDir(path.to_path_buf()));
    }
    Ok(root)
}

/// A file that looks like an article, identified by its path relative to the corpus root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEntry {
    pub path: PathBuf,
    /// Relative to the corpus root, with `/` separators: the article's identity in the index.
    pub key: String,
    pub size: u64,
    /// Nanoseconds since the Unix epoch.
    pub mtime: i64,
}

/// A path the walk passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skip {
    pub path: String,
    pub reason: String,
}

/// What a walk found: the article files, sorted by key, and what it could not visit.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FileEntry>,
    pub skipped: Vec<Skip>,
}

/// The files under `root` (or `root` itself when it is a file) that may be articles.
/// Hidden files and folders are skipped, symbolic links are not followed. Files are examined
/// (size, modification time) on the current rayon pool's threads.
pub fn walk(root: &Path) -> Result<Walk> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::CorpusMissing(root.to_path_buf()),
        _ => Error::io(root, e),
    })?;
    let root_is_dir = meta.is_dir();
    let mut found = Walk::default();
    let entries = WalkDir::new(root)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    // Reading the folders is cheap; a `stat` per file is most of a large corpus's walk and is
    // spread over the threads.
    let mut candidates = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) if entry.file_type().is_file() && is_article_name(entry.path()) => {
                candidates.push(entry);
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().unwrap_or(root).display().to_string();
                let reason = match err.io_error() {
                    Some(io) => format!("cannot read: {io}"),
                    None => err.to_string(),
                };
                found.skipped.push(Skip { path, reason });
            }
        }
    }
    let examined: Vec<std::result::Result<FileEntry, Skip>> = candidates
        .into_par_iter()
        .map(|entry| {
            let meta = entry.metadata().map_err(|err| Skip {
                path: entry.path().display().to_string(),
                reason: format!("cannot stat: {err}"),
            })?;
            let key = if root_is_dir {
                relative_key(root, entry.path())
            } else {
                entry.file_name().to_string_lossy().into_owned()
            };
            Ok(FileEntry {
                path: entry.into_path(),
                key,
                size: meta.len(),
                mtime: mtime_nanos(&meta),
            })
        })
        .collect();
    for file in examined {
        match file {
            Ok(file) => found.files.push(file),
            Err(skip) => found.skipped.push(skip),
        }
    }
    if !root_is_dir && found.files.is_empty() {
        found.skipped.push(Skip {
            path: root.display().to_string(),
            reason: "not a .txt or .md file".into(),
        });
    }
    found.files.par_sort_unstable_by(|a, b| a.key.cmp(&b.key));
    found.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(found)
}

impl FileEntry {
    /// The file's bytes, at most `limit` of them, so a file that grew huge after the walk is
    /// not read whole. The walk's size sizes the buffer, and reading through `take` spares the
    /// `statx` and `lseek` that `File::read_to_end` makes for every file.
    pub fn read(&self, limit: u64) -> std::io::Result<Vec<u8>> {
        use std::io::Read;
        let mut bytes = Vec::with_capacity(self.size.min(limit) as usize + 1);
        std::fs::File::open(&self.path)?
            .take(limit)
            .read_to_end(&mut bytes)?;
        Ok(bytes)
    }
}

/// The key of `path` when it is a file the corpus would hold: under `root`, not hidden, with
/// an article's extension. Watchers see every path; this keeps the ones a walk would yield.
pub fn key_under(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    if rel.iter().any(is_hidden) || !is_article_name(path) {
        return None;
    }
    Some(relative_key(root, path))
}

/// The entry for one file, or None when it is gone or is not a regular file (links included).
pub fn entry(path: &Path, key: &str) -> Option<FileEntry> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    meta.is_file().then(|| FileEntry {
        path: path.to_path_buf(),
        key: key.to_string(),
        size: meta.len(),
        mtime: mtime_nanos(&meta),
    })
}

pub fn mtime_nanos(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

fn is_article_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

fn relative_key(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_articles_and_skips_hidden_and_other_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for name in [
            "x.txt",
            "a/y.md",
            "a/b/z.TXT",
            ".hidden.txt",
            ".git/c.txt",
            "a/pic.png",
        ] {
            std::fs::write(root.join(name), "hello").unwrap();
        }
        let found = walk(root).unwrap();
        let keys: Vec<_> = found.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["a/b/z.TXT", "a/y.md", "x.txt"]);
        assert!(found.files.iter().all(|f| f.size == 5 && f.mtime > 0));
    }

    #[test]
    fn missing_root_is_an_error() {
        let err = walk(Path::new("/no/such/corpus")).unwrap_err();
        assert!(matches!(err, Error::CorpusMissing(_)));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("d")).unwrap();
        std::fs::write(root.join("d/a.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("d"), root.join("d/loop")).unwrap();
        std::os::unix::fs::symlink(root.join("d/a.txt"), root.join("link.txt")).unwrap();
        let keys: Vec<_> = walk(root)
            .unwrap()
            .files
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(keys, ["d/a.txt"]);
    }
}
