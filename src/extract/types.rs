//! The extraction results: people, places, organisations and dates with their mentions, and what one article
//! yields. Every extractor builds these, so they sit below all of them.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One occurrence in the text: byte offsets into the text given to the extractor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mention {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub mentions: Vec<Mention>,
}

/// An organisation (a company, party, agency, team...), under its canonical name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    pub name: String,
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub name: String,
    pub country: Option<String>,
    pub mentions: Vec<Mention>,
}

/// A date mentioned in the text, normalised to ISO 8601 at its precision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateMention {
    pub text: String,
    pub value: String,
    pub start: usize,
    pub end: usize,
}

/// Everything extracted from one article; offsets are byte offsets into the file as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extraction {
    pub published: Option<Date>,
    pub people: Vec<Person>,
    pub places: Vec<Place>,
    pub orgs: Vec<Org>,
    /// ISO 3166 alpha-2 codes, sorted: from places and from demonyms ("Russian").
    pub countries: Vec<String>,
    pub dates: Vec<DateMention>,
}
