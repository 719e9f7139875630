//! One article as an export document: the fields every target gets, written as one JSON line
//! in the one place that knows their names. A new kind of name is one entry in [`NAMES`].

use std::io::{self, Write};

use jiff::civil::Date;
use serde::ser::{SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::Target;
use crate::index::schema::{Span, field};

/// The name fields, each exported as a list of strings under its own name.
pub(crate) const NAMES: [&str; 4] = [field::PEOPLE, field::PLACES, field::ORGS, field::COUNTRIES];

/// Quickwit keeps dates as nanoseconds in an i64, which holds only the years 1678 to 2261; a
/// day outside them would be stored as another day, so it is left out of its date fields.
const QUICKWIT_YEARS: std::ops::RangeInclusive<i16> = 1678..=2261;

/// An article as read back from the index.
#[derive(Debug, Default)]
pub(crate) struct Document {
    pub(crate) path: String,
    pub(crate) title: String,
    pub(crate) body: String,
    /// The values of each of [`NAMES`], in that order.
    pub(crate) names: [Vec<String>; NAMES.len()],
    pub(crate) published: Option<Date>,
    pub(crate) dates: Vec<Span>,
    /// Front matter other than title and date.
    pub(crate) meta: Map<String, Value>,
}

impl Document {
    /// Writes the document as one line of JSON for `target`.
    pub(crate) fn write(&self, target: Target, out: &mut dyn Write) -> io::Result<()> {
        let mut json = serde_json::Serializer::new(&mut *out);
        self.serialize(target, &mut json).map_err(io::Error::from)?;
        out.write_all(b"\n")
    }

    fn serialize<S: Serializer>(&self, target: Target, serializer: S) -> Result<(), S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry(field::PATH, &self.path)?;
        map.serialize_entry(field::TITLE, &self.title)?;
        map.serialize_entry(field::BODY, &self.body)?;
        for (name, values) in NAMES.iter().zip(&self.names) {
            map.serialize_entry(name, values)?;
        }
        let quickwit = target == Target::Quickwit;
        let datable = |day: &Date| !quickwit || QUICKWIT_YEARS.contains(&day.year());
        if let Some(day) = self.published.filter(datable) {
            map.serialize_entry(field::PUBLISHED, &day.to_string())?;
        }
        if quickwit {
            // Quickwit has no range type: the first days, which `dates:` ranges search as
            // gazette's own index does, and each date at its precision as a keyword.
            let firsts: Vec<String> = self
                .dates
                .iter()
                .map(|s| s.first)
                .filter(datable)
                .map(|d| d.to_string())
                .collect();
            let periods: Vec<String> = self.dates.iter().map(|s| s.iso()).collect();
            map.serialize_entry(field::DATES, &firsts)?;
            map.serialize_entry(DATE_PERIODS, &periods)?;
        } else {
            let ranges: Vec<Range> = self.dates.iter().map(|&s| Range::from(s)).collect();
            map.serialize_entry(field::DATES, &ranges)?;
        }
        if !self.meta.is_empty() {
            map.serialize_entry(field::META, &self.meta)?;
        }
        map.end().map(|_| ())
    }
}

/// The Quickwit field holding each mentioned date at its precision (`2023`, `2023-09`).
pub(crate) const DATE_PERIODS: &str = "date_periods";

/// A mentioned date as the whole period it names, as Elasticsearch's `date_range` takes it.
#[derive(serde::Serialize)]
struct Range {
    gte: String,
    lte: String,
}

impl From<Span> for Range {
    fn from(span: Span) -> Range {
        Range {
            gte: span.first.to_string(),
            lte: span.last().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hostile() -> Document {
        let mut doc = Document {
            path: "odd \"name\"\n\\x\u{1}\\xFF.txt".into(),
            title: "Quote \" and \u{0} and \u{2028}".into(),
            body: "line\r\nline\t\u{1b}[31m".into(),
            published: Some(jiff::civil::date(2023, 9, 13)),
            dates: ["0001-01-01", "2023", "2024-02"]
                .iter()
                .map(|v| Span::parse(v).unwrap())
                .collect(),
            ..Document::default()
        };
        doc.names[0] = vec!["Kim \"Jong\" Un".into()];
        doc.meta
            .insert("url\n".into(), Value::String("x\"y".into()));
        doc
    }

    fn line(target: Target) -> Value {
        let mut out = Vec::new();
        hostile().write(target, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches('\n').count(), 1, "{text}");
        assert!(text.ends_with('\n'));
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn hostile_text_stays_one_line_of_json_with_every_field() {
        let doc = line(Target::Elasticsearch);
        assert_eq!(doc["path"], hostile().path.as_str());
        assert_eq!(doc["title"], hostile().title.as_str());
        assert_eq!(doc["people"][0], "Kim \"Jong\" Un");
        assert_eq!(doc["orgs"], Value::Array(vec![]));
        assert_eq!(doc["meta"]["url\n"], "x\"y");
        assert_eq!(doc["published"], "2023-09-13");
        assert_eq!(doc["dates"][0]["gte"], "0001-01-01");
        assert_eq!(doc["dates"][1]["gte"], "2023-01-01");
        assert_eq!(doc["dates"][1]["lte"], "2023-12-31");
        assert_eq!(doc["dates"][2]["lte"], "2024-02-29");
    }

    #[test]
    fn quickwit_gets_first_days_it_can_keep_and_every_period() {
        let doc = line(Target::Quickwit);
        assert_eq!(
            doc["dates"],
            serde_json::json!(["2023-01-01", "2024-02-01"])
        );
        assert_eq!(
            doc[DATE_PERIODS],
            serde_json::json!(["0001-01-01", "2023", "2024-02"])
        );
    }
}
