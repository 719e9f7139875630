//! What an article is about: the people, places, countries and dates it names, and when it was
//! published. Everything here is pure computation on text, shared by `extract`, `index` and tests.

pub mod dates;
pub mod entities;
pub mod gazetteer;
pub(crate) mod hash;
pub mod published;
pub(crate) mod reader;
pub mod tagger;
pub mod tokens;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::article::Article;

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
    /// ISO 3166 alpha-2 codes, sorted: from places and from demonyms ("Russian").
    pub countries: Vec<String>,
    pub dates: Vec<DateMention>,
}

/// Extracts everything from `article`, whose identity in the corpus is `key` (a relative path,
/// which may carry the publication date as `YYYY/MM/DD`).
pub fn extract(article: &Article, key: &str) -> Extraction {
    let published = ["date", "published"]
        .iter()
        .find_map(|k| article.meta(k).and_then(published::parse_date_value))
        .or_else(|| published::published_in_text(article.content()))
        .or_else(|| published::published_in_path(key));
    let content = article.content();
    let to_file = |offset: usize| article.file_offset(article.content_start + offset);

    let mut dates = dates::find_dates(content, published);
    for date in &mut dates {
        date.start = to_file(date.start);
        date.end = to_file(date.end);
    }
    let mut found = entities::find_entities(content);
    let mentions = found
        .people
        .iter_mut()
        .flat_map(|p| p.mentions.iter_mut())
        .chain(found.places.iter_mut().flat_map(|p| p.mentions.iter_mut()));
    for mention in mentions {
        mention.start = to_file(mention.start);
        mention.end = to_file(mention.end);
    }
    Extraction {
        published,
        people: found.people,
        places: found.places,
        countries: found.countries,
        dates,
    }
}
