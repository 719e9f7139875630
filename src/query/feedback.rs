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
use super::words;
use crate::error::Result;
use crate::index::Fields;
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

/// The expansion of a query whose first articles are `top`: the most informative words of
/// their titles and bodies, other than the query's own, each weighted by how much of those
/// articles it makes up times its inverse document frequency. None when no word qualifies.
pub(crate) fn expansion(
    searcher: &Searcher,
    fields: &Fields,
    query: &dyn Query,
    top: &[DocAddress],
) -> Result<Option<Expansion>> {
    let mut own = HashSet::new();
    query.query_terms(&mut |term, _| {
        if let Some(text) = term.value().as_str() {
            own.insert(text.to_string());
        }
    });
    let total = searcher.num_docs() as f32;
    let mut scored = Vec::new();
    for (word, share, articles) in shares(searcher, fields, top)? {
        if articles < MIN_ARTICLES || own.contains(&word) {
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
    Ok(Some(Expansion { query, words }))
}

/// Each word of the first articles' titles and bodies, stemmed as the body is indexed, with
/// its summed share of each article and in how many articles it occurs; words of two letters
/// or fewer and numbers are left out. Words are found in place and each spelling is
/// lower-cased and stemmed once: most repeat across the articles.
fn shares(
    searcher: &Searcher,
    fields: &Fields,
    top: &[DocAddress],
) -> Result<Vec<(String, f32, usize)>> {
    let docs = (top.iter().take(FEEDBACK_DOCS))
        .map(|&address| searcher.doc::<TantivyDocument>(address))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
    // Per spelling, and per word lower-cased, the number `numbers` gives its stem; None for a
    // word left out.
    let mut spellings: FxHashMap<&str, Option<usize>> = FxHashMap::default();
    let mut lowered: FxHashMap<String, Option<usize>> = FxHashMap::default();
    let mut numbers: FxHashMap<String, usize> = FxHashMap::default();
    let mut lower = String::new();
    let mut number_of = |spelling: &str| {
        words::lower(spelling, &mut lower);
        if let Some(&number) = lowered.get(&lower) {
            return number;
        }
        let stem = stemmer.stem(&lower);
        let number = match stem.len() <= 2 || stem.bytes().all(|b| b.is_ascii_digit()) {
            true => None,
            false => {
                let next = numbers.len();
                Some(*numbers.entry(stem.into_owned()).or_insert(next))
            }
        };
        lowered.insert(lower.clone(), number);
        number
    };
    // Per stem, by number: its summed share and in how many articles it occurs.
    let mut sums: Vec<(f32, usize)> = Vec::new();
    // Each article's spellings and stems, with how often it has each.
    let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
    let mut stems: FxHashMap<usize, u32> = FxHashMap::default();
    for doc in &docs {
        let text = |field: Field| super::first_str(doc, field);
        let mut length = 0usize;
        for part in [text(fields.title), text(fields.body)] {
            for range in words::ranges(part) {
                length += 1;
                *counts.entry(&part[range]).or_default() += 1;
            }
        }
        for (spelling, count) in counts.drain() {
            let number = *spellings
                .entry(spelling)
                .or_insert_with(|| number_of(spelling));
            if let Some(number) = number {
                *stems.entry(number).or_default() += count;
            }
        }
        for (number, count) in stems.drain() {
            if number >= sums.len() {
                sums.resize(number + 1, (0.0, 0));
            }
            let (share, articles) = &mut sums[number];
            *share += count as f32 / length as f32;
            *articles += 1;
        }
    }
    Ok((numbers.into_iter())
        .map(|(stem, number)| (stem, sums[number].0, sums[number].1))
        .collect())
}

/// The words feedback adds to a query, each with its weight, and the query they make.
pub(crate) struct Expansion {
    pub(crate) query: Box<dyn Query>,
    words: Vec<(Term, f32)>,
}

/// Adds to each article's score what `expansion` gives it, and sorts them by the sum, best
/// first, equal sums in the order they came in. Only these articles are scored: the
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
    for (term, boost) in &expansion.words {
        let weight = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs).weight(scoring)?;
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
    fn shares_are_those_of_the_body_analyzers_tokens() {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        crate::index::schema::register_tokenizers(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let long = "y".repeat(45);
        let texts = [
            (
                "Coffee EXPORTS",
                "Coffee exports rose; exporting coffee, EXPORTED cof",
            ),
            (
                "İstanbul <b>café</b>",
                "Cafés of İSTANBUL: café 1987 1987s ΣΟΦΟΣ σοφος",
            ),
            (
                "Runs",
                "Running runners ran 42 times; coffee runs. skies skis",
            ),
            ("", &format!("coffee {long} exports naïve NAÏVE 東京 東京")),
        ];
        for (title, body) in texts {
            let mut doc = TantivyDocument::default();
            doc.add_text(fields.title, title);
            doc.add_text(fields.body, body);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let top: Vec<DocAddress> = (0..texts.len() as u32)
            .map(|d| DocAddress::new(0, d))
            .collect();
        // What the analyzer's token stream gives, counted token by token.
        let mut analyzer = index.tokenizer_for_field(fields.body).unwrap();
        let mut expected: FxHashMap<String, (f32, usize)> = FxHashMap::default();
        for (title, body) in texts {
            let mut counts: FxHashMap<String, f32> = FxHashMap::default();
            let mut length = 0.0;
            for part in [title, body] {
                let mut stream = analyzer.token_stream(part);
                while let Some(token) = stream.next() {
                    length += 1.0;
                    if token.text.len() > 2 && !token.text.bytes().all(|b| b.is_ascii_digit()) {
                        *counts.entry(token.text.clone()).or_default() += 1.0;
                    }
                }
            }
            for (word, count) in counts {
                let entry = expected.entry(word).or_default();
                entry.0 += count / length;
                entry.1 += 1;
            }
        }
        let mut expected: Vec<(String, f32, usize)> = (expected.into_iter())
            .map(|(word, (share, articles))| (word, share, articles))
            .collect();
        expected.sort_by(|a, b| a.0.cmp(&b.0));
        let mut found = shares(&searcher, &fields, &top).unwrap();
        found.sort_by(|a, b| a.0.cmp(&b.0));
        assert!(found.iter().any(|(w, _, n)| w == "export" && *n == 2));
        assert!(found.iter().any(|(w, _, _)| w == "σοφοσ"));
        assert_eq!(found, expected);
    }

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
        let weight = (expansion.query)
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
