//! Searching: the query language (tantivy's, with dates written as people write them), BM25
//! ranking or newest-first order, snippets with highlighted words, facets over the matches, and
//! the statistics of a whole index.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::{AggregationResult, AggregationResults, BucketResult};
use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, EnableScoring, ExistsQuery, Occur, Query, QueryParser, QueryParserError,
};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, DocId, Order, Searcher, TantivyDocument};

use crate::error::{Error, Result};
use crate::index::schema::{QUERY_FIELDS, day_from_number, day_number, field, first_day};
use crate::index::{Fields, GazetteIndex};
use crate::timeline::{Timeline, TimelineField, timeline};

/// Queries longer than this are refused: tantivy's parser is recursive, and no person types
/// a query this long.
const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Title words weigh this much more than body words.
const TITLE_BOOST: f32 = 2.0;
const SNIPPET_CHARS: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Sort {
    /// Best BM25 score first.
    Relevance,
    /// Newest publication date first; undated articles last.
    Date,
}

#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub sort: Sort,
    /// Count the most frequent people, places, organisations and countries among all matches.
    pub facets: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Hit {
    /// The article's key in the corpus, for CSV rows; JSON shows `path` alone, as before.
    #[serde(skip)]
    pub key: String,
    pub path: String,
    pub score: f32,
    pub title: String,
    pub published: Option<String>,
    pub people: Vec<String>,
    pub places: Vec<String>,
    pub orgs: Vec<String>,
    pub countries: Vec<String>,
    pub snippet: String,
    /// Byte ranges into `snippet` of the words that matched.
    pub highlights: Vec<[usize; 2]>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct FacetCount {
    pub name: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Facets {
    pub people: Vec<FacetCount>,
    pub places: Vec<FacetCount>,
    pub orgs: Vec<FacetCount>,
    pub countries: Vec<FacetCount>,
}

/// Which articles answered a query: only those with every word, or, when too few have them
/// all, those followed by the ones with most of the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Matched {
    All,
    Partial,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub(crate) query: String,
    pub(crate) total: usize,
    pub(crate) matched: Matched,
    /// How many of the `total` matches have every word of the query.
    #[serde(skip)]
    pub(crate) total_all: usize,
    pub(crate) took_ms: f64,
    pub(crate) hits: Vec<Hit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) facets: Option<Facets>,
    /// Matches per period, when asked for (`commands::search` fills it in).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timeline: Option<Timeline>,
}

/// Parses a user query against the gazette schema.
pub(crate) fn parse(index: &GazetteIndex, query: &str) -> Result<Box<dyn Query>> {
    if query.trim().is_empty() {
        return Err(Error::Query("the query is empty".into()));
    }
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::Query(format!(
            "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}",
            query.len()
        )));
    }
    // tantivy uses control bytes inside its JSON paths and asserts on them (a NUL in
    // `meta.x\0y:z` panics); no one types them, so they are refused outright.
    if let Some(c) = query.chars().find(|c| c.is_control() && !c.is_whitespace()) {
        return Err(Error::Query(format!(
            "the query contains the control character U+{:04X}",
            c as u32
        )));
    }
    let rewritten = rewrite_dates(query)?;
    parser(index).parse_query(&rewritten).map_err(query_error)
}

fn parser(index: &GazetteIndex) -> QueryParser {
    let f = &index.fields;
    let mut parser = QueryParser::for_index(
        &index.index,
        vec![f.title, f.body, f.people, f.places, f.orgs],
    );
    parser.set_conjunction_by_default();
    parser.set_field_boost(f.title, TITLE_BOOST);
    parser
}

/// The words of a query written as plain words only, with no operator, field, phrase, or
/// sign, when there are at least two: only such a query may be answered by articles lacking
/// some of its words, since an operator asks for its strict meaning.
fn plain_words(query: &str) -> Option<Vec<&str>> {
    let plain = |word: &str| {
        let mut chars = word.chars();
        chars.next().is_some_and(char::is_alphanumeric)
            && chars.all(|c| c.is_alphanumeric() || ".-'".contains(c))
            && !["AND", "OR", "NOT", "IN"].contains(&word)
    };
    let words: Vec<&str> = query.split_whitespace().collect();
    (words.len() > 1 && words.iter().all(|w| plain(w))).then_some(words)
}

/// Ever wider queries for a plain-words query, each matching every article the one before
/// does: articles with all words but one, then all but two, down to any one word. Empty when
/// the query is not plain words.
fn relaxations(index: &GazetteIndex, query: &str) -> Result<Vec<Box<dyn Query>>> {
    let Some(words) = plain_words(query) else {
        return Ok(Vec::new());
    };
    let parser = parser(index);
    let words = words
        .iter()
        .map(|w| parser.parse_query(w).map_err(query_error))
        .collect::<Result<Vec<_>>>()?;
    Ok((1..words.len())
        .rev()
        .map(|at_least| {
            let clauses = words
                .iter()
                .map(|w| (Occur::Should, w.box_clone()))
                .collect();
            Box::new(BooleanQuery::with_minimum_required_clauses(
                clauses, at_least,
            )) as Box<dyn Query>
        })
        .collect())
}

fn query_error(err: QueryParserError) -> Error {
    let message = match err {
        QueryParserError::SyntaxError(_) => {
            "syntax error (check brackets, quotes and `field:` prefixes)".to_string()
        }
        QueryParserError::FieldDoesNotExist(field) => format!(
            "unknown field '{field}' (fields: {})",
            QUERY_FIELDS.join(", ")
        ),
        QueryParserError::AllButQueryForbidden => {
            "a query cannot only exclude words: add a word to look for".to_string()
        }
        QueryParserError::DateFormatError(_) => {
            "invalid date: use YYYY, YYYY-MM or YYYY-MM-DD".to_string()
        }
        other => other.to_string(),
    };
    Error::Query(message)
}

/// Rewrites `published:` and `dates:` values from `2023`, `2023-09` or `2023-09-13` (alone or in
/// `[A TO B]` / `{A TO B}` ranges) into ranges of the day numbers the index holds. A bare value
/// means its whole period: `published:2023-09` is every day of September 2023.
fn rewrite_dates(query: &str) -> Result<String> {
    let mut out = String::with_capacity(query.len() + 64);
    let mut rest = query;
    while let Some((before, field, after)) = next_date_field(rest) {
        out.push_str(before);
        out.push_str(field);
        out.push(':');
        let (rewritten, consumed) = match after.chars().next() {
            Some(open @ ('[' | '{')) => {
                let close = after
                    .find([']', '}'])
                    .ok_or_else(|| Error::Query(format!("unclosed range after '{field}:'")))?;
                let inner = &after[1..close];
                let (lo, hi) = inner.split_once(" TO ").ok_or_else(|| {
                    Error::Query(format!("a range is written {field}:[FROM TO UNTIL]"))
                })?;
                let close_char = &after[close..close + 1];
                let lo = bound(lo.trim(), open == '[', true)?;
                let hi = bound(hi.trim(), close_char == "]", false)?;
                (format!("{open}{lo} TO {hi}{close_char}"), close + 1)
            }
            _ => {
                let end = after
                    .find(|c: char| c.is_whitespace() || c == ')')
                    .unwrap_or(after.len());
                let (first, last) = period(&after[..end])?;
                (
                    format!("[{} TO {}]", day_number(first), day_number(last)),
                    end,
                )
            }
        };
        out.push_str(&rewritten);
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Finds the next `published:` or `dates:` that starts a word outside a quoted phrase:
/// (text before, field, text after).
fn next_date_field(text: &str) -> Option<(&str, &str, &str)> {
    // As tantivy's parser reads them: `"` opens a phrase anywhere, `'` where a term starts
    // (not in `O'Brien`), either only when a closing one follows, and `\` escapes the next
    // character.
    let mut chars = text.char_indices();
    let mut prev: Option<char> = None;
    let mut unclosed: Vec<char> = Vec::new();
    while let Some((at, c)) = chars.next() {
        let term_start = prev.is_none_or(|p| p.is_whitespace() || "(:+-".contains(p));
        let starts_word = prev.is_none_or(|p| !p.is_alphanumeric() && p != '.' && p != '_');
        prev = Some(c);
        if c == '\\' {
            prev = chars.next().map(|(_, escaped)| escaped);
        } else if (c == '"' || c == '\'' && term_start) && !unclosed.contains(&c) {
            let mut phrase = chars.clone();
            if skip_phrase(&mut phrase, c) {
                chars = phrase;
            } else {
                // None closes later either: the rest is scanned once, not once per quote.
                unclosed.push(c);
            }
        } else if starts_word {
            for field in ["published", "dates"] {
                let after = text[at..].strip_prefix(field);
                if let Some(after) = after.and_then(|rest| rest.strip_prefix(':')) {
                    return Some((&text[..at], field, after));
                }
            }
        }
    }
    None
}

/// Moves `chars` past the unescaped `close` that ends a phrase; false when there is none.
fn skip_phrase(chars: &mut std::str::CharIndices, close: char) -> bool {
    while let Some((_, c)) = chars.next() {
        if c == close {
            return true;
        }
        if c == '\\' {
            chars.next();
        }
    }
    false
}

/// One end of a range: the first day of the period for a lower bound that includes it, the
/// last day for an upper bound that includes it (and the other way round when excluded). `*`,
/// an open end, is the farthest number there is rather than tantivy's own `*`: its parser
/// drops a range open at both ends, and `[* TO *]` means every dated article.
fn bound(value: &str, inclusive: bool, lower: bool) -> Result<i64> {
    if value == "*" {
        return Ok(if lower { i64::MIN } else { i64::MAX });
    }
    let (first, last) = period(value)?;
    Ok(day_number(if lower == inclusive { first } else { last }))
}

/// The first and last day of `2023`, `2023-09` or `2023-09-13`.
fn period(value: &str) -> Result<(jiff::civil::Date, jiff::civil::Date)> {
    let invalid = || Error::Date(value.to_string());
    let well_formed = match value.len() {
        4 | 7 | 10 => value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        }),
        _ => false,
    };
    if !well_formed {
        return Err(invalid());
    }
    let first = first_day(value).ok_or_else(invalid)?;
    let last = match value.len() {
        4 => first.last_of_year(),
        7 => first.last_of_month(),
        _ => first,
    };
    Ok((first, last))
}

/// Runs a search and builds the hits with their snippets. Hit paths are shown relative to
/// `cwd` when the corpus lies under it, absolute otherwise.
pub fn search(
    index: &GazetteIndex,
    request: &SearchRequest,
    cwd: Option<&Path>,
) -> Result<SearchResults> {
    let started = Instant::now();
    let query = parse(index, &request.query)?;
    let searcher = index.searcher()?;
    let (total_all, ranked, aggregated) = rank(&searcher, &*query, request)?;
    // Too few articles have every word: the closest ones follow them.
    let wanted = request.offset.saturating_add(request.limit.max(1));
    let wider = match request.sort {
        Sort::Relevance if total_all < wanted => relaxations(index, &request.query)?,
        _ => Vec::new(),
    };
    let (total, ranked, aggregated, shown) = match wider.last() {
        Some(widest) => {
            let (total, ranked) = widen(&searcher, &*query, &wider, wanted)?;
            let ranked = ranked.into_iter().skip(request.offset).collect();
            let aggregated = match request.facets {
                true => Some(searcher.search(widest, &facets_collector()?)?),
                false => None,
            };
            (total, ranked, aggregated, widest)
        }
        None => (total_all, ranked, aggregated, &query),
    };
    let matched = if total > total_all {
        Matched::Partial
    } else {
        Matched::All
    };
    let ranked = if request.limit == 0 {
        Vec::new()
    } else {
        ranked
    };
    let hits = hits(
        index,
        &searcher,
        (&*query, &**shown),
        request.sort,
        ranked,
        cwd,
    )?;
    Ok(SearchResults {
        query: request.query.clone(),
        total,
        matched,
        total_all,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        hits,
        facets: aggregated.map(facets_from),
        timeline: None,
    })
}

/// The articles that match `query` itself: how many, the page asked for, and the facet counts
/// when asked, all in one pass over the matches.
fn rank(
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
) -> Result<(usize, Vec<Ranked>, Option<AggregationResults>)> {
    let top = TopDocs::with_limit(request.limit.max(1)).and_offset(request.offset);
    let facet_counts = request.facets.then(facets_collector).transpose()?;
    Ok(match request.sort {
        Sort::Relevance => {
            let collectors = (Count, top.order_by_score(), facet_counts);
            let (total, docs, aggregated) = searcher.search(query, &collectors)?;
            let docs = docs.into_iter().map(|(s, d)| (Some(s), d)).collect();
            (total, docs, aggregated)
        }
        Sort::Date => {
            let by_date = top.order_by_fast_field::<i64>(field::PUBLISHED, Order::Desc);
            let (total, docs, aggregated) =
                searcher.search(query, &(Count, by_date, facet_counts))?;
            let docs = docs.into_iter().map(|(_, d)| (None, d)).collect();
            (total, docs, aggregated)
        }
    })
}

/// The hits of a page: `query` scores those ranked by date, and `shown` (the query that found
/// the page, wider than `query` when the closest articles filled it) picks the snippets.
fn hits(
    index: &GazetteIndex,
    searcher: &Searcher,
    (query, shown): (&dyn Query, &dyn Query),
    sort: Sort,
    ranked: Vec<Ranked>,
    cwd: Option<&Path>,
) -> Result<Vec<Hit>> {
    let snippets = SnippetGenerator::create(searcher, shown, index.fields.body).map(|mut g| {
        g.set_max_num_chars(SNIPPET_CHARS);
        g
    })?;
    // Hits ordered by date have no score yet; BM25 is computed for just those shown.
    let weight = match sort {
        Sort::Relevance => None,
        Sort::Date => Some(query.weight(EnableScoring::enabled_from_searcher(searcher))?),
    };
    let addresses: Vec<DocAddress> = ranked.iter().map(|(_, address)| *address).collect();
    let fast = fast_values(searcher, &addresses)?;
    let mut hits = Vec::with_capacity(ranked.len());
    for ((score, address), fast) in ranked.into_iter().zip(fast) {
        let doc: TantivyDocument = searcher.doc(address)?;
        let score = match (score, &weight) {
            (Some(score), _) => score,
            (None, Some(weight)) => weight
                .explain(searcher.segment_reader(address.segment_ord), address.doc_id)?
                .value(),
            (None, None) => 0.0,
        };
        let path = display_path(&index.corpus, &fast.key, cwd);
        hits.push(hit(&doc, fast, &index.fields, path, score, &snippets));
    }
    Ok(hits)
}

/// A ranked article: its BM25 score when it was ranked by score.
type Ranked = (Option<f32>, DocAddress);

/// The articles with every word (`strict`, fewer than `wanted` of them), then those each
/// wider query adds, best first within each group, up to `wanted` in all; and how many
/// articles the widest query matches.
fn widen(
    searcher: &Searcher,
    strict: &dyn Query,
    wider: &[Box<dyn Query>],
    wanted: usize,
) -> Result<(usize, Vec<Ranked>)> {
    let ranked = searcher.search(strict, &TopDocs::with_limit(wanted).order_by_score())?;
    let mut total = ranked.len();
    let mut ranked: Vec<_> = ranked.into_iter().map(|(s, d)| (Some(s), d)).collect();
    let mut narrower = strict.box_clone();
    for query in wider {
        let added = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::MustNot, narrower),
        ]);
        let room = wanted - ranked.len();
        let top = TopDocs::with_limit(room.max(1)).order_by_score();
        let (count, docs) = searcher.search(&added, &(Count, top))?;
        total += count;
        ranked.extend(docs.into_iter().take(room).map(|(s, d)| (Some(s), d)));
        narrower = query.box_clone();
    }
    Ok((total, ranked))
}

fn first_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

/// What a hit shows that is kept in fast columns rather than in the document store.
#[derive(Default)]
struct FastValues {
    key: String,
    people: Vec<String>,
    places: Vec<String>,
    orgs: Vec<String>,
    countries: Vec<String>,
    published: Option<jiff::civil::Date>,
}

/// The fast-column values of each document in `addresses`. Each segment's columns are opened
/// once, and each dictionary is read in one ordered pass for all the hits of the segment:
/// looking values up one by one would decode a dictionary block per value.
fn fast_values(searcher: &Searcher, addresses: &[DocAddress]) -> Result<Vec<FastValues>> {
    let mut values: Vec<FastValues> = addresses.iter().map(|_| FastValues::default()).collect();
    for (segment_ord, segment) in searcher.segment_readers().iter().enumerate() {
        let at: Vec<usize> = (0..addresses.len())
            .filter(|&i| addresses[i].segment_ord as usize == segment_ord)
            .collect();
        if at.is_empty() {
            continue;
        }
        let docs: Vec<DocId> = at.iter().map(|&i| addresses[i].doc_id).collect();
        let fast = segment.fast_fields();
        let text = |field: &str| -> Result<std::vec::IntoIter<Vec<String>>> {
            Ok(match fast.str(field)? {
                Some(column) => column_values(&column, &docs)?,
                // A segment in which no article had a value may lack the column.
                None => vec![Vec::new(); docs.len()],
            }
            .into_iter())
        };
        let (mut keys, mut people) = (text(field::PATH)?, text(field::PEOPLE)?);
        let (mut places, mut countries) = (text(field::PLACES)?, text(field::COUNTRIES)?);
        let mut orgs = text(field::ORGS)?;
        let published = fast.i64(field::PUBLISHED)?;
        for (&i, &doc) in at.iter().zip(&docs) {
            let value = &mut values[i];
            value.key = keys
                .next()
                .and_then(|k| k.into_iter().next())
                .unwrap_or_default();
            value.people = people.next().unwrap_or_default();
            value.places = places.next().unwrap_or_default();
            value.orgs = orgs.next().unwrap_or_default();
            value.countries = countries.next().unwrap_or_default();
            value.published = published.first(doc).and_then(day_from_number);
        }
    }
    Ok(values)
}

/// Each document's values of a text column, in the order they were added.
fn column_values(column: &StrColumn, docs: &[DocId]) -> Result<Vec<Vec<String>>> {
    let ords: Vec<Vec<u64>> = docs
        .iter()
        .map(|&d| column.term_ords(d).collect())
        .collect();
    let mut sorted = ords.concat();
    sorted.sort_unstable();
    sorted.dedup();
    let mut terms = Vec::with_capacity(sorted.len());
    let found = column
        .dictionary()
        .sorted_ords_to_term_cb(&sorted, |term| {
            terms.push(String::from_utf8_lossy(term).into_owned())
        })
        .map_err(|e| Error::Index(e.into()))?;
    if !found {
        return Err(Error::Index(tantivy::TantivyError::InternalError(
            "a fast column names a value missing from its dictionary".into(),
        )));
    }
    let term =
        |ord: u64| terms[sorted.binary_search(&ord).expect("every ord was looked up")].clone();
    Ok(ords
        .into_iter()
        .map(|doc| doc.into_iter().map(term).collect())
        .collect())
}

fn hit(
    doc: &TantivyDocument,
    fast: FastValues,
    fields: &Fields,
    path: String,
    score: f32,
    snippets: &SnippetGenerator,
) -> Hit {
    let first = |field| first_str(doc, field);
    let snippet = snippets.snippet_from_doc(doc);
    let (snippet, highlights) = if snippet.is_empty() {
        (lead(first(fields.body), SNIPPET_CHARS), Vec::new())
    } else {
        let ranges = snippet
            .highlighted()
            .iter()
            .map(|r| [r.start, r.end])
            .collect();
        (snippet.fragment().to_string(), ranges)
    };
    Hit {
        key: fast.key,
        path,
        score,
        title: first(fields.title).to_string(),
        published: fast.published.map(|d| d.to_string()),
        people: fast.people,
        places: fast.places,
        orgs: fast.orgs,
        countries: fast.countries,
        snippet,
        highlights,
    }
}

/// The start of `text`, cut at a word boundary, for hits whose body matched no query word.
fn lead(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some((cut, _)) => {
            let cut = text[..cut].rfind(char::is_whitespace).unwrap_or(cut);
            text[..cut].trim_end().to_string()
        }
    }
}

/// The path of an article as a user would type it: relative to the working folder when the
/// corpus lies under it, absolute otherwise.
fn display_path(corpus: &Path, key: &str, cwd: Option<&Path>) -> String {
    crate::walk::shown(&crate::walk::key_path(corpus, key), cwd)
}

const FACET_SIZE: usize = 10;
/// Names each segment reports before counts are merged. A name among the top overall but
/// not in some segment's own short list loses that segment's count, so the lists are long:
/// on a many-segment index this keeps the top ten exact, at no measurable cost.
const FACET_SEGMENT_SIZE: usize = 100 * FACET_SIZE;

/// The most frequent people, places, organisations and countries among the documents `query`
/// matches.
fn facets(searcher: &Searcher, query: &dyn Query) -> Result<Facets> {
    Ok(facets_from(searcher.search(query, &facets_collector()?)?))
}

fn facets_collector() -> Result<AggregationCollector> {
    let terms = |name: &str| {
        let terms = serde_json::json!({
            "field": name,
            "size": FACET_SIZE,
            "segment_size": FACET_SEGMENT_SIZE,
        });
        (name.to_string(), serde_json::json!({ "terms": terms }))
    };
    let request: serde_json::Map<_, _> =
        [field::PEOPLE, field::PLACES, field::ORGS, field::COUNTRIES]
            .into_iter()
            .map(terms)
            .collect();
    let aggs: Aggregations = serde_json::from_value(request.into())?;
    Ok(AggregationCollector::from_aggs(aggs, Default::default()))
}

fn facets_from(results: AggregationResults) -> Facets {
    let counts = |name: &str| -> Vec<FacetCount> {
        match results.0.get(name) {
            Some(AggregationResult::BucketResult(BucketResult::Terms { buckets, .. })) => buckets
                .iter()
                .map(|b| FacetCount {
                    name: b.key.to_string(),
                    count: b.doc_count,
                })
                .collect(),
            _ => Vec::new(),
        }
    };
    Facets {
        people: counts(field::PEOPLE),
        places: counts(field::PLACES),
        orgs: counts(field::ORGS),
        countries: counts(field::COUNTRIES),
    }
}

/// The first and last publication day in an index.
#[derive(Debug, Serialize)]
pub(crate) struct Span {
    pub first: String,
    pub last: String,
}

/// What an index holds: its size, its corpus, the span of its publication dates, and the
/// people, places, organisations and countries most often named in it.
#[derive(Debug, Serialize)]
pub(crate) struct Stats {
    pub docs: u64,
    pub corpus: String,
    pub undated: u64,
    pub published: Option<Span>,
    /// Articles per period of publication.
    pub timeline: Timeline,
    #[serde(flatten)]
    pub top: Facets,
}

pub(crate) fn stats(index: &GazetteIndex) -> Result<Stats> {
    let searcher = index.searcher()?;
    let dated = ExistsQuery::new(field::PUBLISHED.into(), false);
    let edge = |order| -> Result<Option<String>> {
        let top = TopDocs::with_limit(1).order_by_fast_field::<i64>(field::PUBLISHED, order);
        let found = searcher.search(&dated, &top)?;
        Ok(found
            .first()
            .and_then(|(d, _)| *d)
            .and_then(day_from_number)
            .map(|d| d.to_string()))
    };
    let published = match (edge(Order::Asc)?, edge(Order::Desc)?) {
        (Some(first), Some(last)) => Some(Span { first, last }),
        _ => None,
    };
    let docs = searcher.num_docs();
    let dated_count = searcher.search(&dated, &Count)? as u64;
    Ok(Stats {
        docs,
        corpus: crate::walk::path_text(&index.corpus),
        undated: docs - dated_count,
        published,
        timeline: timeline(&searcher, &AllQuery, TimelineField::Published, None)?,
        top: facets(&searcher, &AllQuery)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_dates_become_their_whole_period() {
        assert_eq!(
            rewrite_dates("kim published:2023").unwrap(),
            "kim published:[19358 TO 19722]"
        );
        assert_eq!(
            rewrite_dates("(dates:2024-02)").unwrap(),
            "(dates:[19754 TO 19782])"
        );
    }

    #[test]
    fn ranges_keep_their_brackets_and_open_ends() {
        assert_eq!(
            rewrite_dates("dates:[2023-09-01 TO 2023-09-30]").unwrap(),
            "dates:[19601 TO 19630]"
        );
        assert_eq!(
            rewrite_dates("published:{2023-01 TO *]").unwrap(),
            "published:{19388 TO 9223372036854775807]"
        );
        assert_eq!(
            rewrite_dates("published:[* TO 2023}").unwrap(),
            "published:[-9223372036854775808 TO 19358}"
        );
    }

    #[test]
    fn dates_of_any_year_and_fully_open_ranges_become_day_numbers() {
        assert_eq!(
            rewrite_dates("dates:1492").unwrap(),
            "dates:[-174586 TO -174221]"
        );
        assert_eq!(
            rewrite_dates("published:[* TO *] dates:{* TO *}").unwrap(),
            format!(
                "published:[{min} TO {max}] dates:{{{min} TO {max}}}",
                min = i64::MIN,
                max = i64::MAX
            )
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        assert_eq!(
            rewrite_dates("unpublished:x title:dates").unwrap(),
            "unpublished:x title:dates"
        );
    }

    #[test]
    fn quoted_phrases_are_left_alone() {
        for query in [
            "title:\"dates: a history\"",
            "\"published: 2023\" kim",
            "\"a \\\" dates:x\"",
            "title:'dates: a history'",
        ] {
            assert_eq!(rewrite_dates(query).unwrap(), query);
        }
        assert_eq!(
            rewrite_dates("\"dates: a history\" published:2023").unwrap(),
            "\"dates: a history\" published:[19358 TO 19722]"
        );
        // An apostrophe inside a word, or with none to close it, opens no phrase.
        for before in ["o'brien ", "'90s "] {
            assert_eq!(
                rewrite_dates(&format!("{before}dates:2023")).unwrap(),
                format!("{before}dates:[19358 TO 19722]")
            );
        }
    }

    #[test]
    fn invalid_dates_are_refused() {
        for bad in [
            "published:2023-13-01",
            "dates:[2023-02-30 TO 2024]",
            "published:soon",
            "published:[2023 2024]",
        ] {
            assert!(rewrite_dates(bad).is_err(), "{bad}");
        }
        assert!(
            matches!(rewrite_dates("published:2023-02-30"), Err(Error::Date(d)) if d == "2023-02-30")
        );
    }

    #[test]
    fn control_characters_are_refused_before_tantivy_sees_them() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("corpus")).unwrap();
        let corpus = crate::walk::corpus_root(&dir.path().join("corpus")).unwrap();
        let (index, _writer) =
            GazetteIndex::open_for_writing(&dir.path().join("index"), &corpus, false, 1).unwrap();
        // Found by the query_parse fuzz target: tantivy panics on this one.
        let err = parse(&index, "meta.soo\0urc;:x").err().unwrap();
        assert!(err.to_string().contains("U+0000"), "{err}");
        assert!(parse(&index, "tabs\tand\nnewlines are fine").is_ok());
    }

    #[test]
    fn lead_cuts_at_a_word_boundary() {
        assert_eq!(lead("one two three", 9), "one two");
        assert_eq!(lead("short", 200), "short");
    }
}
