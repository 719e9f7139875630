//! The words of a title or body as their analyzer splits and lower-cases them, found in place:
//! a snippet weighs only the words that may be query words, and need not copy and lower-case
//! every word of a hit's body as the analyzer's token stream does.

use std::ops::Range;

/// A word lower-cased as the analyzer lower-cases it.
pub(crate) use crate::index::lower;
use crate::index::{LONGEST, class_run};

/// The byte range of each word of `text` the title and body analyzer keeps: runs of letters
/// and digits shorter than [`LONGEST`] bytes.
pub(crate) fn ranges(text: &str) -> Ranges<'_> {
    Ranges { text, at: 0 }
}

/// The words of a text, as [`ranges`] finds them.
pub(crate) struct Ranges<'a> {
    text: &'a str,
    at: usize,
}

impl Ranges<'_> {
    fn pass<const WORD: bool>(&mut self) {
        self.at = class_run::<WORD>(self.text, self.at).0;
    }
}

impl Iterator for Ranges<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        loop {
            self.pass::<false>();
            if self.at == self.text.len() {
                return None;
            }
            let start = self.at;
            self.pass::<true>();
            if self.at - start < LONGEST {
                return Some(start..self.at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::unstemmed_words;

    #[test]
    fn the_same_words_as_the_analyzer() {
        let long = "x".repeat(LONGEST - 1);
        let text = format!(
            "  Économie: les PRIX du café, 1987's İstanbul ΣΟΦΟΣ naïve—coöp <b>bold</b>&amp; \
             x{long} {long} ẞtraße ǅemal 3½ ١٢٣ 東京 e\u{301}t\u{e9} end"
        );
        let mut analyzer = unstemmed_words().build();
        let mut stream = analyzer.token_stream(&text);
        let mut expected = Vec::new();
        while let Some(token) = stream.next() {
            expected.push((token.offset_from..token.offset_to, token.text.clone()));
        }
        let mut out = String::new();
        let found: Vec<(Range<usize>, String)> = ranges(&text)
            .map(|range| {
                lower(&text[range.clone()], &mut out);
                (range, out.clone())
            })
            .collect();
        // The word of 39 bytes is kept and the one of 40 dropped.
        assert!(expected.iter().any(|(_, w)| *w == long));
        assert!(expected.iter().all(|(_, w)| w.len() < LONGEST));
        assert_eq!(found, expected);
    }
}
