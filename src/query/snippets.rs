//! Snippets: the passage of a hit's body richest in the query's words, chosen as tantivy's
//! `SnippetGenerator` chooses it, but with one analyzer for the whole page. tantivy's clones
//! its analyzer for every hit, which copies the stemmer's memo (160 KB) and starts it empty,
//! so each hit stemmed every word of its body afresh; here a word is stemmed once per query,
//! feedback's reading of the first articles included.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::TextAnalyzer;

use crate::error::Result;

/// Picks each hit's passage for one query.
pub(crate) struct Snippets {
    /// Each query word found in some article, weighted as tantivy weighs it: rarer words
    /// weigh more.
    words: HashMap<String, f32>,
    analyzer: TextAnalyzer,
    field: Field,
    /// The longest passage, in bytes of the body (tantivy's measure).
    max_len: usize,
}

/// A passage with its word ranges, in bytes of the passage.
pub(crate) type Passage = (String, Vec<Range<usize>>);

/// A stretch of the body being weighed: where it starts and ends and the words it holds.
struct Candidate {
    score: f32,
    start: usize,
    stop: usize,
    highlighted: Vec<Range<usize>>,
}

impl Candidate {
    fn at(start: usize) -> Candidate {
        Candidate {
            score: 0.0,
            start,
            stop: start,
            highlighted: Vec::new(),
        }
    }
}

impl Snippets {
    /// The passages `query` picks in `field`, tokenized by `analyzer` (the field's own).
    pub(crate) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        (field, analyzer): (Field, TextAnalyzer),
        max_len: usize,
    ) -> Result<Snippets> {
        let mut terms = Vec::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.push(term.clone());
            }
        });
        let mut words = HashMap::new();
        for term in terms {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            if words.contains_key(text) {
                continue;
            }
            let doc_freq = searcher.doc_freq(&term)?;
            if doc_freq > 0 {
                words.insert(text.to_string(), 1.0 / (1.0 + doc_freq as f32));
            }
        }
        Ok(Snippets {
            words,
            analyzer,
            field,
            max_len,
        })
    }

    /// The passage of `doc` richest in the query's words; None when it has none of them.
    pub(crate) fn of(&mut self, doc: &tantivy::TantivyDocument) -> Option<Passage> {
        let mut text = String::new();
        for value in doc.get_all(self.field) {
            if let Some(value) = value.as_str() {
                text.push(' ');
                text.push_str(value);
            }
        }
        let text = text.trim();
        let best = self.candidates(text).into_iter().max_by(|left, right| {
            match left.score.partial_cmp(&right.score) {
                Some(Ordering::Equal) | None => {
                    (right.start, right.stop).cmp(&(left.start, left.stop))
                }
                Some(order) => order,
            }
        })?;
        let highlighted = (best.highlighted.iter())
            .map(|r| r.start - best.start..r.end - best.start)
            .collect();
        Some((text[best.start..best.stop].to_string(), highlighted))
    }

    /// Consecutive stretches of at most `max_len` bytes that hold a query word.
    fn candidates(&mut self, text: &str) -> Vec<Candidate> {
        let mut found = Vec::new();
        let mut current = Candidate::at(0);
        let mut stream = self.analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if token.offset_to - current.start > self.max_len {
                let next = Candidate::at(token.offset_from);
                let done = std::mem::replace(&mut current, next);
                if done.score > 0.0 {
                    found.push(done);
                }
            }
            current.stop = token.offset_to;
            // The analyzer lower-cases already; other text is compared as tantivy compares it.
            let weight = match token
                .text
                .bytes()
                .any(|b| b.is_ascii_uppercase() || b > 127)
            {
                true => self.words.get(&token.text.to_lowercase()),
                false => self.words.get(&token.text),
            };
            if let Some(weight) = weight {
                current.score += weight;
                current.highlighted.push(token.offset_from..token.offset_to);
            }
        }
        if current.score > 0.0 {
            found.push(current);
        }
        found
    }
}
