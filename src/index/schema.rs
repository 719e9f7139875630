//! The tantivy schema, defined once: its fields, its tokenizers, and how an extracted article
//! becomes a document. Indexing and querying both take their field handles from here.

use tantivy::schema::{
    DateOptions, FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{DateTime, Index, TantivyDocument};

use crate::article::Article;
use crate::extract::Extraction;
use crate::walk::FileEntry;

/// Bumped whenever the schema or the meaning of a stored value changes, so that an old index is
/// refused with a hint to rebuild instead of answering queries wrongly.
pub(crate) const FORMAT: u32 = 2;

/// Proper names: split on punctuation, lower-cased, accents folded, never stemmed, so that
/// `people:"Kim Jong-un"` is a phrase of `kim jong un` and `places:Sao Paulo` finds `São Paulo`.
const NAMES_TOKENIZER: &str = "gazette_names";
/// Title and body, under the name of tantivy's English stemmer, which ours replaces.
const STEM_TOKENIZER: &str = "en_stem";
/// Whole values compared case-insensitively: country codes.
const CODE_TOKENIZER: &str = "gazette_code";

/// The field names: the schema, the fast columns read back, sorting, facets and the query
/// language all name fields through these.
pub(crate) mod field {
    pub(crate) const PATH: &str = "path";
    pub(crate) const TITLE: &str = "title";
    pub(crate) const BODY: &str = "body";
    pub(crate) const PEOPLE: &str = "people";
    pub(crate) const PLACES: &str = "places";
    pub(crate) const COUNTRIES: &str = "countries";
    pub(crate) const PUBLISHED: &str = "published";
    pub(crate) const DATES: &str = "dates";
    pub(crate) const META: &str = "meta";
    pub(crate) const SIZE: &str = "size";
    pub(crate) const MTIME: &str = "mtime";
    pub(crate) const HASH: &str = "hash";
}

/// The field handles of the gazette schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The article's key: its path relative to the corpus root.
    pub(crate) path: Field,
    pub(crate) title: Field,
    pub(crate) body: Field,
    pub(crate) people: Field,
    pub(crate) places: Field,
    pub(crate) countries: Field,
    pub(crate) published: Field,
    /// The first day of each date the article mentions.
    pub(crate) dates: Field,
    /// Front matter other than title and date, as a JSON object (`source`, `url`, `author`...).
    pub(crate) meta: Field,
    pub(crate) size: Field,
    pub(crate) mtime: Field,
    pub(crate) hash: Field,
}

/// Field names as users type them in queries.
pub(crate) const QUERY_FIELDS: &[&str] = &[
    field::TITLE,
    field::BODY,
    field::PEOPLE,
    field::PLACES,
    field::COUNTRIES,
    field::PUBLISHED,
    field::DATES,
    field::META,
];

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let stemmed = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(STEM_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        // Values that have a fast column are read back from it, not stored twice: only title,
        // body and front matter go to the document store.
        let names = TextOptions::default().set_fast("raw").set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(NAMES_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let codes = TextOptions::default().set_fast("raw").set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(CODE_TOKENIZER)
                .set_index_option(IndexRecordOption::Basic),
        );
        let day = DateOptions::default().set_indexed();
        let fields = Fields {
            path: b.add_text_field(field::PATH, STRING | FAST),
            title: b.add_text_field(field::TITLE, stemmed.clone()),
            body: b.add_text_field(field::BODY, stemmed),
            people: b.add_text_field(field::PEOPLE, names.clone()),
            places: b.add_text_field(field::PLACES, names),
            countries: b.add_text_field(field::COUNTRIES, codes),
            published: b.add_date_field(field::PUBLISHED, day.clone().set_fast()),
            dates: b.add_date_field(field::DATES, day),
            meta: b.add_json_field(field::META, tantivy::schema::TEXT | STORED),
            size: b.add_u64_field(field::SIZE, FAST),
            mtime: b.add_i64_field(field::MTIME, FAST),
            hash: b.add_u64_field(field::HASH, FAST),
        };
        (b.build(), fields)
    }

    /// Looks the fields up in an opened index's schema.
    pub(crate) fn from_schema(schema: &Schema) -> tantivy::Result<Fields> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            path: f(field::PATH)?,
            title: f(field::TITLE)?,
            body: f(field::BODY)?,
            people: f(field::PEOPLE)?,
            places: f(field::PLACES)?,
            countries: f(field::COUNTRIES)?,
            published: f(field::PUBLISHED)?,
            dates: f(field::DATES)?,
            meta: f(field::META)?,
            size: f(field::SIZE)?,
            mtime: f(field::MTIME)?,
            hash: f(field::HASH)?,
        })
    }

    /// The tantivy document for one article.
    pub fn document(
        &self,
        file: &FileEntry,
        hash: u64,
        article: &Article,
        found: &Extraction,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.path, &file.key);
        doc.add_text(self.title, &article.title);
        doc.add_text(self.body, article.body());
        for person in &found.people {
            doc.add_text(self.people, &person.name);
        }
        for place in &found.places {
            doc.add_text(self.places, &place.name);
        }
        for code in &found.countries {
            doc.add_text(self.countries, code);
        }
        if let Some(day) = found.published {
            doc.add_date(self.published, day_to_tantivy(day));
        }
        let mut days: Vec<_> = found
            .dates
            .iter()
            .filter_map(|d| first_day(&d.value))
            .collect();
        days.sort();
        days.dedup();
        for day in days {
            doc.add_date(self.dates, day_to_tantivy(day));
        }
        let meta: serde_json::Map<String, serde_json::Value> = article
            .front_matter
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "title" | "date" | "published"))
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        if !meta.is_empty() {
            doc.add_object(
                self.meta,
                meta.into_iter()
                    .map(|(k, v)| (k, tantivy::schema::OwnedValue::from(v)))
                    .collect(),
            );
        }
        doc.add_u64(self.size, file.size);
        doc.add_i64(self.mtime, file.mtime);
        doc.add_u64(self.hash, hash);
        doc
    }
}

/// Registers the analyzers the schema names; needed on every opened index.
pub(crate) fn register_tokenizers(index: &Index) {
    // Replaces tantivy's own `en_stem` by one producing identical tokens, faster.
    index.tokenizers().register(
        STEM_TOKENIZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(super::stem::CachedStemmer)
            .build(),
    );
    index.tokenizers().register(
        NAMES_TOKENIZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .build(),
    );
    index.tokenizers().register(
        CODE_TOKENIZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

pub(crate) fn day_to_tantivy(day: jiff::civil::Date) -> DateTime {
    let seconds = day
        .to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().as_second())
        .unwrap_or_default();
    DateTime::from_timestamp_secs(seconds)
}

pub(crate) fn tantivy_to_day(value: DateTime) -> Option<jiff::civil::Date> {
    let ts = jiff::Timestamp::from_second(value.into_timestamp_secs()).ok()?;
    Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date())
}

/// The first day of an ISO date at any precision: `2023` → 2023-01-01, `2023-09` → 2023-09-01.
pub(crate) fn first_day(value: &str) -> Option<jiff::civil::Date> {
    let mut parts = value.splitn(3, '-');
    let year: i16 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i8 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    jiff::civil::Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_day_at_each_precision() {
        assert_eq!(first_day("2023").unwrap().to_string(), "2023-01-01");
        assert_eq!(first_day("2023-09").unwrap().to_string(), "2023-09-01");
        assert_eq!(first_day("2023-09-13").unwrap().to_string(), "2023-09-13");
        assert_eq!(first_day("2023-13"), None);
        assert_eq!(first_day("soon"), None);
    }

    #[test]
    fn days_round_trip_through_tantivy() {
        let day = jiff::civil::date(1953, 7, 27);
        assert_eq!(tantivy_to_day(day_to_tantivy(day)), Some(day));
    }

    #[test]
    fn schema_fields_are_found_by_name() {
        let (schema, fields) = Fields::schema();
        let found = Fields::from_schema(&schema).unwrap();
        assert_eq!(found.people, fields.people);
        assert_eq!(found.hash, fields.hash);
        for name in QUERY_FIELDS {
            assert!(schema.get_field(name).is_ok(), "{name}");
        }
    }
}
