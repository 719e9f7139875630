//! Tagger: hashed features, the averaged-perceptron model (training, quantised storage) and greedy BIO decoding.

use std::sync::OnceLock;

use super::gazetteer::{self, Gazetteer, N_KINDS, PhraseMatch, mix};
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

/// Hashed word shape: letters as `X`/`x`, digits as `d`, runs capped at two (`Jong-un` → `Xxx-xx`).
/// `upper` gives words of Title Case headings the shape they would have in an upper-case heading.
fn shape_hash(s: &str, upper: bool) -> u64 {
    let mut h = 0x9e37_79b9u64;
    let mut last = 0u8;
    let mut run = 0;
    let mut push = |k: u8| {
        if k == last {
            run += 1;
            if run > 2 {
                return;
            }
        } else {
            run = 1;
            last = k;
        }
        h = mix(h, k as u64);
    };
    if s.is_ascii() {
        for &b in s.as_bytes() {
            push(shape_class(b as char, upper));
        }
    } else {
        for c in s.chars() {
            push(shape_class(c, upper));
        }
    }
    h
}

impl<'a> Doc<'a> {
    pub fn new(text: &'a str, gaz: &Gazetteer) -> Doc<'a> {
        let toks = tokens::tokenize(text);
        // Lower-case stretches are never scored, so their words and shapes are only needed
        // as context of a nearby capitalised token; skip the rest.
        let n = toks.len();
        let mut hashes = vec![0u64; n];
        let mut shapes = vec![0u64; n];
        for (i, t) in toks.iter().enumerate() {
            if t.flags & UPPER == 0 {
                continue;
            }
            for j in i.saturating_sub(CONTEXT)..(i + CONTEXT + 1).min(n) {
                if hashes[j] == 0 {
                    let s = toks[j].text(text);
                    hashes[j] = gazetteer::lower_hash(s);
                    shapes[j] = shape_hash(s, toks[j].flags & ALLCAPS != 0);
                }
            }
        }
        let gflags: Vec<u16> = toks
            .iter()
            .zip(&hashes)
            .map(|(t, &h)| {
                if t.flags & UPPER != 0 {
                    gaz.word_flags(h)
                } else {
                    0
                }
            })
            .collect();
        let mut matches = Vec::new();
        gaz.match_phrases(&toks, &hashes, &gflags, &mut matches);
        let mut phrase = vec![0u32; toks.len()];
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
        Doc {
            text,
            doc_labels: Vec::new(),
            toks,
            hashes,
            shapes,
            gaz: gflags,
            phrase,
            matches,
        }
    }

    /// Records first-pass labels so the second pass can see how the same word was tagged elsewhere.
    fn set_doc_labels(&mut self, labels: &[u8]) {
        // Per capitalised word: the classes it was given anywhere in the document.
        let mut seen: gazetteer::HashMapU64<u8> = Default::default();
        for (i, t) in self.toks.iter().enumerate() {
            if t.flags & UPPER == 0 {
                continue;
            }
            let e = seen.entry(self.hashes[i]).or_default();
            let l = labels[i];
            if let Some(c) = class_of(l) {
                *e |= 1 << c as u8;
                // Whether the word sat inside a multi-token name matters for `Kim` after `Kim Jong-un`.
                let multi = is_inside(l) || labels.get(i + 1).is_some_and(|&n| is_inside(n));
                if multi {
                    *e |= 8 << c as u8;
                }
            }
        }
        self.doc_labels = self
            .hashes
            .iter()
            .zip(&self.toks)
            .map(|(h, t)| match seen.get(h) {
                Some(&bits) if t.flags & UPPER != 0 => bits | 64,
                _ => 0,
            })
            .collect();
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
        let f = |id: u64, v: u64| mix(mix(id, v), 0x7f4a_7c15);
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
}

/// Weights as stored: one row of `ROW` label weights per hashed feature slot.
pub struct Model {
    bits: u32,
    rows: Vec<[i16; ROW]>,
}

#[inline]
fn slot(h: u64, bits: u32) -> usize {
    (h.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as usize
}

impl Model {
    pub fn from_bytes(b: &[u8]) -> Model {
        assert!(b.len() >= 9 && &b[..4] == b"GZN1", "bad model file");
        let bits = b[4] as u32;
        let n = u32::from_le_bytes(b[5..9].try_into().unwrap()) as usize;
        let mut rows = vec![[0i16; ROW]; 1 << bits];
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
            for w in &mut rows[idx][..N_LABELS] {
                *w = i16::from_le_bytes([b[at], b[at + 1]]);
                at += 2;
            }
        }
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
            pick(&feats, prev)
        };
        *label = l;
        prev2 = prev;
        prev = l;
    }
    labels
}

/// Tags a document with both passes; returns one BIO label per token.
pub fn tag(doc: &mut Doc, models: &(Model, Model)) -> Vec<u8> {
    let first = decode_with(doc, |f, p| models.0.score(f, p));
    doc.set_doc_labels(&first);
    decode_with(doc, |f, p| models.1.score(f, p))
}

/// Turns BIO labels into `(class, first token, end token)` spans.
pub fn spans(labels: &[u8]) -> Vec<(Class, usize, usize)> {
    let mut out = Vec::new();
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
