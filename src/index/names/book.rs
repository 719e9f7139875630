//! The archive's names as a reader sees them: the alias rules applied and short forms credited
//! to full names, worked out from the name columns of the commit being searched, so that an
//! incremental index answers exactly as a rebuilt one.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::{DocId, Score, Searcher, SegmentReader};

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
    /// Names, as stored, whose article is resolved as a whole; any other name is shown as it is
    /// stored and needs no look-up.
    involved: HashMap<Kind, HashSet<String>>,
}

impl NameBook {
    /// Reads every live article's names once.
    pub(crate) fn build(searcher: &Searcher, aliases: Aliases) -> Result<NameBook> {
        let mut counts: HashMap<Kind, Counts> = HashMap::new();
        for segment in searcher.segment_readers() {
            let columns = columns(segment)?;
            let terms: Vec<Vec<String>> = columns
                .iter()
                .map(|(_, column)| all_terms(column))
                .collect::<Result<_>>()?;
            for doc in segment.doc_ids_alive() {
                let raw = columns
                    .iter()
                    .zip(&terms)
                    .flat_map(|((kind, column), terms)| {
                        column
                            .term_ords(doc)
                            .map(move |ord| (*kind, terms[ord as usize].as_str()))
                    });
                for (kind, names) in by_kind(&aliases, raw) {
                    if let Some(rule) = LinkRule::of(kind) {
                        let names: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
                        counts.entry(kind).or_default().add_article(rule, &names);
                    }
                }
            }
        }
        let links: HashMap<Kind, Links> = counts
            .into_iter()
            .filter_map(|(kind, counts)| Some((kind, Links::new(LinkRule::of(kind)?, counts))))
            .collect();
        let mut involved: HashMap<Kind, HashSet<String>> = HashMap::new();
        for (kind, links) in &links {
            let set = involved.entry(*kind).or_default();
            set.extend(links.involved().map(str::to_string));
        }
        for (kind, name) in aliases.ruled() {
            involved.entry(kind).or_default().insert(name.to_string());
            if let Outcome::Name(to_kind, to) = aliases.apply(kind, name) {
                involved.entry(to_kind).or_default().insert(to.into_owned());
            }
        }
        Ok(NameBook {
            aliases,
            links,
            involved,
        })
    }

    /// One article's names as shown: (kind, name) in the order stored, each once.
    pub(crate) fn resolve<'a>(
        &self,
        raw: impl IntoIterator<Item = (Kind, &'a str)>,
    ) -> Vec<(Kind, String)> {
        let mut shown: Vec<(Kind, String)> = Vec::new();
        for (kind, names) in by_kind(&self.aliases, raw) {
            let all: Vec<&str> = names.iter().map(|n| n.as_ref()).collect();
            for name in &all {
                let name = match self.links.get(&kind) {
                    Some(links) if !name.contains(' ') => links.resolve(name, &all).unwrap_or(name),
                    _ => name,
                };
                if !shown.iter().any(|(k, n)| *k == kind && n == name) {
                    shown.push((kind, name.to_string()));
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
                Outcome::Name(to_kind, to) if to_kind == kind && matches(&to) => {
                    clauses.push(exact(from_kind, from));
                }
                _ => {}
            }
        }
        if let Some(links) = self.links.get(&kind) {
            let mut targets: Vec<&str> = self.involved[&kind]
                .iter()
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
    aliases: &Aliases,
    raw: impl IntoIterator<Item = (Kind, &'a str)>,
) -> Vec<(Kind, Vec<Cow<'a, str>>)> {
    let mut groups: Vec<(Kind, Vec<Cow<'a, str>>)> = Vec::new();
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

fn all_terms(column: &StrColumn) -> Result<Vec<String>> {
    let mut terms = Vec::with_capacity(column.num_terms());
    let mut stream = column
        .dictionary()
        .stream()
        .map_err(tantivy::TantivyError::from)?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(terms)
}

/// Counts, among the matching articles, how many are credited with each name: each name once
/// per article, as shown.
pub(crate) struct NameCounts(pub Arc<NameBook>);

/// Per kind, each name shown and the number of articles credited with it.
pub(crate) type Counted = HashMap<(Kind, String), u64>;

pub(crate) struct SegmentNameCounts {
    book: Arc<NameBook>,
    columns: Vec<(Kind, StrColumn)>,
    /// Per column, articles per stored name, for articles that need no resolving.
    plain: Vec<Vec<u64>>,
    /// Per column, the stored names that take part in resolving, by ordinal.
    involved: Vec<HashMap<u64, String>>,
    resolved: Counted,
}

impl Collector for NameCounts {
    type Fruit = Counted;
    type Child = SegmentNameCounts;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let columns = columns(segment).map_err(into_tantivy)?;
        let mut involved = Vec::with_capacity(columns.len());
        for (kind, column) in &columns {
            let mut found = HashMap::new();
            for name in self.0.involved.get(kind).into_iter().flatten() {
                if let Some(ord) = column.dictionary().term_ord(name)? {
                    found.insert(ord, name.clone());
                }
            }
            involved.push(found);
        }
        let plain = columns
            .iter()
            .map(|(_, c)| vec![0; c.num_terms()])
            .collect();
        Ok(SegmentNameCounts {
            book: self.0.clone(),
            columns,
            plain,
            involved,
            resolved: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut all = Counted::new();
        for fruit in fruits {
            for (key, n) in fruit {
                *all.entry(key).or_default() += n;
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentNameCounts {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        let mut special: Vec<(Kind, &str)> = Vec::new();
        for (i, (kind, column)) in self.columns.iter().enumerate() {
            for ord in column.term_ords(doc) {
                match self.involved[i].get(&ord) {
                    Some(name) => special.push((*kind, name)),
                    None => self.plain[i][ord as usize] += 1,
                }
            }
        }
        if !special.is_empty() {
            for key in self.book.resolve(special) {
                *self.resolved.entry(key).or_default() += 1;
            }
        }
    }

    fn harvest(self) -> Counted {
        let mut counted = self.resolved;
        for ((kind, column), plain) in self.columns.iter().zip(self.plain) {
            let ords: Vec<u64> = (0..plain.len() as u64)
                .filter(|&o| plain[o as usize] > 0)
                .collect();
            let mut at = ords.iter();
            // A harvest cannot fail; a dictionary that lacks its own ordinals is damage that
            // the hits' own reading of the column reports.
            let _ = column.dictionary().sorted_ords_to_term_cb(&ords, |term| {
                if let Some(&ord) = at.next() {
                    let name = String::from_utf8_lossy(term).into_owned();
                    *counted.entry((*kind, name)).or_default() += plain[ord as usize];
                }
            });
        }
        counted
    }
}

fn into_tantivy(err: Error) -> tantivy::TantivyError {
    match err {
        Error::Index(e) => e,
        other => tantivy::TantivyError::InternalError(other.to_string()),
    }
}

/// The `limit` names of `kind` credited to most articles, most first (ties by name).
pub(crate) fn top(counted: &Counted, kind: Kind, limit: usize) -> Vec<(String, u64)> {
    let mut names: Vec<(String, u64)> = counted
        .iter()
        .filter(|((k, _), _)| *k == kind)
        .map(|((_, name), n)| (name.clone(), *n))
        .collect();
    names.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    names.truncate(limit);
    names
}
