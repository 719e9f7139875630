//! Bytes of one file to an article: UTF-8 decoding that keeps byte offsets into the file,
//! optional `---` front matter, the title and the body.

use std::collections::BTreeMap;
use std::ops::Range;

/// One article as read from disk. All ranges index into `text`; [`Article::file_offset`] maps an
/// offset in `text` back to the file as stored, which differs only when invalid UTF-8 was replaced.
#[derive(Debug, Clone)]
pub struct Article {
    /// The whole file, decoded (invalid sequences replaced by U+FFFD).
    pub text: String,
    /// Front matter keys (lower-cased) and values, sorted by key; a key written twice keeps
    /// its last value.
    pub front_matter: BTreeMap<String, String>,
    pub title: String,
    /// Where the content after the front matter starts: extraction reads `text[content_start..]`.
    pub content_start: usize,
    /// The body: the content without the title line (or the whole content when the title came
    /// from the front matter).
    pub body: Range<usize>,
    /// How many invalid UTF-8 sequences were replaced.
    pub replaced: usize,
    /// (offset in `text`, offset in file) after each replacement, for mapping offsets back.
    checkpoints: Vec<(usize, usize)>,
}

impl Article {
    pub fn parse(bytes: &[u8]) -> Article {
        let (text, checkpoints) = decode(bytes);
        let (front_matter, content_start) = front_matter(&text);
        let content = &text[content_start..];
        let (title, body) = match front_matter.get("title") {
            Some(title) => (title.clone(), content_start..text.len()),
            None => match first_line(content) {
                Some(line) => (
                    content[line.clone()].trim().to_string(),
                    content_start + line.end..text.len(),
                ),
                None => (String::new(), text.len()..text.len()),
            },
        };
        let body = trim_range(&text, body);
        Article {
            replaced: checkpoints.len(),
            text,
            front_matter,
            title,
            content_start,
            body,
            checkpoints,
        }
    }

    pub fn body(&self) -> &str {
        &self.text[self.body.clone()]
    }

    pub fn content(&self) -> &str {
        &self.text[self.content_start..]
    }

    /// A front matter value by its lower-case key.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.front_matter.get(key).map(String::as_str)
    }

    /// True when the file holds no words at all (empty or whitespace only).
    pub fn is_blank(&self) -> bool {
        self.title.trim().is_empty() && self.body().trim().is_empty()
    }

    /// Maps a byte offset into `text` to the byte offset into the file as stored.
    pub fn file_offset(&self, offset: usize) -> usize {
        let i = self
            .checkpoints
            .partition_point(|&(text, _)| text <= offset);
        match i {
            0 => offset,
            _ => {
                let (text, file) = self.checkpoints[i - 1];
                file + (offset - text)
            }
        }
    }
}

/// Why `bytes` cannot be an article at all, if they cannot: text files hold no NUL bytes.
pub fn not_text(bytes: &[u8]) -> Option<&'static str> {
    bytes
        .contains(&0)
        .then_some("binary file (contains NUL bytes)")
}

/// Lossy UTF-8 decoding that remembers where replacements shifted the offsets.
fn decode(bytes: &[u8]) -> (String, Vec<(usize, usize)>) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (text.to_string(), Vec::new());
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut checkpoints = Vec::new();
    let mut file_pos = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        file_pos += chunk.valid().len();
        if !chunk.invalid().is_empty() {
            text.push(char::REPLACEMENT_CHARACTER);
            file_pos += chunk.invalid().len();
            checkpoints.push((text.len(), file_pos));
        }
    }
    (text, checkpoints)
}

/// Parses `---` / `key: value` lines / `---` at the very top, after a byte-order mark if any.
/// Without a closing `---` the block is not front matter and stays part of the content. The
/// content starts after the mark in any case: it marks the encoding, not a character of the
/// title.
fn front_matter(text: &str) -> (BTreeMap<String, String>, usize) {
    let mut map = BTreeMap::new();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = LineSpans::new(text, start);
    match lines.next() {
        Some(first) if text[first.clone()].trim_end() == "---" => {}
        _ => return (map, start),
    }
    for line in lines {
        let raw = text[line.clone()].trim_end_matches(['\r', '\n']);
        if raw.trim_end() == "---" {
            return (map, line.end);
        }
        if let Some((key, value)) = raw.split_once(':') {
            let key = key.trim().to_ascii_lowercase();
            if !key.is_empty() && !key.contains(char::is_whitespace) {
                map.insert(key, unquote(value.trim()).to_string());
                continue;
            }
        }
        if !raw.trim().is_empty() {
            // A line that is neither `key: value` nor blank: this was not front matter.
            return (BTreeMap::new(), start);
        }
    }
    (BTreeMap::new(), start)
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if value.len() >= 2 && value.starts_with(quote) && value.ends_with(quote) {
            return &value[1..value.len() - 1];
        }
    }
    value
}

/// The span of the first line with non-whitespace in `content`, without its line break.
fn first_line(content: &str) -> Option<Range<usize>> {
    LineSpans::new(content, 0)
        .find(|line| !content[line.clone()].trim().is_empty())
        .map(|line| line.start..line.start + content[line].trim_end_matches(['\r', '\n']).len())
}

fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = start + slice.trim().len();
    start..end
}

/// Line spans including their terminating `\n`.
struct LineSpans<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> LineSpans<'a> {
    fn new(text: &'a str, pos: usize) -> Self {
        LineSpans { text, pos }
    }
}

impl Iterator for LineSpans<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = match self.text[start..].find('\n') {
            Some(i) => start + i + 1,
            None => self.text.len(),
        };
        self.pos = end;
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_is_first_non_empty_line_and_body_the_rest() {
        let a = Article::parse(b"\n\n  Big News Today \n\nFirst paragraph.\n\nSecond.\n");
        assert_eq!(a.title, "Big News Today");
        assert_eq!(a.body(), "First paragraph.\n\nSecond.");
        assert_eq!(a.content_start, 0);
    }

    #[test]
    fn front_matter_keys_and_title() {
        let text = "---\ntitle: \"Quoted Title\"\ndate: 2023-09-13\nSource: Wire\n---\nLine one\nLine two\n";
        let a = Article::parse(text.as_bytes());
        assert_eq!(a.title, "Quoted Title");
        assert_eq!(a.meta("date"), Some("2023-09-13"));
        assert_eq!(a.meta("source"), Some("Wire"));
        assert_eq!(&a.text[a.content_start..a.content_start + 8], "Line one");
        assert_eq!(a.body(), "Line one\nLine two");
    }

    #[test]
    fn front_matter_keys_are_sorted_and_the_last_value_wins() {
        let a = Article::parse(b"---\nurl: u\nSource: a\nauthor: b\nsource: c\n---\nT\n");
        let keys: Vec<(&str, &str)> = a
            .front_matter
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(keys, [("author", "b"), ("source", "c"), ("url", "u")]);
    }

    #[test]
    fn front_matter_without_title_takes_first_line() {
        let a = Article::parse(b"---\ndate: 1987-02-26T15:01:01Z\n---\nBAHIA COCOA REVIEW\n\nSALVADOR, Feb 26 - Showers.\n");
        assert_eq!(a.title, "BAHIA COCOA REVIEW");
        assert_eq!(a.body(), "SALVADOR, Feb 26 - Showers.");
    }

    #[test]
    fn unclosed_front_matter_is_content() {
        let a = Article::parse(b"---\ntitle: x\nno closing line\n");
        assert!(a.front_matter.is_empty());
        assert_eq!(a.title, "---");
    }

    #[test]
    fn a_byte_order_mark_is_neither_title_nor_content() {
        let a = Article::parse(b"\xef\xbb\xbfBig News\n\nSeoul said.\n");
        assert_eq!(a.title, "Big News");
        assert_eq!(a.content_start, 3);
        assert_eq!(a.content(), "Big News\n\nSeoul said.\n");
        assert_eq!(a.body(), "Seoul said.");
        let with_front_matter = b"\xef\xbb\xbf---\nsource: x\n---\nBig News\n\nSeoul said.\n";
        let a = Article::parse(with_front_matter);
        assert_eq!(a.title, "Big News");
        assert_eq!(a.meta("source"), Some("x"));
        assert_eq!(&with_front_matter[a.body.start..a.body.end], b"Seoul said.");
        let unclosed = Article::parse(b"\xef\xbb\xbf---\nsource: x\n");
        assert_eq!(unclosed.title, "---");
        assert_eq!(unclosed.content_start, 3);
    }

    #[test]
    fn invalid_utf8_is_replaced_and_offsets_map_back() {
        // Two invalid bytes, each one byte on disk but three in the decoded text.
        let bytes = b"Title\n\nab\xffcd\xfeSeoul";
        let a = Article::parse(bytes);
        assert_eq!(a.replaced, 2);
        let seoul = a.text.find("Seoul").unwrap();
        assert_eq!(a.file_offset(seoul), 13);
        assert_eq!(&bytes[a.file_offset(seoul)..], b"Seoul");
        assert_eq!(a.file_offset(2), 2);
    }

    #[test]
    fn blank_files_are_blank() {
        assert!(Article::parse(b"  \n\t\n").is_blank());
        assert!(Article::parse(b"").is_blank());
        assert!(!Article::parse(b"x").is_blank());
    }
}
