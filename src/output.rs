//! How results look: JSON for programs (one object per command, or one line per article for
//! `extract`), and plain text for people, with highlights in colour only on a terminal and
//! every control character from an article or a file name shown, never sent.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use crate::commands::batch::Row;
use crate::extract::{DateMention, Extraction, Org, Person, Place};
use crate::index::sync::Summary;
use crate::query::{Contribution, Facets, Hit, Matched, SearchResults, Stats};
use crate::timeline::{By, Timeline, TimelineField};

const BOLD: &str = "\x1b[1m";
const MATCH: &str = "\x1b[1;33m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Terminal styling, empty when output is not a terminal.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    color: bool,
}

impl Style {
    pub(crate) fn new(color: bool) -> Style {
        Style { color }
    }

    fn paint<'a>(&self, code: &'a str) -> (&'a str, &'static str) {
        if self.color { (code, RESET) } else { ("", "") }
    }
}

/// `text` as it may safely reach a terminal: each control character (ESC, BEL, CR, DEL, the C1
/// controls) and bidirectional override written as a visible escape, `\x1B` or `\u{202E}`, so
/// that text from an article or a file name cannot move the cursor, clear the screen, retitle the
/// window, hide text or reorder it; a newline or tab is shown as a space, as every field of
/// human output is one line. Every human renderer, and the skip and error lines, pass what they
/// print through here. JSON output escapes control characters by itself.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden_effect) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        let code = u32::from(c);
        let _ = match c {
            '\n' | '\t' => shown.write_char(' '),
            c if !is_hidden_effect(c) => shown.write_char(c),
            _ if code < 0x80 => write!(shown, "\\x{code:02X}"),
            _ => write!(shown, "\\u{{{code:X}}}"),
        };
    }
    Cow::Owned(shown)
}

/// Control characters, and the bidirectional embeddings, overrides and isolates, which reorder
/// what a terminal shows (a file name that displays as `txt.exe` is `exe.txt` underneath).
fn is_hidden_effect(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// How a command's results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text for people.
    Human,
    /// One JSON object.
    Json,
    /// CSV (RFC 4180) with a header row, for spreadsheets.
    Csv,
}

/// Separates the names of a list in one CSV cell.
const CSV_LIST: &str = "; ";

/// Writes one CSV row per hit, after a header row that is there even when nothing matched.
/// Cells are quoted as RFC 4180 says, and hold the text exactly, control characters included:
/// CSV is for programs, which read it back as it was.
pub(crate) fn search_csv(out: &mut dyn Write, results: &SearchResults) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record([
        "key",
        "title",
        "published",
        "score",
        "people",
        "places",
        "orgs",
        "countries",
    ])?;
    for hit in &results.hits {
        csv.write_record([
            hit.key.as_str(),
            &hit.title,
            hit.published.as_deref().unwrap_or(""),
            &hit.score.to_string(),
            &hit.people.join(CSV_LIST),
            &hit.places.join(CSV_LIST),
            &hit.orgs.join(CSV_LIST),
            &hit.countries.join(CSV_LIST),
        ])?;
    }
    csv.flush()
}

/// Writes one CSV row per query of a batch; the best hits' keys and titles are each one cell,
/// joined with `; `.
pub(crate) fn batch_csv(out: &mut dyn Write, rows: &[Row]) -> io::Result<()> {
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["query", "total", "first", "last", "keys", "titles", "error"])?;
    for row in rows {
        let keys: Vec<&str> = row.top.iter().map(|t| t.key.as_str()).collect();
        let titles: Vec<&str> = row.top.iter().map(|t| t.title.as_str()).collect();
        csv.write_record([
            row.query.as_str(),
            &row.total.map(|t| t.to_string()).unwrap_or_default(),
            row.first.as_deref().unwrap_or(""),
            row.last.as_deref().unwrap_or(""),
            &keys.join(CSV_LIST),
            &titles.join(CSV_LIST),
            row.error.as_deref().unwrap_or(""),
        ])?;
    }
    csv.flush()
}

/// Writes `value` as one line of JSON. Generic over the writer so that a `Vec` target gets
/// serde_json's small writes inlined rather than one virtual call each (`extract --json`
/// spent a tenth of its instructions in them).
pub(crate) fn json_line<W: Write + ?Sized>(out: &mut W, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer(&mut *out, value)?;
    out.write_all(b"\n")
}

/// Writes the hits for people; `offset` is how many hits the page passed over, so that ranks
/// continue from one page to the next.
pub(crate) fn search_human(
    out: &mut dyn Write,
    results: &SearchResults,
    offset: usize,
    style: Style,
) -> io::Result<()> {
    let (bold, reset) = style.paint(BOLD);
    let (dim, _) = style.paint(DIM);
    if results.matched == Matched::Partial {
        match results.total_all {
            0 => writeln!(out, "no article has all words; showing the closest")?,
            n => writeln!(
                out,
                "{n} {} all words; then the closest",
                if n == 1 {
                    "article has"
                } else {
                    "articles have"
                }
            )?,
        }
        writeln!(out)?;
    }
    for (i, hit) in results.hits.iter().enumerate() {
        let date = hit.published.as_deref().unwrap_or("undated");
        writeln!(
            out,
            "{bold}{}. {}{reset}  {dim}{date}{reset}",
            offset + i + 1,
            visible(&hit.title)
        )?;
        writeln!(
            out,
            "   {dim}{}{reset}  score {:.2}",
            visible(&hit.path),
            hit.score
        )?;
        if !hit.people.is_empty() || !hit.places.is_empty() || !hit.orgs.is_empty() {
            writeln!(
                out,
                "   people: {} | places: {} | orgs: {}",
                list_or_dash(&hit.people),
                list_or_dash(&hit.places),
                list_or_dash(&hit.orgs)
            )?;
        }
        if let Some(parts) = &hit.explanation {
            writeln!(out, "   {dim}why:{reset} {}", explanation(parts))?;
        }
        writeln!(out, "   {}", highlighted(hit, style))?;
        writeln!(out)?;
    }
    if let Some(facets) = &results.facets {
        facet_lines(out, facets)?;
    }
    if let Some(timeline) = &results.timeline {
        timeline_chart(out, timeline)?;
    }
    writeln!(
        out,
        "{dim}{} {} in {:.1} ms{reset}",
        results.total,
        if results.total == 1 {
            "match"
        } else {
            "matches"
        },
        results.took_ms
    )
}

/// A hit's score split into its parts: `title 3.20, body 5.10, countries:GB (entity) 2.00`.
fn explanation(parts: &[Contribution]) -> String {
    let part = |c: &Contribution| {
        let kind = if c.entity { " (entity)" } else { "" };
        format!("{}{kind} {:.2}", visible(&c.source), c.score)
    };
    parts.iter().map(part).collect::<Vec<_>>().join(", ")
}

/// A hit's snippet on one line, its matched words in colour or, without colour, in brackets.
fn highlighted(hit: &Hit, style: Style) -> String {
    let (hl, reset) = style.paint(MATCH);
    let mut line = String::with_capacity(hit.snippet.len() + 32);
    let mut at = 0;
    for [start, end] in &hit.highlights {
        line.push_str(&visible(&hit.snippet[at..*start]));
        let word = visible(&hit.snippet[*start..*end]);
        if style.color {
            line.push_str(hl);
            line.push_str(&word);
            line.push_str(reset);
        } else {
            line.push('[');
            line.push_str(&word);
            line.push(']');
        }
        at = *end;
    }
    line.push_str(&visible(&hit.snippet[at..]));
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The most frequent people, places, organisations and countries, one line each when there are
/// any.
fn facet_lines(out: &mut dyn Write, facets: &Facets) -> io::Result<()> {
    let lists = [
        ("people", &facets.people),
        ("places", &facets.places),
        ("orgs", &facets.orgs),
        ("countries", &facets.countries),
    ];
    for (label, counts) in lists {
        if counts.is_empty() {
            continue;
        }
        let items: Vec<String> = counts
            .iter()
            .map(|c| format!("{} ({})", c.name, c.count))
            .collect();
        writeln!(out, "{label}: {}", visible(&items.join(", ")))?;
    }
    Ok(())
}

pub(crate) fn stats_human(out: &mut dyn Write, stats: &Stats) -> io::Result<()> {
    writeln!(
        out,
        "{} documents from {}",
        stats.docs,
        visible(&stats.corpus)
    )?;
    match &stats.published {
        Some(span) => writeln!(
            out,
            "published {} to {} ({} undated)",
            span.first, span.last, stats.undated
        )?,
        None => writeln!(out, "no publication dates")?,
    }
    facet_lines(out, &stats.top)?;
    timeline_chart(out, &stats.timeline)
}

/// The widest bar, in cells.
const BAR_CELLS: u64 = 40;

/// A timeline as a bar chart, one period a line; any period with a match gets at least one
/// cell, so that a lone article is not lost beside a busy month.
fn timeline_chart(out: &mut dyn Write, timeline: &Timeline) -> io::Result<()> {
    let by = match timeline.by {
        By::Year => "year",
        By::Month => "month",
        By::Day => "day",
    };
    writeln!(
        out,
        "timeline of {} by {by} ({} undated):",
        match timeline.field {
            TimelineField::Published => "publication dates",
            TimelineField::Dates => "mentioned dates",
        },
        timeline.undated
    )?;
    let most = timeline.buckets.iter().map(|b| b.count).max().unwrap_or(0);
    let buckets = &timeline.buckets;
    let mut at = 0;
    while at < buckets.len() {
        // A stray far date (a year 1066 in a 1987 archive) would otherwise print every empty
        // period in between: a long empty stretch is one line.
        let empty = buckets[at..].iter().take_while(|b| b.count == 0).count();
        if empty >= EMPTY_RUN {
            let last = &buckets[at + empty - 1].period;
            writeln!(out, "  {} … {last}  none", buckets[at].period)?;
            at += empty;
            continue;
        }
        let bucket = &buckets[at];
        let cells = match bucket.count {
            0 => 0,
            count => (count * BAR_CELLS).div_ceil(most),
        };
        let bar = "█".repeat(cells as usize);
        writeln!(out, "  {}  {bar} {}", bucket.period, bucket.count)?;
        at += 1;
    }
    Ok(())
}

/// Empty periods in a row from which a terminal timeline shows them as one line.
const EMPTY_RUN: usize = 4;

fn list_or_dash(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        visible(&items.join(", ")).into_owned()
    }
}

pub(crate) fn index_human(
    out: &mut dyn Write,
    summary: &Summary,
    index_dir: &str,
) -> io::Result<()> {
    writeln!(
        out,
        "{}: {} added, {} updated, {} removed, {} unchanged, {} skipped; {} documents in {:.2} s",
        visible(index_dir),
        summary.added,
        summary.updated,
        summary.removed,
        summary.unchanged,
        summary.skipped.len(),
        summary.docs,
        summary.seconds
    )?;
    if summary.invalid_utf8 > 0 {
        writeln!(
            out,
            "{} articles had invalid UTF-8, replaced by U+FFFD",
            summary.invalid_utf8
        )?;
    }
    Ok(())
}

/// Files passed over, one line each, for people reading the output of a long-running command.
pub(crate) fn skips(out: &mut dyn Write, skipped: &[crate::walk::Skip]) -> io::Result<()> {
    for skip in skipped {
        writeln!(out, "{}", skip_line(skip))?;
    }
    Ok(())
}

/// One file passed over, and why, as people are shown it.
pub fn skip_line(skip: &crate::walk::Skip) -> String {
    format!("skipped {}: {}", visible(&skip.path), visible(&skip.reason))
}

/// One article's extraction as `gazette extract --json` prints it.
#[derive(Serialize)]
pub(crate) struct ExtractedArticle<'a> {
    pub path: &'a str,
    pub title: &'a str,
    pub published: Option<String>,
    pub people: &'a [Person],
    pub places: &'a [Place],
    pub orgs: &'a [Org],
    pub countries: &'a [String],
    pub dates: &'a [DateMention],
}

impl<'a> ExtractedArticle<'a> {
    pub fn new(path: &'a str, title: &'a str, found: &'a Extraction) -> Self {
        ExtractedArticle {
            path,
            title,
            published: found.published.map(|d| d.to_string()),
            people: &found.people,
            places: &found.places,
            orgs: &found.orgs,
            countries: &found.countries,
            dates: &found.dates,
        }
    }
}

pub(crate) fn extract_human(
    out: &mut dyn Write,
    article: &ExtractedArticle,
    style: Style,
) -> io::Result<()> {
    let (bold, reset) = style.paint(BOLD);
    let (dim, _) = style.paint(DIM);
    let date = article.published.as_deref().unwrap_or("undated");
    writeln!(
        out,
        "{bold}{}{reset}  {dim}{date}  {}{reset}",
        visible(article.title),
        visible(article.path)
    )?;
    let people: Vec<String> = article
        .people
        .iter()
        .map(|p| format!("{} ({})", p.name, p.mentions.len()))
        .collect();
    let places: Vec<String> = article
        .places
        .iter()
        .map(|p| match &p.country {
            Some(code) => format!("{} [{code}] ({})", p.name, p.mentions.len()),
            None => format!("{} ({})", p.name, p.mentions.len()),
        })
        .collect();
    let orgs: Vec<String> = article
        .orgs
        .iter()
        .map(|o| format!("{} ({})", o.name, o.mentions.len()))
        .collect();
    let dates: Vec<String> = article
        .dates
        .iter()
        .map(|d| format!("{} \"{}\"", d.value, d.text))
        .collect();
    writeln!(out, "  people:    {}", list_or_dash(&people))?;
    writeln!(out, "  places:    {}", list_or_dash(&places))?;
    writeln!(out, "  orgs:      {}", list_or_dash(&orgs))?;
    writeln!(out, "  countries: {}", list_or_dash(article.countries))?;
    writeln!(out, "  dates:     {}", list_or_dash(&dates))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Mention;
    use crate::query::{FacetCount, Hit};

    /// Text carrying a window-title change, a screen clear, a colour, a C1 CSI, a carriage
    /// return, DEL, a newline and a tab.
    const HOSTILE: &str = "Evil \x1b]0;PWNED\x07\x1b[2J\x1b[31mred\u{9b}2J\rover\x7f\nnext\tcell";

    #[test]
    fn control_characters_are_shown_not_sent() {
        assert_eq!(
            visible(HOSTILE),
            "Evil \\x1B]0;PWNED\\x07\\x1B[2J\\x1B[31mred\\u{9B}2J\\x0Dover\\x7F next cell"
        );
        assert!(matches!(visible("Café — ok"), Cow::Borrowed("Café — ok")));
    }

    #[test]
    fn bidirectional_overrides_are_shown_not_sent() {
        // A right-to-left override would make `exe.txt` display as `txt.exe`.
        assert_eq!(visible("evil\u{202E}exe.txt"), "evil\\u{202E}exe.txt");
        assert_eq!(visible("a\u{2066}b\u{2069}"), "a\\u{2066}b\\u{2069}");
        assert!(matches!(visible("שלום עולם"), Cow::Borrowed(_)));
    }

    #[test]
    fn human_renderers_show_no_control_character() {
        let hostile = HOSTILE.to_string();
        let results = SearchResults {
            query: "evil".into(),
            total: 1,
            matched: Matched::All,
            total_all: 1,
            took_ms: 1.0,
            timeline: None,
            facets: Some(Facets {
                people: vec![FacetCount {
                    name: hostile.clone(),
                    count: 1,
                }],
                ..Facets::default()
            }),
            hits: vec![Hit {
                key: hostile.clone(),
                path: hostile.clone(),
                score: 1.0,
                title: hostile.clone(),
                published: None,
                people: vec![hostile.clone()],
                places: vec![hostile.clone()],
                orgs: vec![hostile.clone()],
                countries: vec![],
                snippet: hostile.clone(),
                highlights: vec![[0, 4]],
                explanation: Some(vec![Contribution {
                    source: hostile.clone(),
                    entity: true,
                    score: 1.0,
                }]),
            }],
        };
        let mut out = Vec::new();
        search_human(&mut out, &results, 0, Style::new(false)).unwrap();
        assert!(String::from_utf8_lossy(&out).contains("(entity) 1.00"));
        let mention = Mention {
            text: hostile.clone(),
            start: 0,
            end: 1,
        };
        let found = Extraction {
            people: vec![Person {
                name: hostile.clone(),
                mentions: vec![mention.clone()],
            }],
            places: vec![Place {
                name: hostile.clone(),
                country: Some(hostile.clone()),
                mentions: vec![mention.clone()],
            }],
            orgs: vec![Org {
                name: hostile.clone(),
                mentions: vec![mention],
            }],
            countries: vec![hostile.clone()],
            dates: vec![DateMention {
                text: hostile.clone(),
                value: "2023".into(),
                start: 0,
                end: 1,
            }],
            ..Extraction::default()
        };
        extract_human(
            &mut out,
            &ExtractedArticle::new(&hostile, &hostile, &found),
            Style::new(false),
        )
        .unwrap();
        let skip = crate::walk::Skip {
            path: hostile.clone(),
            reason: hostile.clone(),
        };
        skips(&mut out, &[skip]).unwrap();
        index_human(&mut out, &Summary::default(), &hostile).unwrap();
        let text = String::from_utf8(out).unwrap();
        let sent: Vec<char> = text
            .chars()
            .filter(|&c| c.is_control() && c != '\n')
            .collect();
        assert!(sent.is_empty(), "{sent:?} in {text}");
        assert!(text.contains("[Evil] \\x1B]0;PWNED\\x07\\x1B[2J"), "{text}");
        assert_eq!(text.matches("PWNED").count(), 19, "{text}");
    }

    #[test]
    fn csv_cells_round_trip_hostile_text() {
        let titles = [
            "Plain",
            "Commas, and more, commas",
            "She said \"no\", twice \"\"",
            "Two\nlines\r\nand a CR\r",
            HOSTILE,
            "",
        ];
        let hits = titles
            .iter()
            .map(|title| Hit {
                key: format!("k,\"{title}"),
                path: String::new(),
                score: 1.25,
                title: title.to_string(),
                published: Some("2023-09-13".into()),
                people: vec!["Kim, Jong-un".into(), "Moon \"Jae-in\"".into()],
                places: vec![],
                orgs: vec!["Hamas".into()],
                countries: vec!["KP".into(), "KR".into()],
                snippet: String::new(),
                highlights: vec![],
                explanation: None,
            })
            .collect();
        let results = SearchResults {
            query: "q".into(),
            total: titles.len(),
            total_all: titles.len(),
            matched: Matched::All,
            took_ms: 1.0,
            timeline: None,
            facets: None,
            hits,
        };
        let mut out = Vec::new();
        search_csv(&mut out, &results).unwrap();
        let mut reader = csv::Reader::from_reader(out.as_slice());
        let header = reader.headers().unwrap().clone();
        assert_eq!(
            header.iter().collect::<Vec<_>>(),
            [
                "key",
                "title",
                "published",
                "score",
                "people",
                "places",
                "orgs",
                "countries"
            ]
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), titles.len());
        for (row, title) in rows.iter().zip(titles) {
            assert_eq!(row.len(), 8);
            assert_eq!(&row[0], format!("k,\"{title}"));
            assert_eq!(&row[1], title);
            assert_eq!((&row[2], &row[3]), ("2023-09-13", "1.25"));
            assert_eq!(&row[4], "Kim, Jong-un; Moon \"Jae-in\"");
            assert_eq!((&row[5], &row[6], &row[7]), ("", "Hamas", "KP; KR"));
        }
    }

    #[test]
    fn csv_of_no_hits_is_the_header_alone() {
        let results = SearchResults {
            query: "q".into(),
            total: 0,
            total_all: 0,
            matched: Matched::All,
            took_ms: 1.0,
            timeline: None,
            facets: None,
            hits: vec![],
        };
        let mut out = Vec::new();
        search_csv(&mut out, &results).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "key,title,published,score,people,places,orgs,countries\n"
        );
    }

    #[test]
    fn timeline_bars_scale_to_the_busiest_period() {
        let bucket = |period: &str, count| crate::timeline::Bucket {
            period: period.into(),
            count,
        };
        let timeline = Timeline {
            field: TimelineField::Published,
            by: By::Month,
            buckets: vec![
                bucket("2023-01", 80),
                bucket("2023-02", 0),
                bucket("2023-03", 1),
            ],
            undated: 2,
        };
        let mut out = Vec::new();
        timeline_chart(&mut out, &timeline).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "timeline of publication dates by month (2 undated):"
        );
        assert_eq!(lines[1], format!("  2023-01  {} 80", "█".repeat(40)));
        assert_eq!(lines[2], "  2023-02   0");
        assert_eq!(lines[3], "  2023-03  █ 1");
    }

    #[test]
    fn a_long_empty_stretch_of_a_timeline_is_one_line() {
        let bucket = |year: i32, count| crate::timeline::Bucket {
            period: year.to_string(),
            count,
        };
        let mut buckets = vec![bucket(1066, 1)];
        buckets.extend((1067..1987).map(|year| bucket(year, 0)));
        buckets.extend([bucket(1987, 5), bucket(1988, 0), bucket(1989, 2)]);
        let timeline = Timeline {
            field: TimelineField::Dates,
            by: By::Year,
            buckets,
            undated: 0,
        };
        let mut out = Vec::new();
        timeline_chart(&mut out, &timeline).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(lines.len(), 5, "{text}");
        assert_eq!(lines[1], "  1067 … 1986  none");
        assert_eq!(lines[3], "  1988   0");
    }

    #[test]
    fn plain_output_marks_highlights_with_brackets() {
        let results = SearchResults {
            query: "korea".into(),
            total: 1,
            matched: Matched::All,
            total_all: 1,
            took_ms: 1.0,
            timeline: None,
            facets: None,
            hits: vec![Hit {
                key: "a.txt".into(),
                path: "a.txt".into(),
                score: 1.5,
                title: "T".into(),
                published: None,
                people: vec![],
                places: vec!["Seoul".into()],
                orgs: vec![],
                countries: vec![],
                snippet: "North Korea said".into(),
                highlights: vec![[6, 11]],
                explanation: None,
            }],
        };
        let mut out = Vec::new();
        search_human(&mut out, &results, 0, Style::new(false)).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("North [Korea] said"), "{text}");
        assert!(
            text.contains("people: - | places: Seoul | orgs: -"),
            "{text}"
        );
        assert!(text.contains("1 match in"), "{text}");
        assert!(!text.contains('\x1b'));
    }
}
