//! Related coverage of one article: the articles most alike in their words (tantivy's
//! MoreLikeThis over title and body) and those naming the same people, places and
//! organisations, each hit with the names it shares.

use serde::Serialize;
use tantivy::query::{
    BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, OwnedValue};
use tantivy::{TantivyDocument, Term};

use super::article::locate;
use crate::error::Result;
use crate::index::GazetteIndex;
use crate::query::{By, Shown, Top, first_str};

/// A shared name counts this much more than one shared ordinary word.
const NAME_BOOST: f32 = 3.0;
/// Words the article uses most, at most this many, make the likeness query.
const LIKENESS_TERMS: usize = 25;
/// Words found in more than this share of the articles say nothing about likeness.
const COMMON_SHARE: u64 = 10;

#[derive(Debug, Default, Serialize)]
pub(crate) struct Shared {
    pub people: Vec<String>,
    pub places: Vec<String>,
    pub orgs: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct RelatedHit {
    pub key: String,
    pub title: String,
    pub published: Option<String>,
    pub score: f32,
    /// Why it is related, besides its words: the people, places and organisations both articles
    /// name.
    pub shared: Shared,
}

/// The articles related to the one with `key`, best first; None when the index has no such
/// article.
pub(crate) fn related(
    index: &GazetteIndex,
    key: &str,
    limit: usize,
) -> Result<Option<Vec<RelatedHit>>> {
    let Some(address) = locate(index, key)? else {
        return Ok(None);
    };
    let searcher = index.searcher()?;
    let doc: TantivyDocument = searcher.doc(address)?;
    let fields = &index.fields;
    let Shown {
        people,
        places,
        orgs,
        ..
    } = Shown::of(&doc, fields);
    let text = |field| {
        (
            field,
            vec![OwnedValue::Str(first_str(&doc, field).to_string())],
        )
    };
    let likeness = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(2)
        .with_max_doc_frequency((searcher.num_docs() / COMMON_SHARE).max(3))
        .with_min_term_frequency(1)
        .with_max_query_terms(LIKENESS_TERMS)
        .with_document_fields(vec![text(fields.title), text(fields.body)]);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(likeness))];
    for (field, values) in [
        (fields.people, &people),
        (fields.places, &places),
        (fields.orgs, &orgs),
    ] {
        for name in values {
            if let Some(query) = name_query(index, field, name)? {
                let boosted = BoostQuery::new(query, NAME_BOOST);
                clauses.push((Occur::Should, Box::new(boosted)));
            }
        }
    }
    let itself = Term::from_field_text(fields.path, key);
    clauses.push((
        Occur::MustNot,
        Box::new(TermQuery::new(itself, IndexRecordOption::Basic)),
    ));
    // Copies score alike: they fall in the same order as in search, whatever the build.
    let top = Top::new(By::Score, 0, limit.max(1));
    let found = searcher.search(&BooleanQuery::new(clauses), &top)?;
    let mut hits = Vec::with_capacity(found.len());
    for (score, at) in found.into_iter().take(limit) {
        let hit: TantivyDocument = searcher.doc(at)?;
        let theirs = Shown::of(&hit, fields);
        let common = |theirs: Vec<String>, ours: &[String]| -> Vec<String> {
            theirs.into_iter().filter(|n| ours.contains(n)).collect()
        };
        hits.push(RelatedHit {
            key: theirs.key,
            title: first_str(&hit, fields.title).to_string(),
            published: theirs.published.map(|d| d.to_string()),
            score: score.unwrap_or_default(),
            shared: Shared {
                people: common(theirs.people, &people),
                places: common(theirs.places, &places),
                orgs: common(theirs.orgs, &orgs),
            },
        });
    }
    Ok(Some(hits))
}

/// The query for one name as the names analyzer indexed it: a term, or a phrase of terms.
fn name_query(index: &GazetteIndex, field: Field, name: &str) -> Result<Option<Box<dyn Query>>> {
    let mut analyzer = index.index.tokenizer_for_field(field)?;
    let mut terms = Vec::new();
    let mut stream = analyzer.token_stream(name);
    while stream.advance() {
        terms.push(Term::from_field_text(field, &stream.token().text));
    }
    Ok(match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.remove(0),
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    })
}
