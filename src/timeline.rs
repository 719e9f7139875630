//! Timelines: how many matching articles fall in each year, month or day, counted over every
//! match from the publication-day or mentioned-date column rather than over the hits shown.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasherDefault;

use jiff::civil::Date;
use rustc_hash::FxHasher;
use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::error::{Error, Result};
use crate::index::schema::{Span, day_from_number, day_number, field};

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
    /// The dates the article mentions: an article counts once in each period it mentions a
    /// date in (a mentioned month or year by its first day, as `dates:` searches them).
    Dates,
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
    if field == TimelineField::Published {
        return build(field, by, &searcher.search(query, &DayCounts)?);
    }
    // An article counts once per period, so periods are counted as such, not summed from days:
    // years and months in one pass when the span decides, days in a second when it is short.
    let found = searcher.search(query, &PeriodCounts(counted(by)))?;
    mentioned(searcher, query, by, found)
}

/// The periods counted in the pass over the matches: the one asked for, or years and months
/// when the span decides.
fn counted(by: Option<By>) -> Vec<By> {
    by.map_or(vec![By::Year, By::Month], |by| vec![by])
}

/// What [`both`] collects: the publication days and the mentioned periods of the matches.
pub(crate) type Both = (DayCounts, PeriodCounts);

/// Collects both timelines in the pass over the matches that ranks them, so that neither
/// walks the matches again; [`timelines`] turns what it counted into the two charts.
pub(crate) fn both() -> Both {
    (DayCounts, PeriodCounts(counted(None)))
}

/// The published and mentioned timelines of the matches of `query` from what [`both`]
/// counted over them, each by the period that suits its span.
pub(crate) fn timelines(
    searcher: &Searcher,
    query: &dyn Query,
    (days, periods): (Tally, PeriodTallies),
) -> Result<(Timeline, Timeline)> {
    let published = build(TimelineField::Published, None, &days)?;
    Ok((published, mentioned(searcher, query, None, periods)?))
}

/// The mentioned-dates timeline from the periods counted, counting days in a second pass when
/// the span is short enough to be shown by day.
fn mentioned(
    searcher: &Searcher,
    query: &dyn Query,
    by: Option<By>,
    mut found: PeriodTallies,
) -> Result<Timeline> {
    let bys = counted(by);
    let by = by.unwrap_or_else(|| suited(found.first, found.last));
    let tally = match bys.iter().position(|&b| b == by) {
        Some(at) => found.tallies.swap_remove(at),
        None => searcher
            .search(query, &PeriodCounts(vec![by]))?
            .tallies
            .swap_remove(0),
    };
    build(TimelineField::Dates, Some(by), &tally)
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
    let by = by.unwrap_or_else(|| suited(first, last));
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

/// The period that suits a span of days: the shortest that keeps the chart short.
fn suited(first: Option<i64>, last: Option<i64>) -> By {
    match (first, last) {
        (Some(first), Some(last)) if last - first <= DAYS_UP_TO => By::Day,
        (Some(first), Some(last)) if last - first <= MONTHS_UP_TO => By::Month,
        _ => By::Year,
    }
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
pub(crate) struct Tally {
    days: HashMap<i64, u64>,
    undated: u64,
}

/// Counts the matches of each publication day, reading the fast column of each segment.
pub(crate) struct DayCounts;

pub(crate) struct SegmentDayCounts {
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

/// Counts the matches mentioning a date in each period of one or more lengths, each match
/// once per period, and finds the first and last day they mention.
pub(crate) struct PeriodCounts(Vec<By>);

/// For each length counted, a tally whose days are the first days of the periods.
#[derive(Debug, Default)]
pub(crate) struct PeriodTallies {
    tallies: Vec<Tally>,
    first: Option<i64>,
    last: Option<i64>,
}

pub(crate) struct SegmentPeriodCounts {
    column: Column<i64>,
    bys: Vec<By>,
    counts: Vec<Counts>,
    undated: u64,
    first: Option<i64>,
    last: Option<i64>,
    /// The codes of the document being counted.
    codes: Vec<i64>,
    months: MonthMemo,
}

/// The month of each day met, for the [`MEMO_DAYS`] days up to the segment's last mentioned
/// day: the calendar arithmetic of [`period_key`] was most of the cost of counting, and most
/// mentioned days are recent ones, met again and again.
struct MonthMemo {
    first: i64,
    months: Vec<i32>,
}

const MEMO_DAYS: i64 = 1 << 16;
const UNKNOWN: i32 = i32::MIN;

impl MonthMemo {
    fn new(column: &Column<i64>) -> MonthMemo {
        let last = Span::first_day_number(column.max_value());
        let first = Span::first_day_number(column.min_value()).max(last - MEMO_DAYS + 1);
        let len = usize::try_from(last - first + 1).unwrap_or(0);
        MonthMemo {
            first,
            months: vec![UNKNOWN; len],
        }
    }

    /// The period key of `day` for `by`, through the memo.
    fn key(&mut self, day: i64, by: By) -> i64 {
        if by == By::Day {
            return day;
        }
        let at = usize::try_from(day - self.first).ok();
        let month = match at.and_then(|at| self.months.get_mut(at)) {
            Some(known) if *known != UNKNOWN => i64::from(*known),
            Some(slot) => {
                let month = period_key(day, By::Month);
                *slot = i32::try_from(month).unwrap_or(UNKNOWN);
                month
            }
            None => period_key(day, By::Month),
        };
        match by {
            By::Year => month.div_euclid(12),
            _ => month,
        }
    }
}

/// Matches per period, by [`period_key`]. This runs for every date of every match, so a
/// segment whose periods span few keys (any span of years or months, days over a few years)
/// counts in an array; a wider span falls back to a fast hash.
enum Counts {
    Dense { first: i64, counts: Vec<u32> },
    Sparse(HashMap<i64, u64, BuildHasherDefault<FxHasher>>),
}

/// The most keys counted in an array: 4 MB.
const DENSE_KEYS: i64 = 1 << 20;

impl Counts {
    fn new(column: &Column<i64>, by: By) -> Counts {
        let key = |code| period_key(Span::first_day_number(code), by);
        let (first, last) = (key(column.min_value()), key(column.max_value()));
        match usize::try_from(last - first + 1) {
            Ok(len) if last - first < DENSE_KEYS => Counts::Dense {
                first,
                counts: vec![0; len],
            },
            _ => Counts::Sparse(HashMap::default()),
        }
    }

    fn add(&mut self, key: i64) {
        match self {
            Counts::Dense { first, counts } => {
                if let Some(count) = counts.get_mut((key - *first) as usize) {
                    *count += 1;
                }
            }
            Counts::Sparse(counts) => *counts.entry(key).or_default() += 1,
        }
    }

    /// The counts by the first day of their period.
    fn into_tally(self, by: By, undated: u64) -> Tally {
        let counts: Vec<(i64, u64)> = match self {
            Counts::Dense { first, counts } => (first..)
                .zip(counts)
                .filter(|&(_, count)| count > 0)
                .map(|(key, count)| (key, u64::from(count)))
                .collect(),
            Counts::Sparse(counts) => counts.into_iter().collect(),
        };
        let days = counts
            .into_iter()
            .filter_map(|(key, count)| Some((period_start(key, by)?, count)))
            .collect();
        Tally { days, undated }
    }
}

impl Collector for PeriodCounts {
    type Fruit = PeriodTallies;
    type Child = SegmentPeriodCounts;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let column = segment.fast_fields().i64(field::DATE_SPANS)?;
        Ok(SegmentPeriodCounts {
            counts: self.0.iter().map(|&by| Counts::new(&column, by)).collect(),
            months: MonthMemo::new(&column),
            column,
            bys: self.0.clone(),
            undated: 0,
            first: None,
            last: None,
            codes: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<PeriodTallies>) -> tantivy::Result<PeriodTallies> {
        let mut all = PeriodTallies {
            first: fruits.iter().filter_map(|f| f.first).min(),
            last: fruits.iter().filter_map(|f| f.last).max(),
            tallies: Vec::new(),
        };
        for at in 0..self.0.len() {
            let tallies = fruits.iter().map(|f| &f.tallies[at]);
            let mut tally = Tally::default();
            for fruit in tallies {
                tally.undated += fruit.undated;
                for (&day, &count) in &fruit.days {
                    *tally.days.entry(day).or_default() += count;
                }
            }
            all.tallies.push(tally);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentPeriodCounts {
    type Fruit = PeriodTallies;

    fn collect(&mut self, doc: DocId, _: Score) {
        let rows = self.column.index.value_row_ids(doc);
        if rows.is_empty() {
            self.undated += 1;
            return;
        }
        self.codes.resize(rows.len(), 0);
        self.column
            .values
            .get_range(u64::from(rows.start), &mut self.codes);
        // Codes come in order of first day, so periods do too: a period already counted for
        // this document is the one just before.
        let days = self.codes.iter().map(|&code| Span::first_day_number(code));
        let (first, last) = (days.clone().next(), days.clone().next_back());
        self.first = self.first.min(first).or(first);
        self.last = self.last.max(last);
        for (by, counts) in self.bys.iter().zip(&mut self.counts) {
            let mut previous = None;
            for day in days.clone() {
                let key = self.months.key(day, *by);
                if previous != Some(key) {
                    counts.add(key);
                    previous = Some(key);
                }
            }
        }
    }

    fn harvest(self) -> PeriodTallies {
        let undated = self.undated;
        PeriodTallies {
            tallies: self
                .counts
                .into_iter()
                .zip(self.bys)
                .map(|(counts, by)| counts.into_tally(by, undated))
                .collect(),
            first: self.first,
            last: self.last,
        }
    }
}

/// A number for the period of `by` that holds a day: the day itself, or the count of months or
/// years since year 0. jiff has no cheap path from a day number to its month, and this runs
/// for every mentioned date of every match, so the civil calendar is computed here (Howard
/// Hinnant's days-to-civil algorithm).
fn period_key(day: i64, by: By) -> i64 {
    if by == By::Day {
        return day;
    }
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    match by {
        By::Year => year,
        _ => year * 12 + month - 1,
    }
}

/// The day number of the first day of the period [`period_key`] gave.
fn period_start(key: i64, by: By) -> Option<i64> {
    let (year, month) = match by {
        By::Day => return Some(key),
        By::Year => (key, 1),
        By::Month => (key.div_euclid(12), key.rem_euclid(12) + 1),
    };
    let date = Date::new(i16::try_from(year).ok()?, i8::try_from(month).ok()?, 1).ok()?;
    Some(day_number(date))
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn period_keys_follow_the_calendar() {
        let mut at = Ok(jiff::civil::date(1, 1, 1));
        while let Ok(day) = at {
            let number = day_number(day);
            for by in [By::Year, By::Month, By::Day] {
                let key = period_key(number, by);
                assert_eq!(
                    period_start(key, by),
                    Some(day_number(start(day, by))),
                    "{day}"
                );
            }
            // A prime step visits every day of the month and both sides of leap days.
            at = day.checked_add(jiff::Span::new().days(997));
        }
        for day in [
            "1970-01-01",
            "1969-12-31",
            "2000-02-29",
            "1900-03-01",
            "2024-12-31",
        ] {
            let date: Date = day.parse().unwrap();
            let month = period_key(day_number(date), By::Month);
            assert_eq!(
                period_start(month, By::Month),
                Some(day_number(date.first_of_month()))
            );
            assert_eq!(
                period_key(day_number(date), By::Year),
                i64::from(date.year())
            );
        }
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
