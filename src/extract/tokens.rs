//! Tokeniser: splits article text into byte-span tokens with the cheap orthographic flags the tagger needs.

use super::words::COURTESY_TITLES;

/// First character is an upper-case letter.
pub const CAP: u8 = 1;
/// Contains letters and none of them is lower case.
pub const ALLCAPS: u8 = 2;
/// Made only of punctuation/symbols.
pub const PUNCT: u8 = 4;
/// Starts with a digit.
pub const DIGIT: u8 = 8;
/// First token on its line (line = title or sentence in the eval format).
pub const LINE_START: u8 = 16;
/// The token's line has letters but no lower-case ones (a heading).
pub const CAPS_LINE: u8 = 32;
/// Has an upper-case letter somewhere (`al-Assad`, `McDonald`, `iPhone`).
pub const UPPER: u8 = 128;
/// The token is the possessive `'s` / `’s` split from the previous word.
pub const POSSESSIVE: u8 = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub flags: u8,
}

impl Token {
    pub fn is(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
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
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, &mut out);
    out
}

/// `tokenize` into a reused vector.
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    let t = text.as_bytes();
    let n = t.len();
    out.clear();
    out.reserve(n / 5);
    let mut i = 0;
    let mut line_first = 0usize;
    let mut line_has_lower = false;
    let mut line_has_upper = false;
    let mut at_line_start = true;
    let mut after_stop = false;
    while i < n {
        let b = t[i];
        if b == b'\n' {
            mark_heading(t, &mut out[line_first..], line_has_lower, line_has_upper);
            line_first = out.len();
            line_has_lower = false;
            line_has_upper = false;
            at_line_start = true;
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
        let mut flags;
        if CLASS[b as usize] & C_ALNUM != 0 || (b >= 0x80 && is_word_byte(t, i)) {
            // OR of the classes of the word's ASCII bytes; `ascii` stays true unless a multi-byte letter shows up.
            let mut seen = 0u8;
            let mut ascii = b < 0x80;
            i += char_len(b);
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
                let c = t[i];
                // `1,000` and `3.5` stay whole: fewer tokens in figure-heavy copy.
                if (c == b',' || c == b'.')
                    && t[start].is_ascii_digit()
                    && i + 1 < n
                    && t[i + 1].is_ascii_digit()
                {
                    i += 1;
                    continue;
                }
                if c == b'-' && i + 1 < n && is_word_byte(t, i + 1) {
                    i += 1;
                    continue;
                }
                let al = apostrophe_len(t, i);
                if al > 0 && i + al < n && is_word_byte(t, i + al) {
                    let s_next = t[i + al];
                    let ends = i + al + 1 >= n || !is_word_byte(t, i + al + 1);
                    if (s_next == b's' || s_next == b'S') && ends {
                        break;
                    }
                    i += al;
                    continue;
                }
                if c == b'.' {
                    let w = &t[start..i];
                    // `U.S.` / `N.J.`: single letters separated by dots.
                    if i + 2 < n
                        && t[i + 1].is_ascii_alphabetic()
                        && t[i + 2] == b'.'
                        && i - start == 1
                    {
                        i += 3;
                        while i + 1 < n && t[i].is_ascii_alphabetic() && t[i + 1] == b'.' {
                            i += 2;
                        }
                        break;
                    }
                    let single_initial = w.len() == 1 && w[0].is_ascii_uppercase();
                    let abbrev = w.len() <= 6
                        && w[0].is_ascii_uppercase()
                        && COURTESY_TITLES
                            .iter()
                            .chain(DOTTED)
                            .any(|a| a.as_bytes().eq_ignore_ascii_case(w));
                    if single_initial || abbrev {
                        i += 1;
                    }
                }
                break;
            }
            let (f, has_lower) = if ascii {
                ascii_word_flags(CLASS[b as usize], seen | CLASS[b as usize])
            } else {
                word_flags(&t[start..i])
            };
            flags = f;
            line_has_upper |= f & CAP != 0;
            line_has_lower |= has_lower;
        } else {
            let al = apostrophe_len(t, i);
            if al > 0
                && i + al < n
                && (t[i + al] == b's' || t[i + al] == b'S')
                && out.last().is_some_and(|p| p.end == start)
                && (i + al + 1 >= n || !is_word_byte(t, i + al + 1))
            {
                i += al + 1;
                out.push(Token {
                    start,
                    end: i,
                    flags: POSSESSIVE | if at_line_start { LINE_START } else { 0 },
                });
                at_line_start = false;
                after_stop = false;
                continue;
            }
            i += char_len(b);
            flags = PUNCT;
        }
        // A sentence start inside a paragraph looks like a line start in one-sentence-per-line training text.
        if at_line_start || (after_stop && flags & PUNCT == 0) {
            flags |= LINE_START;
            at_line_start = false;
        }
        if flags & PUNCT != 0 {
            let c = t[start];
            after_stop =
                matches!(c, b'.' | b'!' | b'?') || (after_stop && matches!(c, b'"' | b'\'' | 0xe2));
        } else {
            after_stop = false;
        }
        out.push(Token {
            start,
            end: i,
            flags,
        });
    }
    mark_heading(t, &mut out[line_first..], line_has_lower, line_has_upper);
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
        assert!(toks[1].is(CAP));
    }

    #[test]
    fn heading_lines_are_flagged() {
        let s = "SOUTH KOREA RECIPROCATES\nSouth Korea said";
        let toks = tokenize(s);
        assert!(toks[0].is(CAPS_LINE) && toks[0].is(LINE_START));
        assert!(!toks[3].is(CAPS_LINE) && toks[3].is(LINE_START));
    }
}
