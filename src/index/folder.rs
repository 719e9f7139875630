//! The index folder on disk: the marker that proves a folder is a gazette index, which of its
//! files such an index owns, and the only ways gazette writes, locks, checks and clears them.

use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, INDEX_WRITER_LOCK, Lock, MmapDirectory, WatchCallback,
    WatchHandle, WritePtr,
};
use tantivy::index::SegmentId;
use tantivy::{Index, IndexSettings, TantivyError};

use crate::error::{Error, Result};
use crate::index::schema::{FORMAT, Fields};

/// The file that marks a folder as a gazette index and records what it indexes.
const MARKER: &str = "gazette.json";

/// Appended to a file's name for the temporary file it is written through.
const TEMP_SUFFIX: &str = ".tmp";

/// tantivy's files for the last commit and for the files it manages.
const TANTIVY_META: [&str; 2] = ["meta.json", ".managed.json"];
/// The name table of the last commit, which searches load rather than work out again.
const SAVED_NAMES: &str = "names.json";
/// The alias file the last `gazette index` run went by, which searches go by too.
const RECORDED_ALIASES: &str = super::names::aliases::FILE_NAME;

/// The files every segment has, by extension; a segment with deletions also has
/// `<uuid>.<opstamp>.del`.
const SEGMENT_COMPONENTS: [&str; 6] = ["idx", "pos", "term", "store", "fast", "fieldnorm"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Marker {
    pub(crate) format: u32,
    /// The corpus root, absolute, that this index mirrors, in the walk's lossless text form so
    /// that any folder name survives JSON.
    #[serde(with = "lossless_path")]
    pub(crate) corpus: PathBuf,
}

mod lossless_path {
    use std::path::{Path, PathBuf};

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(path: &Path, out: S) -> Result<S::Ok, S::Error> {
        out.serialize_str(&crate::walk::path_text(path))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<PathBuf, D::Error> {
        Ok(crate::walk::text_path(&String::deserialize(input)?))
    }
}

impl Marker {
    /// The marker this build writes for an index of `corpus`.
    pub(crate) fn current(corpus: &Path) -> Marker {
        Marker {
            format: FORMAT,
            corpus: corpus.to_path_buf(),
        }
    }
}

pub(crate) fn read_marker(dir: &Path) -> Result<Option<Marker>> {
    let path = dir.join(MARKER);
    match fs::read(&path) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(marker) => Ok(Some(marker)),
            Err(_) => Err(Error::NotAnIndex(dir.to_path_buf())),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(path, e)),
    }
}

pub(crate) fn write_marker(dir: &Path, marker: &Marker) -> Result<()> {
    let bytes = serde_json::to_vec_pretty(marker)?;
    write_file(dir, Path::new(MARKER), &bytes).map_err(|e| Error::io(dir.join(MARKER), e))
}

pub(crate) fn check_format(dir: &Path, marker: &Marker) -> Result<()> {
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

/// Replaces the file `name` of `dir` through a temporary file and a rename, so that a crash
/// never leaves half of it, and so that nothing planted in the folder can redirect the write:
/// `name` must be a plain file name, a stale temporary file (or a link put in its place) is
/// removed first, which never touches a link's target, and `create_new` (`O_EXCL`) with
/// `O_NOFOLLOW` refuses to open through a link. The rename replaces a link at `name` itself,
/// not its target. The file gets the default permissions, so that whoever may read the folder
/// may search the index.
pub(crate) fn write_file(dir: &Path, name: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_file(dir, name, bytes, true)
}

/// As [`write_file`], with the bytes flushed to the disk before the rename only when `durable`:
/// a file that checks itself on reading may be left to the system's write-back, which a crash
/// can leave empty or old.
fn replace_file(dir: &Path, name: &Path, bytes: &[u8], durable: bool) -> io::Result<()> {
    let mut parts = name.components();
    let (Some(Component::Normal(file)), None) = (parts.next(), parts.next()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("'{}' is not a file of the index folder", name.display()),
        ));
    };
    let mut temp = file.to_os_string();
    temp.push(TEMP_SUFFIX);
    let temp = dir.join(temp);
    match fs::remove_file(&temp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NOFOLLOW);
    let mut out = options.open(&temp)?;
    out.write_all(bytes)?;
    if durable {
        out.sync_data()?;
    }
    fs::rename(&temp, dir.join(file))
}

/// Records the alias file an index run went by (none: removes the record).
pub(crate) fn record_aliases(dir: &Path, text: Option<&str>) -> Result<()> {
    let name = Path::new(RECORDED_ALIASES);
    let done = match text {
        Some(text) => write_file(dir, name, text.as_bytes()),
        None => match fs::remove_file(dir.join(name)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        },
    };
    done.map_err(|e| Error::io(dir.join(name), e))
}

/// Saves the name table of the last commit. It is not flushed to the disk first (a few
/// milliseconds at the end of every index run): the table is a cache of what the index holds,
/// stamped with its commit and hashed, so one that a crash left empty, cut short or old is
/// worked out again by the next run or search.
pub(crate) fn save_names(dir: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(dir, Path::new(SAVED_NAMES), bytes, false)
        .map_err(|e| Error::io(dir.join(SAVED_NAMES), e))
}

/// The saved name table, when there is one to read: mapped rather than read, since a search
/// looks at a few of its lines (reading it meant faulting in a fresh buffer the size of the
/// file, most of a light search's time in the kernel).
pub(crate) fn saved_names(dir: &Path) -> Option<memmap2::Mmap> {
    let file = fs::File::open(dir.join(SAVED_NAMES)).ok()?;
    // SAFETY: the table is only ever replaced whole, by renaming a new file over it
    // (`save_names` through `replace_file`), never written in place, so the mapped file does
    // not change under us. After a power loss it may be short or zeroed, being unflushed:
    // `SavedText::read` then finds its stamp or hash wrong and the book is worked out again.
    unsafe { memmap2::Mmap::map(&file) }.ok()
}

/// The path of the alias file recorded in an index folder, when there is one.
pub(crate) fn recorded_aliases(dir: &Path) -> Option<PathBuf> {
    let path = dir.join(RECORDED_ALIASES);
    path.is_file().then_some(path)
}

/// What an entry of an index folder is to gazette.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// git's placeholders (the repository keeps `index/` with a `.gitignore`): left alone.
    Placeholder,
    /// A lock file: never deleted, since another process may hold it.
    Lock,
    /// The marker: rewritten but never deleted, so that the folder stays provably ours.
    Marker,
    /// The temporary file of an interrupted write.
    Leftover,
    /// tantivy's meta files and segment files.
    Data,
    /// Anything else, sub-folders included: not gazette's.
    Foreign,
}

impl Entry {
    fn of(name: &std::ffi::OsStr, is_dir: bool) -> Entry {
        let Some(name) = name.to_str().filter(|_| !is_dir) else {
            return Entry::Foreign;
        };
        if name == ".gitignore" || name == ".gitkeep" {
            Entry::Placeholder
        } else if name.starts_with(".tantivy-") && name.ends_with(".lock") {
            Entry::Lock
        } else if name == MARKER {
            Entry::Marker
        } else if is_temp(name) {
            Entry::Leftover
        } else if TANTIVY_META.contains(&name)
            || name == RECORDED_ALIASES
            || name == SAVED_NAMES
            || is_segment_file(name)
        {
            Entry::Data
        } else {
            Entry::Foreign
        }
    }

    /// Entries a folder may hold and still count as empty: what an interrupted creation leaves.
    fn leaves_empty(self) -> bool {
        matches!(self, Entry::Placeholder | Entry::Lock | Entry::Leftover)
    }
}

/// The temporary files of [`write_file`]. A `.tmpXXXXXX` that an older build's tantivy may have
/// left is not recognised: a user's file can have such a name, so it is refused as foreign.
fn is_temp(name: &str) -> bool {
    name.strip_suffix(TEMP_SUFFIX).is_some_and(|base| {
        base == MARKER
            || base == RECORDED_ALIASES
            || base == SAVED_NAMES
            || TANTIVY_META.contains(&base)
    })
}

/// `<segment uuid>.<component>`, the files tantivy writes for each segment.
fn is_segment_file(name: &str) -> bool {
    let Some((uuid, ext)) = name.split_once('.') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    uuid.len() == 32
        && uuid.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && (SEGMENT_COMPONENTS.contains(&ext)
            || ext == "store.temp"
            || ext.strip_suffix(".del").is_some_and(digits))
}

/// The entries of `dir` with what they are, or `None` when there is no such folder.
fn entries(dir: &Path) -> io::Result<Option<Vec<(PathBuf, Entry)>>> {
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    for entry in listing {
        let entry = entry?;
        let is_dir = match entry.file_type() {
            Ok(kind) => kind.is_dir(),
            // Gone since the listing: a temporary file renamed, say.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        entries.push((entry.path(), Entry::of(&entry.file_name(), is_dir)));
    }
    Ok(Some(entries))
}

/// True for no folder at all, or one that holds nothing but git's placeholders and what an
/// interrupted creation leaves (lock and temporary files): a folder a new index may go into.
pub(crate) fn is_empty_or_missing(dir: &Path) -> bool {
    match entries(dir) {
        Ok(Some(entries)) => entries.iter().all(|(_, kind)| kind.leaves_empty()),
        Ok(None) => true,
        Err(_) => false,
    }
}

/// True when `dir` holds a marker or could hold a new index, judged from one listing so that an
/// index another process is creating at the same moment is seen either way, never half-made.
pub(crate) fn is_ours_or_empty(dir: &Path) -> bool {
    match entries(dir) {
        Ok(Some(entries)) => {
            entries.iter().any(|(_, kind)| *kind == Entry::Marker)
                || entries.iter().all(|(_, kind)| kind.leaves_empty())
        }
        Ok(None) => true,
        Err(_) => false,
    }
}

/// Deletes tantivy's files and the temporary files of `dir`, keeping the marker (the folder stays
/// provably ours until a new index replaces the old one), the lock files and git's placeholders.
/// Refuses, deleting nothing, when the folder holds anything gazette did not write.
fn clear(dir: &Path) -> Result<()> {
    let mut doomed = Vec::new();
    let listed = entries(dir).map_err(|e| Error::io(dir, e))?;
    for (path, kind) in listed.unwrap_or_default() {
        match kind {
            Entry::Data | Entry::Leftover => doomed.push(path),
            Entry::Foreign => {
                return Err(Error::ForeignEntry {
                    index: dir.to_path_buf(),
                    entry: path,
                });
            }
            Entry::Placeholder | Entry::Lock | Entry::Marker => {}
        }
    }
    // meta.json goes first: a run interrupted here leaves a folder with no index yet, which the
    // next run simply creates, rather than a commit whose segments are half gone.
    doomed.sort_by_key(|p| p.file_name().is_none_or(|n| n != "meta.json"));
    for path in doomed {
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(Error::io(&path, e)),
            _ => {}
        }
    }
    Ok(())
}

/// The first file that the given segments (id and delete opstamp) need and `dir` lacks.
pub(crate) fn missing_segment_file(
    dir: &Path,
    segments: impl IntoIterator<Item = (SegmentId, Option<u64>)>,
) -> Option<PathBuf> {
    segments
        .into_iter()
        .flat_map(|(id, deletes)| {
            let uuid = id.uuid_string();
            let deletes = deletes.map(|opstamp| format!("{uuid}.{opstamp}.del"));
            SEGMENT_COMPONENTS
                .iter()
                .map(move |ext| format!("{uuid}.{ext}"))
                .chain(deletes)
        })
        .map(PathBuf::from)
        .find(|name| !dir.join(name).exists())
}

/// The error for an index whose files are damaged or missing, which `--rebuild` repairs; any
/// other failure (permissions, say) is reported as it is.
pub(crate) fn damaged(dir: &Path, err: TantivyError) -> Error {
    match err {
        TantivyError::DataCorruption(corruption) => {
            // tantivy's text goes on to quote the damaged bytes; its first sentence says enough.
            let text = format!("{corruption:?}");
            let first = text.split(". ").next().unwrap_or(&text);
            Error::IndexDamaged {
                path: dir.to_path_buf(),
                detail: first.trim_end_matches('.').to_string(),
            }
        }
        TantivyError::OpenReadError(OpenReadError::FileDoesNotExist(file)) => missing(dir, &file),
        other => Error::Index(other),
    }
}

/// The error for an index that lacks `file`, named within the folder.
pub(crate) fn missing(dir: &Path, file: &Path) -> Error {
    let name = file.file_name().map_or(file, Path::new);
    Error::IndexDamaged {
        path: dir.to_path_buf(),
        detail: format!("'{}' is missing", name.display()),
    }
}

fn create(directory: FolderDirectory) -> Result<Index> {
    let schema = Fields::schema().0;
    Ok(Index::create(directory, schema, IndexSettings::default())?)
}

/// The index in `dir`, created when the folder has none yet, after checking that every file its
/// last commit needs is there.
pub(crate) fn open_or_create(dir: &Path, directory: FolderDirectory) -> Result<Index> {
    if !dir.join("meta.json").exists() {
        return create(directory);
    }
    let index = Index::open(directory).map_err(|e| damaged(dir, e))?;
    let metas = index
        .searchable_segment_metas()
        .map_err(|e| damaged(dir, e))?;
    let segments = metas.iter().map(|m| (m.id(), m.delete_opstamp()));
    match missing_segment_file(dir, segments) {
        Some(file) => Err(missing(dir, &file)),
        None => Ok(index),
    }
}

/// For `--rebuild` of the index `found` in `dir`: the index itself when it opens whole, or else
/// (an older format, damaged or missing files) a new one, created once tantivy's files are gone.
pub(crate) fn start_over(dir: &Path, directory: FolderDirectory, found: &Marker) -> Result<Index> {
    if found.format == FORMAT {
        match open_or_create(dir, directory.clone()) {
            Err(Error::IndexDamaged { .. }) => {}
            opened => return opened,
        }
    }
    clear(dir)?;
    create(directory)
}

/// The directory the index is written through: tantivy's memory-mapped directory, except that
/// its writer lock is taken before the folder is first looked at and handed to the writer (so no
/// other process can change the folder between gazette's checks and its writer), and that its
/// atomic writes (`meta.json`, `.managed.json`) go through [`write_file`].
#[derive(Clone)]
pub(crate) struct FolderDirectory {
    root: PathBuf,
    inner: MmapDirectory,
    held: Arc<Mutex<Option<DirectoryLock>>>,
}

impl FolderDirectory {
    /// Opens `dir`, creating it if needed, and takes its writer lock without waiting.
    pub(crate) fn lock(dir: &Path) -> Result<FolderDirectory> {
        fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let inner = MmapDirectory::open(dir).map_err(|e| Error::Index(e.into()))?;
        let lock = inner
            .acquire_lock(&INDEX_WRITER_LOCK)
            .map_err(|e| match e {
                LockError::LockBusy => Error::IndexBusy(dir.to_path_buf()),
                LockError::IoError(e) => Error::io(
                    dir.join(&INDEX_WRITER_LOCK.filepath),
                    io::Error::new(e.kind(), e.to_string()),
                ),
            })?;
        Ok(FolderDirectory {
            root: dir.to_path_buf(),
            inner,
            held: Arc::new(Mutex::new(Some(lock))),
        })
    }
}

impl fmt::Debug for FolderDirectory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FolderDirectory({})", self.root.display())
    }
}

impl Directory for FolderDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.inner.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        write_file(&self.root, path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        if lock.filepath == INDEX_WRITER_LOCK.filepath {
            let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
            if let Some(taken) = held.take() {
                return Ok(taken);
            }
        }
        self.inner.acquire_lock(lock)
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::GazetteIndex;
    use crate::index::sync::{SyncOptions, Syncer};

    /// A corpus folder `name` under `root` holding `n` small articles, as an absolute root.
    fn corpus(root: &Path, name: &str, n: usize) -> PathBuf {
        let dir = root.join(name);
        fs::create_dir_all(&dir).unwrap();
        for i in 0..n {
            fs::write(
                dir.join(format!("{i}.txt")),
                format!("Story {i}\n\nTax rise {i}.\n"),
            )
            .unwrap();
        }
        crate::walk::corpus_root(&dir).unwrap()
    }

    /// Indexes `corpus` into `index` as `gazette index` does.
    fn index(index: &Path, corpus: &Path, rebuild: bool) -> Result<()> {
        let (opened, mut writer) = GazetteIndex::open_for_writing(index, corpus, rebuild, 1)?;
        let options = SyncOptions {
            threads: 1,
            max_size: 1 << 20,
            batch: 100,
            rebuild,
        };
        Syncer::new(&opened, &mut writer, options)?.full(&|_| {})?;
        Ok(())
    }

    fn docs(index: &Path) -> Result<(PathBuf, u64)> {
        let opened = GazetteIndex::open(index)?;
        Ok((opened.corpus.clone(), opened.searcher()?.num_docs()))
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }

    #[cfg(unix)]
    #[test]
    fn links_planted_in_the_folder_never_redirect_a_write() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        fs::write(&victim, "user data").unwrap();
        let index = dir.path().join("index");
        fs::create_dir(&index).unwrap();
        std::os::unix::fs::symlink(&victim, index.join("gazette.json.tmp")).unwrap();
        std::os::unix::fs::symlink(&victim, index.join("meta.json")).unwrap();
        let marker = Marker::current(Path::new("/corpus"));
        write_marker(&index, &marker).unwrap();
        write_file(&index, Path::new("meta.json"), b"{}").unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "user data");
        for name in [MARKER, "meta.json"] {
            assert!(fs::symlink_metadata(index.join(name)).unwrap().is_file());
        }
        assert_eq!(read_marker(&index).unwrap(), Some(marker));
        assert_eq!(names(&index), [MARKER, "meta.json"]);
    }

    #[test]
    fn only_plain_file_names_can_be_written() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["../escape", "a/b", "/abs", "..", ""] {
            let err = write_file(dir.path(), Path::new(name), b"x").unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput, "{name}");
        }
        assert!(names(dir.path()).is_empty());
    }

    #[test]
    fn folder_entries_are_told_apart() {
        let uuid = "0123456789abcdef0123456789abcdef";
        let cases = [
            (".gitignore", Entry::Placeholder),
            (".tantivy-writer.lock", Entry::Lock),
            (".tantivy-meta.lock", Entry::Lock),
            ("gazette.json", Entry::Marker),
            ("gazette.json.tmp", Entry::Leftover),
            ("meta.json.tmp", Entry::Leftover),
            (".tmpAb12Z9", Entry::Foreign),
            ("meta.json", Entry::Data),
            (".managed.json", Entry::Data),
            (&format!("{uuid}.idx"), Entry::Data),
            (&format!("{uuid}.fieldnorm"), Entry::Data),
            (&format!("{uuid}.store.temp"), Entry::Data),
            (&format!("{uuid}.542.del"), Entry::Data),
            (&format!("{uuid}.txt"), Entry::Foreign),
            (&format!("{uuid}.del"), Entry::Foreign),
            ("0123.idx", Entry::Foreign),
            ("notes.txt.tmp", Entry::Foreign),
            (".tmp", Entry::Foreign),
            ("precious.txt", Entry::Foreign),
        ];
        for (name, kind) in cases {
            assert_eq!(Entry::of(name.as_ref(), false), kind, "{name}");
        }
        assert_eq!(Entry::of("meta.json".as_ref(), true), Entry::Foreign);
    }

    #[test]
    fn rebuilding_an_old_format_refuses_a_folder_holding_user_files_and_deletes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let news = corpus(dir.path(), "news", 0);
        index(&news, &news, false).unwrap();
        fs::write(news.join("precious.txt"), "Precious\n\nMy only copy.\n").unwrap();
        fs::create_dir(news.join("drafts")).unwrap();
        fs::write(news.join("drafts/d.md"), "Draft\n\ntext\n").unwrap();
        index(&news, &news, false).unwrap();
        let old = Marker {
            format: FORMAT - 1,
            corpus: news.clone(),
        };
        write_marker(&news, &old).unwrap();
        let before = names(&news);
        match index(&news, &news, true) {
            Err(Error::ForeignEntry { entry, .. }) => {
                let name = entry.file_name().unwrap();
                assert!(name == "precious.txt" || name == "drafts", "{entry:?}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(names(&news), before);
        assert_eq!(names(&news.join("drafts")), ["d.md"]);
    }

    #[test]
    fn rebuilding_an_old_format_keeps_the_placeholders_and_replaces_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path(), "corpus", 3);
        let index_dir = dir.path().join("index");
        fs::create_dir(&index_dir).unwrap();
        fs::write(index_dir.join(".gitignore"), "*\n").unwrap();
        index(&index_dir, &corpus, false).unwrap();
        let old = Marker {
            format: FORMAT - 1,
            corpus: corpus.clone(),
        };
        write_marker(&index_dir, &old).unwrap();
        let stale: Vec<String> = names(&index_dir)
            .into_iter()
            .filter(|n| n.ends_with(".idx"))
            .collect();
        index(&index_dir, &corpus, true).unwrap();
        let after = names(&index_dir);
        assert!(after.contains(&".gitignore".to_string()));
        assert!(stale.iter().all(|n| !after.contains(n)));
        assert_eq!(docs(&index_dir).unwrap(), (corpus, 3));
    }

    #[test]
    fn an_interrupted_rebuild_onto_another_corpus_never_relabels_the_old_documents() {
        let dir = tempfile::tempdir().unwrap();
        let a = corpus(dir.path(), "a", 4);
        let b = corpus(dir.path(), "b", 2);
        let index_dir = dir.path().join("index");
        index(&index_dir, &a, false).unwrap();
        // Stopped right after opening, before the rebuild's first commit of its own.
        drop(GazetteIndex::open_for_writing(&index_dir, &b, true, 1).unwrap());
        let (labelled, count) = docs(&index_dir).unwrap();
        assert!(
            labelled == a && count == 4 || labelled == b && count == 0,
            "{labelled:?} labels {count} documents"
        );
        index(&index_dir, &b, true).unwrap();
        assert_eq!(docs(&index_dir).unwrap(), (b, 2));
    }

    #[test]
    fn a_truncated_meta_json_is_reported_and_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path(), "corpus", 3);
        let index_dir = dir.path().join("index");
        index(&index_dir, &corpus, false).unwrap();
        let meta = index_dir.join("meta.json");
        let bytes = fs::read(&meta).unwrap();
        fs::write(&meta, &bytes[..100]).unwrap();
        assert!(matches!(docs(&index_dir), Err(Error::IndexDamaged { .. })));
        assert!(matches!(
            index(&index_dir, &corpus, false),
            Err(Error::IndexDamaged { .. })
        ));
        index(&index_dir, &corpus, true).unwrap();
        assert_eq!(docs(&index_dir).unwrap(), (corpus, 3));
    }

    #[test]
    fn a_missing_segment_file_is_reported_and_rebuilt() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path(), "corpus", 3);
        let index_dir = dir.path().join("index");
        index(&index_dir, &corpus, false).unwrap();
        for name in names(&index_dir).iter().filter(|n| n.ends_with(".pos")) {
            fs::remove_file(index_dir.join(name)).unwrap();
        }
        for result in [
            docs(&index_dir).map(|_| ()),
            index(&index_dir, &corpus, false),
        ] {
            match result {
                Err(Error::IndexDamaged { detail, .. }) => assert!(detail.contains(".pos")),
                other => panic!("expected IndexDamaged, got {other:?}"),
            }
        }
        index(&index_dir, &corpus, true).unwrap();
        assert_eq!(docs(&index_dir).unwrap(), (corpus, 3));
    }

    #[test]
    fn processes_racing_to_create_one_index_succeed_or_find_it_busy() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path(), "corpus", 1);
        for round in 0..20 {
            let index_dir = dir.path().join(format!("index{round}"));
            let results: Vec<Result<()>> = std::thread::scope(|s| {
                let racers: Vec<_> = (0..4)
                    .map(|_| {
                        s.spawn(|| {
                            GazetteIndex::open_for_writing(&index_dir, &corpus, false, 1).map(drop)
                        })
                    })
                    .collect();
                racers.into_iter().map(|r| r.join().unwrap()).collect()
            });
            for result in results {
                assert!(
                    matches!(result, Ok(()) | Err(Error::IndexBusy(_))),
                    "{result:?}"
                );
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn index_files_are_as_readable_as_any_new_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let corpus = corpus(dir.path(), "corpus", 2);
        let index_dir = dir.path().join("index");
        index(&index_dir, &corpus, false).unwrap();
        let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let fresh = dir.path().join("fresh");
        fs::write(&fresh, "").unwrap();
        for name in [MARKER, "meta.json", ".managed.json"] {
            assert_eq!(mode(&index_dir.join(name)), mode(&fresh), "{name}");
        }
    }
}
