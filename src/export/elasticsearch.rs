//! Elasticsearch and OpenSearch: `_bulk` action lines keyed by the article's path, and the
//! index settings and mappings to create the index with.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::document::NAMES;
use crate::index::schema::field;

/// Elasticsearch refuses an `_id` over 512 bytes; a longer key gets a hash of itself, which is
/// as stable across exports.
const MAX_ID: usize = 512;

fn id(key: &str) -> String {
    if key.len() <= MAX_ID {
        key.to_string()
    } else {
        format!("xxh3-{:032x}", xxhash_rust::xxh3::xxh3_128(key.as_bytes()))
    }
}

fn action(out: &mut dyn Write, verb: &str, key: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &json!({ verb: { "_id": id(key) } }))?;
    out.write_all(b"\n")
}

/// The action line before an article's document: index (or replace) it under its key.
pub(crate) fn index_action(key: &str, out: &mut dyn Write) -> io::Result<()> {
    action(out, "index", key)
}

/// The line that removes the article of `key`.
pub(crate) fn delete_action(key: &str, out: &mut dyn Write) -> io::Result<()> {
    action(out, "delete", key)
}

/// The normalizer of name keywords: case and accents folded, as gazette compares names.
const NAMES_NORMALIZER: &str = "gazette_names";

/// The body of `PUT /<index>`: settings and mappings for the documents of an export.
pub(crate) fn definition() -> Value {
    let text = json!({ "type": "text", "analyzer": "english" });
    let day = json!({ "type": "date", "format": "strict_date" });
    let mut properties = serde_json::Map::new();
    properties.insert(field::PATH.into(), json!({ "type": "keyword" }));
    properties.insert(field::TITLE.into(), text.clone());
    properties.insert(field::BODY.into(), text);
    for name in NAMES {
        let keyword = json!({
            "type": "keyword",
            "normalizer": NAMES_NORMALIZER,
            "ignore_above": 1024,
            "fields": { "raw": { "type": "keyword", "ignore_above": 1024 } }
        });
        properties.insert(name.into(), keyword);
    }
    properties.insert(field::PUBLISHED.into(), day);
    properties.insert(
        field::DATES.into(),
        json!({ "type": "date_range", "format": "strict_date" }),
    );
    // OpenSearch names this type `flat_object` (README).
    properties.insert(field::META.into(), json!({ "type": "flattened" }));
    json!({
        "settings": { "analysis": { "normalizer": { NAMES_NORMALIZER: {
            "type": "custom",
            "filter": ["lowercase", "asciifolding"]
        } } } },
        "mappings": { "dynamic": false, "properties": properties }
    })
}

pub(crate) fn mapping(out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &definition())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keys_get_a_stable_id_within_the_limit() {
        assert_eq!(id("a/b.txt"), "a/b.txt");
        let long = "x/".repeat(400);
        assert_eq!(id(&long), id(&long));
        assert!(id(&long).len() <= MAX_ID);
        assert_ne!(id(&long), id(&format!("{long}y")));
    }

    #[test]
    fn actions_are_one_json_line_each() {
        let mut out = Vec::new();
        index_action("a \"b\"\n.txt", &mut out).unwrap();
        delete_action("c.txt", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines[0]["index"]["_id"], "a \"b\"\n.txt");
        assert_eq!(lines[1]["delete"]["_id"], "c.txt");
        assert_eq!(lines.len(), 2);
    }
}
