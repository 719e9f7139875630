//! Searching: the query language (tantivy's, with dates written as people write them), BM25
//! ranking or newest-first order, snippets with highlighted words, facets over the matches, and
//! the statistics of a whole index.

use std::ops::Range;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{AllQuery, BooleanQuery, EnableScoring, ExistsQuery, Occur, Query};
use tantivy::schema::Value;
use tantivy::{DocAddress, DocId, Order, Searcher, TantivyDocument};

mod credit;
mod dates;
mod entities;
mod explain;
mod facets;
pub(crate) use facets::FACET_SIZE;
mod feedback;
mod length;
mod parse;
mod snippets;
mod top;
mod words;

pub(crate) use explain::Contribution;
pub(crate) use parse::parse;
use snippets::Snippets;

use crate::error::Result;
use crate::index::names::{Kind, NameBook};
use crate::index::schema::{day_from_number, field};
use crate::index::{Fields, GazetteIndex};
use crate::timeline::{Timeline, TimelineField, timeline};
pub(crate) use top::{By, Top};

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
    /// Split each hit's score into what each field and entity of the query contributed.
    pub explain: bool,
    /// Build the page's hits. Without them, or with `limit` 0, only the totals and facets are
    /// answered, the same as the page's, without snippets or stored text, and without the
    /// feedback pass unless too few articles match for the page (it adds to the total then).
    pub hits: bool,
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
    /// What each field and entity contributed to `score`, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Vec<Contribution>>,
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

/// Runs a search and builds the hits with their snippets. Hit paths are shown relative to
/// `cwd` when the corpus lies under it, absolute otherwise.
pub fn search(
    index: &GazetteIndex,
    request: &SearchRequest,
    cwd: Option<&Path>,
) -> Result<SearchResults> {
    Ok(search_with(index, request, cwd, None::<Count>)?.0)
}

/// [`search`], with `also` collecting over the articles that match every word in the same
/// pass over them that counts and ranks them; also the query that found them.
pub(crate) fn search_with<C: Collector>(
    index: &GazetteIndex,
    request: &SearchRequest,
    cwd: Option<&Path>,
    also: C,
) -> Result<(SearchResults, C::Fruit, Box<dyn Query>)> {
    let started = Instant::now();
    let searcher = index.searcher()?;
    let parse::Plan {
        strict: query,
        wider,
        plain,
    } = parse::plan(index, &searcher, &request.query)?;
    let book = index.names()?;
    let wanted = request.offset.saturating_add(request.limit.max(1));
    let page = request.hits && request.limit > 0;
    let feedback = plain && request.sort == Sort::Relevance;
    let pool = pool(request, wanted, (feedback, page));
    let (total_all, ranked, aggregated, collected) = rank(&searcher, &*query, &pool, &book, also)?;
    // Too few articles have every word: the closest ones follow them, in either order.
    let wider = match total_all < wanted {
        true => wider,
        false => Vec::new(),
    };
    let (total, groups, aggregated, shown) = match wider.last() {
        Some(widest) => widened(&searcher, (&*query, &wider, widest), &pool, request, &book)?,
        None => (total_all, vec![ranked], aggregated, query.box_clone()),
    };
    // Facets are finished over the articles they were counted over, not over those that
    // feedback adds.
    let aggregated = aggregated.map(|counted| (counted, shown.box_clone()));
    // Without a page, feedback can only change the total, and only when fewer articles than
    // the page would hold were found: then the pool holds them all, as it would with a page.
    let (total, ranked, shown, unfed) = match feedback && (page || total < wanted) {
        true => with_feedback(index, &searcher, (total, groups, shown), wanted)?,
        false => (total, groups.concat(), shown, 0..0),
    };
    let ranked: Vec<Ranked> = match page {
        false => Vec::new(),
        true => (ranked.into_iter().skip(request.offset - pool.offset))
            .take(request.limit)
            .collect(),
    };
    let matched = if total > total_all {
        Matched::Partial
    } else {
        Matched::All
    };
    let snippets = Snippets::new(&searcher, &*shown, index.fields.body, SNIPPET_CHARS)?;
    let hits = hits(
        index,
        (&searcher, &book, snippets),
        (&*shown, unfed),
        request,
        ranked,
        cwd,
    )?;
    let results = SearchResults {
        query: request.query.clone(),
        total,
        matched,
        total_all,
        took_ms: started.elapsed().as_secs_f64() * 1000.0,
        hits,
        facets: aggregated
            .map(|(counted, over)| facets::facets(&searcher, &*over, (&counted.0, &counted.1)))
            .transpose()?,
        timeline: None,
    };
    Ok((results, collected, query))
}

/// The articles matching all words and then the closest ones, in groups by how many words
/// they have, with the facets of them all and the widest query, which found them.
fn widened(
    searcher: &Searcher,
    (query, wider, widest): (&dyn Query, &[Box<dyn Query>], &dyn Query),
    pool: &SearchRequest,
    request: &SearchRequest,
    book: &Arc<NameBook>,
) -> Result<Widened> {
    let pooled = pool.offset.saturating_add(pool.limit.max(1));
    let (total, groups) = widen(searcher, (query, wider), pooled, by(request.sort))?;
    // The page without feedback starts at the offset, as `rank` gave it.
    let groups = match pool.offset {
        0 => groups,
        offset => vec![groups.concat().into_iter().skip(offset).collect()],
    };
    let aggregated = match request.facets {
        true => Some(searcher.search(widest, &facets::collector(book)?)?),
        false => None,
    };
    Ok((total, groups, aggregated, widest.box_clone()))
}

/// How many articles matched, the groups ranked, their facets, and the query that found them.
type Widened = (
    usize,
    Vec<Vec<Ranked>>,
    Option<facets::Counted>,
    Box<dyn Query>,
);

/// What `rank` is asked for: the page itself or, since feedback reorders the first articles
/// found, at least the first `RERANKED` of them; without a page, every article up to its end,
/// which are all of them when feedback matters.
fn pool(request: &SearchRequest, wanted: usize, (feedback, page): (bool, bool)) -> SearchRequest {
    let limit = match (feedback, page) {
        (false, _) => return request.clone(),
        (true, true) => wanted.max(feedback::RERANKED),
        (true, false) => wanted,
    };
    SearchRequest {
        offset: 0,
        limit,
        ..request.clone()
    }
}

/// The articles `shown` found, reordered by the words of the first of them (pseudo-relevance
/// feedback), and followed by those with only such words when fewer than `wanted` were found;
/// how many articles match in all, the query that gives each its new score, and the places of
/// those found but past the ones reordered, whose scores feedback left as they were.
fn with_feedback(
    index: &GazetteIndex,
    searcher: &Searcher,
    (mut total, mut groups, shown): (usize, Vec<Vec<Ranked>>, Box<dyn Query>),
    wanted: usize,
) -> Result<Fed> {
    let top: Vec<DocAddress> = groups
        .iter()
        .flatten()
        .take(feedback::FEEDBACK_DOCS)
        .map(|(_, address)| *address)
        .collect();
    let Some(expansion) = feedback::expansion(searcher, &index.fields, &*shown, &top)? else {
        return Ok((total, groups.concat(), shown, 0..0));
    };
    // Articles with more of the query's words still come first: each group is reordered. Only
    // the first `RERANKED` are, whatever the page, so that pages agree with each other.
    let mut left = feedback::RERANKED;
    for group in &mut groups {
        let reordered = left.min(group.len());
        feedback::rescore(searcher, &expansion, &mut group[..reordered])?;
        left -= reordered;
    }
    let mut ranked = groups.concat();
    let unfed = feedback::RERANKED..ranked.len().max(feedback::RERANKED);
    if ranked.len() < wanted {
        let only = BooleanQuery::new(vec![
            (Occur::Must, expansion.query.box_clone()),
            (Occur::MustNot, shown.box_clone()),
        ]);
        let top = Top::new(By::Score, 0, wanted - ranked.len());
        let (count, docs) = searcher.search(&only, &(Count, top))?;
        total += count;
        ranked.extend(docs);
    }
    let mut clauses = vec![(Occur::Should, shown)];
    clauses.extend(expansion.clauses());
    let shown = BooleanQuery::new(clauses);
    Ok((total, ranked, Box::new(shown), unfed))
}

/// How many articles matched, all of them ranked, the query that gave their scores, and the
/// places of those whose scores feedback left as they were.
type Fed = (usize, Vec<Ranked>, Box<dyn Query>, Range<usize>);

/// The articles that match `query` itself: how many, the page asked for, and the facet counts
/// when asked, and what `also` collects, all in one pass over the matches.
fn rank<C: Collector>(
    searcher: &Searcher,
    query: &dyn Query,
    request: &SearchRequest,
    book: &Arc<NameBook>,
    also: C,
) -> Result<Ranking<C::Fruit>> {
    let top = Top::new(by(request.sort), request.offset, request.limit.max(1));
    let facet_counts = match request.facets {
        true => Some(facets::collector(book)?),
        false => None,
    };
    Ok(searcher.search(query, &(Count, top, facet_counts, also))?)
}

fn by(sort: Sort) -> By {
    match sort {
        Sort::Relevance => By::Score,
        Sort::Date => By::Newest,
    }
}

/// The hits of a page: `shown` (the query that found the page, wider than the query itself
/// when the closest articles filled it) scores those ranked by date, picks the snippets and
/// explains the scores, which it gives as the query itself does to the articles with every
/// word; but for the articles at the places `unfed`, without feedback's parts.
fn hits(
    index: &GazetteIndex,
    (searcher, book, mut snippets): (&Searcher, &NameBook, Snippets),
    (shown, unfed): (&dyn Query, Range<usize>),
    request: &SearchRequest,
    ranked: Vec<Ranked>,
    cwd: Option<&Path>,
) -> Result<Vec<Hit>> {
    // Hits ordered by date have no score yet; BM25 is computed for just those shown.
    let weight = match request.sort {
        Sort::Relevance => None,
        Sort::Date => Some(shown.weight(EnableScoring::enabled_from_searcher(searcher))?),
    };
    let mut hits = Vec::with_capacity(ranked.len());
    for ((score, address), at) in ranked.into_iter().zip(request.offset..) {
        let doc: TantivyDocument = searcher.doc(address)?;
        let mut values = Shown::of(&doc, &index.fields);
        shown_names(book, &mut values);
        let score = match (score, &weight) {
            (Some(score), _) => score,
            (None, Some(weight)) => weight
                .explain(searcher.segment_reader(address.segment_ord), address.doc_id)?
                .value(),
            (None, None) => 0.0,
        };
        let path = display_path(&index.corpus, &values.key, cwd);
        let mut hit = hit(&doc, values, &index.fields, path, score, &mut snippets);
        if request.explain {
            let parts = explain::explain(searcher, shown, address)?;
            hit.explanation = Some(match unfed.contains(&at) {
                true => explain::without_feedback(parts),
                false => parts,
            });
        }
        hits.push(hit);
    }
    Ok(hits)
}

/// A ranked article: its BM25 score when it was ranked by score.
type Ranked = (Option<f32>, DocAddress);

/// How many articles match, the page ranked, their facet counts and what else was collected.
type Ranking<F> = (usize, Vec<Ranked>, Option<facets::Counted>, F);

/// The articles with every word (`strict`, fewer than `wanted` of them), then those each
/// wider query adds, one group per query, each in the order `by`, up to `wanted` in all; and
/// how many articles the widest query matches.
fn widen(
    searcher: &Searcher,
    (strict, wider): (&dyn Query, &[Box<dyn Query>]),
    wanted: usize,
    by: By,
) -> Result<(usize, Vec<Vec<Ranked>>)> {
    let ranked = searcher.search(strict, &Top::new(by, 0, wanted))?;
    let mut total = ranked.len();
    let mut room = wanted - ranked.len();
    let mut groups = vec![ranked];
    let mut narrower = strict.box_clone();
    for query in wider {
        let added = BooleanQuery::new(vec![
            (Occur::Must, query.box_clone()),
            (Occur::MustNot, narrower),
        ]);
        let top = Top::new(by, 0, room.max(1));
        let (count, docs) = searcher.search(&added, &(Count, top))?;
        total += count;
        let group: Vec<Ranked> = docs.into_iter().take(room).collect();
        room -= group.len();
        groups.push(group);
        narrower = query.box_clone();
    }
    Ok((total, groups))
}

pub(crate) fn first_str(doc: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or("")
}

/// What a hit shows besides its title and body, read from its stored document.
pub(crate) struct Shown {
    pub(crate) key: String,
    pub(crate) people: Vec<String>,
    pub(crate) places: Vec<String>,
    pub(crate) orgs: Vec<String>,
    pub(crate) countries: Vec<String>,
    pub(crate) published: Option<jiff::civil::Date>,
}

impl Shown {
    /// The values as the article's document keeps them, in the order they were added.
    pub(crate) fn of(doc: &TantivyDocument, fields: &Fields) -> Shown {
        let all = |field| {
            (doc.get_all(field))
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        };
        Shown {
            key: first_str(doc, fields.path).to_string(),
            people: all(fields.people),
            places: all(fields.places),
            orgs: all(fields.orgs),
            countries: all(fields.countries),
            published: (doc.get_first(fields.published))
                .and_then(|v| v.as_i64())
                .and_then(day_from_number),
        }
    }
}

/// A hit's names as the archive credits them.
fn shown_names(book: &NameBook, values: &mut Shown) {
    let stored = (values.people.iter().map(|n| (Kind::People, n.as_str())))
        .chain(values.places.iter().map(|n| (Kind::Places, n.as_str())))
        .chain(values.orgs.iter().map(|n| (Kind::Orgs, n.as_str())));
    let shown = book.resolve(stored);
    let of = |kind| {
        shown
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, n)| n.to_string())
            .collect()
    };
    (values.people, values.places, values.orgs) =
        (of(Kind::People), of(Kind::Places), of(Kind::Orgs));
}

/// Each document's values of a text column, in the order they were added.
pub(crate) fn column_values(column: &StrColumn, docs: &[DocId]) -> Result<Vec<Vec<String>>> {
    let ords: Vec<Vec<u64>> = docs
        .iter()
        .map(|&d| column.term_ords(d).collect())
        .collect();
    let mut sorted = ords.concat();
    sorted.sort_unstable();
    sorted.dedup();
    let terms = top::sorted_terms(column, &sorted)?;
    let term =
        |ord: u64| terms[sorted.binary_search(&ord).expect("every ord was looked up")].clone();
    Ok(ords
        .into_iter()
        .map(|doc| doc.into_iter().map(term).collect())
        .collect())
}

fn hit(
    doc: &TantivyDocument,
    values: Shown,
    fields: &Fields,
    path: String,
    score: f32,
    snippets: &mut Snippets,
) -> Hit {
    let first = |field| first_str(doc, field);
    let (snippet, highlights) = match snippets.of(doc) {
        None => (lead(first(fields.body), SNIPPET_CHARS), Vec::new()),
        Some((passage, ranges)) => {
            let ranges = ranges.iter().map(|r| [r.start, r.end]).collect();
            (passage, ranges)
        }
    };
    Hit {
        key: values.key,
        path,
        score,
        title: first(fields.title).to_string(),
        published: values.published.map(|d| d.to_string()),
        people: values.people,
        places: values.places,
        orgs: values.orgs,
        countries: values.countries,
        snippet,
        highlights,
        explanation: None,
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

/// The statistics of an index, with the `top` names of each kind.
pub(crate) fn stats(index: &GazetteIndex, top: usize) -> Result<Stats> {
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
        top: facets::archive(&searcher, &index.names()?, top)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_cuts_at_a_word_boundary() {
        assert_eq!(lead("one two three", 9), "one two");
        assert_eq!(lead("short", 200), "short");
    }
}
