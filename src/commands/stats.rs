//! `gazette stats`: what an index holds — its size, the people, places, organisations and
//! countries most often named (ten of each, or `--top N`), and the span of publication dates.

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
    /// How many people, places, organisations and countries to list, the most named first.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub(crate) top: u16,
    /// Print the statistics as one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(args: &StatsArgs, out: &mut dyn Write) -> Result<()> {
    let mut index = GazetteIndex::open(&args.index)?;
    super::aliases::for_search(&mut index, args.aliases.as_deref())?;
    let stats = query::stats(&index, usize::from(args.top))?;
    let written = if args.json {
        output::json_line(out, &stats)
    } else {
        output::stats_human(out, &stats)
    };
    written.map_err(Error::Output)
}
