//! Quickwit: documents one a line, an index config for them, and removals as queries for its
//! delete-tasks API, since its ingest neither replaces by id nor deletes.

use std::io::{self, Write};

use super::document::{DATE_PERIODS, NAMES};
use crate::index::schema::field;

/// The query that deletes the article of `key`, as the JSON body of a delete task.
pub(crate) fn delete_query(key: &str, out: &mut dyn Write) -> io::Result<()> {
    let quoted = key.replace('\\', "\\\\").replace('"', "\\\"");
    let query = format!("{}:\"{quoted}\"", field::PATH);
    serde_json::to_writer(&mut *out, &serde_json::json!({ "query": query }))?;
    out.write_all(b"\n")
}

/// An index config for the documents of an export. No `timestamp_field`: Quickwit rejects a
/// document without one, and undated articles are common.
pub(crate) fn config(out: &mut dyn Write) -> io::Result<()> {
    let date = |name: &str| {
        format!(
            "    - name: {name}\n      type: array<datetime>\n      input_formats: [\"%Y-%m-%d\"]\n      fast: true\n      fast_precision: seconds\n"
        )
    };
    let mut yaml = String::from(
        "# A Quickwit index config for `gazette export --format quickwit`.\nversion: 0.9\nindex_id: gazette\ndoc_mapping:\n  mode: lenient\n  field_mappings:\n",
    );
    yaml += &format!(
        "    - name: {}\n      type: text\n      tokenizer: raw\n      fast: true\n",
        field::PATH
    );
    for name in [field::TITLE, field::BODY] {
        yaml += &format!(
            "    - name: {name}\n      type: text\n      tokenizer: en_stem\n      record: position\n      fieldnorms: true\n"
        );
    }
    for name in NAMES {
        yaml += &format!(
            "    - name: {name}\n      type: array<text>\n      tokenizer: default\n      record: position\n      fast:\n        normalizer: lowercase\n"
        );
    }
    yaml += &date(field::PUBLISHED).replace("array<datetime>", "datetime");
    yaml += &date(field::DATES);
    yaml += &format!(
        "    - name: {DATE_PERIODS}\n      type: array<text>\n      tokenizer: raw\n      fast: true\n"
    );
    yaml += &format!(
        "    - name: {}\n      type: json\n      tokenizer: default\n",
        field::META
    );
    yaml += &format!(
        "search_settings:\n  default_search_fields: [{}, {}, {}]\n",
        field::TITLE,
        field::BODY,
        NAMES.join(", ")
    );
    out.write_all(yaml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_queries_quote_the_key_and_stay_json() {
        let mut out = Vec::new();
        delete_query("a \"b\"\\c\n.txt", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.lines().count(), 1);
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["query"], "path:\"a \\\"b\\\"\\\\c\n.txt\"");
    }
}
