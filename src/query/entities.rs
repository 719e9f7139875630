//! Names in a query: runs of its words that name a country, place or person known to the
//! gazetteer or to the archive itself, and the clauses on the extracted-entity fields that
//! find the articles tagged with them.

use tantivy::collector::Count;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocSet, Searcher, TERMINATED, Term};

use crate::error::Result;
use crate::extract::gazetteer::{EmbeddedLookup, KIND_COUNTRY};
use crate::index::schema::field;

/// The longest run of query words looked up as one name (`Bank of Japan`, `Kim Jong Un`).
const MAX_NAME_WORDS: usize = 4;
/// A run of words names an entity when at least this share of the articles containing the
/// words were tagged with it. Extraction then agrees that the words are mostly used as that
/// name, so `Turkey` the country passes and `Sterling` the town (in articles about the pound)
/// does not.
const MIN_TAGGED_SHARE: f32 = 0.25;

/// How the values of one entity field are named in a query.
enum Naming {
    /// Country codes, named by a country's names or its demonyms (`British` → GB).
    CountryCode,
    /// Canonical names from the gazetteer (`Ivory Coast`), or the words themselves when the
    /// archive has tagged them as this kind of name.
    Name,
}

/// The entity fields a query's words are matched against. Another kind of entity is one line;
/// organisations were measured as one and left out (BENCHMARKS.md, issue 13 merge).
const KINDS: &[(&str, Naming)] = &[
    (field::COUNTRIES, Naming::CountryCode),
    (field::PLACES, Naming::Name),
    (field::PEOPLE, Naming::Name),
];

/// Words of the query that name an entity, and the clauses that find articles tagged with it.
pub(crate) struct Entity {
    /// The query words it covers, as a range of their positions.
    pub(crate) words: std::ops::Range<usize>,
    /// Each clause with its label, e.g. `countries:GB`.
    pub(crate) clauses: Vec<(String, Box<dyn Query>)>,
}

/// The words of a name as a query on the text.
pub(crate) type InText<'a> = &'a dyn Fn(&str) -> Result<Box<dyn Query>>;

/// The entities named in `words`, left to right, the longest run of words first.
pub(crate) fn find(searcher: &Searcher, words: &[&str], text: InText) -> Result<Vec<Entity>> {
    // Damaged tables leave the names the archive knows.
    let gazetteer = EmbeddedLookup::new();
    let mut found = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let longest = MAX_NAME_WORDS.min(words.len() - start);
        let mut next = start + 1;
        for len in (1..=longest).rev() {
            let name = words[start..start + len].join(" ");
            let clauses = named(searcher, gazetteer.as_ref(), &name, text)?;
            if !clauses.is_empty() {
                found.push(Entity {
                    words: start..start + len,
                    clauses,
                });
                next = start + len;
                break;
            }
        }
        start = next;
    }
    Ok(found)
}

/// The clauses of each kind of entity `name` names, kept only where the archive agrees.
fn named(
    searcher: &Searcher,
    gazetteer: Option<&EmbeddedLookup>,
    name: &str,
    text: InText,
) -> Result<Vec<(String, Box<dyn Query>)>> {
    let mut candidates = Vec::new();
    for (field_name, naming) in KINDS {
        let field = searcher.schema().get_field(field_name)?;
        let value = match naming {
            Naming::CountryCode => gazetteer.and_then(|g| country_code(g, name)),
            // A demonym names its country only: as a place or person's name its words
            // would find the names that merely contain it (`Soviet` in `Soviet Union`).
            Naming::Name if gazetteer.is_some_and(|g| g.demonym(name).is_some()) => None,
            Naming::Name => gazetteer
                .and_then(|g| g.place(name))
                .filter(|_| *field_name == field::PLACES)
                .map(|place| place.name.to_string())
                .or_else(|| Some(name.to_string())),
        };
        let Some(value) = value else { continue };
        let Some(clause) = clause(searcher, field, &value)? else {
            continue;
        };
        let label = match naming {
            Naming::CountryCode => format!("{field_name}:{value}"),
            Naming::Name => format!("{field_name}:\"{value}\""),
        };
        candidates.push((label, clause));
    }
    if candidates.is_empty() {
        return Ok(candidates);
    }
    let words = text(name)?;
    let mut tagged = Vec::new();
    for (label, clause) in candidates {
        let both = BooleanQuery::new(vec![
            (Occur::Must, words.box_clone()),
            (Occur::Must, clause.box_clone()),
        ]);
        let count = searcher.search(&both, &Count)?;
        if count > 0 {
            tagged.push((label, clause, count));
        }
    }
    // Counting the articles with the words walks all of them (tens of thousands for a common
    // word): only as many are counted as decide whether the share is reached.
    let most = tagged.iter().map(|(_, _, n)| *n).max().unwrap_or(0);
    if most == 0 {
        return Ok(Vec::new());
    }
    let enough = (most as f32 / MIN_TAGGED_SHARE).ceil() as usize;
    let containing = count_up_to(searcher, &*words, enough.saturating_add(1))?;
    let kept = (tagged.into_iter())
        .filter(|(_, _, n)| *n as f32 >= MIN_TAGGED_SHARE * containing as f32)
        .map(|(label, clause, _)| (label, clause))
        .collect();
    Ok(kept)
}

/// How many live articles match `query`, counted up to `limit`: past the number whose share
/// no name reaches, the exact number changes nothing.
fn count_up_to(searcher: &Searcher, query: &dyn Query, limit: usize) -> Result<usize> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut count = 0;
    for segment in searcher.segment_readers() {
        let alive = segment.alive_bitset();
        let mut scorer = weight.scorer(segment, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                count += 1;
                if count >= limit {
                    return Ok(count);
                }
            }
            doc = scorer.advance();
        }
    }
    Ok(count)
}

/// The country a country name or demonym names.
fn country_code(gazetteer: &EmbeddedLookup, name: &str) -> Option<String> {
    let code = match gazetteer.place(name) {
        Some(place) if place.kind == KIND_COUNTRY => place.country.to_string(),
        _ => String::from_utf8(gazetteer.demonym(name)?.to_vec()).ok()?,
    };
    // Kosovo and the Netherlands Antilles are countries without an ISO code.
    (!code.is_empty()).then_some(code)
}

/// The query for `value` in an entity field: the code, or the name's words in order. None
/// when no article was tagged with one of its words, or the field's analyzer leaves none.
fn clause(searcher: &Searcher, field: Field, value: &str) -> Result<Option<Box<dyn Query>>> {
    let mut analyzer = searcher.index().tokenizer_for_field(field)?;
    let mut stream = analyzer.token_stream(value);
    let mut terms = Vec::new();
    while let Some(token) = stream.next() {
        terms.push(Term::from_field_text(field, &token.text));
    }
    for term in &terms {
        if searcher.doc_freq(term)? == 0 {
            return Ok(None);
        }
    }
    Ok(match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.remove(0),
            IndexRecordOption::Basic,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    })
}
