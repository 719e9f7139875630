//! The archive's names as a reader sees them: the alias rules applied and short forms credited
//! to full names, worked out from the name columns of the commit being searched, so that an
//! incremental index answers exactly as a rebuilt one.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, Searcher, SegmentReader};

use serde::{Deserialize, Serialize};

use super::aliases::{Aliases, Outcome};
use super::kind::Kind;
use super::link::{Counts, LinkRule, Links};
use crate::error::{Error, Result};

/// The kinds the index has a name column for.
fn stored() -> impl Iterator<Item = Kind> {
    Kind::ALL.into_iter().filter(|k| k.stored())
}

pub(crate) struct NameBook {
    aliases: Aliases,
    links: HashMap<Kind, Links>,
    /// Names, as stored, whose article is resolved as a whole, sorted; any other name is shown
    /// as it is stored and needs no look-up.
    involved: HashMap<Kind, Vec<String>>,
}

impl NameBook {
    /// Counts, over the live articles, the articles naming each full name: per stored name
    /// from the columns' ordinals, so that only the dictionaries are read as text. Articles
    /// are read one by one only where that cannot be: for a kind whose short forms count only
    /// beside their full name, and for names with an alias rule.
    pub(crate) fn build(searcher: &Searcher, aliases: Aliases) -> Result<NameBook> {
        let mut counts: HashMap<Kind, Counts> = HashMap::new();
        let ruled: HashSet<(Kind, &str)> = aliases.ruled().collect();
        for segment in searcher.segment_readers() {
            for (kind, column) in columns(segment)? {
                let mut per_ord = vec![0u32; column.num_terms()];
                for doc in segment.doc_ids_alive() {
                    for ord in column.term_ords(doc) {
                        per_ord[ord as usize] += 1;
                    }
                }
                let mut stream = column
                    .dictionary()
                    .stream()
                    .map_err(tantivy::TantivyError::from)?;
                let mut whole_articles = Vec::new();
                while stream.advance() {
                    let n = per_ord[stream.term_ord() as usize];
                    let Ok(name) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if n == 0 {
                        continue;
                    }
                    match LinkRule::of(kind) {
                        _ if ruled.contains(&(kind, name)) => {
                            whole_articles.push(stream.term_ord())
                        }
                        Some(rule) if rule.counts_alone() => {
                            counts.entry(kind).or_default().add(rule, name, n)
                        }
                        Some(_) => whole_articles.push(stream.term_ord()),
                        None => {}
                    }
                }
                if !whole_articles.is_empty() {
                    count_articles(
                        &aliases,
                        (segment, kind, &column),
                        &whole_articles,
                        &mut counts,
                    )?;
                }
            }
        }
        let links: Vec<(Kind, Links)> = counts
            .into_iter()
            .filter_map(|(kind, counts)| Some((kind, Links::new(LinkRule::of(kind)?, counts))))
            .collect();
        Ok(NameBook::new(aliases, links))
    }

    fn new(aliases: Aliases, links: Vec<(Kind, Links)>) -> NameBook {
        let links: HashMap<Kind, Links> = links.into_iter().collect();
        let mut involved: HashMap<Kind, HashSet<String>> = HashMap::new();
        for (kind, links) in &links {
            let set = involved.entry(*kind).or_default();
            set.extend(links.involved().map(str::to_string));
        }
        for (kind, name) in aliases.ruled() {
            involved.entry(kind).or_default().insert(name.to_string());
            if let Outcome::Name(to_kind, to) = aliases.apply(kind, name) {
                involved.entry(to_kind).or_default().insert(to.to_string());
            }
        }
        let involved = involved
            .into_iter()
            .map(|(kind, names)| {
                let mut names: Vec<String> = names.into_iter().collect();
                names.sort_unstable();
                (kind, names)
            })
            .collect();
        NameBook {
            aliases,
            links,
            involved,
        }
    }

    /// The book saved by [`NameBook::saved`], when it was worked out for `stamp`.
    pub(crate) fn from_saved(bytes: &[u8], stamp: u64, aliases: Aliases) -> Option<NameBook> {
        let saved: Saved = serde_json::from_slice(bytes).ok()?;
        (saved.stamp == stamp).then(|| NameBook::new(aliases, saved.links))
    }

    /// The book as saved in the index folder, for the commit and alias rules of `stamp`.
    pub(crate) fn saved(&self, stamp: u64) -> Result<Vec<u8>> {
        let links = self.links.iter().map(|(k, l)| (*k, l.clone())).collect();
        Ok(serde_json::to_vec(&Saved { stamp, links })?)
    }

    /// Whether an article naming `name` may show other names than it stores: the name is a
    /// short form tied to a full name, or has an alias rule. The other involved names matter
    /// only beside one of these.
    fn triggers(&self, kind: Kind, name: &str) -> bool {
        self.links.get(&kind).is_some_and(|l| l.is_short(name)) || self.aliases.is_ruled(kind, name)
    }

    /// One article's names as shown: (kind, name) in the order stored, each once.
    pub(crate) fn resolve<'a>(
        &'a self,
        raw: impl IntoIterator<Item = (Kind, &'a str)>,
    ) -> Vec<(Kind, &'a str)> {
        let mut shown: Vec<(Kind, &'a str)> = Vec::new();
        for (kind, all) in by_kind(&self.aliases, raw) {
            for &name in &all {
                let name = match self.links.get(&kind) {
                    Some(links) if !name.contains(' ') => links.resolve(name, &all).unwrap_or(name),
                    _ => name,
                };
                if !shown.contains(&(kind, name)) {
                    shown.push((kind, name));
                }
            }
        }
        shown
    }

    /// Query text matching the articles credited with a name that `value` (a `kind:` query
    /// value, phrase or word) names, beyond those whose stored names already contain it: names
    /// merged or renamed into it, and short forms the archive ties to it. None when there are
    /// none. `exact` writes a query for one stored name of a kind.
    pub(crate) fn credited_to(
        &self,
        kind: Kind,
        value: &str,
        exact: impl Fn(Kind, &str) -> String,
    ) -> Option<String> {
        let wanted = words(value);
        if wanted.is_empty() {
            return None;
        }
        let matches = |name: &str| {
            let name = words(name);
            name.windows(wanted.len()).any(|w| w == wanted.as_slice())
        };
        let mut clauses = Vec::new();
        for (from_kind, from) in self.aliases.ruled() {
            match self.aliases.apply(from_kind, from) {
                Outcome::Name(to_kind, to) if to_kind == kind && matches(to) => {
                    clauses.push(exact(from_kind, from));
                }
                _ => {}
            }
        }
        if let Some(links) = self.links.get(&kind) {
            let mut targets: Vec<&str> = self
                .involved
                .get(&kind)
                .into_iter()
                .flatten()
                .map(String::as_str)
                .filter(|n| matches(n))
                .collect();
            targets.sort_unstable();
            for target in targets {
                for (short, against) in links.shorts_of(target) {
                    let mut clause = format!("({}", exact(kind, short));
                    for name in against {
                        clause.push_str(" -");
                        clause.push_str(&exact(kind, name));
                    }
                    clause.push(')');
                    clauses.push(clause);
                }
            }
        }
        clauses.sort();
        clauses.dedup();
        (!clauses.is_empty()).then(|| clauses.join(" OR "))
    }

    /// Stored names of `kind` that `value` names but that are no longer of that kind as shown:
    /// hidden, or moved to another kind.
    pub(crate) fn withdrawn<'a>(&'a self, kind: Kind, value: &str) -> Vec<&'a str> {
        let wanted = words(value);
        self.aliases
            .ruled()
            .filter(|(k, name)| {
                *k == kind
                    && words(name) == wanted
                    && !matches!(self.aliases.apply(*k, name), Outcome::Name(to, _) if to == kind)
            })
            .map(|(_, name)| name)
            .collect()
    }
}

/// Counts the articles of a segment that name one of `ords` in `column` (sorted), each read
/// whole: its names of the column's kind as the alias rules make them.
fn count_articles(
    aliases: &Aliases,
    (segment, kind, column): (&SegmentReader, Kind, &StrColumn),
    ords: &[u64],
    counts: &mut HashMap<Kind, Counts>,
) -> Result<()> {
    let mut names: HashMap<u64, String> = HashMap::new();
    let mut next = ords.iter();
    column
        .dictionary()
        .sorted_ords_to_term_cb(ords, |term| {
            if let Some(&ord) = next.next() {
                names.insert(ord, String::from_utf8_lossy(term).into_owned());
            }
        })
        .map_err(tantivy::TantivyError::from)?;
    let mut article: Vec<u64> = Vec::new();
    for doc in segment.doc_ids_alive() {
        article.clear();
        article.extend(column.term_ords(doc));
        if !article.iter().any(|ord| names.contains_key(ord)) {
            continue;
        }
        let terms = article_terms(column, &article)?;
        // A name of a kind counted alone, moved or merged by a rule, counts as what it became;
        // the other names of the article were counted by ordinal.
        for (ord, name) in article.iter().zip(&terms) {
            if !names.contains_key(ord) {
                continue;
            }
            if let Outcome::Name(to_kind, shown) = aliases.apply(kind, name) {
                match LinkRule::of(to_kind) {
                    Some(rule) if rule.counts_alone() => {
                        counts.entry(to_kind).or_default().add(rule, shown, 1)
                    }
                    _ => {}
                }
            }
        }
        let whole = LinkRule::of(kind).filter(|rule| !rule.counts_alone());
        if let Some(rule) = whole {
            for (to_kind, shown) in by_kind(aliases, terms.iter().map(|t| (kind, t.as_str()))) {
                let shown: Vec<&str> = shown.iter().map(|n| n.as_ref()).collect();
                if to_kind == kind {
                    counts.entry(kind).or_default().add_article(rule, &shown);
                }
            }
        }
    }
    Ok(())
}

/// The names of one article's ordinals, in the same order.
fn article_terms(column: &StrColumn, ords: &[u64]) -> Result<Vec<String>> {
    let mut sorted = ords.to_vec();
    sorted.sort_unstable();
    let mut terms = Vec::with_capacity(sorted.len());
    column
        .dictionary()
        .sorted_ords_to_term_cb(&sorted, |t| {
            terms.push(String::from_utf8_lossy(t).into_owned())
        })
        .map_err(tantivy::TantivyError::from)?;
    Ok(ords
        .iter()
        .map(|o| terms[sorted.binary_search(o).unwrap_or(0)].clone())
        .collect())
}

/// What the index folder keeps of a book: the links, and the stamp of what they were worked
/// out from.
#[derive(Serialize, Deserialize)]
struct Saved {
    stamp: u64,
    links: Vec<(Kind, Links)>,
}

/// Tells apart every commit and alias file a book can be worked out from: the segments a
/// searcher sees, with the deletes each has had (which only ever grow), and the rules' text.
pub(crate) fn stamp(searcher: &Searcher, aliases: &Aliases) -> u64 {
    let mut segments: Vec<(String, u32, Option<u64>)> = searcher
        .segment_readers()
        .iter()
        .map(|s| {
            (
                s.segment_id().uuid_string(),
                s.num_deleted_docs(),
                s.delete_opstamp(),
            )
        })
        .collect();
    segments.sort();
    let mut text = format!("{}\n", aliases.text());
    for (id, deleted, opstamp) in segments {
        text.push_str(&format!("{id} {deleted} {opstamp:?}\n"));
    }
    xxhash_rust::xxh3::xxh3_64(text.as_bytes())
}

/// Words as the names analyzer compares them (lower-cased, split at anything not a letter or
/// digit), close enough to decide which names a query value speaks of.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// An article's names grouped by kind once the alias rules are applied, hidden ones left out.
fn by_kind<'a>(
    aliases: &'a Aliases,
    raw: impl IntoIterator<Item = (Kind, &'a str)>,
) -> Vec<(Kind, Vec<&'a str>)> {
    let mut groups: Vec<(Kind, Vec<&'a str>)> = Vec::new();
    for (kind, name) in raw {
        let Outcome::Name(kind, name) = aliases.apply(kind, name) else {
            continue;
        };
        match groups.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, names)) => {
                if !names.contains(&name) {
                    names.push(name)
                }
            }
            None => groups.push((kind, vec![name])),
        }
    }
    groups
}

/// The name columns of a segment; a segment in which no article had a name of a kind may lack
/// its column.
fn columns(segment: &SegmentReader) -> Result<Vec<(Kind, StrColumn)>> {
    let fast = segment.fast_fields();
    let mut columns = Vec::new();
    for kind in stored() {
        if let Some(column) = fast.str(kind.word())? {
            columns.push((kind, column));
        }
    }
    Ok(columns)
}

/// How far the names shown differ from the names stored, over the matching articles: per kind
/// and name, articles credited with it as shown less those storing it. Facets count stored
/// names with tantivy's terms aggregation and add these; only articles naming a trigger (see
/// [`NameBook::trigger_terms`]) can differ, so only those need be collected.
pub(crate) struct NameDeltas {
    pub book: Arc<NameBook>,
}

/// Per kind and name, the change in articles counted.
pub(crate) type Deltas = HashMap<(Kind, String), i64>;

/// A name credited while counting: (kind slot, position among the book's involved names).
type Credit = (usize, usize);

pub(crate) struct SegmentNameDeltas {
    book: Arc<NameBook>,
    columns: Vec<(Kind, StrColumn)>,
    /// Per column, the stored names that take part in resolving, by ordinal.
    involved: Vec<HashMap<u64, String>>,
    /// Per column, articles storing each involved name, by ordinal: taken off.
    stored: Vec<HashMap<u64, i64>>,
    /// Per kind, articles credited with each of the book's involved names, by position.
    resolved: Vec<(Kind, Vec<i64>)>,
    /// Names credited that are not among them (none, as the book is built).
    others: Deltas,
    /// The involved names of the article being counted, as (column, ordinal).
    special: Vec<(usize, u64)>,
    /// What articles naming the same involved names were credited with.
    memo: HashMap<Vec<(usize, u64)>, Vec<Credit>>,
}

impl NameBook {
    /// The `names` field terms (`kind:name`) of the stored names that may make an article show
    /// other names than it stores: every other article shows just what it stores.
    pub(crate) fn trigger_terms(&self) -> Vec<String> {
        let mut terms: Vec<String> = (self.involved.iter())
            .flat_map(|(kind, names)| names.iter().map(move |name| (*kind, name)))
            .filter(|(kind, name)| kind.stored() && self.triggers(*kind, name))
            .map(|(kind, name)| format!("{}:{name}", kind.word()))
            .collect();
        terms.sort_unstable();
        terms
    }
}

impl Collector for NameDeltas {
    type Fruit = Deltas;
    type Child = SegmentNameDeltas;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let columns = columns(segment).map_err(into_tantivy)?;
        let mut involved = Vec::with_capacity(columns.len());
        for (kind, column) in &columns {
            let wanted = self.book.involved.get(kind).map_or(&[][..], Vec::as_slice);
            involved.push(ords_of(column, wanted)?);
        }
        Ok(SegmentNameDeltas {
            book: self.book.clone(),
            stored: vec![HashMap::new(); columns.len()],
            columns,
            involved,
            resolved: (self.book.involved.iter())
                .map(|(kind, names)| (*kind, vec![0; names.len()]))
                .collect(),
            others: Deltas::new(),
            special: Vec::new(),
            memo: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Deltas>) -> tantivy::Result<Deltas> {
        let mut all = Deltas::new();
        for (key, n) in fruits.into_iter().flatten() {
            *all.entry(key).or_default() += n;
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentNameDeltas {
    type Fruit = Deltas;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.special.clear();
        for (i, (_, column)) in self.columns.iter().enumerate() {
            for ord in column.term_ords(doc) {
                if self.involved[i].contains_key(&ord) {
                    self.special.push((i, ord));
                    *self.stored[i].entry(ord).or_default() += 1;
                }
            }
        }
        // Articles naming the same involved names are credited alike: resolved once.
        if let Some(credited) = self.memo.get(&self.special) {
            for &(slot, at) in credited {
                self.resolved[slot].1[at] += 1;
            }
            return;
        }
        let named = (self.special.iter())
            .map(|&(i, ord)| (self.columns[i].0, self.involved[i][&ord].as_str()));
        let (mut credited, mut complete) = (Vec::new(), true);
        for (kind, name) in self.book.resolve(named) {
            let slot = self.resolved.iter().position(|(k, _)| *k == kind);
            let at = (self.book.involved.get(&kind))
                .and_then(|names| names.binary_search_by(|n| n.as_str().cmp(name)).ok());
            match (slot, at) {
                (Some(slot), Some(at)) => credited.push((slot, at)),
                _ => {
                    *self.others.entry((kind, name.to_string())).or_default() += 1;
                    complete = false;
                }
            }
        }
        for &(slot, at) in &credited {
            self.resolved[slot].1[at] += 1;
        }
        if complete {
            self.memo.insert(self.special.clone(), credited);
        }
    }

    fn harvest(self) -> Deltas {
        let mut deltas = self.others;
        for (kind, counts) in &self.resolved {
            let names = &self.book.involved[kind];
            for (name, &n) in names.iter().zip(counts).filter(|(_, n)| **n != 0) {
                *deltas.entry((*kind, name.clone())).or_default() += n;
            }
        }
        for (((kind, _), stored), involved) in
            self.columns.iter().zip(self.stored).zip(self.involved)
        {
            for (ord, n) in stored {
                *deltas.entry((*kind, involved[&ord].clone())).or_default() -= n;
            }
        }
        deltas.retain(|_, n| *n != 0);
        deltas
    }
}

/// The ordinals in `column` of `names` (sorted), found in one pass over its dictionary
/// alongside them rather than by a look-up each.
fn ords_of(column: &StrColumn, names: &[String]) -> tantivy::Result<HashMap<u64, String>> {
    let mut found = HashMap::new();
    if names.is_empty() {
        return Ok(found);
    }
    let mut names = names.iter().peekable();
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        let key = stream.key();
        while names.next_if(|n| n.as_bytes() < key).is_some() {}
        let Some(name) = names.peek() else {
            break;
        };
        if name.as_bytes() == key {
            found.insert(stream.term_ord(), name.to_string());
        }
    }
    Ok(found)
}

fn into_tantivy(err: Error) -> tantivy::TantivyError {
    match err {
        Error::Index(e) => e,
        other => tantivy::TantivyError::InternalError(other.to_string()),
    }
}
