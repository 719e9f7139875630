//! Dates and years in digits (`2023-09-13`, `09/13/2023`, `in 1953`) or spelled out
//! (`nineteen ninety-six`), and the context that tells a year from any other number.

use jiff::civil::Date;

use super::cursor::{digits_end, parse_num, word_end};
use super::lexicon::{LABEL_PREV, QUANTITY_NEXT, TENS, UNITS, YEAR_PREFIXES, YEAR_PREV, is_one_of};
use super::scanner::Scanner;
use super::value::Value;

impl Scanner<'_> {
    pub(super) fn on_number(&mut self, s: usize, e: usize) -> Option<usize> {
        let b = self.cur.b;
        // Part of a larger number (`1,998`, `3.2023`) or of a code (`A320`).
        if s > 0 {
            let p = b[s - 1];
            if p.is_ascii_alphabetic()
                || (matches!(p, b',' | b'.' | b'/' | b':') && s > 1 && b[s - 2].is_ascii_digit())
            {
                return None;
            }
        }
        match e - s {
            4 => self.on_four_digits(s, e),
            1 | 2 => self.slashed_date(s, e),
            _ => None,
        }
    }

    /// `09/13/2023` or `13/09/2023`, only when the day cannot be mistaken for the month.
    fn slashed_date(&mut self, s: usize, e: usize) -> Option<usize> {
        let b = self.cur.b;
        if b.get(e) != Some(&b'/') {
            return None;
        }
        let e2 = digits_end(b, e + 1);
        if !(1..=2).contains(&(e2 - e - 1)) || b.get(e2) != Some(&b'/') {
            return None;
        }
        let (y, ye) = self.cur.year_at(e2 + 1)?;
        let first = parse_num(&b[s..e]) as i8;
        let second = parse_num(&b[e + 1..e2]) as i8;
        let (m, d) = if first == second || (first <= 12 && second > 12) {
            (first, second)
        } else if second <= 12 && first > 12 {
            (second, first)
        } else {
            return None;
        };
        let date = Date::new(y, m, d).ok()?;
        Some(self.push(s, ye, Value::Day(date)))
    }

    fn on_four_digits(&mut self, s: usize, e: usize) -> Option<usize> {
        let b = self.cur.b;
        // ISO `2023-09-13` (also `2023-09-13T10:00`) and `2023/09/13`.
        if let Some(&sep @ (b'-' | b'/')) = b.get(e) {
            let m_end = digits_end(b, e + 1);
            if m_end == e + 3 && b.get(m_end) == Some(&sep) {
                let d_end = digits_end(b, m_end + 1);
                if d_end == m_end + 3 {
                    let y = parse_num(&b[s..e]) as i16;
                    let m = parse_num(&b[e + 1..m_end]) as i8;
                    let d = parse_num(&b[m_end + 1..d_end]) as i8;
                    let date = Date::new(y, m, d).ok()?;
                    return Some(self.push(s, d_end, Value::Day(date)));
                }
            }
        }
        let (y, ye) = self.cur.year_at(s)?;
        if !self.is_year_context(s, ye, y) {
            return None;
        }
        let mut start = s;
        if let Some((ps, _)) = self.cur.hyphen_prefix(s)
            && b[ps].is_ascii_alphabetic()
        {
            start = ps;
        }
        Some(self.push(start, ye, Value::Year(y)))
    }

    /// A bare four-digit number is a year unless its neighbours say it is a count, a label,
    /// a price or a clock time. Commas mark thousands in news copy, so `2024` alone rarely
    /// counts things.
    fn is_year_context(&self, s: usize, e: usize, y: i16) -> bool {
        let b = self.cur.b;
        if s > 0 {
            match b[s - 1] {
                b'$' | b'#' | b'+' | b'*' | b'\'' => return false,
                b'-' => {
                    // `mid-2024` and `1990-1995` are years; `F-2000` and `-2000` are not.
                    let Some((ps, pe)) = self.cur.hyphen_prefix(s) else {
                        return false;
                    };
                    let p = &b[ps..pe];
                    if !(is_one_of(p, YEAR_PREFIXES) || p.iter().all(u8::is_ascii_digit)) {
                        return false;
                    }
                }
                _ => {}
            }
            let before = &b[..s];
            if ["£", "€", "¥"]
                .iter()
                .any(|c| before.ends_with(c.as_bytes()))
            {
                return false;
            }
        }
        match b.get(e) {
            Some(b'%') => return false,
            Some(b':') if b.get(e + 1).is_some_and(u8::is_ascii_digit) => return false,
            Some(b'-') if b.get(e + 1).is_some_and(u8::is_ascii_alphabetic) => return false,
            _ => {}
        }
        if let Some((ws, we)) = self.cur.next_word(e)
            && is_one_of(&b[ws..we], QUANTITY_NEXT)
        {
            return false;
        }
        let prev = self.cur.prev_token(s);
        let prev_word = prev.map(|(ps, pe)| &b[ps..pe]);
        if prev_word.is_some_and(|w| is_one_of(w, LABEL_PREV)) {
            return false;
        }
        if y < 1800 {
            return prev_word.is_some_and(|w| is_one_of(w, YEAR_PREV));
        }
        true
    }

    /// Broadcast transcripts spell years out: `nineteen ninety-six`.
    pub(super) fn on_spelled_year(&mut self, s: usize) -> Option<usize> {
        let (year, end) = self.spelled_year(s)?;
        Some(self.push(s, end, Value::Year(year)))
    }

    /// `nineteen ninety-six` or `two thousand` starting at `s`.
    pub(super) fn spelled_year(&self, s: usize) -> Option<(i16, usize)> {
        let b = self.cur.b;
        let e = word_end(b, s);
        let (ts, te) = self.cur.next_word(e)?;
        let first = &b[s..e];
        let second = &b[ts..te];
        if first.eq_ignore_ascii_case(b"two") && second.eq_ignore_ascii_case(b"thousand") {
            return Some((2000, te));
        }
        if !first.eq_ignore_ascii_case(b"nineteen") {
            return None;
        }
        let tens = TENS
            .iter()
            .position(|w| second.eq_ignore_ascii_case(w.as_bytes()))?;
        let mut year = 1900 + 10 * (tens as i16 + 2);
        let mut end = te;
        if b.get(te) == Some(&b'-') {
            let ue = word_end(b, te + 1);
            if let Some(u) = UNITS
                .iter()
                .position(|w| b[te + 1..ue].eq_ignore_ascii_case(w.as_bytes()))
            {
                year += u as i16 + 1;
                end = ue;
            }
        }
        Some((year, end))
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::dates::testing::found;

    #[test]
    fn year_precision() {
        let cases = [
            ("growth by mid-2024 is", "mid-2024", "2024"),
            ("in early 2024 it", "2024", "2024"),
            ("since 1953,", "1953", "1953"),
            ("2023's best", "2023", "2023"),
            ("targets by 2030.", "2030", "2030"),
            ("the 1990-1995 period", "1990", "1990"),
            ("in nineteen ninety-six the", "nineteen ninety-six", "1996"),
            ("by the year two thousand.", "the year two thousand", "2000"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(
                found(text, None)[0],
                (mention.into(), value.into()),
                "in {text:?}"
            );
        }
        assert_eq!(found("the 1990-1995 period", None).len(), 2);
    }

    #[test]
    fn numbers_that_are_not_years() {
        for text in [
            "it cost $2,024 in total",
            "it cost $2024 in total",
            "more than 1,200 people died",
            "some 2024 people attended",
            "a distance of just 38 km (24 miles)",
            "at 1530 GMT on",
            "the index closed at 2082.1, down",
            "see page 2024 of the report",
            "flight 1995 landed",
            "up 2024% on the year",
            "at 10:30 the meeting",
            "in the 1990s and",
            "a 2000-strong crowd",
        ] {
            assert_eq!(found(text, None), vec![], "in {text:?}");
        }
    }

    #[test]
    fn ambiguous_or_invalid_numeric_dates_are_skipped() {
        assert!(found("filed 04/05/2023 in", None).is_empty());
        assert!(found("on 2023-02-30 the", None).is_empty());
        assert!(found("on February 30, 2023", None).is_empty());
    }
}
