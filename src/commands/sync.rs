//! What `index` and `watch` share: their arguments resolved into a configuration, opening the
//! index for writing, and the report of one pass.

use std::io::Write;
use std::path::PathBuf;

use tantivy::IndexWriter;

use super::{bounds, threads};
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::index::names::Aliases;
use crate::index::sync::{Summary, SyncOptions, Syncer};
use crate::output;

/// `--commit-every` when it is not given.
pub(crate) const DEFAULT_COMMIT_EVERY: usize = 100_000;

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// The folder of articles (.txt and .md files, searched recursively).
    #[arg(default_value = "corpus")]
    pub(crate) corpus: PathBuf,
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub(crate) index: PathBuf,
    /// Threads for reading and extraction [default: all cores].
    #[arg(long)]
    pub(crate) threads: Option<usize>,
    /// Start the index over instead of updating it.
    #[arg(long)]
    pub(crate) rebuild: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = bounds::DEFAULT_MAX_SIZE)]
    pub(crate) max_size: u64,
    /// Commit after this many files read, so that an interrupted run keeps its work.
    #[arg(long, default_value_t = DEFAULT_COMMIT_EVERY)]
    pub(crate) commit_every: usize,
    /// The alias file (merge, rename, hide or move names) [default: aliases.toml in the
    /// working folder, when there is one].
    #[arg(long, value_name = "FILE")]
    pub(crate) aliases: Option<PathBuf>,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `SyncArgs` with every default resolved and the corpus made absolute.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    pub(crate) corpus: PathBuf,
    pub(crate) index: PathBuf,
    pub json: bool,
    pub(crate) sync: SyncOptions,
    /// Read and checked before the index is opened, so a malformed file changes nothing.
    pub(crate) aliases: Aliases,
    /// The working folder, which skipped paths are shown relative to.
    pub(crate) cwd: Option<PathBuf>,
}

impl SyncArgs {
    pub fn config(self) -> Result<SyncConfig> {
        Ok(SyncConfig {
            corpus: crate::walk::corpus_root(&self.corpus)?,
            index: self.index,
            json: self.json,
            sync: SyncOptions {
                threads: threads::resolve(self.threads)?,
                max_size: bounds::at_most("max-size", self.max_size, bounds::MAX_SIZE)?,
                batch: self.commit_every.max(1),
                rebuild: self.rebuild,
            },
            cwd: std::env::current_dir().ok(),
            aliases: super::aliases::for_corpus(self.aliases.as_deref())?,
        })
    }
}

impl SyncConfig {
    /// The syncer of one process's passes, with the writer of [`SyncConfig::open`].
    pub(crate) fn syncer<'a>(
        &'a self,
        index: &'a GazetteIndex,
        writer: &'a mut IndexWriter,
    ) -> Result<Syncer<'a>> {
        Ok(Syncer::new(index, writer, self.sync.clone())?.shown_from(self.cwd.as_deref()))
    }

    /// Opens (or creates) the index for writing; the writer holds the folder's lock.
    /// Records the alias file for the searches that follow.
    pub(crate) fn open(&self) -> Result<(GazetteIndex, IndexWriter)> {
        let (index, writer) = GazetteIndex::open_for_writing(
            &self.index,
            &self.corpus,
            self.sync.rebuild,
            self.sync.threads,
        )?;
        index.record_aliases(&self.aliases)?;
        Ok((index, writer))
    }

    /// Saves the names of the pass's commit, for the searches that follow.
    pub(crate) fn after_pass(&self, index: &GazetteIndex) -> Result<()> {
        index.save_names(&self.aliases)
    }

    /// Prints one pass's summary: a JSON object, or a line and the skipped files for people.
    pub(crate) fn report(&self, summary: &Summary, out: &mut dyn Write) -> Result<()> {
        let written = if self.json {
            output::json_line(out, summary)
        } else {
            output::index_human(out, summary, &self.index.display().to_string())
                .and_then(|()| output::skips(out, &summary.skipped))
        };
        written.and_then(|()| out.flush()).map_err(Error::Output)
    }
}
