//! The tagger's BIO labels: their encoding, the one constraint on their order, and the
//! entity spans they mark.

/// Entity classes the tagger distinguishes; organisations are learned because they
/// compete with people and places for the same capitalised words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Per,
    Loc,
    Org,
}

/// Outside any entity. Class `c` has `B-c` = `1 + 2c` and `I-c` = `2 + 2c`.
pub(super) const O: u8 = 0;
pub(super) const N_LABELS: usize = 7;
/// Labels per weight row, padded to eight so that rows add as whole vectors.
pub(super) const ROW: usize = 8;

#[cfg(any(test, feature = "train"))]
pub(super) fn begin(c: Class) -> u8 {
    1 + 2 * c as u8
}

pub(super) fn class_of(label: u8) -> Option<Class> {
    match label {
        1 | 2 => Some(Class::Per),
        3 | 4 => Some(Class::Loc),
        5 | 6 => Some(Class::Org),
        _ => None,
    }
}

pub(super) const fn is_inside(label: u8) -> bool {
    label != O && label.is_multiple_of(2)
}

/// Labels allowed after each previous label, as bit masks: `I-X` may only follow `B-X` or `I-X`.
const ALLOWED_AFTER: [u8; N_LABELS] = {
    let mut m = [0u8; N_LABELS];
    let mut prev = 0;
    while prev < N_LABELS {
        let mut label = 0;
        while label < N_LABELS {
            let (p, l) = (prev as u8, label as u8);
            // `div_ceil(2)` is `class_of` as a number, which a constant can compute.
            if !is_inside(l) || (p != O && p.div_ceil(2) == l.div_ceil(2)) {
                m[prev] |= 1 << label;
            }
            label += 1;
        }
        prev += 1;
    }
    m
};

#[cfg(any(test, feature = "train"))]
pub(super) fn allowed(label: u8, prev: u8) -> bool {
    ALLOWED_AFTER[prev as usize] >> label & 1 != 0
}

/// The best-scoring label allowed after `prev`, ties going to the lower label. `O` is always
/// allowed, so it is the starting point; the loop has no branch to mispredict.
#[inline(always)]
pub(super) fn best_label<S: Copy + PartialOrd>(s: &[S; ROW], prev: u8) -> u8 {
    let allowed = ALLOWED_AFTER[prev as usize];
    let mut best = O;
    let mut best_s = s[0];
    for (k, &v) in (1..N_LABELS).zip(&s[1..N_LABELS]) {
        let take = (v > best_s) & ((allowed >> k) & 1 != 0);
        best = if take { k as u8 } else { best };
        best_s = if take { v } else { best_s };
    }
    best
}

/// Turns BIO labels into `(class, first token, end token)` spans.
pub(crate) fn spans(labels: &[u8]) -> Vec<(Class, usize, usize)> {
    // Sized by the begin labels (odd), one per span: growing it step by step cost more than this pass.
    let mut out = Vec::with_capacity(begins(labels));
    let mut i = 0;
    while i < labels.len() {
        // Most tokens are outside every entity: eight labels at a time are passed over.
        if labels.get(i..i + 8).is_some_and(|l| word(l) == 0) {
            i += 8;
            continue;
        }
        match class_of(labels[i]) {
            Some(c) => {
                let mut j = i + 1;
                while j < labels.len() && is_inside(labels[j]) && class_of(labels[j]) == Some(c) {
                    j += 1;
                }
                out.push((c, i, j));
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

/// Eight labels as one number, so that runs of outside labels (zeros) are skipped, and begin
/// labels counted, eight at a time.
fn word(labels: &[u8]) -> u64 {
    u64::from_le_bytes(labels.try_into().expect("eight labels"))
}

/// How many begin labels (odd) there are, counted eight at a time.
fn begins(labels: &[u8]) -> usize {
    let chunks = labels.chunks_exact(8);
    let rest = chunks.remainder().iter().filter(|&&l| l & 1 != 0).count();
    let odd = |c: &[u8]| (word(c) & 0x0101_0101_0101_0101).count_ones() as usize;
    chunks.map(odd).sum::<usize>() + rest
}

#[cfg(test)]
mod tests {
    use super::*;

    const B_PER: u8 = 1;
    const I_PER: u8 = 2;
    const B_LOC: u8 = 3;
    const I_LOC: u8 = 4;

    #[test]
    fn inside_follows_only_its_own_class() {
        assert!(allowed(I_PER, B_PER) && allowed(I_PER, I_PER));
        assert!(!allowed(I_PER, O) && !allowed(I_PER, B_LOC) && !allowed(I_LOC, I_PER));
        for prev in 0..N_LABELS as u8 {
            assert!(allowed(O, prev) && allowed(B_PER, prev) && allowed(B_LOC, prev));
        }
    }

    #[test]
    fn best_label_skips_what_may_not_follow() {
        let s = [0, 1, 2, 3, 9, 0, 0, 0];
        assert_eq!(best_label(&s, B_LOC), I_LOC);
        // After a person, `I-LOC` is out and `B-LOC` is the best left.
        assert_eq!(best_label(&s, B_PER), B_LOC);
        // Ties go to the lower label, in floats as in integers.
        assert_eq!(best_label(&[1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], O), O);
    }

    #[test]
    fn spans_start_at_begin_labels() {
        let labels = [O, B_PER, I_PER, B_PER, I_LOC, B_LOC, I_LOC];
        assert_eq!(
            spans(&labels),
            [
                (Class::Per, 1, 3),
                (Class::Per, 3, 4),
                // A stray inside label (which decoding never gives) still marks a span.
                (Class::Loc, 4, 5),
                (Class::Loc, 5, 7)
            ]
        );
        assert_eq!(begin(Class::Loc), B_LOC);
    }

    /// `spans` the plain way, a label at a time.
    fn spans_one_by_one(labels: &[u8]) -> Vec<(Class, usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < labels.len() {
            let Some(c) = class_of(labels[i]) else {
                i += 1;
                continue;
            };
            let mut j = i + 1;
            while j < labels.len() && is_inside(labels[j]) && class_of(labels[j]) == Some(c) {
                j += 1;
            }
            out.push((c, i, j));
            i = j;
        }
        out
    }

    #[test]
    fn spans_over_long_stretches_outside_any_entity() {
        // Labels from a small generator, mostly outside, with spans across the eight-label steps.
        let mut state = 7u32;
        for len in [0, 1, 7, 8, 9, 15, 16, 17, 64, 200, 1000] {
            let labels: Vec<u8> = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    let r = (state >> 16) % 40;
                    if r < N_LABELS as u32 { r as u8 } else { O }
                })
                .collect();
            assert_eq!(spans(&labels), spans_one_by_one(&labels), "{labels:?}");
            let odd = labels.iter().filter(|&&l| l & 1 != 0).count();
            assert_eq!(begins(&labels), odd, "{labels:?}");
        }
        let mut labels = vec![O; 30];
        (labels[8], labels[9], labels[23]) = (B_PER, I_PER, B_LOC);
        assert_eq!(spans(&labels), [(Class::Per, 8, 10), (Class::Loc, 23, 24)]);
    }
}
