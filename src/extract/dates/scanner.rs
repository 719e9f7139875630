//! The scan itself: one pass over the text that hands each trigger word and digit run to its
//! rule family (`month`, `weekday`, `relative`, `numeric`) and keeps what they find.

use jiff::civil::Date;

use crate::extract::types::DateMention;

use super::cursor::{Cursor, digits_end, word_end};
use super::lexicon::{Kw, classify};
use super::value::Value;

/// Every date mention in `text`, in text order. `anchor` (usually the publication date) resolves
/// relative and year-less mentions; without it those are skipped rather than guessed.
pub fn find_dates(text: &str, anchor: Option<Date>) -> Vec<DateMention> {
    let mut scanner = Scanner {
        text,
        cur: Cursor { b: text.as_bytes() },
        anchor,
        out: Vec::new(),
    };
    scanner.run();
    let mut out = scanner.out;
    // Look-behind rules (`two days ago`) can emit a mention that starts before an earlier one.
    out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut last_end = 0;
    out.retain(|m| {
        let keep = m.start >= last_end;
        if keep {
            last_end = m.end;
        }
        keep
    });
    out
}

pub(super) struct Scanner<'a> {
    text: &'a str,
    pub(super) cur: Cursor<'a>,
    pub(super) anchor: Option<Date>,
    out: Vec<DateMention>,
}

impl Scanner<'_> {
    fn run(&mut self) {
        let b = self.cur.b;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_alphabetic() {
                let e = word_end(b, i);
                let next = classify(&b[i..e]).and_then(|kw| self.on_word(kw, i, e));
                i = next.unwrap_or(e).max(e);
            } else if c.is_ascii_digit() {
                let e = digits_end(b, i);
                i = self.on_number(i, e).unwrap_or(e).max(e);
            } else {
                i += 1;
            }
        }
    }

    /// Records a mention; one whose value has no ISO 8601 form is passed over, words and all.
    pub(super) fn push(&mut self, start: usize, end: usize, value: Value) -> usize {
        if value.is_writable() {
            self.out.push(DateMention {
                text: self.text[start..end].to_string(),
                value: value.iso(),
                start,
                end,
            });
        }
        end
    }

    fn on_word(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        match kw {
            Kw::Month(m, abbrev) => self.on_month(m, abbrev, s, e),
            Kw::Weekday(wd) => self.on_weekday(wd, s, e),
            Kw::Yesterday | Kw::Today | Kw::Tomorrow | Kw::Tonight => self.on_deictic(kw, s, e),
            Kw::Last | Kw::This | Kw::Next | Kw::Past => self.on_relative(kw, s, e),
            Kw::Ago => self.on_ago(s, e),
            Kw::Earlier => self.on_earlier(s, e),
            Kw::Nineteen => self.on_spelled_year(s),
            Kw::Year => self.on_year(s, e),
            Kw::Thanksgiving | Kw::Christmas | Kw::Election => self.on_holiday(kw, s, e),
        }
    }
}
