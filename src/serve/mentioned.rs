//! The timeline of mentioned dates: how many matches mention a day of each period. The
//! `dates` field has no fast column, so the days come from its postings: each day's list of
//! articles is walked and counted against the set of matches.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::Searcher;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::IndexRecordOption;
use tantivy::{BitSet, DocSet, TERMINATED};

use crate::error::{Error, Result};
use crate::index::Fields;
use crate::timeline::{self, Bucket, By, TimelineField};

/// The shape of a CLI timeline, for the dates mentioned rather than published.
#[derive(Debug, Serialize)]
pub(crate) struct MentionedTimeline {
    pub field: &'static str,
    pub by: By,
    pub buckets: Vec<Bucket>,
    /// Matches that mention no date.
    pub undated: u64,
}

/// Each period counts the articles mentioning each of its days: an article naming two days of
/// one month counts twice in that month, as two dated events.
pub(crate) fn timeline(
    searcher: &Searcher,
    query: &dyn Query,
    fields: &Fields,
) -> Result<MentionedTimeline> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut days: HashMap<i64, u64> = HashMap::new();
    let mut undated = 0;
    for segment in searcher.segment_readers() {
        let mut matched = BitSet::with_max_value(segment.max_doc());
        let alive = segment.alive_bitset();
        weight.for_each_no_score(segment, &mut |docs| {
            for &doc in docs {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    matched.insert(doc);
                }
            }
        })?;
        if matched.len() == 0 {
            continue;
        }
        let mut dated = BitSet::with_max_value(segment.max_doc());
        let postings = segment.inverted_index(fields.dates)?;
        let index_error = |e: std::io::Error| Error::Index(e.into());
        let mut terms = postings.terms().stream().map_err(index_error)?;
        while terms.advance() {
            let day = tantivy::u64_to_i64(u64::from_be_bytes(
                terms.key().try_into().unwrap_or_default(),
            ));
            let mut docs = postings
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .map_err(index_error)?;
            let mut doc = docs.doc();
            while doc != TERMINATED {
                if matched.contains(doc) {
                    dated.insert(doc);
                    *days.entry(day).or_default() += 1;
                }
                doc = docs.advance();
            }
        }
        undated += (matched.len() - dated.len()) as u64;
    }
    let counted = timeline::per_period(TimelineField::Published, None, days, undated)?;
    Ok(MentionedTimeline {
        field: "dates",
        by: counted.by,
        buckets: counted.buckets,
        undated,
    })
}
