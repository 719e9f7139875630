//! The command line: one file per subcommand, each turning its clap arguments into a resolved
//! configuration before any work starts, then running and writing its output.

mod aliases;
pub mod batch;
mod bounds;
pub mod export;
pub mod extract;
pub mod index;
pub mod search;
pub mod serve;
pub mod stats;
pub mod sync;
mod threads;
pub mod watch;

use clap::{Parser, Subcommand};

/// Index a folder of news articles and search who said what, where and when.
#[derive(Debug, Parser)]
#[command(name = "gazette", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index a corpus folder (new, changed and removed files are picked up incrementally).
    Index(sync::SyncArgs),
    /// Index the corpus, then keep indexing new, changed and deleted files until Ctrl-C.
    Watch(sync::SyncArgs),
    /// Search the index.
    Search(search::SearchArgs),
    /// Show what gazette extracts from files or folders, without indexing.
    Extract(extract::ExtractArgs),
    /// Run the queries of a file (one a line, or a CSV `query` column) in parallel: per query
    /// the total, the best hits and the first and last publication date.
    Batch(batch::BatchArgs),
    /// Export the index for Elasticsearch/OpenSearch, Quickwit or any NDJSON reader, in full or
    /// only what changed since a previous export; or print the index definition they need.
    Export(export::ExportArgs),
    /// Serve the index to a browser: a search page and a JSON API, read-only.
    Serve(serve::ServeArgs),
    /// Summarise the index: documents, frequent people, places, countries, date span.
    Stats(stats::StatsArgs),
}
