//! Export: the index's articles, with what gazette extracted from them, as NDJSON for the bulk
//! API of Elasticsearch or OpenSearch, for Quickwit, or for any other tool; in full or only
//! what changed since a previous export, streamed a segment and a chunk at a time.

mod document;
mod elasticsearch;
mod file;
mod quickwit;
mod source;
mod state;

use std::io::Write;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use document::Document;
pub(crate) use file::Replacement;
use source::SegmentSource;
pub(crate) use state::Previous;
use state::{NextState, Removal};

/// The engine an export is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// The `_bulk` API of Elasticsearch or OpenSearch: an `index` or `delete` action per article.
    Elasticsearch,
    /// Quickwit's ingest: one document a line; removals go to a list of delete queries.
    Quickwit,
    /// One document a line; a removed article is `{"path":…,"deleted":true}`.
    Ndjson,
}

impl Target {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Target::Elasticsearch => "elasticsearch",
            Target::Quickwit => "quickwit",
            Target::Ndjson => "ndjson",
        }
    }
}

/// The engines whose index definition `--mapping` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mapping {
    /// The settings and mappings to create an Elasticsearch or OpenSearch index with.
    Elasticsearch,
    /// A Quickwit index config (YAML).
    Quickwit,
}

/// Writes the index definition of `mapping`.
pub(crate) fn mapping(mapping: Mapping, out: &mut dyn Write) -> std::io::Result<()> {
    match mapping {
        Mapping::Elasticsearch => elasticsearch::mapping(out),
        Mapping::Quickwit => quickwit::config(out),
    }
}

/// Where an export writes.
pub(crate) struct Outputs<'w> {
    pub(crate) documents: &'w mut dyn Write,
    /// Quickwit's delete queries, one a line.
    pub(crate) deletes: Option<&'w mut dyn Write>,
    /// For an incremental export: the state of the last export (None: there was none) and
    /// where the new state goes.
    pub(crate) state: Option<(Option<Previous>, &'w mut dyn Write)>,
}

/// What an export wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Articles sent whole.
    pub sent: u64,
    /// Articles whose file is gone from the index, sent as removals.
    pub removed: u64,
}

/// Exports the articles of `index` for `target`: all of them, or with a state only those that
/// changed since it, and removals for those gone.
pub(crate) fn export(index: &GazetteIndex, target: Target, outputs: Outputs) -> Result<Summary> {
    let Outputs {
        documents,
        mut deletes,
        state,
    } = outputs;
    let searcher = index.searcher()?;
    let mut summary = Summary::default();
    let chosen = match state {
        None => None,
        Some((previous, next)) => {
            let mut next = NextState::start(next, target)?;
            let mut remove = |key: &str, removal: Removal| -> Result<()> {
                if removal == Removal::Gone {
                    summary.removed += 1;
                }
                removed(target, key, removal, &mut *documents, &mut deletes)
            };
            let path = index.fields.path;
            Some(state::compare(
                &searcher,
                path,
                previous,
                &mut next,
                &mut remove,
            )?)
        }
    };
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let chosen = chosen.as_ref().map(|c| &c[ord]);
        if chosen.is_some_and(|c| !c.contains(&true)) {
            continue;
        }
        let docs = segment
            .doc_ids_alive()
            .filter(|&doc| chosen.is_none_or(|c| c[doc as usize]));
        SegmentSource::open(segment, &index.fields)?.for_each(docs, &mut |doc| {
            summary.sent += 1;
            document(target, doc, &mut *documents)
        })?;
        source::release(&index.index, segment);
    }
    documents.flush().map_err(Error::Output)?;
    if let Some(deletes) = deletes {
        deletes.flush().map_err(Error::Output)?;
    }
    Ok(summary)
}

/// Writes one article for `target`.
fn document(target: Target, doc: &Document, out: &mut dyn Write) -> Result<()> {
    let written = match target {
        Target::Elasticsearch => {
            elasticsearch::index_action(&doc.path, out).and_then(|()| doc.write(target, out))
        }
        Target::Quickwit | Target::Ndjson => doc.write(target, out),
    };
    written.map_err(Error::Output)
}

/// Writes what `target` needs to drop the article of `key`: Elasticsearch replaces a changed
/// article by its `_id` and Quickwit has to delete it first.
fn removed(
    target: Target,
    key: &str,
    removal: Removal,
    documents: &mut dyn Write,
    deletes: &mut Option<&mut dyn Write>,
) -> Result<()> {
    let written = match (target, removal) {
        (Target::Elasticsearch, Removal::Gone) => elasticsearch::delete_action(key, documents),
        (Target::Ndjson, Removal::Gone) => {
            serde_json::to_writer(
                &mut *documents,
                &Deleted {
                    path: key,
                    deleted: true,
                },
            )?;
            documents.write_all(b"\n")
        }
        (Target::Quickwit, _) => match deletes {
            Some(out) => quickwit::delete_query(key, &mut **out),
            None => return Err(Error::ExportOptions(QUICKWIT_DELETES)),
        },
        (Target::Elasticsearch | Target::Ndjson, Removal::Replaced) => Ok(()),
    };
    written.map_err(Error::Output)
}

/// Why an incremental Quickwit export needs `--deletes`.
pub(crate) const QUICKWIT_DELETES: &str = "an incremental export to quickwit needs --deletes FILE: Quickwit takes removed and changed articles as delete queries, apart from the documents";

#[derive(Serialize)]
struct Deleted<'a> {
    path: &'a str,
    deleted: bool,
}
