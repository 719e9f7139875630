//! Entities: runs the tagger over an article and groups its mentions into canonical people,
//! places (with country codes) and organisations.

use std::borrow::Cow;
use std::cell::{OnceCell, RefCell};
use std::sync::OnceLock;

use super::gazetteer::{
    GIVEN, Gazetteer, KIND_CITY_BIG, KIND_COUNTRY, KIND_DEMONYM, PlaceEntry, SURNAME,
};
use super::hash::SievedTable;
use super::orgs::{OrgForm, group_orgs, is_known_org};
use super::tagger::{self, Buffers, Class, Doc};
use super::tokens::{ALLCAPS, CAPS_LINE, LINE_START, PUNCT, Token, UPPER};
use super::types::{Mention, Org, Person, Place};
use super::words::{GENERIC_PLACE_NOUNS, RELATIVE_PLACE_WORDS, is_courtesy_title};

pub(crate) struct Entities {
    pub(crate) people: Vec<Person>,
    pub(crate) places: Vec<Place>,
    pub(crate) orgs: Vec<Org>,
    pub(crate) countries: Vec<String>,
}

/// Finds the people and places of an article; offsets in the result are byte offsets into `text`.
pub(crate) fn find_entities(text: &str) -> Entities {
    thread_local! {
        /// Tagging memory reused across this thread's documents.
        static SCRATCH: RefCell<(Buffers, Vec<u8>)> = RefCell::default();
    }
    let gaz = Gazetteer::embedded();
    let tables = tagger::embedded_tables();
    SCRATCH.with(|s| {
        let (bufs, labels) = &mut *s.borrow_mut();
        let mut doc = Doc::with_buffers(text, gaz, std::mem::take(bufs));
        tagger::tag(&mut doc, tables, labels);
        let e = group(&doc, labels, gaz);
        *bufs = doc.into_buffers();
        e
    })
}

/// Courtesy titles are not part of a name: `Mr Blair` is the person `Blair`, the same one as
/// `Tony Blair`. (Ranks such as `President` are already outside the tagger's spans.)
fn without_courtesy<'t>(text: &str, mut span: &'t [Token]) -> &'t [Token] {
    while span.len() > 1 && is_courtesy_title(span[0].text(text)) {
        span = &span[1..];
    }
    span
}

fn is_generic_place(m_text: &str) -> bool {
    RELATIVE_PLACE_WORDS
        .iter()
        .chain(GENERIC_PLACE_NOUNS)
        .any(|w| m_text.eq_ignore_ascii_case(w))
}

/// News agencies: organisations, never a person or a place, however the tagger reads a lone
/// capitalised word. As wire copy credits them (`... the ministry said.\n REUTER`), alone on
/// their line, they are a signature rather than a mention, and left out.
const NEWS_AGENCIES: &[&str] = &[
    "reuter",
    "reuters",
    "ap",
    "afp",
    "upi",
    "xinhua",
    "tass",
    "itar-tass",
    "kyodo",
    "yonhap",
    "bernama",
    "ansa",
    "efe",
    "dpa",
    "pti",
    "interfax",
    "associated press",
    "agence france-presse",
    "united press international",
    "press association",
];

/// A name as shown and indexed: the line breaks and runs of spaces of wrapped text become one
/// space, so `New\nYork` is `New York`. Mentions keep the text as it is in the file. Most
/// names are written on one line already, and are borrowed as they are. `span` holds the
/// name's tokens in `text`.
fn display_name<'t>(text: &'t str, span: &[Token]) -> Cow<'t, str> {
    let m_text = &text[span[0].start..span[span.len() - 1].end];
    if single_spaced(text, span) {
        Cow::Borrowed(m_text)
    } else {
        Cow::Owned(m_text.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// Whether the tokens `span` of `text` are words with one space between them, and no other
/// blank. The tokeniser leaves only blanks between tokens, and only a punctuation token can
/// be one (a no-break space): the gaps and those tokens settle it, a step per token rather
/// than per byte, for every span.
fn single_spaced(text: &str, span: &[Token]) -> bool {
    let b = text.as_bytes();
    let one_space = |w: &[Token]| {
        let (end, next) = (w[0].end, w[1].start);
        next == end || (next == end + 1 && b[end] == b' ')
    };
    let blank = |t: &Token| text[t.start..t.end].starts_with(char::is_whitespace);
    span.windows(2).all(one_space) && !span.iter().any(|t| t.flags & PUNCT != 0 && blank(t))
}

/// `NEW YORK` → `New York`, `WINSTON-SALEM` → `Winston-Salem`, `ST. LOUIS` → `St. Louis`.
fn title_case(shouted: &str) -> String {
    let mut out = String::with_capacity(shouted.len());
    let mut word_start = true;
    for c in shouted.chars() {
        if word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = !c.is_alphabetic();
    }
    out
}

/// Whether only blanks surround `start..end` on its line.
fn alone_on_line(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].rsplit('\n').next().unwrap_or("");
    let after = text[end..].split('\n').next().unwrap_or("");
    before.trim().is_empty() && after.trim().is_empty()
}

fn is_news_agency(name: &str) -> bool {
    static AGENCIES: OnceLock<SievedTable<()>> = OnceLock::new();
    let agencies =
        AGENCIES.get_or_init(|| SievedTable::new(NEWS_AGENCIES.iter().map(|&a| (a, ()))));
    agencies.get(name).is_some()
}

/// How good a surface form is as an entity's name; forms compare field by field, so properly
/// cased beats shouting, then more words win, then longer text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
struct FormRank {
    cased: bool,
    words: usize,
    len: usize,
}

impl FormRank {
    /// A country's gazetteer name, which no form found in the text outranks.
    const COUNTRY: FormRank = FormRank {
        cased: true,
        words: usize::MAX,
        len: 0,
    };

    fn of(text: &str, toks: &[Token]) -> FormRank {
        let shouting = toks.iter().all(|t| t.flags & (ALLCAPS | PUNCT) != 0) && text.len() > 3;
        FormRank {
            cased: !shouting,
            words: toks.len(),
            len: text.len(),
        }
    }
}

/// An entity's name: the best-ranked of the forms seen so far.
#[derive(Default)]
struct BestName {
    rank: FormRank,
    name: String,
}

impl BestName {
    fn offer(&mut self, rank: FormRank, name: impl FnOnce() -> String) {
        if rank > self.rank {
            self.rank = rank;
            self.name = name();
        }
    }
}

/// One tagged span as grouping reads it.
struct Form<'t> {
    /// The span as written in the text, line breaks and all.
    text: &'t str,
    start: usize,
    end: usize,
    /// The span as shown and indexed (see `display_name`).
    name: Cow<'t, str>,
    /// Whether the name is a news agency's.
    agency: bool,
    rank: FormRank,
}

impl<'t> Form<'t> {
    /// The form of `span`, or `None` for a news agency's credit or a span that names nothing.
    fn read(text: &'t str, span: &[Token]) -> Option<Form<'t>> {
        let (start, end) = (span[0].start, span[span.len() - 1].end);
        let m_text = &text[start..end];
        let name = display_name(text, span);
        let agency = is_news_agency(&name);
        if (agency && alone_on_line(text, start, end)) || names_nothing(m_text) {
            return None;
        }
        Some(Form {
            text: m_text,
            start,
            end,
            name,
            agency,
            rank: FormRank::of(m_text, span),
        })
    }

    fn mention(&self) -> Mention {
        Mention {
            text: self.text.to_string(),
            start: self.start,
            end: self.end,
        }
    }
}

/// Lower-cased words of tokens `a..b` (as `lower_hash`es), without punctuation, used to match
/// short forms to full names.
fn name_words<'d>(doc: &'d Doc, a: usize, b: usize) -> impl Iterator<Item = u64> + 'd {
    (a..b)
        .filter(|&i| doc.toks[i].flags & PUNCT == 0)
        .map(|i| doc.word_hash(i))
}

/// Whether tokens `a..b` are, as `name_words`, one of `full_names`.
fn is_full_name(doc: &Doc, a: usize, b: usize, full_names: &[Vec<u64>]) -> bool {
    (full_names.iter()).any(|f| f.iter().copied().eq(name_words(doc, a, b)))
}

/// Whether two forms (as `name_words`) name the same person: they have the same words, or one
/// is a single word equal to the first or last word of the other (`Kim` and `Kim Jong-un`,
/// `Putin` and `Vladimir Putin`).
fn same_person(a: &[u64], b: &[u64]) -> bool {
    a == b || short_form_of(a, b) || short_form_of(b, a)
}

fn short_form_of(short: &[u64], full: &[u64]) -> bool {
    match (short, full) {
        ([word], [first, .., last]) => word == first || word == last,
        _ => false,
    }
}

/// Full names (two words or more) of people tagged anywhere in the article. The tagger
/// sometimes mislabels a repeat of one (often in a heading), which the document as a whole
/// contradicts.
fn full_names(doc: &Doc, spans: &[(Class, usize, usize)]) -> Vec<Vec<u64>> {
    spans
        .iter()
        .filter(|s| s.0 == Class::Per && s.2 - s.1 > 1)
        .map(|s| name_words(doc, s.1, s.2).collect::<Vec<_>>())
        .filter(|w| w.len() > 1)
        .collect()
}

/// Whether a form the tagger did not call a person names one of `full_names` all the same: it
/// is one of them, or a short form of one that is not also a known place.
fn is_known_name(full_names: &[Vec<u64>], w: &[u64], is_place: impl Fn() -> bool) -> bool {
    full_names.iter().any(|f| f == w)
        || (full_names.iter().any(|f| same_person(f, w)) && !is_place())
}

/// A person being assembled from the mentions that name them.
struct PersonAcc {
    /// The distinct forms of the name seen so far, as `name_words`.
    forms: Vec<Vec<u64>>,
    name: BestName,
    mentions: Vec<Mention>,
}

/// What makes two place mentions the same place.
#[derive(PartialEq, Eq)]
enum PlaceKey<'g> {
    /// A gazetteer entry, by country and canonical name (`U.S.`, `United States`).
    Entry(&'g str, &'g str),
    /// Unknown places by lower-cased text.
    Text(String),
}

/// A place being assembled: keyed by its gazetteer entry, or by folded text when unknown.
struct PlaceAcc<'g> {
    key: PlaceKey<'g>,
    country: Option<String>,
    name: BestName,
    mentions: Vec<Mention>,
    /// The gazetteer's readings of the first form in other countries, when the entry may be
    /// read again from the article's other places (see `Groups::settle_readings`).
    others: Vec<PlaceEntry<'g>>,
}

impl PlaceAcc<'_> {
    /// Takes `form`'s name if it is better than the one so far.
    fn offer(&mut self, form: Form, entry: Option<PlaceEntry>) {
        if let Some(e) = entry.filter(|e| e.kind == KIND_COUNTRY) {
            self.name = BestName {
                rank: FormRank::COUNTRY,
                name: e.name.to_string(),
            };
        } else if let Some(e) = entry.filter(|_| !form.rank.cased) {
            // A dateline's `NEW YORK` is written as the place is elsewhere, so that it is one
            // place in facets and filters across articles.
            let cased = FormRank {
                cased: true,
                ..form.rank
            };
            self.name.offer(cased, || {
                if e.name.eq_ignore_ascii_case(&form.name) {
                    e.name.to_string()
                } else {
                    title_case(&form.name)
                }
            });
        } else {
            self.name.offer(form.rank, || form.name.into_owned());
        }
    }
}

/// The people, places and countries of one article as its spans are read in order.
#[derive(Default)]
struct Groups<'g> {
    people: Vec<PersonAcc>,
    places: Vec<PlaceAcc<'g>>,
    /// Organisation forms in order: display name, rank (as `FormRank`'s fields) and mention.
    orgs: Vec<OrgForm<'g>>,
    countries: Vec<String>,
}

impl<'g> Groups<'g> {
    /// Adds `form`, whose words (as `name_words`) are `words`, to the latest person it names
    /// the same as, or as a new person.
    fn add_person(&mut self, form: Form, words: &[u64]) {
        if words.is_empty() {
            return;
        }
        let found = self
            .people
            .iter()
            .rposition(|p| p.forms.iter().any(|f| same_person(f, words)));
        let p = match found {
            Some(i) => &mut self.people[i],
            None => {
                self.people.push(PersonAcc {
                    forms: Vec::new(),
                    name: BestName::default(),
                    mentions: Vec::new(),
                });
                self.people.last_mut().unwrap()
            }
        };
        p.mentions.push(form.mention());
        p.name.offer(form.rank, || form.name.into_owned());
        if !p.forms.iter().any(|f| f == words) {
            p.forms.push(words.to_vec());
        }
    }

    /// Adds `form` to its place: gazetteer places merge across surface forms (`U.S.`,
    /// `United States`), unknown ones by text. A lone generic word is dropped, and an unknown
    /// demonym only adds its country. `entry` is the form's gazetteer place, if any.
    fn add_place(&mut self, form: Form, entry: Option<PlaceEntry<'g>>, gaz: &'g Gazetteer) {
        if entry.is_none() && is_generic_place(form.text) {
            return;
        }
        if entry.is_none()
            && let Some(cc) = gaz.demonym(form.text)
        {
            self.countries.push(country_code(cc));
            return;
        }
        let key = match entry {
            Some(e) => PlaceKey::Entry(e.country, e.name),
            None => PlaceKey::Text(form.name.to_lowercase()),
        };
        let p = match self.places.iter().position(|p| p.key == key) {
            Some(i) => &mut self.places[i],
            None => {
                self.places.push(PlaceAcc {
                    key,
                    country: entry.and_then(country_of),
                    name: BestName::default(),
                    mentions: Vec::new(),
                    // (Looked up only where there can be some: never for a country or big
                    // city, the places most often named.)
                    others: entry
                        .filter(|e| e.kind != KIND_COUNTRY && e.kind != KIND_CITY_BIG)
                        .map(|_| gaz.other_readings(form.text).collect())
                        .unwrap_or_default(),
                });
                self.places.last_mut().unwrap()
            }
        };
        p.mentions.push(form.mention());
        p.offer(form, entry);
    }

    /// Adds `form` to the organisations, unless it is a lone compass or generic place word
    /// (`the South`), which names nothing without more context.
    fn add_org(&mut self, form: Form<'g>) {
        if is_generic_place(form.text) {
            return;
        }
        let (r, mention) = (form.rank, form.mention());
        self.orgs
            .push((form.name, (r.cased, r.words, r.len), mention));
    }

    /// The countries of the demonyms the gazetteer found (`Russian`), wherever the tagger
    /// put them, except in an organisation's name: `British Petroleum` or `Swiss Bank Corp`
    /// named in a story says nothing of the story's country (of the Reuters articles that had a
    /// country only that way, three in four are not labelled with it).
    fn add_demonyms(&mut self, doc: &Doc) {
        for m in &doc.matches {
            if m.kinds & (1 << KIND_DEMONYM) != 0
                && let Some(cc) = m.demonym
                && !in_ticker(doc.text, &doc.toks[m.first..m.first + m.len])
                && !self.in_org(doc.toks[m.first].start)
            {
                self.countries.push(country_code(cc));
            }
        }
    }

    /// Whether byte `at` is in an organisation's mention (the forms are in text order).
    fn in_org(&self, at: usize) -> bool {
        let after = self.orgs.partition_point(|(_, _, m)| m.start <= at);
        after > 0 && at < self.orgs[after - 1].2.end
    }

    /// Drops the people named by one word alone, nowhere in full, when that word is a given
    /// name and no surname in the name lists (`Richard`, `Oscar`): it names no one in
    /// particular. (Moving lone words that are no name at all, `Google`, to the organisations
    /// cost more foreign surnames on conll-dev than it gained.)
    fn settle_lone_names(&mut self, gaz: &Gazetteer) {
        let mut i = 0;
        while i < self.people.len() {
            let p = &self.people[i];
            let flags = match &p.forms[..] {
                [word] if word.len() == 1 => gaz.word_flags(word[0]),
                _ => {
                    i += 1;
                    continue;
                }
            };
            if flags & (GIVEN | SURNAME) == GIVEN {
                self.people.remove(i);
            } else {
                i += 1;
            }
        }
    }

    /// Reads a place name that the gazetteer knows in several countries (`Entre Rios`: by
    /// default a Brazilian town) in the country the article supports when it does not support
    /// the default one: the countries of its demonyms and of its places with one reading
    /// (`Buenos Aires`, `Argentina`). Without such evidence the default stays.
    fn settle_readings(&mut self) {
        let mut support: Vec<&str> = self.countries.iter().map(String::as_str).collect();
        support.extend(
            (self.places.iter())
                .filter(|p| p.others.is_empty())
                .filter_map(|p| p.country.as_deref()),
        );
        let support = |cc: &str| support.iter().filter(|&&s| s == cc).count();
        let mut moved = Vec::new();
        for (i, p) in self.places.iter().enumerate() {
            if p.others.is_empty() || p.country.as_deref().is_some_and(|cc| support(cc) > 0) {
                continue;
            }
            // The best supported reading; of equal support, the gazetteer's order.
            let best = (p.others.iter().map(|e| (support(e.country), e)))
                .filter(|&(n, _)| n > 0)
                .reduce(|a, b| if b.0 > a.0 { b } else { a });
            if let Some((_, &e)) = best {
                moved.push((i, e));
            }
        }
        for (i, e) in moved.into_iter().rev() {
            let mut p = self.places.remove(i);
            let key = PlaceKey::Entry(e.country, e.name);
            if let Some(same) = self.places.iter_mut().find(|q| q.key == key) {
                same.mentions.append(&mut p.mentions);
                same.mentions.sort_by_key(|m| m.start);
                continue;
            }
            if e.kind == KIND_COUNTRY {
                p.name = BestName {
                    rank: FormRank::COUNTRY,
                    name: e.name.to_string(),
                };
            }
            (p.key, p.country) = (key, country_of(e));
            self.places.insert(i, p);
        }
    }

    fn into_entities(mut self, gaz: &Gazetteer) -> Entities {
        self.settle_lone_names(gaz);
        self.settle_readings();
        let places: Vec<Place> = self
            .places
            .into_iter()
            .map(|p| Place {
                name: p.name.name,
                country: p.country,
                mentions: p.mentions,
            })
            .collect();
        let mut countries = self.countries;
        countries.extend(places.iter().filter_map(|p| p.country.clone()));
        countries.sort();
        countries.dedup();
        let people = self
            .people
            .into_iter()
            .map(|p| Person {
                name: p.name.name,
                mentions: p.mentions,
            })
            .collect();
        Entities {
            people,
            places,
            orgs: group_orgs(self.orgs),
            countries,
        }
    }
}

/// A gazetteer place's country code; none for a place no assigned code covers (Kosovo).
fn country_of(place: PlaceEntry) -> Option<String> {
    (!place.country.is_empty()).then(|| place.country.to_string())
}

fn country_code(cc: [u8; 2]) -> String {
    String::from_utf8_lossy(&cc).into_owned()
}

/// A span of tokens `a..b` the tagger gave a class.
type Span = (Class, usize, usize);

/// Mends the spans a token-by-token tagger gets wrong in ways the whole span shows: a person's
/// name cut short is completed from its full form elsewhere in the article; a person named
/// like a company (`Pirelli SpA`, `Reagan Communications`) is the company; a name that opens
/// a bracket takes its close (`Mladost (L)`); names joined by `&` are one firm (`Standard &
/// Poor's`); and a span running over an abbreviation's full stop into a full name the article
/// gives a person elsewhere (`... the U.S. Kim Jong-un said`) is two names. Part of a
/// gazetteer place's phrase (`YORK` of `NEW YORK`) is that place.
fn mend(doc: &Doc, spans: Vec<Span>, full_names: &[Vec<u64>]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    let starts: Vec<usize> = spans.iter().map(|s| s.1).collect();
    for (class, a, b) in spans {
        let b = extended(doc, a, b, &starts, full_names);
        // Matches are in order and do not overlap: the one that could hold the span is the
        // first that ends after its start.
        let at = doc.matches.partition_point(|m| m.first + m.len <= a);
        let place = doc.matches.get(at).filter(|m| {
            m.kinds & (1 << KIND_DEMONYM) == 0
                && m.first <= a
                && b <= m.first + m.len
                && b - a < m.len
                && out.last().is_none_or(|l| l.2 <= m.first)
        });
        let (class, a, b) = match place {
            Some(m) => (Class::Loc, m.first, m.first + m.len),
            None => (class, a, b),
        };
        let amp = |last: &Span| {
            (last.2 + 1 == a && is_byte(doc, last.2, b'&'))
                || (last.2 == a && is_byte(doc, a - 1, b'&'))
        };
        if let Some(last) = out.last_mut().filter(|l| amp(l)) {
            *last = (Class::Org, last.1, b);
            continue;
        }
        if class == Class::Per && b - a > 1 && doc.is_org_word(b - 1) {
            out.push((Class::Org, a, b));
            continue;
        }
        let split = (class != Class::Per)
            .then(|| {
                (a..b - 1).find(|&i| ends_in_dot(doc, i) && is_full_name(doc, i + 1, b, full_names))
            })
            .flatten();
        match split {
            Some(i) => out.extend([(class, a, i + 1), (Class::Per, i + 1, b)]),
            None => out.push((class, a, b)),
        }
    }
    out
}

/// Where the span `a..b` ends once a name cut short (`KIM` of a heading's `KIM JONG-UN'S`)
/// takes the next word that makes it a full name the article gives a person, and an open
/// bracket takes its close.
fn extended(doc: &Doc, a: usize, mut b: usize, starts: &[usize], full_names: &[Vec<u64>]) -> usize {
    if b < doc.toks.len()
        && doc.toks[b].flags & (PUNCT | UPPER) == UPPER
        && starts.binary_search(&b).is_err()
        && is_full_name(doc, a, b + 1, full_names)
    {
        b += 1;
    }
    if b < doc.toks.len() && is_byte(doc, b, b')') {
        let open = (a..b).filter(|&i| is_byte(doc, i, b'(')).count();
        if open > (a..b).filter(|&i| is_byte(doc, i, b')')).count() {
            b += 1;
        }
    }
    b
}

/// Whether token `i` is the one byte `c` (`&`, `(`): tested on the bytes, as every span asks,
/// with no slicing of the text.
fn is_byte(doc: &Doc, i: usize, c: u8) -> bool {
    let t = &doc.toks[i];
    t.end - t.start == 1 && doc.text.as_bytes()[t.start] == c
}

/// Whether token `i` ends in a full stop (`U.S.`, `Corp.`).
fn ends_in_dot(doc: &Doc, i: usize) -> bool {
    doc.text.as_bytes()[doc.toks[i].end - 1] == b'.'
}

/// Company legal forms: on their own (`Corp`, a table's `Ltd` column) they name no one.
const LEGAL_FORMS: &[&str] = &[
    "corp", "corp.", "inc", "inc.", "ltd", "ltd.", "co", "co.", "cos", "plc", "llc", "ag", "sa",
    "nv", "spa", "gmbh", "bhd",
];

/// Whether a span's text is too little to be a name: a lone legal form, or a single letter
/// (`O` of a table's `<O>`, an initial on its own).
fn names_nothing(m_text: &str) -> bool {
    !has_two_letters(m_text) || is_legal_form(m_text)
}

/// Whether `text` has two letters or more. Most spans open with two ASCII letters, which
/// settle it without decoding a character.
fn has_two_letters(text: &str) -> bool {
    let mut ascii_letters = 0;
    for &b in text.as_bytes() {
        if b >= 0x80 {
            let mut letters = text.chars().filter(|c| c.is_alphabetic());
            return letters.next().is_some() && letters.next().is_some();
        }
        ascii_letters += usize::from(b.is_ascii_alphabetic());
        if ascii_letters == 2 {
            return true;
        }
    }
    false
}

fn is_legal_form(word: &str) -> bool {
    static FORMS: OnceLock<SievedTable<()>> = OnceLock::new();
    let forms = FORMS.get_or_init(|| SievedTable::new(LEGAL_FORMS.iter().map(|&f| (f, ()))));
    forms.get(word).is_some()
}

/// Whether every word of a span in a shouted heading (`COCOA`) is written in lower case
/// elsewhere in the article (`cocoa`): capitals in a heading are no evidence of a name, and the
/// article's own spelling says the words are common ones, so the span names nothing (the
/// tagger, or the archive's vote with the gazetteer's town of Cocoa, would make it a name).
fn written_in_lower_case(doc: &Doc, span: &[Token]) -> bool {
    let bytes = doc.text.as_bytes();
    let lower = |w: &Token| {
        let word = &bytes[w.start..w.end];
        // A token with no capital starts with its own lower case (a possessive, with its
        // apostrophe), so one byte rules out most tokens before the whole word is compared.
        let first = word[0].to_ascii_lowercase();
        doc.toks.iter().any(|t| {
            t.flags & (UPPER | PUNCT) == 0
                && t.end - t.start == word.len()
                && bytes[t.start] == first
                && bytes[t.start..t.end].eq_ignore_ascii_case(word)
        })
    };
    (span.iter()).filter(|t| t.flags & PUNCT == 0).all(lower)
}

/// Whether a span of more than one word ends in a company's legal form (`France SA`,
/// `Canada Ltd`, `LBO Inc`): whatever place it names, it is a company.
fn ends_in_legal_form(text: &str, span: &[Token]) -> bool {
    if span.len() < 2 {
        return false;
    }
    let mut words = span.iter().rev().filter(|t| t.flags & PUNCT == 0);
    let last = words.next();
    last.is_some_and(|t| is_legal_form(t.text(text))) && words.next().is_some()
}

const TICKER_MAX: usize = 16;

/// Whether a span is (in) a stock ticker in angle brackets, capitals, figures and dots with no
/// space (`<UK>`, `<BTRX.LON>`, `<REED.L>`): Reuters follows a company's name with its
/// ticker, whose letters (`UK`, `LON`, `MO`) name no place, country or person. Tickers are
/// short, so neither side is looked at beyond `TICKER_MAX` bytes (a long run of capitals and
/// dots costs no more than a short one).
fn in_ticker(text: &str, span: &[Token]) -> bool {
    let (Some(first), Some(last)) = (span.first(), span.last()) else {
        return false;
    };
    let b = text.as_bytes();
    let code = |c: &u8| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'.';
    // Most spans follow a space: one byte settles them.
    let before = first.start.checked_sub(1).map(|i| &b[i]);
    if before.is_none_or(|c| *c != b'<' && !code(c)) {
        return false;
    }
    if last.end - first.start > TICKER_MAX || !b[first.start..last.end].iter().all(code) {
        return false;
    }
    let open = b[..first.start]
        .iter()
        .rev()
        .take(TICKER_MAX)
        .find(|c| !code(c));
    let close = b[last.end..].iter().take(TICKER_MAX).find(|c| !code(c));
    open == Some(&b'<') && close == Some(&b'>')
}

/// Whether tokens `a..b` are a dateline's shouted lead (`NEW YORK, March 24 -`): in capitals,
/// first on their line, a comma after them. A known place there is where the story was filed,
/// though the tagger, misled by the capitals of a heading above, may take it for an
/// organisation.
fn dateline_lead(doc: &Doc, a: usize, b: usize) -> bool {
    let comma = doc.toks.get(b).is_some_and(|t| t.text(doc.text) == ",");
    comma
        && doc.toks[a].flags & LINE_START != 0
        && doc.may_be_place(a, b)
        && (doc.toks[a..b].iter()).all(|t| t.flags & (ALLCAPS | PUNCT) != 0)
}

/// Groups the tagged spans into people, places and organisations. A span the tagger did not
/// call a person joins the people when the article names that person in full elsewhere.
fn group(doc: &Doc, labels: &[u8], gaz: &Gazetteer) -> Entities {
    let spans = tagger::spans(labels);
    let tagged_names = full_names(doc, &spans);
    let spans = mend(doc, spans, &tagged_names);
    let full_names = full_names(doc, &spans);
    let mut groups = Groups::default();
    // The words of each form, in memory reused from one form to the next.
    let mut words = Vec::new();
    for (class, a, b) in spans {
        let span = match class {
            Class::Per => without_courtesy(doc.text, &doc.toks[a..b]),
            _ => &doc.toks[a..b],
        };
        let Some(form) = Form::read(doc.text, span) else {
            continue;
        };
        if span[0].flags & CAPS_LINE != 0 && written_in_lower_case(doc, span) {
            continue;
        }
        words.clear();
        words.extend(name_words(doc, b - span.len(), b));
        // Looked up at most once, and only if some rule below asks.
        let place = OnceCell::new();
        let entry = || *place.get_or_init(|| gaz.place(form.text));
        let known = class != Class::Per && is_known_name(&full_names, &words, || entry().is_some());
        let country = || entry().is_some_and(|e| e.kind == KIND_COUNTRY);
        // (An organisation span needs no lookup of the well-known organisations: it is one;
        // nor of the places, when one of its words is in no place name.)
        let class = if in_ticker(doc.text, span) {
            // The tagger's organisation is kept: the ticker stands for the company.
            match class {
                Class::Org => Class::Org,
                _ => continue,
            }
        } else if class == Class::Loc && ends_in_legal_form(doc.text, span) && entry().is_none() {
            Class::Org
        } else if class == Class::Org && doc.may_be_place(a, b) && country() {
            // A country's name is the place, also where it stands for its government or team.
            Class::Loc
        } else if class == Class::Org && dateline_lead(doc, a, b) && entry().is_some() {
            Class::Loc
        } else if class != Class::Org && (form.agency || is_known_org(&form.name)) {
            Class::Org
        } else if known {
            Class::Per
        } else {
            class
        };
        match class {
            Class::Per => groups.add_person(form, &words),
            Class::Loc => {
                let entry = entry();
                groups.add_place(form, entry, gaz);
            }
            Class::Org => groups.add_org(form),
        }
    }
    groups.add_demonyms(doc);
    groups.into_entities(gaz)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "North Korea No Longer Interested in Reunification with South Korea

Kim Jong-un at the December 2023 plenary meeting of the Central Committee of the Workers’ Party of Korea. (Image: KCNA))

During a year-end party meeting, North Korea’s leader warned the nation to prepare for further economic hardships in 2024 and gave orders to accelerate war preparations against the U.S. Kim Jong-un encouraged his people to wage a “more courageous and resolute struggle despite the ever-increasing challenges and difficulties” in the new year.

According to South Korea’s National Intelligence Service, Pyongyang has historically carried out a series of provocations ahead of important political events.

KIM JONG-UN'S NEW ORDERS

Kim further pledged to expand strategic cooperation with “anti-imperialist independent’ countries, such as Russia, as Washington has been accusing Pyongyang of supplying military equipment to Moscow in support of its war with Ukraine. The revival of their partnership was sparked by the summit between Kim and Russian President, Vladimir Putin, on September 13, 2023.

SOUTH KOREA RECIPROCATES WAR PREPARATIONS

Recently, military drills were carried out in South Korea shortly after Seoul imposed new sanctions on eight North Koreans linked to nuclear and missile programs through arms trade.

The drills also came at a time when more than 1,200 people were killed in a recent attack in Israel, as Seoul’s mayor, Oh Se-hoon, described that “There was a big lesson for us when Israel’s world-class advanced defense system helplessly buckled under a surprise attack by Hamas armed with conventional artillery and primitive means.” Nevertheless, South Korean President, Yoon Suk-yeol, ruled out the possibility of owning nuclear weapons, and instead emphasized on fostering a military alliance with the U.S. and restoring security ties with Japan.

Kim Jong-un went as far as declaring that reunification between the two Koreas was “impossible” as he closed out 2023 during the annual end-of-year meeting of the ruling Workers' Party's Central Committee.";

    /// The text of each of a person's mentions, in order.
    fn mention_texts(person: &Person) -> Vec<&str> {
        person.mentions.iter().map(|m| m.text.as_str()).collect()
    }

    fn place<'a>(e: &'a Entities, name: &str) -> &'a Place {
        e.places
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no place {name} in {:?}", e.places))
    }

    #[test]
    fn seed_article_people_and_places() {
        let e = find_entities(SEED);
        let mut people: Vec<&str> = e.people.iter().map(|p| p.name.as_str()).collect();
        people.sort();
        assert_eq!(
            people,
            [
                "Kim Jong-un",
                "Oh Se-hoon",
                "Vladimir Putin",
                "Yoon Suk-yeol"
            ]
        );
        for (name, cc) in [
            ("North Korea", "KP"),
            ("South Korea", "KR"),
            ("United States", "US"),
            ("Pyongyang", "KP"),
            ("Seoul", "KR"),
            ("Moscow", "RU"),
            ("Russia", "RU"),
            ("Ukraine", "UA"),
            ("Israel", "IL"),
            ("Japan", "JP"),
            ("Washington", "US"),
        ] {
            assert_eq!(place(&e, name).country.as_deref(), Some(cc), "{name}");
        }
        // Nothing but those: no fragments such as `North` or `Peninsula`.
        assert_eq!(e.places.len(), 11, "{:?}", e.places);
        assert_eq!(e.countries, ["IL", "JP", "KP", "KR", "RU", "UA", "US"]);
        for p in &e.places {
            for m in &p.mentions {
                assert_eq!(&SEED[m.start..m.end], m.text);
            }
        }
    }

    #[test]
    fn seed_article_organisations() {
        let e = find_entities(SEED);
        let orgs: Vec<&str> = e.orgs.iter().map(|o| o.name.as_str()).collect();
        for name in [
            "Central Committee",
            "Workers’ Party of Korea",
            "National Intelligence Service",
            "Hamas",
            "KCNA",
        ] {
            assert!(orgs.contains(&name), "{name} not in {orgs:?}");
        }
        // Countries, people and compass words are not organisations.
        for not in ["U.S.", "United States", "Kim Jong-un", "South", "North"] {
            assert!(!orgs.contains(&not), "{not} in {orgs:?}");
        }
        for o in &e.orgs {
            for m in &o.mentions {
                assert_eq!(&SEED[m.start..m.end], m.text);
            }
        }
    }

    #[test]
    fn short_and_heading_forms_join_the_full_name() {
        let e = find_entities(SEED);
        let kim = e.people.iter().find(|p| p.name == "Kim Jong-un").unwrap();
        let forms = mention_texts(kim);
        assert!(
            forms.contains(&"Kim") && forms.contains(&"KIM JONG-UN"),
            "{forms:?}"
        );
        let heading = kim
            .mentions
            .iter()
            .find(|m| m.text == "KIM JONG-UN")
            .unwrap();
        assert_eq!(&SEED[heading.end..heading.end + 2], "'S");
        let oh = e.people.iter().find(|p| p.name == "Oh Se-hoon").unwrap();
        assert!(oh.mentions.len() == 1 || oh.mentions.iter().any(|m| m.text == "Oh"));
    }

    #[test]
    fn three_forms_one_person() {
        let text = "Kim Jong-un inspected a missile launch on Monday.\nKim said the test was a success.\n\nKIM JONG-UN'S NEW ORDERS";
        let e = find_entities(text);
        assert_eq!(e.people.len(), 1, "{:?}", e.people);
        assert_eq!(e.people[0].name, "Kim Jong-un");
        let forms = mention_texts(&e.people[0]);
        assert_eq!(forms, ["Kim Jong-un", "Kim", "KIM JONG-UN"]);
    }

    #[test]
    fn us_forms_are_one_place() {
        let text = "The U.S. said on Tuesday it would act. Officials in the United States declined to comment, and US forces stayed.";
        let e = find_entities(text);
        let us: Vec<&Place> = e
            .places
            .iter()
            .filter(|p| p.country.as_deref() == Some("US"))
            .collect();
        assert_eq!(us.len(), 1, "{:?}", e.places);
        assert_eq!(us[0].name, "United States");
        assert!(us[0].mentions.len() >= 2);
        assert_eq!(e.countries, ["US"]);
    }

    #[test]
    fn names_wrapped_over_two_lines_are_shown_on_one() {
        let text = "Finance Minister Kiichi\nMiyazawa told reporters in New\nYork that Kiichi Miyazawa\nwould stay.";
        let e = find_entities(text);
        assert_eq!(e.people.len(), 1, "{:?}", e.people);
        assert_eq!(e.people[0].name, "Kiichi Miyazawa");
        assert_eq!(mention_texts(&e.people[0])[0], "Kiichi\nMiyazawa");
        assert_eq!(place(&e, "New York").mentions[0].text, "New\nYork");
    }

    #[test]
    fn no_name_runs_across_a_blank_line() {
        let text = "HOUSE PASSES TRADE BILL\n\nWASHINGTON, March 3 - The House passed the bill, \
                    officials in WASHINGTON said.";
        let e = find_entities(text);
        let names = e
            .people
            .iter()
            .map(|p| &p.name)
            .chain(e.places.iter().map(|p| &p.name));
        for name in names {
            assert!(
                !name.contains('\n'),
                "{name:?} in {:?} {:?}",
                e.people,
                e.places
            );
        }
        // A known place shouted in a dateline is written as it is elsewhere.
        assert_eq!(place(&e, "Washington").mentions.len(), 2);
    }

    #[test]
    fn a_wire_credit_is_not_a_person() {
        let text = "TALKS AGREED\n\nTOKYO, March 30 - North Korean prime minister Li Gun-Mo \
                    said the two prime ministers would meet in April.\n REUTER\n";
        let e = find_entities(text);
        let people: Vec<&str> = e.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(people, ["Li Gun-Mo"]);
    }

    #[test]
    fn one_rule_decides_whether_two_forms_are_one_person() {
        let (kim, jong_un, un, putin) = (1, 2, 3, 4);
        assert!(same_person(&[kim, jong_un], &[kim, jong_un]));
        assert!(same_person(&[kim], &[kim, jong_un]) && same_person(&[kim, jong_un], &[kim]));
        assert!(same_person(&[jong_un], &[kim, jong_un]));
        assert!(!same_person(&[un], &[kim, un, jong_un]), "a middle word");
        assert!(!same_person(&[kim], &[putin]));
        assert!(!same_person(&[kim, jong_un], &[kim, putin]));
        let full = [vec![kim, jong_un]];
        assert!(is_known_name(&full, &[kim, jong_un], || true));
        assert!(is_known_name(&full, &[kim], || false));
        assert!(
            !is_known_name(&full, &[kim], || true),
            "a short form that is a place"
        );
        assert!(!is_known_name(&full, &[], || false));
    }

    #[test]
    fn display_names_join_wrapped_lines_and_borrow_the_rest() {
        for text in [
            "New York",
            "New\nYork",
            "New  York",
            "New \r\n York",
            "New\tYork",
            "New\u{a0}York",
            "New\u{2009}York",
            " New York",
            "New York ",
            "",
            "Kim Jong-un",
            "New\u{b}York",
            "New\u{c}York",
            "New\u{1}York",
            "New \u{85}York",
            "Zürich Re",
            "Zürich  Re",
            "Zürich\nRe",
            "A  Zürich",
            "Zürich ",
            "U.S.  Steel",
            "Mr. Smith",
            "New\u{3000}York",
            "New \u{2028} York",
            "Dow\u{b}",
            "A & B",
            "A&\u{a0}B",
        ] {
            // A span runs from its first token to its last.
            let span = crate::extract::tokens::tokenize(text);
            let Some((first, last)) = span.first().zip(span.last()) else {
                assert!(text.trim().is_empty(), "{text:?}");
                continue;
            };
            let m_text = &text[first.start..last.end];
            let shown = display_name(text, &span);
            let joined = m_text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(shown, joined, "{text:?}");
            // Borrowed exactly when nothing needed joining.
            assert_eq!(
                matches!(shown, Cow::Borrowed(_)),
                joined == m_text,
                "{text:?}"
            );
        }
    }

    #[test]
    fn lone_legal_forms_and_single_letters_name_nothing() {
        for text in [
            "Corp", "CORP.", "inc", "Ltd.", "co", "Cos", "PLC", "GmbH", "Bhd", "sa", "Nv", "SpA",
        ] {
            assert!(names_nothing(text) && is_legal_form(text), "{text}");
        }
        for (text, nothing) in [
            ("O", true),
            ("J.", true),
            ("É", true),
            ("Ét", false),
            ("1a", true),
            ("a1b", false),
            ("", true),
            ("Co.x", false),
            ("Corps", false),
            ("corp\u{0}", false),
            ("ÇO", false),
            ("Gmbhx", false),
            ("Inc Ltd", false),
        ] {
            assert_eq!(names_nothing(text), nothing, "{text:?}");
        }
        assert!(!is_legal_form("cor") && !is_legal_form("Corp..") && !is_legal_form("ÇO"));
    }

    #[test]
    fn every_news_agency_is_known_in_any_case() {
        for a in NEWS_AGENCIES {
            assert!(
                is_news_agency(a) && is_news_agency(&a.to_uppercase()),
                "{a}"
            );
            assert!(!is_news_agency(&format!("{a}x")), "{a}x");
        }
        assert!(is_news_agency("Itar-Tass") && !is_news_agency("Reutersville"));
    }

    #[test]
    fn title_case_of_shouted_names() {
        assert_eq!(title_case("NEW YORK"), "New York");
        assert_eq!(title_case("WINSTON-SALEM"), "Winston-Salem");
        assert_eq!(title_case("ST. LOUIS"), "St. Louis");
        assert_eq!(title_case("COEUR D'ALENE"), "Coeur D'Alene");
    }

    #[test]
    fn demonym_adds_country_not_place() {
        let text = "A Russian official met North Korean diplomats on Friday.";
        let e = find_entities(text);
        assert!(e.places.is_empty(), "{:?}", e.places);
        assert_eq!(e.countries, ["KP", "RU"]);
    }

    #[test]
    fn courtesy_titles_are_outside_names_and_join_the_full_name() {
        let text =
            "Mr Kennedy spoke first.\nLater Charles Kennedy said Mr Kennedy had been misquoted.";
        let e = find_entities(text);
        assert_eq!(e.people.len(), 1, "{:?}", e.people);
        assert_eq!(e.people[0].name, "Charles Kennedy");
        let forms = mention_texts(&e.people[0]);
        assert_eq!(forms, ["Kennedy", "Charles Kennedy", "Kennedy"]);
    }

    #[test]
    fn bare_compass_words_are_not_places() {
        let text =
            "Talks between Seoul and Pyongyang stalled. The North blamed the South for the delay.";
        let e = find_entities(text);
        let names: Vec<&str> = e.places.iter().map(|p| p.name.as_str()).collect();
        assert!(
            !names.iter().any(|n| *n == "North" || *n == "South"),
            "{names:?}"
        );
        assert!(
            names.contains(&"Seoul") && names.contains(&"Pyongyang"),
            "{names:?}"
        );
    }

    #[test]
    fn a_demonym_shared_by_territories_names_the_largest_country() {
        let e = find_entities("American officials declined to comment.");
        assert_eq!(e.countries, ["US"]);
    }

    #[test]
    fn a_datelines_shouted_place_is_a_place_under_a_shouted_heading() {
        let text = "QUICK AND REILLY GROUP <BQR> 4TH QTR FEB 28\n\nNEW YORK, March 24 - Shr 72 \
                    cts vs 57 cts\n    Net 4.5 mln vs 3.6 mln\n";
        let e = find_entities(text);
        assert_eq!(place(&e, "New York").mentions[0].text, "NEW YORK");
        assert!(e.orgs.is_empty(), "{:?}", e.orgs);
        // A shouted organisation opening a line is no dateline for not being a known place.
        let e = find_entities("RESULTS\n\nGENERAL MOTORS, the car maker, said profits rose.\n");
        assert!(e.places.is_empty(), "{:?}", e.places);
    }

    #[test]
    fn an_ambiguous_place_takes_the_country_its_neighbours_support() {
        // Entre Rios is by default a Brazilian town; beside Argentine places it is the province.
        let text = "Rain fell in Buenos Aires, Cordoba, Santa Fe and Entre Rios on Monday.";
        let e = find_entities(text);
        assert_eq!(place(&e, "Entre Rios").country.as_deref(), Some("AR"));
        assert!(
            !e.countries.contains(&"BR".to_string()),
            "{:?}",
            e.countries
        );
        // With nothing to go on, the gazetteer's default stays.
        let e = find_entities("Rain fell in Entre Rios on Monday.");
        assert_eq!(place(&e, "Entre Rios").country.as_deref(), Some("BR"));
        // Nor does support for its own country move it.
        let e = find_entities("Rain fell in Entre Rios and Sao Paulo on Monday.");
        assert_eq!(place(&e, "Entre Rios").country.as_deref(), Some("BR"));
    }

    #[test]
    fn a_big_city_is_not_read_as_a_namesake() {
        let text = "U.S. officials met in Washington, Chicago and Paris on Monday.";
        let e = find_entities(text);
        assert_eq!(place(&e, "Paris").country.as_deref(), Some("FR"));
    }

    #[test]
    fn former_states_name_their_continuing_states() {
        let e =
            find_entities("Soviet grain imports rose, West German and East German officials said.");
        assert_eq!(e.countries, ["DE", "RU"]);
        let e = find_entities("The Soviet Union bought wheat.\nTHE USSR AND WEST GERMANY SIGNED.");
        assert_eq!(place(&e, "Soviet Union").country.as_deref(), Some("RU"));
        assert_eq!(e.countries, ["DE", "RU"]);
    }

    #[test]
    fn a_ticker_in_angle_brackets_is_no_place_country_or_person() {
        let e = find_entities(
            "Union Carbide Corp <UK> said Beta Telecom <BTRX.LON> and Reed <REED.L> and \
             Dome <DMP.MO> agreed. Shares of <GM> rose in Monaco.",
        );
        let places: Vec<&str> = e.places.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(places, ["Monaco"]);
        assert_eq!(e.countries, ["MC"]);
        assert!(
            e.people
                .iter()
                .all(|p| p.mentions.iter().all(|m| m.text != "L"))
        );
        // A name in brackets with a space or lower case is no ticker: a place there stays.
        let e = find_entities("The unit <Beta Holdings> moved to <Paris> last year.");
        assert!(e.places.iter().any(|p| p.name == "Paris"));
        let text = "<NEW YORK> <Paris> <UK <BTRX.LON> UK> <ABCDEFGHIJKLMNOPQRSTUVWXYZ>";
        let word = |w: &str| {
            let start = text.find(w).unwrap();
            [Token {
                start,
                end: start + w.len(),
                flags: 0,
            }]
        };
        for (w, ticker) in [
            ("NEW", false),
            ("Paris", false),
            ("UK", false),
            ("LON", true),
            ("BTRX", true),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", false),
        ] {
            assert_eq!(in_ticker(text, &word(w)), ticker, "{w}");
        }
    }

    #[test]
    fn a_demonym_in_an_organisations_name_names_no_country() {
        let e = find_entities(
            "Dome Petroleum Ltd said British Petroleum Co Plc and Swiss Bank Corp may bid. \
             Canadian officials welcomed it.",
        );
        assert!(
            e.orgs
                .iter()
                .any(|o| o.name.starts_with("British Petroleum"))
        );
        assert_eq!(e.countries, ["CA"]);
    }

    #[test]
    fn a_place_ending_in_a_legal_form_is_a_company() {
        for text in [
            "Shares of France SA rose in Paris.",
            "The bid for Canada Ltd was raised in Paris.",
        ] {
            let e = find_entities(text);
            let places: Vec<&str> = e.places.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(places, ["Paris"], "{text}");
            let company = text
                .split(" rose")
                .next()
                .unwrap()
                .trim_start_matches("Shares of ");
            let company = company.trim_start_matches("The bid for ");
            let company = company.split(" was").next().unwrap();
            assert!(
                e.orgs.iter().any(|o| o.name == company),
                "{company} in {text}"
            );
        }
        // A known place whose last word is also a legal form stays a place.
        let e = find_entities("She moved from London to Royal Leamington Spa in May.");
        assert!(e.places.iter().any(|p| p.name == "Royal Leamington Spa"));
        assert!(e.orgs.is_empty());
    }

    #[test]
    fn a_kind_of_place_alone_names_no_country() {
        let e = find_entities("Iranian gunboats attacked two tankers in the Gulf on Monday.");
        assert_eq!(e.countries, ["IR"]);
    }

    #[test]
    fn withdrawn_codes_give_the_continuing_state_or_none() {
        let e = find_entities(
            "Yugoslav exports to Italy rose, Yugoslavia said. Officials met in Pristina, Kosovo, \
             and in the Netherlands Antilles.",
        );
        assert_eq!(place(&e, "Yugoslavia").country.as_deref(), Some("RS"));
        assert_eq!(place(&e, "Pristina").country, None);
        assert_eq!(place(&e, "Netherlands Antilles").country, None);
        assert_eq!(e.countries, ["IT", "RS"]);
    }

    #[test]
    fn a_shouted_word_the_article_writes_in_lower_case_is_no_name() {
        let text =
            "COCOA BUFFER STOCK RULES AGREED\n\nProducers agreed rules for the cocoa buffer stock.";
        let e = find_entities(text);
        assert!(
            e.places.is_empty() && e.orgs.is_empty(),
            "{:?} {:?}",
            e.places,
            e.orgs
        );
        // A shouted place the article never writes in lower case stays a place.
        let text = "COCOA PRICES FALL IN BRAZIL\n\nPrices of cocoa fell, traders in Bahia said.";
        let e = find_entities(text);
        assert_eq!(place(&e, "Brazil").country.as_deref(), Some("BR"));
    }
}
