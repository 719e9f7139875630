//! Body words scored again with lighter length normalisation when feedback reorders the first
//! articles: what BM25 with `b` = [`BODY_B`] gives a word of the body beyond what tantivy's
//! fixed `b` = 0.75 gave it.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// tantivy's BM25 constants, which it does not let a query change.
const K1: Score = 1.2;
const TANTIVY_B: Score = 0.75;
/// A long Reuters article is mostly a fuller report on its topic, not a wordier one, so its
/// length is held against it less than tantivy's 0.75 does (tuned on the dev queries and the
/// tune half of the label-pair queries; BENCHMARKS.md).
const BODY_B: Score = 0.3;

/// One body word of the query: its score under `b` = [`BODY_B`] minus its score under
/// tantivy's `b`, in the articles that have it. Negative in short articles, positive in long
/// ones; added, it makes the word's body score BM25's with the lighter normalisation.
#[derive(Clone, Debug)]
pub(crate) struct Relength {
    pub(crate) term: Term,
}

impl Query for Relength {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        // Without scoring (a count, a filter) the scores go unused.
        let (idf, average) = match scoring {
            EnableScoring::Enabled {
                statistics_provider: stats,
                ..
            } => {
                let docs = stats.total_num_docs()?;
                let tokens = stats.total_num_tokens(self.term.field())?;
                let df = stats.doc_freq(&self.term)?;
                (idf(df, docs), tokens as Score / docs.max(1) as Score)
            }
            EnableScoring::Disabled { .. } => (0.0, 1.0),
        };
        Ok(Box::new(RelengthWeight {
            term: self.term.clone(),
            stats: Bm25Stats { idf, average },
        }))
    }
}

/// The terms `query` scores one by one in the body field, as often as it scores each, in term
/// order: the words of a phrase are scored as the phrase, not one by one.
pub(crate) fn body_terms(query: &dyn Query, body: Field) -> Vec<Term> {
    let mut terms = Vec::new();
    query.query_terms(&mut |term, in_phrase| {
        if term.field() == body && !in_phrase {
            terms.push(term.clone());
        }
    });
    terms.sort();
    terms
}

/// BM25's inverse document frequency, as tantivy computes it.
fn idf(df: u64, docs: u64) -> Score {
    let rest = docs.saturating_sub(df) as Score;
    (1.0 + (rest + 0.5) / (df as Score + 0.5)).ln()
}

#[derive(Clone, Copy)]
struct Bm25Stats {
    idf: Score,
    average: Score,
}

impl Bm25Stats {
    /// The change to the word's score in an article of `fieldnorm_id` that has it `tf` times.
    fn delta(self, fieldnorm_id: u8, tf: u32) -> Score {
        let length = FieldNormReader::id_to_fieldnorm(fieldnorm_id) as Score / self.average;
        let tf = tf as Score;
        let bm25 = |b: Score| tf / (tf + K1 * (1.0 - b + b * length));
        self.idf * (1.0 + K1) * (bm25(BODY_B) - bm25(TANTIVY_B))
    }
}

struct RelengthWeight {
    term: Term,
    stats: Bm25Stats,
}

impl RelengthWeight {
    fn open(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<RelengthScorer>> {
        let postings = (reader.inverted_index(self.term.field())?)
            .read_postings(&self.term, IndexRecordOption::WithFreqs)?;
        let norms = reader.get_fieldnorms_reader(self.term.field())?;
        Ok(postings.map(|postings| RelengthScorer {
            postings,
            norms,
            stats: self.stats,
            boost,
        }))
    }
}

impl Weight for RelengthWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.open(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(tantivy::query::EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        // A scorer only moves forward, and starts on its first article.
        if let Some(mut scorer) = self.open(reader, 1.0)?
            && scorer.doc() <= doc
            && scorer.seek(doc) == doc
        {
            let description = format!("body length: BM25 with b {BODY_B} minus b {TANTIVY_B}");
            return Ok(Explanation::new_with_string(description, scorer.score()));
        }
        Err(TantivyError::InvalidArgument(format!(
            "document #({doc}) does not match"
        )))
    }
}

struct RelengthScorer {
    postings: SegmentPostings,
    norms: FieldNormReader,
    stats: Bm25Stats,
    boost: Score,
}

impl DocSet for RelengthScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }
    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }
    fn doc(&self) -> DocId {
        self.postings.doc()
    }
    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for RelengthScorer {
    fn score(&mut self) -> Score {
        let id = self.norms.fieldnorm_id(self.postings.doc());
        self.boost * self.stats.delta(id, self.postings.term_freq())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::query::TermQuery;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn tantivys_score_plus_the_change_is_bm25_with_the_lighter_b() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let texts = [
            "cocoa",
            "cocoa arrivals in the ivory coast port this week",
            "cocoa grinders said cocoa arrivals rose in a week of strong demand from grinders \
             in europe and the united states while prices of cocoa held",
            "unrelated words only",
        ];
        for text in texts {
            writer.add_document(doc!(body => text)).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = Term::from_field_text(body, "cocoa");
        let scoring = EnableScoring::enabled_from_searcher(&searcher);
        let tantivy = (TermQuery::new(term.clone(), IndexRecordOption::WithFreqs))
            .weight(scoring)
            .unwrap();
        let relength = Relength { term }.weight(scoring).unwrap();
        let lengths: Vec<f32> = texts
            .iter()
            .map(|t| t.split_whitespace().count() as f32)
            .collect();
        let average = lengths.iter().sum::<f32>() / lengths.len() as f32;
        let idf = (1.0f32 + (4.0 - 3.0 + 0.5) / (3.0 + 0.5)).ln();
        let reader = searcher.segment_reader(0);
        let mut changes = Vec::new();
        for (doc, text) in texts.iter().enumerate().take(3) {
            let tf = text.matches("cocoa").count() as f32;
            let norm = 1.0 - BODY_B + BODY_B * lengths[doc] / average;
            let expected = idf * (1.0 + K1) * tf / (tf + K1 * norm);
            let before = tantivy.explain(reader, doc as u32).unwrap().value();
            let change = relength.explain(reader, doc as u32).unwrap().value();
            assert!(
                (before + change - expected).abs() < 1e-4,
                "{doc}: {before} {change}"
            );
            let mut scorer = relength.scorer(reader, 2.0).unwrap();
            assert_eq!(scorer.seek(doc as u32), doc as u32);
            assert!((scorer.score() - 2.0 * change).abs() < 1e-6);
            changes.push(change);
        }
        // Lighter normalisation takes from the short article and gives to the long one.
        assert!(changes[0] < 0.0 && changes[2] > 0.0, "{changes:?}");
        assert!(relength.explain(reader, 3).is_err());
    }
}
