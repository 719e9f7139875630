//! What an article is about: the people, places, organisations, countries and dates it names, and when it was
//! published. Everything here is pure computation on text, shared by `extract`, `index` and tests.

pub(crate) mod dates;
pub(crate) mod entities;
pub mod gazetteer;
pub(crate) mod hash;
mod orgs;
pub(crate) mod published;
pub(crate) mod reader;
pub mod tagger;
pub(crate) mod tokens;
mod types;
pub mod words;

pub use types::{DateMention, Extraction, Mention, Org, Person, Place};

use crate::article::Article;

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
        .chain(found.places.iter_mut().flat_map(|p| p.mentions.iter_mut()))
        .chain(found.orgs.iter_mut().flat_map(|o| o.mentions.iter_mut()));
    for mention in mentions {
        mention.start = to_file(mention.start);
        mention.end = to_file(mention.end);
    }
    Extraction {
        published,
        people: found.people,
        places: found.places,
        orgs: found.orgs,
        countries: found.countries,
        dates,
    }
}
