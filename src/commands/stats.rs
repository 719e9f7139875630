//! `gazette stats`: what an index holds — its size, the people, places and countries most
//! often named, and the span of publication dates.

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, ExistsQuery};
use tantivy::{DateTime, Order};

use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::index::schema::{field, tantivy_to_day};
use crate::query::{self, Facets};

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub index: PathBuf,
    /// Print the statistics as one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
pub struct Span {
    pub first: String,
    pub last: String,
}

#[derive(Debug, Serialize)]
pub struct Stats {
    pub docs: u64,
    pub corpus: String,
    pub undated: u64,
    pub published: Option<Span>,
    #[serde(flatten)]
    pub top: Facets,
}

pub fn run(args: &StatsArgs, out: &mut dyn Write) -> Result<Stats> {
    let index = GazetteIndex::open(&args.index)?;
    let searcher = index.searcher()?;
    let dated = ExistsQuery::new(field::PUBLISHED.into(), false);
    let edge = |order| -> Result<Option<String>> {
        let top = TopDocs::with_limit(1).order_by_fast_field::<DateTime>(field::PUBLISHED, order);
        let found = searcher.search(&dated, &top)?;
        Ok(found
            .first()
            .and_then(|(d, _)| *d)
            .and_then(tantivy_to_day)
            .map(|d| d.to_string()))
    };
    let published = match (edge(Order::Asc)?, edge(Order::Desc)?) {
        (Some(first), Some(last)) => Some(Span { first, last }),
        _ => None,
    };
    let docs = searcher.num_docs();
    let dated_count = searcher.search(&dated, &tantivy::collector::Count)? as u64;
    let stats = Stats {
        docs,
        corpus: index.corpus.display().to_string(),
        undated: docs - dated_count,
        published,
        top: query::facets(&searcher, &AllQuery)?,
    };
    let written = if args.json {
        crate::output::json_line(out, &stats)
    } else {
        human(out, &stats)
    };
    written.map_err(|e| Error::io("<stdout>", e))?;
    Ok(stats)
}

fn human(out: &mut dyn Write, stats: &Stats) -> std::io::Result<()> {
    writeln!(out, "{} documents from {}", stats.docs, stats.corpus)?;
    match &stats.published {
        Some(span) => writeln!(
            out,
            "published {} to {} ({} undated)",
            span.first, span.last, stats.undated
        )?,
        None => writeln!(out, "no publication dates")?,
    }
    crate::output::facet_lines(out, "people", &stats.top.people)?;
    crate::output::facet_lines(out, "places", &stats.top.places)?;
    crate::output::facet_lines(out, "countries", &stats.top.countries)?;
    Ok(())
}
