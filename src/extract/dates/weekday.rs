//! Weekday names: with an explicit date (`Friday, Oct. 23, 2020`), or relative to the report
//! (`said Tuesday`, `last Friday`, `will meet on Thursday`).

use jiff::civil::{Date, Weekday};

use super::cursor::is_capitalised;
use super::lexicon::{DAY_PARTS, Kw, classify, is_one_of};
use super::month::MonthTail;
use super::scanner::Scanner;
use super::tense::{Tense, clause_tense, nearby, pick, resolve_day};
use super::value::Value;

impl Scanner<'_> {
    pub(super) fn on_weekday(&mut self, wd: Weekday, s: usize, e: usize) -> Option<usize> {
        let b = self.cur.b;
        if !is_capitalised(&b[s..e]) {
            return None;
        }
        if let Some((date, end)) = self.dated_weekday(wd, s, e) {
            // A date that does not exist (`Wed, 31 Feb 2023`) makes no mention at all.
            return date.map(|d| self.push(s, end, Value::Day(d)));
        }
        let anchor = self.anchor?;
        let mut start = s;
        let mut end = e;
        if let Some((ws, we)) = self.cur.next_word(e)
            && is_one_of(&b[ws..we], DAY_PARTS)
        {
            end = we;
        }
        // `the previous Friday` counts from some other event, not from the report.
        if self
            .cur
            .prev_word_is(s, &["previous", "following"])
            .is_some()
        {
            return None;
        }
        // `postponed until Tuesday` is a deadline ahead; `Until Tuesday, ...` looks back.
        let deadline = self
            .cur
            .prev_word_is(s, &["until", "till", "by"])
            .is_some_and(|ps| self.cur.word_before(ps, false).is_some());
        let date = if let Some(ps) = self.cur.prev_word_is(s, &["last"]) {
            start = ps;
            anchor.nth_weekday(-1, wd).ok()?
        } else if let Some(ps) = self.cur.prev_word_is(s, &["next", "coming"]) {
            start = ps;
            anchor.nth_weekday(1, wd).ok()?
        } else if anchor.weekday() == wd {
            anchor
        } else if deadline || clause_tense(self.cur, s, end) == Tense::Future {
            anchor.nth_weekday(1, wd).ok()?
        } else {
            anchor.nth_weekday(-1, wd).ok()?
        };
        Some(self.push(start, end, Value::Day(date)))
    }

    /// The explicit date after a weekday name ending at `e` (`Friday, Oct. 23`,
    /// `Wed, 13 Sep 2023`), which carries the value, and where it ends. The date is `None` when
    /// the text spells out a day that does not exist.
    fn dated_weekday(&self, wd: Weekday, s: usize, e: usize) -> Option<(Option<Date>, usize)> {
        let b = self.cur.b;
        let mut k = e;
        if b.get(k) == Some(&b',') {
            k += 1;
        }
        if let Some((ws, we)) = self.cur.next_word(k) {
            let Some(Kw::Month(m, abbrev)) = classify(&b[ws..we]) else {
                return None;
            };
            if !is_capitalised(&b[ws..we]) {
                return None;
            }
            return match self.month_tail(m, self.cur.past_dot(we, abbrev))? {
                (MonthTail::Full(d), end) => Some((Some(d), end)),
                (MonthTail::NoYear(day), end) => {
                    Some((Some(self.weekday_date(wd, m, day, s, end)?), end))
                }
                _ => None,
            };
        }
        let (day, de) = self.cur.day_number(self.cur.skip_space(k))?;
        let (ms, me) = self.cur.next_word(de)?;
        let Some(Kw::Month(m, abbrev)) = classify(&b[ms..me]) else {
            return None;
        };
        let (y, ye) = self
            .cur
            .year_at(self.cur.skip_space(self.cur.past_dot(me, abbrev)))?;
        Some((Date::new(y, m, day).ok(), ye))
    }

    /// `Saturday, April 25`: the year in which that day falls on that weekday, if one is near.
    fn weekday_date(&self, wd: Weekday, m: i8, day: i8, s: usize, e: usize) -> Option<Date> {
        let anchor = self.anchor?;
        let on_weekday =
            nearby(anchor, |y| Date::new(y, m, day).ok()).filter(|d| d.weekday() == wd);
        pick(on_weekday, anchor, Tense::Unknown)
            .or_else(|| resolve_day(anchor, m, day, || clause_tense(self.cur, s, e)))
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::dates::testing::{ANCHOR, found, pairs};

    #[test]
    fn weekdays_look_back_unless_the_clause_looks_ahead() {
        let a = Some(ANCHOR);
        let cases = [
            ("officials said Tuesday that", "Tuesday", "2023-09-12"),
            ("officials said Wednesday that", "Wednesday", "2023-09-13"),
            ("officials said Thursday that", "Thursday", "2023-09-07"),
            (
                "the king will meet Bush on Thursday in",
                "Thursday",
                "2023-09-14",
            ),
            ("talks set to resume Monday in", "Monday", "2023-09-18"),
            (
                "he could arrive as early as Friday.",
                "Friday",
                "2023-09-15",
            ),
            ("the ruling postponed until Friday.", "Friday", "2023-09-15"),
            ("Until Friday, they had not", "Friday", "2023-09-08"),
            ("it happened last Friday.", "last Friday", "2023-09-08"),
            ("we meet next Tuesday.", "next Tuesday", "2023-09-19"),
            (
                "it exploded Friday morning.",
                "Friday morning",
                "2023-09-08",
            ),
            (
                "the editorial on Friday, Oct. 23, 2020:",
                "Friday, Oct. 23, 2020",
                "2020-10-23",
            ),
            (
                "the editorial on Saturday, Sept. 16:",
                "Saturday, Sept. 16",
                "2023-09-16",
            ),
            (
                "Wednesday, 13 Sep 2023 10:00",
                "Wednesday, 13 Sep 2023",
                "2023-09-13",
            ),
        ];
        for (text, mention, value) in cases {
            let got = found(text, a);
            let want = (mention.to_string(), value.to_string());
            assert!(got.contains(&want), "in {text:?}: {got:?}");
        }
        assert!(found("officials said Tuesday that", None).is_empty());
        assert!(found("the previous Friday,", a).is_empty());
        assert!(found("a friday feeling", a).is_empty());
    }

    #[test]
    fn a_weekday_before_an_impossible_date_is_no_mention() {
        // The date's own year still counts; the weekday is not read as a day near the anchor.
        assert_eq!(
            found("on Wednesday, 31 Feb 2023 the", Some(ANCHOR)),
            pairs(&[("2023", "2023")])
        );
    }
}
