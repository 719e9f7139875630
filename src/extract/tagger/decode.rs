//! Greedy decoding: each scored position, left to right, takes the best label allowed after
//! the one before. The first pass tags the document; the second sees, for each word, how
//! the first tagged it elsewhere.

use super::doc::Doc;
use super::features::{dynamic_features, static_features};
use super::labels::{O, ROW, best_label};
use super::model::{Tables, add_row};
use crate::extract::tokens::{DIGIT, LINE_START, POSSESSIVE, UPPER};

/// Positions the tagger scores: capitalised words, and short lower-case connectors
/// (`van der`, `of`, `&`) that continue an entity into another capitalised word.
#[inline]
pub(super) fn scored(doc: &Doc, i: usize, prev: u8) -> bool {
    let t = &doc.toks[i];
    if t.flags & UPPER != 0 {
        return true;
    }
    prev != O
        && t.flags & (DIGIT | POSSESSIVE) == 0
        && t.end - t.start <= 4
        && doc.toks.get(i + 1).is_some_and(|n| n.flags & UPPER != 0)
}

/// The label the choice at `i` must follow: `prev`, or none when a blank line comes
/// between, since no name runs across paragraphs (a headline's last word and the
/// dateline under it are two names, not one).
#[inline]
fn continued_from(doc: &Doc, i: usize, prev: u8) -> u8 {
    if prev == O || doc.toks[i].flags & LINE_START == 0 {
        return prev;
    }
    let gap = &doc.text.as_bytes()[doc.toks[i - 1].end..doc.toks[i].start];
    if gap.iter().filter(|&&b| b == b'\n').count() >= 2 {
        O
    } else {
        prev
    }
}

/// Tags a document with both passes into `labels`, one BIO label per token.
pub(crate) fn tag(doc: &mut Doc, tables: &Tables, labels: &mut Vec<u8>) {
    let stat = first_pass(doc, tables, labels);
    doc.set_doc_labels(labels);
    pass(doc, tables, &stat, 1, labels);
    doc.scratch.stat = stat;
}

/// Tags a document with the first pass alone, as training's held-out models do.
#[cfg(any(test, feature = "train"))]
pub(super) fn tag_first_pass(doc: &mut Doc, tables: &Tables, labels: &mut Vec<u8>) {
    doc.scratch.stat = first_pass(doc, tables, labels);
}

/// The first pass, forgetting any earlier first-pass labels; returns the static sums of the
/// capitalised tokens for the second.
fn first_pass(doc: &mut Doc, tables: &Tables, labels: &mut Vec<u8>) -> Vec<[[i32; ROW]; 2]> {
    doc.doc_labels.clear();
    // Capitalised words are scored in both passes: their static features are hashed once.
    let mut stat = std::mem::take(&mut doc.scratch.stat);
    stat.clear();
    for (i, t) in doc.toks.iter().enumerate() {
        if t.flags & UPPER != 0 {
            let mut acc = [[0i32; ROW]; 2];
            static_features(doc, i, |f| {
                let w = tables.weights(f);
                add_row(&mut acc[0], &w[0]);
                add_row(&mut acc[1], &w[1]);
            });
            stat.push(acc);
        }
    }
    labels.clear();
    labels.resize(doc.toks.len(), O);
    pass(doc, tables, &stat, 0, labels);
    stat
}

/// One greedy pass with the weights of pass `m`; `stat` holds the static sums of the
/// capitalised tokens, in order.
fn pass(doc: &Doc, tables: &Tables, stat: &[[[i32; ROW]; 2]], m: usize, labels: &mut [u8]) {
    let (mut prev, mut prev2) = (O, O);
    let mut next_stat = stat.iter();
    for (i, label) in labels.iter_mut().enumerate() {
        let upper = doc.toks[i].flags & UPPER != 0;
        let l = if !upper && !scored(doc, i, prev) {
            O
        } else {
            let mut s = tables.history(m, prev, prev2);
            if upper {
                let st = &next_stat
                    .next()
                    .expect("static sums for every capitalised token")[m];
                for k in 0..ROW {
                    s[k] += st[k];
                }
            } else {
                static_features(doc, i, |f| add_row(&mut s, &tables.weights(f)[m]));
            }
            dynamic_features(doc, i, prev, |f| add_row(&mut s, &tables.weights(f)[m]));
            best_label(&s, continued_from(doc, i, prev))
        };
        *label = l;
        prev2 = prev;
        prev = l;
    }
}

/// Tags a document with both passes the slow, plain way: every feature of every scored
/// position summed afresh, as training sees them. `tag` must give the same labels.
#[cfg(test)]
pub(crate) fn tag_reference(doc: &mut Doc, tables: &Tables) -> Vec<u8> {
    doc.doc_labels.clear();
    let first = reference_pass(doc, tables, 0);
    doc.set_doc_labels(&first);
    reference_pass(doc, tables, 1)
}

#[cfg(test)]
fn reference_pass(doc: &Doc, tables: &Tables, m: usize) -> Vec<u8> {
    let mut labels = vec![O; doc.toks.len()];
    let (mut prev, mut prev2) = (O, O);
    for (i, label) in labels.iter_mut().enumerate() {
        if scored(doc, i, prev) {
            let mut s = [0i32; ROW];
            super::features::all_features(doc, i, prev, prev2, |f| {
                add_row(&mut s, &tables.weights(f)[m])
            });
            *label = best_label(&s, continued_from(doc, i, prev));
        }
        prev2 = prev;
        prev = *label;
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::gazetteer::Gazetteer;
    use crate::extract::tagger::labels::spans;
    use crate::extract::tagger::model::embedded_tables;

    const TEXTS: &[&str] = &[
        "North Korea's leader Kim Jong-un met Vladimir Putin in Moscow on Tuesday.\n\n\
         SEOUL (Reuters) - South Korean President Yoon Suk-yeol said Kim Jong-un and Putin\n\
         would meet again. Mr. Yoon spoke to reporters in Seoul.",
        "Mr. van der Berg of Smith & Wesson met de Gaulle in St. Louis.",
        "WASHINGTON POST REPORTS\nThe United States and the U.K. signed.\n\nParis Hilton",
    ];

    #[test]
    fn fast_path_matches_the_plain_sum_of_every_feature() {
        let gaz = Gazetteer::embedded();
        let tables = embedded_tables();
        let mut found = 0;
        for text in TEXTS {
            let (mut a, mut b) = (Doc::new(text, gaz), Doc::new(text, gaz));
            let mut fast = Vec::new();
            tag(&mut a, tables, &mut fast);
            assert_eq!(fast, tag_reference(&mut b, tables), "{text}");
            found += spans(&fast).len();
            // Tagging again in the same memory forgets the first tagging.
            let mut again = Vec::new();
            tag(&mut a, tables, &mut again);
            assert_eq!(again, fast);
        }
        assert!(found >= 10, "the texts should hold names: {found}");
    }

    #[test]
    fn memory_kept_across_documents_tags_as_fresh_memory_does() {
        let gaz = Gazetteer::embedded();
        let tables = embedded_tables();
        let mut bufs = crate::extract::tagger::Buffers::default();
        let mut tagged = 0;
        // Twice through, so the second round finds the first one's words remembered.
        for text in TEXTS.iter().chain(TEXTS) {
            let mut doc = Doc::with_buffers(text, gaz, bufs);
            let mut labels = Vec::new();
            tag(&mut doc, tables, &mut labels);
            let mut fresh = Doc::new(text, gaz);
            assert_eq!(labels, tag_reference(&mut fresh, tables), "{text}");
            tagged += spans(&labels).len();
            bufs = doc.into_buffers();
        }
        assert!(tagged >= 20, "the texts should hold names: {tagged}");
    }
}
