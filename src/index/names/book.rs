//! The archive's names as a reader sees them: the alias rules applied and short forms credited
//! to full names, worked out from the name columns of the commit being searched, so that an
//! incremental index answers exactly as a rebuilt one.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::query::{AllQuery, EnableScoring, Query};
use tantivy::{DocId, Score, Searcher, SegmentReader};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};

use super::aliases::{Action, Aliases, Outcome};
use super::kind::Kind;
use super::link::{self, Counts, Link, LinkRule, Links};
use super::terms::KeptTerms;
use super::vote::{self, Marked, Tally};
use crate::error::{Error, Result};
use crate::index::schema::{field, whole_name};

pub(crate) struct NameBook {
    /// The user's alias rules, to which the archive's votes are added when first needed.
    given: Aliases,
    /// The text of a saved book, whose sections are read when first asked for: a page of hits
    /// needs the votes and the links, only `orgs:` queries the expansions, and only facets and
    /// `stats` the corrections. Empty for a book worked out afresh.
    saved: SavedText,
    /// The user's alias rules with the archive's votes added.
    aliases: OnceLock<Aliases>,
    /// The archive's votes on kinds, kept to be saved with the book.
    votes: OnceLock<Vec<(Kind, String, Action)>>,
    /// Organisations' acronyms and the name they stand for across the archive.
    expansions: OnceLock<FxHashMap<String, String>>,
    links: OnceLock<FxHashMap<Kind, Links>>,
    /// Names, as stored, whose article is resolved as a whole, sorted; any other name is shown
    /// as it is stored and needs no look-up. Worked out when first asked for (facets, stats,
    /// `kind:` queries): showing a page of hits does not need it.
    involved: OnceLock<FxHashMap<Kind, Vec<String>>>,
    /// The corrections to the stored names' counts over every live article, for `stats`:
    /// saved with the book, or worked out when first asked for.
    archive: OnceLock<Deltas>,
    /// What each involved name does in an article, for [`NameDeltas`].
    roles: OnceLock<Roles>,
    /// The values of the segments' name columns, for naming facet counts.
    terms: KeptTerms,
}

impl NameBook {
    /// Counts, over the live articles, the articles naming each full name: per stored name
    /// from the columns' ordinals, so that only the dictionaries are read as text. Articles
    /// are read one by one only where that cannot be: for a kind whose short forms count only
    /// beside their full name, and for names with an alias rule.
    pub(crate) fn build(searcher: &Searcher, aliases: Aliases) -> Result<NameBook> {
        let stored: Vec<Vec<StoredColumn>> = (searcher.segment_readers().par_iter())
            .map(segment_stored)
            .collect::<Result<_>>()?;
        let tally = tally(&stored);
        // The vote (after the marks) and the expansions both read the tally only: side by side.
        let orgs = (tally.iter()).filter(|((kind, _), _)| *kind == Kind::Orgs);
        let (votes, expansions) = rayon::join(
            || marked(searcher, &tally).map(|marked| vote::votes(&tally, &marked)),
            || link::expansions(orgs.map(|(&(_, name), &n)| (name, n))),
        );
        let votes = votes?;
        let aliases = aliases.with_votes(&votes);
        let ruled: FxHashSet<(Kind, &str)> = aliases.ruled().collect();
        // Each segment counts the articles it reads whole on a thread of its own, beside the
        // names counted alone, which the tally has already added up; counts only add up.
        let (per_segment, mut counts) = rayon::join(
            || {
                (searcher.segment_readers().par_iter())
                    .zip(&stored)
                    .map(|(segment, columns)| segment_counts(&aliases, &ruled, segment, columns))
                    .collect::<Vec<FxHashMap<Kind, Counts>>>()
            },
            || counted_alone(&tally, &ruled),
        );
        for segment in per_segment {
            for (kind, more) in segment {
                counts.entry(kind).or_default().merge(more);
            }
        }
        let links: Vec<(Kind, Links)> = counts
            .into_iter()
            .filter_map(|(kind, counts)| Some((kind, Links::new(LinkRule::of(kind)?, counts))))
            .collect();
        let book = NameBook::new(Aliases::default(), SavedText::default());
        let _ = book.aliases.set(aliases);
        let _ = book.votes.set(votes);
        let _ = book.expansions.set(expansions);
        let _ = book.links.set(links.into_iter().collect());
        Ok(book)
    }

    fn new(given: Aliases, saved: SavedText) -> NameBook {
        NameBook {
            given,
            saved,
            aliases: OnceLock::new(),
            votes: OnceLock::new(),
            expansions: OnceLock::new(),
            links: OnceLock::new(),
            involved: OnceLock::new(),
            archive: OnceLock::new(),
            roles: OnceLock::new(),
            terms: KeptTerms::default(),
        }
    }

    /// The values of the segments' name columns read so far for this commit.
    pub(crate) fn column_terms(&self) -> &KeptTerms {
        &self.terms
    }

    /// The user's alias rules with the archive's votes added.
    fn aliases(&self) -> &Aliases {
        (self.aliases).get_or_init(|| self.given.with_votes(self.votes()))
    }

    fn votes(&self) -> &Vec<(Kind, String, Action)> {
        (self.votes).get_or_init(|| self.saved.lines(Section::Votes).unwrap_or_default())
    }

    fn expansions(&self) -> &FxHashMap<String, String> {
        (self.expansions)
            .get_or_init(|| (self.saved.section(Section::Expansions)).unwrap_or_default())
    }

    fn links(&self) -> &FxHashMap<Kind, Links> {
        self.links.get_or_init(|| {
            let lines: Vec<(Kind, String, Link)> =
                (self.saved.lines(Section::Links)).unwrap_or_default();
            let mut by_kind: FxHashMap<Kind, Vec<(String, Link)>> = FxHashMap::default();
            for (kind, short, link) in lines {
                by_kind.entry(kind).or_default().push((short, link));
            }
            (by_kind.into_iter())
                .filter_map(|(kind, links)| {
                    Some((
                        kind,
                        Links::from_entries(LinkRule::of(kind)?, links.into_iter()),
                    ))
                })
                .collect()
        })
    }

    fn involved(&self) -> &FxHashMap<Kind, Vec<String>> {
        self.involved.get_or_init(|| {
            let mut involved: FxHashMap<Kind, FxHashSet<String>> = FxHashMap::default();
            for (kind, links) in self.links() {
                let set = involved.entry(*kind).or_default();
                set.extend(links.involved().map(str::to_string));
            }
            let aliases = self.aliases();
            for (kind, name) in aliases.ruled() {
                involved.entry(kind).or_default().insert(name.to_string());
                if let Outcome::Name(to_kind, to) = aliases.apply(kind, name) {
                    involved.entry(to_kind).or_default().insert(to.to_string());
                }
            }
            (involved.into_iter())
                .map(|(kind, names)| {
                    let mut names: Vec<String> = names.into_iter().collect();
                    names.sort_unstable();
                    (kind, names)
                })
                .collect()
        })
    }

    /// The book saved by [`NameBook::saved`], when it was worked out for `stamp`. Only its
    /// first line is read here.
    pub(crate) fn from_saved(
        bytes: impl Deref<Target = [u8]> + Send + Sync + 'static,
        stamp: u64,
        aliases: Aliases,
    ) -> Option<NameBook> {
        let saved = SavedText::read(bytes, stamp)?;
        Some(NameBook::new(aliases, saved))
    }

    /// The book as saved in the index folder, for the commit (seen by `searcher`) and alias
    /// rules of `stamp`.
    pub(crate) fn saved(self: &Arc<Self>, searcher: &Searcher, stamp: u64) -> Result<Vec<u8>> {
        let links: Vec<(Kind, &str, &Link)> = (self.links().iter())
            .flat_map(|(kind, links)| links.entries().map(|(short, link)| (*kind, short, link)))
            .collect();
        let archive: Vec<(Kind, &str, i64)> = (self.archive(searcher)?.iter())
            .map(|((k, n), d)| (*k, n.as_str(), *d))
            .collect();
        let votes: Vec<(Kind, &str, &Action)> = (self.votes().iter())
            .map(|(k, n, a)| (*k, n.as_str(), a))
            .collect();
        let sections = [
            lines(&votes)?,
            lines(&links)?,
            serde_json::to_vec(self.expansions())?,
            serde_json::to_vec(&archive)?,
        ];
        Ok(SavedText::write(stamp, &sections)?)
    }

    /// The corrections to the stored names' counts over every live article of `searcher`, the
    /// commit the book is of.
    pub(crate) fn archive(self: &Arc<Self>, searcher: &Searcher) -> Result<&Deltas> {
        if self.archive.get().is_none() {
            let saved: Option<SavedArchive> = self.saved.section(Section::Archive);
            let deltas = match saved {
                Some(saved) => (saved.into_iter()).map(|(k, n, d)| ((k, n), d)).collect(),
                None => self.count_archive(searcher)?,
            };
            let _ = self.archive.set(deltas);
        }
        Ok(self.archive.get().expect("set above"))
    }

    /// The corrections over every live article, each segment counted on a thread of its own.
    fn count_archive(self: &Arc<Self>, searcher: &Searcher) -> Result<Deltas> {
        let collector = NameDeltas::new(self.clone());
        let weight = AllQuery.weight(EnableScoring::disabled_from_searcher(searcher))?;
        let fruits = (searcher.segment_readers().par_iter().enumerate())
            .map(|(ord, segment)| collector.collect_segment(weight.as_ref(), ord as u32, segment))
            .collect::<tantivy::Result<Vec<Changes>>>()?;
        Ok(collector.merge_fruits(fruits)?.deltas())
    }

    /// Where the alias rules and the archive's votes put a stored name. Until every vote is
    /// read (facets, stats, `kind:` queries), the saved votes are searched in place: a page of
    /// hits looks up a few dozen names among thousands of votes.
    fn apply<'a>(&'a self, kind: Kind, name: &'a str) -> Outcome<'a> {
        if let Some(aliases) = self.aliases.get() {
            return aliases.apply(kind, name);
        }
        if self.given.is_ruled(kind, name) {
            return self.given.apply(kind, name);
        }
        match self.saved.find(Section::Votes, kind, name) {
            Some(Action::Hide) if self.given.lets_vote(kind, name, &Action::Hide) => {
                Outcome::Hidden
            }
            Some(Action::Move(to)) if self.given.lets_vote(kind, name, &Action::Move(to)) => {
                Outcome::Name(to, name)
            }
            _ => Outcome::Name(kind, name),
        }
    }

    /// Whether an article naming `name` may show other names than it stores: the name is a
    /// short form tied to a full name, or has an alias rule. The other involved names matter
    /// only beside one of these.
    fn triggers(&self, kind: Kind, name: &str) -> bool {
        self.links().get(&kind).is_some_and(|l| l.is_short(name))
            || self.aliases().is_ruled(kind, name)
    }

    /// One article's names as shown: (kind, name) in the order stored, each once.
    pub(crate) fn resolve<'a>(
        &'a self,
        raw: impl IntoIterator<Item = (Kind, &'a str)>,
    ) -> Vec<(Kind, Cow<'a, str>)> {
        let mut shown: Vec<(Kind, Cow<'a, str>)> = Vec::new();
        for (kind, all) in by_kind(|kind, name| self.apply(kind, name), raw) {
            for &name in &all {
                let name = match name.contains(' ') {
                    true => Cow::Borrowed(name),
                    false => self.linked(kind, name, &all).unwrap_or(Cow::Borrowed(name)),
                };
                if !shown.iter().any(|(k, n)| (*k, n) == (kind, &name)) {
                    shown.push((kind, name));
                }
            }
        }
        shown
    }

    /// The full name the short form `short` of `kind` stands for in an article naming `all`.
    /// Until every link is read (facets, stats, `kind:` queries), the saved links are searched
    /// in place, as the votes are.
    fn linked<'a>(&'a self, kind: Kind, short: &str, all: &[&str]) -> Option<Cow<'a, str>> {
        if let Some(links) = self.links.get() {
            return links.get(&kind)?.resolve(short, all).map(Cow::Borrowed);
        }
        let link: Link = self.saved.find(Section::Links, kind, short)?;
        let target = link.resolve(LinkRule::of(kind)?, short, all)?;
        Some(Cow::Owned(target.to_string()))
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
        let aliases = self.aliases_mentioning(&wanted);
        for (from_kind, from) in aliases.ruled() {
            match aliases.apply(from_kind, from) {
                Outcome::Name(to_kind, to) if to_kind == kind && matches(to) => {
                    clauses.push(exact(from_kind, from));
                }
                _ => {}
            }
        }
        if kind == Kind::Orgs {
            clauses.extend(self.spelled(value, &wanted).map(|name| exact(kind, name)));
        }
        if let Some(links) = self.links_mentioning(kind, &wanted).as_deref() {
            for (short, against) in links.shorts_matching(matches) {
                let mut clause = format!("({}", exact(kind, short));
                for name in against {
                    clause.push_str(" -");
                    clause.push_str(&exact(kind, name));
                }
                clause.push(')');
                clauses.push(clause);
            }
        }
        clauses.sort();
        clauses.dedup();
        (!clauses.is_empty()).then(|| clauses.join(" OR "))
    }

    /// The organisations' names that the query value `value` (its `wanted` words) stands for
    /// or is stood for by: an acronym's spelled-out name, and a spelled-out name's acronym.
    fn spelled<'a>(&'a self, value: &str, wanted: &[String]) -> impl Iterator<Item = &'a str> {
        let acronym = value.trim().to_uppercase();
        let full = self.expansions().get(&acronym).map(String::as_str);
        let acronyms = (self.expansions().iter())
            .filter(move |(_, name)| words(name) == wanted)
            .map(|(acronym, _)| acronym.as_str());
        full.into_iter().chain(acronyms.collect::<Vec<_>>())
    }

    /// Stored names of `kind` that `value` names but that are no longer of that kind as shown:
    /// hidden, or moved to another kind.
    pub(crate) fn withdrawn(&self, kind: Kind, value: &str) -> Vec<String> {
        let wanted = words(value);
        let aliases = self.aliases_mentioning(&wanted);
        aliases
            .ruled()
            .filter(|(k, name)| {
                *k == kind
                    && words(name) == wanted
                    && !matches!(aliases.apply(*k, name), Outcome::Name(to, _) if to == kind)
            })
            .map(|(_, name)| name.to_string())
            .collect()
    }

    /// The alias rules with the archive's votes on the names that may hold every word of
    /// `wanted`: all of them once read, otherwise only those whose saved lines spell out the
    /// words, so that a `people:` or `places:` query parses a few votes rather than thousands.
    fn aliases_mentioning(&self, wanted: &[String]) -> Cow<'_, Aliases> {
        if self.aliases.get().is_some() || self.votes.get().is_some() {
            return Cow::Borrowed(self.aliases());
        }
        let votes = (self.saved)
            .lines_mentioning(Section::Votes, wanted)
            .unwrap_or_default();
        Cow::Owned(self.given.with_votes(&votes))
    }

    /// The links of `kind` whose lines may hold every word of `wanted`, as
    /// [`NameBook::aliases_mentioning`] has the votes.
    fn links_mentioning(&self, kind: Kind, wanted: &[String]) -> Option<Cow<'_, Links>> {
        if let Some(links) = self.links.get() {
            return links.get(&kind).map(Cow::Borrowed);
        }
        let lines: Vec<(Kind, String, Link)> = (self.saved)
            .lines_mentioning(Section::Links, wanted)
            .unwrap_or_default();
        let of_kind =
            (lines.into_iter()).filter_map(|(k, short, link)| (k == kind).then_some((short, link)));
        Some(Cow::Owned(Links::from_entries(
            LinkRule::of(kind)?,
            of_kind,
        )))
    }
}

/// One segment's name column of a kind, with the live articles storing each ordinal and the
/// text of the names stored in one: decoded once, for every step of the book that reads them.
struct StoredColumn {
    kind: Kind,
    column: StrColumn,
    per_ord: Vec<u32>,
    names: ColumnNames,
}

/// A column's names by ordinal, in one buffer rather than a `String` each; empty for an
/// ordinal no live article stores.
struct ColumnNames {
    text: String,
    /// Where each ordinal's name ends in `text`; it starts where the one before ends.
    ends: Vec<usize>,
}

impl ColumnNames {
    fn get(&self, ord: u64) -> &str {
        let ord = ord as usize;
        let start = ord.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[ord]]
    }
}

/// Over all segments, the articles storing each name (per segment from the columns'
/// ordinals), for the vote on kinds.
fn tally(stored: &[Vec<StoredColumn>]) -> Tally<'_> {
    // Sized for every stored name, an upper bound: names shared by segments make it loose.
    let names = (stored.iter().flatten()).map(|c| c.per_ord.iter().filter(|&&n| n > 0).count());
    let mut tally = Tally::with_capacity_and_hasher(names.sum(), Default::default());
    for column in stored.iter().flatten() {
        for (ord, &n) in column.per_ord.iter().enumerate() {
            if n > 0 {
                *tally
                    .entry((column.kind, column.names.get(ord as u64)))
                    .or_default() += n;
            }
        }
    }
    tally
}

/// The name columns of one segment with their counts per ordinal and their names. A name
/// whose bytes are not UTF-8 (which gazette never writes) is taken as stored in no article.
fn segment_stored(segment: &SegmentReader) -> Result<Vec<StoredColumn>> {
    let mut columns = Vec::new();
    for (kind, column) in columns_of(segment)? {
        let mut per_ord = vec![0u32; column.num_terms()];
        for doc in segment.doc_ids_alive() {
            for ord in column.term_ords(doc) {
                per_ord[ord as usize] += 1;
            }
        }
        let mut names = ColumnNames {
            text: String::new(),
            ends: Vec::with_capacity(per_ord.len()),
        };
        let mut stream = column
            .dictionary()
            .stream()
            .map_err(tantivy::TantivyError::from)?;
        while stream.advance() {
            let ord = stream.term_ord() as usize;
            match std::str::from_utf8(stream.key()) {
                Ok(name) if per_ord[ord] > 0 => names.text.push_str(name),
                _ => per_ord[ord] = 0,
            }
            names.ends.resize(ord + 1, names.text.len());
        }
        names.ends.resize(per_ord.len(), names.text.len());
        columns.push(StoredColumn {
            kind,
            column,
            per_ord,
            names,
        });
    }
    Ok(columns)
}

/// The link counts of the names of a kind that counts each name alone (a person's full name
/// counts for its surname in every article naming it), from the tally: what each segment
/// would add up per ordinal. Names with an alias rule are counted article by article instead.
fn counted_alone<'a>(
    tally: &Tally<'a>,
    ruled: &FxHashSet<(Kind, &str)>,
) -> FxHashMap<Kind, Counts<'a>> {
    let mut counts: FxHashMap<Kind, Counts> = FxHashMap::default();
    for (&(kind, name), &n) in tally {
        match LinkRule::of(kind) {
            Some(rule) if rule.counts_alone() && !ruled.contains(&(kind, name)) => {
                counts.entry(kind).or_default().add(rule, name, n)
            }
            _ => {}
        }
    }
    counts
}

/// Counts one segment's full names for the links where that takes reading articles whole: a
/// kind whose short forms count only beside their full name, and names with an alias rule.
fn segment_counts<'a>(
    aliases: &'a Aliases,
    ruled: &FxHashSet<(Kind, &str)>,
    segment: &SegmentReader,
    columns: &'a [StoredColumn],
) -> FxHashMap<Kind, Counts<'a>> {
    let mut counts: FxHashMap<Kind, Counts> = FxHashMap::default();
    for stored in columns {
        let kind = stored.kind;
        let whole = LinkRule::of(kind).is_some_and(|rule| !rule.counts_alone());
        let wanted: Vec<bool> = (stored.per_ord.iter().enumerate())
            .map(|(ord, &n)| {
                n > 0 && (whole || ruled.contains(&(kind, stored.names.get(ord as u64))))
            })
            .collect();
        if wanted.contains(&true) {
            count_articles(aliases, segment, stored, &wanted, &mut counts);
        }
    }
    counts
}

/// For the names the vote judges by what their articles say (people of two words or more,
/// organisations' acronyms), the live articles marked in the `marks` column: naming the person
/// only in full, writing the acronym as a plural. One pass over the column counts them all.
fn marked<'a>(searcher: &Searcher, tally: &Tally<'a>) -> Result<Marked<'a>> {
    let mut wanted: FxHashMap<u64, (Kind, &str)> = FxHashMap::default();
    for (&(kind, name), &n) in tally {
        let marker = match kind {
            _ if n < vote::MIN_VOTED => continue,
            Kind::People if name.contains(' ') => field::FULL_ONLY,
            Kind::Orgs if !name.chars().any(char::is_lowercase) => field::PLURAL,
            _ => continue,
        };
        wanted.insert(whole_name(marker, name), (kind, name));
    }
    let mut counts: FxHashMap<u64, u32> = FxHashMap::default();
    for segment in searcher.segment_readers() {
        let Some(column) = segment.fast_fields().column_opt::<u64>(field::MARKS)? else {
            continue;
        };
        let mut marks: Vec<u64> = Vec::new();
        for doc in segment.doc_ids_alive() {
            // An article naming a marked person twice is still one article.
            marks.clear();
            marks.extend(
                column
                    .values_for_doc(doc)
                    .filter(|m| wanted.contains_key(m)),
            );
            marks.sort_unstable();
            marks.dedup();
            for &mark in &marks {
                *counts.entry(mark).or_default() += 1;
            }
        }
    }
    Ok((wanted.into_iter())
        .map(|(mark, name)| (name, counts.get(&mark).copied().unwrap_or(0)))
        .collect())
}

/// Counts the articles of a segment that name one of the `wanted` ordinals of a column, each
/// read whole: its names of the column's kind as the alias rules make them.
fn count_articles<'a>(
    aliases: &'a Aliases,
    segment: &SegmentReader,
    stored: &'a StoredColumn,
    wanted: &[bool],
    counts: &mut FxHashMap<Kind, Counts<'a>>,
) {
    let kind = stored.kind;
    let whole = LinkRule::of(kind).filter(|rule| !rule.counts_alone());
    let mut article: Vec<u64> = Vec::new();
    let mut terms: Vec<&str> = Vec::new();
    for doc in segment.doc_ids_alive() {
        article.clear();
        article.extend(stored.column.term_ords(doc));
        if !article.iter().any(|&ord| wanted[ord as usize]) {
            continue;
        }
        terms.clear();
        terms.extend(article.iter().map(|&ord| stored.names.get(ord)));
        // A name of a kind counted alone, moved or merged by a rule, counts as what it became;
        // the other names of the article were counted by ordinal.
        for (&ord, name) in article.iter().zip(&terms) {
            if !wanted[ord as usize] {
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
        if let Some(rule) = whole {
            for (to_kind, shown) in
                by_kind(|k, n| aliases.apply(k, n), terms.iter().map(|&t| (kind, t)))
            {
                if to_kind == kind {
                    counts.entry(kind).or_default().add_article(rule, &shown);
                }
            }
        }
    }
}

/// The sections of a saved book, in the order they are written.
#[derive(Clone, Copy)]
enum Section {
    /// One `[kind, name, action]` a line ([`lines`]), to be searched in place.
    Votes,
    /// One `[kind, short form, link]` a line, likewise.
    Links,
    Expansions,
    /// A [`SavedArchive`].
    Archive,
}

/// The first line of a saved book: the stamp of what it was worked out from, and the length
/// of each section that follows, each on a line of its own, with a hash of them all.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    stamp: u64,
    hash: u64,
    sections: [usize; 4],
}

/// The hash of a saved book's sections and of where each ends: lines moved from one section to
/// the next keep the bytes, not the hash.
fn checksum(lengths: &[usize; 4], body: &[u8]) -> u64 {
    let lengths: Vec<u8> = (lengths.iter())
        .flat_map(|&n| (n as u64).to_le_bytes())
        .collect();
    xxhash_rust::xxh3::xxh3_64_with_seed(body, xxhash_rust::xxh3::xxh3_64(&lengths))
}

/// A saved book as read from the index folder, its sections parsed only when asked for.
struct SavedText {
    /// The file mapped in memory (or read), so that a search copies none of it.
    bytes: Box<dyn Deref<Target = [u8]> + Send + Sync>,
    sections: [std::ops::Range<usize>; 4],
}

impl Default for SavedText {
    fn default() -> SavedText {
        SavedText {
            bytes: Box::new(Vec::new()),
            sections: Default::default(),
        }
    }
}

impl SavedText {
    /// The saved book in `bytes` when it is whole and was worked out for `stamp`.
    fn read(
        bytes: impl Deref<Target = [u8]> + Send + Sync + 'static,
        stamp: u64,
    ) -> Option<SavedText> {
        let end = bytes.iter().position(|&b| b == b'\n')?;
        let header: Header = serde_json::from_slice(&bytes[..end]).ok()?;
        if header.stamp != stamp || checksum(&header.sections, &bytes[end + 1..]) != header.hash {
            return None;
        }
        let mut start = end + 1;
        let sections = header.sections.map(|len| {
            let range = start..start.saturating_add(len);
            start = range.end.saturating_add(1);
            range
        });
        (start == bytes.len() + 1).then(|| SavedText {
            bytes: Box::new(bytes),
            sections,
        })
    }

    /// The book's bytes as saved: the header, then each section on a line of its own.
    fn write(stamp: u64, sections: &[Vec<u8>; 4]) -> serde_json::Result<Vec<u8>> {
        let body = sections.join(&b'\n');
        let header = Header {
            stamp,
            hash: checksum(&sections.each_ref().map(Vec::len), &body),
            sections: sections.each_ref().map(Vec::len),
        };
        let mut bytes = serde_json::to_vec(&header)?;
        bytes.push(b'\n');
        bytes.extend(body);
        Ok(bytes)
    }

    /// A section of the book written one value a line.
    fn lines<T: serde::de::DeserializeOwned>(&self, section: Section) -> Option<Vec<T>> {
        let bytes = self.bytes.get(self.sections[section as usize].clone())?;
        let values = serde_json::Deserializer::from_slice(bytes).into_iter::<T>();
        values.collect::<serde_json::Result<Vec<T>>>().ok()
    }

    /// The lines of a section written by [`lines`] that may name every word of `wanted`: those
    /// spelling each word out, ASCII case aside, and those with other characters, whose lower
    /// case may differ from their bytes'.
    fn lines_mentioning<T: serde::de::DeserializeOwned>(
        &self,
        section: Section,
        wanted: &[String],
    ) -> Option<Vec<T>> {
        let text = self.bytes.get(self.sections[section as usize].clone())?;
        let lower = text.to_ascii_lowercase();
        let finders: Vec<memchr::memmem::Finder> = (wanted.iter())
            .filter(|w| w.is_ascii())
            .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
            .collect();
        let mut found = Vec::new();
        let mut start = 0;
        while start < text.len() {
            let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |at| start + at);
            let line = &text[start..end];
            let spelled =
                |finder: &memchr::memmem::Finder| finder.find(&lower[start..end]).is_some();
            if !line.is_empty() && (!line.is_ascii() || finders.iter().all(spelled)) {
                found.push(serde_json::from_slice(line).ok()?);
            }
            start = end + 1;
        }
        Some(found)
    }

    /// The value saved for `name` of `kind` in a section written by [`lines`]: found by
    /// bisecting the bytes, with no table built first.
    fn find<T: serde::de::DeserializeOwned>(
        &self,
        section: Section,
        kind: Kind,
        name: &str,
    ) -> Option<T> {
        let text = self.bytes.get(self.sections[section as usize].clone())?;
        // Lines start with their key as written, `["people","Blair",`; no key is the start of
        // another, so bytes compare as the lines were sorted.
        let mut key = serde_json::to_vec(&(kind, name)).ok()?;
        *key.last_mut()? = b',';
        let (mut low, mut high) = (0, text.len());
        while low < high {
            let middle = low + (high - low) / 2;
            let start = memchr::memrchr(b'\n', &text[low..middle]).map_or(low, |at| low + at + 1);
            let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |at| start + at);
            let line = &text[start..end];
            match line[..line.len().min(key.len())].cmp(&key) {
                Ordering::Equal => {
                    let SavedLine(_, _, value) = serde_json::from_slice(line).ok()?;
                    return Some(value);
                }
                Ordering::Less => low = end + 1,
                Ordering::Greater => high = start,
            }
        }
        None
    }

    /// A section of the book; None for a book worked out afresh. The hash checked when the
    /// book was read makes a section that does not parse a bug rather than a damaged file.
    fn section<T: serde::de::DeserializeOwned>(&self, section: Section) -> Option<T> {
        if self.bytes.is_empty() {
            return None;
        }
        let bytes = self.bytes.get(self.sections[section as usize].clone())?;
        serde_json::from_slice(bytes).ok()
    }
}

/// A line of a section searched in place.
#[derive(Deserialize)]
struct SavedLine<T>(IgnoredAny, IgnoredAny, T);

/// `[kind, name, value]` entries written one a line, sorted by their bytes, for
/// [`SavedText::find`].
fn lines<T: Serialize>(values: &[(Kind, &str, T)]) -> serde_json::Result<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = values
        .iter()
        .map(serde_json::to_vec)
        .collect::<serde_json::Result<_>>()?;
    lines.sort_unstable();
    Ok(lines.join(&b'\n'))
}

type SavedArchive = Vec<(Kind, String, i64)>;

/// Changed with the rules a book is worked out by (the vote's, the links'), so that a book saved
/// by an older gazette is worked out again rather than read.
const RULES: &str =
    "names 4: votes on kinds, acronyms expanded; saved in sections, votes and links a line each";

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
    let mut text = format!("{RULES}\n{}\n", aliases.text());
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
    apply: impl Fn(Kind, &'a str) -> Outcome<'a>,
    raw: impl IntoIterator<Item = (Kind, &'a str)>,
) -> Vec<(Kind, Vec<&'a str>)> {
    let mut groups: Vec<(Kind, Vec<&'a str>)> = Vec::new();
    for (kind, name) in raw {
        let Outcome::Name(kind, name) = apply(kind, name) else {
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
fn columns_of(segment: &SegmentReader) -> Result<Vec<(Kind, StrColumn)>> {
    let fast = segment.fast_fields();
    let mut columns = Vec::new();
    for kind in Kind::ALL {
        if let Some(column) = fast.str(kind.word())? {
            columns.push((kind, column));
        }
    }
    Ok(columns)
}

/// How far the names shown differ from the names stored, over the matching articles: per kind
/// and name, articles credited with it as shown less those storing it. Only an article naming
/// a trigger (a linked short form or an alias-ruled name) can differ, and only its names
/// bearing on the triggers are resolved. Collected alone for the archive's corrections; facets
/// count the same [`Articles`] in their own reading of the name columns.
pub(crate) struct NameDeltas {
    book: Arc<NameBook>,
}

/// Per kind (in [`Kind::ALL`] order) and position among the book's involved names of the
/// kind, what the name does in an article: worked out once per book, so that an article is
/// resolved by position, without looking names up as text.
struct Roles {
    roles: Vec<Vec<Role>>,
    /// The codes of each segment's name columns seen so far, by segment and slot: a server
    /// answers many searches with one book.
    codes: Mutex<FxHashMap<(SegmentId, usize), Arc<Codes>>>,
}

struct Role {
    /// Hidden and bearing on no trigger: an article storing it only loses it (the vote hides
    /// thousands of names on a large archive).
    alone: bool,
    /// For a trigger, the involved names, sorted, that can change what an article naming it
    /// shows.
    bearing: Option<Vec<Involved>>,
    /// The name the alias rules make of it; None when hidden.
    applied: Option<Involved>,
    /// For a short form the archive ties to a full name, the full name's position.
    target: Option<u32>,
}

/// An involved name: (kind slot, position among the book's involved names of that kind).
type Involved = (usize, u32);

/// Per kind and name, the change in articles counted.
pub(crate) type Deltas = FxHashMap<(Kind, String), i64>;

fn slot(kind: Kind) -> usize {
    Kind::ALL
        .iter()
        .position(|k| *k == kind)
        .unwrap_or_default()
}

impl Roles {
    /// [`NameBook::involved`] holds every name a rule or a link leads to, so each name below
    /// is found among them.
    fn new(book: &NameBook) -> Roles {
        let involved = book.involved();
        let names = |kind: Kind| involved.get(&kind).map_or(&[][..], Vec::as_slice);
        let positions: Vec<FxHashMap<&str, u32>> = (Kind::ALL.iter())
            .map(|&kind| (names(kind).iter().map(String::as_str)).zip(0..).collect())
            .collect();
        let at = |kind: Kind, name: &str| -> Option<Involved> {
            let slot = slot(kind);
            Some((slot, *positions[slot].get(name)?))
        };
        let role = |(kind, name, own): (Kind, &str, u32)| {
            let (alone, applied) = match book.aliases().apply(kind, name) {
                Outcome::Name(to, shown) if (to, shown) == (kind, name) => {
                    (false, Some((slot(kind), own)))
                }
                Outcome::Name(to, shown) => (false, at(to, shown)),
                Outcome::Hidden => (true, None),
            };
            let target = (book.links().get(&kind))
                .filter(|_| !name.contains(' '))
                .and_then(|links| links.resolve(name, &[]))
                .and_then(|full| at(kind, full));
            let bearing = book.triggers(kind, name).then(|| {
                let mut on: Vec<Involved> = (book.bearing_on(kind, name).into_iter())
                    .filter_map(|(k, n)| at(k, n))
                    .collect();
                on.sort_unstable();
                on
            });
            Role {
                alone,
                bearing,
                applied,
                target: target.map(|(_, at)| at),
            }
        };
        let mut roles: Vec<Vec<Role>> = (Kind::ALL.iter())
            .map(|&kind| {
                (names(kind).iter().zip(0..))
                    .map(|(name, at)| role((kind, name, at)))
                    .collect()
            })
            .collect();
        // A hidden name that a trigger's resolving looks at is resolved with it.
        let borne: FxHashSet<Involved> = (roles.iter().flatten())
            .filter_map(|role| role.bearing.as_ref())
            .flatten()
            .copied()
            .collect();
        for (slot, roles) in roles.iter_mut().enumerate() {
            for (at, role) in roles.iter_mut().enumerate() {
                role.alone &= !borne.contains(&(slot, at as u32));
            }
        }
        Roles {
            roles,
            codes: Mutex::default(),
        }
    }

    fn kept_codes(&self) -> MutexGuard<'_, FxHashMap<(SegmentId, usize), Arc<Codes>>> {
        self.codes.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn of(&self, (slot, at): Involved) -> &Role {
        &self.roles[slot][at as usize]
    }
}

impl NameDeltas {
    pub(crate) fn new(book: Arc<NameBook>) -> NameDeltas {
        NameDeltas { book }
    }
}

/// Works out ahead what facet counts will need of `book` for the segments of `searcher` (the
/// roles of the involved names, the codes and values of each name column), so that the first facet
/// search of a server does not wait for them.
pub(crate) fn prepare_facets(book: &Arc<NameBook>, searcher: &Searcher) -> Result<()> {
    let mut articles = None;
    for segment in searcher.segment_readers() {
        // Done for this segment already: each facet search of a server asks.
        if book.terms.has_segment(segment.segment_id()) {
            continue;
        }
        let articles = articles.get_or_insert_with(|| Articles::new(book));
        for (kind, column) in columns_of(segment)? {
            articles.codes(segment.segment_id(), (kind, &column))?;
            (book.terms.read(segment.segment_id(), kind.word(), &column))
                .map_err(tantivy::TantivyError::from)?;
        }
    }
    Ok(())
}

impl NameBook {
    /// The names whose presence beside the trigger `name` can change what an article shows:
    /// the name the rules make of it and, when that is a short form, the names bearing on it.
    /// Any other name an article stores is shown as stored.
    fn bearing_on<'a>(&'a self, kind: Kind, name: &'a str) -> Vec<(Kind, &'a str)> {
        let Outcome::Name(kind, shown) = self.aliases().apply(kind, name) else {
            return Vec::new();
        };
        let links = self.links().get(&kind).into_iter();
        let linked = links.flat_map(|l| l.bearing_on(shown)).map(|n| (kind, n));
        std::iter::once((kind, shown)).chain(linked).collect()
    }

    fn roles(&self) -> &Roles {
        self.roles.get_or_init(|| Roles::new(self))
    }

    /// The involved name at `at`.
    fn involved_at(&self, (slot, at): Involved) -> &str {
        let names = self.involved().get(&Kind::ALL[slot]);
        names.map_or("", |names| names[at as usize].as_str())
    }
}

/// A name column's ordinals as [`Articles::note`] takes them: 0 for a name that takes no part
/// in resolving, else its position among the involved names of its kind plus one, with
/// [`ALONE`] or [`TRIGGER`] set when the name is one.
pub(crate) type Codes = Vec<u32>;

const ALONE: u32 = 1 << 31;
const TRIGGER: u32 = 1 << 30;
const POSITION: u32 = TRIGGER - 1;

/// Per kind slot and position among the book's involved names of the kind, the change in
/// articles counted: added up by position across segments, and named only when read.
pub(crate) struct Changes {
    book: Arc<NameBook>,
    changed: Vec<Vec<i64>>,
}

impl Changes {
    fn new(book: &Arc<NameBook>) -> Changes {
        let roles = book.roles().roles.iter();
        Changes {
            book: book.clone(),
            changed: roles.map(|roles| vec![0; roles.len()]).collect(),
        }
    }

    /// The names of `kind` credited to more or fewer articles than store them, with the
    /// difference.
    pub(crate) fn of(&self, kind: Kind) -> impl Iterator<Item = (&str, i64)> {
        let names = self
            .book
            .involved()
            .get(&kind)
            .map_or(&[][..], Vec::as_slice);
        (names.iter().map(String::as_str))
            .zip(self.changed[slot(kind)].iter().copied())
            .filter(|(_, n)| *n != 0)
    }

    pub(crate) fn add(&mut self, other: &Changes) {
        for (all, more) in self.changed.iter_mut().zip(&other.changed) {
            for (n, m) in all.iter_mut().zip(more) {
                *n += m;
            }
        }
    }

    /// The changes by kind and name.
    fn deltas(&self) -> Deltas {
        (Kind::ALL.iter())
            .flat_map(|&kind| {
                self.of(kind)
                    .map(move |(name, n)| ((kind, name.to_string()), n))
            })
            .collect()
    }
}

/// The corrections over the articles of a segment, given their names article by article.
pub(crate) struct Articles {
    changes: Changes,
    /// The article being counted: its involved names that are not alone, each with whether it
    /// is a trigger, and how many are.
    special: Vec<(Involved, bool)>,
    triggers: usize,
    /// Those that bear on what it shows (triggers and the names bearing on them), what the
    /// rules make of those, and the names it shows for them.
    key: Vec<Involved>,
    applied: Vec<Involved>,
    shown: Vec<Involved>,
    /// Whether a name beside a short form keeps it from its full name: by (slot, short, name).
    blocks: FxHashMap<(usize, u32, u32), bool>,
}

impl Articles {
    pub(crate) fn new(book: &Arc<NameBook>) -> Articles {
        Articles {
            changes: Changes::new(book),
            special: Vec::new(),
            triggers: 0,
            key: Vec::new(),
            applied: Vec::new(),
            shown: Vec::new(),
            blocks: FxHashMap::default(),
        }
    }

    /// The slot of `segment`'s column of `kind` and the codes of its ordinals; None when no
    /// name of the kind takes part in resolving.
    pub(crate) fn codes(
        &self,
        segment: SegmentId,
        (kind, column): (Kind, &StrColumn),
    ) -> tantivy::Result<Option<(usize, Arc<Codes>)>> {
        let book = &self.changes.book;
        let Some(names) = book.involved().get(&kind) else {
            return Ok(None);
        };
        let slot = slot(kind);
        let roles = book.roles();
        if let Some(codes) = roles.kept_codes().get(&(segment, slot)) {
            return Ok(Some((slot, codes.clone())));
        }
        let mut codes = vec![0; column.num_terms()];
        for (ord, at) in ords_of(column, names)? {
            let role = &roles.roles[slot][at];
            let flags = match (role.alone, role.bearing.is_some()) {
                (true, _) => ALONE,
                (false, true) => TRIGGER,
                (false, false) => 0,
            };
            codes[ord as usize] = (at as u32 + 1) | flags;
        }
        let codes = Arc::new(codes);
        roles.kept_codes().insert((segment, slot), codes.clone());
        Ok(Some((slot, codes)))
    }

    /// Notes a name of the article being counted, by the code of its ordinal in the column of
    /// `slot`.
    #[inline]
    pub(crate) fn note(&mut self, slot: usize, code: u32) {
        if code == 0 {
            return;
        }
        let at = (code & POSITION) - 1;
        if code & ALONE != 0 {
            self.changes.changed[slot][at as usize] -= 1;
        } else {
            let trigger = code & TRIGGER != 0;
            self.triggers += usize::from(trigger);
            self.special.push(((slot, at), trigger));
        }
    }

    /// Counts the article whose names were noted, and makes ready for the next.
    pub(crate) fn end_article(&mut self) {
        if self.triggers > 0 {
            self.resolve();
        }
        self.special.clear();
        self.triggers = 0;
    }

    /// The changes of an article naming a trigger, as `NameBook::resolve` makes them of its
    /// names that bear on a trigger: each as the rules make it, a short form as its full name
    /// unless another name of its kind keeps it from it, each shown name once.
    fn resolve(&mut self) {
        let book = &self.changes.book;
        let roles = book.roles();
        self.key.clear();
        let triggers = self.special.iter().filter(|s| s.1).map(|s| s.0);
        self.key.extend(triggers);
        for &(trigger, _) in self.special.iter().filter(|s| s.1) {
            for on in roles.of(trigger).bearing.iter().flatten() {
                if !self.key.contains(on) && self.special.iter().any(|s| s.0 == *on) {
                    self.key.push(*on);
                }
            }
        }
        self.applied.clear();
        for &name in &self.key {
            self.changes.changed[name.0][name.1 as usize] -= 1;
            self.applied.extend(roles.of(name).applied);
        }
        self.shown.clear();
        for &name in &self.applied {
            let shown = match roles.of(name).target {
                Some(target) if !kept_from(book, &mut self.blocks, &self.applied, name) => {
                    (name.0, target)
                }
                _ => name,
            };
            if !self.shown.contains(&shown) {
                self.shown.push(shown);
            }
        }
        for &(slot, at) in &self.shown {
            self.changes.changed[slot][at as usize] += 1;
        }
    }

    pub(crate) fn harvest(self) -> Changes {
        self.changes
    }
}

/// Whether a name of `shown` (an article's names as the rules make them) keeps the short form
/// `short` from its full name; each pair is asked of the links once per segment (`blocks`).
fn kept_from(
    book: &NameBook,
    blocks: &mut FxHashMap<(usize, u32, u32), bool>,
    shown: &[Involved],
    short: Involved,
) -> bool {
    (shown.iter())
        .filter(|name| name.0 == short.0)
        .any(|&name| {
            *blocks.entry((short.0, short.1, name.1)).or_insert_with(|| {
                let links = book.links().get(&Kind::ALL[short.0]);
                let text = book.involved_at(name);
                links.is_some_and(|l| l.resolve(book.involved_at(short), &[text]).is_none())
            })
        })
}

pub(crate) struct SegmentNameDeltas {
    /// Per name column: its kind's slot and codes.
    columns: Vec<(StrColumn, usize, Arc<Codes>)>,
    articles: Articles,
}

impl Collector for NameDeltas {
    type Fruit = Changes;
    type Child = SegmentNameDeltas;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let articles = Articles::new(&self.book);
        let mut columns = Vec::new();
        for (kind, column) in columns_of(segment).map_err(into_tantivy)? {
            if let Some((slot, codes)) = articles.codes(segment.segment_id(), (kind, &column))? {
                columns.push((column, slot, codes));
            }
        }
        Ok(SegmentNameDeltas { columns, articles })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Changes>) -> tantivy::Result<Changes> {
        let mut all = Changes::new(&self.book);
        for fruit in &fruits {
            all.add(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentNameDeltas {
    type Fruit = Changes;

    fn collect(&mut self, doc: DocId, _: Score) {
        for (column, slot, codes) in &self.columns {
            for ord in column.term_ords(doc) {
                self.articles.note(*slot, codes[ord as usize]);
            }
        }
        self.articles.end_article();
    }

    fn harvest(self) -> Changes {
        self.articles.harvest()
    }
}

/// The ordinals in `column` of `names` (sorted), with each name's position in `names`, found
/// in one pass over the dictionary alongside them rather than by a look-up each.
fn ords_of(column: &StrColumn, names: &[String]) -> tantivy::Result<Vec<(u64, usize)>> {
    let mut found = Vec::new();
    if names.is_empty() {
        return Ok(found);
    }
    let mut names = names.iter().enumerate().peekable();
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        let key = stream.key();
        while names.next_if(|(_, n)| n.as_bytes() < key).is_some() {}
        let Some(&(at, name)) = names.peek() else {
            break;
        };
        if name.as_bytes() == key {
            found.push((stream.term_ord(), at));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_counted_over_live_articles_for_the_names_voted_on() {
        use crate::index::Fields;
        use tantivy::{Index, TantivyDocument, Term};
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        crate::index::schema::register_tokenizers(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        // Twelve articles naming Vera Drake only in full and writing `PCs`, one of them removed
        // later, and one marking Vera Drake as an organisation's plural: a different mark.
        for n in 0..12 {
            let mut doc = TantivyDocument::default();
            doc.add_u64(fields.marks, whole_name(field::FULL_ONLY, "Vera Drake"));
            doc.add_u64(fields.marks, whole_name(field::PLURAL, "PC"));
            doc.add_text(fields.path, format!("{n}.txt"));
            writer.add_document(doc).unwrap();
        }
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.marks, whole_name(field::PLURAL, "Vera Drake"));
        writer.add_document(doc).unwrap();
        writer.commit().unwrap();
        writer.delete_term(Term::from_field_text(fields.path, "0.txt"));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let tally: Tally = [
            ((Kind::People, "Vera Drake"), 12),
            ((Kind::Orgs, "PC"), 12),
            // Too few articles to be voted on, and a one-word person: never asked for.
            ((Kind::People, "Gordon Brown"), 3),
            ((Kind::People, "Blair"), 20),
            // Voted on but never marked: counted as none.
            ((Kind::Orgs, "BBC"), 15),
        ]
        .into_iter()
        .collect();
        let marked = marked(&searcher, &tally).unwrap();
        let expected: Marked = [
            ((Kind::People, "Vera Drake"), 11),
            ((Kind::Orgs, "PC"), 11),
            ((Kind::Orgs, "BBC"), 0),
        ]
        .into_iter()
        .collect();
        assert_eq!(marked, expected);
    }

    fn saved(stamp: u64, votes: &[(Kind, String, Action)]) -> Vec<u8> {
        let blairs: &[&str] = &[
            "Tony Blair",
            "Cherie Blair",
            "Tony Blair",
            "Tony Blair",
            "Blair",
        ];
        let mut counts = Counts::default();
        for name in blairs {
            counts.add(LinkRule::Surname, name, 1);
        }
        counts.add(LinkRule::Surname, "Brown", 1);
        let links = Links::new(LinkRule::Surname, counts);
        let links: Vec<(Kind, &str, &Link)> = (links.entries())
            .map(|(short, link)| (Kind::People, short, link))
            .collect();
        let votes: Vec<(Kind, &str, &Action)> =
            votes.iter().map(|(k, n, a)| (*k, n.as_str(), a)).collect();
        let sections = [
            lines(&votes).unwrap(),
            lines(&links).unwrap(),
            b"{}".to_vec(),
            b"[]".to_vec(),
        ];
        SavedText::write(stamp, &sections).unwrap()
    }

    fn votes() -> Vec<(Kind, String, Action)> {
        let mut votes = vec![
            (Kind::People, "A.B. Nobel".to_string(), Action::Hide),
            (
                Kind::People,
                "Abu Dhabi".to_string(),
                Action::Move(Kind::Places),
            ),
            (Kind::People, "He said \"no\"".to_string(), Action::Hide),
            (Kind::People, "back\\slash\nline".to_string(), Action::Hide),
            (
                Kind::People,
                "Zürich".to_string(),
                Action::Move(Kind::Places),
            ),
            (
                Kind::Places,
                "Amsouth".to_string(),
                Action::Move(Kind::Orgs),
            ),
            (Kind::Orgs, "Senate".to_string(), Action::Hide),
            (Kind::Orgs, "zz".to_string(), Action::Hide),
        ];
        votes.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        votes
    }

    #[test]
    fn a_saved_book_is_read_only_whole_and_for_its_stamp() {
        let bytes = saved(7, &votes());
        assert!(SavedText::read(bytes.clone(), 7).is_some());
        assert!(SavedText::read(bytes.clone(), 8).is_none());
        let mut damaged = bytes.clone();
        *damaged.last_mut().unwrap() = b'}';
        assert!(SavedText::read(damaged, 7).is_none());
        assert!(SavedText::read(bytes[..bytes.len() - 1].to_vec(), 7).is_none());
        // Sections whose lengths were changed but not their sum, nor the bytes, are damaged too.
        let end = bytes.iter().position(|&b| b == b'\n').unwrap();
        let mut header: Header = serde_json::from_slice(&bytes[..end]).unwrap();
        assert!(header.sections[0] > 0);
        header.sections[0] -= 1;
        header.sections[1] += 1;
        let mut moved = serde_json::to_vec(&header).unwrap();
        moved.extend(&bytes[end..]);
        assert!(SavedText::read(moved, 7).is_none());
        // A book saved whole as one JSON object, before sections, is worked out again.
        let old = br#"{"stamp":7,"votes":[],"expansions":{},"links":[],"archive":[]}"#;
        assert!(SavedText::read(old.to_vec(), 7).is_none());
        let read = SavedText::read(bytes, 7).unwrap();
        let mut lines: Vec<(Kind, String, Action)> = read.lines(Section::Votes).unwrap();
        lines.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        assert_eq!(lines, votes());
    }

    #[test]
    fn votes_looked_up_in_place_agree_with_the_votes_read_whole() {
        let given = Aliases::parse(
            "[people]\n\"Zürich\" = \"hide\"\n\"Tony\" = { merge = \"A.B. Nobel\" }\n\
             [places]\n\"Abu\" = { rename = \"Abu Dhabi\" }\n",
        )
        .unwrap();
        let mut names: Vec<(Kind, String)> = votes().into_iter().map(|(k, n, _)| (k, n)).collect();
        for (kind, name) in [
            (Kind::People, "A"),
            (Kind::People, "Zz"),
            (Kind::Orgs, "Senat"),
        ] {
            names.push((kind, name.to_string()));
        }
        for aliases in [Aliases::default(), given] {
            let whole = aliases.with_votes(&votes());
            let book = NameBook::from_saved(saved(1, &votes()), 1, aliases).unwrap();
            for (kind, name) in &names {
                assert_eq!(book.apply(*kind, name), whole.apply(*kind, name), "{name}");
            }
            // Read whole once asked for, with the same answers.
            assert_eq!(book.aliases(), &whole);
            for (kind, name) in &names {
                assert_eq!(book.apply(*kind, name), whole.apply(*kind, name), "{name}");
            }
        }
    }

    #[test]
    fn credits_from_the_lines_spelling_a_name_agree_with_the_tables_read_whole() {
        let given = Aliases::parse(
            "[people]\n\"Tony\" = { merge = \"Tony Blair\" }\n\"ABU DHABI\" = \"hide\"\n\
             [places]\n\"Abu\" = { rename = \"Abu Dhabi\" }\n",
        )
        .unwrap();
        let exact = |kind: Kind, name: &str| format!("{}:{name}", kind.word());
        let asked = [
            (Kind::People, "Tony Blair"),
            (Kind::People, "blair"),
            (Kind::People, "Abu Dhabi"),
            (Kind::Places, "abu dhabi"),
            (Kind::Places, "Zürich"),
            (Kind::Places, "ZÜRICH"),
            (Kind::People, "He said no"),
            (Kind::Orgs, "Amsouth"),
            (Kind::People, "Nobody"),
        ];
        for aliases in [Aliases::default(), given] {
            let book = NameBook::from_saved(saved(1, &votes()), 1, aliases.clone()).unwrap();
            let answers = |book: &NameBook| -> Vec<_> {
                (asked.iter())
                    .map(|&(kind, value)| {
                        (
                            book.credited_to(kind, value, exact),
                            book.withdrawn(kind, value),
                        )
                    })
                    .collect()
            };
            let in_place = answers(&book);
            assert!(book.aliases.get().is_none() && book.links.get().is_none());
            book.aliases();
            book.links();
            assert_eq!(in_place, answers(&book));
            assert!(in_place.iter().any(|(credited, _)| credited.is_some()));
            assert!(in_place.iter().any(|(_, withdrawn)| !withdrawn.is_empty()));
        }
    }

    #[test]
    fn links_looked_up_in_place_agree_with_the_links_read_whole() {
        let articles: &[&[(Kind, &str)]] = &[
            &[(Kind::People, "Blair")],
            &[(Kind::People, "Blair"), (Kind::People, "Cherie")],
            &[(Kind::People, "Blair"), (Kind::Places, "Blair")],
            &[(Kind::People, "Brown"), (Kind::People, "A.B. Nobel")],
            &[(Kind::Places, "Abu Dhabi"), (Kind::People, "Abu Dhabi")],
        ];
        let book = NameBook::from_saved(saved(1, &votes()), 1, Aliases::default()).unwrap();
        let in_place: Vec<_> = articles
            .iter()
            .map(|a| book.resolve(a.iter().copied()))
            .collect();
        assert_eq!(in_place[0], [(Kind::People, Cow::Borrowed("Tony Blair"))]);
        assert_eq!(in_place[1][0], (Kind::People, Cow::Borrowed("Blair")));
        assert_eq!(in_place[4], [(Kind::Places, Cow::Borrowed("Abu Dhabi"))]);
        assert!(book.links()[&Kind::People].is_short("Blair"));
        let whole: Vec<_> = articles
            .iter()
            .map(|a| book.resolve(a.iter().copied()))
            .collect();
        assert_eq!(in_place, whole);
    }
}
