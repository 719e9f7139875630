//! Dates relative to the report: `yesterday`, `last year`, `two days ago`, `a year earlier`,
//! `the year`, and the holidays `Thanksgiving`, `Christmas` and `Election Day`.

use jiff::civil::{Date, Weekday};

use super::cursor::{is_capitalised, parse_num};
use super::lexicon::{Kw, SMALL_NUMBERS, is_one_of};
use super::scanner::Scanner;
use super::tense::{add_days, clause_tense, month_index, nearby, pick};
use super::value::Value;

/// The count a word quantifying `... ago` stands for: a small number, in digits or words, or
/// an article.
fn small_number(w: &[u8]) -> Option<i64> {
    if w.eq_ignore_ascii_case(b"an") {
        return Some(1);
    }
    if w.first().is_some_and(u8::is_ascii_digit) {
        return (w.len() <= 3).then(|| i64::from(parse_num(w)));
    }
    let i = SMALL_NUMBERS
        .iter()
        .position(|x| w.eq_ignore_ascii_case(x.as_bytes()))?;
    Some(i.max(1) as i64)
}

impl Scanner<'_> {
    pub(super) fn on_deictic(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.cur.b;
        // Programme and paper names: `USA Today`, `VOA Today`.
        if kw == Kw::Today
            && self
                .cur
                .prev_token(s)
                .is_some_and(|(ps, pe)| pe - ps > 1 && b[ps..pe].iter().all(u8::is_ascii_uppercase))
        {
            return None;
        }
        // `in today's world`, `the people of tomorrow`: the era, not the day.
        let generic = match kw {
            Kw::Today => {
                b.get(e) == Some(&b'\'') && self.cur.prev_word_is(s, &["of", "in", "for"]).is_some()
            }
            Kw::Tomorrow => self.cur.prev_word_is(s, &["of"]).is_some(),
            _ => false,
        };
        if generic {
            return None;
        }
        let d = match kw {
            Kw::Yesterday => anchor.yesterday().ok()?,
            Kw::Tomorrow => anchor.tomorrow().ok()?,
            _ => anchor,
        };
        Some(self.push(s, e, Value::Day(d)))
    }

    /// `last year`, `this month`, `next year`, `last night`, `this morning`, `the past year`.
    pub(super) fn on_relative(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.cur.b;
        let (ws, we) = self.cur.next_word(e)?;
        let unit = &b[ws..we];
        // `the last year of his term` is a span of time, not the calendar year before.
        let after_the = self.cur.prev_word_is(s, &["the"]).is_some();
        let delta: i32 = match kw {
            Kw::Last | Kw::Past => -1,
            Kw::Next => 1,
            _ => 0,
        };
        if unit.eq_ignore_ascii_case(b"year") {
            if after_the && kw != Kw::Past {
                return None;
            }
            let y = anchor.year().checked_add(delta as i16)?;
            return Some(self.push(s, we, Value::Year(y)));
        }
        if kw == Kw::Past {
            return None;
        }
        if unit.eq_ignore_ascii_case(b"month") && !after_the {
            let v = Value::month_from_index(month_index(anchor) + delta)?;
            return Some(self.push(s, we, v));
        }
        let same_day = match kw {
            Kw::Last => unit.eq_ignore_ascii_case(b"night"),
            Kw::This => is_one_of(unit, &["morning", "afternoon", "evening"]),
            _ => false,
        };
        if same_day {
            let d = if kw == Kw::Last {
                anchor.yesterday().ok()?
            } else {
                anchor
            };
            return Some(self.push(s, we, Value::Day(d)));
        }
        None
    }

    /// `two days ago`, `a year ago`, `five months ago`, `year-ago`.
    pub(super) fn on_ago(&mut self, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        if self.cur.after_hyphen(s) {
            return self.year_compound(s, e);
        }
        let b = self.cur.b;
        let (us, ue) = self.cur.prev_token(s)?;
        let (ns, ne) = self.cur.prev_token(us)?;
        let n = small_number(&b[ns..ne])?;
        let mut unit = &b[us..ue];
        if unit.len() > 1 && unit.ends_with(b"s") {
            unit = &unit[..unit.len() - 1];
        }
        let v = match unit.to_ascii_lowercase().as_slice() {
            b"day" => Value::Day(add_days(anchor, -n)?),
            b"week" => Value::Day(add_days(anchor, -7 * n)?),
            b"month" => Value::month_from_index(month_index(anchor) - i32::try_from(n).ok()?)?,
            b"year" => Value::Year(anchor.year().checked_sub(i16::try_from(n).ok()?)?),
            _ => return None,
        };
        Some(self.push(ns, e, v))
    }

    /// `a year earlier`, `year-earlier`: in news these count back from the report itself.
    pub(super) fn on_earlier(&mut self, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        if self.cur.after_hyphen(s) {
            return self.year_compound(s, e);
        }
        let b = self.cur.b;
        let (us, ue) = self.cur.prev_token(s)?;
        if !b[us..ue].eq_ignore_ascii_case(b"year") {
            return None;
        }
        let ns = self.cur.prev_word_is(us, &["a", "one"])?;
        Some(self.push(ns, e, Value::Year(anchor.year() - 1)))
    }

    /// `year-ago`, `year-earlier` (the word at `s..e` hyphenated to `year`): the year before the
    /// report.
    fn year_compound(&mut self, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let (ys, _) = self
            .cur
            .hyphen_prefix(s)
            .filter(|&(ys, ye)| self.cur.b[ys..ye].eq_ignore_ascii_case(b"year"))?;
        Some(self.push(ys, e, Value::Year(anchor.year() - 1)))
    }

    /// `the year`, `the full year`, `the current fiscal year`: in a report, the year it is
    /// written in. `the year two thousand` names its year.
    pub(super) fn on_year(&mut self, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor;
        let b = self.cur.b;
        let mut start = s;
        while let Some(ps) = self.cur.prev_word_is(start, &["full", "current", "fiscal"]) {
            start = ps;
        }
        let start = self.cur.prev_word_is(start, &["the"])?;
        if let Some((ws, _)) = self.cur.next_word(e)
            && let Some((y, end)) = self.spelled_year(ws)
        {
            return Some(self.push(start, end, Value::Year(y)));
        }
        // `the year-ago quarter`, `the year before`, `the year 2000`, `the year of the ...`.
        if matches!(b.get(e), Some(b'-' | b'\'')) {
            return None;
        }
        if let Some((ws, we)) = self.cur.next_word(e)
            && is_one_of(
                &b[ws..we],
                &["ago", "earlier", "before", "after", "of", "later", "in"],
            )
        {
            return None;
        }
        if self.cur.skip_space(e) < b.len() && b[self.cur.skip_space(e)].is_ascii_digit() {
            return None;
        }
        Some(self.push(start, e, Value::Year(anchor?.year())))
    }

    /// Thanksgiving, Christmas and Election Day, in the year `last`/`next` or the clause's tense
    /// points to, else the one nearest the report.
    pub(super) fn on_holiday(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.cur.b;
        if !is_capitalised(&b[s..e]) {
            return None;
        }
        let mut end = e;
        let next = self.cur.next_word(e);
        let next_is =
            |w: &str| next.is_some_and(|(ws, we)| b[ws..we].eq_ignore_ascii_case(w.as_bytes()));
        let mut eve = false;
        if next_is("day") {
            end = next.map_or(e, |(_, we)| we);
        } else if kw == Kw::Christmas && next_is("eve") {
            end = next.map_or(e, |(_, we)| we);
            eve = true;
        } else if kw == Kw::Election {
            return None;
        }
        let in_year = |y: i16| -> Option<Date> {
            match kw {
                Kw::Thanksgiving => Date::new(y, 11, 1)
                    .ok()?
                    .nth_weekday_of_month(4, Weekday::Thursday)
                    .ok(),
                Kw::Election => add_days(
                    Date::new(y, 11, 1)
                        .ok()?
                        .nth_weekday_of_month(1, Weekday::Monday)
                        .ok()?,
                    1,
                ),
                _ => Date::new(y, 12, if eve { 24 } else { 25 }).ok(),
            }
        };
        let candidates = nearby(anchor, in_year);
        let mut start = s;
        let date = if let Some(ps) = self.cur.prev_word_is(s, &["last"]) {
            start = ps;
            candidates.filter(|d| *d < anchor).max()
        } else if let Some(ps) = self.cur.prev_word_is(s, &["next"]) {
            start = ps;
            candidates.filter(|d| *d > anchor).min()
        } else {
            pick(candidates, anchor, clause_tense(self.cur, s, end))
        }?;
        Some(self.push(start, end, Value::Day(date)))
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::dates::testing::{ANCHOR, found, pairs};

    #[test]
    fn relative_expressions() {
        let a = Some(ANCHOR);
        let cases = [
            ("Police said yesterday that", "yesterday", "2023-09-12"),
            ("Today, the", "Today", "2023-09-13"),
            ("a vote tomorrow on", "tomorrow", "2023-09-14"),
            ("rallies tonight in", "tonight", "2023-09-13"),
            ("a raid last night in", "last night", "2023-09-12"),
            ("he said this morning that", "this morning", "2023-09-13"),
            ("sales rose last year.", "last year", "2022"),
            ("sales rose this year.", "this year", "2023"),
            ("sales will rise next year.", "next year", "2024"),
            ("sales rose last month.", "last month", "2023-08"),
            ("sales rose this month.", "this month", "2023-09"),
            ("sales will rise next month.", "next month", "2023-10"),
            ("over the past year.", "past year", "2022"),
            ("earnings for the year were", "the year", "2023"),
            ("two days ago,", "two days ago", "2023-09-11"),
            ("11 days ago,", "11 days ago", "2023-09-02"),
            ("two weeks ago,", "two weeks ago", "2023-08-30"),
            ("five months ago,", "five months ago", "2023-04"),
            ("a year ago,", "a year ago", "2022"),
            ("41 years ago,", "41 years ago", "1982"),
            ("up from $3 a year earlier.", "a year earlier", "2022"),
            ("below the year-earlier level", "year-earlier", "2022"),
            (
                "found on Thanksgiving Day clinging",
                "Thanksgiving Day",
                "2022-11-24",
            ),
            ("plans for Christmas Eve", "Christmas Eve", "2023-12-24"),
            ("a theme until Election Day.", "Election Day", "2023-11-07"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(found(text, a), pairs(&[(mention, value)]), "in {text:?}");
        }
        assert!(found("Police said yesterday that", None).is_empty());
    }

    #[test]
    fn relative_expressions_that_are_not_calendar_dates() {
        let a = Some(ANCHOR);
        for text in [
            "last week the",
            "the last year of his term",
            "a story in USA Today said",
            "in today's world",
            "the people of tomorrow",
            "the year before that",
            "several years ago",
            "the day before",
        ] {
            assert_eq!(found(text, a), vec![], "in {text:?}");
        }
    }
}
