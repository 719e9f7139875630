//! Training (for `gazette-train` and tests only): an averaged perceptron learns each pass from
//! gold spans, greedily, over the same features the decoder reads.

use super::decode::{scored, tag_first_pass};
use super::doc::Doc;
use super::features::all_features;
use super::labels::{Class, N_LABELS, O, ROW, allowed, begin, best_label};
use super::model::{Tables, feature_slot, write_pass};
use crate::extract::gazetteer::Gazetteer;
use crate::extract::tokens::Token;

/// A training document: text plus gold byte spans per class.
pub struct Example {
    pub text: String,
    pub spans: Vec<(Class, usize, usize)>,
}

/// Gold BIO labels for a document's tokens; spans that do not fall on token edges are dropped.
fn gold_labels(toks: &[Token], spans: &[(Class, usize, usize)]) -> Vec<u8> {
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
        for &f in feats {
            let base = feature_slot(f, self.bits) * ROW;
            for (k, v) in s.iter_mut().enumerate() {
                *v += self.w[base + k] as f64;
            }
        }
        best_label(&s, prev)
    }

    fn update(&mut self, feats: &[u64], good: u8, bad: u8) {
        for &f in feats {
            let base = feature_slot(f, self.bits) * ROW;
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
            if scored(doc, i, prev) {
                feats.clear();
                all_features(doc, i, prev, prev2, |f| feats.push(f));
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

    /// Averages, quantises to i16 and serialises, dropping rows whose weights round to near zero.
    fn finish(&self) -> Vec<u8> {
        let avg: Vec<f32> = self
            .w
            .iter()
            .zip(&self.u)
            .map(|(&w, &u)| (w as f64 - u / self.c) as f32)
            .collect();
        let max = avg.iter().fold(0f32, |m, v| m.max(v.abs())).max(1e-6);
        let scale = 32000.0 / max;
        let rows = avg.chunks(ROW).enumerate().filter_map(|(slot, row)| {
            let mut q = [0i16; N_LABELS];
            for (x, v) in q.iter_mut().zip(row) {
                *x = (v * scale).round() as i16;
            }
            q.iter().any(|&v| v.abs() >= 8).then_some((slot, q))
        });
        write_pass(self.bits, rows)
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

/// One pass's model learned from the documents `idx`; returns it serialised.
fn train_model(docs: &[(Doc, Vec<u8>)], idx: &[usize], bits: u32, epochs: usize) -> Vec<u8> {
    let mut t = Trainer::new(bits);
    let mut order = idx.to_vec();
    let mut seed = 42;
    for _ in 0..epochs {
        shuffle(&mut order, &mut seed);
        for &d in &order {
            t.learn(&docs[d].0, &docs[d].1);
        }
    }
    t.finish()
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
    let mut labels = Vec::new();
    for k in 0..2 {
        let held_out = train_model(&docs, &halves[k], bits, epochs);
        let tables =
            Tables::from_bytes([&held_out, &held_out]).expect("a model just written reads back");
        for &d in &halves[1 - k] {
            tag_first_pass(&mut docs[d].0, &tables, &mut labels);
            docs[d].0.set_doc_labels(&labels);
        }
    }
    let second = train_model(&docs, &all, bits, epochs);
    (first, second)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::tagger::decode::tag;
    use crate::extract::tagger::labels::spans;

    fn example(text: &str, names: &[(Class, &str)]) -> Example {
        let spans = names
            .iter()
            .map(|&(c, n)| {
                let s = text.find(n).unwrap();
                (c, s, s + n.len())
            })
            .collect();
        Example {
            text: text.to_string(),
            spans,
        }
    }

    #[test]
    fn gold_spans_off_token_edges_are_dropped() {
        let text = "Kim Jong-un visited Moscow.";
        let doc = Doc::new(text, Gazetteer::embedded());
        let gold = [(Class::Per, 0, 11), (Class::Loc, 20, 24)];
        let labels = gold_labels(&doc.toks, &gold);
        assert_eq!(spans(&labels), [(Class::Per, 0, 2)]);
    }

    #[test]
    fn training_learns_its_examples_and_repeats_itself() {
        let examples = [
            example(
                "Talks in Ruritania: Ivo Brann met Ola Veck.",
                &[
                    (Class::Loc, "Ruritania"),
                    (Class::Per, "Ivo Brann"),
                    (Class::Per, "Ola Veck"),
                ],
            ),
            example(
                "Ola Veck flew to Ruritania.",
                &[(Class::Per, "Ola Veck"), (Class::Loc, "Ruritania")],
            ),
            example("Talks ended. Nothing here.", &[]),
        ];
        let gaz = Gazetteer::embedded();
        let (m1, m2) = train(&examples, gaz, 12, 5);
        assert_eq!((m1.clone(), m2.clone()), train(&examples, gaz, 12, 5));
        let tables = Tables::from_bytes([&m1, &m2]).unwrap();
        for e in &examples {
            let mut doc = Doc::new(&e.text, gaz);
            let mut labels = Vec::new();
            tag(&mut doc, &tables, &mut labels);
            let found: Vec<(Class, usize, usize)> = spans(&labels)
                .into_iter()
                .map(|(c, a, b)| (c, doc.toks[a].start, doc.toks[b - 1].end))
                .collect();
            assert_eq!(found, e.spans, "{}", e.text);
        }
    }
}
