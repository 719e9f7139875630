//! Placing a year-less or weekday mention in time: which side of the anchor (the report's own
//! date) the clause around it points to, and the calendar arithmetic that follows.

use jiff::ToSpan;
use jiff::civil::Date;

use super::cursor::Cursor;
use super::lexicon::{FUTURE_CUES, PAST_CUES, PRESENT_CUES, is_one_of};
use super::value::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tense {
    Past,
    Future,
    Unknown,
}

/// The tense word `w` signals at `distance` words from the date, given its neighbours
/// (`set to`, `to be paid`); `Some(Unknown)` for a present-tense verb, which ends the search.
/// `ed_reach` is how many words away a regular `-ed` form still counts: they are often
/// adjectives (`preferred shares`), so only trust them close to the date.
pub(super) fn cue(
    w: &[u8],
    before: &[u8],
    after: &[u8],
    distance: usize,
    ed_reach: usize,
) -> Option<Tense> {
    if is_one_of(w, FUTURE_CUES)
        || (w.eq_ignore_ascii_case(b"early") && after.eq_ignore_ascii_case(b"as"))
        || (after.eq_ignore_ascii_case(b"to")
            && is_one_of(w, &["set", "is", "are", "plan", "plans"]))
    {
        return Some(Tense::Future);
    }
    if is_one_of(w, PRESENT_CUES) {
        return Some(Tense::Unknown);
    }
    if is_one_of(before, &["be", "been", "being", "is", "are", "to"]) {
        return None;
    }
    let regular = distance <= ed_reach && w.len() > 4 && w.ends_with(b"ed");
    (regular || is_one_of(w, PAST_CUES)).then_some(Tense::Past)
}

/// The tense of the clause around a year-less mention at `s..e`: the nearest cue word before
/// it (within its comma-delimited clause) decides, else a past-tense word after it.
pub(super) fn clause_tense(cur: Cursor, s: usize, e: usize) -> Tense {
    let b = cur.b;
    // A deadline (`by Jan. 14`, `extended to Nov. 16`) can fall either side of the report.
    if cur
        .prev_word_is(s, &["by", "until", "till", "through", "to"])
        .is_some()
    {
        return Tense::Unknown;
    }
    let mut i = s;
    let mut after: &[u8] = b"";
    let mut seen = 0;
    for distance in 1..=8 {
        let Some((ws, we)) = cur.word_before(i, true) else {
            break;
        };
        let w = &b[ws..we];
        let before = cur
            .word_before(ws, true)
            .map_or(&b""[..], |(ps, pe)| &b[ps..pe]);
        // A verb with its object (`announced the plan Aug. 21`) may sit a little further out.
        let object = is_one_of(after, &["the", "a", "an", "its", "his", "her", "their"]);
        if let Some(t) = cue(w, before, after, distance, if object { 4 } else { 2 }) {
            return t;
        }
        after = w;
        i = ws;
        seen = distance;
    }
    // After the date, look past a comma only when the date opens its sentence
    // (`In January, the company sold ...`); otherwise the next clause is someone else's.
    let opens_sentence = seen <= 2 && cur.word_before(i, false).is_none();
    let mut i = e;
    let mut before: &[u8] = b"";
    for distance in 1..=6 {
        let Some((ws, we)) = cur.word_after(i, !opens_sentence) else {
            break;
        };
        let w = &b[ws..we];
        // The verb of a fronted date (`In March, the company received ...`) comes later,
        // so a regular past form counts a little further out than before the date.
        if let Some(t) = cue(w, before, b"", distance, 4) {
            return if t == Tense::Past { t } else { Tense::Unknown };
        }
        before = w;
        i = we;
    }
    Tense::Unknown
}

pub(super) fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(n.days()).ok()
}

pub(super) fn days_between(a: Date, b: Date) -> i64 {
    a.duration_since(b).as_secs() / 86_400
}

pub(super) fn month_index(d: Date) -> i32 {
    i32::from(d.year()) * 12 + i32::from(d.month()) - 1
}

/// A year-less month/day: the latest occurrence on or before the anchor when the clause is in
/// the past tense, the first on or after it when it speaks of the future, else the nearest.
/// `tense` is only worked out when the answer depends on it (not for a dateline's own day).
pub(super) fn resolve_day(
    anchor: Date,
    month: i8,
    day: i8,
    tense: impl FnOnce() -> Tense,
) -> Option<Date> {
    let candidates = nearby(anchor, |y| Date::new(y, month, day).ok());
    if anchor.month() == month && anchor.day() == day {
        return Some(anchor);
    }
    pick(candidates, anchor, tense())
}

/// The candidate date the tense points to: behind the anchor, ahead of it, or nearest.
pub(super) fn pick(
    candidates: impl Iterator<Item = Date>,
    anchor: Date,
    tense: Tense,
) -> Option<Date> {
    match tense {
        Tense::Future => candidates.filter(|d| *d >= anchor).min(),
        Tense::Past => candidates.filter(|d| *d <= anchor).max(),
        Tense::Unknown => candidates.min_by_key(|d| days_between(*d, anchor).abs()),
    }
}

/// A year-less month, chosen like `resolve_day`; the anchor's own month counts either way.
pub(super) fn resolve_month(anchor: Date, month: i8, tense: Tense) -> Option<Value> {
    let a = month_index(anchor);
    let this = i32::from(anchor.year()) * 12 + i32::from(month) - 1;
    let idx = match tense {
        Tense::Future if this < a => this + 12,
        Tense::Past if this > a => this - 12,
        Tense::Unknown => [this - 12, this, this + 12]
            .into_iter()
            .min_by_key(|m| (m - a).abs())
            .unwrap_or(this),
        _ => this,
    };
    Value::month_from_index(idx)
}

/// The date `in_year` gives for the anchor's year and the years either side: the candidates
/// for a mention that names no year.
pub(super) fn nearby(
    anchor: Date,
    in_year: impl Fn(i16) -> Option<Date>,
) -> impl Iterator<Item = Date> {
    let y = anchor.year();
    [y - 1, y, y + 1].into_iter().filter_map(in_year)
}

#[cfg(test)]
mod tests {
    use crate::extract::dates::testing::{found, pairs};
    use jiff::civil::date;

    #[test]
    fn tense_picks_the_side_of_the_anchor() {
        let anchor = Some(date(2023, 10, 27));
        // Past-tense clause: March 1 is behind the report, not in five months.
        assert_eq!(
            found("In March, the company received an offer.", anchor),
            pairs(&[("March", "2023-03")])
        );
        assert_eq!(
            found(
                "The thrift announced the plan Aug. 21.",
                Some(date(2023, 2, 27))
            ),
            pairs(&[("Aug. 21", "2022-08-21")])
        );
        assert_eq!(
            found(
                "The summit will be held on April 24.",
                Some(date(2023, 2, 10))
            ),
            pairs(&[("April 24", "2023-04-24")])
        );
    }
}
