//! Tying a short form to the full name it stands for across the archive: `Blair` to `Tony
//! Blair` when he is the dominant full name with that surname, `IMF` to `International Monetary
//! Fund` when the articles that spell it out mostly agree. Built from each article's names, so
//! the table is a function of what the index holds.

use rustc_hash::{FxHashMap, FxHashSet};

use serde::{Deserialize, Serialize};

use super::kind::Kind;

/// A full name must be seen in at least this many articles to take a short form.
const MIN_SUPPORT: u32 = 2;
/// ...and in this many times as many as the next full name with the same short form;
/// otherwise the short form is ambiguous and stays as it is.
const DOMINANCE: u32 = 3;

/// How a full name yields the short form it can be referred to by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkRule {
    /// The last word of a name of two words or more: `Tony Blair` → `Blair`. Counted in every
    /// article that names the full name.
    Surname,
    /// The initials of the capitalised words: `International Monetary Fund` → `IMF`. Counted
    /// only in articles that name both, since an acronym is not otherwise evidence.
    Acronym,
}

impl LinkRule {
    pub(crate) fn of(kind: Kind) -> Option<LinkRule> {
        match kind {
            Kind::People => Some(LinkRule::Surname),
            Kind::Places => None,
            Kind::Orgs => Some(LinkRule::Acronym),
        }
    }

    /// Whether a full name counts for its short form in every article naming it, so that the
    /// counts can be taken per name rather than per article.
    pub(crate) fn counts_alone(self) -> bool {
        self == LinkRule::Surname
    }

    /// The short form of a full name; None for a name of one word.
    fn short(self, full: &str) -> Option<String> {
        let mut short = String::new();
        self.short_into(full, &mut short).then_some(short)
    }

    /// As [`LinkRule::short`], written over `into` (false when there is none).
    fn short_into(self, full: &str, into: &mut String) -> bool {
        into.clear();
        match self {
            LinkRule::Surname => surname(full).map(|s| into.push_str(s)).is_some(),
            LinkRule::Acronym => {
                let initials = word_starts(full).filter_map(|at| full[at..].chars().next());
                into.extend(initials.filter(|c| c.is_uppercase()));
                into.chars().count() >= 2
            }
        }
    }

    /// The short form of `full` as a name of the article naming `names` (which holds `full`):
    /// its surname, a part of it; or its acronym, when the article names that too, as an
    /// acronym counts only beside its full name. `scratch` holds the acronym while it is looked
    /// for: counting an archive's articles asks for the short forms of every name of every
    /// article, and most are only compared, never kept.
    fn short_among<'a>(
        self,
        full: &'a str,
        names: &[&'a str],
        scratch: &mut String,
    ) -> Option<&'a str> {
        match self {
            LinkRule::Surname => surname(full),
            LinkRule::Acronym if self.short_into(full, scratch) => {
                names.iter().copied().find(|&name| name == scratch.as_str())
            }
            LinkRule::Acronym => None,
        }
    }

    /// Whether `short` is the short form of `name`, without building it for surnames.
    fn is_short_of(self, short: &str, name: &str) -> bool {
        match self {
            LinkRule::Surname => name
                .strip_suffix(short)
                .is_some_and(|rest| rest.ends_with(' ') && !rest.trim().is_empty()),
            LinkRule::Acronym => self.short(name).as_deref() == Some(short),
        }
    }

    /// The first word of a full name, which names its holder apart from others sharing the
    /// short form (`Cherie` in an article saying `Blair` is evidence against `Tony Blair`).
    fn given(self, full: &str) -> Option<&str> {
        match self {
            LinkRule::Surname => full.split(' ').next().filter(|_| full.contains(' ')),
            LinkRule::Acronym => None,
        }
    }
}

/// Where each word (a run of anything but spaces) of `full` begins; bytes, not `split`, for
/// speed.
fn word_starts(full: &str) -> impl DoubleEndedIterator<Item = usize> + '_ {
    let bytes = full.as_bytes();
    (0..bytes.len()).filter(move |&i| bytes[i] != b' ' && (i == 0 || bytes[i - 1] == b' '))
}

/// The last word of a name of two words or more.
fn surname(full: &str) -> Option<&str> {
    let mut starts = word_starts(full);
    let second = starts.nth(1)?;
    let last = starts.next_back().unwrap_or(second);
    full[last..].split(' ').next()
}

/// Each acronym's spelled-out name, where one organisation stored under a name of two words or
/// more dominates those with the same initials (`IMF`: International Monetary Fund; `EC` stays
/// unexpanded when European Community and European Commission are both frequent). `orgs` gives
/// the articles storing each organisation's name.
pub(crate) fn expansions<'a>(
    orgs: impl Iterator<Item = (&'a str, u32)>,
) -> FxHashMap<String, String> {
    let mut by_acronym: FxHashMap<String, Vec<(&'a str, u32)>> = FxHashMap::default();
    for (name, n) in orgs {
        if let Some(acronym) = LinkRule::Acronym.short(name) {
            by_acronym.entry(acronym).or_default().push((name, n));
        }
    }
    by_acronym
        .into_iter()
        .filter_map(|(acronym, mut fulls)| {
            fulls.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            let (best, count) = fulls[0];
            let next = fulls.get(1).map_or(0, |f| f.1);
            (count >= MIN_SUPPORT && count >= DOMINANCE * next).then(|| (acronym, best.to_string()))
        })
        .collect()
}

/// Articles counted per short form and full name, the names borrowed from where they were
/// read (the segments' decoded dictionaries, the alias rules): only the links kept are copied.
#[derive(Debug, Default)]
pub(crate) struct Counts<'a> {
    by_short: FxHashMap<&'a str, FxHashMap<&'a str, u32>>,
    /// Names of one word seen on their own: the only short forms worth a link.
    alone: FxHashSet<&'a str>,
    /// Where an acronym is written while it is looked for among an article's names.
    scratch: String,
}

impl<'a> Counts<'a> {
    /// Counts `n` articles naming `full`, for a rule that [`LinkRule::counts_alone`] (an
    /// acronym, which counts only beside its full name, is not counted here).
    pub(crate) fn add(&mut self, rule: LinkRule, full: &'a str, n: u32) {
        debug_assert!(rule.counts_alone(), "an acronym is counted per article");
        self.note_alone(full);
        if let Some(short) = rule.short_among(full, &[], &mut self.scratch) {
            self.count(short, full, n);
        }
    }

    /// Notes a name of one word: only a short form also seen on its own is worth a link.
    fn note_alone(&mut self, name: &'a str) {
        if !name.contains(' ') {
            self.alone.insert(name);
        }
    }

    /// Adds `n` articles naming `full` to those of `short`.
    fn count(&mut self, short: &'a str, full: &'a str, n: u32) {
        *self
            .by_short
            .entry(short)
            .or_default()
            .entry(full)
            .or_default() += n;
    }

    /// Adds the counts of `other`, taken over other articles.
    pub(crate) fn merge(&mut self, other: Counts<'a>) {
        self.alone.extend(other.alone);
        for (short, fulls) in other.by_short {
            let mine = self.by_short.entry(short).or_default();
            for (full, n) in fulls {
                *mine.entry(full).or_default() += n;
            }
        }
    }

    /// Counts one article's names of a kind, each name once.
    pub(crate) fn add_article(&mut self, rule: LinkRule, names: &[&'a str]) {
        for &full in names {
            self.note_alone(full);
            if let Some(short) = rule.short_among(full, names, &mut self.scratch) {
                self.count(short, full, 1);
            }
        }
    }
}

/// The full name a short form is credited to, and the other full names with that short form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Link {
    target: String,
    rivals: Vec<String>,
}

impl Link {
    /// The full name `short` stands for, by `rule`, in an article naming `article` (its names
    /// of the same kind), or None when the article points elsewhere: it names another full name
    /// with that short form, or another holder's first name.
    pub(crate) fn resolve(&self, rule: LinkRule, short: &str, article: &[&str]) -> Option<&str> {
        let elsewhere = article.iter().any(|name| {
            *name != self.target && rule.is_short_of(short, name)
                || (self.rivals.iter()).any(|rival| rule.given(rival) == Some(name))
        });
        (!elsewhere).then_some(self.target.as_str())
    }
}

/// The short forms of one kind that the archive ties to a full name.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    rule: LinkRule,
    by_short: FxHashMap<String, Link>,
}

impl Links {
    pub(crate) fn new(rule: LinkRule, counts: Counts) -> Links {
        let alone = counts.alone;
        let by_short = counts
            .by_short
            .into_iter()
            .filter(|(short, _)| alone.contains(short))
            .filter_map(|(short, fulls)| {
                let mut ranked: Vec<(&str, u32)> = fulls.into_iter().collect();
                ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
                let (best, count) = *ranked.first()?;
                let next = ranked.get(1).map_or(0, |r| r.1);
                let dominant = count >= MIN_SUPPORT && count >= DOMINANCE * next;
                dominant.then(|| {
                    let rivals = ranked.iter().skip(1).map(|r| r.0.to_string()).collect();
                    (
                        short.to_string(),
                        Link {
                            target: best.to_string(),
                            rivals,
                        },
                    )
                })
            })
            .collect();
        Links { rule, by_short }
    }

    /// The links of a kind, from [`Links::entries`].
    pub(crate) fn from_entries(
        rule: LinkRule,
        entries: impl Iterator<Item = (String, Link)>,
    ) -> Links {
        Links {
            rule,
            by_short: entries.collect(),
        }
    }

    /// Each short form with its link.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &Link)> {
        self.by_short
            .iter()
            .map(|(short, link)| (short.as_str(), link))
    }

    /// The full name `short` stands for in an article naming `article` (its names of the same
    /// kind), or None: when the archive ties `short` to no one, or the article points elsewhere.
    pub(crate) fn resolve(&self, short: &str, article: &[&str]) -> Option<&str> {
        self.by_short.get(short)?.resolve(self.rule, short, article)
    }

    /// Whether the archive ties `name`, as a short form, to a full name.
    pub(crate) fn is_short(&self, name: &str) -> bool {
        self.by_short.contains_key(name)
    }

    /// Every name that bears on resolving a short form: the short forms, their targets and
    /// their rivals' names and first names. An article naming none of these resolves to itself.
    pub(crate) fn involved(&self) -> impl Iterator<Item = &str> {
        (self.by_short.iter()).flat_map(|(short, link)| {
            [short.as_str(), link.target.as_str()]
                .into_iter()
                .chain(self.against(link))
        })
    }

    /// The names whose presence in an article can change what `short` shows as there: its
    /// target, and the names that keep it from the target.
    pub(crate) fn bearing_on<'a>(&'a self, short: &str) -> impl Iterator<Item = &'a str> + 'a {
        (self.by_short.get(short).into_iter())
            .flat_map(|link| std::iter::once(link.target.as_str()).chain(self.against(link)))
    }

    /// The names that keep an article's short form from its target: the rivals and their
    /// first names.
    fn against<'a>(&'a self, link: &'a Link) -> impl Iterator<Item = &'a str> + 'a {
        (link.rivals.iter()).flat_map(|r| std::iter::once(r.as_str()).chain(self.rule.given(r)))
    }

    /// The short forms credited to a full name that `target` accepts, with the names that keep
    /// an article's short form from it (rivals and their first names).
    pub(crate) fn shorts_matching<'a>(
        &'a self,
        target: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = (&'a str, Vec<&'a str>)> + 'a {
        self.by_short
            .iter()
            .filter(move |(_, link)| target(&link.target))
            .map(|(short, link)| (short.as_str(), self.against(link).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(rule: LinkRule, articles: &[&[&str]]) -> Links {
        let mut counts = Counts::default();
        for names in articles {
            counts.add_article(rule, names);
        }
        Links::new(rule, counts)
    }

    #[test]
    fn a_surname_goes_to_the_dominant_full_name() {
        let tony: &[&str] = &["Tony Blair", "Gordon Brown"];
        let l = links(
            LinkRule::Surname,
            &[tony, tony, tony, &["Cherie Blair"], &["Blair"]],
        );
        assert_eq!(l.resolve("Blair", &["Blair"]), Some("Tony Blair"));
        assert_eq!(
            l.resolve("Blair", &["Blair", "Gordon Brown"]),
            Some("Tony Blair")
        );
        // The article itself names another Blair, or Cherie's first name.
        assert_eq!(l.resolve("Blair", &["Blair", "Cherie Blair"]), None);
        assert_eq!(l.resolve("Blair", &["Blair", "Ian Blair"]), None);
        assert_eq!(l.resolve("Blair", &["Blair", "Cherie"]), None);
        // Gordon Brown, seen three times with no rival, would take `Brown`, but no article
        // says `Brown` alone: the table keeps no link for it.
        assert_eq!(l.resolve("Brown", &["Brown"]), None);
        assert_eq!(l.resolve("Smith", &["Smith"]), None);
        let involved: Vec<&str> = l.involved().collect();
        for name in ["Blair", "Tony Blair", "Cherie Blair", "Cherie"] {
            assert!(involved.contains(&name), "{name}: {involved:?}");
        }
        let shorts: Vec<_> = l.shorts_matching(|n| n == "Tony Blair").collect();
        assert_eq!(shorts, vec![("Blair", vec!["Cherie Blair", "Cherie"])]);
    }

    #[test]
    fn two_frequent_full_names_leave_the_surname_unlinked() {
        let ed: &[&str] = &["Ed Miliband"];
        let david: &[&str] = &["David Miliband"];
        let l = links(LinkRule::Surname, &[ed, ed, ed, david, david]);
        assert_eq!(l.resolve("Miliband", &["Miliband"]), None);
        // A single sighting is not enough either.
        let once = links(LinkRule::Surname, &[&["Tony Blair"]]);
        assert_eq!(once.resolve("Blair", &["Blair"]), None);
    }

    #[test]
    fn an_acronym_goes_to_the_name_articles_spell_it_out_as() {
        let imf: &[&str] = &["International Monetary Fund", "IMF"];
        let l = links(
            LinkRule::Acronym,
            &[
                imf,
                imf,
                // Named without the acronym: no evidence about it.
                &["Islamic Medical Foundation"],
                &["Islamic Medical Foundation"],
                &["Islamic Medical Foundation"],
            ],
        );
        assert_eq!(
            l.resolve("IMF", &["IMF"]),
            Some("International Monetary Fund")
        );
        assert_eq!(
            l.resolve("IMF", &["IMF", "Islamic Medical Foundation"]),
            None
        );
        assert_eq!(
            LinkRule::Acronym.short("Bank of England").as_deref(),
            Some("BE")
        );
        assert_eq!(LinkRule::Acronym.short("Opec"), None);
        // Spaces anywhere, words not capitalised, letters beyond ASCII.
        let short = |rule: LinkRule, full: &str| rule.short(full);
        assert_eq!(
            short(LinkRule::Surname, " Tony  Blair ").as_deref(),
            Some("Blair")
        );
        assert_eq!(
            short(LinkRule::Surname, "Karl Otto Poehl").as_deref(),
            Some("Poehl")
        );
        assert_eq!(short(LinkRule::Surname, "  Blair "), None);
        assert_eq!(short(LinkRule::Surname, ""), None);
        assert_eq!(
            short(LinkRule::Acronym, " Bank  of England ").as_deref(),
            Some("BE")
        );
        assert_eq!(
            short(LinkRule::Acronym, "Électricité de France").as_deref(),
            Some("ÉF")
        );
        assert_eq!(short(LinkRule::Acronym, "bank of england"), None);
        assert_eq!(short(LinkRule::Acronym, ""), None);
    }

    #[test]
    fn an_acronym_expands_to_the_dominant_organisation_with_its_initials() {
        let orgs = [
            ("International Monetary Fund", 180),
            ("Islamic Medical Foundation", 2),
            ("European Community", 40),
            ("European Commission", 30),
            ("World Bank", 1),
        ];
        let expanded = expansions(orgs.into_iter());
        assert_eq!(
            expanded.get("IMF").map(String::as_str),
            Some("International Monetary Fund")
        );
        // Two frequent names share the initials, and one sighting is not enough.
        assert_eq!(expanded.get("EC"), None);
        assert_eq!(expanded.get("WB"), None);
    }
}
