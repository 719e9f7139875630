//! `gazette index`: sync a corpus folder into an index folder and report what changed.

use std::io::Write;
use std::path::PathBuf;

use crate::error::Result;
use tantivy::IndexWriter;

use crate::index::GazetteIndex;
use crate::index::sync::{Progress, Summary, SyncOptions, Syncer};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// The folder of articles (.txt and .md files, searched recursively).
    #[arg(default_value = "corpus")]
    pub corpus: PathBuf,
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Threads for reading and extraction [default: all cores].
    #[arg(long)]
    pub threads: Option<usize>,
    /// Start the index over instead of updating it.
    #[arg(long)]
    pub rebuild: bool,
    /// Skip files larger than this many bytes.
    #[arg(long, default_value_t = 10_000_000)]
    pub max_size: u64,
    /// Commit after this many files read, so that an interrupted run keeps its work.
    #[arg(long, default_value_t = 100_000)]
    pub commit_every: usize,
    /// Print the summary as one JSON object.
    #[arg(long)]
    pub json: bool,
}

/// `IndexArgs` with every default resolved and the corpus made absolute.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    pub corpus: PathBuf,
    pub index: PathBuf,
    pub json: bool,
    pub sync: SyncOptions,
}

impl IndexArgs {
    pub fn config(self) -> Result<IndexConfig> {
        Ok(IndexConfig {
            corpus: crate::walk::corpus_root(&self.corpus)?,
            index: self.index,
            json: self.json,
            sync: SyncOptions {
                threads: self.threads.unwrap_or_else(super::default_threads).max(1),
                max_size: self.max_size,
                batch: self.commit_every.max(1),
                rebuild: self.rebuild,
            },
        })
    }
}

impl IndexConfig {
    /// Opens (or creates) the index for writing; the writer holds the folder's lock.
    pub fn open(&self) -> Result<(GazetteIndex, IndexWriter)> {
        GazetteIndex::open_for_writing(
            &self.index,
            &self.corpus,
            self.sync.rebuild,
            self.sync.threads,
        )
    }
}

pub fn run(
    config: &IndexConfig,
    progress: &(dyn Fn(Progress) + Sync),
    out: &mut dyn Write,
) -> Result<Summary> {
    let (index, mut writer) = config.open()?;
    let summary = Syncer::new(&index, &mut writer, config.sync.clone())?.full(progress)?;
    report(config, &summary, out)?;
    Ok(summary)
}

/// Prints one run's summary: a JSON object, or a line and the skipped files for people.
pub fn report(config: &IndexConfig, summary: &Summary, out: &mut dyn Write) -> Result<()> {
    let written = if config.json {
        output::json_line(out, summary)
    } else {
        output::index_human(out, summary, &config.index.display().to_string())
            .and_then(|()| output::skips(out, &summary.skipped))
    };
    written
        .and_then(|()| out.flush())
        .map_err(|e| crate::error::Error::io("<stdout>", e))
}
