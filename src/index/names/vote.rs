//! The archive's vote on what kind a name is: a name the tagger files under one kind in some
//! articles and under another in most (`Chrysler` a person here, `Chrysler Corp` an
//! organisation in five times as many) is shown as the majority's kind wherever it is counted.
//! Decided from the articles per stored name alone, so it is a function of what the index holds.

use rustc_hash::{FxHashMap, FxHashSet};

use super::aliases::Action;
use super::kind::Kind;
use crate::extract::gazetteer::{EmbeddedLookup, GIVEN, SURNAME};
use crate::extract::words::{is_courtesy_title, to_lowercase_into};

/// A name is voted on only when it is stored in at least this many articles: rarer ones
/// hardly reach a list a reader looks at, and each vote costs every facet count that meets the
/// name a look-up (see BENCHMARKS.md, issue 13 item 4).
pub(crate) const MIN_VOTED: u32 = 10;
/// A name leaves its kind for another only with this many articles filing it there.
const MIN_ELSEWHERE: u32 = 3;
/// A one-word person name voted on is believed to be a person only when full names using it as
/// given name or surname are stored in this many articles (`George`, `Blair`); otherwise
/// (`Oscar`, `Google`) it goes to the other kind the archive files it under, or is not shown as
/// a person.
const MIN_BACKING: u32 = 3;

/// A person of two words or more voted on whom fewer than one article in this many calls by a
/// shorter name (`Blair`, `Mr Blair`) is open to the other kinds' claims: newspapers shorten
/// people's names, not films' or firms' (`Vera Drake`, `Smith Barney`). It is hidden only when
/// its first word is also no given name of other people in the archive ([`MIN_BACKING`]
/// articles): people named in full only (`Margaret Thatcher` looking back) are many, mostly
/// with a common given name, and a person hidden cannot be found by `people:` at all.
const SHORTENED_ONE_IN: u32 = 10;

/// Articles naming an organisation that extends a person's name (`E.F. Hutton Group Inc` for
/// `E.F. Hutton`) count this many times against the person: a firm named after someone is
/// called by the bare name in most articles, which the tagger files under people, while people
/// seldom have their name extended into an organisation's.
const EXTENDED_WEIGHT: u32 = 2;

/// An organisation's acronym that ends this many other organisations' names (`Court TV`,
/// `CBS TV`, `Jungle TV`) is a common noun, a kind of thing the others are.
const MIN_HEADED: u32 = 5;

/// Articles per stored name, per kind, over the live articles of a commit; the names are
/// borrowed from the segments' dictionaries as decoded once for the whole book.
pub(crate) type Tally<'a> = FxHashMap<(Kind, &'a str), u32>;

/// An organisation's acronym voted on is a common noun
/// (`PC`, `DVD`, `MP`) when at least one article in this many also writes it as a plural.
const PLURAL_ONE_IN: u32 = 10;

/// What the articles said of the names the vote judges, counted from the `marks` column: per person of two words or more, the articles naming them only in full; per
/// organisation's acronym, the articles writing it as a plural.
pub(crate) type Marked<'a> = FxHashMap<(Kind, &'a str), u32>;

/// The names the vote takes out of their stored kind: moved to another kind, or hidden.
pub(crate) fn votes(tally: &Tally, marked: &Marked) -> Vec<(Kind, String, Action)> {
    let archive = Archive::new(tally, marked);
    let mut votes: Vec<(Kind, String, Action)> = tally
        .iter()
        .filter(|(_, n)| **n >= MIN_VOTED)
        .filter_map(|((kind, name), &n)| {
            let action = match kind {
                Kind::People => archive.person(name, n)?,
                Kind::Orgs if archive.common_noun(name, n) => Action::Hide,
                Kind::Orgs if archive.surname_of_people(name) => Action::Move(Kind::People),
                Kind::Places | Kind::Orgs => archive.place_or_org(*kind, name)?,
            };
            Some((*kind, name.to_string(), action))
        })
        .collect();
    // A vote never leads to a name with a vote of its own, as alias rules never chain.
    let voted: FxHashSet<(Kind, String)> =
        (votes.iter()).map(|(k, n, _)| (*k, n.clone())).collect();
    votes.retain(|(_, name, action)| match action {
        Action::Move(to) => !voted.contains(&(*to, name.clone())),
        _ => true,
    });
    votes.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    votes
}

/// Abbreviations without a vowel that are part of people's names (`Ken Griffey Jnr`).
const NAME_ABBREVIATIONS: &[&str] = &["jnr", "snr"];

/// Whether a word of a name is an abbreviation of a common noun or unit (`Mths`, `Dlrs`): three
/// letters or more without a vowel, which the tagger files as a name in tables of figures; not
/// a title or suffix people's names carry.
fn abbreviation(word: &str) -> bool {
    word.len() >= 3
        && word.bytes().all(|b| b.is_ascii_alphabetic())
        && !word.bytes().any(|b| b"aeiouyAEIOUY".contains(&b))
        && !is_courtesy_title(word)
        && !NAME_ABBREVIATIONS
            .iter()
            .any(|a| word.eq_ignore_ascii_case(a))
}

/// What the vote weighs, gathered once from the tally.
struct Archive<'a> {
    /// Articles per kind and name folded to lower case, so that a dateline's `NEW YORK` is
    /// weighed with `New York`: only for the folded forms of names voted on, the only ones
    /// asked for, so that the rest cost no allocation.
    folded: FxHashMap<(Kind, String), u32>,
    /// Articles of full names of people (two words or more) per first word and per last word.
    given: FxHashMap<&'a str, u32>,
    surname: FxHashMap<&'a str, u32>,
    /// Articles of full names of people whose first word is a given name in the name lists,
    /// per last word: surnames of people, not of firms taken for people (`Kidder Peabody`).
    named_surname: FxHashMap<&'a str, u32>,
    /// Distinct organisations' names of two words or more, per last word.
    heads: FxHashMap<&'a str, u32>,
    /// Articles of organisations per beginning of their names, cut before a space: what
    /// `Chrysler Corp` and `Chrysler Financial Corp` add up to for `Chrysler`.
    org_prefixes: FxHashMap<&'a str, u32>,
    marked: &'a Marked<'a>,
    stored: &'a Tally<'a>,
    /// The gazetteer's places: a name moves to places only when it is one (`Christmas`, which
    /// the tagger files under every kind, is not).
    gazetteer: Option<EmbeddedLookup>,
}

impl<'a> Archive<'a> {
    fn new(tally: &'a Tally<'a>, marked: &'a Marked<'a>) -> Archive<'a> {
        let mut archive = Archive {
            folded: FxHashMap::default(),
            given: FxHashMap::default(),
            surname: FxHashMap::default(),
            named_surname: FxHashMap::default(),
            heads: FxHashMap::default(),
            org_prefixes: FxHashMap::default(),
            marked,
            stored: tally,
            gazetteer: EmbeddedLookup::new(),
        };
        let wanted: FxHashSet<String> = (tally.iter())
            .filter(|(_, n)| **n >= MIN_VOTED)
            .map(|((_, name), _)| name.to_lowercase())
            .collect();
        let mut lower = String::new();
        for (&(kind, name), &n) in tally {
            to_lowercase_into(name, &mut lower);
            if wanted.contains(&lower) {
                *archive.folded.entry((kind, lower.clone())).or_default() += n;
            }
            match kind {
                Kind::People => {
                    let mut words = name.split(' ');
                    if let (Some(first), Some(last)) = (words.next(), words.next_back()) {
                        *archive.given.entry(first).or_default() += n;
                        *archive.surname.entry(last).or_default() += n;
                        if archive.word_flags(first) & GIVEN != 0 {
                            *archive.named_surname.entry(last).or_default() += n;
                        }
                    }
                }
                Kind::Orgs => {
                    for (space, _) in name.match_indices(' ') {
                        *archive.org_prefixes.entry(&name[..space]).or_default() += n;
                    }
                    if let Some((_, last)) = name.rsplit_once(' ') {
                        *archive.heads.entry(last).or_default() += 1;
                    }
                }
                Kind::Places => {}
            }
        }
        archive
    }

    fn folded(&self, kind: Kind, name: &str) -> u32 {
        let key = (kind, name.to_lowercase());
        self.folded.get(&key).copied().unwrap_or(0)
    }

    fn word_flags(&self, word: &str) -> u16 {
        (self.gazetteer.as_ref()).map_or(0, |g| g.word_flags(word))
    }

    /// Whether a word after the first of a name is a demonym (`Royal Dutch`): people are
    /// sometimes surnamed so (`Dawn French`), but then shortened to it like anyone else.
    fn has_demonym(&self, name: &str) -> bool {
        let gazetteer = self.gazetteer.as_ref();
        (name.split(' ').skip(1)).any(|w| gazetteer.is_some_and(|g| g.demonym(w).is_some()))
    }

    fn known_place(&self, name: &str) -> bool {
        (self.gazetteer.as_ref()).is_some_and(|g| g.is_place(name))
    }

    /// Articles naming an organisation that begins with `name` and goes on.
    fn org_prefix(&self, name: &str) -> u32 {
        self.org_prefixes.get(name).copied().unwrap_or(0)
    }

    /// A person name stored in `n` articles: moved when the archive files it as an
    /// organisation or place more often than as a person; when it does not look like a person
    /// (a lone word naming no one else, `Oscar`), moved to the other kind the archive files it
    /// under, or else hidden; a full name never shortened is hidden only when its first word
    /// is no one else's given name.
    fn person(&self, name: &str, n: u32) -> Option<Action> {
        let mut support = self.folded(Kind::People, name);
        let mut hideable = true;
        if !name.contains(' ') {
            let get = |words: &FxHashMap<&str, u32>| words.get(name).copied().unwrap_or(0);
            let backing = get(&self.given) + get(&self.surname);
            let unbacked = backing < MIN_BACKING;
            support = if unbacked { 0 } else { support + backing };
        } else if name.split(' ').any(abbreviation) {
            support = 0;
        } else if let Some(&in_full) = self.marked.get(&(Kind::People, name)) {
            let shortened = n.saturating_sub(in_full);
            if shortened * SHORTENED_ONE_IN < n {
                support = 0;
                let first = name.split(' ').next().unwrap_or(name);
                let others = self.given.get(first).map_or(0, |g| g.saturating_sub(n));
                hideable = others < MIN_BACKING || self.has_demonym(name);
            }
        }
        let orgs = self.folded(Kind::Orgs, name) + EXTENDED_WEIGHT * self.org_prefix(name);
        let places = match self.known_place(name) {
            true => self.folded(Kind::Places, name),
            false => 0,
        };
        let (other, most) = match orgs >= places {
            true => (Kind::Orgs, orgs),
            false => (Kind::Places, places),
        };
        match support {
            0 if most >= MIN_ELSEWHERE => Some(Action::Move(other)),
            0 => hideable.then_some(Action::Hide),
            _ => (most > support).then_some(Action::Move(other)),
        }
    }

    /// An organisation's acronym stored in `n` articles that too many of them write as a
    /// plural, or that ends other organisations' names.
    fn common_noun(&self, name: &str, n: u32) -> bool {
        let plural = self.marked.get(&(Kind::Orgs, name));
        let acronym = !name.chars().any(char::is_lowercase);
        plural.is_some_and(|p| p * PLURAL_ONE_IN >= n)
            || acronym && self.heads.get(name).is_some_and(|&h| h >= MIN_HEADED)
    }

    /// A one-word organisation that is a surname in the name lists and of people in
    /// [`MIN_BACKING`] articles, and begins no organisation's name (`Bush`, filed as an
    /// organisation in `the Bush administration`; not `Ford`, which `Ford Motor Co` extends).
    fn surname_of_people(&self, name: &str) -> bool {
        !name.contains(' ')
            && name.chars().any(char::is_lowercase)
            && self.word_flags(name) & SURNAME != 0
            && self
                .named_surname
                .get(name)
                .is_some_and(|&n| n >= MIN_BACKING)
            && self.org_prefix(name) < MIN_ELSEWHERE
    }

    /// A place filed as an organisation more often than as a place, or the other way round. A
    /// name in capitals (a dateline's `MONTREAL`) is weighed by its other spellings alone.
    fn place_or_org(&self, kind: Kind, name: &str) -> Option<Action> {
        let other = match kind {
            Kind::Places => Kind::Orgs,
            _ => Kind::Places,
        };
        if other == Kind::Places && !self.known_place(name) {
            return None;
        }
        let (theirs, own) = (self.folded(other, name), self.folded(kind, name));
        let mut moves = theirs > own;
        if !name.chars().any(char::is_lowercase) {
            let spelt = |kind: Kind| self.stored.get(&(kind, name)).copied();
            let others = |kind: Kind, all: u32| all - spelt(kind).unwrap_or(0);
            let elsewhere = others(other, theirs);
            moves |= elsewhere >= MIN_ELSEWHERE && elsewhere > others(kind, own);
        }
        moves.then_some(Action::Move(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn votes(tally: &Tally) -> Vec<(Kind, String, Action)> {
        super::votes(tally, &Marked::default())
    }

    fn tally<'a>(names: &[(Kind, &'a str, u32)]) -> Tally<'a> {
        (names.iter())
            .map(|&(kind, name, n)| ((kind, name), n))
            .collect()
    }

    fn vote_on(votes: &[(Kind, String, Action)], kind: Kind, name: &str) -> Option<Action> {
        (votes.iter())
            .find(|(k, n, _)| *k == kind && n == name)
            .map(|(_, _, a)| a.clone())
    }

    #[test]
    fn an_organisation_counts_for_each_beginning_of_its_name() {
        let tally = tally(&[
            (Kind::Orgs, "Chrysler Corp", 80),
            (Kind::Orgs, "Chrysler Financial Corp", 4),
            (Kind::Orgs, "Chryslers", 7),
            (Kind::Orgs, "Chrysler", 5),
            (Kind::People, "Chrysler Smith", 9),
        ]);
        let marked = Marked::default();
        let archive = Archive::new(&tally, &marked);
        assert_eq!(archive.org_prefix("Chrysler"), 84);
        assert_eq!(archive.org_prefix("Chrysler Financial"), 4);
        assert_eq!(archive.org_prefix("Chrysler Corp"), 0);
        assert_eq!(archive.org_prefix("Chrys"), 0);
    }

    #[test]
    fn a_company_filed_as_a_person_goes_to_organisations() {
        let votes = votes(&tally(&[
            (Kind::People, "Chrysler", 50),
            (Kind::Orgs, "Chrysler Corp", 80),
            (Kind::Orgs, "Chrysler Financial Corp", 4),
            (Kind::People, "Poor", 60),
            (Kind::Orgs, "Poor", 150),
            // Named as a person far more often than as an organisation: stays.
            (Kind::People, "Tony Blair", 150),
            (Kind::People, "Blair", 14),
            (Kind::Orgs, "Blair", 4),
        ]));
        assert_eq!(
            vote_on(&votes, Kind::People, "Chrysler"),
            Some(Action::Move(Kind::Orgs))
        );
        assert_eq!(
            vote_on(&votes, Kind::People, "Poor"),
            Some(Action::Move(Kind::Orgs))
        );
        assert_eq!(vote_on(&votes, Kind::People, "Tony Blair"), None);
        assert_eq!(vote_on(&votes, Kind::People, "Blair"), None);
    }

    #[test]
    fn a_lone_word_naming_no_one_else_is_not_shown_as_a_person() {
        let votes = votes(&tally(&[
            (Kind::People, "Oscar", 50),
            (Kind::People, "Oscar Wilde", 1),
            (Kind::People, "Google", 27),
            (Kind::Orgs, "Google", 6),
            (Kind::Places, "Google", 5),
            // A given name of many full names is a person, alone or not.
            (Kind::People, "George", 20),
            (Kind::People, "George Bush", 30),
            // Too rare to be judged.
            (Kind::People, "Zebedee", 4),
        ]));
        assert_eq!(vote_on(&votes, Kind::People, "Oscar"), Some(Action::Hide));
        assert_eq!(
            vote_on(&votes, Kind::People, "Google"),
            Some(Action::Move(Kind::Orgs))
        );
        assert_eq!(vote_on(&votes, Kind::People, "George"), None);
        assert_eq!(vote_on(&votes, Kind::People, "Zebedee"), None);
    }

    #[test]
    fn a_full_name_never_shortened_is_moved_or_hidden_unless_its_given_name_is_common() {
        let tally = tally(&[
            (Kind::People, "Vera Drake", 22),
            (Kind::People, "Margaret Thatcher", 11),
            (Kind::People, "Margaret Beckett", 5),
            (Kind::People, "Smith Barney", 47),
            (Kind::Orgs, "Smith Barney", 3),
            (Kind::Orgs, "Smith Barney Harris Upham and Co", 4),
            (Kind::People, "Kate Winslet", 17),
            (Kind::People, "Imelda Staunton", 9),
        ]);
        let in_full: Marked = [
            ("Vera Drake", 22),
            ("Margaret Thatcher", 11),
            ("Smith Barney", 45),
            // Shortened in two articles of seventeen: a person.
            ("Kate Winslet", 15),
            // Too rare to be judged.
            ("Imelda Staunton", 9),
        ]
        .into_iter()
        .map(|(name, n)| ((Kind::People, name), n))
        .collect();
        let votes = super::votes(&tally, &in_full);
        assert_eq!(
            vote_on(&votes, Kind::People, "Vera Drake"),
            Some(Action::Hide)
        );
        // Other people are called Margaret: a person named in full, still found and shown.
        assert_eq!(vote_on(&votes, Kind::People, "Margaret Thatcher"), None);
        assert_eq!(
            vote_on(&votes, Kind::People, "Smith Barney"),
            Some(Action::Move(Kind::Orgs))
        );
        assert_eq!(vote_on(&votes, Kind::People, "Kate Winslet"), None);
        assert_eq!(vote_on(&votes, Kind::People, "Imelda Staunton"), None);
    }

    #[test]
    fn abbreviations_and_demonyms_never_shortened_are_no_people() {
        let tally = tally(&[
            (Kind::People, "Nine Mths", 38),
            (Kind::People, "Nine Mile Point", 5),
            (Kind::People, "H.K. Dlrs", 32),
            (Kind::People, "Royal Dutch", 31),
            (Kind::People, "Royal Trust", 6),
            (Kind::People, "Royal Dutch Shell", 4),
            (Kind::People, "Dawn French", 12),
            (Kind::People, "Dawn Primarolo", 4),
            (Kind::People, "Robert De Niro", 10),
            (Kind::People, "Robert Kilroy-Silk", 12),
            (Kind::People, "Ken Griffey Jnr", 12),
            (Kind::People, "Mrs Thatcher", 12),
        ]);
        let in_full: Marked = [
            ("Nine Mths", 38),
            ("H.K. Dlrs", 32),
            ("Royal Dutch", 29),
            ("Robert De Niro", 10),
            // Shortened (`French said`): a person whatever her surname.
            ("Dawn French", 4),
            ("Robert Kilroy-Silk", 3),
            ("Ken Griffey Jnr", 3),
            ("Mrs Thatcher", 3),
        ]
        .into_iter()
        .map(|(name, n)| ((Kind::People, name), n))
        .collect();
        let votes = super::votes(&tally, &in_full);
        for junk in ["Nine Mths", "H.K. Dlrs", "Royal Dutch"] {
            assert_eq!(
                vote_on(&votes, Kind::People, junk),
                Some(Action::Hide),
                "{junk}"
            );
        }
        let people = [
            "Dawn French",
            "Robert De Niro",
            "Robert Kilroy-Silk",
            "Ken Griffey Jnr",
            "Mrs Thatcher",
        ];
        for person in people {
            assert_eq!(vote_on(&votes, Kind::People, person), None, "{person}");
        }
    }

    #[test]
    fn a_firm_named_after_someone_goes_to_organisations() {
        let votes = votes(&tally(&[
            (Kind::People, "E.F. Hutton", 45),
            (Kind::People, "E.F. HUTTON", 5),
            (Kind::Orgs, "E.F. Hutton Group Inc", 18),
            (Kind::Orgs, "E.F. Hutton Group", 9),
            (Kind::Orgs, "E.F. Hutton", 2),
            // A person after whom something is named now and then stays a person.
            (Kind::People, "Ronald Reagan", 400),
            (Kind::Orgs, "Ronald Reagan Library", 30),
        ]));
        assert_eq!(
            vote_on(&votes, Kind::People, "E.F. Hutton"),
            Some(Action::Move(Kind::Orgs))
        );
        assert_eq!(vote_on(&votes, Kind::People, "Ronald Reagan"), None);
    }

    #[test]
    fn a_surname_of_people_filed_as_an_organisation_is_a_person() {
        let votes = votes(&tally(&[
            (Kind::Orgs, "Bush", 33),
            (Kind::People, "George W Bush", 5),
            (Kind::People, "George Bush", 5),
            // Extended into organisations' names: the firm.
            (Kind::Orgs, "Ford", 60),
            (Kind::Orgs, "Ford Motor Co", 100),
            (Kind::People, "Gerald Ford", 4),
            // No given name before it: no one's surname.
            (Kind::Orgs, "Peabody", 17),
            (Kind::People, "Kidder Peabody", 12),
        ]));
        assert_eq!(
            vote_on(&votes, Kind::Orgs, "Bush"),
            Some(Action::Move(Kind::People))
        );
        assert_eq!(vote_on(&votes, Kind::Orgs, "Ford"), None);
        assert_eq!(vote_on(&votes, Kind::Orgs, "Peabody"), None);
    }

    #[test]
    fn an_acronym_ending_other_organisations_names_is_a_common_noun() {
        let votes = votes(&tally(&[
            (Kind::Orgs, "TV", 28),
            (Kind::Orgs, "Court TV", 1),
            (Kind::Orgs, "CBS TV", 2),
            (Kind::Orgs, "Jungle TV", 1),
            (Kind::Orgs, "Mersey TV", 1),
            (Kind::Orgs, "Fox TV", 1),
            (Kind::Orgs, "BBC", 171),
            (Kind::Orgs, "Auntie BBC", 1),
        ]));
        assert_eq!(vote_on(&votes, Kind::Orgs, "TV"), Some(Action::Hide));
        assert_eq!(vote_on(&votes, Kind::Orgs, "BBC"), None);
    }

    #[test]
    fn an_acronym_written_as_a_plural_is_a_common_noun() {
        let tally = tally(&[
            (Kind::Orgs, "PC", 49),
            (Kind::Orgs, "BBC", 171),
            (Kind::Orgs, "TV", 28),
        ]);
        let plurals: Marked = [("PC", 26), ("BBC", 0), ("TV", 2)]
            .into_iter()
            .map(|(name, n)| ((Kind::Orgs, name), n))
            .collect();
        let votes = super::votes(&tally, &plurals);
        assert_eq!(vote_on(&votes, Kind::Orgs, "PC"), Some(Action::Hide));
        assert_eq!(vote_on(&votes, Kind::Orgs, "BBC"), None);
        assert_eq!(vote_on(&votes, Kind::Orgs, "TV"), None);
    }

    #[test]
    fn places_and_organisations_go_to_the_majority_whatever_the_case() {
        let votes = votes(&tally(&[
            (Kind::Orgs, "NEW YORK", 250),
            (Kind::Places, "New York", 2400),
            (Kind::Orgs, "New York Stock Exchange", 300),
            (Kind::Places, "Leicester", 20),
            (Kind::Orgs, "Leicester", 12),
            // Not a place the gazetteer knows, whatever the tagger says.
            (Kind::Places, "Christmas", 20),
            (Kind::Orgs, "Christmas", 16),
            // A dateline in capitals, outnumbering the place's other spellings.
            (Kind::Orgs, "MONTREAL", 114),
            (Kind::Places, "Montreal", 80),
            // Capitals for a place, and a stray other spelling filed as an organisation.
            (Kind::Places, "N.Y.", 410),
            (Kind::Orgs, "N.Y.", 12),
            (Kind::Orgs, "N.y.", 1),
            // An acronym some articles take for a place.
            (Kind::Orgs, "OPEC", 120),
            (Kind::Places, "OPEC", 10),
        ]));
        assert_eq!(
            vote_on(&votes, Kind::Orgs, "MONTREAL"),
            Some(Action::Move(Kind::Places))
        );
        assert_eq!(vote_on(&votes, Kind::Orgs, "OPEC"), None);
        assert_eq!(vote_on(&votes, Kind::Orgs, "Christmas"), None);
        assert_eq!(vote_on(&votes, Kind::Places, "N.Y."), None);
        assert_eq!(
            vote_on(&votes, Kind::Places, "OPEC"),
            Some(Action::Move(Kind::Orgs))
        );
        assert_eq!(
            vote_on(&votes, Kind::Orgs, "NEW YORK"),
            Some(Action::Move(Kind::Places))
        );
        // Organisations beginning with a place's name are no evidence against it.
        assert_eq!(vote_on(&votes, Kind::Places, "New York"), None);
        assert_eq!(
            vote_on(&votes, Kind::Orgs, "Leicester"),
            Some(Action::Move(Kind::Places))
        );
        assert_eq!(vote_on(&votes, Kind::Places, "Leicester"), None);
    }
}
