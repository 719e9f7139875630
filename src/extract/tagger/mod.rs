//! Tagger: hashed features, the averaged-perceptron model (training, quantised storage) and greedy BIO decoding.

use std::sync::OnceLock;

use super::gazetteer::{Gazetteer, N_KINDS, PhraseMatch};
use super::hash::{self, mix};
use super::tokens::{
    self, ALLCAPS, CAP, CAPS_LINE, DIGIT, LINE_START, POSSESSIVE, PUNCT, Token, UPPER,
};

/// Entity classes the tagger distinguishes; organisations are learned because they
/// compete with people and places for the same capitalised words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Per,
    Loc,
    Org,
}

const O: u8 = 0;
const N_LABELS: usize = 7;
const ROW: usize = 8;
/// Token window around a capitalised word whose words and shapes features may read.
const CONTEXT: usize = 3;

fn begin(c: Class) -> u8 {
    1 + 2 * c as u8
}
fn class_of(label: u8) -> Option<Class> {
    match label {
        1 | 2 => Some(Class::Per),
        3 | 4 => Some(Class::Loc),
        5 | 6 => Some(Class::Org),
        _ => None,
    }
}
fn is_inside(label: u8) -> bool {
    label != O && label.is_multiple_of(2)
}

/// `I-X` may only follow `B-X` or `I-X`.
fn allowed(label: u8, prev: u8) -> bool {
    !is_inside(label) || (prev != O && class_of(prev) == class_of(label))
}

/// Per-document inputs shared by every position's feature extraction.
pub struct Doc<'a> {
    pub text: &'a str,
    pub toks: Vec<Token>,
    hashes: Vec<u64>,
    shapes: Vec<u64>,
    gaz: Vec<u16>,
    phrase: Vec<u32>,
    pub matches: Vec<PhraseMatch>,
    /// Labels the first pass gave to other occurrences of the same word (bit per class), second pass only.
    doc_labels: Vec<u8>,
    scratch: Scratch,
}

/// Per-document working memory, kept between documents so tagging does not allocate.
#[derive(Default)]
pub struct Buffers {
    toks: Vec<Token>,
    hashes: Vec<u64>,
    shapes: Vec<u64>,
    gaz: Vec<u16>,
    phrase: Vec<u32>,
    matches: Vec<PhraseMatch>,
    doc_labels: Vec<u8>,
    scratch: Scratch,
}

#[derive(Default)]
struct Scratch {
    /// Static feature sums of the capitalised tokens, in order, for both passes.
    stat: Vec<[[i32; ROW]; 2]>,
    /// Open-addressing table word hash → class bits for `set_doc_labels` (key 0 = empty).
    keys: Vec<u64>,
    bits: Vec<u8>,
    /// Table slot of each capitalised token, in order.
    slots: Vec<u32>,
}

fn shape_class(c: char, upper: bool) -> u8 {
    if c.is_ascii() {
        let b = c as u8;
        return match b {
            b'A'..=b'Z' => b'X',
            b'a'..=b'z' if upper => b'X',
            b'a'..=b'z' => b'x',
            b'0'..=b'9' => b'd',
            _ => b,
        };
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

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, gaz: &Gazetteer) -> Doc<'a> {
        Doc::with_buffers(text, gaz, Buffers::default())
    }

    /// Builds the document in `bufs`' memory; `into_buffers` hands it back for the next one.
    pub fn with_buffers(text: &'a str, gaz: &Gazetteer, bufs: Buffers) -> Doc<'a> {
        let Buffers {
            mut toks,
            mut hashes,
            mut shapes,
            gaz: mut gflags,
            mut phrase,
            mut matches,
            mut doc_labels,
            scratch,
        } = bufs;
        tokens::tokenize_into(text, &mut toks);
        // Lower-case stretches are never scored, so their words and shapes are only needed
        // as context of a nearby capitalised token; skip the rest.
        let n = toks.len();
        hashes.clear();
        hashes.resize(n, 0);
        shapes.clear();
        shapes.resize(n, 0);
        gflags.clear();
        gflags.resize(n, 0);
        let bytes = text.as_bytes();
        for (i, t) in toks.iter().enumerate() {
            if t.flags & UPPER == 0 {
                continue;
            }
            for j in i.saturating_sub(CONTEXT)..(i + CONTEXT + 1).min(n) {
                if hashes[j] == 0 {
                    let tj = toks[j];
                    hashes[j] = hash::lower_hash_in(text, tj.start, tj.end);
                }
            }
            // Shapes are read one token either side of scored positions, which are
            // capitalised words and connectors just before one.
            for j in i.saturating_sub(2)..(i + 2).min(n) {
                if shapes[j] == 0 {
                    let tj = toks[j];
                    shapes[j] = shape_hash(&bytes[tj.start..tj.end], tj.flags & ALLCAPS != 0);
                }
            }
            gflags[i] = gaz.word_flags(hashes[i]);
        }
        matches.clear();
        gaz.match_phrases(&toks, &hashes, &gflags, &mut matches);
        phrase.clear();
        phrase.resize(n, 0);
        for m in &matches {
            for k in 0..N_KINDS {
                if m.kinds & (1 << k) == 0 {
                    continue;
                }
                for j in 0..m.len {
                    let pos = if m.len == 1 {
                        3
                    } else if j == 0 {
                        0
                    } else if j + 1 == m.len {
                        2
                    } else {
                        1
                    };
                    phrase[m.first + j] |= 1 << (k * 4 + pos);
                }
            }
        }
        doc_labels.clear();
        Doc {
            text,
            doc_labels,
            toks,
            hashes,
            shapes,
            gaz: gflags,
            phrase,
            matches,
            scratch,
        }
    }

    /// Gives back the document's memory for reuse.
    pub fn into_buffers(self) -> Buffers {
        Buffers {
            toks: self.toks,
            hashes: self.hashes,
            shapes: self.shapes,
            gaz: self.gaz,
            phrase: self.phrase,
            matches: self.matches,
            doc_labels: self.doc_labels,
            scratch: self.scratch,
        }
    }

    /// Records first-pass labels so the second pass can see how the same word was tagged elsewhere.
    fn set_doc_labels(&mut self, labels: &[u8]) {
        // Per capitalised word: the classes it was given anywhere in the document.
        let Scratch {
            keys, bits, slots, ..
        } = &mut self.scratch;
        let n_upper = self.toks.iter().filter(|t| t.flags & UPPER != 0).count();
        let size = (2 * n_upper).next_power_of_two().max(16);
        keys.clear();
        keys.resize(size, 0);
        bits.clear();
        bits.resize(size, 0);
        slots.clear();
        let shift = 64 - size.trailing_zeros();
        for (i, t) in self.toks.iter().enumerate() {
            if t.flags & UPPER == 0 {
                continue;
            }
            // Key 0 marks an empty slot; a word hashing to 0 shares slot key 1.
            let h = self.hashes[i].max(1);
            let mut k = hash::slot(h, shift);
            while keys[k] != h && keys[k] != 0 {
                k = (k + 1) & (size - 1);
            }
            keys[k] = h;
            slots.push(k as u32);
            let l = labels[i];
            if let Some(c) = class_of(l) {
                bits[k] |= 1 << c as u8;
                // Whether the word sat inside a multi-token name matters for `Kim` after `Kim Jong-un`.
                let multi = is_inside(l) || labels.get(i + 1).is_some_and(|&n| is_inside(n));
                if multi {
                    bits[k] |= 8 << c as u8;
                }
            }
        }
        self.doc_labels.clear();
        self.doc_labels.resize(self.toks.len(), 0);
        let mut next = slots.iter();
        for (d, t) in self.doc_labels.iter_mut().zip(&self.toks) {
            if t.flags & UPPER != 0 {
                *d = bits[*next.next().expect("slot per capitalised token") as usize] | 64;
            }
        }
    }

    /// Positions the tagger scores: capitalised words, and short lower-case connectors
    /// (`van der`, `of`, `&`) that continue an entity into another capitalised word.
    #[inline]
    fn scored(&self, i: usize, prev: u8) -> bool {
        let t = &self.toks[i];
        if t.flags & UPPER != 0 {
            return true;
        }
        prev != O
            && t.flags & (DIGIT | POSSESSIVE) == 0
            && t.end - t.start <= 4
            && self.toks.get(i + 1).is_some_and(|n| n.flags & UPPER != 0)
    }

    /// The label the choice at `i` must follow: `prev`, or none when a blank line comes
    /// between, since no name runs across paragraphs (a headline's last word and the
    /// dateline under it are two names, not one).
    #[inline]
    fn continued_from(&self, i: usize, prev: u8) -> u8 {
        if prev == O || self.toks[i].flags & LINE_START == 0 {
            return prev;
        }
        let gap = &self.text.as_bytes()[self.toks[i - 1].end..self.toks[i].start];
        if gap.iter().filter(|&&b| b == b'\n').count() >= 2 {
            O
        } else {
            prev
        }
    }

    fn word(&self, i: isize) -> u64 {
        if i < 0 {
            1
        } else {
            self.hashes.get(i as usize).copied().unwrap_or(2)
        }
    }
    fn shape(&self, i: isize) -> u64 {
        if i < 0 {
            1
        } else {
            self.shapes.get(i as usize).copied().unwrap_or(2)
        }
    }
    fn gaz_at(&self, i: isize) -> u16 {
        if i < 0 {
            0
        } else {
            self.gaz.get(i as usize).copied().unwrap_or(0)
        }
    }

    fn features(&self, i: usize, prev: u8, prev2: u8, out: &mut Vec<u64>) {
        out.clear();
        let t = &self.toks[i];
        let ii = i as isize;
        let f = feat;
        let w0 = self.hashes[i];
        let s0 = self.shapes[i];
        let p = prev as u64;
        let orth = (t.flags & (CAP | ALLCAPS | LINE_START | CAPS_LINE | PUNCT)) as u64;
        out.push(f(1, 0));
        out.push(f(2, w0));
        out.push(f(3, s0));
        out.push(f(4, p));
        out.push(f(5, mix(p, prev2 as u64)));
        out.push(f(6, mix(p, w0)));
        out.push(f(7, mix(p, s0)));
        out.push(f(8, mix(orth, s0)));
        out.push(f(9, self.word(ii - 1)));
        out.push(f(10, self.word(ii + 1)));
        out.push(f(11, self.word(ii - 2)));
        out.push(f(12, self.word(ii + 2)));
        out.push(f(13, mix(self.word(ii - 1), w0)));
        out.push(f(14, mix(w0, self.word(ii + 1))));
        out.push(f(15, mix(self.shape(ii - 1), s0)));
        out.push(f(16, mix(s0, self.shape(ii + 1))));
        out.push(f(17, mix(p, self.shape(ii + 1))));
        let ti = t.text(self.text);
        let b = ti.as_bytes();
        let mut h = 0u64;
        for (k, &c) in b.iter().take(3).enumerate() {
            h = mix(h, c.to_ascii_lowercase() as u64);
            out.push(f(20 + k as u64, h));
        }
        let mut h = 0u64;
        for (k, &c) in b.iter().rev().take(4).enumerate() {
            h = mix(h, c.to_ascii_lowercase() as u64);
            if k + 1 < b.len() {
                out.push(f(24 + k as u64, h));
            }
        }
        let g0 = self.gaz[i];
        for bit in 0..6 {
            if g0 & (1 << bit) != 0 {
                out.push(f(30 + bit, mix(orth, p)));
            }
        }
        let gp = self.gaz_at(ii - 1);
        let gn = self.gaz_at(ii + 1);
        out.push(f(40, mix(gp as u64, g0 as u64)));
        out.push(f(41, mix(g0 as u64, gn as u64)));
        let ph = self.phrase[i];
        if ph != 0 {
            out.push(f(42, ph as u64));
            out.push(f(43, mix(ph as u64, orth)));
            for k in 0..N_KINDS {
                let bits = (ph >> (k * 4)) & 15;
                if bits != 0 {
                    out.push(f(44 + k as u64, mix(bits as u64, p)));
                }
            }
        }
        if let Some(&d) = self.doc_labels.get(i) {
            out.push(f(50, d as u64));
            out.push(f(51, mix(d as u64, p)));
            out.push(f(52, mix(d as u64, orth)));
        }
    }
    /// Calls `add` with the slot of every feature of position `i` that depends neither on
    /// the previous labels nor on the first pass; the same in both passes.
    #[inline(always)]
    fn static_slots(&self, i: usize, bits: u32, mut add: impl FnMut(usize)) {
        let t = &self.toks[i];
        let ii = i as isize;
        let mut f = |id: u64, v: u64| add(slot(feat(id, v), bits));
        let w0 = self.hashes[i];
        let s0 = self.shapes[i];
        let orth = (t.flags & (CAP | ALLCAPS | LINE_START | CAPS_LINE | PUNCT)) as u64;
        let (wp, wn) = (self.word(ii - 1), self.word(ii + 1));
        let (sp, sn) = (self.shape(ii - 1), self.shape(ii + 1));
        f(1, 0);
        f(2, w0);
        f(3, s0);
        f(8, mix(orth, s0));
        f(9, wp);
        f(10, wn);
        f(11, self.word(ii - 2));
        f(12, self.word(ii + 2));
        f(13, mix(wp, w0));
        f(14, mix(w0, wn));
        f(15, mix(sp, s0));
        f(16, mix(s0, sn));
        let b = &self.text.as_bytes()[t.start..t.end];
        let mut h = 0u64;
        for (k, &c) in b.iter().take(3).enumerate() {
            h = mix(h, c.to_ascii_lowercase() as u64);
            f(20 + k as u64, h);
        }
        let mut h = 0u64;
        for (k, &c) in b.iter().rev().take(4).enumerate() {
            h = mix(h, c.to_ascii_lowercase() as u64);
            if k + 1 < b.len() {
                f(24 + k as u64, h);
            }
        }
        let g0 = self.gaz[i];
        f(40, mix(self.gaz_at(ii - 1) as u64, g0 as u64));
        f(41, mix(g0 as u64, self.gaz_at(ii + 1) as u64));
        let ph = self.phrase[i];
        if ph != 0 {
            f(42, ph as u64);
            f(43, mix(ph as u64, orth));
        }
    }

    /// Calls `add` with the slots of the features of position `i` that read the previous
    /// label (other than `f4`/`f5`, which `Tables` keeps per label pair) or the first pass.
    #[inline(always)]
    fn dynamic_slots(
        &self,
        i: usize,
        prev: u8,
        second: bool,
        bits: u32,
        mut add: impl FnMut(usize),
    ) {
        let t = &self.toks[i];
        let mut f = |id: u64, v: u64| add(slot(feat(id, v), bits));
        let p = prev as u64;
        let orth = (t.flags & (CAP | ALLCAPS | LINE_START | CAPS_LINE | PUNCT)) as u64;
        f(6, mix(p, self.hashes[i]));
        f(7, mix(p, self.shapes[i]));
        f(17, mix(p, self.shape(i as isize + 1)));
        let g0 = self.gaz[i] & 63;
        if g0 != 0 {
            let v = mix(orth, p);
            for bit in 0..6 {
                if g0 & (1 << bit) != 0 {
                    f(30 + bit, v);
                }
            }
        }
        let ph = self.phrase[i];
        if ph != 0 {
            for k in 0..N_KINDS {
                let bits = (ph >> (k * 4)) & 15;
                if bits != 0 {
                    f(44 + k as u64, mix(bits as u64, p));
                }
            }
        }
        if second {
            let d = self.doc_labels[i] as u64;
            f(50, d);
            f(51, mix(d, p));
            f(52, mix(d, orth));
        }
    }
}

#[inline(always)]
fn feat(id: u64, v: u64) -> u64 {
    mix(mix(id, v), 0x7f4a_7c15)
}

#[inline(always)]
fn add_row<T: Copy + Into<i32>>(acc: &mut [i32; ROW], row: &[T; ROW]) {
    for k in 0..ROW {
        acc[k] += row[k].into();
    }
}

/// Label sets allowed after each previous label, as bit masks.
const ALLOWED_AFTER: [u8; N_LABELS] = {
    let mut m = [0u8; N_LABELS];
    let mut p = 0;
    while p < N_LABELS {
        let mut k = 0;
        while k < N_LABELS {
            let inside = k != 0 && k % 2 == 0;
            if !inside || (p != 0 && p.div_ceil(2) == k / 2) {
                m[p] |= 1 << k;
            }
            k += 1;
        }
        p += 1;
    }
    m
};

/// The best label allowed after `prev`; ties go to the lower label, as in `best_allowed`.
#[inline(always)]
fn best_label(s: &[i32; ROW], prev: u8) -> u8 {
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

/// Inference weights. Of the 2^17 hashed slots only about 43,000 hold weights in either pass,
/// so a slot maps through a `u16` index to a row of both passes' weights, and every empty slot
/// to row 0, which is all zeros. Index (256 KB) and rows (1.4 MB) together fit in a core's L2
/// cache, where the direct table of `i32` rows (8 MB) missed on nearly every feature.
/// Plus the label-history features `f4`/`f5` summed per (prev, prev2).
pub struct Tables {
    bits: u32,
    index: Vec<u16>,
    rows: Vec<[[i16; ROW]; 2]>,
    history: [[[[i32; ROW]; N_LABELS]; N_LABELS]; 2],
}

impl Tables {
    /// Builds the compact tables from the two serialised passes.
    pub fn from_bytes(b1: &[u8], b2: &[u8]) -> Tables {
        let bits = model_bits(b1);
        assert_eq!(bits, model_bits(b2), "passes must share the hashed slots");
        let mut index = vec![0u16; 1 << bits];
        let mut rows = vec![[[0i16; ROW]; 2]];
        for (m, b) in [b1, b2].into_iter().enumerate() {
            model_rows(b, |slot, w| {
                if index[slot] == 0 {
                    index[slot] = u16::try_from(rows.len()).expect("at most 65,535 weight rows");
                    rows.push([[0; ROW]; 2]);
                }
                rows[index[slot] as usize][m][..N_LABELS].copy_from_slice(&w);
            });
        }
        let row = |slot: usize| &rows[index[slot] as usize];
        let mut history = [[[[0; ROW]; N_LABELS]; N_LABELS]; 2];
        for (m, hist) in history.iter_mut().enumerate() {
            for (p, row_p) in hist.iter_mut().enumerate() {
                for (q, h) in row_p.iter_mut().enumerate() {
                    let (p, q) = (p as u64, q as u64);
                    for f in [feat(4, p), feat(5, mix(p, q))] {
                        add_row(h, &row(slot(f, bits))[m]);
                    }
                }
            }
        }
        Tables {
            bits,
            index,
            rows,
            history,
        }
    }

    /// Both passes' weights of a hashed slot.
    #[inline(always)]
    fn row(&self, slot: usize) -> &[[i16; ROW]; 2] {
        &self.rows[self.index[slot] as usize]
    }

    /// One greedy pass (`second` picks the model); `stat` holds the static sums of the
    /// capitalised tokens, in order.
    fn decode(&self, doc: &Doc, stat: &[[[i32; ROW]; 2]], second: bool, labels: &mut [u8]) {
        let m = second as usize;
        let (mut prev, mut prev2) = (O, O);
        let mut next_stat = stat.iter();
        for (i, label) in labels.iter_mut().enumerate() {
            let upper = doc.toks[i].flags & UPPER != 0;
            let l = if !upper && !doc.scored(i, prev) {
                O
            } else {
                let mut s = self.history[m][prev as usize][prev2 as usize];
                if upper {
                    let st = &next_stat
                        .next()
                        .expect("static sums for every capitalised token")[m];
                    for k in 0..ROW {
                        s[k] += st[k];
                    }
                } else {
                    doc.static_slots(i, self.bits, |k| add_row(&mut s, &self.row(k)[m]));
                }
                doc.dynamic_slots(i, prev, second, self.bits, |k| {
                    add_row(&mut s, &self.row(k)[m])
                });
                best_label(&s, doc.continued_from(i, prev))
            };
            *label = l;
            prev2 = prev;
            prev = l;
        }
    }
}

/// The embedded models as inference tables.
pub fn embedded_tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        Tables::from_bytes(
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ner1.model")),
            include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/ner2.model")),
        )
    })
}

/// Tags a document with both passes into `labels`, one BIO label per token.
pub fn tag(doc: &mut Doc, tables: &Tables, labels: &mut Vec<u8>) {
    // Capitalised words are scored in both passes: their static features are hashed once.
    let mut stat = std::mem::take(&mut doc.scratch.stat);
    stat.clear();
    for (i, t) in doc.toks.iter().enumerate() {
        if t.flags & UPPER != 0 {
            let mut acc = [[0i32; ROW]; 2];
            doc.static_slots(i, tables.bits, |k| {
                let r = tables.row(k);
                add_row(&mut acc[0], &r[0]);
                add_row(&mut acc[1], &r[1]);
            });
            stat.push(acc);
        }
    }
    labels.clear();
    labels.resize(doc.toks.len(), O);
    tables.decode(doc, &stat, false, labels);
    doc.set_doc_labels(labels);
    tables.decode(doc, &stat, true, labels);
    doc.scratch.stat = stat;
}

/// Weights as stored: one row of `ROW` label weights per hashed feature slot.
pub struct Model {
    bits: u32,
    rows: Vec<[i16; ROW]>,
}

#[inline]
fn slot(h: u64, bits: u32) -> usize {
    hash::slot(h, 64 - bits)
}

/// Hashed-slot bits of a serialised model.
fn model_bits(b: &[u8]) -> u32 {
    assert!(b.len() >= 9 && &b[..4] == b"GZN1", "bad model file");
    b[4] as u32
}

/// Calls `set` with the slot and weights of every row a serialised model stores.
fn model_rows(b: &[u8], mut set: impl FnMut(usize, [i16; N_LABELS])) {
    let n = u32::from_le_bytes(b[5..9].try_into().unwrap()) as usize;
    let mut at = 9;
    let mut idx = 0usize;
    for _ in 0..n {
        // Slots are delta-encoded as LEB128 varints to keep the file small.
        let mut delta = 0usize;
        let mut shift = 0;
        loop {
            let byte = b[at];
            at += 1;
            delta |= ((byte & 0x7f) as usize) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                break;
            }
        }
        idx += delta;
        let mut w = [0i16; N_LABELS];
        for x in &mut w {
            *x = i16::from_le_bytes([b[at], b[at + 1]]);
            at += 2;
        }
        set(idx, w);
    }
}

impl Model {
    pub fn from_bytes(b: &[u8]) -> Model {
        let bits = model_bits(b);
        let mut rows = vec![[0i16; ROW]; 1 << bits];
        model_rows(b, |idx, w| rows[idx][..N_LABELS].copy_from_slice(&w));
        Model { bits, rows }
    }

    #[inline]
    fn score(&self, feats: &[u64], prev: u8) -> u8 {
        let mut scores = [0i32; ROW];
        for &h in feats {
            let r = &self.rows[slot(h, self.bits)];
            for k in 0..ROW {
                scores[k] += r[k] as i32;
            }
        }
        best_allowed(scores.iter().map(|&s| s as f64), prev)
    }
}

fn best_allowed(scores: impl Iterator<Item = f64>, prev: u8) -> u8 {
    let mut best = O;
    let mut best_s = f64::NEG_INFINITY;
    for (k, s) in scores.take(N_LABELS).enumerate() {
        if s > best_s && allowed(k as u8, prev) {
            best = k as u8;
            best_s = s;
        }
    }
    best
}

/// The first- and second-pass models embedded in the binary.
pub fn embedded_models() -> &'static (Model, Model) {
    static M: OnceLock<(Model, Model)> = OnceLock::new();
    M.get_or_init(|| {
        (
            Model::from_bytes(include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/ner1.model"
            ))),
            Model::from_bytes(include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/data/ner2.model"
            ))),
        )
    })
}

fn decode_with(doc: &Doc, mut pick: impl FnMut(&[u64], u8) -> u8) -> Vec<u8> {
    let mut labels = vec![O; doc.toks.len()];
    let mut feats = Vec::with_capacity(64);
    let (mut prev, mut prev2) = (O, O);
    for (i, label) in labels.iter_mut().enumerate() {
        let l = if !doc.scored(i, prev) {
            O
        } else {
            doc.features(i, prev, prev2, &mut feats);
            pick(&feats, doc.continued_from(i, prev))
        };
        *label = l;
        prev2 = prev;
        prev = l;
    }
    labels
}

/// Tags a document with both passes the slow, generic way (training's feature vectors);
/// `tag` must give the same labels.
#[cfg(test)]
pub fn tag_reference(doc: &mut Doc, models: &(Model, Model)) -> Vec<u8> {
    let first = decode_with(doc, |f, p| models.0.score(f, p));
    doc.set_doc_labels(&first);
    decode_with(doc, |f, p| models.1.score(f, p))
}

/// Turns BIO labels into `(class, first token, end token)` spans.
pub fn spans(labels: &[u8]) -> Vec<(Class, usize, usize)> {
    // Sized by the begin labels (odd), one per span: growing it step by step cost more than this pass.
    let mut out = Vec::with_capacity(labels.iter().filter(|&&l| l & 1 != 0).count());
    let mut i = 0;
    while i < labels.len() {
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

/// A training document: text plus gold byte spans per class.
pub struct Example {
    pub text: String,
    pub spans: Vec<(Class, usize, usize)>,
}

/// Gold BIO labels for a document's tokens; spans that do not fall on token edges are dropped.
pub fn gold_labels(toks: &[Token], spans: &[(Class, usize, usize)]) -> Vec<u8> {
    let mut labels = vec![O; toks.len()];
    for &(c, s, e) in spans {
        let Some(first) = toks.iter().position(|t| t.start == s) else {
            continue;
        };
        let Some(last) = toks.iter().position(|t| t.end == e) else {
            continue;
        };
        if last < first {
            continue;
        }
        labels[first] = begin(c);
        for l in &mut labels[first + 1..=last] {
            *l = begin(c) + 1;
        }
    }
    labels
}

/// Averaged perceptron in training: running weights plus the time-weighted sums for averaging.
struct Trainer {
    bits: u32,
    w: Vec<f32>,
    u: Vec<f64>,
    c: f64,
}

impl Trainer {
    fn new(bits: u32) -> Trainer {
        Trainer {
            bits,
            w: vec![0.0; (1 << bits) * ROW],
            u: vec![0.0; (1 << bits) * ROW],
            c: 1.0,
        }
    }

    fn pick(&self, feats: &[u64], prev: u8) -> u8 {
        let mut s = [0f64; ROW];
        for &h in feats {
            let base = slot(h, self.bits) * ROW;
            for (k, v) in s.iter_mut().enumerate() {
                *v += self.w[base + k] as f64;
            }
        }
        best_allowed(s.into_iter(), prev)
    }

    fn update(&mut self, feats: &[u64], good: u8, bad: u8) {
        for &h in feats {
            let base = slot(h, self.bits) * ROW;
            self.w[base + good as usize] += 1.0;
            self.u[base + good as usize] += self.c;
            self.w[base + bad as usize] -= 1.0;
            self.u[base + bad as usize] -= self.c;
        }
    }

    /// One greedy pass over a document, updating on every wrong decision.
    fn learn(&mut self, doc: &Doc, gold: &[u8]) {
        let mut feats = Vec::with_capacity(64);
        let (mut prev, mut prev2) = (O, O);
        for (i, &g) in gold.iter().enumerate() {
            let mut l = O;
            if doc.scored(i, prev) {
                doc.features(i, prev, prev2, &mut feats);
                l = self.pick(&feats, prev);
                if l != g && allowed(g, prev) {
                    self.update(&feats, g, l);
                    l = g;
                }
                self.c += 1.0;
            }
            prev2 = prev;
            prev = l;
        }
    }

    /// Averages, quantises to i16 and serialises, dropping rows whose weights round to zero.
    fn finish(&self) -> Vec<u8> {
        let avg: Vec<f32> = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(&w, &u)| (w as f64 - u / self.c) as f32)
            .collect();
        let max = avg.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
        let scale = 32000.0 / max;
        let mut out = b"GZN1".to_vec();
        out.push(self.bits as u8);
        out.extend_from_slice(&[0; 4]);
        let mut n = 0u32;
        let mut last = 0usize;
        for (idx, row) in avg.chunks(ROW).enumerate() {
            let q: Vec<i16> = row[..N_LABELS]
                .iter()
                .map(|v| (v * scale).round() as i16)
                .collect();
            if q.iter().all(|&v| v.abs() < 8) {
                continue;
            }
            let mut delta = idx - last;
            last = idx;
            loop {
                let byte = (delta & 0x7f) as u8;
                delta >>= 7;
                if delta == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
            for v in q {
                out.extend_from_slice(&v.to_le_bytes());
            }
            n += 1;
        }
        out[5..9].copy_from_slice(&n.to_le_bytes());
        out
    }
}

/// Deterministic shuffle so `gazette-train` reproduces the same model.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = ((*seed >> 33) as usize) % (i + 1);
        order.swap(i, j);
    }
}

fn train_model(docs: &[(Doc, Vec<u8>)], idx: &[usize], bits: u32, epochs: usize) -> Trainer {
    let mut t = Trainer::new(bits);
    let mut order = idx.to_vec();
    let mut seed = 42;
    for _ in 0..epochs {
        shuffle(&mut order, &mut seed);
        for &d in &order {
            t.learn(&docs[d].0, &docs[d].1);
        }
    }
    t
}

fn trained_model(t: &Trainer) -> Model {
    Model::from_bytes(&t.finish())
}

/// Trains both passes. The second pass learns from first-pass labels produced by
/// models that did not see the document (two-fold jackknife), so it learns how far
/// to trust them on unseen text. Returns the serialised first and second models.
pub fn train(
    examples: &[Example],
    gaz: &Gazetteer,
    bits: u32,
    epochs: usize,
) -> (Vec<u8>, Vec<u8>) {
    let mut docs: Vec<(Doc, Vec<u8>)> = examples
        .iter()
        .map(|e| {
            let d = Doc::new(&e.text, gaz);
            let g = gold_labels(&d.toks, &e.spans);
            (d, g)
        })
        .collect();
    let all: Vec<usize> = (0..docs.len()).collect();
    let first = train_model(&docs, &all, bits, epochs);
    let halves: Vec<Vec<usize>> = (0..2)
        .map(|k| all.iter().copied().filter(|i| i % 2 == k).collect())
        .collect();
    for k in 0..2 {
        let m = trained_model(&train_model(&docs, &halves[k], bits, epochs));
        for &d in &halves[1 - k] {
            let labels = decode_with(&docs[d].0, |f, p| m.score(f, p));
            docs[d].0.set_doc_labels(&labels);
        }
    }
    let second = train_model(&docs, &all, bits, epochs);
    (first.finish(), second.finish())
}
