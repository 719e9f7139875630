//! `gazette search`: run one query and print the ranked hits.

use std::io::Write;
use std::path::PathBuf;

use super::bounds;
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::output::{self, Style};
use crate::query::{self, SearchRequest, Sort};

#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// Words, "phrases", OR, -exclusions and field filters such as people:"Kim Jong-un",
    /// places:Seoul, countries:KP, published:[2023-01-01 TO 2023-12-31], dates:2023-09.
    #[arg(required = true)]
    pub(crate) query: Vec<String>,
    /// The index folder.
    #[arg(long, default_value = "index")]
    pub(crate) index: PathBuf,
    /// How many hits to show.
    #[arg(long, default_value_t = 10)]
    pub(crate) limit: usize,
    /// How many hits to pass over first (for paging).
    #[arg(long, default_value_t = 0)]
    pub(crate) offset: usize,
    /// Order of the hits.
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub(crate) sort: Sort,
    /// Also count the most frequent people, places and countries among all matches.
    #[arg(long)]
    pub(crate) facets: bool,
    /// Print the results as one JSON object.
    #[arg(long)]
    pub(crate) json: bool,
}

pub struct SearchConfig {
    pub(crate) index: PathBuf,
    pub(crate) request: SearchRequest,
    /// The working folder, which hit paths are shown relative to.
    pub(crate) cwd: Option<PathBuf>,
    pub(crate) json: bool,
    pub(crate) style: Style,
}

impl SearchArgs {
    pub fn config(self, color: bool) -> Result<SearchConfig> {
        Ok(SearchConfig {
            index: self.index,
            request: SearchRequest {
                query: self.query.join(" "),
                limit: bounds::at_most("limit", self.limit, bounds::LIMIT)?,
                offset: bounds::at_most("offset", self.offset, bounds::OFFSET)?,
                sort: self.sort,
                facets: self.facets,
            },
            cwd: std::env::current_dir().ok(),
            json: self.json,
            style: Style::new(color && !self.json),
        })
    }
}

pub fn run(config: &SearchConfig, out: &mut dyn Write) -> Result<()> {
    let index = GazetteIndex::open(&config.index)?;
    let results = query::search(&index, &config.request, config.cwd.as_deref())?;
    let written = if config.json {
        output::json_line(out, &results)
    } else {
        output::search_human(out, &results, config.request.offset, config.style)
    };
    written.map_err(Error::Output)
}
