//! `gazette export`: the index's articles for Elasticsearch/OpenSearch, Quickwit or any NDJSON
//! reader, in full or only what changed since the state of a previous export; or the index
//! definition those engines need.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::export::{self, Mapping, Outputs, Previous, QUICKWIT_DELETES, Replacement, Target};
use crate::index::GazetteIndex;

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The engine to export for.
    #[arg(long, value_enum, required_unless_present = "mapping")]
    pub(crate) format: Option<Target>,
    /// Print the index definition for an engine instead of exporting.
    #[arg(long, value_enum, conflicts_with_all = ["format", "since", "output", "deletes"])]
    pub(crate) mapping: Option<Mapping>,
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub(crate) index: PathBuf,
    /// Export only what changed since the export that wrote STATE (everything when STATE does
    /// not exist yet), then replace STATE by the state of this export.
    #[arg(long, value_name = "STATE")]
    pub(crate) since: Option<PathBuf>,
    /// Write the export to FILE, replaced once complete, rather than to standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Quickwit only: write the delete queries of removed and changed articles to FILE.
    #[arg(long, value_name = "FILE")]
    pub(crate) deletes: Option<PathBuf>,
}

pub enum ExportConfig {
    Mapping(Mapping),
    Export {
        target: Target,
        index: PathBuf,
        since: Option<PathBuf>,
        output: Option<PathBuf>,
        deletes: Option<PathBuf>,
    },
}

impl ExportArgs {
    pub fn config(self) -> Result<ExportConfig> {
        let target = match (self.mapping, self.format) {
            (Some(mapping), _) => return Ok(ExportConfig::Mapping(mapping)),
            (None, Some(target)) => target,
            (None, None) => return Err(Error::ExportOptions("give --format or --mapping")),
        };
        match (target, &self.deletes, &self.since) {
            (Target::Quickwit, None, Some(_)) => {
                return Err(Error::ExportOptions(QUICKWIT_DELETES));
            }
            (Target::Elasticsearch | Target::Ndjson, Some(_), _) => {
                return Err(Error::ExportOptions(
                    "--deletes is for --format quickwit: elasticsearch and ndjson exports carry removals among the documents",
                ));
            }
            _ => {}
        }
        let files = [&self.output, &self.deletes, &self.since];
        let named: Vec<&PathBuf> = files.iter().filter_map(|f| f.as_ref()).collect();
        if (1..named.len()).any(|i| named[..i].contains(&named[i])) {
            return Err(Error::ExportOptions(
                "--output, --deletes and --since must name different files",
            ));
        }
        Ok(ExportConfig::Export {
            target,
            index: self.index,
            since: self.since,
            output: self.output,
            deletes: self.deletes,
        })
    }
}

/// Runs the export, or prints the mapping, to `out` unless a file was named. The documents
/// and delete queries are complete on disk before the new state replaces the old one, so an
/// export that fails or is interrupted leaves the state of the last one that finished: the
/// next export sends everything since then again.
pub fn run(config: &ExportConfig, out: &mut dyn Write) -> Result<Option<export::Summary>> {
    let ExportConfig::Export {
        target,
        index,
        since,
        output,
        deletes,
    } = config
    else {
        if let ExportConfig::Mapping(mapping) = config {
            export::mapping(*mapping, out).map_err(Error::Output)?;
        }
        return Ok(None);
    };
    let index = GazetteIndex::open(index)?;
    let previous = match since {
        Some(path) => match File::open(path) {
            Ok(file) => Some(Previous::open(
                path,
                Box::new(BufReader::new(file)),
                *target,
            )?),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io(path, e)),
        },
        None => None,
    };
    let mut output = output.as_deref().map(Replacement::create).transpose()?;
    let mut deletes = deletes.as_deref().map(Replacement::create).transpose()?;
    let mut state = since.as_deref().map(Replacement::create).transpose()?;
    let summary = export::export(
        &index,
        *target,
        Outputs {
            documents: match &mut output {
                Some(file) => file,
                None => out,
            },
            deletes: deletes.as_mut().map(|f| f as &mut dyn Write),
            state: state.as_mut().map(|f| (previous, f as &mut dyn Write)),
        },
    )?;
    for file in [output, deletes, state].into_iter().flatten() {
        file.commit()?;
    }
    Ok(Some(summary))
}
