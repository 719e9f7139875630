//! Timelines: how many matching articles fall in each year, month or day, counted over every
//! match from the publication-day column rather than over the hits shown.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::{Error, Result};
use crate::index::schema::{day_from_number, field};

/// More periods than this make no chart anyone reads; years -9999 to 9999 still fit.
const MAX_PERIODS: usize = 20_000;
/// Spans up to this many days are shown by day, and up to [`MONTHS_UP_TO`] by month.
const DAYS_UP_TO: i64 = 92;
const MONTHS_UP_TO: i64 = 4 * 366;

/// The date a timeline counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TimelineField {
    /// The publication date.
    Published,
}

/// The length of a timeline's periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum By {
    Year,
    Month,
    Day,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Bucket {
    pub period: String,
    pub count: u64,
}

/// Counts per period, from the first period with a match to the last, empty ones included.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Timeline {
    pub field: TimelineField,
    pub by: By,
    pub buckets: Vec<Bucket>,
    /// Matches with no date in the field.
    pub undated: u64,
}

/// The timeline of the documents `query` matches, by `by` or, when None, by the period that
/// suits the span of their dates.
pub(crate) fn timeline(
    searcher: &Searcher,
    query: &dyn Query,
    field: TimelineField,
    by: Option<By>,
) -> Result<Timeline> {
    let tally = searcher.search(query, &DayCounts)?;
    build(field, by, &tally)
}

/// The timeline of days counted elsewhere (the mentioned dates `serve` reads from postings).
pub(crate) fn per_period(
    field: TimelineField,
    by: Option<By>,
    days: HashMap<i64, u64>,
    undated: u64,
) -> Result<Timeline> {
    build(field, by, &Tally { days, undated })
}

/// The number of documents `query` matches, and the first and last of their publication days.
pub(crate) fn span(searcher: &Searcher, query: &dyn Query) -> Result<(u64, Option<(Date, Date)>)> {
    let tally = searcher.search(query, &DayCounts)?;
    let total = tally.days.values().sum::<u64>() + tally.undated;
    let day = |number: Option<&i64>| number.copied().and_then(day_from_number);
    let first = day(tally.days.keys().min());
    let last = day(tally.days.keys().max());
    Ok((total, first.zip(last)))
}

fn build(field: TimelineField, by: Option<By>, tally: &Tally) -> Result<Timeline> {
    let first = tally.days.keys().min().copied();
    let last = tally.days.keys().max().copied();
    let by = by.unwrap_or(match (first, last) {
        (Some(first), Some(last)) if last - first <= DAYS_UP_TO => By::Day,
        (Some(first), Some(last)) if last - first <= MONTHS_UP_TO => By::Month,
        _ => By::Year,
    });
    let mut periods: BTreeMap<Date, u64> = BTreeMap::new();
    for (&day, &count) in &tally.days {
        if let Some(day) = day_from_number(day) {
            *periods.entry(start(day, by)).or_default() += count;
        }
    }
    let mut buckets = Vec::new();
    if let (Some((&first, _)), Some((&last, _))) =
        (periods.first_key_value(), periods.last_key_value())
    {
        let mut at = Some(first);
        while let Some(period) = at.filter(|&p| p <= last) {
            if buckets.len() == MAX_PERIODS {
                return Err(Error::TooManyPeriods(MAX_PERIODS));
            }
            buckets.push(Bucket {
                period: label(period, by),
                count: periods.get(&period).copied().unwrap_or(0),
            });
            at = next(period, by);
        }
    }
    Ok(Timeline {
        field,
        by,
        buckets,
        undated: tally.undated,
    })
}

fn start(day: Date, by: By) -> Date {
    match by {
        By::Year => day.first_of_year(),
        By::Month => day.first_of_month(),
        By::Day => day,
    }
}

fn next(period: Date, by: By) -> Option<Date> {
    let step = match by {
        By::Year => jiff::Span::new().years(1),
        By::Month => jiff::Span::new().months(1),
        By::Day => jiff::Span::new().days(1),
    };
    period.checked_add(step).ok()
}

fn label(period: Date, by: By) -> String {
    let full = period.to_string();
    // jiff writes years beyond 9999 or before 0 with a sign and six digits.
    let cut = full.len() - [6, 3, 0][by as usize];
    full[..cut].to_string()
}

/// Days with their number of matches, and the matches with no day.
#[derive(Debug, Default)]
struct Tally {
    days: HashMap<i64, u64>,
    undated: u64,
}

/// Counts the matches of each publication day, reading the fast column of each segment.
struct DayCounts;

struct SegmentDayCounts {
    column: Column<i64>,
    tally: Tally,
}

impl Collector for DayCounts {
    type Fruit = Tally;
    type Child = SegmentDayCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentDayCounts {
            column: segment.fast_fields().i64(field::PUBLISHED)?,
            tally: Tally::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Tally>) -> tantivy::Result<Tally> {
        let mut all = Tally::default();
        for fruit in fruits {
            all.undated += fruit.undated;
            for (day, count) in fruit.days {
                *all.days.entry(day).or_default() += count;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentDayCounts {
    type Fruit = Tally;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.column.first(doc) {
            Some(day) => *self.tally.days.entry(day).or_default() += 1,
            None => self.tally.undated += 1,
        }
    }

    fn harvest(self) -> Tally {
        self.tally
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::day_number;

    /// A tally of the given days, written as dates.
    fn tally(days: &[(&str, u64)], undated: u64) -> Tally {
        let days = days
            .iter()
            .map(|(d, n)| (day_number(d.parse().unwrap()), *n))
            .collect();
        Tally { days, undated }
    }

    fn periods(timeline: &Timeline) -> Vec<(String, u64)> {
        timeline
            .buckets
            .iter()
            .map(|b| (b.period.clone(), b.count))
            .collect()
    }

    #[test]
    fn the_span_chooses_the_period_and_gaps_are_empty_buckets() {
        let days = tally(&[("2023-09-13", 2), ("2023-09-15", 1)], 4);
        let t = build(TimelineField::Published, None, &days).unwrap();
        assert_eq!((t.by, t.undated), (By::Day, 4));
        assert_eq!(
            periods(&t),
            [
                ("2023-09-13".into(), 2),
                ("2023-09-14".into(), 0),
                ("2023-09-15".into(), 1)
            ]
        );
        let days = tally(
            &[("2023-01-31", 1), ("2023-03-01", 1), ("2023-06-30", 3)],
            0,
        );
        let t = build(TimelineField::Published, None, &days).unwrap();
        assert_eq!(t.by, By::Month);
        assert_eq!(t.buckets.len(), 6);
        assert_eq!(periods(&t)[5], ("2023-06".into(), 3));
        let days = tally(
            &[("1987-05-01", 1), ("2023-03-01", 1), ("2023-12-31", 1)],
            0,
        );
        let t = build(TimelineField::Published, None, &days).unwrap();
        assert_eq!(t.by, By::Year);
        assert_eq!(t.buckets.len(), 37);
        assert_eq!(periods(&t)[36], ("2023".into(), 2));
    }

    #[test]
    fn a_chosen_period_is_kept_and_nothing_dated_is_no_bucket() {
        let days = tally(&[("2023-09-13", 2), ("2023-09-15", 1)], 0);
        let t = build(TimelineField::Published, Some(By::Year), &days).unwrap();
        assert_eq!(periods(&t), [("2023".into(), 3)]);
        let t = build(TimelineField::Published, None, &tally(&[], 3)).unwrap();
        assert!(t.buckets.is_empty());
        assert_eq!(t.undated, 3);
    }

    #[test]
    fn too_many_periods_is_an_error_not_a_huge_chart() {
        let days = tally(&[("0001-01-01", 1), ("2023-01-01", 1)], 0);
        assert!(matches!(
            build(TimelineField::Published, Some(By::Day), &days),
            Err(Error::TooManyPeriods(_))
        ));
        assert!(build(TimelineField::Published, Some(By::Year), &days).is_ok());
    }
}
