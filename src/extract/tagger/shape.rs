//! Word shapes: a word's letters as `X`/`x`, digits as `d`, runs cut at two, hashed, so that
//! unseen names look like the names the tagger was trained on.

use crate::extract::hash::mix;

fn shape_class(c: char, upper: bool) -> u8 {
    if c.is_ascii() {
        return ASCII_SHAPE[upper as usize][c as usize];
    }
    if c.is_uppercase() || (upper && c.is_lowercase()) {
        b'X'
    } else if c.is_lowercase() {
        b'x'
    } else if c.is_alphabetic() {
        b'a'
    } else {
        b'o'
    }
}

/// Shape classes of ASCII bytes, for lower-case (`[0]`) and upper-case-heading (`[1]`) words.
static ASCII_SHAPE: [[u8; 128]; 2] = {
    let mut t = [[0u8; 128]; 2];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let (lo, up) = match c {
            b'A'..=b'Z' => (b'X', b'X'),
            b'a'..=b'z' => (b'x', b'X'),
            b'0'..=b'9' => (b'd', b'd'),
            _ => (c, c),
        };
        t[0][b] = lo;
        t[1][b] = up;
        b += 1;
    }
    t
};

/// Hashed word shape: letters as `X`/`x`, digits as `d`, runs capped at two (`Jong-un` → `Xxx-xx`).
/// `upper` gives words of Title Case headings the shape they would have in an upper-case heading.
#[inline]
pub(super) fn shape_hash(s: &[u8], upper: bool) -> u64 {
    if s.is_ascii() {
        let table = &ASCII_SHAPE[upper as usize];
        shape_fold(s.iter().map(|&b| table[b as usize]))
    } else {
        shape_fold(
            String::from_utf8_lossy(s)
                .chars()
                .map(|c| shape_class(c, upper)),
        )
    }
}

/// Hashes a word's character classes, runs of one class cut at two (`Xxxx` and `Xx` agree).
fn shape_fold(classes: impl Iterator<Item = u8>) -> u64 {
    let mut h = 0x9e37_79b9u64;
    let mut last = 0u8;
    let mut run = 0u32;
    for k in classes {
        if k != last {
            last = k;
            run = 1;
        } else {
            run += 1;
            if run > 2 {
                continue;
            }
        }
        h = mix(h, k as u64);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(s: &str, upper: bool) -> u64 {
        shape_hash(s.as_bytes(), upper)
    }

    #[test]
    fn runs_are_cut_at_two() {
        assert_eq!(shape("Kim", false), shape("Xxxxxx", false));
        assert_eq!(shape("Jong-un", false), shape("Xxx-xx", false));
        assert_ne!(shape("Kim", false), shape("KIM", false));
        assert_ne!(shape("Kim", false), shape("K1m", false));
        assert_eq!(shape("1996", false), shape("19", false));
    }

    #[test]
    fn non_ascii_words_take_the_same_classes() {
        assert_eq!(shape("Zürich", false), shape("Zurich", false));
        assert_eq!(shape("Élysée", false), shape("Elysee", false));
        assert_eq!(shape("ZÜRICH", false), shape("Zurich", true));
        assert_eq!(shape("Zürich", true), shape("ZURICH", false));
    }
}
