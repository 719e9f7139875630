//! `people:` and `places:` in a query widened to the articles the archive credits with the name
//! asked for, and narrowed by the alias file.

use super::dates::{next_field, skip_phrase};
use crate::error::Result;
use crate::index::GazetteIndex;
use crate::index::names::Kind;
use crate::index::schema::{field, whole_name};

/// Rewrites `people:` and `places:` values so that they also find the articles credited with
/// the name they ask for (`people:"Tony Blair"` finds an article naming only `Mr Blair`), and
/// not those whose only such name the alias file hides or moves to another kind.
pub(super) fn credit_names(index: &GazetteIndex, query: &str) -> Result<String> {
    const FIELDS: [&str; 3] = [field::PEOPLE, field::PLACES, field::ORGS];
    if !FIELDS.iter().any(|f| query.contains(&format!("{f}:"))) {
        return Ok(query.to_string());
    }
    let book = index.names()?;
    let mut out = String::with_capacity(query.len() + 64);
    let mut rest = query;
    while let Some((before, field, after)) = next_field(rest, &FIELDS) {
        out.push_str(before);
        let kind = Kind::parse(field).expect("a field of a kind");
        let end = match after.strip_prefix('"') {
            Some(phrase) => {
                let mut chars = phrase.char_indices();
                match skip_phrase(&mut chars, '"') {
                    true => 1 + chars.next().map_or(phrase.len(), |(at, _)| at),
                    false => after.len(),
                }
            }
            None => after
                .find(|c: char| c.is_whitespace() || c == ')')
                .unwrap_or(after.len()),
        };
        let (value, asked) = (&after[..end], format!("{field}:{}", &after[..end]));
        let named = unescaped(
            value
                .strip_prefix('"')
                .map_or(value, |v| v.strip_suffix('"').unwrap_or(v)),
        );
        let mut clause = asked.clone();
        for name in book.withdrawn(kind, &named) {
            clause = format!("({clause} -{})", exact_name(kind, &name));
        }
        if let Some(credited) = book.credited_to(kind, &named, exact_name) {
            clause = format!("({clause} OR {credited})");
        }
        out.push_str(&clause);
        rest = &after[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A query value as tantivy's parser reads it: `\` keeps the character after it.
fn unescaped(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        out.extend(if c == '\\' { chars.next() } else { Some(c) });
    }
    out
}

/// The query for articles with one stored name of a kind, whatever it holds.
fn exact_name(kind: Kind, name: &str) -> String {
    format!("{}:{}", field::NAMES, whole_name(kind.word(), name))
}
