//! The trained weights: the format of a serialised pass (`data/ner1.model`, `data/ner2.model`)
//! and the compact tables the decoder reads them into.
//!
//! A pass is `GZN1`, the number of hashed-slot bits (u8), the number of stored rows (u32),
//! then per row, in increasing slot order, the slot's distance from the previous row's
//! (LEB128, so the file stays small) and its `N_LABELS` weights (i16). Integers are
//! little-endian. Slots missing from the file hold zeros.

use std::sync::OnceLock;

use super::features::history_features;
use super::labels::{N_LABELS, ROW};
use crate::extract::hash::slot;
use crate::extract::reader::Reader;

const MAGIC: &[u8; 4] = b"GZN1";
/// Most hashed-slot bits a pass may have: far more than a useful model has, few enough that a
/// damaged header cannot ask for a huge index.
const MAX_BITS: u32 = 24;
/// Fewest bytes a stored row takes: one byte of slot distance and the weights.
const MIN_ROW_BYTES: usize = 1 + 2 * N_LABELS;

/// Inference weights. Of the 2^17 hashed slots only about 43,000 hold weights in either pass,
/// so a slot maps through a `u16` index to a row of both passes' weights, and every empty slot
/// to row 0, which is all zeros. Index (256 KB) and rows (1.4 MB) together fit in a core's L2
/// cache, where the direct table of `i32` rows (8 MB) missed on nearly every feature.
/// Plus the label-history features summed per (prev, prev2).
pub(crate) struct Tables {
    bits: u32,
    index: Vec<u16>,
    rows: Vec<[[i16; ROW]; 2]>,
    history: [[[[i32; ROW]; N_LABELS]; N_LABELS]; 2],
}

/// A stored row: its slot and its weights.
type Row = (usize, [i16; N_LABELS]);

/// Slot of a hashed feature in a table of `2^bits` slots.
#[inline(always)]
pub(super) fn feature_slot(feature: u64, bits: u32) -> usize {
    slot(feature, 64 - bits)
}

#[inline(always)]
pub(super) fn add_row<T: Copy + Into<i32>>(acc: &mut [i32; ROW], row: &[T; ROW]) {
    for k in 0..ROW {
        acc[k] += row[k].into();
    }
}

impl Tables {
    /// Builds the tables from the first and second serialised passes; `None` if either is
    /// not a well-formed pass or they differ in hashed slots.
    pub(crate) fn from_bytes(passes: [&[u8]; 2]) -> Option<Tables> {
        let (bits, first) = read_pass(passes[0])?;
        let (second_bits, second) = read_pass(passes[1])?;
        if second_bits != bits {
            return None;
        }
        let mut index = vec![0u16; 1 << bits];
        let mut rows = vec![[[0i16; ROW]; 2]];
        for (m, pass) in [first, second].into_iter().enumerate() {
            for (slot, w) in pass {
                if index[slot] == 0 {
                    index[slot] = u16::try_from(rows.len()).ok()?;
                    rows.push([[0; ROW]; 2]);
                }
                rows[index[slot] as usize][m][..N_LABELS].copy_from_slice(&w);
            }
        }
        let mut tables = Tables {
            bits,
            index,
            rows,
            history: [[[[0; ROW]; N_LABELS]; N_LABELS]; 2],
        };
        let mut history = tables.history;
        for (m, hist) in history.iter_mut().enumerate() {
            for (p, row_p) in hist.iter_mut().enumerate() {
                for (q, h) in row_p.iter_mut().enumerate() {
                    history_features(p as u8, q as u8, |f| add_row(h, &tables.weights(f)[m]));
                }
            }
        }
        tables.history = history;
        Some(tables)
    }

    /// Both passes' weights of a hashed feature.
    #[inline(always)]
    pub(super) fn weights(&self, feature: u64) -> &[[i16; ROW]; 2] {
        &self.rows[self.index[feature_slot(feature, self.bits)] as usize]
    }

    /// The summed label-history weights of pass `m` after the labels `prev2`, `prev`.
    #[inline(always)]
    pub(super) fn history(&self, m: usize, prev: u8, prev2: u8) -> [i32; ROW] {
        self.history[m][prev as usize][prev2 as usize]
    }
}

/// Reads one serialised pass: its slot bits and its rows `(slot, weights)`; `None` if the
/// bytes are truncated, run on, or name a slot outside the table.
fn read_pass(b: &[u8]) -> Option<(u32, Vec<Row>)> {
    let mut r = Reader::after_magic(b, MAGIC)?;
    let bits = r.u8()? as u32;
    if !(1..=MAX_BITS).contains(&bits) {
        return None;
    }
    let n = r.count(MIN_ROW_BYTES)?;
    let mut rows = Vec::with_capacity(n);
    let mut slot = 0usize;
    for _ in 0..n {
        slot = slot.checked_add(usize::try_from(r.varint()?).ok()?)?;
        if slot >> bits != 0 {
            return None;
        }
        let mut w = [0i16; N_LABELS];
        for x in &mut w {
            *x = r.i16()?;
        }
        rows.push((slot, w));
    }
    r.is_done().then_some((bits, rows))
}

/// Serialises a pass of `2^bits` slots from its rows `(slot, weights)` in increasing slot order.
#[cfg(any(test, feature = "train"))]
pub(super) fn write_pass(bits: u32, rows: impl IntoIterator<Item = Row>) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    out.push(bits as u8);
    out.extend_from_slice(&[0; 4]);
    let (mut n, mut last) = (0u32, 0);
    for (slot, w) in rows {
        let mut delta = slot - last;
        last = slot;
        loop {
            let byte = (delta & 0x7f) as u8;
            delta >>= 7;
            if delta == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        for v in w {
            out.extend_from_slice(&v.to_le_bytes());
        }
        n += 1;
    }
    out[5..9].copy_from_slice(&n.to_le_bytes());
    out
}

/// The embedded models as inference tables.
pub(crate) fn embedded_tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        Tables::from_bytes([
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ner1.model")),
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ner2.model")),
        ])
        .expect("data/ner1.model or data/ner2.model is corrupt: retrain with gazette-train")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: [i16; N_LABELS] = [1, -2, 3, -4, 5, -6, 7];

    fn pass(bits: u32) -> Vec<u8> {
        write_pass(bits, [(0, W), (5, W), (300, W), (1023, W)])
    }

    #[test]
    fn a_written_pass_reads_back() {
        let b = pass(10);
        let (bits, rows) = read_pass(&b).unwrap();
        assert_eq!(bits, 10);
        let slots: Vec<usize> = rows.iter().map(|r| r.0).collect();
        assert_eq!(slots, [0, 5, 300, 1023]);
        assert!(rows.iter().all(|r| r.1 == W));
        let t = Tables::from_bytes([&b, &b]).unwrap();
        assert_eq!(t.rows.len(), 5);
        assert_eq!(t.rows[t.index[300] as usize][1][..N_LABELS], W);
        assert_eq!(t.index[301], 0);
    }

    #[test]
    fn damaged_models_are_rejected() {
        let good = pass(10);
        for len in [0, 3, 4, 5, 8, 9, 10, good.len() - 1] {
            assert!(read_pass(&good[..len]).is_none(), "cut at {len}");
            assert!(Tables::from_bytes([&good[..len], &good]).is_none());
        }
        let mut b = good.clone();
        b.push(0);
        assert!(read_pass(&b).is_none(), "bytes after the last row");
        // A row count larger than the file, a slot past the table, more bits than allowed.
        let mut b = good.clone();
        b[5..9].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(read_pass(&b).is_none());
        assert!(read_pass(&write_pass(10, [(0, W), (1024, W)])).is_none());
        let mut b = good.clone();
        b[4] = 64;
        assert!(read_pass(&b).is_none());
        b[4] = 0;
        assert!(read_pass(&b).is_none());
        // Passes must agree on the slots their features hash to.
        assert!(Tables::from_bytes([&pass(10), &pass(11)]).is_none());
        // Real models are checked too: the embedded ones, cut short.
        let real = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ner1.model"));
        assert!(Tables::from_bytes([real, real]).is_some());
        assert!(Tables::from_bytes([&real[..real.len() / 2], real]).is_none());
    }
}
