//! Dates as people write them in queries (`2023`, `2023-09`, `2023-09-13`, ranges), rewritten
//! into the ranges of day numbers the index holds.

use crate::error::{Error, Result};
use crate::index::schema::{day_number, first_day};

/// Rewrites `published:` and `dates:` values from `2023`, `2023-09` or `2023-09-13` (alone or in
/// `[A TO B]` / `{A TO B}` ranges) into ranges of the day numbers the index holds. A bare value
/// means its whole period: `published:2023-09` is every day of September 2023.
pub(crate) fn rewrite_dates(query: &str) -> Result<String> {
    let mut out = String::with_capacity(query.len() + 64);
    let mut rest = query;
    while let Some((before, field, after)) = next_date_field(rest) {
        out.push_str(before);
        out.push_str(field);
        out.push(':');
        let (rewritten, consumed) = match after.chars().next() {
            Some(open @ ('[' | '{')) => {
                let close = after
                    .find([']', '}'])
                    .ok_or_else(|| Error::Query(format!("unclosed range after '{field}:'")))?;
                let inner = &after[1..close];
                let (lo, hi) = inner.split_once(" TO ").ok_or_else(|| {
                    Error::Query(format!("a range is written {field}:[FROM TO UNTIL]"))
                })?;
                let close_char = &after[close..close + 1];
                let lo = bound(lo.trim(), open == '[', true)?;
                let hi = bound(hi.trim(), close_char == "]", false)?;
                (format!("{open}{lo} TO {hi}{close_char}"), close + 1)
            }
            _ => {
                let end = after
                    .find(|c: char| c.is_whitespace() || c == ')')
                    .unwrap_or(after.len());
                let (first, last) = period(&after[..end])?;
                (
                    format!("[{} TO {}]", day_number(first), day_number(last)),
                    end,
                )
            }
        };
        out.push_str(&rewritten);
        rest = &after[consumed..];
    }
    out.push_str(rest);
    Ok(out)
}

/// Finds the next `published:` or `dates:` that starts a word outside a quoted phrase:
/// (text before, field, text after).
fn next_date_field(text: &str) -> Option<(&str, &str, &str)> {
    next_field(text, &["published", "dates"])
}

/// Finds the next of `fields`, followed by `:`, that starts a word outside a quoted phrase;
/// the text after is past the colon and any spaces around it.
pub(super) fn next_field<'t>(
    text: &'t str,
    fields: &[&'static str],
) -> Option<(&'t str, &'static str, &'t str)> {
    // As tantivy's parser reads them: `"` opens a phrase anywhere, `'` where a term starts
    // (not in `O'Brien`), either only when a closing one follows, and `\` escapes the next
    // character.
    let mut chars = text.char_indices();
    let mut prev: Option<char> = None;
    let mut unclosed: Vec<char> = Vec::new();
    while let Some((at, c)) = chars.next() {
        let term_start = prev.is_none_or(|p| p.is_whitespace() || "(:+-".contains(p));
        let starts_word = prev.is_none_or(|p| !p.is_alphanumeric() && p != '.' && p != '_');
        prev = Some(c);
        if c == '\\' {
            prev = chars.next().map(|(_, escaped)| escaped);
        } else if (c == '"' || c == '\'' && term_start) && !unclosed.contains(&c) {
            let mut phrase = chars.clone();
            if skip_phrase(&mut phrase, c) {
                chars = phrase;
            } else {
                // None closes later either: the rest is scanned once, not once per quote.
                unclosed.push(c);
            }
        } else if starts_word {
            for &field in fields {
                // tantivy allows spaces on either side of the colon (`people : Blair`).
                let after = text[at..].strip_prefix(field).map(str::trim_start);
                if let Some(after) = after.and_then(|rest| rest.strip_prefix(':')) {
                    return Some((&text[..at], field, after.trim_start()));
                }
            }
        }
    }
    None
}

/// Moves `chars` past the unescaped `close` that ends a phrase; false when there is none.
pub(super) fn skip_phrase(chars: &mut std::str::CharIndices, close: char) -> bool {
    while let Some((_, c)) = chars.next() {
        if c == close {
            return true;
        }
        if c == '\\' {
            chars.next();
        }
    }
    false
}

/// One end of a range: the first day of the period for a lower bound that includes it, the
/// last day for an upper bound that includes it (and the other way round when excluded). `*`,
/// an open end, is the farthest number there is rather than tantivy's own `*`: its parser
/// drops a range open at both ends, and `[* TO *]` means every dated article.
fn bound(value: &str, inclusive: bool, lower: bool) -> Result<i64> {
    if value == "*" {
        return Ok(if lower { i64::MIN } else { i64::MAX });
    }
    let (first, last) = period(value)?;
    Ok(day_number(if lower == inclusive { first } else { last }))
}

/// The first and last day of `2023`, `2023-09` or `2023-09-13`.
fn period(value: &str) -> Result<(jiff::civil::Date, jiff::civil::Date)> {
    let invalid = || Error::Date(value.to_string());
    let well_formed = match value.len() {
        4 | 7 | 10 => value.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        }),
        _ => false,
    };
    if !well_formed {
        return Err(invalid());
    }
    let first = first_day(value).ok_or_else(invalid)?;
    let last = match value.len() {
        4 => first.last_of_year(),
        7 => first.last_of_month(),
        _ => first,
    };
    Ok((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_dates_become_their_whole_period() {
        assert_eq!(
            rewrite_dates("kim published:2023").unwrap(),
            "kim published:[19358 TO 19722]"
        );
        assert_eq!(
            rewrite_dates("(dates:2024-02)").unwrap(),
            "(dates:[19754 TO 19782])"
        );
    }

    #[test]
    fn ranges_keep_their_brackets_and_open_ends() {
        assert_eq!(
            rewrite_dates("dates:[2023-09-01 TO 2023-09-30]").unwrap(),
            "dates:[19601 TO 19630]"
        );
        assert_eq!(
            rewrite_dates("published:{2023-01 TO *]").unwrap(),
            "published:{19388 TO 9223372036854775807]"
        );
        assert_eq!(
            rewrite_dates("published:[* TO 2023}").unwrap(),
            "published:[-9223372036854775808 TO 19358}"
        );
    }

    #[test]
    fn dates_of_any_year_and_fully_open_ranges_become_day_numbers() {
        assert_eq!(
            rewrite_dates("dates:1492").unwrap(),
            "dates:[-174586 TO -174221]"
        );
        assert_eq!(
            rewrite_dates("published:[* TO *] dates:{* TO *}").unwrap(),
            format!(
                "published:[{min} TO {max}] dates:{{{min} TO {max}}}",
                min = i64::MIN,
                max = i64::MAX
            )
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        assert_eq!(
            rewrite_dates("unpublished:x title:dates").unwrap(),
            "unpublished:x title:dates"
        );
    }

    #[test]
    fn quoted_phrases_are_left_alone() {
        for query in [
            "title:\"dates: a history\"",
            "\"published: 2023\" kim",
            "\"a \\\" dates:x\"",
            "title:'dates: a history'",
        ] {
            assert_eq!(rewrite_dates(query).unwrap(), query);
        }
        assert_eq!(
            rewrite_dates("\"dates: a history\" published:2023").unwrap(),
            "\"dates: a history\" published:[19358 TO 19722]"
        );
        // An apostrophe inside a word, or with none to close it, opens no phrase.
        for before in ["o'brien ", "'90s "] {
            assert_eq!(
                rewrite_dates(&format!("{before}dates:2023")).unwrap(),
                format!("{before}dates:[19358 TO 19722]")
            );
        }
    }

    #[test]
    fn invalid_dates_are_refused() {
        for bad in [
            "published:2023-13-01",
            "dates:[2023-02-30 TO 2024]",
            "published:soon",
            "published:[2023 2024]",
        ] {
            assert!(rewrite_dates(bad).is_err(), "{bad}");
        }
        assert!(
            matches!(rewrite_dates("published:2023-02-30"), Err(Error::Date(d)) if d == "2023-02-30")
        );
    }
}
