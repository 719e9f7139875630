//! An article's publication date: from a front-matter value, a dateline in the text, or its path.
//!
//! Value and dateline parsing reuse the mention scanner in `dates`, so every spelling the body
//! understands is understood here too; these functions only decide which mention counts.

use jiff::civil::Date;

use super::dates::{find_dates, weekday_named};

/// Front-matter `date:`/`published:` value -> date. Accept `2023-09-13`, `1987-02-26T15:01:01Z`, `2023/09/13`, `September 13, 2023`, `13 Sep 2023`, RFC 2822 (`Wed, 13 Sep 2023 10:00:00 +0000`). None if unparseable.
pub fn parse_date_value(s: &str) -> Option<Date> {
    let s = s.trim().trim_matches(['"', '\'']).trim();
    let m = find_dates(s, None).into_iter().next()?;
    let lead = s[..m.start].trim_end_matches([',', ' ']);
    if !lead.is_empty() && !is_weekday_name(lead) {
        return None;
    }
    day_value(&m.value)
}

/// A full date in the first lines of the article text (dateline like `SEOUL, Sept. 13, 2023 (Yonhap) -`, or a line like `Published: 13 September 2023`). Only complete day-precision dates with a year.
pub fn published_in_text(text: &str) -> Option<Date> {
    // `memchr` finds each line's end without stepping through a paragraph byte by byte, as
    // `str::lines` does: the first lines of many articles are whole paragraphs.
    let b = text.as_bytes();
    let mut start = 0;
    std::iter::from_fn(|| {
        if start >= b.len() {
            return None;
        }
        // As `str::lines`: a `\r` goes with the `\n` after it, and only then.
        let Some(k) = memchr::memchr(b'\n', &b[start..]) else {
            let line = &text[start..];
            start = b.len();
            return Some(line);
        };
        let line = &text[start..start + k];
        start += k + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
    .filter(|l| !l.trim().is_empty())
    .take(6)
    .find_map(|line| {
        // A dateline's date comes within its first words; scanning whole paragraphs (one
        // line each in many corpora) would cost as much as the article's own date scan.
        let line = line_head(line, DATELINE_BYTES);
        // Without an anchor, every day-precision date has a day number in figures, so a
        // line without a digit (a title, most first paragraphs) need not be scanned.
        if !line.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        let m = find_dates(line, None).into_iter().next()?;
        let lead = line[..m.start].trim();
        if is_dateline_lead(lead) {
            day_value(&m.value)
        } else {
            None
        }
    })
}

/// How far into a line a dateline's date may end.
const DATELINE_BYTES: usize = 120;

fn line_head(line: &str, max: usize) -> &str {
    if line.len() <= max {
        return line;
    }
    let mut cut = max;
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    &line[..cut]
}

/// `YYYY-MM-DD`, `YYYY/MM/DD` or `YYYY/MM/DD/` directory components anywhere in a path string; validated.
pub fn published_in_path(path: &str) -> Option<Date> {
    let b = path.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i16> {
        let d = b.get(r)?;
        d.iter()
            .all(u8::is_ascii_digit)
            .then(|| d.iter().fold(0i16, |n, c| n * 10 + i16::from(c - b'0')))
    };
    (0..b.len().saturating_sub(9)).find_map(|i| {
        if i > 0 && b[i - 1].is_ascii_digit() {
            return None;
        }
        let sep = b[i + 4];
        if !matches!(sep, b'-' | b'/') || b[i + 7] != sep {
            return None;
        }
        if b.get(i + 10).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let y = digits(i..i + 4)?;
        let m = digits(i + 5..i + 7)?;
        let d = digits(i + 8..i + 10)?;
        if !(1900..=2099).contains(&y) {
            return None;
        }
        Date::new(y, m as i8, d as i8).ok()
    })
}

/// Only day-precision values name a publication day.
fn day_value(v: &str) -> Option<Date> {
    if v.len() == 10 { v.parse().ok() } else { None }
}

/// A weekday in full or abbreviated (`Wed`, `Tues.`), as datelines and front matter write it.
fn is_weekday_name(w: &str) -> bool {
    weekday_named(w.trim_end_matches('.').as_bytes(), true).is_some()
}

/// What may precede a publication date on its line: nothing, a label (`Published:`, `Updated`),
/// a byline (`By Jane Doe |`), a weekday, or an upper-case dateline place (`SEOUL,`).
fn is_dateline_lead(lead: &str) -> bool {
    const LABELS: [&str; 8] = [
        "published",
        "posted",
        "updated",
        "date",
        "dated",
        "first published",
        "last updated",
        "published on",
    ];
    let bare = lead.trim_end_matches([',', ':', '-', '|', ' ', '\u{2014}', '\u{2013}', '\u{b7}']);
    if bare.is_empty() || is_weekday_name(bare) {
        return true;
    }
    let lower = bare.to_ascii_lowercase();
    if LABELS
        .iter()
        .any(|l| lower == *l || lower.ends_with(&format!(" {l}")))
    {
        return true;
    }
    if lower.starts_with("by ") && bare.len() < 60 {
        return true;
    }
    bare.len() < 40
        && lead.ends_with(',')
        && bare.chars().any(|c| c.is_alphabetic())
        && bare
            .chars()
            .all(|c| c.is_uppercase() || matches!(c, ' ' | ',' | '.' | '-' | '\'' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const DAY: Date = date(2023, 9, 13);

    #[test]
    fn front_matter_values() {
        for v in [
            "2023-09-13",
            " \"2023-09-13\" ",
            "2023-09-13T10:00:00Z",
            "2023/09/13",
            "September 13, 2023",
            "Sept. 13, 2023",
            "13 Sep 2023",
            "Wed, 13 Sep 2023 10:00:00 +0000",
            "Wednesday, 13 September 2023",
        ] {
            assert_eq!(parse_date_value(v), Some(DAY), "{v:?}");
        }
        assert_eq!(
            parse_date_value("1987-02-26T15:01:01Z"),
            Some(date(1987, 2, 26))
        );
    }

    #[test]
    fn unparseable_or_imprecise_values() {
        for v in [
            "",
            "yesterday",
            "September 2023",
            "2023",
            "2023-02-30",
            "Sept. 13",
            "draft of 13 Sep 2023",
        ] {
            assert_eq!(parse_date_value(v), None, "{v:?}");
        }
    }

    #[test]
    fn datelines_and_labels_in_the_first_lines() {
        let cases = [
            "SEOUL, Sept. 13, 2023 (Yonhap) -- North Korea said ...",
            "Title\n\nPublished: 13 September 2023\n\nBody text.",
            "Headline\nBy Jane Doe | September 13, 2023\nBody.",
            "Sept. 13, 2023\nBody.",
            "Title\nSeptember, nineteen ninety-six\nSEOUL, Sept. 13, 2023 - Body.",
            "Title\r\n\r\nSept. 13, 2023\r\nBody.",
            "\n\n\nSept. 13, 2023",
        ];
        for text in cases {
            assert_eq!(published_in_text(text), Some(DAY), "{text:?}");
        }
    }

    #[test]
    fn dates_inside_sentences_are_not_publication_dates() {
        for text in [
            "SALVADOR, Feb 26 - Showers continued.",
            "The summit between Kim and Putin on September 13, 2023 was ...",
            "Title\n\nIn 2023 the company grew.",
        ] {
            assert_eq!(published_in_text(text), None, "{text:?}");
        }
    }

    #[test]
    fn dates_in_paths() {
        assert_eq!(published_in_path("news/2023/09/13/story.txt"), Some(DAY));
        assert_eq!(published_in_path("/data/2023-09-13-story.txt"), Some(DAY));
        assert_eq!(published_in_path("feeds/2023/09/13/"), Some(DAY));
        assert_eq!(published_in_path("x/2023/09/13"), Some(DAY));
        assert_eq!(published_in_path("news/2023/13/09/story.txt"), None);
        assert_eq!(published_in_path("news/12023/09/13/a"), None);
        assert_eq!(published_in_path("news/2023-09/13/a"), None);
        assert_eq!(published_in_path("news/story-2023.txt"), None);
    }
}
