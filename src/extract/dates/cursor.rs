//! Reading the text around a position: the words and numbers before and after it, within the
//! line, sentence or clause a date can span. Positions are byte offsets; words are ASCII letters.

use super::lexicon::{ORDINAL_SUFFIXES, is_one_of};

#[derive(Clone, Copy)]
pub(super) struct Cursor<'a> {
    pub(super) b: &'a [u8],
}

/// End of the run of ASCII letters at `i`. Every word of the text passes through here, so it
/// tests eight bytes at a time: a byte's high bit ends up set in `letters` exactly when it is
/// an ASCII letter (its lower-cased 7 bits in `a..=z` and its own high bit clear).
pub(super) fn word_end(b: &[u8], mut i: usize) -> usize {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const CASE: u64 = 0x2020_2020_2020_2020;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let y = (x | CASE) & LOW7;
        // Per byte, no carries: y <= 0x7f, so y + 0x1f <= 0x9e and y + 0x05 <= 0x84.
        let at_least_a = y + 0x1f1f_1f1f_1f1f_1f1f;
        let past_z = y + 0x0505_0505_0505_0505;
        let letters = at_least_a & !past_z & !x & HIGH;
        if letters != HIGH {
            return i + ((!letters & HIGH).trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && b[i].is_ascii_alphabetic() {
        i += 1;
    }
    i
}

pub(super) fn digits_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(b.len(), |p| i + p)
}

fn word_len_before(b: &[u8], i: usize) -> usize {
    b[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count()
}

pub(super) fn parse_num(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'))
}

pub(super) fn is_capitalised(w: &[u8]) -> bool {
    w.first().is_some_and(u8::is_ascii_uppercase)
}

impl Cursor<'_> {
    /// Skips blanks and at most one line break: dates wrap across lines, not paragraphs.
    pub(super) fn skip_space(&self, mut i: usize) -> usize {
        let b = self.b;
        let mut newline = false;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\n' if !newline => {
                    newline = true;
                    i += 1;
                }
                0xC2 if b.get(i + 1) == Some(&0xA0) => i += 2,
                _ => break,
            }
        }
        i
    }

    fn skip_space_back(&self, mut i: usize) -> usize {
        let b = self.b;
        let mut newline = false;
        while i > 0 {
            match b[i - 1] {
                b' ' | b'\t' | b'\r' => i -= 1,
                b'\n' if !newline => {
                    newline = true;
                    i -= 1;
                }
                0xA0 if i >= 2 && b[i - 2] == 0xC2 => i -= 2,
                _ => break,
            }
        }
        i
    }

    /// The word after `i` (past blanks), as `(start, end)`.
    pub(super) fn next_word(&self, i: usize) -> Option<(usize, usize)> {
        let s = self.skip_space(i);
        let c = *self.b.get(s)?;
        c.is_ascii_alphabetic().then(|| (s, word_end(self.b, s)))
    }

    /// The word or number ending at `i` (before blanks), as `(start, end)`.
    pub(super) fn prev_token(&self, i: usize) -> Option<(usize, usize)> {
        let e = self.skip_space_back(i);
        let b = self.b;
        let mut s = e;
        while s > 0 && b[s - 1].is_ascii_alphanumeric() {
            s -= 1;
        }
        (s < e).then_some((s, e))
    }

    /// Where the token before `i` starts, if it is one of `list`.
    pub(super) fn prev_word_is(&self, i: usize, list: &[&str]) -> Option<usize> {
        let (s, e) = self.prev_token(i)?;
        is_one_of(&self.b[s..e], list).then_some(s)
    }

    /// Whether a hyphen joins the word at `s` to what precedes it (`mid-May`, `year-ago`).
    pub(super) fn after_hyphen(&self, s: usize) -> bool {
        s > 0 && self.b[s - 1] == b'-'
    }

    /// The token a hyphen joins to the word at `s`, as `(start, end)`: `mid` in `mid-May`.
    pub(super) fn hyphen_prefix(&self, s: usize) -> Option<(usize, usize)> {
        if !self.after_hyphen(s) {
            return None;
        }
        self.prev_token(s - 1).filter(|&(_, pe)| pe == s - 1)
    }

    /// The end of a month name ending at `e`, past the dot of an abbreviation (`Sept.`).
    pub(super) fn past_dot(&self, e: usize, abbrev: bool) -> usize {
        if abbrev && self.b.get(e) == Some(&b'.') {
            e + 1
        } else {
            e
        }
    }

    /// The word ending before `i` within the same sentence (or clause, with `comma`).
    pub(super) fn word_before(&self, mut i: usize, comma: bool) -> Option<(usize, usize)> {
        let b = self.b;
        while i > 0 && !b[i - 1].is_ascii_alphabetic() {
            let c = b[i - 1];
            if matches!(c, b'!' | b'?' | b';' | b':' | b'"' | b'`' | b'(' | b')')
                || (comma && c == b',')
                || (c == b'\'' && i > 1 && b[i - 2] == b'\'')
            {
                return None;
            }
            // A full stop ends the clause unless it closes an abbreviation (`a.m.`, `U.S.`).
            if c == b'.' && i > 1 && (b[i - 2].is_ascii_digit() || word_len_before(b, i - 1) >= 3) {
                return None;
            }
            i -= 1;
        }
        let e = i;
        while i > 0 && b[i - 1].is_ascii_alphabetic() {
            i -= 1;
        }
        (i < e).then_some((i, e))
    }

    /// The word starting after `i` within the same sentence (or clause, with `comma`).
    pub(super) fn word_after(&self, mut i: usize, comma: bool) -> Option<(usize, usize)> {
        let b = self.b;
        while i < b.len() && !b[i].is_ascii_alphabetic() {
            let c = b[i];
            if matches!(c, b'!' | b'?' | b';' | b':' | b'"' | b'`' | b'(' | b')')
                || (comma && c == b',')
                || (c == b'\'' && b.get(i + 1) == Some(&b'\''))
            {
                return None;
            }
            if c == b'.' && i > 0 && (b[i - 1].is_ascii_digit() || word_len_before(b, i) >= 3) {
                return None;
            }
            i += 1;
        }
        (i < b.len()).then(|| (i, word_end(b, i)))
    }

    /// A day of month at `i`: `13`, `13th`, not part of a larger number or a clock time.
    pub(super) fn day_number(&self, i: usize) -> Option<(i8, usize)> {
        let b = self.b;
        if !b.get(i)?.is_ascii_digit() {
            return None;
        }
        let e = digits_end(b, i);
        if e - i > 2 {
            return None;
        }
        let day = parse_num(&b[i..e]);
        if !(1..=31).contains(&day) {
            return None;
        }
        let mut end = e;
        let suffix = word_end(b, e);
        if suffix > e {
            if !is_one_of(&b[e..suffix], ORDINAL_SUFFIXES) {
                return None;
            }
            end = suffix;
        }
        // `May 5:30`, `June 3.5`, `July 4,000` are not days.
        if matches!(b.get(end), Some(b':' | b'.' | b',' | b'-' | b'/'))
            && b.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            return None;
        }
        Some((day as i8, end))
    }

    /// A four-digit year starting at `i` that is not glued to more digits.
    pub(super) fn year_at(&self, i: usize) -> Option<(i16, usize)> {
        let b = self.b;
        let e = digits_end(b, i);
        if e - i != 4 || b.get(e).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        if matches!(b.get(e), Some(b'.' | b',')) && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let y = parse_num(&b[i..e]);
        (1000..=2099).contains(&y).then_some((y as i16, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_end_stops_at_the_first_byte_that_is_not_an_ascii_letter() {
        // Every byte value after a run of each length from 0 to 19, so the stop falls in every
        // lane of the eight-byte test and in the tail loop.
        for stop in 0..=255u8 {
            for len in 0..20 {
                let mut b: Vec<u8> = (0..len).map(|k| [b'a', b'Z', b'q'][k % 3]).collect();
                b.push(stop);
                b.extend_from_slice(b"abcdefghij");
                let expected = if stop.is_ascii_alphabetic() {
                    b.len()
                } else {
                    len
                };
                assert_eq!(word_end(&b, 0), expected, "stop {stop:#x}, run {len}");
                assert_eq!(word_end(&b[..len], 0), len);
            }
        }
        assert_eq!(word_end("Séoul".as_bytes(), 0), 1);
        assert_eq!(word_end(b"x@[`{", 0), 1);
    }
}
