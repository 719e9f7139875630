//! Pseudo-relevance feedback: the words that best characterise the first articles a query of
//! plain words finds reorder the articles it found, and find articles on the same topic that
//! lack the query's words when too few have them.

use std::cmp::Reverse;
use std::collections::HashSet;

use rustc_hash::FxHashMap;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, Scorer, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocSet, Searcher, TantivyDocument, Term};

use super::explain::{Label, Labelled};
use crate::error::Result;
use crate::index::Fields;
use crate::query::length::{self, Relength};
use crate::query::top::score_rank;

// Tuned on the dev queries and the tune half of the label-pair queries (BENCHMARKS.md).
/// How many of the first articles feedback reorders.
pub(crate) const RERANKED: usize = 300;
/// How many of the first articles are read for their words.
pub(crate) const FEEDBACK_DOCS: usize = 10;
/// How many words are added.
const FEEDBACK_WORDS: usize = 20;
/// A word is added only if this many of those articles have it: a word of one article alone
/// says more about that article than about the topic.
const MIN_ARTICLES: usize = 3;
/// The weight of the best added word against 1 for each of the query's own; the others weigh
/// in proportion to how well they characterise the articles.
const FEEDBACK_WEIGHT: f32 = 2.0;
/// Words that say when the first articles were written, not what they are about: the month
/// of a dateline (`LONDON, June 19 -`) or the delivery months of a futures table (`Aug`,
/// `Sep`) would draw the reordering towards articles of the same days, not the same topic.
const CALENDAR: &str = "january february march april may june july august september october \
    november december jan feb mar apr jun jul aug sep sept oct nov dec \
    monday tuesday wednesday thursday friday saturday sunday";

/// The expansion of a query whose first articles are `top`: the most informative words of
/// their titles and bodies, other than the query's own and the [`CALENDAR`]'s, each weighted by
/// how much of those articles it makes up times its inverse document frequency. None when no
/// word qualifies.
pub(crate) fn expansion(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    top: &[DocAddress],
) -> Result<Option<Expansion>> {
    let mut skipped = HashSet::new();
    query.query_terms(&mut |term, _| {
        if let Some(text) = term.value().as_str() {
            skipped.insert(text.to_string());
        }
    });
    // As the body's analyzer writes them (`januari`), as the words counted are.
    let mut analyzer = searcher.index().tokenizer_for_field(fields.body)?;
    let mut calendar = analyzer.token_stream(CALENDAR);
    while let Some(token) = calendar.next() {
        skipped.insert(token.text.clone());
    }
    let length = length::body_terms(query, fields.body);
    let found = shares(searcher, fields, top)?;
    let total = searcher.num_docs() as f32;
    let mut scored = Vec::new();
    for (word, (share, articles)) in found {
        if articles < MIN_ARTICLES || skipped.contains(&word) {
            continue;
        }
        let df = searcher.doc_freq(&Term::from_field_text(fields.body, &word))? as f32;
        let idf = (1.0 + (total - df + 0.5) / (df + 0.5)).ln();
        scored.push((share * idf, word));
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.truncate(FEEDBACK_WORDS);
    let Some(&(best, _)) = scored.first() else {
        return Ok(None);
    };
    // Searched in the body alone: adding the title lost on the dev queries.
    let words: Vec<(Term, f32)> = scored
        .into_iter()
        .map(|(score, word)| {
            (
                Term::from_field_text(fields.body, &word),
                FEEDBACK_WEIGHT * score / best,
            )
        })
        .collect();
    let clauses = words
        .iter()
        .map(|(term, boost)| {
            let term = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
            let boosted: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), *boost));
            (Occur::Should, boosted)
        })
        .collect();
    let query = Box::new(Labelled {
        label: Label::Feedback,
        query: Box::new(BooleanQuery::new(clauses)),
    });
    Ok(Some(Expansion {
        query,
        words,
        length,
    }))
}

/// Per word of the first articles of `top`: its summed share of each article, and in how many
/// articles it occurs. The sums do not depend on the map's order, so a fast hash does.
fn shares(
    searcher: &Searcher,
    fields: &Fields,
    top: &[DocAddress],
) -> Result<FxHashMap<String, (f32, usize)>> {
    let mut analyzer = searcher.index().tokenizer_for_field(fields.body)?;
    let mut found: FxHashMap<String, (f32, usize)> = FxHashMap::default();
    let mut counts: FxHashMap<String, f32> = FxHashMap::default();
    for &address in top.iter().take(FEEDBACK_DOCS) {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| super::first_str(&doc, field);
        let mut length = 0.0;
        for part in [text(fields.title), text(fields.body)] {
            let mut stream = analyzer.token_stream(part);
            while let Some(token) = stream.next() {
                length += 1.0;
                if token.text.len() > 2 && !token.text.bytes().all(|b| b.is_ascii_digit()) {
                    match counts.get_mut(token.text.as_str()) {
                        Some(count) => *count += 1.0,
                        None => {
                            counts.insert(token.text.clone(), 1.0);
                        }
                    }
                }
            }
        }
        for (word, count) in counts.drain() {
            let entry = found.entry(word).or_default();
            entry.0 += count / length;
            entry.1 += 1;
        }
    }
    Ok(found)
}

/// The words feedback adds to a query, each with its weight, and the query they make; and the
/// query's own body words, whose length normalisation the reordering makes lighter.
pub(crate) struct Expansion {
    pub(crate) query: Box<dyn Query>,
    words: Vec<(Term, f32)>,
    length: Vec<Term>,
}

impl Expansion {
    /// What `rescore` adds to a score, as clauses of a query that explains it: each labelled
    /// at the top of a query's clauses, where an explanation finds its part.
    pub(crate) fn clauses(&self) -> Vec<(Occur, Box<dyn Query>)> {
        let length = (self.length.iter())
            .map(|term| {
                let relength: Box<dyn Query> = Box::new(Relength { term: term.clone() });
                (Occur::Should, relength)
            })
            .collect();
        let length: Box<dyn Query> = Box::new(Labelled {
            label: Label::BodyLength,
            query: Box::new(BooleanQuery::new(length)),
        });
        vec![
            (Occur::Should, self.query.box_clone()),
            (Occur::Should, length),
        ]
    }
}

/// Adds to each article's score what `expansion` gives it (its words, and the lighter length
/// normalisation of the query's body words), and sorts them by the sum, best first, equal
/// sums in the order they came in. Only these articles are scored: the
/// expansion's words are common ones, and scoring every article that has any of them would
/// cost several times the search itself. Each word is scored on its own, seeking through its
/// postings to the articles: a union of the words would decode every posting between them.
pub(crate) fn rescore(
    searcher: &Searcher,
    expansion: &Expansion,
    ranked: &mut [(Option<f32>, DocAddress)],
) -> Result<()> {
    let mut order: Vec<usize> = (0..ranked.len()).collect();
    order.sort_by_key(|&i| ranked[i].1);
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let mut weights = Vec::new();
    for (term, boost) in &expansion.words {
        let term = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
        weights.push((term.weight(scoring)?, *boost));
    }
    for term in &expansion.length {
        let relength = Relength { term: term.clone() };
        weights.push((relength.weight(scoring)?, 1.0));
    }
    for (weight, boost) in &weights {
        let mut scorer: Option<(u32, Box<dyn Scorer>)> = None;
        for &i in &order {
            let (score, address) = &mut ranked[i];
            let segment = address.segment_ord;
            let scorer = match &mut scorer {
                Some((ord, scorer)) if *ord == segment => scorer,
                _ => {
                    let reader = searcher.segment_reader(segment);
                    &mut scorer.insert((segment, weight.scorer(reader, *boost)?)).1
                }
            };
            // Articles are visited in document order, as a scorer only moves forward.
            let at = match scorer.doc() < address.doc_id {
                true => scorer.seek(address.doc_id),
                false => scorer.doc(),
            };
            if at == address.doc_id {
                *score = Some(score.unwrap_or(0.0) + scorer.score());
            }
        }
    }
    // Stable, and blind to the last bits of a sum as the first ranking was: equal scores keep
    // the order it gave them.
    ranked.sort_by_key(|(score, _)| Reverse(score_rank(score.unwrap_or(0.0))));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument, doc};

    #[test]
    fn rescoring_word_by_word_adds_what_the_whole_expansion_scores() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let texts = [
            "cocoa grinders midcrop",
            "cocoa cocoa arrivals",
            "grinders strike",
            "midcrop weather arrivals arrivals",
            "unrelated words only",
        ];
        // Two segments, so that the scorers are opened again at a segment's start.
        for (at, text) in texts.iter().enumerate() {
            writer.add_document(doc!(body => *text)).unwrap();
            if at == 2 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let words: Vec<(Term, f32)> = [("grinders", 1.0), ("midcrop", 0.5), ("arrivals", 0.25)]
            .into_iter()
            .map(|(w, boost)| (Term::from_field_text(body, w), boost))
            .collect();
        let clauses = (words.iter())
            .map(|(term, boost)| {
                let term = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                let boosted: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(term), *boost));
                (Occur::Should, boosted)
            })
            .collect();
        let expansion = Expansion {
            query: Box::new(BooleanQuery::new(clauses)),
            words,
            length: vec![Term::from_field_text(body, "cocoa")],
        };
        let addresses: Vec<DocAddress> = (0..searcher.segment_readers().len() as u32)
            .flat_map(|s| {
                let docs = searcher.segment_reader(s).max_doc();
                (0..docs).map(move |d| DocAddress::new(s, d))
            })
            .collect();
        let mut ranked: Vec<(Option<f32>, DocAddress)> =
            addresses.iter().map(|&a| (Some(1.0), a)).collect();
        rescore(&searcher, &expansion, &mut ranked).unwrap();
        let weight = BooleanQuery::new(expansion.clauses())
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .unwrap();
        for (score, address) in &ranked {
            let reader = searcher.segment_reader(address.segment_ord);
            let whole = weight
                .explain(reader, address.doc_id)
                .map_or(0.0, |e| e.value());
            let doc: TantivyDocument = searcher.doc(*address).unwrap();
            assert!((score.unwrap() - 1.0 - whole).abs() < 1e-4, "{doc:?}");
        }
        let scores: Vec<f32> = ranked.iter().map(|(s, _)| s.unwrap()).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
        assert!(
            scores[0] > 1.0 && scores[scores.len() - 1] == 1.0,
            "{scores:?}"
        );
    }
}
