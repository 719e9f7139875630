//! The one error type of the library: every failure a command can report, each with a message
//! that fits on one line and tells the user what to do.

use std::path::PathBuf;

/// Everything that can stop a gazette command. Per-file problems during indexing are not errors:
/// they are reported as skips and counted, so that one bad file never stops a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("corpus folder '{}' does not exist", .0.display())]
    CorpusMissing(PathBuf),

    #[error("corpus path '{}' is not a folder", .0.display())]
    CorpusNotDir(PathBuf),

    #[error("file or folder '{}' does not exist", .0.display())]
    PathMissing(PathBuf),

    #[error("no index at '{}': run `gazette index` first", .0.display())]
    IndexMissing(PathBuf),

    #[error("'{}' exists but is not a gazette index; refusing to touch it (choose another --index folder)", .0.display())]
    NotAnIndex(PathBuf),

    #[error("index '{}' was written by an incompatible gazette version (format {found}, this build reads {expected}); re-create it with `gazette index --rebuild`", .path.display())]
    IncompatibleIndex {
        path: PathBuf,
        found: u32,
        expected: u32,
    },

    #[error("index '{}' holds the corpus '{}', not '{}'; use --rebuild to replace it or choose another --index folder", .index.display(), .indexed.display(), .requested.display())]
    OtherCorpus {
        index: PathBuf,
        indexed: PathBuf,
        requested: PathBuf,
    },

    #[error("index '{}' is being written by another gazette process", .0.display())]
    IndexBusy(PathBuf),

    #[error("invalid query: {0}")]
    Query(String),

    #[error("invalid date '{0}': use YYYY, YYYY-MM or YYYY-MM-DD")]
    Date(String),

    /// Writing the command's output failed: a full disk, or a reader that went away.
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),

    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),

    #[error("could not write the index (is the disk full?); the last commit is intact: {0}")]
    WriteFailed(String),

    #[error("cannot encode or decode JSON: {0}")]
    Json(#[from] serde_json::Error),

    #[error("cannot watch the corpus: {0}")]
    Watch(String),

    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),

    #[error("index '{}' is damaged ({detail}); re-create it with `gazette index --rebuild`", .path.display())]
    IndexDamaged { path: PathBuf, detail: String },

    #[error("refusing to clear index '{}' for --rebuild: it also holds '{}', which gazette did not write (move it out or choose another --index folder)", .index.display(), .entry.display())]
    ForeignEntry { index: PathBuf, entry: PathBuf },

    #[error("cannot serve: {0}")]
    Serve(String),

    #[error("the timeline would have more than {0} periods: choose a longer --by")]
    TooManyPeriods(usize),

    #[error("alias file '{}', line {line}: {message}", .path.display())]
    Aliases {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("export state '{}': {detail} (choose another --since file, or remove it to export everything)", .path.display())]
    ExportState { path: PathBuf, detail: String },

    #[error("{0}")]
    ExportOptions(&'static str),

    #[error("--{flag} {value} is too large: at most {max} is allowed")]
    FlagTooLarge {
        flag: &'static str,
        value: String,
        max: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error tied to the path it happened on, so the message names the file.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True when the output's reader has gone (`gazette search x | head`), which is how a
    /// pipeline says it has seen enough, not a failure.
    pub fn is_closed_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind;

    #[test]
    fn only_a_closed_output_pipe_is_quiet() {
        assert!(Error::Output(ErrorKind::BrokenPipe.into()).is_closed_pipe());
        assert!(!Error::Output(ErrorKind::StorageFull.into()).is_closed_pipe());
        assert!(!Error::io("a.txt", ErrorKind::BrokenPipe.into()).is_closed_pipe());
    }
}
