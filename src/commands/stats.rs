//! `gazette stats`: what an index holds — its size, the people, places and countries most
//! often named, and the span of publication dates.

use std::io::Write;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::output;
use crate::query;

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub(crate) index: PathBuf,
    /// The alias file to go by instead of the one the last `gazette index` recorded.
    #[arg(long, value_name = "FILE")]
    pub(crate) aliases: Option<PathBuf>,
    /// Print the statistics as one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: &StatsArgs, out: &mut dyn Write) -> Result<()> {
    let mut index = GazetteIndex::open(&args.index)?;
    super::aliases::for_search(&mut index, args.aliases.as_deref())?;
    let stats = query::stats(&index)?;
    let written = if args.json {
        output::json_line(out, &stats)
    } else {
        output::stats_human(out, &stats)
    };
    written.map_err(Error::Output)
}
