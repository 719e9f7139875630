//! What the tagger knows of a document before scoring it: tokens, word and shape hashes,
//! gazetteer flags and phrase positions, and (for the second pass) the first pass's labels.

use super::labels::{ROW, class_of, is_inside};
use super::shape::ShapeMemo;
use crate::extract::gazetteer::{Gazetteer, N_KINDS, ORG_AHEAD, ORG_WORD, PLACE_WORD, PhraseMatch};
use crate::extract::hash::{lower_hash_in, slot};
use crate::extract::tokens::{self, ALLCAPS, DIGIT, PUNCT, Token, UPPER};

/// Token window around a capitalised word whose words and shapes features may read.
const CONTEXT: usize = 3;

/// Per-document inputs shared by every position's feature extraction.
pub(crate) struct Doc<'a> {
    pub(crate) text: &'a str,
    pub(crate) toks: Vec<Token>,
    /// Lower-cased word hash per token; 0 for tokens no feature reads.
    pub(super) hashes: Vec<u64>,
    /// Shape hash per token; 0 for tokens no feature reads.
    pub(super) shapes: Vec<u64>,
    /// Gazetteer word flags of the capitalised tokens.
    pub(super) gaz: Vec<u16>,
    /// Per token, four bits (begin, inside, last, unit) per gazetteer phrase kind it is part of.
    pub(super) phrase: Vec<u32>,
    pub(crate) matches: Vec<PhraseMatch>,
    /// Labels the first pass gave to other occurrences of the same word (bit per class);
    /// empty until the first pass is done.
    pub(super) doc_labels: Vec<u8>,
    /// How many tokens are capitalised (`UPPER`).
    n_upper: usize,
    pub(super) scratch: Scratch,
}

/// Per-document working memory, kept between documents so tagging does not allocate.
#[derive(Default)]
pub(crate) struct Buffers {
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
pub(super) struct Scratch {
    /// Static feature sums of the capitalised tokens, in order, for both passes.
    pub(super) stat: Vec<[[i32; ROW]; 2]>,
    /// Open-addressing table word hash → class bits for `set_doc_labels` (key 0 = empty).
    keys: Vec<u64>,
    bits: Vec<u8>,
    /// Index and table slot of each capitalised token, in order.
    slots: Vec<(u32, u32)>,
    shapes: ShapeMemo,
}

impl<'a> Doc<'a> {
    #[cfg(any(test, feature = "train"))]
    pub(crate) fn new(text: &'a str, gaz: &Gazetteer) -> Doc<'a> {
        Doc::with_buffers(text, gaz, Buffers::default())
    }

    /// Builds the document in `bufs`' memory; `into_buffers` hands it back for the next one.
    pub(crate) fn with_buffers(text: &'a str, gaz: &Gazetteer, bufs: Buffers) -> Doc<'a> {
        let Buffers {
            toks,
            hashes,
            shapes,
            gaz: gflags,
            phrase,
            matches,
            mut doc_labels,
            scratch,
        } = bufs;
        doc_labels.clear();
        let mut doc = Doc {
            text,
            toks,
            hashes,
            shapes,
            gaz: gflags,
            phrase,
            matches,
            doc_labels,
            n_upper: 0,
            scratch,
        };
        tokens::tokenize_into(text, &mut doc.toks);
        doc.hash_words(gaz);
        doc.matches.clear();
        gaz.match_phrases(&doc.toks, &doc.hashes, &doc.gaz, &mut doc.matches);
        doc.mark_phrases();
        doc
    }

    /// Whether token `i` is a word that ends organisations' names (`Corp`, `Party`).
    pub(crate) fn is_org_word(&self, i: usize) -> bool {
        self.gaz[i] & ORG_WORD != 0
    }

    /// Whether tokens `a..b` can be a gazetteer place: every capitalised word of them is a
    /// word of some place name (lower-case words carry no flags, so they are not asked).
    pub(crate) fn may_be_place(&self, a: usize, b: usize) -> bool {
        (a..b).all(|i| self.toks[i].flags & UPPER == 0 || self.gaz[i] & PLACE_WORD != 0)
    }

    /// The lower-cased word hash of token `i` (`lower_hash`), read from the tagger's when it
    /// computed one.
    pub(crate) fn word_hash(&self, i: usize) -> u64 {
        match self.hashes[i] {
            0 => lower_hash_in(self.text, self.toks[i].start, self.toks[i].end),
            h => h,
        }
    }

    /// Gives back the document's memory for reuse.
    pub(crate) fn into_buffers(self) -> Buffers {
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

    /// Fills in the word hashes, shapes and gazetteer flags that features read.
    fn hash_words(&mut self, gaz: &Gazetteer) {
        // Lower-case stretches are never scored, so their words and shapes are only needed
        // as context of a nearby capitalised token; skip the rest.
        let n = self.toks.len();
        let (toks, hashes, shapes) = (&self.toks, &mut self.hashes, &mut self.shapes);
        let memo = &mut self.scratch.shapes;
        hashes.clear();
        hashes.resize(n, 0);
        shapes.clear();
        shapes.resize(n, 0);
        self.gaz.clear();
        self.gaz.resize(n, 0);
        let bytes = self.text.as_bytes();
        // Past the last organisation word, `mark_org_ahead` has nothing to flag.
        let (mut n_upper, mut org_end) = (0, 0);
        for (i, t) in toks.iter().enumerate() {
            if t.flags & UPPER == 0 {
                continue;
            }
            n_upper += 1;
            for j in i.saturating_sub(CONTEXT)..(i + CONTEXT + 1).min(n) {
                if hashes[j] == 0 {
                    let tj = toks[j];
                    hashes[j] = lower_hash_in(self.text, tj.start, tj.end);
                }
            }
            // Shapes are read one token either side of scored positions, which are
            // capitalised words and connectors just before one.
            for j in i.saturating_sub(2)..(i + 2).min(n) {
                if shapes[j] == 0 {
                    let tj = toks[j];
                    shapes[j] = memo.shape(bytes, tj.start, tj.end, tj.flags & ALLCAPS != 0);
                }
            }
            self.gaz[i] = gaz.word_flags(hashes[i]);
            if self.gaz[i] & ORG_WORD != 0 {
                org_end = i + 1;
            }
        }
        self.n_upper = n_upper;
        self.mark_org_ahead(org_end);
    }

    /// Flags the capitalised words followed, in the same name-like run (capitalised words and
    /// short connectors such as `of`, `&` or the apostrophe of `Workers' Party`), by an
    /// organisation word. Tokens from `end` on have none after them.
    fn mark_org_ahead(&mut self, end: usize) {
        let bytes = self.text.as_bytes();
        let mut ahead = false;
        for (t, g) in self.toks[..end].iter().zip(&mut self.gaz[..end]).rev() {
            if t.flags & UPPER != 0 {
                if ahead {
                    *g |= ORG_AHEAD;
                }
                ahead |= *g & ORG_WORD != 0;
            } else if ahead {
                ahead = if t.flags & PUNCT != 0 {
                    // `&`, or an apostrophe: ASCII or U+2019 (its UTF-8 bytes).
                    matches!(&bytes[t.start..t.end], b"&" | b"'" | [0xE2, 0x80, 0x99])
                } else {
                    t.flags & DIGIT == 0 && t.end - t.start <= 3
                };
            }
        }
    }

    /// Sets each token's phrase bits from the gazetteer matches.
    fn mark_phrases(&mut self) {
        self.phrase.clear();
        self.phrase.resize(self.toks.len(), 0);
        for m in &self.matches {
            // Bit 0 of each kind's four, for the kinds of the match; shifted by the position.
            let kinds = (0..N_KINDS)
                .filter(|k| m.kinds & (1 << k) != 0)
                .fold(0u32, |bits, k| bits | 1 << (k * 4));
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
                self.phrase[m.first + j] |= kinds << pos;
            }
        }
    }

    /// Records first-pass labels so the second pass can see how the same word was tagged elsewhere.
    pub(super) fn set_doc_labels(&mut self, labels: &[u8]) {
        // Per capitalised word: the classes it was given anywhere in the document.
        let Scratch {
            keys, bits, slots, ..
        } = &mut self.scratch;
        let size = (2 * self.n_upper).next_power_of_two().max(16);
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
            let mut k = slot(h, shift);
            while keys[k] != h && keys[k] != 0 {
                k = (k + 1) & (size - 1);
            }
            keys[k] = h;
            slots.push((i as u32, k as u32));
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
        for &(i, k) in slots.iter() {
            self.doc_labels[i as usize] = bits[k as usize] | 64;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrase_bits_mark_each_kind_and_position() {
        let text = "Officials in New York, Paris and Rio de Janeiro met North Korean and \
                    British envoys in Washington.";
        let doc = Doc::new(text, Gazetteer::embedded());
        assert!(doc.matches.iter().any(|m| m.len == 3), "{:?}", doc.matches);
        // Kind by kind and token by token, as the bits are defined.
        let mut expected = vec![0u32; doc.toks.len()];
        for m in &doc.matches {
            for k in 0..N_KINDS {
                if m.kinds & (1 << k) == 0 {
                    continue;
                }
                for j in 0..m.len {
                    let pos = match (m.len, j) {
                        (1, _) => 3,
                        (_, 0) => 0,
                        _ if j + 1 == m.len => 2,
                        _ => 1,
                    };
                    expected[m.first + j] |= 1 << (k * 4 + pos);
                }
            }
        }
        assert_eq!(doc.phrase, expected);
        assert!(expected.iter().filter(|&&b| b != 0).count() >= 8);
    }
}
