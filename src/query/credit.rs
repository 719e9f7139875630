//! `people:`, `places:` and `orgs:` in a query widened to the articles the archive credits with
//! the name asked for and narrowed by the alias file; `names:"kind:Name"` turned into its key.

use super::dates::{next_field, skip_phrase};
use crate::error::{Error, Result};
use crate::index::GazetteIndex;
use crate::index::names::Kind;
use crate::index::schema::{field, whole_name};

/// Rewrites `people:` and `places:` values so that they also find the articles credited with
/// the name they ask for (`people:"Tony Blair"` finds an article naming only `Mr Blair`), and
/// not those whose only such name the alias file hides or moves to another kind.
pub(super) fn credit_names(index: &GazetteIndex, query: &str) -> Result<String> {
    const FIELDS: [&str; 3] = [field::PEOPLE, field::PLACES, field::ORGS];
    if next_field(query, &FIELDS).is_none() {
        return Ok(query.to_string());
    }
    let book = index.names()?;
    let mut out = String::with_capacity(query.len() + 64);
    let mut rest = query;
    while let Some((before, field, after)) = next_field(rest, &FIELDS) {
        out.push_str(before);
        let kind = Kind::parse(field).expect("a field of a kind");
        let end = value_end(after);
        let asked = format!("{field}:{}", &after[..end]);
        let named = unquoted(&after[..end]);
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

/// Rewrites `names:"kind:Name"`, a name exactly as extracted (before the archive's crediting
/// and the alias file), into the look-up of its key in the `names` field.
pub(super) fn exact_names(query: &str) -> Result<String> {
    let mut out = String::with_capacity(query.len());
    let mut rest = query;
    while let Some((before, _, after)) = next_field(rest, &[field::NAMES]) {
        out.push_str(before);
        let end = value_end(after);
        let asked = unquoted(&after[..end]);
        let Some((kind, name)) =
            (asked.split_once(':')).and_then(|(kind, name)| Some((Kind::parse(kind)?, name)))
        else {
            return Err(Error::Query(
                "`names:` takes a kind and a name, as in names:\"people:Tony Blair\"".into(),
            ));
        };
        out.push_str(&exact_name(kind, name));
        rest = &after[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Where a field's value ends in `after`: past its closing quote, or at a space or `)`.
fn value_end(after: &str) -> usize {
    match after.strip_prefix('"') {
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
    }
}

/// A field's value without its quotes and escapes.
fn unquoted(value: &str) -> String {
    unescaped(
        value
            .strip_prefix('"')
            .map_or(value, |v| v.strip_suffix('"').unwrap_or(v)),
    )
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
