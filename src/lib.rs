//! gazette: a search engine for news articles kept as text files.
//!
//! The data flows through the modules in order: [`walk`] finds the files, [`article`] turns
//! bytes into a title, body and front matter, [`extract`] finds people, places, countries and
//! dates, [`index`] keeps a tantivy index in sync with the corpus, [`query`] searches it
//! ([`timeline`] counting its matches per period), [`output`] renders results, [`export`]
//! writes the index out for other engines, and [`serve`] puts search behind a web page and a
//! JSON API. [`commands`] holds one small module per subcommand.

pub mod article;
pub mod commands;
pub mod error;
pub mod export;
pub mod extract;
pub mod index;
pub mod output;
pub mod query;
pub(crate) mod serve;
pub(crate) mod timeline;
pub mod walk;

pub use error::{Error, Result};
