//! `gazette batch`: many queries from a file, run in parallel, one row of results each; a bad
//! query is reported in its row and the others still run.

use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use super::bounds;
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::output;
use crate::query::{self, SearchRequest, Sort};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BatchFormat {
    /// A header row, then one row per query.
    Csv,
    /// One JSON object per query, one a line.
    Json,
}

#[derive(Debug, clap::Args)]
pub struct BatchArgs {
    /// A file with one query per line, or a CSV file with a `query` column.
    pub(crate) file: PathBuf,
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub(crate) index: PathBuf,
    /// The alias file to go by instead of the one the last `gazette index` recorded.
    #[arg(long, value_name = "FILE")]
    pub(crate) aliases: Option<PathBuf>,
    /// How many of the best hits each row names.
    #[arg(long, default_value_t = 3)]
    pub(crate) top: usize,
    #[arg(long, value_enum, default_value_t = BatchFormat::Csv)]
    pub(crate) format: BatchFormat,
}

/// One of the best hits of a query.
#[derive(Debug, Serialize)]
pub(crate) struct Top {
    pub key: String,
    pub title: String,
}

/// The results of one query of the batch, or why it could not run.
#[derive(Debug, Default, Serialize)]
pub(crate) struct Row {
    pub query: String,
    pub total: Option<u64>,
    pub first: Option<String>,
    pub last: Option<String>,
    pub top: Vec<Top>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

pub fn run(args: &BatchArgs, out: &mut dyn Write) -> Result<()> {
    let top = bounds::at_most("top", args.top, bounds::LIMIT)?;
    let text = std::fs::read_to_string(&args.file).map_err(|e| Error::io(&args.file, e))?;
    let queries = queries(&text).map_err(|e| Error::io(&args.file, e))?;
    let mut index = GazetteIndex::open(&args.index)?;
    super::aliases::for_search(&mut index, args.aliases.as_deref())?;
    let rows: Vec<Row> = queries
        .into_par_iter()
        .map(|query| match row(&index, &query, top) {
            Ok(row) => row,
            Err(err) => Row {
                query,
                error: Some(err.to_string()),
                ..Row::default()
            },
        })
        .collect();
    let written = match args.format {
        BatchFormat::Csv => output::batch_csv(out, &rows),
        BatchFormat::Json => rows.iter().try_for_each(|row| output::json_line(out, row)),
    };
    written.map_err(Error::Output)
}

/// The queries of a batch file: the `query` column when its first line is a CSV header naming
/// one, else each line that is not blank.
fn queries(text: &str) -> std::io::Result<Vec<String>> {
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let column = csv
        .headers()
        .ok()
        .and_then(|header| header.iter().position(|name| name.trim() == "query"));
    let Some(column) = column else {
        return Ok(text
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(String::from)
            .collect());
    };
    let mut queries = Vec::new();
    for record in csv.records() {
        let record = record?;
        let query = record.get(column).unwrap_or("").trim();
        if !query.is_empty() {
            queries.push(query.to_string());
        }
    }
    Ok(queries)
}

fn row(index: &GazetteIndex, query: &str, top: usize) -> Result<Row> {
    let request = SearchRequest {
        query: query.to_string(),
        limit: top,
        offset: 0,
        sort: Sort::Relevance,
        facets: false,
        explain: false,
        hits: true,
    };
    let results = query::search(index, &request, None)?;
    let parsed = query::parse(index, query)?;
    let (total, span) = crate::timeline::span(&index.searcher()?, &*parsed)?;
    Ok(Row {
        query: query.to_string(),
        total: Some(total),
        first: span.map(|(first, _)| first.to_string()),
        last: span.map(|(_, last)| last.to_string()),
        top: results
            .hits
            .into_iter()
            .map(|hit| Top {
                key: hit.key,
                title: hit.title,
            })
            .collect(),
        error: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_column_is_read_as_csv_and_anything_else_line_by_line() {
        let csv = "id,query\n1,\"kim, summit\"\n2,\n3,\"a \"\"phrase\"\"\"\n";
        assert_eq!(queries(csv).unwrap(), ["kim, summit", "a \"phrase\""]);
        let lines = "korea\n\n  people:\"Kim Jong-un\"  \nid,name\n";
        assert_eq!(
            queries(lines).unwrap(),
            ["korea", "people:\"Kim Jong-un\"", "id,name"]
        );
    }
}
