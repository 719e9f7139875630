//! `gazette search`: run one query and print the ranked hits.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use super::bounds;
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::output::{self, Format, Style};
use crate::query::{self, SearchRequest, Sort};
use crate::timeline::{By, TimelineField, timeline};

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
    /// How to print the results: for people, as one JSON object, or as CSV with one row per
    /// hit (key, title, published, score, people, places, countries).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Also count all matches per period of their publication date, as a bar chart or under
    /// "timeline" in JSON.
    #[arg(long, value_enum, num_args = 0..=1, default_missing_value = "published")]
    pub(crate) timeline: Option<TimelineField>,
    /// The period of the timeline; chosen from the span of the dates when left out.
    #[arg(long, value_enum, requires = "timeline")]
    pub(crate) by: Option<By>,
    /// Show for each hit what each field, and each entity the query names, added to its score.
    #[arg(long)]
    pub(crate) explain: bool,
    /// The alias file to go by instead of the one the last `gazette index` recorded.
    #[arg(long, value_name = "FILE")]
    pub(crate) aliases: Option<PathBuf>,
    /// Print the results as one JSON object (the same as --format json).
    #[arg(long, conflicts_with = "format")]
    pub(crate) json: bool,
}

pub struct SearchConfig {
    pub(crate) index: PathBuf,
    pub(crate) aliases: Option<PathBuf>,
    pub(crate) request: SearchRequest,
    /// The working folder, which hit paths are shown relative to.
    pub(crate) cwd: Option<PathBuf>,
    pub(crate) format: Format,
    pub(crate) style: Style,
    /// The timeline to count, and by what period (None: chosen from the span).
    pub(crate) timeline: Option<(TimelineField, Option<By>)>,
}

impl SearchArgs {
    pub fn config(self, color: bool) -> Result<SearchConfig> {
        let format = if self.json { Format::Json } else { self.format };
        Ok(SearchConfig {
            index: self.index,
            aliases: self.aliases,
            request: SearchRequest {
                query: self.query.join(" "),
                limit: bounds::at_most("limit", self.limit, bounds::LIMIT)?,
                offset: bounds::at_most("offset", self.offset, bounds::OFFSET)?,
                sort: self.sort,
                facets: self.facets,
                explain: self.explain,
                hits: true,
            },
            cwd: std::env::current_dir().ok(),
            format,
            style: Style::new(color && format == Format::Human),
            timeline: self.timeline.map(|field| (field, self.by)),
        })
    }
}

/// The command line with the query words of `search` moved after a `--`, so that a word
/// starting with `-` (`gazette search tax -sport`, the exclusion form) is part of the query
/// rather than an unknown option, while the options of `search` may still come before or after
/// the query. clap cannot say this of a query of many words: a positional that takes values
/// starting with `-` takes every option after it as well. Other commands are left as they are.
pub fn query_words_last(args: impl IntoIterator<Item = OsString>) -> Vec<OsString> {
    let args: Vec<OsString> = args.into_iter().collect();
    if args.get(1).is_none_or(|command| command != "search") {
        return args;
    }
    let mut cli = <super::Cli as clap::CommandFactory>::command();
    // Building adds the options clap makes itself (`-h`, `--help`).
    cli.build();
    let Some(search) = cli.find_subcommand("search") else {
        return args;
    };
    let mut rest = args.into_iter().peekable();
    let mut options: Vec<OsString> = rest.by_ref().take(2).collect();
    let mut words = Vec::new();
    while let Some(arg) = rest.next() {
        if arg == "--" {
            words.extend(rest.by_ref());
            break;
        }
        match option_of(search, &arg) {
            Some(value) => {
                options.push(arg);
                if let Some(option) = value {
                    options.extend(rest.next_if(|next| value_follows(option, next)));
                }
            }
            None => words.push(arg),
        }
    }
    options.push("--".into());
    options.extend(words);
    options
}

/// Whether `next` is the value of `option`: always for an option that needs one, and for one
/// whose value may be left out (`--timeline`) only when `next` is one of its values, so that
/// `--timeline korea` searches for korea.
fn value_follows(option: &clap::Arg, next: &OsStr) -> bool {
    let optional = option.get_num_args().is_some_and(|n| n.min_values() == 0);
    !optional
        || next.to_str().is_some_and(|next| {
            option
                .get_possible_values()
                .iter()
                .any(|value| value.matches(next, false))
        })
}

/// For an argument that names an option of `command`, the option when its value may be the next
/// argument (Some(None) when not); None for a query word. Every argument starting with `--` is
/// taken for an option, so that a mistyped one is reported rather than searched for.
fn option_of<'a>(command: &'a clap::Command, arg: &OsStr) -> Option<Option<&'a clap::Arg>> {
    let text = arg.to_str()?;
    let takes_value = |option: &'a clap::Arg| option.get_action().takes_values().then_some(option);
    if let Some(long) = text.strip_prefix("--") {
        let (name, inline_value) = long
            .split_once('=')
            .map_or((long, false), |(name, _)| (name, true));
        let found = command.get_arguments().find(|a| a.get_long() == Some(name));
        return Some(found.filter(|_| !inline_value).and_then(takes_value));
    }
    let mut short = text.strip_prefix('-')?.chars();
    let (Some(letter), None) = (short.next(), short.next()) else {
        return None;
    };
    command
        .get_arguments()
        .find(|a| a.get_short() == Some(letter))
        .map(takes_value)
}

pub fn run(config: &SearchConfig, out: &mut dyn Write) -> Result<()> {
    let mut index = GazetteIndex::open(&config.index)?;
    super::aliases::for_search(&mut index, config.aliases.as_deref())?;
    let started = Instant::now();
    let mut results = query::search(&index, &config.request, config.cwd.as_deref())?;
    if let Some((field, by)) = config.timeline {
        let query = query::parse(&index, &config.request.query)?;
        results.timeline = Some(timeline(&index.searcher()?, &*query, field, by)?);
        results.took_ms = started.elapsed().as_secs_f64() * 1000.0;
    }
    let written = match config.format {
        Format::Human => output::search_human(out, &results, config.request.offset, config.style),
        Format::Json => output::json_line(out, &results),
        Format::Csv => output::search_csv(out, &results),
    };
    written.map_err(Error::Output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{Cli, Command};
    use clap::Parser;

    fn parsed(args: &[&str]) -> SearchArgs {
        let args = query_words_last(args.iter().map(OsString::from));
        match Cli::try_parse_from(args).unwrap().command {
            Command::Search(search) => search,
            other => panic!("not a search: {other:?}"),
        }
    }

    #[test]
    fn words_starting_with_a_hyphen_are_query_words_wherever_the_options_are() {
        let search = parsed(&["gazette", "search", "tax", "-sport", "--index", "i"]);
        assert_eq!(
            (search.query, search.index),
            (vec!["tax".into(), "-sport".into()], "i".into())
        );
        let search = parsed(&["gazette", "search", "-sport tax", "--limit=3", "--json"]);
        assert_eq!(search.query, ["-sport tax"]);
        assert_eq!((search.limit, search.json), (3, true));
        let search = parsed(&[
            "gazette",
            "search",
            "--index=-odd",
            "a",
            "-",
            "-b",
            "--offset",
            "2",
        ]);
        assert_eq!(search.query, ["a", "-", "-b"]);
        assert_eq!((search.index, search.offset), ("-odd".into(), 2));
        // After `--` every word is a query word, as before.
        assert_eq!(
            parsed(&["gazette", "search", "--", "--json", "-x"]).query,
            ["--json", "-x"]
        );
    }

    #[test]
    fn the_timeline_value_may_be_left_out_before_query_words_and_options() {
        let search = parsed(&["gazette", "search", "--timeline", "korea", "--by", "month"]);
        assert_eq!(search.query, ["korea"]);
        assert_eq!(search.timeline, Some(TimelineField::Published));
        assert_eq!(search.by, Some(By::Month));
        let search = parsed(&["gazette", "search", "korea", "--timeline", "published", "x"]);
        assert_eq!(
            (search.query, search.by),
            (vec!["korea".into(), "x".into()], None)
        );
        let search = parsed(&["gazette", "search", "korea", "--format", "csv"]);
        assert_eq!((search.format, search.timeline), (Format::Csv, None));
    }

    #[test]
    fn mistyped_options_and_other_commands_are_left_to_clap() {
        let args =
            query_words_last(["gazette", "search", "tax", "--limt", "3"].map(OsString::from));
        assert!(Cli::try_parse_from(args).is_err());
        let other = ["gazette", "extract", "-x"].map(OsString::from);
        assert_eq!(query_words_last(other.clone()), other);
    }
}
