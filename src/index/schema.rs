//! The tantivy schema, defined once: its fields, its tokenizers, and how an extracted article
//! becomes a document. Indexing and querying both take their field handles from here.

use std::collections::BTreeMap;

use jiff::civil::Date;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, OwnedValue, STORED, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
    TextAnalyzerBuilder, Tokenizer,
};
use tantivy::{Index, TantivyDocument};

use crate::article::Article;
use crate::extract::Extraction;
use crate::walk::FileEntry;

/// Bumped whenever the schema or the meaning of a stored value changes, so that an old index is
/// refused with a hint to rebuild instead of answering queries wrongly.
pub(crate) const FORMAT: u32 = 5;

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
    /// Every stored name whole, as the [`whole_name`] key of `kind` and name (`people`, `Tony
    /// Blair`): the exact look-ups that crediting a name across the archive rewrites queries
    /// into.
    pub(crate) const NAMES: &str = "names";
    /// The [`whole_name`] keys of an article's marked names, a fast column only: `people.full`
    /// and `orgs.plural` below. Only the name book reads them, counting the articles marked
    /// with each name in one pass; as terms they were a third of `names`'s terms.
    pub(crate) const MARKS: &str = "marks";
    /// The mark of a person of two words or more whom the
    /// article never calls by a shorter name (`Blair`, `Mr Blair`). Firms the tagger takes for
    /// people (`Smith Barney`) are almost never shortened, people mostly are: the name table
    /// weighs this across the archive.
    pub(crate) const FULL_ONLY: &str = "people.full";
    /// The mark of an organisation's acronym that the article also
    /// writes as a plural (`PCs`, `MPs`, `DVDs`), as a common noun is and a body rarely is.
    pub(crate) const PLURAL: &str = "orgs.plural";
    pub(crate) const PLACES: &str = "places";
    pub(crate) const ORGS: &str = "orgs";
    pub(crate) const COUNTRIES: &str = "countries";
    pub(crate) const PUBLISHED: &str = "published";
    pub(crate) const DATES: &str = "dates";
    pub(crate) const DATE_SPANS: &str = "date_spans";
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
    pub(crate) names: Field,
    /// The marks of an article's names (see [`field::MARKS`]).
    pub(crate) marks: Field,
    pub(crate) orgs: Field,
    pub(crate) countries: Field,
    /// The publication day, as a [`day_number`].
    pub(crate) published: Field,
    /// The first day of each date the article mentions, as [`day_number`]s.
    pub(crate) dates: Field,
    /// Each date the article mentions with its precision, as a [`Span`] code: a fast column
    /// only, for timelines and exports, which need a month or a year as its whole period.
    pub(crate) date_spans: Field,
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
    field::ORGS,
    field::COUNTRIES,
    field::PUBLISHED,
    field::DATES,
    field::META,
    field::NAMES,
];

/// Fields the index keeps for itself (bookkeeping, columns): users do not reach them, so a
/// query that names one is refused as naming an unknown field. `path` is neither: an article's
/// exact key, used by export's delete bodies.
pub(crate) const INTERNAL_FIELDS: &[&str] = &[
    field::MARKS,
    field::DATE_SPANS,
    field::SIZE,
    field::MTIME,
    field::HASH,
];

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let stemmed = TextOptions::default().set_stored().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(STEM_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        // A hit's key, names, countries and day are also stored: a page reads each hit's
        // stored document anyway, and looking its values up in the columns' dictionaries
        // decoded hundreds of terms per value. Facets, sorting and exports read the columns.
        let names = TextOptions::default()
            .set_stored()
            .set_fast("raw")
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(NAMES_TOKENIZER)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
        let codes = TextOptions::default()
            .set_stored()
            .set_fast("raw")
            .set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(CODE_TOKENIZER)
                    .set_index_option(IndexRecordOption::Basic),
            );
        let day = NumericOptions::default().set_indexed();
        // Scored by BM25 in credited names' clauses, which needs each article's count of keys.
        let whole_names = NumericOptions::default().set_indexed().set_fieldnorm();
        let fields = Fields {
            path: b.add_text_field(field::PATH, STRING | FAST | STORED),
            title: b.add_text_field(field::TITLE, stemmed.clone()),
            body: b.add_text_field(field::BODY, stemmed),
            people: b.add_text_field(field::PEOPLE, names.clone()),
            places: b.add_text_field(field::PLACES, names.clone()),
            names: b.add_u64_field(field::NAMES, whole_names),
            marks: b.add_u64_field(field::MARKS, FAST),
            orgs: b.add_text_field(field::ORGS, names),
            countries: b.add_text_field(field::COUNTRIES, codes),
            published: b.add_i64_field(field::PUBLISHED, day.clone().set_fast().set_stored()),
            dates: b.add_i64_field(field::DATES, day),
            date_spans: b.add_i64_field(field::DATE_SPANS, FAST),
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
            names: f(field::NAMES)?,
            marks: f(field::MARKS)?,
            orgs: f(field::ORGS)?,
            countries: f(field::COUNTRIES)?,
            published: f(field::PUBLISHED)?,
            dates: f(field::DATES)?,
            date_spans: f(field::DATE_SPANS)?,
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
        // A marked name's key goes into `names` twice: the second adds no term (postings keep
        // documents only) but counts in the field's length, which the BM25 score of a credited
        // name's clause divides by, as when marks were terms of `names` (index format 4).
        let mark = |doc: &mut TantivyDocument, kind: &str, marker: &str, name: &str| {
            doc.add_u64(self.names, whole_name(kind, name));
            doc.add_u64(self.marks, whole_name(marker, name));
        };
        for person in &found.people {
            doc.add_text(self.people, &person.name);
            doc.add_u64(self.names, whole_name(field::PEOPLE, &person.name));
            if only_in_full(person) {
                mark(&mut doc, field::PEOPLE, field::FULL_ONLY, &person.name);
            }
        }
        for place in &found.places {
            doc.add_text(self.places, &place.name);
            doc.add_u64(self.names, whole_name(field::PLACES, &place.name));
        }
        for org in &found.orgs {
            doc.add_text(self.orgs, &org.name);
            doc.add_u64(self.names, whole_name(field::ORGS, &org.name));
            if written_as_plural(&org.name, article.body()) {
                mark(&mut doc, field::ORGS, field::PLURAL, &org.name);
            }
        }
        for code in &found.countries {
            doc.add_text(self.countries, code);
        }
        if let Some(day) = found.published {
            doc.add_i64(self.published, day_number(day));
        }
        let mut spans: Vec<Span> = found
            .dates
            .iter()
            .filter_map(|d| Span::parse(&d.value))
            .collect();
        spans.sort_by_key(|s| s.code());
        spans.dedup();
        let mut days: Vec<i64> = spans.iter().map(|s| day_number(s.first)).collect();
        days.dedup();
        for day in days {
            doc.add_i64(self.dates, day);
        }
        for span in spans {
            doc.add_i64(self.date_spans, span.code());
        }
        let meta: BTreeMap<String, OwnedValue> = article
            .front_matter
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "title" | "date" | "published"))
            .map(|(k, v)| (k.clone(), OwnedValue::Str(v.clone())))
            .collect();
        if !meta.is_empty() {
            doc.add_object(self.meta, meta);
        }
        doc.add_u64(self.size, file.size);
        doc.add_i64(self.mtime, file.mtime);
        doc.add_u64(self.hash, hash);
        doc
    }
}

/// The key of `name` under `kind`: a kind's word for a term of `names`, a marker such as
/// [`field::FULL_ONLY`] for a value of the `marks` column. Whole names as text made the term dictionary's FST build a branch of
/// their own for each name's last bytes; a 64-bit hash is a short key that shares its first
/// bytes with many others (BENCHMARKS.md, iwall3). Two keys colliding would make a look-up of
/// one name also find the articles of the other: at a million distinct names, a chance of
/// about 3 in 10^8.
pub(crate) fn whole_name(kind: &str, name: &str) -> u64 {
    use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};
    xxh3_64_with_seed(name.as_bytes(), xxh3_64(kind.as_bytes()))
}

/// Whether a person of two words or more is named only in full in an article: no mention is the
/// surname alone or with fewer words before it (`Blair`, `Mr Blair`, `Febres Cordero`).
fn only_in_full(person: &crate::extract::Person) -> bool {
    let name = person.name.as_str();
    let Some(last_space) = name.rfind(' ') else {
        return false;
    };
    let surname = &name[last_space + 1..];
    let words = name.bytes().filter(|&b| b == b' ').count() + 1;
    !person.mentions.iter().any(|m| {
        let text = m.text.as_str();
        text.split_whitespace().count() < words
            && (text == surname || text.strip_suffix(surname).is_some_and(|t| t.ends_with(' ')))
    })
}

/// Whether `text` writes the acronym `name` (capitals and digits, a capital first) with a
/// plural `s` as a word of its own (`PCs`, `MPs'`). The plural is looked for whole with
/// `memmem`, which skips through the body many bytes at a time: most articles never write it.
fn written_as_plural(name: &str, text: &str) -> bool {
    let acronym = name.len() >= 2
        && (name.bytes()).all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && name.as_bytes()[0].is_ascii_uppercase();
    if !acronym {
        return false;
    }
    let plural = [name.as_bytes(), b"s"].concat();
    let bytes = text.as_bytes();
    let word_ends = |at: Option<usize>| {
        (at.and_then(|i| bytes.get(i))).is_none_or(|b| !b.is_ascii_alphanumeric())
    };
    memchr::memmem::find_iter(bytes, &plural)
        .any(|at| word_ends(at.checked_sub(1)) && word_ends(Some(at + plural.len())))
}

/// Words split on what is not a letter or digit, the longest dropped, lower-cased: the names'
/// analyzer before folding accents, and the title and body analyzer
/// ([`super::stem::StemmedWords`]) before stemming, which snippets' word finder is tested
/// against.
pub(crate) fn unstemmed_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
}

/// Registers the analyzers the schema names; needed on every opened index.
pub(crate) fn register_tokenizers(index: &Index) {
    // Replaces tantivy's own `en_stem` by one producing identical tokens, faster.
    index.tokenizers().register(
        STEM_TOKENIZER,
        TextAnalyzer::from(super::stem::StemmedWords::default()),
    );
    index.tokenizers().register(
        NAMES_TOKENIZER,
        unstemmed_words().filter(AsciiFoldingFilter).build(),
    );
    index.tokenizers().register(
        CODE_TOKENIZER,
        TextAnalyzer::builder(RawTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
}

/// The day a day number counts from.
const EPOCH: Date = jiff::civil::date(1970, 1, 1);

/// How a day is kept in the index: days since 1970-01-01, negative before. tantivy's own date
/// type counts nanoseconds in an i64, which wraps outside 1677–2262; this covers any year.
pub(crate) fn day_number(day: Date) -> i64 {
    // Two dates in jiff's range (years -9999 to 9999) are at most 7.3 million days apart,
    // which a span of days always holds.
    EPOCH
        .until(day)
        .map_or(0, |span| i64::from(span.get_days()))
}

/// The day a [`day_number`] names; None outside the years jiff knows.
pub(crate) fn day_from_number(number: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(number).ok()?;
    EPOCH.checked_add(span).ok()
}

/// The first day of an ISO date at any precision: `2023` → 2023-01-01, `2023-09` → 2023-09-01.
pub(crate) fn first_day(value: &str) -> Option<Date> {
    let mut parts = value.splitn(3, '-');
    let year: i16 = parts.next()?.parse().ok()?;
    let month: i8 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: i8 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    Date::new(year, month, day).ok()
}

/// How precisely a mentioned date is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precision {
    Day = 0,
    Month = 1,
    Year = 2,
}

/// A mentioned date as the period it names: a day, a month or a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) first: Date,
    pub(crate) precision: Precision,
}

impl Span {
    /// An ISO date at its precision: `2023`, `2023-09` or `2023-09-13`.
    pub(crate) fn parse(value: &str) -> Option<Span> {
        let precision = match value.bytes().filter(|&b| b == b'-').count() {
            0 => Precision::Year,
            1 => Precision::Month,
            _ => Precision::Day,
        };
        Some(Span {
            first: first_day(value)?,
            precision,
        })
    }

    /// The value kept in the index: the first day's number times four plus the precision, so
    /// that codes sort by first day and one column holds both.
    pub(crate) fn code(self) -> i64 {
        day_number(self.first) * 4 + self.precision as i64
    }

    pub(crate) fn from_code(code: i64) -> Option<Span> {
        let precision = match code.rem_euclid(4) {
            0 => Precision::Day,
            1 => Precision::Month,
            2 => Precision::Year,
            _ => return None,
        };
        Some(Span {
            first: day_from_number(code.div_euclid(4))?,
            precision,
        })
    }

    /// The first day's number of a span's code, without building the span.
    pub(crate) fn first_day_number(code: i64) -> i64 {
        code.div_euclid(4)
    }

    pub(crate) fn last(self) -> Date {
        match self.precision {
            Precision::Day => self.first,
            Precision::Month => self.first.last_of_month(),
            Precision::Year => self.first.last_of_year(),
        }
    }

    /// The span as people write it, at its precision.
    pub(crate) fn iso(self) -> String {
        let full = self.first.to_string();
        let cut = full.len() - [0, 3, 6][self.precision as usize];
        full[..cut].to_string()
    }
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
    fn day_numbers_count_from_1970_and_cover_years_1_to_9999() {
        assert_eq!(day_number(jiff::civil::date(1970, 1, 1)), 0);
        assert_eq!(day_number(jiff::civil::date(1970, 1, 2)), 1);
        assert_eq!(day_number(jiff::civil::date(1969, 12, 31)), -1);
        for day in [
            jiff::civil::date(1, 1, 1),
            jiff::civil::date(1066, 10, 14),
            jiff::civil::date(1492, 10, 12),
            jiff::civil::date(1953, 7, 27),
            jiff::civil::date(2077, 5, 1),
            jiff::civil::date(9999, 12, 31),
        ] {
            assert_eq!(day_from_number(day_number(day)), Some(day), "{day}");
        }
        // Order is kept, so ranges and sorting by number are ranges and sorting by day.
        assert!(
            day_number(jiff::civil::date(1066, 10, 14)) < day_number(jiff::civil::date(1492, 1, 1))
        );
        assert!(
            day_number(jiff::civil::date(2262, 4, 12)) < day_number(jiff::civil::date(9999, 1, 1))
        );
        assert_eq!(day_from_number(i64::MAX), None);
    }

    #[test]
    fn spans_keep_their_precision_through_their_code() {
        for (value, last) in [
            ("2023", "2023-12-31"),
            ("2024-02", "2024-02-29"),
            ("2023-09-13", "2023-09-13"),
            ("0001", "0001-12-31"),
            ("1066-10", "1066-10-31"),
        ] {
            let span = Span::parse(value).unwrap();
            let back = Span::from_code(span.code()).unwrap();
            assert_eq!(back, span, "{value}");
            assert_eq!(back.iso(), value);
            assert_eq!(back.last().to_string(), last);
            assert_eq!(
                Span::first_day_number(span.code()),
                day_number(span.first),
                "{value}"
            );
        }
        // Codes sort by first day, so a year sorts with the first day of its January.
        let code = |v| Span::parse(v).unwrap().code();
        assert!(code("1969-12-31") < code("1970"));
        assert!(code("1970-01-01") < code("1970-01") && code("1970-01") < code("1970"));
        assert!(code("1970") < code("1970-01-02"));
        assert_eq!(Span::from_code(3), None);
        assert_eq!(Span::parse("2023-13"), None);
    }

    #[test]
    fn an_acronym_is_written_as_a_plural_only_as_a_word_of_its_own() {
        let plural = written_as_plural;
        assert!(plural("PC", "Sales of PCs rose."));
        assert!(plural("PC", "PC makers, and PCs."));
        assert!(plural("MP", "MPs' pay"));
        assert!(plural("G7", "the G7s"));
        assert!(plural("PC", "PCs"));
        assert!(!plural("PC", "The PC maker's PCS unit."));
        assert!(!plural("PC", "ePCs and PCsx"));
        assert!(!plural("PC", "XPCs 2PCs"));
        assert!(!plural("PC", "One PC."));
        assert!(!plural("Pc", "Pcs"));
        assert!(!plural("P", "Ps"));
        assert!(plural("ATM", "ATMs, TVs and 7UPs; s"));
        assert!(!plural("UP", "ATMs, TVs and 7UPs; s"));
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
        // A field added later has to be classed as one users may type or not.
        for (_, entry) in schema.fields() {
            let name = entry.name();
            let classed = QUERY_FIELDS.contains(&name) || INTERNAL_FIELDS.contains(&name);
            assert!(classed || name == field::PATH, "{name} is not classed");
        }
    }
}
