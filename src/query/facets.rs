//! Facet counts over the matches: the names as stored are counted by term ordinal in each
//! segment's columns, then the few articles that the archive shows otherwise (a short form
//! credited to a full name, a name under an alias rule) correct those counts, each name once
//! per article.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, Count, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::{AllQuery, BooleanQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use super::{FacetCount, Facets};
use crate::error::Result;
use crate::index::names::book::{Articles, Changes, Codes, Deltas};
use crate::index::names::terms::ColumnTerms;
use crate::index::names::{Kind, NameBook};
use crate::index::schema::{field, whole_name};

pub(crate) const FACET_SIZE: usize = 10;
/// Stored names of a kind counted before the corrections, so that a name they push out of the
/// top ten has a known successor; when too few, the kind is counted again with more.
const STORED_SIZE: usize = 10 * FACET_SIZE;
/// Names each segment reports before counts are merged, at least. A name among the top
/// overall but not in some segment's own short list is counted again ([`settled`]), so long
/// lists keep that rare.
const SEGMENT_SIZE: usize = 100 * FACET_SIZE;

/// The stored names counted, and how the names shown differ from them (when a name book was
/// given).
pub(super) type Counted = (Stored, Option<Changes>);

/// How the names shown differ from the names stored: over the matches, or over the whole
/// archive as the name book keeps it.
enum Corrections<'a> {
    Matches(Option<&'a Changes>),
    Archive(&'a Deltas),
}

impl Corrections<'_> {
    /// The names of `kind` credited to more or fewer articles than store them, with the
    /// difference.
    fn of(&self, kind: Kind) -> Vec<(&str, i64)> {
        match self {
            Corrections::Matches(changes) => changes.iter().flat_map(|c| c.of(kind)).collect(),
            Corrections::Archive(deltas) => (deltas.iter())
                .filter(|((k, _), _)| *k == kind)
                .map(|((_, name), &n)| (name.as_str(), n))
                .collect(),
        }
    }
}

/// Per column counted: its name and its most stored values.
pub(super) type Stored = Vec<(&'static str, Bucketed)>;

/// A column's most stored values as the segments' short lists add up, and what those lists
/// leave unknown.
#[derive(Clone, Default)]
pub(super) struct Bucketed {
    /// The values with their counts, most first and then in name order: the `size` most
    /// counted, then those after them that a list left out may lift among them.
    top: Vec<(String, u64)>,
    /// Values of `top` that some segment left out of its list: their counts may be low.
    partial: HashSet<String>,
    /// The most that a value in no list may count, when some list left values out.
    unseen: Option<u64>,
    /// How many values were asked for, and how many each segment listed.
    size: usize,
    reach: usize,
}

/// Collects what [`facets`] turns into the facets of the same query: the stored names, and
/// in the same reading of each article's names, the name book's changes to them.
pub(super) fn collector(book: &Arc<NameBook>) -> Result<StoredCounts> {
    Ok(StoredCounts {
        book: Some(book.clone()),
        ..stored_top(FACET_SIZE)
    })
}

/// The stored counts asked for to show the `top` names of each kind.
fn stored_top(top: usize) -> StoredCounts {
    let stored = STORED_SIZE / FACET_SIZE * top;
    StoredCounts::of(vec![
        (field::PEOPLE, stored),
        (field::PLACES, stored),
        (field::ORGS, stored),
        (field::COUNTRIES, top),
    ])
}

/// The `top` names of each kind over the whole archive, with the corrections the name book
/// keeps for it.
pub(super) fn archive(searcher: &Searcher, book: &Arc<NameBook>, top: usize) -> Result<Facets> {
    let (counted, _) = searcher.search(&AllQuery, &stored_top(top))?;
    let deltas = book.archive(searcher)?;
    top_facets(
        searcher,
        &AllQuery,
        (&counted, Corrections::Archive(deltas)),
        top,
    )
}

/// Counts the matches storing each value of some text columns, keeping the `size` most
/// stored values of each column. Each segment counts by term ordinal into an array, each
/// value once per article, and looks up the text of only its [`SEGMENT_SIZE`] most counted:
/// tantivy's terms aggregation did the same work through sorted (document, value) pairs,
/// several times slower. Given a name book, the same reading of an article's names also
/// counts the book's changes to them ([`Articles`]).
pub(super) struct StoredCounts {
    /// Per column, its name, how many of its most stored values to report, and how many
    /// each segment lists.
    columns: Vec<(&'static str, usize, usize)>,
    book: Option<Arc<NameBook>>,
}

impl StoredCounts {
    /// Per column, its name and how many of its most stored values to report.
    fn of(columns: Vec<(&'static str, usize)>) -> StoredCounts {
        StoredCounts {
            columns: (columns.into_iter())
                .map(|(name, size)| (name, size, size.max(SEGMENT_SIZE)))
                .collect(),
            book: None,
        }
    }
}

pub(super) struct SegmentStoredCounts {
    /// Per column asked for, when the segment has it.
    columns: Vec<Option<ColumnCounts>>,
    articles: Option<Articles>,
    /// The ordinals of one document in one column, read at once rather than one by one.
    ords: Vec<u64>,
}

/// A column, per ordinal the count and the last document counted, how many values to report,
/// and when the name book resolves names of its kind, the kind's slot and the ordinals' codes;
/// with the column's values, to name the counts.
type ColumnCounts = (
    (StrColumn, Option<Arc<ColumnTerms>>),
    Vec<(u32, DocId)>,
    usize,
    Option<(usize, Arc<Codes>)>,
);

impl Collector for StoredCounts {
    type Fruit = Counted;
    type Child = SegmentStoredCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let fast = segment.fast_fields();
        let articles = self.book.as_ref().map(Articles::new);
        let mut columns = Vec::with_capacity(self.columns.len());
        for &(name, _, reach) in &self.columns {
            // A segment in which no article had a value may lack the column.
            let Some(column) = fast.str(name)? else {
                columns.push(None);
                continue;
            };
            let codes = match (&articles, Kind::parse(name)) {
                (Some(articles), Some(kind)) => {
                    articles.codes(segment.segment_id(), (kind, &column))?
                }
                _ => None,
            };
            let terms = (self.book.as_ref())
                .and_then(|book| book.column_terms().of(segment.segment_id(), name));
            let counts = vec![(0, DocId::MAX); column.dictionary().num_terms()];
            columns.push(Some(((column, terms), counts, reach, codes)));
        }
        Ok(SegmentStoredCounts {
            columns,
            articles,
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Counted> {
        let mut merged = vec![Merged::default(); self.columns.len()];
        let mut changes: Option<Changes> = None;
        for (fruit, more) in fruits {
            for (all, listed) in merged.iter_mut().zip(fruit) {
                all.add(listed);
            }
            match (&mut changes, more) {
                (Some(all), Some(more)) => all.add(&more),
                (None, more) => changes = more,
                (Some(_), None) => {}
            }
        }
        let stored = (self.columns.iter().zip(merged))
            .map(|(&(name, size, reach), merged)| (name, merged.bucketed(size, reach)))
            .collect();
        Ok((stored, changes))
    }
}

/// A segment's list of its most stored values of a column, and the most that a value left
/// out of the list counts there (0 when none was).
type Listed = (Vec<(String, u64)>, u64);

/// Per column asked for, a segment's list; and the name book's changes.
type SegmentFruit = (Vec<Listed>, Option<Changes>);

/// The segments' lists of a column added up: per value its count and the sum of what the
/// lists it is in left out, and the sum of what all lists left out.
#[derive(Clone, Default)]
struct Merged {
    counts: HashMap<String, (u64, u64)>,
    left_out: u64,
}

impl Merged {
    fn add(&mut self, (list, left_out): Listed) {
        self.left_out += left_out;
        for (name, count) in list {
            let entry = self.counts.entry(name).or_default();
            *entry = (entry.0 + count, entry.1 + left_out);
        }
    }

    /// The `size` most counted, and what the lists leave unknown about them and the rest. A
    /// value's count may miss, from each list it is not in, as much as that list left out.
    fn bucketed(self, size: usize, reach: usize) -> Bucketed {
        let left_out = self.left_out;
        let mut counted: Vec<(String, u64, u64)> = (self.counts.into_iter())
            .map(|(name, (count, listed_left_out))| {
                (name, count, left_out.saturating_sub(listed_left_out))
            })
            .collect();
        counted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let rest = counted.split_off(size.min(counted.len()));
        let least = counted.last().map_or(0, |(_, count, _)| *count);
        counted.extend(
            (rest.into_iter())
                .filter(|(_, count, missing)| *missing > 0 && count + missing >= least),
        );
        Bucketed {
            partial: (counted.iter())
                .filter(|(_, _, missing)| *missing > 0)
                .map(|(name, _, _)| name.clone())
                .collect(),
            top: (counted.into_iter())
                .map(|(name, count, _)| (name, count))
                .collect(),
            unseen: (left_out > 0).then_some(left_out),
            size,
            reach,
        }
    }
}

impl SegmentCollector for SegmentStoredCounts {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        for ((column, _), counts, _, codes) in self.columns.iter_mut().flatten() {
            let rows = column.ords().index.value_row_ids(doc);
            self.ords.resize(rows.len(), 0);
            (column.ords().values).get_range(u64::from(rows.start), &mut self.ords);
            for &ord in &self.ords {
                if let Some(slot) = counts.get_mut(ord as usize)
                    && slot.1 != doc
                {
                    *slot = (slot.0 + 1, doc);
                }
                if let (Some(articles), Some((slot, codes))) = (&mut self.articles, &codes) {
                    articles.note(*slot, codes[ord as usize]);
                }
            }
        }
        if let Some(articles) = &mut self.articles {
            articles.end_article();
        }
    }

    fn harvest(self) -> Self::Fruit {
        let stored = (self.columns.into_iter())
            .map(|column| column.map_or_else(Listed::default, segment_top))
            .collect();
        (stored, self.articles.map(Articles::harvest))
    }
}

/// A segment's `size` most counted values of a column, with their text.
fn segment_top(((column, terms), counts, size, _): ColumnCounts) -> Listed {
    let mut counted: Vec<(u64, u64)> = (counts.into_iter().zip(0u64..))
        .filter(|((count, _), _)| *count > 0)
        .map(|((count, _), ord)| (u64::from(count), ord))
        .collect();
    let mut left_out = 0;
    if counted.len() > size {
        counted.select_nth_unstable_by_key(size - 1, |&(count, _)| Reverse(count));
        left_out = (counted[size..].iter().map(|&(count, _)| count))
            .max()
            .unwrap_or(0);
        counted.truncate(size);
    }
    (with_text(&column, terms, counted), left_out)
}

/// Counts by ordinal with the values' text.
fn with_text(
    column: &StrColumn,
    terms: Option<Arc<ColumnTerms>>,
    mut counted: Vec<(u64, u64)>,
) -> Vec<(String, u64)> {
    // An ordinal is read from the column's own dictionary; were one missing, its count is lost
    // rather than the whole search.
    if let Some(terms) = terms {
        return (counted.into_iter())
            .filter_map(|(count, ord)| Some((terms.get(ord)?.to_string(), count)))
            .collect();
    }
    counted.sort_unstable_by_key(|&(_, ord)| ord);
    let ords: Vec<u64> = counted.iter().map(|&(_, ord)| ord).collect();
    let mut terms = Vec::with_capacity(ords.len());
    let found = column.dictionary().sorted_ords_to_term_cb(&ords, |term| {
        terms.push(String::from_utf8_lossy(term).into_owned())
    });
    if !matches!(found, Ok(true)) {
        return Vec::new();
    }
    terms
        .into_iter()
        .zip(counted)
        .map(|(t, (c, _))| (t, c))
        .collect()
}

/// The values of a column as counted, most first, once exact where the segments' lists left
/// them unsure: every count exact, and no value outside counting more than the last one kept.
fn settled(
    searcher: &Searcher,
    query: &dyn Query,
    counted: &Stored,
    column: &'static str,
) -> Result<Vec<(String, u64)>> {
    let Some((_, first)) = counted.iter().find(|(name, _)| *name == column) else {
        return Ok(Vec::new());
    };
    let mut bucketed = Cow::Borrowed(first);
    loop {
        if let Some(exact) = exact(searcher, query, column, &bucketed)? {
            return Ok(exact);
        }
        let longer = StoredCounts {
            columns: vec![(column, bucketed.size, bucketed.reach * 10)],
            book: None,
        };
        let (mut recounted, _) = searcher.search(query, &longer)?;
        bucketed = Cow::Owned(recounted.pop().map(|(_, b)| b).unwrap_or_default());
    }
}

/// Partial values counted again one at a time, at most; with more, the whole column is
/// counted again with longer lists.
const RECOUNTED: usize = 2 * FACET_SIZE;

/// The values of `bucketed` with exact counts, most first, or None when the column must be
/// counted again with longer lists.
fn exact(
    searcher: &Searcher,
    query: &dyn Query,
    column: &'static str,
    bucketed: &Bucketed,
) -> Result<Option<Vec<(String, u64)>>> {
    let kind = Kind::parse(column);
    let partial = &bucketed.partial;
    if partial.len() > RECOUNTED || (kind.is_none() && !partial.is_empty()) {
        return Ok(None);
    }
    let mut top = bucketed.top.clone();
    if let Some(kind) = kind.filter(|_| !partial.is_empty()) {
        for (name, count) in top.iter_mut().filter(|(name, _)| partial.contains(name)) {
            *count = stored_count(searcher, query, kind, name)? as u64;
        }
        top.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    top.truncate(bucketed.size);
    let least = top.last().map_or(0, |t| t.1);
    // A name in no list that might tie with the last kept might also come before it by name.
    Ok((bucketed.unseen)
        .is_none_or(|unseen| unseen < least)
        .then_some(top))
}

/// The most frequent people, places, organisations and countries among the articles `query`
/// matches, from the counts [`collector`] gathered over them: names as the archive credits them.
pub(super) fn facets(
    searcher: &Searcher,
    query: &dyn Query,
    (counted, changes): (&Stored, &Option<Changes>),
) -> Result<Facets> {
    let corrections = Corrections::Matches(changes.as_ref());
    top_facets(searcher, query, (counted, corrections), FACET_SIZE)
}

/// [`facets`] with the `top` names of each kind.
fn top_facets(
    searcher: &Searcher,
    query: &dyn Query,
    (counted, corrections): (&Stored, Corrections),
    top: usize,
) -> Result<Facets> {
    let named = |kind: Kind| {
        let stored = settled(searcher, query, counted, kind.word())?;
        credited(searcher, query, (kind, stored, top), &corrections.of(kind))
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
        countries: counts(settled(searcher, query, counted, field::COUNTRIES)?),
    })
}

/// The top names of a kind once corrected, from the `stored` top counts of the kind.
fn credited(
    searcher: &Searcher,
    query: &dyn Query,
    (kind, mut stored, top): (Kind, Vec<(String, u64)>, usize),
    deltas: &[(&str, i64)],
) -> Result<Vec<(String, u64)>> {
    let mut size = STORED_SIZE / FACET_SIZE * top;
    loop {
        if let Some(found) = corrected(searcher, query, (kind, &stored, size, top), deltas)? {
            return Ok(found);
        }
        size *= 10;
        let (counted, _) = searcher.search(query, &StoredCounts::of(vec![(kind.word(), size)]))?;
        stored = settled(searcher, query, &counted, kind.word())?;
    }
}

/// The top names once corrected, or None when a name beyond the `size` stored counts asked
/// for might belong among them.
fn corrected(
    searcher: &Searcher,
    query: &dyn Query,
    (kind, stored, size, top): (Kind, &[(String, u64)], usize, usize),
    deltas: &[(&str, i64)],
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
    for &(name, delta) in deltas {
        match known.get_mut(name) {
            Some(count) => *count += delta,
            None if delta > 0 => gaining.push((name, delta)),
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
    let term = Term::from_field_u64(names, whole_name(kind.word(), name));
    let stored = TermQuery::new(term, IndexRecordOption::Basic);
    let both = BooleanQuery::intersection(vec![query.box_clone(), Box::new(stored)]);
    Ok(searcher.search(&both, &Count)? as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Fields;
    use crate::index::names::Aliases;
    use crate::index::names::book::prepare_facets;
    use std::collections::BTreeMap;
    use tantivy::collector::DocSetCollector;
    use tantivy::{Index, TantivyDocument};

    /// A searcher over articles that store the people given, one list per article.
    fn searcher(articles: &[&[&str]]) -> Searcher {
        segmented(&[articles])
    }

    /// A searcher over one segment per list of articles.
    fn segmented(segments: &[&[&[&str]]]) -> Searcher {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        crate::index::schema::register_tokenizers(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for articles in segments {
            for people in *articles {
                let mut doc = TantivyDocument::default();
                for name in *people {
                    doc.add_text(fields.people, name);
                    doc.add_u64(fields.names, whole_name("people", name));
                }
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), segments.len());
        searcher
    }

    #[test]
    fn names_left_out_of_a_segments_list_are_counted_exactly() {
        let (a, b, c, d): (&[&str], &[&str], &[&str], &[&str]) =
            (&["Alice"], &["Bob"], &["Carol"], &["Dave"]);
        // Each segment lists its two most stored people: the first leaves out Carol's article,
        // the second Alice's.
        let first = [a, a, a, a, a, b, b, b, b, c];
        let second = [c, c, c, d, d, d, a];
        let searcher = segmented(&[&first, &second]);
        let lists = StoredCounts {
            columns: vec![(field::PEOPLE, 2, 2)],
            book: None,
        };
        let (counted, _) = searcher.search(&AllQuery, &lists).unwrap();
        let summed = [("Alice".to_string(), 5), ("Bob".to_string(), 4)];
        assert_eq!(counted[0].1.top[..2], summed);
        let exact = settled(&searcher, &AllQuery, &counted, field::PEOPLE).unwrap();
        assert_eq!(exact, [("Alice".to_string(), 6), ("Bob".to_string(), 4)]);

        // Eve, left out of both lists, may count more than any name listed but Alice: the
        // lists are made longer.
        let e: &[&str] = &["Eve"];
        let first = [a, a, a, a, a, b, b, b, e, e];
        let second = [c, c, c, d, d, d, e, e];
        let searcher = segmented(&[&first, &second]);
        let (counted, _) = searcher.search(&AllQuery, &lists).unwrap();
        let summed = [("Alice".to_string(), 5), ("Bob".to_string(), 3)];
        assert_eq!(counted[0].1.top[..2], summed);
        let exact = settled(&searcher, &AllQuery, &counted, field::PEOPLE).unwrap();
        assert_eq!(exact, [("Alice".to_string(), 5), ("Eve".to_string(), 4)]);
    }

    fn people(searcher: &Searcher, query: &dyn Query) -> Vec<(String, u64)> {
        let book = Arc::new(NameBook::build(searcher, Aliases::default()).unwrap());
        let (counted, changes) = searcher.search(query, &collector(&book).unwrap()).unwrap();
        let found = facets(searcher, query, (&counted, &changes)).unwrap();
        // Named from the values a server reads ahead, the counts are the same.
        prepare_facets(&book, searcher).unwrap();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().str("people").unwrap().unwrap();
            let kept = book.column_terms().of(segment.segment_id(), "people");
            let kept = kept.expect("read ahead");
            for ord in 0..column.num_terms() as u64 {
                let mut term = Vec::new();
                assert!(column.dictionary().ord_to_term(ord, &mut term).unwrap());
                assert_eq!(kept.get(ord), Some(std::str::from_utf8(&term).unwrap()));
            }
            assert_eq!(kept.get(column.num_terms() as u64), None);
        }
        let (counted, changes) = searcher.search(query, &collector(&book).unwrap()).unwrap();
        let read_ahead = facets(searcher, query, (&counted, &changes)).unwrap();
        assert_eq!(format!("{read_ahead:?}"), format!("{found:?}"));
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

    /// A searcher over articles storing the (people, places, orgs) given.
    fn searcher_of(articles: &[[&[&str]; 3]]) -> Searcher {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        crate::index::schema::register_tokenizers(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for article in articles {
            let mut doc = TantivyDocument::default();
            for (kind, names) in Kind::ALL.into_iter().zip(article) {
                let column = match kind {
                    Kind::People => fields.people,
                    Kind::Places => fields.places,
                    Kind::Orgs => fields.orgs,
                };
                for name in *names {
                    doc.add_text(column, name);
                    doc.add_u64(fields.names, whole_name(kind.word(), name));
                }
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        index.reader().unwrap().searcher()
    }

    /// Per kind and name, the matches of `query` credited with it: each article's stored
    /// names resolved whole by the book, as a hit shows them.
    fn shown_by_article(
        searcher: &Searcher,
        book: &NameBook,
        query: &dyn Query,
    ) -> BTreeMap<(Kind, String), i64> {
        let mut shown = BTreeMap::new();
        let found = searcher.search(query, &DocSetCollector).unwrap();
        for address in found {
            let segment = searcher.segment_reader(address.segment_ord);
            let mut stored = Vec::new();
            for kind in Kind::ALL {
                if let Some(column) = segment.fast_fields().str(kind.word()).unwrap() {
                    let names = crate::query::column_values(&column, &[address.doc_id]).unwrap();
                    stored.extend(names.concat().into_iter().map(|n| (kind, n)));
                }
            }
            let stored = stored.iter().map(|(k, n)| (*k, n.as_str()));
            for (kind, name) in book.resolve(stored) {
                *shown.entry((kind, name.to_string())).or_default() += 1;
            }
        }
        shown
    }

    /// The same counts from the stored names counted by ordinal plus the name book's changes.
    fn shown_by_changes(
        searcher: &Searcher,
        book: &Arc<NameBook>,
        query: &dyn Query,
    ) -> BTreeMap<(Kind, String), i64> {
        let counts = StoredCounts {
            columns: Kind::ALL.map(|kind| (kind.word(), 1000, 1000)).to_vec(),
            book: Some(book.clone()),
        };
        let (stored, changes) = searcher.search(query, &counts).unwrap();
        let changes = changes.unwrap();
        let mut shown = BTreeMap::new();
        for kind in Kind::ALL {
            for (name, n) in settled(searcher, query, &stored, kind.word()).unwrap() {
                *shown.entry((kind, name)).or_default() += n as i64;
            }
            for (name, n) in changes.of(kind) {
                *shown.entry((kind, name.to_string())).or_default() += n;
            }
        }
        shown.retain(|_, n| *n != 0);
        shown
    }

    #[test]
    fn the_changes_counted_by_position_match_each_article_resolved_whole() {
        let aliases = Aliases::parse(crate::index::names::aliases::EXAMPLE).unwrap();
        let imf = "International Monetary Fund";
        let articles: &[[&[&str]; 3]] = &[
            [&["Tony Blair"], &["London"], &[]],
            [&["Tony Blair", "Oscar"], &[], &[]],
            [&["Tony Blair", "Blair"], &["Brent"], &[imf, "IMF"]],
            [&["Blair"], &["London"], &["IMF"]],
            [&["Blair", "Cherie Blair"], &[], &[]],
            [&["Blair", "Cherie"], &["Downing Street"], &[]],
            [&["Anthony Blair", "Blair"], &[], &[imf, "IMF"]],
            [
                &["Blare", "Downing Street"],
                &["Downing Street"],
                &["Brent"],
            ],
            [&["Oscar"], &["Brent"], &["IMF"]],
            [&["Gordon Brown"], &[], &[]],
            [&["Gordon Brown", "Brown"], &[], &[]],
            [&["Brown", "Oscar"], &["London"], &[]],
        ];
        let searcher = searcher_of(articles);
        let book = Arc::new(NameBook::build(&searcher, aliases).unwrap());
        let names = searcher.schema().get_field(field::NAMES).unwrap();
        let queries: Vec<Box<dyn Query>> = vec![
            Box::new(AllQuery),
            Box::new(TermQuery::new(
                Term::from_field_u64(names, whole_name("people", "Blair")),
                IndexRecordOption::Basic,
            )),
            Box::new(TermQuery::new(
                Term::from_field_u64(names, whole_name("places", "London")),
                IndexRecordOption::Basic,
            )),
        ];
        for query in &queries {
            let by_article = shown_by_article(&searcher, &book, &**query);
            assert_eq!(by_article, shown_by_changes(&searcher, &book, &**query));
            // Each rule and link changes what is shown.
            assert!(!by_article.contains_key(&(Kind::People, "Oscar".to_string())));
        }
        let all = shown_by_article(&searcher, &book, &AllQuery);
        let count = |kind: Kind, name: &str| all.get(&(kind, name.to_string())).copied();
        assert_eq!(count(Kind::People, "Tony Blair"), Some(6));
        assert_eq!(count(Kind::People, "Blair"), Some(2));
        assert_eq!(count(Kind::Places, "Downing Street"), Some(2));
        assert_eq!(count(Kind::Orgs, "Brent"), Some(3));
        assert_eq!(count(Kind::Orgs, imf), Some(4));
    }
}
