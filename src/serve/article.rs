//! One article as the page shows it: found by its key in the index (never by opening a path a
//! client gave), with its full text and the mentions of people, places, organisations and dates
//! in it.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use crate::error::Result;
use crate::extract::dates::find_dates;
use crate::extract::entities::find_entities;
use crate::extract::{DateMention, Org, Person, Place};
use crate::index::GazetteIndex;
use crate::query::{Shown, first_str};

#[derive(Debug, Serialize)]
pub(crate) struct ArticleView {
    pub key: String,
    pub title: String,
    pub published: Option<String>,
    /// Front matter other than title and date, as stored.
    pub meta: BTreeMap<String, String>,
    /// The body; every mention's `start` and `end` are byte offsets into it.
    pub text: String,
    pub people: Vec<Person>,
    pub places: Vec<Place>,
    pub orgs: Vec<Org>,
    pub countries: Vec<String>,
    pub dates: Vec<DateMention>,
}

/// Where the article with this key is, if the index holds one: an exact term of the path
/// field, so `../x`, an absolute path or any other string is simply not found.
pub(crate) fn locate(index: &GazetteIndex, key: &str) -> Result<Option<DocAddress>> {
    let term = Term::from_field_text(index.fields.path, key);
    let query = TermQuery::new(term, IndexRecordOption::Basic);
    let found = index
        .searcher()?
        .search(&query, &TopDocs::with_limit(1).order_by_score())?;
    Ok(found.first().map(|(_, address)| *address))
}

pub(crate) fn article(index: &GazetteIndex, key: &str) -> Result<Option<ArticleView>> {
    let Some(address) = locate(index, key)? else {
        return Ok(None);
    };
    let searcher = index.searcher()?;
    let doc: TantivyDocument = searcher.doc(address)?;
    let text = first_str(&doc, index.fields.body).to_string();
    let shown = Shown::of(&doc, &index.fields);
    let published = shown.published;
    // Mentions are not kept in the index: finding them again in the stored body is the same
    // computation indexing did, and gives offsets into exactly the text returned.
    let found = find_entities(&text);
    let dates = find_dates(&text, published);
    let meta = doc
        .get_first(index.fields.meta)
        .and_then(|v| v.as_object())
        .map(|object| {
            object
                .filter_map(|(k, v)| Some((k.to_string(), v.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(ArticleView {
        key: key.to_string(),
        title: first_str(&doc, index.fields.title).to_string(),
        published: published.map(|d| d.to_string()),
        meta,
        text,
        people: found.people,
        places: found.places,
        orgs: found.orgs,
        countries: shown.countries,
        dates,
    }))
}
