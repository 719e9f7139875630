//! Month names: full dates (`September 13, 2023`, `13 Sept 2023`), months of a year
//! (`December 2023`), year-less days (`Sept. 13`) and bare or modified months (`last November`).

use jiff::civil::Date;

use super::cursor::is_capitalised;
use super::lexicon::{MONTH_CONTEXT_PREV, MONTH_PREV, classify, is_one_of, match_rel};
use super::scanner::Scanner;
use super::tense::{clause_tense, month_index, resolve_day, resolve_month};
use super::value::Value;

/// What follows a month name.
pub(super) enum MonthTail {
    Full(Date),
    /// `February 30, 2023`: date-shaped but no date, so none of it is reported.
    Invalid,
    NoYear(i8),
    WithYear(i16),
}

impl Scanner<'_> {
    /// Parses what follows a month name ending at `e` (after an optional abbreviation dot).
    pub(super) fn month_tail(&self, m: i8, e: usize) -> Option<(MonthTail, usize)> {
        let b = self.cur.b;
        let s = self.cur.skip_space(e);
        if let Some((day, end)) = self.cur.day_number(s) {
            let mut k = end;
            if b.get(k) == Some(&b',') {
                k += 1;
            }
            let ys = self.cur.skip_space(k);
            if (ys > k || k > end)
                && let Some((y, ye)) = self.cur.year_at(ys)
            {
                let tail = Date::new(y, m, day).map_or(MonthTail::Invalid, MonthTail::Full);
                return Some((tail, ye));
            }
            return Some((MonthTail::NoYear(day), end));
        }
        let mut k = s;
        if b.get(k) == Some(&b',') {
            k = self.cur.skip_space(k + 1);
        } else if let Some((ws, we)) = self.cur.next_word(e)
            && b[ws..we].eq_ignore_ascii_case(b"of")
        {
            k = self.cur.skip_space(we);
        }
        if let Some((y, ye)) = self.cur.year_at(k) {
            return Some((MonthTail::WithYear(y), ye));
        }
        if b.get(k).is_some_and(u8::is_ascii_alphabetic)
            && let Some((y, ye)) = self.spelled_year(k)
        {
            return Some((MonthTail::WithYear(y), ye));
        }
        None
    }

    pub(super) fn on_month(&mut self, m: i8, abbrev: bool, s: usize, e: usize) -> Option<usize> {
        let b = self.cur.b;
        if !is_capitalised(&b[s..e]) {
            return None;
        }
        let e_dot = self.cur.past_dot(e, abbrev);
        let tail = self.month_tail(m, e_dot);
        // `13 September 2023`, `the 13th of September`.
        let before = self.day_before_month(s);
        match (tail, before) {
            (Some((MonthTail::Full(d), end)), _) => return Some(self.push(s, end, Value::Day(d))),
            (Some((MonthTail::Invalid, end)), _) => return Some(end),
            (Some((MonthTail::NoYear(day), end)), _) => {
                let d = resolve_day(self.anchor?, m, day, || clause_tense(self.cur, s, end))?;
                return Some(self.push(s, end, Value::Day(d)));
            }
            (Some((MonthTail::WithYear(y), end)), Some((day, ds))) => {
                let d = Date::new(y, m, day).ok()?;
                return Some(self.push(ds, end, Value::Day(d)));
            }
            (Some((MonthTail::WithYear(y), end)), None) => {
                let start = self
                    .cur
                    .prev_word_is(s, &["early", "late", "mid"])
                    .unwrap_or(s);
                return Some(self.push(start, end, Value::Month(y, m)));
            }
            (None, Some((day, ds))) => {
                let d = resolve_day(self.anchor?, m, day, || clause_tense(self.cur, ds, e_dot))?;
                return Some(self.push(ds, e_dot, Value::Day(d)));
            }
            (None, None) => {}
        }
        if abbrev {
            return None;
        }
        self.bare_month(m, s, e)
    }

    /// `January`, `last November`, `early December`, `mid-May`, `January this year`.
    fn bare_month(&mut self, m: i8, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.cur.b;
        // The modifier in front, hyphenated (`mid-May`) or not (`last May`).
        let modifier = if self.cur.after_hyphen(s) {
            self.cur.hyphen_prefix(s)
        } else {
            self.cur.prev_token(s)
        };
        let modifier = modifier.filter(|&(ps, pe)| is_one_of(&b[ps..pe], MONTH_CONTEXT_PREV));
        if matches!(m, 3 | 5) && modifier.is_none() {
            return None;
        }
        // `June Carter`, `August Wilson`: a capitalised word after the month makes it a name.
        if let Some((ws, we)) = self.cur.next_word(e) {
            let w = &b[ws..we];
            if is_capitalised(w) && ws == e + 1 && classify(w).is_none() {
                return None;
            }
            if let Some((ys, ye)) = self.cur.next_word(we) {
                let unit = &b[ys..ye];
                if unit.eq_ignore_ascii_case(b"year") {
                    let dy = match_rel(w)?;
                    let y = anchor.year() + dy;
                    return Some(self.push(s, ye, Value::Month(y, m)));
                }
            }
        }
        let a = month_index(anchor);
        let this = i32::from(anchor.year()) * 12 + i32::from(m) - 1;
        let (start, word) = match modifier {
            Some((ps, pe)) if is_one_of(&b[ps..pe], MONTH_PREV) => (ps, &b[ps..pe]),
            _ => (s, &b""[..]),
        };
        let value = if word.eq_ignore_ascii_case(b"last") {
            // The month just ended is `last month`; `last February` in March means a year back.
            let idx = if this < a - 1 { this } else { this - 12 };
            Value::month_from_index(idx)?
        } else if word.eq_ignore_ascii_case(b"next") {
            Value::month_from_index(if this > a { this } else { this + 12 })?
        } else if word.eq_ignore_ascii_case(b"this") {
            Value::Month(anchor.year(), m)
        } else {
            resolve_month(anchor, m, clause_tense(self.cur, start, e))?
        };
        Some(self.push(start, e, value))
    }

    /// A day number right before a month name: `13 Sept`, `13th of September`.
    fn day_before_month(&self, s: usize) -> Option<(i8, usize)> {
        let b = self.cur.b;
        let (mut ps, mut pe) = self.cur.prev_token(s)?;
        if b[ps..pe].eq_ignore_ascii_case(b"of") {
            (ps, pe) = self.cur.prev_token(ps)?;
        }
        if !b[ps].is_ascii_digit() || (ps > 0 && matches!(b[ps - 1], b',' | b'.' | b'$')) {
            return None;
        }
        let (day, end) = self.cur.day_number(ps)?;
        (end == pe).then_some((day, ps))
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::dates::testing::{ANCHOR, found, pairs};

    #[test]
    fn full_dates_in_every_spelling() {
        let cases = [
            ("on September 13, 2023 in", "September 13, 2023"),
            ("SEOUL, Sept. 13, 2023 (Yonhap)", "Sept. 13, 2023"),
            ("on 13 Sept 2023.", "13 Sept 2023"),
            ("on 13 September 2023.", "13 September 2023"),
            ("on the 13th of September, 2023", "13th of September, 2023"),
            ("dated 2023-09-13.", "2023-09-13"),
            ("at 2023-09-13T10:00:00Z", "2023-09-13"),
            ("filed 09/13/2023 in", "09/13/2023"),
            ("filed 13/09/2023 in", "13/09/2023"),
            ("on Sep 13th, 2023", "Sep 13th, 2023"),
        ];
        for (text, mention) in cases {
            assert_eq!(
                found(text, None),
                pairs(&[(mention, "2023-09-13")]),
                "in {text:?}"
            );
        }
    }

    #[test]
    fn month_precision() {
        let cases = [
            ("in December 2023 the", "December 2023", "2023-12"),
            ("in Dec. 2023 the", "Dec. 2023", "2023-12"),
            ("in January of 1990 the", "January of 1990", "1990-01"),
            (
                "in January nineteen ninety-seven.",
                "January nineteen ninety-seven",
                "1997-01",
            ),
        ];
        for (text, mention, value) in cases {
            assert_eq!(found(text, None), pairs(&[(mention, value)]), "in {text:?}");
        }
    }

    #[test]
    fn yearless_dates_take_the_nearest_year_and_need_an_anchor() {
        assert!(found("on Sept. 13 the", None).is_empty());
        let cases = [
            ("the record date is Sept. 13.", "Sept. 13", "2023-09-13"),
            ("the record date is 13 Sept.", "13 Sept.", "2023-09-13"),
            ("record date Jan. 5 for holders", "Jan. 5", "2024-01-05"),
            ("record date April 5 for holders", "April 5", "2023-04-05"),
            ("SALVADOR, Sept 12 - Showers", "Sept 12", "2023-09-12"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(
                found(text, Some(ANCHOR)),
                pairs(&[(mention, value)]),
                "in {text:?}"
            );
        }
    }

    #[test]
    fn bare_and_modified_months() {
        let a = Some(ANCHOR);
        let cases = [
            ("sales figures in January and", "January", "2024-01"),
            ("sales fell in January and", "January", "2023-01"),
            ("sales fell in February and", "February", "2023-02"),
            ("it happened last November.", "last November", "2022-11"),
            ("it happened last August.", "last August", "2022-08"),
            ("it happened last June.", "last June", "2023-06"),
            ("a launch this December.", "this December", "2023-12"),
            ("a launch next April.", "next April", "2024-04"),
            ("results in mid-November.", "mid-November", "2023-11"),
            ("results in early December.", "early December", "2023-12"),
            (
                "sales in January this year.",
                "January this year",
                "2023-01",
            ),
            ("sales in July last year.", "July last year", "2022-07"),
            ("elections in May.", "May", "2023-05"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(found(text, a), pairs(&[(mention, value)]), "in {text:?}");
        }
        for text in [
            "He may go. They march on.",
            "May I ask?",
            "The March accord",
            "June Carter sang",
            "Sept. was",
        ] {
            assert_eq!(found(text, a), vec![], "in {text:?}");
        }
    }
}
