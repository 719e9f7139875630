//! The archive's names as a reader sees them: the alias rules applied and short forms credited
//! to full names, worked out from the name columns of the commit being searched, so that an
//! incremental index answers exactly as a rebuilt one.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rustc_hash::FxHashMap;
use tantivy::collector::Count;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::query::{AllQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, Searcher, SegmentReader, Term};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::aliases::{Action, Aliases, Outcome};
use super::kind::Kind;
use super::link::{self, Counts, LinkRule, Links};
use super::vote::{self, Marked, Tally};
use crate::error::{Error, Result};
use crate::index::schema::field;

pub(crate) struct NameBook {
    /// The user's alias rules with the archive's votes added.
    aliases: Aliases,
    /// The archive's votes on kinds, kept to be saved with the book.
    votes: Vec<(Kind, String, Action)>,
    /// Organisations' acronyms and the name they stand for across the archive.
    expansions: HashMap<String, String>,
    links: HashMap<Kind, Links>,
    /// Names, as stored, whose article is resolved as a whole, sorted; any other name is shown
    /// as it is stored and needs no look-up. Worked out when first asked for (facets, stats,
    /// `kind:` queries): showing a page of hits does not need it.
    involved: OnceLock<HashMap<Kind, Vec<String>>>,
    /// The corrections to the stored names' counts over every live article, for `stats`:
    /// saved with the book, or worked out when first asked for.
    archive: OnceLock<Deltas>,
    /// The saved corrections, read only when first asked for: most searches never need them,
    /// and on a large archive they are the bulk of the saved book.
    saved_archive: std::sync::Mutex<Option<Box<RawValue>>>,
    /// What each involved name does in an article, for [`NameDeltas`].
    roles: OnceLock<Roles>,
}

impl NameBook {
    /// Counts, over the live articles, the articles naming each full name: per stored name
    /// from the columns' ordinals, so that only the dictionaries are read as text. Articles
    /// are read one by one only where that cannot be: for a kind whose short forms count only
    /// beside their full name, and for names with an alias rule.
    pub(crate) fn build(searcher: &Searcher, aliases: Aliases) -> Result<NameBook> {
        let (stored, tally) = stored_counts(searcher)?;
        let votes = vote::votes(&tally, &marked(searcher, &tally)?);
        let aliases = aliases.with_votes(&votes);
        let mut counts: HashMap<Kind, Counts> = HashMap::new();
        let ruled: HashSet<(Kind, &str)> = aliases.ruled().collect();
        for (segment, columns) in searcher.segment_readers().iter().zip(&stored) {
            for (kind, column, per_ord) in columns {
                let kind = *kind;
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
                        (segment, kind, column),
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
        let orgs = (tally.iter()).filter(|((kind, _), _)| *kind == Kind::Orgs);
        let mut book = NameBook::new(aliases, links);
        book.expansions = link::expansions(orgs.map(|((_, name), n)| (name.as_str(), *n)));
        book.votes = votes;
        Ok(book)
    }

    fn new(aliases: Aliases, links: Vec<(Kind, Links)>) -> NameBook {
        NameBook {
            aliases,
            votes: Vec::new(),
            expansions: HashMap::new(),
            links: links.into_iter().collect(),
            involved: OnceLock::new(),
            archive: OnceLock::new(),
            saved_archive: std::sync::Mutex::new(None),
            roles: OnceLock::new(),
        }
    }

    fn involved(&self) -> &HashMap<Kind, Vec<String>> {
        self.involved.get_or_init(|| {
            let mut involved: HashMap<Kind, HashSet<String>> = HashMap::new();
            for (kind, links) in &self.links {
                let set = involved.entry(*kind).or_default();
                set.extend(links.involved().map(str::to_string));
            }
            for (kind, name) in self.aliases.ruled() {
                involved.entry(kind).or_default().insert(name.to_string());
                if let Outcome::Name(to_kind, to) = self.aliases.apply(kind, name) {
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

    /// The book saved by [`NameBook::saved`], when it was worked out for `stamp`.
    pub(crate) fn from_saved(bytes: &[u8], stamp: u64, aliases: Aliases) -> Option<NameBook> {
        let saved: Saved<Box<RawValue>> = serde_json::from_slice(bytes).ok()?;
        if saved.stamp != stamp {
            return None;
        }
        let aliases = aliases.with_votes(&saved.votes);
        let mut book = NameBook::new(aliases, saved.links);
        book.votes = saved.votes;
        book.expansions = saved.expansions;
        book.saved_archive = std::sync::Mutex::new(Some(saved.archive));
        Some(book)
    }

    /// The book as saved in the index folder, for the commit (seen by `searcher`) and alias
    /// rules of `stamp`.
    pub(crate) fn saved(self: &Arc<Self>, searcher: &Searcher, stamp: u64) -> Result<Vec<u8>> {
        let links = self.links.iter().map(|(k, l)| (*k, l.clone())).collect();
        let archive: SavedArchive = (self.archive(searcher)?.iter())
            .map(|((k, n), d)| (*k, n.clone(), *d))
            .collect();
        Ok(serde_json::to_vec(&Saved {
            stamp,
            votes: self.votes.clone(),
            expansions: self.expansions.clone(),
            links,
            archive,
        })?)
    }

    /// The corrections to the stored names' counts over every live article of `searcher`, the
    /// commit the book is of.
    pub(crate) fn archive(self: &Arc<Self>, searcher: &Searcher) -> Result<&Deltas> {
        if self.archive.get().is_none() {
            let raw = (self.saved_archive.lock())
                .unwrap_or_else(|e| e.into_inner())
                .take();
            let saved = raw.and_then(|raw| serde_json::from_str::<SavedArchive>(raw.get()).ok());
            let deltas = match saved {
                Some(saved) => (saved.into_iter()).map(|(k, n, d)| ((k, n), d)).collect(),
                None => (searcher.search(&AllQuery, &NameDeltas::new(self.clone()))?).deltas(),
            };
            let _ = self.archive.set(deltas);
        }
        Ok(self.archive.get().expect("set above"))
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
        if kind == Kind::Orgs {
            clauses.extend(self.spelled(value, &wanted).map(|name| exact(kind, name)));
        }
        if let Some(links) = self.links.get(&kind) {
            let mut targets: Vec<&str> = self
                .involved()
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

    /// The organisations' names that the query value `value` (its `wanted` words) stands for
    /// or is stood for by: an acronym's spelled-out name, and a spelled-out name's acronym.
    fn spelled<'a>(&'a self, value: &str, wanted: &[String]) -> impl Iterator<Item = &'a str> {
        let acronym = value.trim().to_uppercase();
        let full = self.expansions.get(&acronym).map(String::as_str);
        let acronyms = (self.expansions.iter())
            .filter(move |(_, name)| words(name) == wanted)
            .map(|(acronym, _)| acronym.as_str());
        full.into_iter().chain(acronyms.collect::<Vec<_>>())
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

/// Per segment, its name columns with the live articles storing each ordinal; and over all
/// segments, the articles storing each name, for the vote on kinds.
#[allow(clippy::type_complexity)]
fn stored_counts(searcher: &Searcher) -> Result<(Vec<Vec<(Kind, StrColumn, Vec<u32>)>>, Tally)> {
    let mut tally = Tally::new();
    let mut stored = Vec::new();
    for segment in searcher.segment_readers() {
        let mut columns = Vec::new();
        for (kind, column) in columns_of(segment)? {
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
            while stream.advance() {
                let n = per_ord[stream.term_ord() as usize];
                if let (Ok(name), true) = (std::str::from_utf8(stream.key()), n > 0) {
                    *tally.entry((kind, name.to_string())).or_default() += n;
                }
            }
            columns.push((kind, column, per_ord));
        }
        stored.push(columns);
    }
    Ok((stored, tally))
}

/// For the names the vote judges by what their articles say (people of two words or more,
/// organisations' acronyms), the live articles marked in `names`: naming the person only in
/// full, writing the acronym as a plural.
fn marked(searcher: &Searcher, tally: &Tally) -> Result<Marked> {
    let names = searcher.schema().get_field(field::NAMES)?;
    let mut marked = Marked::new();
    for ((kind, name), &n) in tally {
        let marker = match kind {
            _ if n < vote::MIN_VOTED => continue,
            Kind::People if name.contains(' ') => field::FULL_ONLY,
            Kind::Orgs if !name.chars().any(char::is_lowercase) => field::PLURAL,
            _ => continue,
        };
        let term = Term::from_field_text(names, &format!("{marker}:{name}"));
        let query = TermQuery::new(term, IndexRecordOption::Basic);
        let count = searcher.search(&query, &Count)? as u32;
        marked.insert((*kind, name.clone()), count);
    }
    Ok(marked)
}

/// Counts the articles of a segment that name one of `ords` in `column` (sorted), each read
/// whole: its names of the column's kind as the alias rules make them.
fn count_articles(
    aliases: &Aliases,
    (segment, kind, column): (&SegmentReader, Kind, &StrColumn),
    ords: &[u64],
    counts: &mut HashMap<Kind, Counts>,
) -> Result<()> {
    let names: HashSet<u64> = ords.iter().copied().collect();
    let all = all_terms(column)?;
    let mut article: Vec<u64> = Vec::new();
    for doc in segment.doc_ids_alive() {
        article.clear();
        article.extend(column.term_ords(doc));
        if !article.iter().any(|ord| names.contains(ord)) {
            continue;
        }
        let terms: Vec<&str> = article.iter().map(|&o| all[o as usize].as_str()).collect();
        // A name of a kind counted alone, moved or merged by a rule, counts as what it became;
        // the other names of the article were counted by ordinal.
        for (ord, name) in article.iter().zip(&terms) {
            if !names.contains(ord) {
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
            for (to_kind, shown) in by_kind(aliases, terms.iter().map(|&t| (kind, t))) {
                let shown: Vec<&str> = shown.iter().map(|n| n.as_ref()).collect();
                if to_kind == kind {
                    counts.entry(kind).or_default().add_article(rule, &shown);
                }
            }
        }
    }
    Ok(())
}

/// Every name of a column, by ordinal. Read in one pass over the dictionary: looking each
/// article's names up instead decoded their dictionary blocks from the start again for every
/// article, which cost more than indexing the names (BENCHMARKS.md).
fn all_terms(column: &StrColumn) -> Result<Vec<String>> {
    let mut terms = vec![String::new(); column.num_terms()];
    let mut stream = column
        .dictionary()
        .stream()
        .map_err(tantivy::TantivyError::from)?;
    while stream.advance() {
        terms[stream.term_ord() as usize] = String::from_utf8_lossy(stream.key()).into_owned();
    }
    Ok(terms)
}

/// What the index folder keeps of a book: the votes, the links, the archive's corrections, and the stamp
/// of what they were worked out from.
#[derive(Serialize, Deserialize)]
struct Saved<Archive> {
    stamp: u64,
    votes: Vec<(Kind, String, Action)>,
    expansions: HashMap<String, String>,
    links: Vec<(Kind, Links)>,
    /// A [`SavedArchive`], left unread when the book is read.
    archive: Archive,
}

type SavedArchive = Vec<(Kind, String, i64)>;

/// Changed with the rules a book is worked out by (the vote's, the links'), so that a book saved
/// by an older gazette is worked out again rather than read.
const RULES: &str = "names 3: votes on kinds (given names back full names), acronyms expanded";

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
pub(crate) type Deltas = HashMap<(Kind, String), i64>;

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
            let (alone, applied) = match book.aliases.apply(kind, name) {
                Outcome::Name(to, shown) if (to, shown) == (kind, name) => {
                    (false, Some((slot(kind), own)))
                }
                Outcome::Name(to, shown) => (false, at(to, shown)),
                Outcome::Hidden => (true, None),
            };
            let target = (book.links.get(&kind))
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
        let borne: HashSet<Involved> = (roles.iter().flatten())
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
/// roles of the involved names, the codes of each name column), so that the first facet search
/// of a server does not wait for them.
pub(crate) fn prepare_facets(book: &Arc<NameBook>, searcher: &Searcher) -> Result<()> {
    let articles = Articles::new(book);
    for segment in searcher.segment_readers() {
        for (kind, column) in columns_of(segment)? {
            articles.codes(segment.segment_id(), (kind, &column))?;
        }
    }
    Ok(())
}

impl NameBook {
    /// The names whose presence beside the trigger `name` can change what an article shows:
    /// the name the rules make of it and, when that is a short form, the names bearing on it.
    /// Any other name an article stores is shown as stored.
    fn bearing_on<'a>(&'a self, kind: Kind, name: &'a str) -> Vec<(Kind, &'a str)> {
        let Outcome::Name(kind, shown) = self.aliases.apply(kind, name) else {
            return Vec::new();
        };
        let links = self.links.get(&kind).into_iter();
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
                let links = book.links.get(&Kind::ALL[short.0]);
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
