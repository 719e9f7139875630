//! Tokeniser: splits article text into byte-span tokens with the cheap orthographic flags the tagger needs.

use super::words::COURTESY_TITLES;

/// First character is an upper-case letter.
pub(crate) const CAP: u8 = 1;
/// Contains letters and none of them is lower case.
pub(crate) const ALLCAPS: u8 = 2;
/// Made only of punctuation/symbols.
pub(crate) const PUNCT: u8 = 4;
/// Starts with a digit.
pub(crate) const DIGIT: u8 = 8;
/// First token on its line (line = title or sentence in the eval format).
pub(crate) const LINE_START: u8 = 16;
/// The token's line has letters but no lower-case ones (a heading).
pub(crate) const CAPS_LINE: u8 = 32;
/// Has an upper-case letter somewhere (`al-Assad`, `McDonald`, `iPhone`).
pub(crate) const UPPER: u8 = 128;
/// The token is the possessive `'s` / `’s` split from the previous word.
pub(crate) const POSSESSIVE: u8 = 64;

/// A word or punctuation mark: its byte span in the text and its flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) flags: u8,
}

impl Token {
    pub(crate) fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Abbreviations whose trailing dot belongs to the word, so `St. Louis` or `Calif.` form clean
/// spans; courtesy titles (`Mr.`) are such words too.
const DOTTED: &[&str] = &[
    "st", "mt", "ft", "jr", "sr", "gen", "lt", "col", "sgt", "capt", "sen", "rep", "gov", "prof",
    "rev", "corp", "inc", "ltd", "co", "bros", "calif", "mass", "conn", "fla", "ill", "mich",
    "wis", "minn", "tex", "ariz", "colo", "okla", "va", "md", "ga", "ala", "tenn", "ky", "la",
    "nev", "ore", "del", "kan", "neb", "pa", "vs", "no", "ave", "adm", "maj", "messrs",
];

const C_LOWER: u8 = 1;
const C_UPPER: u8 = 2;
const C_DIGIT: u8 = 4;
const C_SPACE: u8 = 8;
const C_ALNUM: u8 = C_LOWER | C_UPPER | C_DIGIT;

/// Byte classes for the ASCII fast path; bytes ≥ 0x80 are class 0 and decoded separately.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_lowercase() {
            C_LOWER
        } else if c.is_ascii_uppercase() {
            C_UPPER
        } else if c.is_ascii_digit() {
            C_DIGIT
        } else if c == b' ' || c == b'\t' || c == b'\r' {
            C_SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

#[inline]
fn is_word_byte(text: &[u8], i: usize) -> bool {
    let b = text[i];
    if b < 0x80 {
        b.is_ascii_alphanumeric()
    } else {
        // Non-ASCII: letters of any script (Hangul, Cyrillic, accented Latin) are word characters,
        // while typographic quotes and dashes are not.
        let s = char_at(text, i);
        s.is_alphanumeric()
    }
}

fn char_at(text: &[u8], i: usize) -> char {
    let end = (i + 4).min(text.len());
    let chunk = match std::str::from_utf8(&text[i..end]) {
        Ok(s) => s,
        Err(e) => std::str::from_utf8(&text[i..i + e.valid_up_to()]).unwrap_or(""),
    };
    chunk.chars().next().unwrap_or(' ')
}

fn char_len(b: u8) -> usize {
    match b {
        0..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// Length of an apostrophe (ASCII or right single quote) at `i`, 0 if none.
fn apostrophe_len(t: &[u8], i: usize) -> usize {
    if t[i] == b'\'' {
        1
    } else if t[i] == 0xe2 && t.get(i + 1) == Some(&0x80) && t.get(i + 2) == Some(&0x99) {
        3
    } else {
        0
    }
}

/// `word_flags` for an ASCII word from the class of its first byte and the OR of all classes.
#[inline]
fn ascii_word_flags(first: u8, seen: u8) -> (u8, bool) {
    let mut f = 0;
    if first == C_DIGIT {
        f |= DIGIT;
    }
    if first == C_UPPER {
        f |= CAP;
    }
    if seen & C_UPPER != 0 {
        f |= UPPER;
        if seen & C_LOWER == 0 {
            f |= ALLCAPS;
        }
    }
    (f, seen & C_LOWER != 0)
}

/// Orthographic flags of a word, plus whether it has a lower-case letter.
fn word_flags(w: &[u8]) -> (u8, bool) {
    let mut f = 0;
    let first = w[0];
    if first.is_ascii_digit() {
        f |= DIGIT;
    }
    let mut has_letter = false;
    let mut has_lower = false;
    let mut has_upper = false;
    if first < 0x80 {
        for &b in w {
            if b.is_ascii_alphabetic() {
                has_letter = true;
                has_lower |= b.is_ascii_lowercase();
                has_upper |= b.is_ascii_uppercase();
            } else if b >= 0x80 {
                has_letter = true;
            }
        }
        if first.is_ascii_uppercase() {
            f |= CAP;
        }
    } else if let Ok(s) = std::str::from_utf8(w) {
        for c in s.chars() {
            if c.is_alphabetic() {
                has_letter = true;
                has_lower |= c.is_lowercase();
                has_upper |= c.is_uppercase();
            }
        }
        if s.chars().next().is_some_and(char::is_uppercase) {
            f |= CAP;
        }
    }
    if has_upper {
        f |= UPPER;
    }
    if has_letter && !has_lower {
        f |= ALLCAPS;
    }
    (f, has_lower)
}

/// Tokenises `text`. Words keep inner hyphens and apostrophes (`Jong-un`, `O'Gorman`),
/// possessive `'s` becomes its own token, dotted initialisms (`U.S.`) stay whole.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, &mut out);
    out
}

/// `tokenize` into a reused vector.
pub(crate) fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let t = text.as_bytes();
    let n = t.len();
    out.clear();
    out.reserve(n / 5);
    let mut line = Line::default();
    let mut i = 0;
    while i < n {
        let b = t[i];
        if b == b'\n' {
            line.end(t, out);
            i += 1;
            continue;
        }
        if CLASS[b as usize] == C_SPACE {
            i += 1;
            while i < n && CLASS[t[i] as usize] == C_SPACE {
                i += 1;
            }
            continue;
        }
        let start = i;
        let flags;
        if CLASS[b as usize] & C_ALNUM != 0 || (b >= 0x80 && is_word_byte(t, i)) {
            let has_lower;
            (i, flags, has_lower) = word(t, start);
            line.has_upper |= flags & CAP != 0;
            line.has_lower |= has_lower;
        } else if let Some(end) = possessive_end(t, start, out.last()) {
            out.push(Token {
                start,
                end,
                flags: POSSESSIVE | line.possessive_start(),
            });
            i = end;
            continue;
        } else {
            i += char_len(b);
            flags = PUNCT;
        }
        out.push(Token {
            start,
            end: i,
            flags: flags | line.start_flag(t[start], flags),
        });
    }
    line.end(t, out);
}

/// What the tokeniser knows of the line and sentence it is in.
struct Line {
    /// Index in the output of the line's first token.
    first: usize,
    has_lower: bool,
    has_upper: bool,
    /// No token yet on this line.
    at_start: bool,
    /// The last token ended a sentence (`.`, or a quote after one).
    after_stop: bool,
}

impl Default for Line {
    fn default() -> Line {
        Line {
            first: 0,
            has_lower: false,
            has_upper: false,
            at_start: true,
            after_stop: false,
        }
    }
}

impl Line {
    /// Flags the line's tokens if it is a heading and starts the next line.
    fn end(&mut self, text: &[u8], out: &mut [Token]) {
        mark_heading(text, &mut out[self.first..], self.has_lower, self.has_upper);
        self.first = out.len();
        self.has_lower = false;
        self.has_upper = false;
        self.at_start = true;
    }

    /// `LINE_START` or nothing for the next word or punctuation token, which starts with
    /// byte `first` and has `flags`. A sentence start inside a paragraph looks like a line
    /// start in one-sentence-per-line training text.
    #[inline]
    fn start_flag(&mut self, first: u8, flags: u8) -> u8 {
        let punct = flags & PUNCT != 0;
        let start = if self.at_start || (self.after_stop && !punct) {
            self.at_start = false;
            LINE_START
        } else {
            0
        };
        self.after_stop = punct
            && (matches!(first, b'.' | b'!' | b'?')
                || (self.after_stop && matches!(first, b'"' | b'\'' | 0xe2)));
        start
    }

    /// `LINE_START` or nothing for a possessive `'s`, which never starts a sentence.
    fn possessive_start(&mut self) -> u8 {
        self.after_stop = false;
        if std::mem::take(&mut self.at_start) {
            LINE_START
        } else {
            0
        }
    }
}

/// The word starting at `start`: its end, flags and whether it has a lower-case letter.
#[inline]
fn word(t: &[u8], start: usize) -> (usize, u8, bool) {
    let n = t.len();
    let first = t[start];
    // OR of the classes of the word's ASCII bytes; `ascii` stays true unless a multi-byte letter shows up.
    let mut seen = 0u8;
    let mut ascii = first < 0x80;
    let mut i = start + char_len(first);
    loop {
        while i < n {
            let c = CLASS[t[i] as usize];
            if c & C_ALNUM == 0 {
                break;
            }
            seen |= c;
            i += 1;
        }
        if i >= n {
            break;
        }
        if t[i] >= 0x80 && is_word_byte(t, i) {
            ascii = false;
            i += char_len(t[i]);
            continue;
        }
        match joiner_len(t, start, i) {
            Some(len) => i += len,
            None => {
                i = dotted_end(t, start, i);
                break;
            }
        }
    }
    let (flags, has_lower) = if ascii {
        let c = CLASS[first as usize];
        ascii_word_flags(c, seen | c)
    } else {
        word_flags(&t[start..i])
    };
    (i, flags, has_lower)
}

/// Length of the byte or bytes at `i` that join what follows to the word starting at `start`
/// (`1,000`, `3.5`, `Jong-un`, `O'Gorman`), or `None` where the word ends.
#[inline]
fn joiner_len(t: &[u8], start: usize, i: usize) -> Option<usize> {
    let n = t.len();
    let c = t[i];
    // `1,000` and `3.5` stay whole: fewer tokens in figure-heavy copy.
    if (c == b',' || c == b'.')
        && t[start].is_ascii_digit()
        && i + 1 < n
        && t[i + 1].is_ascii_digit()
    {
        return Some(1);
    }
    if c == b'-' && i + 1 < n && is_word_byte(t, i + 1) {
        return Some(1);
    }
    let al = apostrophe_len(t, i);
    if al > 0 && i + al < n && is_word_byte(t, i + al) && !is_possessive_s(t, i + al) {
        return Some(al);
    }
    None
}

/// End of a word whose letters stop at `i`: past the dot of an initialism (`U.S.`), an
/// initial (`J.`) or a known abbreviation (`St.`), else `i`.
fn dotted_end(t: &[u8], start: usize, i: usize) -> usize {
    if t[i] != b'.' {
        return i;
    }
    let n = t.len();
    let w = &t[start..i];
    // `U.S.` / `N.J.`: single letters separated by dots.
    if i + 2 < n && t[i + 1].is_ascii_alphabetic() && t[i + 2] == b'.' && i - start == 1 {
        let mut i = i + 3;
        while i + 1 < n && t[i].is_ascii_alphabetic() && t[i + 1] == b'.' {
            i += 2;
        }
        return i;
    }
    let single_initial = w.len() == 1 && w[0].is_ascii_uppercase();
    let abbrev = w.len() <= 6
        && w[0].is_ascii_uppercase()
        && COURTESY_TITLES
            .iter()
            .chain(DOTTED)
            .any(|a| a.as_bytes().eq_ignore_ascii_case(w));
    if single_initial || abbrev { i + 1 } else { i }
}

/// Whether an `s` or `S` at `i` ends its word, as the `s` of a possessive does.
#[inline]
fn is_possessive_s(t: &[u8], i: usize) -> bool {
    matches!(t[i], b's' | b'S') && (i + 1 >= t.len() || !is_word_byte(t, i + 1))
}

/// End of the possessive `'s` / `’s` at `i` when it follows the previous token, `prev`,
/// without a gap.
#[inline]
fn possessive_end(t: &[u8], i: usize, prev: Option<&Token>) -> Option<usize> {
    let al = apostrophe_len(t, i);
    let found = al > 0
        && i + al < t.len()
        && is_possessive_s(t, i + al)
        && prev.is_some_and(|p| p.end == i);
    found.then_some(i + al + 1)
}

/// Flags heading lines. Upper-case lines are headings; so are Title Case lines (capitalised
/// words with only short lower-case function words, no figures), which are treated as
/// upper-case so that capitalisation is not mistaken for names.
fn mark_heading(text: &[u8], line: &mut [Token], has_lower: bool, has_upper: bool) {
    if !has_upper {
        return;
    }
    if has_lower {
        let mut caps = 0;
        for t in line.iter() {
            if t.flags & CAP != 0 {
                caps += 1;
            } else if t.flags & DIGIT != 0
                || (t.flags & PUNCT == 0 && t.end - t.start > 4)
                || (t.flags & PUNCT != 0 && matches!(text[t.start], b',' | b'(' | b':' | b';'))
            {
                // Running text, or a list of names (`Smith (U.S.), Jones (Britain)`).
                return;
            }
        }
        if caps < 4 {
            return;
        }
        for t in line.iter_mut() {
            if t.flags & CAP != 0 {
                t.flags |= ALLCAPS;
            }
        }
    }
    for t in line.iter_mut() {
        t.flags |= CAPS_LINE;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        tokenize(s).iter().map(|t| t.text(s)).collect()
    }

    #[test]
    fn splits_names_possessives_and_initialisms() {
        assert_eq!(
            words("Kim Jong-un met O'Gorman in the U.S. on Monday."),
            [
                "Kim", "Jong-un", "met", "O'Gorman", "in", "the", "U.S.", "on", "Monday", "."
            ]
        );
        assert_eq!(
            words("Korea's and Korea’s"),
            ["Korea", "'s", "and", "Korea", "’s"]
        );
        assert_eq!(
            words("KIM JONG-UN'S ORDERS"),
            ["KIM", "JONG-UN", "'S", "ORDERS"]
        );
        assert_eq!(words("St. Louis, Mo"), ["St.", "Louis", ",", "Mo"]);
        assert_eq!(
            words("Mrs. Ng saw Dr. No."),
            ["Mrs.", "Ng", "saw", "Dr.", "No."]
        );
        assert_eq!(words("Workers' Party"), ["Workers", "'", "Party"]);
        assert_eq!(
            words("1,000.5 tonnes, 3."),
            ["1,000.5", "tonnes", ",", "3", "."]
        );
    }

    #[test]
    fn spans_are_byte_offsets() {
        let s = "“Seoul” — Pyongyang’s";
        let toks = tokenize(s);
        let seoul = toks.iter().find(|t| t.text(s) == "Seoul").unwrap();
        assert_eq!(&s[seoul.start..seoul.end], "Seoul");
        assert_eq!(toks.last().unwrap().text(s), "’s");
        assert_ne!(toks[1].flags & CAP, 0);
    }

    #[test]
    fn heading_lines_are_flagged() {
        let s = "SOUTH KOREA RECIPROCATES\nSouth Korea said";
        let toks = tokenize(s);
        assert_eq!(
            toks[0].flags & (CAPS_LINE | LINE_START),
            CAPS_LINE | LINE_START
        );
        assert_eq!(toks[3].flags & (CAPS_LINE | LINE_START), LINE_START);
    }
}
