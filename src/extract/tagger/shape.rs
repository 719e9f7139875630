//! Word shapes: a word's letters as `X`/`x`, digits as `d`, runs cut at two, hashed, so that
//! unseen names look like the names the tagger was trained on.

use crate::extract::hash::{mix, slot};

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
fn shape_hash(s: &[u8], upper: bool) -> u64 {
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

/// Slots of `ShapeMemo`: a power of two, small enough to stay in a core's L2 cache.
const MEMO_BITS: u32 = 12;

/// Shapes of short ASCII words already hashed on this thread. News text repeats its words,
/// so most look-ups hit, and a hit costs a load and a compare instead of a step per byte.
/// Direct-mapped: a colliding word replaces the one in its slot.
#[derive(Default)]
pub(super) struct ShapeMemo {
    /// Per slot: the word's bytes, zero-padded, with bit 63 set for `upper` (no ASCII byte
    /// has its high bit, so it marks nothing else), and its shape. `u64::MAX` marks an empty
    /// slot, which no key equals.
    slots: Vec<(u64, u64)>,
}

impl ShapeMemo {
    /// `shape_hash(&text[start..end], upper)`.
    #[inline]
    pub(super) fn shape(&mut self, text: &[u8], start: usize, end: usize, upper: bool) -> u64 {
        let len = end - start;
        if !(1..=8).contains(&len) || start + 8 > text.len() {
            return shape_hash(&text[start..end], upper);
        }
        let w = u64::from_le_bytes(text[start..start + 8].try_into().unwrap())
            & (u64::MAX >> (64 - 8 * len));
        if w & 0x8080_8080_8080_8080 != 0 {
            return shape_hash(&text[start..end], upper);
        }
        if self.slots.is_empty() {
            self.slots = vec![(u64::MAX, 0); 1 << MEMO_BITS];
        }
        let key = w | (upper as u64) << 63;
        let entry = &mut self.slots[slot(key, 64 - MEMO_BITS)];
        if entry.0 != key {
            *entry = (key, shape_hash(&text[start..end], upper));
        }
        entry.1
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
    fn the_memo_gives_the_shapes_it_would_compute() {
        let text = "KIM Kim kim K1m Jong-un, O'Gorman Zürich ZÜRICH abcdefghij abcdefgh\n\0      ";
        let b = text.as_bytes();
        let mut memo = ShapeMemo::default();
        let mut words = 0;
        // Twice over, so the second round reads what the first stored.
        for _ in 0..2 {
            for (start, end) in crate::extract::tokens::tokenize(text)
                .iter()
                .map(|t| (t.start, t.end))
                .chain([(b.len() - 7, b.len() - 6)])
            {
                for upper in [false, true] {
                    let want = shape_hash(&b[start..end], upper);
                    assert_eq!(
                        memo.shape(b, start, end, upper),
                        want,
                        "{:?}",
                        &text[start..end]
                    );
                    words += 1;
                }
            }
        }
        assert!(words >= 30, "{words}");
    }

    #[test]
    fn non_ascii_words_take_the_same_classes() {
        assert_eq!(shape("Zürich", false), shape("Zurich", false));
        assert_eq!(shape("Élysée", false), shape("Elysee", false));
        assert_eq!(shape("ZÜRICH", false), shape("Zurich", true));
        assert_eq!(shape("Zürich", true), shape("ZURICH", false));
    }
}
