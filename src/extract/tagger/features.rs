//! The tagger's features, each written once. A position's features come in three groups,
//! each handed to a sink as hashed feature numbers: static ones (the same in both passes, so
//! the decoder sums them once per capitalised word), the label history (which the tables
//! keep summed per label pair) and dynamic ones (the previous label and the first pass).
//! Training and the reference decoder take all three.

use super::doc::Doc;
use crate::extract::gazetteer::N_KINDS;
use crate::extract::hash::mix;
use crate::extract::tokens::{ALLCAPS, CAP, CAPS_LINE, LINE_START, PUNCT, Token};

/// A feature template. Its id is hashed with the feature's value, so the ids are part of the
/// trained models: changing one needs retraining.
#[derive(Clone, Copy)]
pub(super) enum Feature {
    /// Always on: the label prior.
    Bias,
    Word,
    Shape,
    PrevLabel,
    /// The previous two labels.
    PrevLabels,
    PrevLabelWord,
    PrevLabelShape,
    /// Orthographic flags (case, line start, heading) with the shape.
    OrthShape,
    WordBefore,
    WordAfter,
    WordTwoBefore,
    WordTwoAfter,
    /// The word before with this one.
    WordPairBefore,
    /// This word with the one after.
    WordPairAfter,
    ShapePairBefore,
    ShapePairAfter,
    PrevLabelShapeAfter,
    /// The first `n + 1` bytes, lower-cased (`n` < 3).
    Prefix(u64),
    /// The last `n + 1` bytes, lower-cased, if shorter than the word (`n` < 4).
    Suffix(u64),
    /// Gazetteer word flag `n` (given name, surname, title...), with orthography and the previous label.
    GazFlag(u64),
    /// Gazetteer word flags of the word before with this one's.
    GazPairBefore,
    GazPairAfter,
    /// Phrase position bits of every phrase kind.
    Phrase,
    PhraseOrth,
    /// Position in a gazetteer phrase of kind `n` (country, city...), with the previous label.
    PhraseKind(u64),
    /// Classes the first pass gave the same word anywhere in the document.
    DocLabels,
    DocLabelsPrevLabel,
    DocLabelsOrth,
}

impl Feature {
    #[inline(always)]
    const fn id(self) -> u64 {
        use Feature::*;
        match self {
            Bias => 1,
            Word => 2,
            Shape => 3,
            PrevLabel => 4,
            PrevLabels => 5,
            PrevLabelWord => 6,
            PrevLabelShape => 7,
            OrthShape => 8,
            WordBefore => 9,
            WordAfter => 10,
            WordTwoBefore => 11,
            WordTwoAfter => 12,
            WordPairBefore => 13,
            WordPairAfter => 14,
            ShapePairBefore => 15,
            ShapePairAfter => 16,
            PrevLabelShapeAfter => 17,
            Prefix(n) => 20 + n,
            Suffix(n) => 24 + n,
            GazFlag(n) => 30 + n,
            GazPairBefore => 40,
            GazPairAfter => 41,
            Phrase => 42,
            PhraseOrth => 43,
            PhraseKind(n) => 44 + n,
            DocLabels => 50,
            DocLabelsPrevLabel => 51,
            DocLabelsOrth => 52,
        }
    }

    /// The hashed feature: this template with value `v`.
    #[inline(always)]
    fn with(self, v: u64) -> u64 {
        mix(mix(self.id(), v), 0x7f4a_7c15)
    }
}

/// Word hash at `i`, with fixed stand-ins before the start and past the end.
fn word(doc: &Doc, i: isize) -> u64 {
    if i < 0 {
        1
    } else {
        doc.hashes.get(i as usize).copied().unwrap_or(2)
    }
}

fn shape(doc: &Doc, i: isize) -> u64 {
    if i < 0 {
        1
    } else {
        doc.shapes.get(i as usize).copied().unwrap_or(2)
    }
}

fn gaz(doc: &Doc, i: isize) -> u16 {
    if i < 0 {
        0
    } else {
        doc.gaz.get(i as usize).copied().unwrap_or(0)
    }
}

/// The orthographic flags features read.
fn orth(t: &Token) -> u64 {
    (t.flags & (CAP | ALLCAPS | LINE_START | CAPS_LINE | PUNCT)) as u64
}

/// The features of position `i` that depend neither on the labels chosen so far nor on the
/// first pass, so they are the same in both passes.
#[inline(always)]
pub(super) fn static_features(doc: &Doc, i: usize, mut sink: impl FnMut(u64)) {
    use Feature::*;
    let mut f = |id: Feature, v: u64| sink(id.with(v));
    let t = &doc.toks[i];
    let ii = i as isize;
    let (w0, s0) = (doc.hashes[i], doc.shapes[i]);
    let (wp, wn) = (word(doc, ii - 1), word(doc, ii + 1));
    let (sp, sn) = (shape(doc, ii - 1), shape(doc, ii + 1));
    let orth = orth(t);
    f(Bias, 0);
    f(Word, w0);
    f(Shape, s0);
    f(OrthShape, mix(orth, s0));
    f(WordBefore, wp);
    f(WordAfter, wn);
    f(WordTwoBefore, word(doc, ii - 2));
    f(WordTwoAfter, word(doc, ii + 2));
    f(WordPairBefore, mix(wp, w0));
    f(WordPairAfter, mix(w0, wn));
    f(ShapePairBefore, mix(sp, s0));
    f(ShapePairAfter, mix(s0, sn));
    let b = &doc.text.as_bytes()[t.start..t.end];
    let mut h = 0u64;
    for (n, &c) in b.iter().take(3).enumerate() {
        h = mix(h, c.to_ascii_lowercase() as u64);
        f(Prefix(n as u64), h);
    }
    let mut h = 0u64;
    for (n, &c) in b.iter().rev().take(4).enumerate() {
        h = mix(h, c.to_ascii_lowercase() as u64);
        if n + 1 < b.len() {
            f(Suffix(n as u64), h);
        }
    }
    let g0 = doc.gaz[i] as u64;
    f(GazPairBefore, mix(gaz(doc, ii - 1) as u64, g0));
    f(GazPairAfter, mix(g0, gaz(doc, ii + 1) as u64));
    let ph = doc.phrase[i] as u64;
    if ph != 0 {
        f(Phrase, ph);
        f(PhraseOrth, mix(ph, orth));
    }
}

/// The label-history features: the previous label, and the previous two.
#[inline(always)]
pub(super) fn history_features(prev: u8, prev2: u8, mut sink: impl FnMut(u64)) {
    let p = prev as u64;
    sink(Feature::PrevLabel.with(p));
    sink(Feature::PrevLabels.with(mix(p, prev2 as u64)));
}

/// The other features that read the previous label, and those that read the first pass's
/// labels once the document has them.
#[inline(always)]
pub(super) fn dynamic_features(doc: &Doc, i: usize, prev: u8, mut sink: impl FnMut(u64)) {
    use Feature::*;
    let mut f = |id: Feature, v: u64| sink(id.with(v));
    let p = prev as u64;
    let orth = orth(&doc.toks[i]);
    f(PrevLabelWord, mix(p, doc.hashes[i]));
    f(PrevLabelShape, mix(p, doc.shapes[i]));
    f(PrevLabelShapeAfter, mix(p, shape(doc, i as isize + 1)));
    let g0 = doc.gaz[i] & 255;
    if g0 != 0 {
        let v = mix(orth, p);
        for n in (0..8).filter(|n| g0 & (1 << n) != 0) {
            f(GazFlag(n), v);
        }
    }
    let ph = doc.phrase[i];
    if ph != 0 {
        for k in 0..N_KINDS {
            let bits = (ph >> (k * 4)) & 15;
            if bits != 0 {
                f(PhraseKind(k as u64), mix(bits as u64, p));
            }
        }
    }
    if let Some(&d) = doc.doc_labels.get(i) {
        let d = d as u64;
        f(DocLabels, d);
        f(DocLabelsPrevLabel, mix(d, p));
        f(DocLabelsOrth, mix(d, orth));
    }
}

/// Every feature of position `i` after the labels `prev2`, `prev`: what training learns
/// from, and what the decoder's partial sums add up to.
#[cfg(any(test, feature = "train"))]
pub(super) fn all_features(doc: &Doc, i: usize, prev: u8, prev2: u8, mut sink: impl FnMut(u64)) {
    history_features(prev, prev2, &mut sink);
    static_features(doc, i, &mut sink);
    dynamic_features(doc, i, prev, &mut sink);
}
