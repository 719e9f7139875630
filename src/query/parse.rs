//! The query language: tantivy's, checked for what it cannot take, with dates rewritten; for
//! plain words, the entities they name, and the wider queries that answer when too few
//! articles have every word.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::Searcher;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, QueryParser, QueryParserError};

use super::credit::{credit_names, exact_names};
use super::dates::{next_field, rewrite_dates};
use super::entities;
use super::explain::{Label, Labelled};
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::index::schema::{INTERNAL_FIELDS, QUERY_FIELDS};

/// Queries longer than this are refused: tantivy's parser is recursive, and no person types
/// a query this long.
const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Title words weigh this much more than body words.
const TITLE_BOOST: f32 = 2.0;

/// An entity's clause weighs this much against 1 for a word in the body (tuned on the dev
/// queries and the tune half of the label-pair queries; BENCHMARKS.md).
const ENTITY_BOOST: f32 = 1.5;

/// A query ready to run: what matches it strictly, and for a query of plain words, ever wider
/// queries for when too few articles match it strictly.
pub(crate) struct Plan {
    pub(crate) strict: Box<dyn Query>,
    /// Each matches every article the one before does: articles with all words but one, then
    /// all but two, down to any one word. Empty when the query is not plain words.
    pub(crate) wider: Vec<Box<dyn Query>>,
    /// True for a query of plain words, which may be widened by feedback.
    pub(crate) plain: bool,
}

/// Parses a user query against the gazette schema: what strictly matches it.
pub(crate) fn parse(index: &GazetteIndex, query: &str) -> Result<Box<dyn Query>> {
    Ok(plan(index, &index.searcher()?, query)?.strict)
}

/// Parses a user query. Plain words that name an entity (`British`, `Ivory Coast`) are also
/// met by the articles tagged with it, which rank higher for it.
pub(crate) fn plan(index: &GazetteIndex, searcher: &Searcher, query: &str) -> Result<Plan> {
    check(query)?;
    let Some(words) = plain_words(query) else {
        let rewritten = credit_names(index, &exact_names(&rewrite_dates(query)?)?)?;
        let strict = parser(index).parse_query(&rewritten).map_err(query_error)?;
        return Ok(Plan {
            strict,
            wider: Vec::new(),
            plain: false,
        });
    };
    let concepts = concepts(index, searcher, &words)?;
    let strict = match &concepts[..] {
        [one] => one.box_clone(),
        _ => Box::new(BooleanQuery::new(
            concepts
                .iter()
                .map(|c| (Occur::Must, c.box_clone()))
                .collect(),
        )),
    };
    let wider = (1..concepts.len())
        .rev()
        .map(|at_least| {
            let clauses = concepts
                .iter()
                .map(|c| (Occur::Should, c.box_clone()))
                .collect();
            Box::new(BooleanQuery::with_minimum_required_clauses(
                clauses, at_least,
            )) as Box<dyn Query>
        })
        .collect();
    Ok(Plan {
        strict,
        wider,
        plain: true,
    })
}

/// Refuses what no person types and tantivy cannot take.
fn check(query: &str) -> Result<()> {
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
    if let Some((_, internal, _)) = next_field(query, INTERNAL_FIELDS) {
        return Err(query_error(QueryParserError::FieldDoesNotExist(
            internal.to_string(),
        )));
    }
    Ok(())
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

/// Plain words are looked for in the text alone: the names fields are reached through the
/// entities the words name, which weighs a name once rather than as a word of the text and
/// again as an entity.
fn text_parser(index: &GazetteIndex) -> QueryParser {
    let f = &index.fields;
    let mut parser = QueryParser::for_index(&index.index, vec![f.title, f.body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(f.title, TITLE_BOOST);
    parser
}

/// The words of a query written as plain words only, with no operator, field, phrase, or
/// sign: only such a query may be answered by articles lacking some of its words, or having
/// the entity a word names rather than the word, since an operator asks for its strict meaning.
fn plain_words(query: &str) -> Option<Vec<&str>> {
    let plain = |word: &str| {
        let mut chars = word.chars();
        chars.next().is_some_and(char::is_alphanumeric)
            && chars.all(|c| c.is_alphanumeric() || ".-'".contains(c))
            && !["AND", "OR", "NOT", "IN"].contains(&word)
    };
    let words: Vec<&str> = query.split_whitespace().collect();
    words.iter().all(|w| plain(w)).then_some(words)
}

/// One query per word of a plain-words query, or per run of words naming an entity: the
/// words in the text, or the entity among the article's extracted ones.
fn concepts(
    index: &GazetteIndex,
    searcher: &Searcher,
    words: &[&str],
) -> Result<Vec<Box<dyn Query>>> {
    let parser = text_parser(index);
    // A word is parsed when its entities are looked for and again as a concept; each parse
    // clones the analyzers of the title and the body.
    let parsed: RefCell<FxHashMap<String, Box<dyn Query>>> = RefCell::default();
    let in_text = |text: &str| -> Result<Box<dyn Query>> {
        if let Some(query) = parsed.borrow().get(text) {
            return Ok(query.box_clone());
        }
        let query = parser.parse_query(text).map_err(query_error)?;
        (parsed.borrow_mut()).insert(text.to_string(), query.box_clone());
        Ok(query)
    };
    let word = |w: &&str| in_text(w);
    let entities = entities::find(searcher, words, &in_text)?;
    let mut concepts = Vec::new();
    let mut at = 0;
    for entity in entities {
        concepts.extend(
            words[at..entity.words.start]
                .iter()
                .map(word)
                .collect::<Result<Vec<_>>>()?,
        );
        let text: Vec<_> = words[entity.words.clone()]
            .iter()
            .map(word)
            .collect::<Result<_>>()?;
        let text: Box<dyn Query> = match text.len() {
            1 => text.into_iter().next().expect("one word"),
            _ => Box::new(BooleanQuery::new(
                text.into_iter().map(|q| (Occur::Must, q)).collect(),
            )),
        };
        let mut either = vec![(Occur::Should, text)];
        for (label, clause) in entity.clauses {
            let boosted = Box::new(BoostQuery::new(clause, ENTITY_BOOST));
            either.push((
                Occur::Should,
                Box::new(Labelled {
                    label: Label::Entity(label),
                    query: boosted,
                }) as Box<dyn Query>,
            ));
        }
        concepts.push(Box::new(BooleanQuery::new(either)) as Box<dyn Query>);
        at = entity.words.end;
    }
    concepts.extend(words[at..].iter().map(word).collect::<Result<Vec<_>>>()?);
    Ok(concepts)
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
