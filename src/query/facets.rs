//! Facet counts over the matches: tantivy's terms aggregation counts the names as stored, then
//! the few articles that the archive shows otherwise (a short form credited to a full name, a
//! name under an alias rule) correct those counts, each name once per article.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::{AggregationResult, AggregationResults, BucketResult};
use tantivy::collector::Count;
use tantivy::query::{AllQuery, BooleanQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::{FacetCount, Facets};
use crate::error::Result;
use crate::index::names::book::{Deltas, NameDeltas};
use crate::index::names::{Kind, NameBook};
use crate::index::schema::field;

pub(crate) const FACET_SIZE: usize = 10;
/// Stored names of a kind counted before the corrections, so that a name they push out of the
/// top ten has a known successor; when too few, the kind is counted again with more.
const STORED_SIZE: usize = 10 * FACET_SIZE;
/// Names each segment reports before counts are merged. A name among the top overall but
/// not in some segment's own short list loses that segment's count, so the lists are long:
/// on a many-segment index this keeps the top ten exact, at no measurable cost.
const SEGMENT_SIZE: usize = 100 * FACET_SIZE;

/// The stored names counted by tantivy, and how the names shown differ from them.
pub(super) type Counted = (AggregationResults, Deltas);

/// Collects what [`facets`] turns into the facets of the same query.
pub(super) fn collector(book: &Arc<NameBook>) -> Result<(AggregationCollector, NameDeltas)> {
    Ok((stored()?, NameDeltas::new(book.clone())))
}

fn stored() -> Result<AggregationCollector> {
    stored_top(FACET_SIZE)
}

/// The stored counts asked for to show the `top` names of each kind.
fn stored_top(top: usize) -> Result<AggregationCollector> {
    let stored = STORED_SIZE / FACET_SIZE * top;
    request(&[
        (field::PEOPLE, stored),
        (field::PLACES, stored),
        (field::ORGS, stored),
        (field::COUNTRIES, top),
    ])
}

/// The `top` names of each kind over the whole archive, with the corrections the name book
/// keeps for it.
pub(super) fn archive(searcher: &Searcher, book: &Arc<NameBook>, top: usize) -> Result<Facets> {
    let counted = searcher.search(&AllQuery, &stored_top(top)?)?;
    let deltas = book.archive(searcher)?;
    top_facets(searcher, &AllQuery, (&counted, deltas), top)
}

fn request(fields: &[(&str, usize)]) -> Result<AggregationCollector> {
    let request: serde_json::Map<_, _> = fields
        .iter()
        .map(|&(name, size)| {
            let terms = serde_json::json!({
                "field": name,
                "size": size,
                "segment_size": size.max(SEGMENT_SIZE),
            });
            (name.to_string(), serde_json::json!({ "terms": terms }))
        })
        .collect();
    let aggs: Aggregations = serde_json::from_value(request.into())?;
    Ok(AggregationCollector::from_aggs(aggs, Default::default()))
}

/// The most frequent people, places, organisations and countries among the articles `query` matches, from
/// the counts [`collector`] gathered over them: names as the archive credits them.
pub(super) fn facets(
    searcher: &Searcher,
    query: &dyn Query,
    counted: (&AggregationResults, &Deltas),
) -> Result<Facets> {
    top_facets(searcher, query, counted, FACET_SIZE)
}

/// [`facets`] with the `top` names of each kind.
fn top_facets(
    searcher: &Searcher,
    query: &dyn Query,
    (counted, deltas): (&AggregationResults, &Deltas),
    top: usize,
) -> Result<Facets> {
    let named = |kind: Kind| {
        let stored = buckets(counted, kind.word());
        credited(searcher, query, (kind, stored, top), deltas)
    };
    let counts = |found: Vec<(String, u64)>| {
        (found.into_iter())
            .map(|(name, count)| FacetCount { name, count })
            .collect()
    };
    Ok(Facets {
        people: counts(named(Kind::People)?),
        places: counts(named(Kind::Places)?),
        orgs: counts(named(Kind::Orgs)?),
        countries: counts(buckets(counted, field::COUNTRIES)),
    })
}

/// The names of a kind as each aggregation bucket holds them, most counted first.
fn buckets(counted: &AggregationResults, name: &str) -> Vec<(String, u64)> {
    match counted.0.get(name) {
        Some(AggregationResult::BucketResult(BucketResult::Terms { buckets, .. })) => buckets
            .iter()
            .map(|b| (b.key.to_string(), b.doc_count))
            .collect(),
        _ => Vec::new(),
    }
}

/// The top names of a kind once corrected, from the `stored` top counts of the kind.
fn credited(
    searcher: &Searcher,
    query: &dyn Query,
    (kind, mut stored, top): (Kind, Vec<(String, u64)>, usize),
    deltas: &Deltas,
) -> Result<Vec<(String, u64)>> {
    let mut size = STORED_SIZE / FACET_SIZE * top;
    loop {
        if let Some(found) = corrected(searcher, query, (kind, &stored, size, top), deltas)? {
            return Ok(found);
        }
        size *= 10;
        let counted = searcher.search(query, &request(&[(kind.word(), size)])?)?;
        stored = buckets(&counted, kind.word());
    }
}

/// The top names once corrected, or None when a name beyond the `size` stored counts asked
/// for might belong among them.
fn corrected(
    searcher: &Searcher,
    query: &dyn Query,
    (kind, stored, size, top): (Kind, &[(String, u64)], usize, usize),
    deltas: &Deltas,
) -> Result<Option<Vec<(String, u64)>>> {
    let complete = stored.len() < size;
    // Any name outside the buckets is stored by at most as many matches as the last bucket.
    let least = match complete {
        true => 0,
        false => stored.iter().map(|s| s.1 as i64).min().unwrap_or(0),
    };
    let mut known: HashMap<&str, i64> = stored
        .iter()
        .map(|(n, c)| (n.as_str(), *c as i64))
        .collect();
    let mut gaining = Vec::new();
    for ((_, name), &delta) in deltas.iter().filter(|((k, _), _)| *k == kind) {
        match known.get_mut(name.as_str()) {
            Some(count) => *count += delta,
            None if delta > 0 => gaining.push((name.as_str(), delta)),
            None => {}
        }
    }
    gaining.sort_unstable_by_key(|&(name, delta)| (Reverse(delta), name));
    for (name, delta) in gaining {
        if least + delta < nth(&known, top) {
            break;
        }
        let stored = match complete {
            true => 0,
            false => stored_count(searcher, query, kind, name)?,
        };
        known.insert(name, stored + delta);
    }
    let mut shown: Vec<(&str, i64)> = known.into_iter().filter(|(_, c)| *c > 0).collect();
    shown.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    if !complete && shown.get(top - 1).is_none_or(|t| t.1 <= least) {
        return Ok(None);
    }
    shown.truncate(top);
    Ok(Some(
        shown
            .into_iter()
            .map(|(name, count)| (name.to_string(), count as u64))
            .collect(),
    ))
}

/// The `n`th highest count, or 0 while there are fewer.
fn nth(known: &HashMap<&str, i64>, n: usize) -> i64 {
    let mut counts: Vec<i64> = known.values().copied().collect();
    if counts.len() < n {
        return 0;
    }
    let (_, nth, _) = counts.select_nth_unstable_by_key(n - 1, |&c| Reverse(c));
    *nth
}

/// How many matches store `name` as a name of `kind`.
fn stored_count(searcher: &Searcher, query: &dyn Query, kind: Kind, name: &str) -> Result<i64> {
    let names = searcher.schema().get_field(field::NAMES)?;
    let term = Term::from_field_text(names, &format!("{}:{name}", kind.word()));
    let stored = TermQuery::new(term, IndexRecordOption::Basic);
    let both = BooleanQuery::intersection(vec![query.box_clone(), Box::new(stored)]);
    Ok(searcher.search(&both, &Count)? as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Fields;
    use crate::index::names::Aliases;
    use tantivy::{Index, TantivyDocument};

    /// A searcher over articles that store the people given, one list per article.
    fn searcher(articles: &[&[&str]]) -> Searcher {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        crate::index::schema::register_tokenizers(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for people in articles {
            let mut doc = TantivyDocument::default();
            for name in *people {
                doc.add_text(fields.people, name);
                doc.add_text(fields.names, format!("people:{name}"));
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        index.reader().unwrap().searcher()
    }

    fn people(searcher: &Searcher, query: &dyn Query) -> Vec<(String, u64)> {
        let book = Arc::new(NameBook::build(searcher, Aliases::default()).unwrap());
        let (counted, deltas) = searcher.search(query, &collector(&book).unwrap()).unwrap();
        let found = facets(searcher, query, (&counted, &deltas)).unwrap();
        if query.is::<AllQuery>() {
            let archive = archive(searcher, &book, FACET_SIZE).unwrap();
            assert_eq!(format!("{archive:?}"), format!("{found:?}"));
        }
        found
            .people
            .into_iter()
            .map(|f| (f.name, f.count))
            .collect()
    }

    #[test]
    fn a_person_named_in_full_and_short_in_one_article_counts_once() {
        let tony: &[&str] = &["Tony Blair"];
        let searcher = searcher(&[
            tony,
            tony,
            tony,
            &["Tony Blair", "Blair"],
            &["Blair", "Gordon Brown"],
            &["Gordon Brown"],
        ]);
        let people = people(&searcher, &AllQuery);
        // Stored: Tony Blair 4, Blair 2, Gordon Brown 2; shown: Tony Blair in 5 articles.
        assert_eq!(
            people,
            [
                ("Tony Blair".to_string(), 5),
                ("Gordon Brown".to_string(), 2)
            ]
        );
    }

    #[test]
    fn a_name_gaining_articles_beyond_the_stored_top_list_is_counted_exactly() {
        // More names stored thrice than the aggregation reports: the full name, stored twice,
        // is outside its list and is counted by a query of its own; its short form is stored
        // alone in five more articles.
        let fillers: Vec<String> = (0..STORED_SIZE + 20)
            .map(|i| format!("Person{i} Filler{i}"))
            .collect();
        let mut articles: Vec<Vec<&str>> = Vec::new();
        for name in &fillers {
            articles.extend([
                vec![name.as_str()],
                vec![name.as_str()],
                vec![name.as_str()],
            ]);
        }
        articles.push(vec!["Ada Lovelace"]);
        articles.push(vec!["Ada Lovelace"]);
        for _ in 0..5 {
            articles.push(vec!["Lovelace"]);
        }
        let lists: Vec<&[&str]> = articles.iter().map(Vec::as_slice).collect();
        let people = people(&searcher(&lists), &AllQuery);
        assert_eq!(people[0], ("Ada Lovelace".to_string(), 7), "{people:?}");
        assert_eq!(people.len(), FACET_SIZE);
        assert!(people[1..].iter().all(|(_, n)| *n == 3), "{people:?}");
    }
}
