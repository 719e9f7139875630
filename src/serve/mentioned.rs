//! The timeline of mentioned dates: how many matches mention a day of each period.
//!
//! The `dates` field has no fast column, so the days of each article are read once per segment
//! from the field's postings into a small table (kept until the segment leaves the index) and
//! counted from there for each query. A fast `dates` column would make the table unnecessary.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tantivy::index::SegmentId;
use tantivy::query::{EnableScoring, Query};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Searcher, SegmentReader, TERMINATED};

use crate::error::{Error, Result};
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

/// The days each article of a segment mentions, as indexes into the segment's sorted days.
struct SegmentDays {
    /// Day numbers, in the order of the field's terms.
    days: Vec<i64>,
    /// `of[starts[d]..starts[d + 1]]` are the days of document `d`.
    starts: Vec<u32>,
    of: Vec<u32>,
}

impl SegmentDays {
    fn read(segment: &SegmentReader, field: Field) -> Result<SegmentDays> {
        let index_error = |e: std::io::Error| Error::Index(e.into());
        let postings = segment.inverted_index(field)?;
        let mut terms = postings.terms().stream().map_err(index_error)?;
        let mut days = Vec::new();
        let mut pairs: Vec<(DocId, u32)> = Vec::new();
        while terms.advance() {
            let bytes: [u8; 8] = terms.key().try_into().unwrap_or_default();
            let ord = days.len() as u32;
            days.push(tantivy::u64_to_i64(u64::from_be_bytes(bytes)));
            let mut docs = postings
                .read_postings_from_terminfo(terms.value(), IndexRecordOption::Basic)
                .map_err(index_error)?;
            let mut doc = docs.doc();
            while doc != TERMINATED {
                pairs.push((doc, ord));
                doc = docs.advance();
            }
        }
        pairs.sort_unstable();
        let mut starts = Vec::with_capacity(segment.max_doc() as usize + 1);
        let mut at = 0;
        for doc in 0..=segment.max_doc() {
            while at < pairs.len() && pairs[at].0 < doc {
                at += 1;
            }
            starts.push(at as u32);
        }
        Ok(SegmentDays {
            days,
            starts,
            of: pairs.into_iter().map(|(_, ord)| ord).collect(),
        })
    }

    fn of(&self, doc: DocId) -> &[u32] {
        let doc = doc as usize;
        &self.of[self.starts[doc] as usize..self.starts[doc + 1] as usize]
    }
}

/// The day tables of the segments seen so far.
#[derive(Default)]
pub(crate) struct DaysCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentDays>>>,
}

impl DaysCache {
    fn of(&self, segment: &SegmentReader, field: Field) -> Result<Arc<SegmentDays>> {
        let id = segment.segment_id();
        if let Some(days) = self.lock().get(&id) {
            return Ok(days.clone());
        }
        // Read outside the lock: two requests may both read a new segment, and one table wins.
        let days = Arc::new(SegmentDays::read(segment, field)?);
        self.lock().insert(id, days.clone());
        Ok(days)
    }

    /// Reads the tables of every segment of `searcher`, so that the first queries need not.
    pub(crate) fn warm(&self, searcher: &Searcher, field: Field) -> Result<()> {
        for segment in searcher.segment_readers() {
            self.of(segment, field)?;
        }
        Ok(())
    }

    /// Forgets the segments `searcher` no longer has (merged away or deleted).
    fn keep_only(&self, searcher: &Searcher) {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        self.lock().retain(|id, _| live.contains(id));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<SegmentId, Arc<SegmentDays>>> {
        self.segments.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Each period counts the articles mentioning each of its days: an article naming two days of
/// one month counts twice in that month, as two dated events.
pub(crate) fn timeline(
    searcher: &Searcher,
    query: &dyn Query,
    field: Field,
    cache: &DaysCache,
) -> Result<MentionedTimeline> {
    cache.keep_only(searcher);
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut days: HashMap<i64, u64> = HashMap::new();
    let mut undated = 0;
    for segment in searcher.segment_readers() {
        let table = cache.of(segment, field)?;
        let mut counts = vec![0u64; table.days.len()];
        let alive = segment.alive_bitset();
        weight.for_each_no_score(segment, &mut |docs| {
            for &doc in docs {
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    continue;
                }
                let of = table.of(doc);
                if of.is_empty() {
                    undated += 1;
                }
                for &ord in of {
                    counts[ord as usize] += 1;
                }
            }
        })?;
        for (ord, count) in counts.into_iter().enumerate() {
            if count > 0 {
                *days.entry(table.days[ord]).or_default() += count;
            }
        }
    }
    let counted = timeline::per_period(TimelineField::Published, None, days, undated)?;
    Ok(MentionedTimeline {
        field: "dates",
        by: counted.by,
        buckets: counted.buckets,
        undated,
    })
}
