//! Which files are articles: a walk of the corpus folder that yields `.txt` and `.md` files
//! with their size and modification time, and reports what it could not visit; and the one way
//! an article file is opened.

use std::ffi::OsStr;
use std::fs::{File, FileType};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::error::{Error, Result};

/// The corpus folder as an absolute path, the form an index records it in.
pub fn corpus_root(path: &Path) -> Result<PathBuf> {
    let root = std::fs::canonicalize(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::CorpusMissing(path.to_path_buf()),
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
    /// The article's identity in the index: see [`relative_key`].
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

impl Skip {
    /// A skip of `path`, named the way [`shown`] names paths relative to `cwd`.
    pub(crate) fn new(path: &Path, reason: impl Into<String>, cwd: Option<&Path>) -> Skip {
        Skip {
            path: shown(path, cwd),
            reason: reason.into(),
        }
    }
}

/// A folder the walk could not read, or a file it could not examine: what an index holds for it
/// is unknown, not gone, so a sync keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unreadable {
    /// Its key ("" for the corpus root): it covers the article of that key and all under it.
    pub(crate) key: String,
    pub(crate) folder: bool,
    /// Its entry among the walk's skips.
    pub(crate) skip: Skip,
}

impl Unreadable {
    pub(crate) fn covers(&self, key: &str) -> bool {
        self.key.is_empty()
            || key
                .strip_prefix(self.key.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }
}

/// What a walk found: the article files, sorted by key, what it could not visit, and, among
/// those, what it could not look into.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<FileEntry>,
    pub skipped: Vec<Skip>,
    pub(crate) unreadable: Vec<Unreadable>,
}

/// Why a file the walk found was not read, or not taken as an article once read.
#[derive(Debug)]
pub enum Unread {
    /// Larger than `--max-size` when the walk saw it.
    TooLarge { size: u64, max: u64 },
    /// Grew past `--max-size` after the walk.
    Grew { max: u64 },
    /// Read, but not text.
    NotText(&'static str),
    /// Deleted since the walk.
    Vanished,
    /// Replaced since the walk by something that is not an article, such as a symbolic link.
    NotArticle(String),
    /// There, but the system would not read it (permissions, an I/O error).
    Failed(io::Error),
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unread::TooLarge { size, max } => {
                write!(f, "larger than --max-size ({size} bytes > {max})")
            }
            Unread::Grew { max } => write!(
                f,
                "larger than --max-size (grew past {max} bytes during the run)"
            ),
            Unread::NotText(reason) => f.write_str(reason),
            Unread::Vanished => f.write_str("vanished during the run"),
            Unread::NotArticle(reason) => f.write_str(reason),
            Unread::Failed(err) => write!(f, "cannot read: {err}"),
        }
    }
}

const LINK: &str = "symbolic link, not followed";

/// The files under `root` (or `root` itself when it is a file) that may be articles.
/// Hidden files and folders are skipped, symbolic links are not followed, and anything named
/// like an article that is not a regular file is reported. Files are examined (size,
/// modification time) on the current rayon pool's threads. Skipped paths are shown relative
/// to `cwd`, the working folder, when they lie under it.
pub fn walk(root: &Path, cwd: Option<&Path>) -> Result<Walk> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => Error::CorpusMissing(root.to_path_buf()),
        _ => Error::io(root, e),
    })?;
    let root_is_dir = meta.is_dir();
    let mut found = Start {
        root,
        path: root,
        // The root, even through a link: the user named it.
        follow: true,
        by_name: !root_is_dir,
        cwd,
    }
    .walk();
    if !root_is_dir && found.files.is_empty() && found.skipped.is_empty() {
        found
            .skipped
            .push(Skip::new(root, "not a .txt or .md file", cwd));
    }
    Ok(found)
}

/// What lies at `path` under the corpus folder `root`, found as [`walk`] finds it: the article
/// it is, or the articles under it when it is a folder, or nothing when it is gone. A link at
/// `path` itself is not followed either. Keys are relative to `root`.
pub(crate) fn walk_tree(root: &Path, path: &Path, cwd: Option<&Path>) -> Walk {
    match std::fs::symlink_metadata(path) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Walk::default(),
        _ => Start {
            root,
            path,
            follow: false,
            by_name: false,
            cwd,
        }
        .walk(),
    }
}

/// Where a walk starts, and how it names what it finds.
#[derive(Clone, Copy)]
struct Start<'a> {
    /// The corpus root, which keys are relative to.
    root: &'a Path,
    /// The root or a path under it.
    path: &'a Path,
    /// A link at `path` is followed.
    follow: bool,
    /// Files are keyed by their name alone (a corpus that is one file).
    by_name: bool,
    /// The working folder, which skipped paths are shown relative to.
    cwd: Option<&'a Path>,
}

impl Start<'_> {
    fn walk(self) -> Walk {
        let mut found = Walk::default();
        // Reading the folders is cheap; a `stat` per file is most of a large corpus's walk and
        // is spread over the threads.
        let candidates = found.list(self);
        let examined: Vec<std::result::Result<FileEntry, (PathBuf, io::Error)>> = candidates
            .into_par_iter()
            .map(|entry| self.examine(entry))
            .collect();
        for file in examined {
            match file {
                Ok(file) => found.files.push(file),
                Err((path, err)) if err.kind() == io::ErrorKind::NotFound => {
                    found
                        .skipped
                        .push(Skip::new(&path, format!("cannot stat: {err}"), self.cwd));
                }
                Err((path, err)) => {
                    found.unread(self, &path, false, format!("cannot stat: {err}"));
                }
            }
        }
        found.sort();
        found
    }

    /// The entry of a regular file named like an article, with its size and modification time.
    fn examine(
        self,
        entry: walkdir::DirEntry,
    ) -> std::result::Result<FileEntry, (PathBuf, io::Error)> {
        let meta = match std::fs::symlink_metadata(entry.path()) {
            Ok(meta) => meta,
            Err(err) => return Err((entry.into_path(), err)),
        };
        let key = if self.by_name {
            path_text(Path::new(entry.file_name()))
        } else {
            relative_key(self.root, entry.path())
        };
        Ok(FileEntry {
            path: entry.into_path(),
            key,
            size: meta.len(),
            mtime: mtime_nanos(&meta),
        })
    }
}

impl Walk {
    /// Reads the folders: the entries that may be articles, once examined. Everything else named
    /// like an article, and every folder that could not be read, is recorded.
    fn list(&mut self, start: Start) -> Vec<walkdir::DirEntry> {
        let entries = WalkDir::new(start.path)
            .follow_links(false)
            .follow_root_links(start.follow)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        let mut candidates = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) if entry.file_type().is_dir() || !is_article_name(entry.path()) => {}
                Ok(entry) => match not_regular(entry.file_type()) {
                    None => candidates.push(entry),
                    Some(reason) => {
                        let skip = Skip::new(entry.path(), reason, start.cwd);
                        self.skipped.push(skip);
                    }
                },
                Err(err) => {
                    // Without a path the error came from inside a folder listing; which folder
                    // is unknown, so all the walk covers counts as unread.
                    let path = err.path().unwrap_or(start.path);
                    let reason = match err.io_error() {
                        Some(io) => format!("cannot read folder: {io}"),
                        None => format!("cannot read folder: {err}"),
                    };
                    self.unread(start, path, true, reason);
                }
            }
        }
        candidates
    }

    /// Puts files, skips and unreadable paths in key order, each once: what several walks
    /// found, merged, may hold some twice.
    pub(crate) fn sort(&mut self) {
        self.files.par_sort_unstable_by(|a, b| a.key.cmp(&b.key));
        self.files.dedup_by(|a, b| a.key == b.key);
        self.skipped
            .sort_by(|a, b| (&a.path, &a.reason).cmp(&(&b.path, &b.reason)));
        self.skipped.dedup();
        self.unreadable.sort_by(|a, b| a.key.cmp(&b.key));
        self.unreadable.dedup();
    }

    /// Adds what another walk found; [`Walk::sort`] then puts the whole in order.
    pub(crate) fn extend(&mut self, other: Walk) {
        self.files.extend(other.files);
        self.skipped.extend(other.skipped);
        self.unreadable.extend(other.unreadable);
    }

    /// Records that `path` could not be read (or examined), as a skip and as unreadable.
    fn unread(&mut self, start: Start, path: &Path, folder: bool, reason: String) {
        let skip = Skip::new(path, reason, start.cwd);
        self.skipped.push(skip.clone());
        self.unreadable.push(Unreadable {
            key: relative_key(start.root, path),
            folder,
            skip,
        });
    }
}

impl FileEntry {
    /// The article's bytes, when it is one: at most `max` bytes by the walk's size and as read
    /// (a file that grew since is read no further than one byte past the limit), and text.
    pub fn read_article(&self, max: u64) -> std::result::Result<Vec<u8>, Unread> {
        if self.size > max {
            return Err(Unread::TooLarge {
                size: self.size,
                max,
            });
        }
        let bytes = self.read(max.saturating_add(1))?;
        if bytes.len() as u64 > max {
            return Err(Unread::Grew { max });
        }
        match crate::article::not_text(&bytes) {
            Some(reason) => Err(Unread::NotText(reason)),
            None => Ok(bytes),
        }
    }

    /// The file's bytes, at most `limit` of them, so a file that grew huge after the walk is
    /// not read whole. Opened by [`open_article`]; reading through `take` spares the `statx`
    /// and `lseek` that `File::read_to_end` makes for every file, as the open made one already.
    fn read(&self, limit: u64) -> std::result::Result<Vec<u8>, Unread> {
        let (file, size) = open_article(&self.path)?;
        let mut bytes = Vec::with_capacity(size.min(limit) as usize + 1);
        file.take(limit)
            .read_to_end(&mut bytes)
            .map_err(Unread::Failed)?;
        Ok(bytes)
    }
}

/// Opens an article file, with its size. What is at the path may have changed since the walk
/// saw a regular file there: a symbolic link is not followed (a link swapped in could point to
/// any file the process can read), a FIFO or device does not block the open (a FIFO without a
/// writer would block it for ever, with the index's writer lock held), and anything but a
/// regular file is refused, as found on the opened file itself.
fn open_article(path: &Path) -> std::result::Result<(File, u64), Unread> {
    let file = open_no_follow(path).map_err(|err| match err.kind() {
        io::ErrorKind::NotFound => Unread::Vanished,
        _ if is_link_refusal(&err) => Unread::NotArticle(LINK.into()),
        _ => Unread::Failed(err),
    })?;
    let meta = file.metadata().map_err(Unread::Failed)?;
    match not_regular(meta.file_type()) {
        Some(reason) => Err(Unread::NotArticle(reason)),
        None => Ok((file, meta.len())),
    }
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NOCTTY: a terminal device swapped in must not become the process's controlling one.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// `open` with `O_NOFOLLOW` fails with `ELOOP` when the path is a symbolic link.
#[cfg(unix)]
fn is_link_refusal(err: &io::Error) -> bool {
    err.raw_os_error() == Some(libc::ELOOP)
}

#[cfg(not(unix))]
fn is_link_refusal(_: &io::Error) -> bool {
    false
}

/// Why a file of this type is not an article, or None for a regular file.
fn not_regular(kind: FileType) -> Option<String> {
    if kind.is_file() {
        None
    } else if kind.is_symlink() {
        Some(LINK.into())
    } else {
        Some(format!("not a regular file ({})", type_name(kind)))
    }
}

#[cfg(unix)]
fn type_name(kind: FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a folder"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "of an unknown type"
    }
}

#[cfg(not(unix))]
fn type_name(kind: FileType) -> &'static str {
    if kind.is_dir() {
        "a folder"
    } else {
        "of an unknown type"
    }
}

/// The key of `path` when it is a file the corpus would hold: under `root`, not hidden, with
/// an article's extension. Watchers see every path; this keeps the ones a walk would yield.
pub(crate) fn key_under(root: &Path, path: &Path) -> Option<String> {
    tree_key(root, path).filter(|_| is_article_name(path))
}

/// The key of `path` when a walk of the corpus `root` would look at it or into it: strictly
/// under `root`, and neither hidden nor in a hidden folder.
pub(crate) fn tree_key(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    if rel.as_os_str().is_empty() || rel.iter().any(is_hidden) {
        return None;
    }
    Some(relative_key(root, path))
}

/// The modification time of `meta`, in nanoseconds since the Unix epoch (0 when unknown).
pub(crate) fn mtime_nanos(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as i64)
}

/// A name starting with a dot, whatever bytes follow.
fn is_hidden(name: &OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn is_article_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("md"))
}

/// The key of a file: its path relative to the corpus root, names joined by `/`, each in the
/// text form of [`path_text`]. The form is lossless, so two files never share a key, and a
/// name in valid UTF-8 without a backslash is its own key, as before the form was introduced.
fn relative_key(root: &Path, path: &Path) -> String {
    names_key(path.strip_prefix(root).unwrap_or(path))
}

/// The key of a file named by itself (on `extract`'s command line) rather than found in a
/// corpus: its path as given, in the form of [`relative_key`], so that dates in its folders
/// count as they would in an index of the folder above.
pub(crate) fn given_key(path: &Path) -> String {
    names_key(path)
}

/// The names of `path` joined by `/`, each escaped by [`path_text`]'s rules; an absolute path
/// starts with `/`.
fn names_key(path: &Path) -> String {
    let mut key = String::with_capacity(path.as_os_str().len());
    for part in path.components() {
        if !key.is_empty() && !key.ends_with('/') {
            key.push('/');
        }
        match part {
            std::path::Component::RootDir => key.push('/'),
            other => escape_into(&mut key, other.as_os_str()),
        }
    }
    key
}

/// A path as text, losslessly: valid UTF-8 as it is, except that a backslash is written `\\`,
/// and each byte of an invalid UTF-8 sequence as `\x` and two upper-case hex digits (`\xFF`).
/// [`text_path`] reverses it.
pub(crate) fn path_text(path: &Path) -> String {
    let mut text = String::with_capacity(path.as_os_str().len());
    escape_into(&mut text, path.as_os_str());
    text
}

fn escape_into(text: &mut String, name: &OsStr) {
    use std::fmt::Write;
    for chunk in name.as_encoded_bytes().utf8_chunks() {
        for (i, part) in chunk.valid().split('\\').enumerate() {
            if i > 0 {
                text.push_str("\\\\");
            }
            text.push_str(part);
        }
        for byte in chunk.invalid() {
            let _ = write!(text, "\\x{byte:02X}");
        }
    }
}

/// The path that [`path_text`] wrote as `text`. A backslash that starts neither `\\` nor `\x`
/// with two hex digits, which `path_text` never writes, stands for itself.
pub(crate) fn text_path(text: &str) -> PathBuf {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&first, after)) = rest.split_first() {
        rest = after;
        if first != b'\\' {
            bytes.push(first);
        } else if let [b'\\', after @ ..] = rest {
            bytes.push(b'\\');
            rest = after;
        } else if let Some(byte) = hex_byte(rest) {
            bytes.push(byte);
            rest = &rest[3..];
        } else {
            bytes.push(b'\\');
        }
    }
    path_from_bytes(bytes)
}

/// The byte that `xHH` at the start of `text` writes.
fn hex_byte(text: &[u8]) -> Option<u8> {
    let [b'x', high, low, ..] = text else {
        return None;
    };
    let digit = |d: u8| (d as char).to_digit(16);
    Some((digit(*high)? * 16 + digit(*low)?) as u8)
}

#[cfg(unix)]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    use std::os::unix::ffi::OsStringExt;
    PathBuf::from(std::ffi::OsString::from_vec(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: Vec<u8>) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(&bytes).into_owned())
}

/// The file an index key names under the corpus `root`.
pub fn key_path(root: &Path, key: &str) -> PathBuf {
    root.join(text_path(key))
}

/// A path as people and programs are shown it (skips, hits): relative to `cwd`, the working
/// folder, when it lies under it, as the user would type it, and in the lossless form of
/// [`path_text`].
pub(crate) fn shown(path: &Path, cwd: Option<&Path>) -> String {
    let relative = cwd
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .filter(|rel| !rel.as_os_str().is_empty());
    path_text(relative.unwrap_or(path))
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
        let found = walk(root, None).unwrap();
        let keys: Vec<_> = found.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["a/b/z.TXT", "a/y.md", "x.txt"]);
        assert!(found.files.iter().all(|f| f.size == 5 && f.mtime > 0));
    }

    #[test]
    fn missing_root_is_an_error() {
        let err = walk(Path::new("/no/such/corpus"), None).unwrap_err();
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
        let keys: Vec<_> = walk(root, None)
            .unwrap()
            .files
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(keys, ["d/a.txt"]);
    }
    #[cfg(unix)]
    fn mkfifo(path: &Path) {
        use std::os::unix::ffi::OsStrExt;
        let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path; mkfifo only creates a file.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    }

    #[cfg(unix)]
    fn bytes_path(root: &Path, name: &[u8]) -> PathBuf {
        use std::os::unix::ffi::OsStrExt;
        root.join(OsStr::from_bytes(name))
    }

    fn file(path: &Path) -> FileEntry {
        FileEntry {
            path: path.to_path_buf(),
            key: "k.txt".into(),
            size: 0,
            mtime: 0,
        }
    }

    #[cfg(unix)]
    #[test]
    fn names_differing_only_in_invalid_utf8_get_distinct_keys_that_lead_back() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(bytes_path(root, b"d\\x41")).unwrap();
        for name in [&b"a\xff.txt"[..], b"a\xfe.txt", b"d\\x41/b.txt"] {
            std::fs::write(bytes_path(root, name), "x").unwrap();
        }
        let found = walk(root, None).unwrap();
        let keys: Vec<_> = found.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["a\\xFE.txt", "a\\xFF.txt", "d\\\\x41/b.txt"]);
        for file in &found.files {
            assert_eq!(key_path(root, &file.key), file.path);
        }
    }

    #[cfg(unix)]
    #[test]
    fn text_path_reverses_path_text() {
        use std::os::unix::ffi::OsStrExt;
        for name in [
            &b"plain/utf-8 caf\xc3\xa9.txt"[..],
            b"\\",
            b"back\\slash\\",
            b"\\x41 looks escaped",
            b"\xff\xfe\x00\xc3",
            b"\xc3\\",
        ] {
            let path = Path::new(OsStr::from_bytes(name));
            let text = path_text(path);
            assert_eq!(text_path(&text), path, "{text}");
        }
        assert_eq!(path_text(Path::new("a/caf\u{e9}.txt")), "a/caf\u{e9}.txt");
        assert_eq!(path_text(Path::new("a\\b")), "a\\\\b");
    }

    #[cfg(unix)]
    #[test]
    fn names_starting_with_a_dot_are_hidden_whatever_follows() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(bytes_path(root, b".\xfecache")).unwrap();
        for name in [&b".\xffsecret.txt"[..], b".\xfecache/x.txt", b"seen.txt"] {
            std::fs::write(bytes_path(root, name), "x").unwrap();
        }
        let found = walk(root, None).unwrap();
        let keys: Vec<_> = found.files.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["seen.txt"]);
        assert_eq!(
            key_under(root, &bytes_path(root, b".\xfecache/x.txt")),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_and_fifos_named_like_articles_are_skipped_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("real.txt"), "x").unwrap();
        std::os::unix::fs::symlink(root.join("real.txt"), root.join("alias.txt")).unwrap();
        mkfifo(&root.join("pipe.txt"));
        mkfifo(&root.join("pipe.fifo"));
        let reasons = |found: Walk| -> Vec<(String, String)> {
            let name = |p: &str| {
                Path::new(p)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            };
            found
                .skipped
                .into_iter()
                .map(|s| (name(&s.path), s.reason))
                .collect()
        };
        let expected = [
            ("alias.txt".to_string(), LINK.to_string()),
            ("pipe.txt".into(), "not a regular file (a FIFO)".into()),
        ];
        assert_eq!(reasons(walk(root, None).unwrap()), expected);
        // Named one by one, as `extract` is given them.
        for (name, reason) in expected {
            let found = walk(&root.join(&name), None).unwrap();
            assert_eq!(reasons(found), [(name, reason)]);
        }
    }

    #[cfg(unix)]
    #[test]
    fn reading_refuses_a_link_swapped_in_after_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("secret"), "Secret\n\nwords").unwrap();
        let link = dir.path().join("a.txt");
        std::os::unix::fs::symlink(dir.path().join("secret"), &link).unwrap();
        match file(&link).read(1000) {
            Err(Unread::NotArticle(reason)) => assert_eq!(reason, LINK),
            other => panic!("read through a link: {other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn reading_a_fifo_swapped_in_after_the_walk_neither_blocks_nor_reads() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("a.txt");
        mkfifo(&fifo);
        // A plain open of a FIFO without a writer never returns: read on another thread, so
        // that a regression fails the test instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(file(&fifo).read(1000).map_err(|e| e.to_string())));
        let read = rx.recv_timeout(std::time::Duration::from_secs(5));
        assert_eq!(read, Ok(Err("not a regular file (a FIFO)".to_string())));
    }

    #[test]
    fn reading_a_vanished_file_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let read = file(&dir.path().join("gone.txt")).read(1000);
        assert!(matches!(read, Err(Unread::Vanished)), "{read:?}");
    }

    /// A folder whose path is longer than the system allows cannot be read by path, even by
    /// root (for whom permissions would not do): it is made through `/proc/self/fd`, whose
    /// paths stay short.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_that_cannot_be_read_is_reported_and_marked_unreadable() {
        use std::os::fd::AsRawFd;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("ok.txt"), "x").unwrap();
        let name = "d".repeat(250);
        let mut parent = std::fs::File::open(root).unwrap();
        let mut key = Vec::new();
        for _ in 0..18 {
            let via = format!("/proc/self/fd/{}/{name}", parent.as_raw_fd());
            std::fs::create_dir(&via).unwrap();
            parent = std::fs::File::open(&via).unwrap();
            key.push(name.as_str());
        }
        let found = walk(root, None).unwrap();
        assert_eq!(found.files.len(), 1);
        let [unreadable] = &found.unreadable[..] else {
            panic!("one unreadable folder expected: {:?}", found.unreadable);
        };
        assert!(unreadable.folder);
        assert!(key.join("/").starts_with(&unreadable.key));
        assert!(!unreadable.key.is_empty());
        assert_eq!(found.skipped, std::slice::from_ref(&unreadable.skip));
        assert!(
            unreadable.skip.reason.starts_with("cannot read folder: "),
            "{}",
            unreadable.skip.reason
        );
    }

    #[test]
    fn an_unreadable_folder_covers_what_lies_under_it() {
        let at = |key: &str| Unreadable {
            key: key.into(),
            folder: true,
            skip: Skip::new(Path::new(key), "cannot read folder", None),
        };
        assert!(at("b").covers("b/1.txt"));
        assert!(at("b").covers("b/c/2.txt"));
        assert!(!at("b").covers("bb/1.txt"));
        assert!(!at("b").covers("a/b/1.txt"));
        assert!(at("").covers("a/1.txt"));
        assert!(at("x.txt").covers("x.txt"));
    }

    #[test]
    fn shown_paths_are_relative_to_the_working_folder_when_under_it() {
        let cwd = Some(Path::new("/work"));
        assert_eq!(shown(Path::new("/work/corpus/x.txt"), cwd), "corpus/x.txt");
        assert_eq!(
            shown(Path::new("/elsewhere/x.txt"), cwd),
            "/elsewhere/x.txt"
        );
        assert_eq!(shown(Path::new("rel/x.txt"), cwd), "rel/x.txt");
        assert_eq!(shown(Path::new("/work"), cwd), "/work");
        assert_eq!(shown(Path::new("/work/x.txt"), None), "/work/x.txt");
    }

    #[test]
    fn skips_are_shown_relative_to_the_folder_given_not_the_process_one() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("pic.png"), "x").unwrap();
        let found = walk(&root.join("pic.png"), Some(root)).unwrap();
        assert_eq!(found.skipped[0].path, "pic.png");
        let found = walk(&root.join("pic.png"), None).unwrap();
        assert_eq!(found.skipped[0].path, path_text(&root.join("pic.png")));
    }

    #[test]
    fn given_keys_are_the_path_as_typed_with_names_escaped_like_relative_keys() {
        assert_eq!(
            given_key(Path::new("corpus/2022/x.txt")),
            "corpus/2022/x.txt"
        );
        assert_eq!(given_key(Path::new("./x.txt")), "./x.txt");
        assert_eq!(given_key(Path::new("/abs/x.txt")), "/abs/x.txt");
        assert_eq!(given_key(Path::new("/")), "/");
        assert_eq!(given_key(Path::new("a\\b/x.txt")), "a\\\\b/x.txt");
        let root = Path::new("/corpus");
        assert_eq!(
            given_key(Path::new("d/a\\b.txt")),
            relative_key(root, Path::new("/corpus/d/a\\b.txt"))
        );
    }

    #[test]
    fn reading_an_article_checks_its_size_before_and_after_and_that_it_is_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "Title\n\nten bytes").unwrap();
        let at = |size: u64| FileEntry {
            size,
            ..file(&path)
        };
        let reason = |read: std::result::Result<Vec<u8>, Unread>| read.unwrap_err().to_string();
        assert_eq!(
            reason(at(200).read_article(100)),
            "larger than --max-size (200 bytes > 100)"
        );
        assert_eq!(
            reason(at(5).read_article(10)),
            "larger than --max-size (grew past 10 bytes during the run)"
        );
        assert_eq!(at(16).read_article(16).unwrap(), b"Title\n\nten bytes");
        std::fs::write(&path, "a\0b").unwrap();
        assert_eq!(
            reason(at(3).read_article(16)),
            "binary file (contains NUL bytes)"
        );
    }

    fn keys(found: &Walk) -> Vec<&str> {
        found.files.iter().map(|f| f.key.as_str()).collect()
    }

    #[cfg(unix)]
    #[test]
    fn a_tree_walk_keys_from_the_root_and_follows_no_link_where_it_starts() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("d/e")).unwrap();
        std::fs::create_dir_all(root.join("d/.h")).unwrap();
        for name in [
            "d/a.txt",
            "d/e/b.md",
            "d/.h/c.txt",
            "d/e/pic.png",
            "other.txt",
        ] {
            std::fs::write(root.join(name), "x").unwrap();
        }
        std::os::unix::fs::symlink(root.join("d"), root.join("l")).unwrap();
        std::os::unix::fs::symlink(root.join("other.txt"), root.join("l.txt")).unwrap();
        assert_eq!(
            keys(&walk_tree(root, &root.join("d"), None)),
            ["d/a.txt", "d/e/b.md"]
        );
        assert_eq!(
            keys(&walk_tree(root, &root.join("d/e/b.md"), None)),
            ["d/e/b.md"]
        );
        let gone = walk_tree(root, &root.join("gone"), None);
        assert!(gone.files.is_empty() && gone.skipped.is_empty() && gone.unreadable.is_empty());
        let linked = walk_tree(root, &root.join("l"), None);
        assert!(linked.files.is_empty() && linked.skipped.is_empty());
        let link = walk_tree(root, &root.join("l.txt"), None);
        assert!(link.files.is_empty());
        assert_eq!(link.skipped[0].reason, LINK);
    }

    #[test]
    fn tree_keys_lie_strictly_under_the_root_and_are_never_hidden() {
        let root = Path::new("/corpus");
        let key = |path: &str| tree_key(root, Path::new(path));
        assert_eq!(key("/corpus/d"), Some("d".into()));
        assert_eq!(key("/corpus/d/a.txt"), Some("d/a.txt".into()));
        for outside in [
            "/corpus",
            "/corpus/.git",
            "/corpus/d/.h/a.txt",
            "/elsewhere/a.txt",
        ] {
            assert_eq!(key(outside), None, "{outside}");
        }
        assert_eq!(key_under(root, Path::new("/corpus/d")), None);
        assert_eq!(
            key_under(root, Path::new("/corpus/d/a.txt")),
            Some("d/a.txt".into())
        );
    }

    #[test]
    fn merged_walks_hold_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir(root.join("d")).unwrap();
        std::fs::write(root.join("d/a.txt"), "x").unwrap();
        let mut found = walk_tree(root, &root.join("d"), None);
        found.extend(walk_tree(root, &root.join("d/a.txt"), None));
        found.sort();
        assert_eq!(keys(&found), ["d/a.txt"]);
    }
}
