//! What a date mention resolves to: a day, a month or a year, written as ISO 8601 at that
//! precision.

use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Value {
    Day(Date),
    Month(i16, i8),
    Year(i16),
}

impl Value {
    pub(super) fn iso(self) -> String {
        match self {
            Value::Day(d) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            Value::Month(y, m) => format!("{y:04}-{m:02}"),
            Value::Year(y) => format!("{y:04}"),
        }
    }

    /// True when its year is one ISO 8601 writes as four digits, 0001 to 9999. Arithmetic on
    /// an anchor at either end leaves them (`next month` in December 9999, `last year` in 0001).
    pub(super) fn is_writable(self) -> bool {
        let year = match self {
            Value::Day(d) => d.year(),
            Value::Month(y, _) | Value::Year(y) => y,
        };
        (1..=9999).contains(&year)
    }

    /// Month arithmetic on a running month count, so `last month` in January lands in December.
    pub(super) fn month_from_index(idx: i32) -> Option<Value> {
        let y = i16::try_from(idx.div_euclid(12)).ok()?;
        let m = i8::try_from(idx.rem_euclid(12) + 1).ok()?;
        Some(Value::Month(y, m))
    }
}
