//! Snippets: the passage of a hit's body richest in the query's words, chosen as tantivy's
//! `SnippetGenerator` chooses it, for less. tantivy's stems every word of every hit's body,
//! with an analyzer cloned for each hit (which copies the stemmer's 160 KB memo and starts it
//! empty); here the words are found in place, and only those that may stem to a query word
//! are lower-cased and stemmed, each once.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::ops::Range;

use rustc_hash::FxHashMap;
use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::{Field, Value};

use super::words;
use crate::error::Result;

/// Picks each hit's passage for one query.
pub(crate) struct Snippets {
    /// Each query word found in some article, weighted as tantivy weighs it: rarer words
    /// weigh more.
    words: HashMap<String, f32>,
    /// The first letters and digits of `words`. English stemming only ever changes the end
    /// of a word, so a word starting with another letter or digit cannot be a query word and
    /// is not stemmed.
    initials: [bool; 128],
    stemmer: frostem::Stemmer,
    /// The weight of each word stemmed so far (None: not a query word).
    stemmed: FxHashMap<String, Option<f32>>,
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
    /// The passages `query` picks in `field`, the field's text tokenized as it was indexed.
    pub(crate) fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
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
        let mut initials = [false; 128];
        for word in words.keys() {
            match word.bytes().next() {
                Some(first) if first.is_ascii_alphanumeric() => initials[first as usize] = true,
                _ => {}
            }
        }
        Ok(Snippets {
            words,
            initials,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            stemmed: FxHashMap::default(),
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
        let Snippets {
            words: weights,
            initials,
            stemmer,
            stemmed,
            max_len,
            ..
        } = self;
        let mut weight_of = |word: &str| -> Option<f32> {
            if let Some(weight) = stemmed.get(word) {
                return *weight;
            }
            let stem = stemmer.stem(word);
            // The analyzer lower-cases already; tantivy lower-cases again before comparing.
            let weight = match stem.bytes().any(|b| b.is_ascii_uppercase() || b > 127) {
                true => weights.get(&stem.to_lowercase()),
                false => weights.get(stem.as_ref()),
            };
            stemmed.insert(word.to_string(), weight.copied());
            weight.copied()
        };
        let mut lower = String::new();
        for range in words::ranges(text) {
            if range.end - current.start > *max_len {
                let next = Candidate::at(range.start);
                let done = std::mem::replace(&mut current, next);
                if done.score > 0.0 {
                    found.push(done);
                }
            }
            current.stop = range.end;
            let word = &text[range.clone()];
            // Most words start with a letter no query word starts with: they are not even
            // lower-cased.
            let first = word.as_bytes()[0].to_ascii_lowercase();
            if first.is_ascii_alphanumeric() && !initials[first as usize] {
                continue;
            }
            words::lower(word, &mut lower);
            if let Some(weight) = weight_of(&lower) {
                current.score += weight;
                current.highlighted.push(range);
            }
        }
        if current.score > 0.0 {
            found.push(current);
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Fields;
    use crate::index::schema::register_tokenizers;
    use tantivy::query::QueryParser;
    use tantivy::snippet::SnippetGenerator;
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn stemming_keeps_the_first_letter_of_a_word() {
        let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
        // The stemmer's own exceptions, words it rewrites from their start (`y` marked as a
        // consonant), the shortest words and numbers.
        let words = [
            "skis",
            "skies",
            "dying",
            "lying",
            "tying",
            "idly",
            "gently",
            "ugly",
            "early",
            "only",
            "singly",
            "news",
            "howe",
            "atlas",
            "cosmos",
            "bias",
            "andes",
            "yelling",
            "youth",
            "y",
            "ies",
            "ied",
            "eed",
            "sses",
            "us",
            "s",
            "generously",
            "communism",
            "arsenal",
            "universal",
            "1980s",
            "2nd",
            "yyyy",
            "ays",
            "eying",
            "éclairs",
        ];
        for word in words {
            let stem = stemmer.stem(word);
            assert_eq!(stem.chars().next(), word.chars().next(), "{word} → {stem}");
        }
    }

    #[test]
    fn passages_are_those_tantivys_snippet_generator_picks() {
        let (schema, _) = Fields::schema();
        let index = Index::create_in_ram(schema.clone());
        register_tokenizers(&index);
        let fields = Fields::from_schema(&schema).unwrap();
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let bodies = [
            "Running runs ran; the runner's RUNS were run again. Coffee prices rose.",
            "  Économie: les prix du café. Coffee, coffees and COFFEE futures in 1987 and 1988.",
            "Nothing here matches at all, not one word of it.",
            "Prices rose and prices fell; price controls were lifted as prices kept rising, \
             while the coffee crop failed and growers asked for higher prices for coffee.",
        ];
        for body in bodies {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.body, body);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let parser = QueryParser::for_index(&index, vec![fields.body]);
        for text in [
            "coffee",
            "running prices",
            "café 1987",
            "price OR growers",
            "zzz",
        ] {
            let query = parser.parse_query(text).unwrap();
            let mut ours = Snippets::new(&searcher, &*query, fields.body, 40).unwrap();
            let mut theirs = SnippetGenerator::create(&searcher, &*query, fields.body).unwrap();
            theirs.set_max_num_chars(40);
            let mut matched = 0;
            for doc in 0..bodies.len() as u32 {
                let doc: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, doc)).unwrap();
                let snippet = theirs.snippet_from_doc(&doc);
                let expected = (!snippet.is_empty()).then(|| {
                    (
                        snippet.fragment().to_string(),
                        snippet.highlighted().to_vec(),
                    )
                });
                let found = ours.of(&doc);
                matched += usize::from(found.is_some());
                assert_eq!(found, expected, "{text}");
            }
            assert_eq!(matched > 0, text != "zzz", "{text}");
        }
    }
}
