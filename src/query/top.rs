//! The first articles of a ranking, with ties in a stable order: articles of equal score (or of
//! the same publication day) follow each other in an order drawn from their content, then their
//! keys, so the same articles give the same answer however a build split them into segments,
//! and pages never overlap.

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::sort_key::NaturalComparator;
use tantivy::collector::{Collector, SegmentCollector, TopNComputer};
use tantivy::columnar::{Column, ColumnIndex, ColumnValues, StrColumn};
use tantivy::query::Weight;
use tantivy::{DocAddress, DocId, Score, SegmentReader};

use crate::error::{Error, Result};
use crate::index::schema::field;

/// What comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum By {
    /// The best score.
    Score,
    /// The newest publication day; undated articles last.
    Newest,
}

/// Collects the articles from `offset` to `offset + limit` in the order `by`, then by content
/// hash, then by key: each as its score (when ranked by score) and its address.
pub(crate) struct Top {
    by: By,
    offset: usize,
    limit: usize,
}

impl Top {
    pub(crate) fn new(by: By, offset: usize, limit: usize) -> Top {
        Top { by, offset, limit }
    }

    fn wanted(&self) -> usize {
        self.offset.saturating_add(self.limit)
    }
}

/// An article's place: its score or day as one number, higher first; then the hash of its
/// content, which any build gives the same article and which seldom repeats; then, for copies,
/// its key's ordinal in the segment's key column, which follows the keys' order within the
/// segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    rank: u64,
    hash: Reverse<u64>,
    ord: Reverse<u64>,
    doc: Reverse<DocId>,
    /// The score itself, when ranked by score: never compared, as `doc` differs.
    score: u32,
}

/// The ordinal of an article without a key, after every key.
const NO_KEY: u64 = u64::MAX;

/// Low bits of a score left out when comparing: a sum of floating-point terms is exact to a
/// few units in its last place only, and the order the terms are added in follows where the
/// articles lie in the index, so scores that differ there alone are ties (2⁻¹⁵, 0.003 %).
/// Two sums a unit apart on either side of a step still differ: the order is the same on every
/// build in all but such rare cases.
const NOISE_BITS: u32 = 8;

/// A score as a number in the same order (the sign bit flipped, negatives mirrored), without
/// its last [`NOISE_BITS`].
pub(crate) fn score_rank(score: Score) -> u64 {
    let bits = score.to_bits();
    u64::from(match bits >> 31 {
        0 => bits | 1 << 31,
        _ => !bits,
    }) >> NOISE_BITS
}

/// The lowest score of a rank.
fn lowest_score(rank: u64) -> Score {
    let bits = (rank << NOISE_BITS) as u32;
    Score::from_bits(match bits >> 31 {
        1 => bits & !(1 << 31),
        _ => !bits,
    })
}

/// A day as a number in the same order; undated articles get 0, below every day (days are
/// those of years 1 to 9999, far from `i64::MIN`).
fn day_rank(day: Option<i64>) -> u64 {
    day.map_or(0, |d| (d as u64) ^ 1 << 63)
}

/// The best `k` articles of one segment so far, kept as tantivy's own top-docs collector keeps
/// them: appended to a buffer of `2k`, cut to the best `k` whenever it is full.
pub(crate) struct SegmentTop {
    segment: u32,
    by: By,
    top: TopNComputer<Entry, DocId, NaturalComparator>,
    /// Each article's content hash, read for every article tied with the last cut: read
    /// straight from the values where every article has one, as every article gazette writes.
    hashes: Option<Arc<dyn ColumnValues<u64>>>,
    keys: Option<StrColumn>,
    /// Each article's key ordinal, read as the hashes are.
    ords: Option<Arc<dyn ColumnValues<u64>>>,
    days: Option<Column<i64>>,
}

impl SegmentTop {
    // Every match passes here, most to be turned away at once: that part is kept inline.
    #[inline(always)]
    fn push(&mut self, doc: DocId, score: Score) {
        let rank = match self.by {
            By::Score => score_rank(score),
            By::Newest => day_rank(self.days.as_ref().and_then(|days| days.first(doc))),
        };
        if self.top.threshold.is_none_or(|cut| rank >= cut.rank) {
            self.enter(doc, rank, score);
        }
    }

    /// Keeps the article unless it falls below the last cut; its hash is read only for articles
    /// of the cut's rank or better, and its key's ordinal only for those kept.
    #[inline(never)]
    fn enter(&mut self, doc: DocId, rank: u64, score: Score) {
        let hash = self.hashes.as_ref().map_or(NO_KEY, |h| h.get_val(doc));
        if let Some(cut) = self.top.threshold
            && (rank, Reverse(hash)) < (cut.rank, cut.hash)
        {
            return;
        }
        let ord = self.ords.as_ref().map(|o| o.get_val(doc));
        let entry = Entry {
            rank,
            hash: Reverse(hash),
            ord: Reverse(ord.unwrap_or(NO_KEY)),
            doc: Reverse(doc),
            score: score.to_bits(),
        };
        self.top.push(entry, doc);
    }

    /// The score at or below which no article can be kept any more; articles of the last cut's
    /// rank still can, by their hash.
    fn threshold(&self) -> Score {
        self.top
            .threshold
            .map_or(Score::MIN, |cut| lowest_score(cut.rank).next_down())
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = SegmentFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.push(doc, score);
    }

    fn harvest(self) -> SegmentFruit {
        SegmentFruit {
            segment: self.segment,
            entries: self
                .top
                .into_vec()
                .into_iter()
                .map(|d| d.sort_key)
                .collect(),
            keys: self.keys,
        }
    }
}

/// Each article's first value of a column (`NO_KEY` for none), read straight from the values
/// where every article has exactly one.
fn first_values(column: Column<u64>) -> Arc<dyn ColumnValues<u64>> {
    match column.index {
        ColumnIndex::Full => column.values,
        _ => column.first_or_default_col(NO_KEY),
    }
}

/// One segment's best articles, with its key column to order copies among other segments'.
pub(crate) struct SegmentFruit {
    segment: u32,
    entries: Vec<Entry>,
    keys: Option<StrColumn>,
}

impl Collector for Top {
    type Fruit = Vec<(Option<Score>, DocAddress)>;
    type Child = SegmentTop;

    fn for_segment(&self, segment: u32, reader: &SegmentReader) -> tantivy::Result<SegmentTop> {
        let fast = reader.fast_fields();
        let keys = fast.str(field::PATH)?;
        Ok(SegmentTop {
            segment,
            by: self.by,
            top: TopNComputer::new_with_comparator(self.wanted().max(1), NaturalComparator),
            hashes: fast.column_opt(field::HASH)?.map(first_values),
            ords: keys.as_ref().map(|k| first_values(k.ords().clone())),
            keys,
            days: match self.by {
                By::Score => None,
                By::Newest => fast.column_opt(field::PUBLISHED)?,
            },
        })
    }

    fn requires_scoring(&self) -> bool {
        self.by == By::Score
    }

    /// By score alone, the query may skip the articles that cannot beat the worst kept one
    /// (block-max WAND), as tantivy's own top-docs collector lets it.
    fn collect_segment(
        &self,
        weight: &dyn Weight,
        segment: u32,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFruit> {
        let mut top = self.for_segment(segment, reader)?;
        let alive = reader.alive_bitset();
        let alive = |doc| alive.is_none_or(|a| a.is_alive(doc));
        match self.by {
            By::Score => weight.for_each_pruning(Score::MIN, reader, &mut |doc, score| {
                if alive(doc) {
                    top.push(doc, score);
                }
                top.threshold()
            })?,
            By::Newest => weight.for_each_no_score(reader, &mut |docs| {
                for &doc in docs.iter().filter(|&&d| alive(d)) {
                    top.push(doc, 0.0);
                }
            })?,
        }
        Ok(top.harvest())
    }

    fn merge_fruits(&self, fruits: Vec<SegmentFruit>) -> tantivy::Result<Self::Fruit> {
        let ordered = merge(fruits, self.wanted()).map_err(|e| match e {
            Error::Index(e) => e,
            other => tantivy::TantivyError::InternalError(other.to_string()),
        })?;
        Ok((ordered.into_iter().skip(self.offset))
            .map(|(entry, segment)| {
                let score = (self.by == By::Score).then(|| Score::from_bits(entry.score));
                (score, DocAddress::new(segment, entry.doc.0))
            })
            .collect())
    }
}

/// The first `wanted` of all segments' articles. Ordinals order keys within a segment only, so
/// where copies of an article in different segments tie, their keys are read, in one ordered
/// pass over each segment's dictionary.
fn merge(fruits: Vec<SegmentFruit>, wanted: usize) -> Result<Vec<(Entry, u32)>> {
    let mut all: Vec<(Entry, u32)> = (fruits.iter())
        .flat_map(|f| f.entries.iter().map(move |&e| (e, f.segment)))
        .collect();
    let tie = |e: &Entry| (Reverse(e.rank), e.hash.0);
    all.sort_unstable_by_key(|&(entry, segment)| (tie(&entry), segment, Reverse(entry)));
    let mut tied = Vec::new();
    let mut start = 0;
    while start < all.len().min(wanted) {
        let first = tie(&all[start].0);
        let end = start + all[start..].partition_point(|(e, _)| tie(e) == first);
        if all[start..end].iter().any(|&(_, s)| s != all[start].1) {
            tied.push(start..end);
        }
        start = end;
    }
    if !tied.is_empty() {
        let keys = tied_keys(&fruits, tied.iter().flat_map(|r| &all[r.clone()]))?;
        for range in tied {
            all[range].sort_by(|a, b| keys[&(a.1, a.0.ord.0)].cmp(&keys[&(b.1, b.0.ord.0)]));
        }
    }
    all.truncate(wanted);
    Ok(all)
}

/// The keys of `entries`, by segment and ordinal.
fn tied_keys<'a>(
    fruits: &[SegmentFruit],
    entries: impl Iterator<Item = &'a (Entry, u32)>,
) -> Result<HashMap<(u32, u64), String>> {
    let mut ords: HashMap<u32, Vec<u64>> = HashMap::new();
    for &(entry, segment) in entries {
        ords.entry(segment).or_default().push(entry.ord.0);
    }
    let mut keys = HashMap::new();
    for fruit in fruits {
        let Some(mut wanted) = ords.remove(&fruit.segment) else {
            continue;
        };
        wanted.sort_unstable();
        wanted.dedup();
        // An article without a key (never written by gazette) sorts after every key.
        let keyless = wanted.len() - wanted.partition_point(|&o| o < NO_KEY);
        let mut terms = match &fruit.keys {
            Some(column) => sorted_terms(column, &wanted[..wanted.len() - keyless])?,
            None => Vec::new(),
        };
        terms.resize(wanted.len(), String::from(char::MAX));
        keys.extend(wanted.into_iter().map(|o| (fruit.segment, o)).zip(terms));
    }
    Ok(keys)
}

/// The values of a text column's dictionary at `sorted` ordinals (ascending, no repeats), read
/// in one ordered pass: looking them up one by one would decode a dictionary block each.
pub(crate) fn sorted_terms(column: &StrColumn, sorted: &[u64]) -> Result<Vec<String>> {
    let mut terms = Vec::with_capacity(sorted.len());
    let found = column
        .dictionary()
        .sorted_ords_to_term_cb(sorted, |term| {
            terms.push(String::from_utf8_lossy(term).into_owned())
        })
        .map_err(|e| Error::Index(e.into()))?;
    match found {
        true => Ok(terms),
        false => Err(Error::Index(tantivy::TantivyError::InternalError(
            "a fast column names a value missing from its dictionary".into(),
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::Count;
    use tantivy::query::{AllQuery, Query, TermQuery};
    use tantivy::schema::{FAST, IndexRecordOption, STORED, STRING, Schema, TEXT, Value};
    use tantivy::{Index, Searcher, Term, doc};

    /// Articles `(key, body, day, hash)` added in `order`, committed into a new segment after
    /// each index in `cuts`.
    fn index(articles: &[(&str, &str, i64, u64)], order: &[usize], cuts: &[usize]) -> Searcher {
        let mut schema = Schema::builder();
        let path = schema.add_text_field(field::PATH, STRING | FAST | STORED);
        let body = schema.add_text_field("body", TEXT);
        let day = schema.add_i64_field(field::PUBLISHED, FAST);
        let hash = schema.add_u64_field(field::HASH, FAST);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (at, &i) in order.iter().enumerate() {
            let (key, text, published, content) = articles[i];
            let article = doc!(path => key, body => text, day => published, hash => content);
            writer.add_document(article).unwrap();
            if cuts.contains(&at) {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        index.reader().unwrap().searcher()
    }

    /// The keys `Top::new(by, offset, limit)` finds, checked to be the same whether the query
    /// may skip articles (the top alone) or must visit them all (beside a count).
    fn keys(searcher: &Searcher, query: &dyn Query, page: (By, usize, usize)) -> Vec<String> {
        let (by, offset, limit) = page;
        let alone = searcher
            .search(query, &Top::new(by, offset, limit))
            .unwrap();
        let visited = searcher.search(query, &(Top::new(by, offset, limit), Count));
        assert_eq!(alone, visited.unwrap().0);
        (alone.into_iter())
            .map(|(_, address)| {
                let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
                let path = searcher.schema().get_field(field::PATH).unwrap();
                doc.get_first(path)
                    .and_then(|v| v.as_str())
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    /// `a.txt` and `c.txt` are copies (the same hash).
    const ARTICLES: &[(&str, &str, i64, u64)] = &[
        ("e.txt", "cocoa prices", 5, 30),
        ("a.txt", "cocoa prices", 7, 20),
        ("d.txt", "cocoa cocoa cocoa", 5, 10),
        ("c.txt", "cocoa prices", 5, 20),
        ("b.txt", "cocoa prices", 9, 40),
        ("f.txt", "coffee prices", 5, 50),
        ("g.txt", "cocoa prices", 7, 10),
    ];

    #[test]
    fn ties_fall_by_hash_then_key_however_the_articles_were_segmented() {
        let builds = [
            index(ARTICLES, &[0, 1, 2, 3, 4, 5, 6], &[]),
            index(ARTICLES, &[6, 5, 4, 3, 2, 1, 0], &[2, 4]),
            index(ARTICLES, &[3, 0, 6, 1, 5, 2, 4], &[0, 3]),
        ];
        for searcher in &builds {
            let body = searcher.schema().get_field("body").unwrap();
            let term = Term::from_field_text(body, "cocoa");
            let cocoa = TermQuery::new(term, IndexRecordOption::WithFreqs);
            let by_score = keys(searcher, &cocoa, (By::Score, 0, 10));
            assert_eq!(
                by_score,
                ["d.txt", "g.txt", "a.txt", "c.txt", "e.txt", "b.txt"]
            );
            // A page never repeats or skips an article of the whole list.
            for (offset, limit) in [(0, 2), (1, 3), (2, 2), (4, 5)] {
                let page = keys(searcher, &cocoa, (By::Score, offset, limit));
                let whole = &by_score[offset.min(6)..(offset + limit).min(6)];
                assert_eq!(page, whole, "offset {offset}, limit {limit}");
            }
            let newest = keys(searcher, &AllQuery, (By::Newest, 0, 10));
            let expected = [
                "b.txt", "g.txt", "a.txt", "d.txt", "c.txt", "e.txt", "f.txt",
            ];
            assert_eq!(newest, expected);
            let page = keys(searcher, &AllQuery, (By::Newest, 3, 2));
            assert_eq!(page, ["d.txt", "c.txt"]);
        }
    }

    #[test]
    fn pages_cut_from_many_ties_match_a_full_sort() {
        // 120 articles of three texts and a dozen hashes, so that ties fill every cut.
        let texts = ["cocoa prices", "cocoa cocoa prices rose", "cocoa"];
        let names: Vec<String> = (0..120)
            .map(|i| format!("{:03}.txt", (i * 37) % 120))
            .collect();
        let articles: Vec<(&str, &str, i64, u64)> = (names.iter().enumerate())
            .map(|(i, name)| (name.as_str(), texts[i % 3], (i % 4) as i64, (i % 12) as u64))
            .collect();
        let order: Vec<usize> = (0..120).map(|i| (i * 53) % 120).collect();
        for cuts in [&[][..], &[30, 70, 100]] {
            let searcher = index(&articles, &order, cuts);
            let body = searcher.schema().get_field("body").unwrap();
            let term = Term::from_field_text(body, "cocoa");
            let cocoa = TermQuery::new(term, IndexRecordOption::WithFreqs);
            let path = searcher.schema().get_field(field::PATH).unwrap();
            let key = |address| {
                let doc: tantivy::TantivyDocument = searcher.doc(address).unwrap();
                doc.get_first(path)
                    .and_then(|v| v.as_str())
                    .unwrap()
                    .to_string()
            };
            let hash = |key: &str| articles.iter().find(|a| a.0 == key).unwrap().3;
            let all = tantivy::collector::TopDocs::with_limit(200).order_by_score();
            let mut expected: Vec<(u64, u64, String)> = (searcher.search(&cocoa, &all).unwrap())
                .into_iter()
                .map(|(score, address)| {
                    let key = key(address);
                    (score_rank(score), hash(&key), key)
                })
                .collect();
            expected.sort_by(|a, b| (b.0, a.1, &a.2).cmp(&(a.0, b.1, &b.2)));
            let expected: Vec<String> = expected.into_iter().map(|e| e.2).collect();
            for (offset, limit) in [(0, 1), (0, 7), (5, 10), (33, 20), (100, 30)] {
                let page = keys(&searcher, &cocoa, (By::Score, offset, limit));
                assert_eq!(
                    page,
                    expected[offset..(offset + limit).min(120)],
                    "{offset} {limit}"
                );
            }
        }
    }

    #[test]
    fn scores_keep_their_order_as_ranks_and_last_bits_do_not_count() {
        let scores = [-3.5, -0.0, 0.0, 1e-30, 0.25, 7.0, 7.01, f32::MAX];
        for pair in scores.windows(2) {
            assert!(score_rank(pair[0]) <= score_rank(pair[1]), "{pair:?}");
        }
        for score in [0.25f32, 7.0, 24.005463] {
            let rank = score_rank(score);
            let lowest = lowest_score(rank);
            assert!(lowest <= score && score_rank(lowest) == rank, "{score}");
            assert!(score_rank(lowest.next_down()) < rank, "{score}");
            // A sum added in another order, a unit in the last place apart, ties.
            assert_eq!(score_rank(lowest.next_up()), rank);
        }
        assert!(score_rank(7.0) < score_rank(7.001));
        assert!(day_rank(None) < day_rank(Some(-719_162)));
        assert!(day_rank(Some(-1)) < day_rank(Some(0)));
    }
}
