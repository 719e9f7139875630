//! What the rule families' tests share: the scan's results as `(text, value)` pairs, checked to
//! slice the text at their offsets, and a fixed anchor.

use jiff::civil::{Date, date};

use super::scanner::find_dates;

pub(super) fn found(text: &str, anchor: Option<Date>) -> Vec<(String, String)> {
    find_dates(text, anchor)
        .into_iter()
        .map(|m| {
            assert_eq!(
                &text[m.start..m.end],
                m.text,
                "offsets must slice the mention"
            );
            (m.text, m.value)
        })
        .collect()
}

pub(super) fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(t, v)| (t.to_string(), v.to_string()))
        .collect()
}

/// A Wednesday.
pub(super) const ANCHOR: Date = date(2023, 9, 13);
