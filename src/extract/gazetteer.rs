//! Gazetteer: word and phrase lookup tables (given names, surnames, titles, places, demonyms).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::hash::{FlatMap, HashMapU64, lower_hash, lower_hash_in, mix};
use super::reader::Reader;
use super::tokens::{CAP, PUNCT, Token};
use super::words::COURTESY_TITLES;

// Word flags.
pub(crate) const GIVEN: u16 = 1;
pub(crate) const GIVEN_COMMON: u16 = 2;
pub(crate) const SURNAME: u16 = 4;
pub(crate) const SURNAME_COMMON: u16 = 8;
pub(crate) const TITLE: u16 = 16;
pub(crate) const PLACE_WORD: u16 = 32;
/// A word that ends organisations' names (`Corp`, `Party`, `Ministry`), learned from training data.
pub(crate) const ORG_WORD: u16 = 64;
/// Set by the tagger, not stored: a later word of the same run of capitalised words is an
/// `ORG_WORD`, so `Jeans` in `Jeans Mate Corp` knows what it begins.
pub(crate) const ORG_AHEAD: u16 = 128;

/// Words that introduce a person's name in news copy.
const TITLES: &[&str] = &[
    "president",
    "minister",
    "premier",
    "chancellor",
    "king",
    "queen",
    "prince",
    "princess",
    "senator",
    "sen.",
    "governor",
    "gov.",
    "general",
    "gen.",
    "secretary",
    "chairman",
    "chairwoman",
    "spokesman",
    "spokeswoman",
    "coach",
    "judge",
    "mayor",
    "ambassador",
    "envoy",
    "leader",
    "pope",
    "sheikh",
    "ayatollah",
    "colonel",
    "col.",
    "captain",
    "capt.",
    "lt.",
    "sgt.",
    "rev.",
    "sir",
    "lord",
    "lady",
    "dame",
    "striker",
    "midfielder",
    "defender",
    "goalkeeper",
    "manager",
    "director",
    "executive",
    "analyst",
    "economist",
    "dealer",
    "trader",
    "commissioner",
    "counterpart",
    "rep.",
    "representative",
    "deputy",
    "vice",
    "lawyer",
    "attorney",
    "officer",
    "commander",
    "chief",
    "emperor",
    "cardinal",
    "archbishop",
    "bishop",
    "rabbi",
    "imam",
    "marshal",
    "admiral",
    "dictator",
    "candidate",
    "challenger",
    "champion",
];

// Phrase kinds; each gives four position bits (B, I, L, U) in a token's phrase mask.
pub(crate) const KIND_COUNTRY: u32 = 0;
pub(crate) const KIND_ADMIN1: u32 = 1;
pub(crate) const KIND_CITY_BIG: u32 = 2;
pub(crate) const KIND_CITY: u32 = 3;
pub(crate) const KIND_DEMONYM: u32 = 4;
pub(crate) const N_KINDS: u32 = 5;
const BIG_CITY: u32 = 1_000_000;
const MAX_PHRASE: usize = 6;

/// A gazetteer place as `Gazetteer::place` hands it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PlaceEntry<'g> {
    pub(crate) name: &'g str,
    pub(crate) country: &'g str,
    pub(crate) kind: u32,
}

/// A place as stored: its country code and canonical name are consecutive in `Gazetteer::text`
/// (one string for all places rather than two allocations each), starting at `at`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PlaceRec {
    at: u32,
    country_len: u8,
    name_len: u16,
    kind: u8,
    population: u32,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Phrase {
    /// Bit per kind; 0 for a mere prefix of a longer phrase.
    kinds: u8,
    /// Some phrase continues past this one, so matching should keep extending.
    prefix: bool,
    place: Option<u32>,
    demonym: Option<[u8; 2]>,
}

/// A gazetteer phrase found in the token stream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PhraseMatch {
    pub(crate) first: usize,
    pub(crate) len: usize,
    pub(crate) kinds: u8,
    pub(crate) demonym: Option<[u8; 2]>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Gazetteer {
    words: FlatMap<u16>,
    phrases: FlatMap<Phrase>,
    places: Vec<PlaceRec>,
    /// Country codes and canonical names of `places`; borrowed from the binary when embedded.
    text: Cow<'static, str>,
    /// A phrase's readings in other countries than its `place` (`Entre Rios`: a town in
    /// Brazil, and a province of Argentina), the best one per country: `(phrase key, place)`,
    /// sorted by key, each key's readings in the order `place` was chosen by.
    readings: Vec<(u64, u32)>,
}

/// The tables while `parse` fills them.
struct Building {
    words: HashMapU64<u16>,
    phrases: HashMapU64<Phrase>,
    places: Vec<PlaceRec>,
    text: String,
    /// Every place each phrase names, in the order they were added.
    named: HashMapU64<Vec<u32>>,
}

fn kind_rank(kind: u32) -> u32 {
    match kind {
        KIND_COUNTRY => 0,
        KIND_CITY_BIG | KIND_CITY => 1,
        _ => 2,
    }
}

fn phrase_key(name: &str) -> Option<(u64, Vec<u64>)> {
    let toks = super::tokens::tokenize(name);
    if toks.is_empty() || toks.len() > MAX_PHRASE {
        return None;
    }
    let hashes: Vec<u64> = toks.iter().map(|t| lower_hash(t.text(name))).collect();
    let mut h = 0;
    for &w in &hashes {
        h = mix(h, w);
    }
    Some((h, hashes))
}

/// The key `phrase_key` gives `name`, without allocating.
fn phrase_hash(name: &str) -> Option<u64> {
    plain_phrase_hash(name).unwrap_or_else(|| tokenized_phrase_hash(name))
}

/// `phrase_hash` of a name made only of ASCII letters and digits between blanks, whose tokens
/// are its runs of letters and digits; `None` for any other name, which the tokeniser must
/// split. Every place and demonym a span may be is looked up by its text, and most are such
/// names (`New York`): this spares them the tokeniser's setting up.
fn plain_phrase_hash(name: &str) -> Option<Option<u64>> {
    let (mut h, mut words, mut start) = (0, 0, None);
    for (i, &b) in name.as_bytes().iter().enumerate() {
        if b.is_ascii_alphanumeric() {
            start.get_or_insert(i);
        } else if matches!(b, b' ' | b'\t' | b'\r' | b'\n') {
            if let Some(s) = start.take() {
                (h, words) = (mix(h, lower_hash_in(name, s, i)), words + 1);
            }
        } else {
            return None;
        }
    }
    if let Some(s) = start {
        (h, words) = (mix(h, lower_hash_in(name, s, name.len())), words + 1);
    }
    Some((1..=MAX_PHRASE).contains(&words).then_some(h))
}

/// `phrase_hash` of any name, split by the tokeniser.
fn tokenized_phrase_hash(name: &str) -> Option<u64> {
    thread_local! {
        static TOKS: std::cell::RefCell<Vec<Token>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    TOKS.with(|toks| {
        let toks = &mut *toks.borrow_mut();
        super::tokens::tokenize_into(name, toks);
        if toks.is_empty() || toks.len() > MAX_PHRASE {
            return None;
        }
        Some(
            toks.iter()
                .fold(0, |h, t| mix(h, lower_hash_in(name, t.start, t.end))),
        )
    })
}

impl Gazetteer {
    /// Builds the tables from the TSV files that `gazette-train` derives.
    pub fn parse(places: &str, demonyms: &str, names: &str) -> Gazetteer {
        // Sized up front: growing these tables step by step was a third of start-up time.
        let count = |text: &str, byte: u8| text.bytes().filter(|&b| b == byte).count();
        let place_names = count(places, b'|') + count(places, b'\n');
        let mut g = Building {
            words: HashMapU64::with_capacity_and_hasher(
                count(names, b'\n') + place_names,
                Default::default(),
            ),
            phrases: HashMapU64::with_capacity_and_hasher(2 * place_names, Default::default()),
            places: Vec::with_capacity(count(places, b'\n')),
            text: String::new(),
            named: HashMapU64::default(),
        };
        g.add_names(names);
        g.add_places(places);
        g.add_demonyms(demonyms);
        let readings = g.other_readings();
        Gazetteer {
            words: FlatMap::new(g.words),
            phrases: FlatMap::new(g.phrases),
            places: g.places,
            text: Cow::Owned(g.text),
            readings,
        }
    }
}

impl Building {
    /// Given names, surnames and organisation words (`names.tsv`: name, then flags
    /// `g`/`G`/`s`/`S`/`o`), and the titles.
    fn add_names(&mut self, names: &str) {
        for line in names.lines() {
            let Some((name, flags)) = line.split_once('\t') else {
                continue;
            };
            let mut f = 0;
            for c in flags.chars() {
                f |= match c {
                    'g' => GIVEN,
                    'G' => GIVEN | GIVEN_COMMON,
                    's' => SURNAME,
                    'S' => SURNAME | SURNAME_COMMON,
                    'o' => ORG_WORD,
                    _ => 0,
                };
            }
            *self.words.entry(lower_hash(name)).or_default() |= f;
        }
        let courtesy = COURTESY_TITLES
            .iter()
            .flat_map(|t| [t.to_string(), format!("{t}.")]);
        for t in TITLES.iter().map(|t| t.to_string()).chain(courtesy) {
            *self.words.entry(lower_hash(&t)).or_default() |= TITLE;
        }
    }

    /// Places (`places.tsv`: kind, country, population, names with the canonical one first).
    fn add_places(&mut self, places: &str) {
        for line in places.lines() {
            let mut cols = line.split('\t');
            let (Some(kind), Some(cc), Some(pop), Some(names)) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let population: u32 = pop.parse().unwrap_or(0);
            let kind = match kind {
                "C" => KIND_COUNTRY,
                "A" => KIND_ADMIN1,
                _ if population >= BIG_CITY => KIND_CITY_BIG,
                _ => KIND_CITY,
            };
            let mut alts = names.split('|');
            let Some(canonical) = alts.next() else {
                continue;
            };
            let (Ok(country_len), Ok(name_len), Ok(at)) = (
                u8::try_from(cc.len()),
                u16::try_from(canonical.len()),
                u32::try_from(self.text.len()),
            ) else {
                continue;
            };
            let idx = self.places.len() as u32;
            self.text.push_str(cc);
            self.text.push_str(canonical);
            self.places.push(PlaceRec {
                at,
                country_len,
                name_len,
                kind: kind as u8,
                population,
            });
            for name in std::iter::once(canonical).chain(alts) {
                self.add_place_phrase(name, idx);
            }
        }
    }

    /// Demonyms (`demonyms.tsv`: country, then forms).
    fn add_demonyms(&mut self, demonyms: &str) {
        for line in demonyms.lines() {
            let Some((cc, forms)) = line.split_once('\t') else {
                continue;
            };
            let b = cc.as_bytes();
            if b.len() != 2 {
                continue;
            }
            for form in forms.split('|') {
                if let Some(p) = self.insert_phrase(form) {
                    p.kinds |= 1 << KIND_DEMONYM;
                    p.demonym.get_or_insert([b[0], b[1]]);
                }
            }
        }
    }

    fn insert_phrase(&mut self, name: &str) -> Option<&mut Phrase> {
        let (key, hashes) = phrase_key(name)?;
        let mut h = 0;
        for &w in &hashes[..hashes.len() - 1] {
            h = mix(h, w);
            self.phrases.entry(h).or_default().prefix = true;
        }
        for &w in &hashes {
            *self.words.entry(w).or_default() |= PLACE_WORD;
        }
        Some(self.phrases.entry(key).or_default())
    }

    fn add_place_phrase(&mut self, name: &str, idx: u32) {
        let new = &self.places[idx as usize];
        let kind = new.kind as u32;
        let (new_rank, new_pop) = (kind_rank(kind), new.population);
        let places = std::mem::take(&mut self.places);
        let key = phrase_key(name).map(|(key, _)| key);
        if let Some(p) = self.insert_phrase(name) {
            p.kinds |= 1 << kind;
            let better = match p.place {
                None => true,
                Some(old) => {
                    let o = &places[old as usize];
                    (kind_rank(o.kind as u32), std::cmp::Reverse(o.population))
                        > (new_rank, std::cmp::Reverse(new_pop))
                }
            };
            if better {
                p.place = Some(idx);
            }
        }
        self.places = places;
        if let Some(key) = key {
            self.named.entry(key).or_default().push(idx);
        }
    }

    fn rank_of(&self, idx: u32) -> (u32, std::cmp::Reverse<u32>) {
        let p = &self.places[idx as usize];
        (kind_rank(p.kind as u32), std::cmp::Reverse(p.population))
    }

    fn country_of(&self, idx: u32) -> &str {
        let p = &self.places[idx as usize];
        &self.text[p.at as usize..p.at as usize + p.country_len as usize]
    }

    /// How much a place weighs against a namesake: a country or first-level region more than
    /// any town, towns by population.
    fn weight(&self, idx: u32) -> (bool, u32) {
        let p = &self.places[idx as usize];
        let region = matches!(p.kind as u32, KIND_COUNTRY | KIND_ADMIN1);
        (region, p.population)
    }

    /// For each phrase naming places in more than one country, the best reading in each
    /// country other than the chosen place's, ranked as `add_place_phrase` ranks them, where
    /// the article may call for it: not for a country or big city (`Lebanon` is not the town
    /// in Pennsylvania, though an article on U.S. policy names only American places), and only
    /// a namesake weighing as much (`Entre Rios`, Argentina's province, for the Brazilian town;
    /// not `Geneva`, New York, for the Swiss city).
    fn other_readings(&self) -> Vec<(u64, u32)> {
        let mut out = Vec::new();
        for (&key, named) in &self.named {
            let Some(chosen) = self.phrases.get(&key).and_then(|p| p.place) else {
                continue;
            };
            if matches!(
                self.places[chosen as usize].kind as u32,
                KIND_COUNTRY | KIND_CITY_BIG
            ) {
                continue;
            }
            let mut others: Vec<u32> = named.clone();
            // Stable: of equal ranks the first added stays first, as it does for `place`.
            others.sort_by_key(|&i| self.rank_of(i));
            let mut seen = vec![self.country_of(chosen)];
            for i in others {
                if !seen.contains(&self.country_of(i)) {
                    seen.push(self.country_of(i));
                    if self.weight(i) >= self.weight(chosen) {
                        out.push((key, i));
                    }
                }
            }
        }
        // Stable again: each key's readings keep their rank order.
        out.sort_by_key(|&(k, _)| k);
        out
    }
}

/// The tables `gazette-train` derived from the TSV files under `data/gazetteer/`.
static EMBEDDED_BIN: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/gazetteer.bin"));

/// Magic of the binary gazetteer, `data/gazetteer.bin`.
const BIN_MAGIC: &[u8; 4] = b"GZG2";
const NO_PLACE: u32 = u32::MAX;
const PHRASE_PREFIX: u8 = 1;
const PHRASE_DEMONYM: u8 = 2;

/// Entries of a map sorted by key, so the serialised form does not depend on table layout.
fn sorted_entries<V: Copy + Default>(m: &FlatMap<V>) -> Vec<(u64, V)> {
    let mut e: Vec<(u64, V)> = m.entries().collect();
    e.sort_unstable_by_key(|&(k, _)| k);
    e
}

impl Gazetteer {
    /// The gazetteer embedded in the binary: `gazette-train` writes the finished tables next
    /// to the TSV sources, so start-up copies arrays instead of tokenising and hashing every name.
    pub(crate) fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            Gazetteer::from_bytes(EMBEDDED_BIN)
                .expect("data/gazetteer.bin is corrupt: regenerate it with gazette-train")
        })
    }

    /// The tables in the binary form `from_bytes` reads (all integers little-endian):
    /// words `(key u64, flags u16)`, phrases `(key u64, kinds u8, flags u8, demonym [u8; 2],
    /// place u32)`, places `(kind u8, population u32, country length u8, name length u16)`,
    /// each list preceded by its u32 length, then the u32 length and bytes of the places' text,
    /// then the other readings `(key u64, place u32)` after their u32 length.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = BIN_MAGIC.to_vec();
        let words = sorted_entries(&self.words);
        out.extend_from_slice(&(words.len() as u32).to_le_bytes());
        for (k, v) in words {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        let phrases = sorted_entries(&self.phrases);
        out.extend_from_slice(&(phrases.len() as u32).to_le_bytes());
        for (k, p) in phrases {
            out.extend_from_slice(&k.to_le_bytes());
            let flags = if p.prefix { PHRASE_PREFIX } else { 0 }
                | if p.demonym.is_some() {
                    PHRASE_DEMONYM
                } else {
                    0
                };
            out.extend_from_slice(&[p.kinds, flags]);
            out.extend_from_slice(&p.demonym.unwrap_or_default());
            out.extend_from_slice(&p.place.unwrap_or(NO_PLACE).to_le_bytes());
        }
        out.extend_from_slice(&(self.places.len() as u32).to_le_bytes());
        for p in &self.places {
            out.push(p.kind);
            out.extend_from_slice(&p.population.to_le_bytes());
            out.push(p.country_len);
            out.extend_from_slice(&p.name_len.to_le_bytes());
        }
        out.extend_from_slice(&(self.text.len() as u32).to_le_bytes());
        out.extend_from_slice(self.text.as_bytes());
        out.extend_from_slice(&(self.readings.len() as u32).to_le_bytes());
        for &(k, place) in &self.readings {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&place.to_le_bytes());
        }
        out
    }

    /// Reads what `to_bytes` wrote; `None` if the bytes are truncated or inconsistent
    /// (lengths, place indices, text offsets, UTF-8), so lookups can index without checks.
    pub(crate) fn from_bytes(b: &'static [u8]) -> Option<Gazetteer> {
        let mut r = Reader::after_magic(b, BIN_MAGIC)?;
        let n = r.count(10)?;
        let mut words = Vec::with_capacity(n);
        for _ in 0..n {
            words.push((r.u64()?, r.u16()?));
        }
        let n = r.count(16)?;
        let mut phrases = Vec::with_capacity(n);
        for _ in 0..n {
            let key = r.u64()?;
            let [kinds, flags] = r.take()?;
            let demonym: [u8; 2] = r.take()?;
            let place = r.u32()?;
            phrases.push((
                key,
                Phrase {
                    kinds,
                    prefix: flags & PHRASE_PREFIX != 0,
                    place: (place != NO_PLACE).then_some(place),
                    demonym: (flags & PHRASE_DEMONYM != 0).then_some(demonym),
                },
            ));
        }
        let n = r.count(8)?;
        let mut places = Vec::with_capacity(n);
        let mut at = 0u32;
        for _ in 0..n {
            let (kind, population) = (r.u8()?, r.u32()?);
            let (country_len, name_len) = (r.u8()?, r.u16()?);
            places.push(PlaceRec {
                at,
                country_len,
                name_len,
                kind,
                population,
            });
            at = at.checked_add(country_len as u32 + name_len as u32)?;
        }
        let len = r.u32()? as usize;
        let text = std::str::from_utf8(r.bytes(len)?).ok()?;
        let n = r.count(12)?;
        let mut readings = Vec::with_capacity(n);
        for _ in 0..n {
            readings.push((r.u64()?, r.u32()?));
        }
        let places_ok = places.iter().all(|p| {
            let (a, c) = (p.at as usize, p.country_len as usize);
            let end = a + c + p.name_len as usize;
            end <= text.len()
                && text.is_char_boundary(a)
                && text.is_char_boundary(a + c)
                && text.is_char_boundary(end)
        });
        if !places_ok
            || !r.is_done()
            // Sorted and distinct, as `to_bytes` writes them: `FlatMap` needs distinct keys.
            || !words.windows(2).all(|w| w[0].0 < w[1].0)
            || !phrases.windows(2).all(|w| w[0].0 < w[1].0)
            || phrases
                .iter()
                .any(|(_, p)| p.place.is_some_and(|i| i as usize >= places.len()))
            || !readings.windows(2).all(|w| w[0].0 <= w[1].0)
            || readings.iter().any(|&(_, i)| i as usize >= places.len())
        {
            return None;
        }
        Some(Gazetteer {
            words: FlatMap::from_entries(words.len(), words),
            phrases: FlatMap::from_entries(phrases.len(), phrases),
            places,
            text: Cow::Borrowed(text),
            readings,
        })
    }

    #[inline]
    pub(crate) fn word_flags(&self, hash: u64) -> u16 {
        self.words.get(hash).copied().unwrap_or(0)
    }

    /// Longest gazetteer phrases starting at capitalised tokens, left to right, non-overlapping.
    /// `flags` are the tokens' word flags, so only words seen in some place name start a lookup.
    pub(crate) fn match_phrases(
        &self,
        toks: &[Token],
        hashes: &[u64],
        flags: &[u16],
        out: &mut Vec<PhraseMatch>,
    ) {
        let mut i = 0;
        while i < toks.len() {
            if toks[i].flags & CAP == 0 || flags[i] & PLACE_WORD == 0 {
                i += 1;
                continue;
            }
            let mut h = 0;
            let mut best: Option<PhraseMatch> = None;
            for j in i..toks.len().min(i + MAX_PHRASE) {
                if j > i && toks[j].flags & PUNCT != 0 && toks[j].end - toks[j].start > 1 {
                    break;
                }
                h = mix(h, hashes[j]);
                let Some(p) = self.phrases.get(h) else {
                    break;
                };
                if p.kinds != 0 && toks[j].flags & CAP != 0 {
                    best = Some(PhraseMatch {
                        first: i,
                        len: j - i + 1,
                        kinds: p.kinds,
                        demonym: p.demonym,
                    });
                }
                if !p.prefix {
                    break;
                }
            }
            match best {
                Some(m) => {
                    out.push(m);
                    i += m.len;
                }
                None => i += 1,
            }
        }
    }

    /// Whether an exact (case-insensitive) phrase names a place (for `gazette-train`).
    pub fn is_place(&self, text: &str) -> bool {
        self.place(text).is_some()
    }

    /// Place for an exact (case-insensitive) phrase.
    pub(crate) fn place(&self, text: &str) -> Option<PlaceEntry<'_>> {
        let p = self.phrases.get(phrase_hash(text)?)?;
        Some(self.entry(p.place?))
    }

    fn entry(&self, place: u32) -> PlaceEntry<'_> {
        let r = self.places[place as usize];
        let (a, c) = (r.at as usize, r.country_len as usize);
        PlaceEntry {
            country: &self.text[a..a + c],
            name: &self.text[a + c..a + c + r.name_len as usize],
            kind: r.kind as u32,
        }
    }

    /// The places an exact (case-insensitive) phrase names in other countries than its
    /// `place`, best first.
    pub(crate) fn other_readings(&self, text: &str) -> impl Iterator<Item = PlaceEntry<'_>> {
        let key = phrase_hash(text);
        let at = key.map_or(self.readings.len(), |k| {
            self.readings.partition_point(|&(r, _)| r < k)
        });
        self.readings[at..]
            .iter()
            .take_while(move |&&(r, _)| Some(r) == key)
            .map(|&(_, place)| self.entry(place))
    }

    /// Country code of a demonym phrase such as `North Korean`.
    pub(crate) fn demonym(&self, text: &str) -> Option<[u8; 2]> {
        self.phrases.get(phrase_hash(text)?)?.demonym
    }
}

/// Bytes of one word, one phrase and one place in the embedded tables (see
/// `Gazetteer::to_bytes`).
const WORD_BYTES: usize = 10;
const PHRASE_BYTES: usize = 16;
const PLACE_BYTES: usize = 8;

/// The record of `key` in `table`, records of `size` bytes sorted by their leading u64 key.
fn record_of(table: &'static [u8], size: usize, key: u64) -> Option<&'static [u8]> {
    let record = |i: usize| &table[i * size..(i + 1) * size];
    let (mut lo, mut hi) = (0, table.len() / size);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let r = record(mid);
        match u64::from_le_bytes(r[..8].try_into().ok()?).cmp(&key) {
            std::cmp::Ordering::Less => lo = mid + 1,
            std::cmp::Ordering::Greater => hi = mid,
            std::cmp::Ordering::Equal => return Some(r),
        }
    }
    None
}

/// Lookups read straight from the embedded tables, for a process that makes only a few (a
/// search): a binary search over the sorted phrases, where loading the `Gazetteer` builds hash
/// tables of every word and phrase first, which takes milliseconds.
pub(crate) struct EmbeddedLookup {
    words: &'static [u8],
    phrases: &'static [u8],
    places: &'static [u8],
    /// Checked as UTF-8 a place at a time when read: a search reads a few, and checking the
    /// whole text took longer than its look-ups.
    text: &'static [u8],
}

impl EmbeddedLookup {
    /// None when the embedded tables are damaged.
    pub(crate) fn new() -> Option<EmbeddedLookup> {
        let mut r = Reader::after_magic(EMBEDDED_BIN, BIN_MAGIC)?;
        let words = r.count(WORD_BYTES)?;
        let words = r.bytes(words * WORD_BYTES)?;
        let phrases = r.count(PHRASE_BYTES)?;
        let phrases = r.bytes(phrases * PHRASE_BYTES)?;
        let places = r.count(PLACE_BYTES)?;
        let places = r.bytes(places * PLACE_BYTES)?;
        let len = r.u32()? as usize;
        let text = r.bytes(len)?;
        Some(EmbeddedLookup {
            words,
            phrases,
            places,
            text,
        })
    }

    /// The stored record of an exact (case-insensitive) phrase.
    fn phrase(&self, text: &str) -> Option<&'static [u8]> {
        record_of(self.phrases, PHRASE_BYTES, phrase_hash(text)?)
    }

    /// As `Gazetteer::word_flags`, for one word given as text (any case).
    pub(crate) fn word_flags(&self, word: &str) -> u16 {
        record_of(self.words, WORD_BYTES, lower_hash(word))
            .map_or(0, |r| u16::from_le_bytes([r[8], r[9]]))
    }

    /// Whether a phrase (any case) is a place, without finding its text: that walks every
    /// place before it.
    pub(crate) fn is_place(&self, text: &str) -> bool {
        self.phrase(text)
            .is_some_and(|r| r[12..16] != NO_PLACE.to_le_bytes())
    }

    /// As `Gazetteer::place`.
    pub(crate) fn place(&self, text: &str) -> Option<PlaceEntry<'static>> {
        let record = self.phrase(text)?;
        let place = u32::from_le_bytes(record[12..16].try_into().ok()?);
        if place == NO_PLACE {
            return None;
        }
        let lengths = |i: usize| -> Option<(usize, usize)> {
            let r = self.places.get(i * PLACE_BYTES..(i + 1) * PLACE_BYTES)?;
            Some((r[5] as usize, u16::from_le_bytes([r[6], r[7]]) as usize))
        };
        // A place's text follows that of all places before it.
        let mut at = 0;
        for i in 0..place as usize {
            let (country, name) = lengths(i)?;
            at += country + name;
        }
        let (country, name) = lengths(place as usize)?;
        Some(PlaceEntry {
            country: std::str::from_utf8(self.text.get(at..at + country)?).ok()?,
            name: std::str::from_utf8(self.text.get(at + country..at + country + name)?).ok()?,
            kind: u32::from(self.places[place as usize * PLACE_BYTES]),
        })
    }

    /// As `Gazetteer::demonym`.
    pub(crate) fn demonym(&self, text: &str) -> Option<[u8; 2]> {
        let record = self.phrase(text)?;
        (record[9] & PHRASE_DEMONYM != 0).then_some([record[10], record[11]])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_hash_as_the_tokeniser_splits_them() {
        let long = "A B C D E F G";
        for name in [
            "New York",
            "NEW YORK",
            "new\nyork",
            " New  York ",
            "Rio de Janeiro",
            "G7",
            "1987",
            "A",
            "",
            " ",
            "\t\r\n",
            long,
            &long[..long.len() - 2],
        ] {
            let plain = plain_phrase_hash(name).expect("a plain name");
            assert_eq!(plain, tokenized_phrase_hash(name), "{name:?}");
            assert_eq!(plain, phrase_key(name).map(|k| k.0), "{name:?}");
        }
        for name in [
            "St. Louis",
            "Winston-Salem",
            "Coeur d'Alene",
            "Zürich",
            "U.S.",
            "1,000",
            "A&M",
            "New\u{a0}York",
        ] {
            assert_eq!(plain_phrase_hash(name), None, "{name:?}");
            assert_eq!(phrase_hash(name), tokenized_phrase_hash(name), "{name:?}");
        }
    }

    #[test]
    fn embedded_tables_match_the_tsv_sources() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/gazetteer/");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
        let parsed = Gazetteer::parse(
            &read("places.tsv"),
            &read("demonyms.tsv"),
            &read("names.tsv"),
        );
        assert!(
            parsed.to_bytes() == EMBEDDED_BIN,
            "data/gazetteer.bin is stale: rerun gazette-train"
        );
        let loaded = Gazetteer::embedded();
        assert_eq!(sorted_entries(&loaded.words), sorted_entries(&parsed.words));
        assert_eq!(
            sorted_entries(&loaded.phrases),
            sorted_entries(&parsed.phrases)
        );
        assert_eq!(loaded.places, parsed.places);
        assert_eq!(loaded.text, parsed.text);
        let us = loaded.place("United States").unwrap();
        assert_eq!((us.country, us.name), ("US", "United States"));
    }

    /// The 249 officially assigned ISO 3166-1 alpha-2 codes, written out here rather than
    /// read from `iso3166.txt`, which `gazette-train` derives from GeoNames' list (with
    /// withdrawn codes such as `CS` and `AN`, and Kosovo's user-assigned `XK`).
    const ASSIGNED: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
        BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
        CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ \
        EC EE EG EH ER ES ET FI FJ FK FM FO FR \
        GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU \
        ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ \
        LA LB LC LI LK LR LS LT LU LV LY \
        MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
        NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY \
        QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
        TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
        VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

    /// Every country code a place row or a demonym of the tables can emit (the embedded
    /// bytes equal these sources, see above) is an assigned ISO 3166-1 code; a place no
    /// assigned code covers has none.
    #[test]
    fn every_country_code_is_a_valid_iso_code() {
        let assigned: Vec<&str> = ASSIGNED.split_whitespace().collect();
        assert_eq!(assigned.len(), 249);
        assert!(assigned.windows(2).all(|w| w[0] < w[1]));
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/gazetteer/");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}{f}")).unwrap();
        assert_eq!(
            read("iso3166.txt").split_whitespace().collect::<Vec<_>>(),
            assigned
        );
        let places = read("places.tsv");
        let place_codes = places.lines().map(|l| l.split('\t').nth(1).unwrap());
        for cc in place_codes.filter(|cc| !cc.is_empty()) {
            assert!(assigned.contains(&cc), "place code {cc} is not assigned");
        }
        // Only the two countries without a code, Kosovo's places and kinds of place alone
        // (`Gulf`) may lack one: a table losing a country's codes would have thousands.
        let uncoded: Vec<&str> = places
            .lines()
            .filter(|l| l.split('\t').nth(1) == Some(""))
            .collect();
        assert!(
            uncoded.len() < 50,
            "{} places without a code",
            uncoded.len()
        );
        let uncoded_countries: Vec<&str> = (uncoded.iter())
            .filter(|l| l.starts_with("C\t"))
            .map(|l| l.rsplit('\t').next().unwrap().split('|').next().unwrap())
            .collect();
        assert_eq!(uncoded_countries, ["Kosovo", "Netherlands Antilles"]);
        let demonyms = read("demonyms.tsv");
        for cc in demonyms.lines().map(|l| l.split('\t').next().unwrap()) {
            assert!(assigned.contains(&cc), "demonym code {cc} is not assigned");
        }
        let gaz = Gazetteer::embedded();
        assert_eq!(gaz.demonym("English"), Some(*b"GB"));
        assert_eq!(gaz.demonym("British"), Some(*b"GB"));
        // Former states are their continuing states (ISO 3166 only reserves SU and DD).
        for (name, cc) in [
            ("Soviet Union", "RU"),
            ("USSR", "RU"),
            ("U.S.S.R.", "RU"),
            ("West Germany", "DE"),
            ("East Germany", "DE"),
            ("Yugoslavia", "RS"),
            ("Serbia and Montenegro", "RS"),
            ("Netherlands Antilles", ""),
            ("Kosovo", ""),
        ] {
            let place = gaz.place(name).unwrap();
            assert_eq!((place.country, place.kind), (cc, KIND_COUNTRY), "{name}");
        }
        // A kind of place alone is no other name of a place, and names none with a country.
        assert_eq!(gaz.place("Gulf").unwrap().country, "");
        assert!(gaz.place("Island").is_none_or(|p| p.name != "Iceland"));
        assert!(gaz.place("City").is_none());
        for (form, cc) in [
            ("Soviet", b"RU"),
            ("Soviets", b"RU"),
            ("West German", b"DE"),
            ("east germans", b"DE"),
            ("Yugoslav", b"RS"),
            ("Yugoslavs", b"RS"),
        ] {
            assert_eq!(gaz.demonym(form), Some(*cc), "{form}");
        }
    }

    #[test]
    fn a_name_keeps_its_readings_in_other_countries() {
        let gaz = Gazetteer::embedded();
        assert_eq!(gaz.place("Entre Rios").unwrap().country, "BR");
        let others: Vec<_> = gaz.other_readings("entre rios").collect();
        assert!(
            others
                .iter()
                .any(|e| e.country == "AR" && e.kind == KIND_ADMIN1),
            "{others:?}"
        );
        assert!(others.iter().all(|e| e.country != "BR"), "{others:?}");
        assert_eq!(gaz.other_readings("Kuala Lumpur").count(), 0);
        assert_eq!(gaz.other_readings("zzqx").count(), 0);
        // A region outweighs a town of its name; a country or big city is never read again,
        // nor a town as a smaller namesake.
        let florida: Vec<_> = gaz.other_readings("Florida").collect();
        assert!(
            florida
                .iter()
                .any(|e| e.country == "US" && e.kind == KIND_ADMIN1),
            "{florida:?}"
        );
        assert_eq!(gaz.other_readings("Paris").count(), 0);
        assert_eq!(gaz.other_readings("Germany").count(), 0);
        assert!(gaz.other_readings("Geneva").all(|e| e.country != "US"));
    }

    #[test]
    fn lookups_from_the_embedded_bytes_agree_with_the_loaded_tables() {
        let loaded = Gazetteer::embedded();
        let lookup = EmbeddedLookup::new().unwrap();
        for name in [
            "United States",
            "ivory coast",
            "British",
            "North Korean",
            "Kuala Lumpur",
            "Seoul",
            "Taiwan",
            "West",
            "Soviet",
            "Soviet Union",
            "West German",
            "zzqx",
            "",
        ] {
            assert_eq!(lookup.place(name), loaded.place(name), "{name}");
            assert_eq!(
                lookup.is_place(name),
                loaded.place(name).is_some(),
                "{name}"
            );
            assert_eq!(lookup.demonym(name), loaded.demonym(name), "{name}");
        }
        assert!(lookup.is_place("Seoul") && !lookup.is_place("British"));
        assert_eq!(lookup.demonym("British"), Some(*b"GB"));
        assert_eq!(lookup.place("Kuala Lumpur").unwrap().country, "MY");
        for word in ["George", "margaret", "Smith", "Blair", "the", "zzqx", ""] {
            let loaded = loaded.word_flags(lower_hash(word));
            assert_eq!(lookup.word_flags(word), loaded, "{word}");
        }
        assert_ne!(lookup.word_flags("George") & GIVEN_COMMON, 0);
        assert_ne!(lookup.word_flags("Smith") & SURNAME, 0);
    }

    #[test]
    fn damaged_tables_are_rejected() {
        let b = EMBEDDED_BIN;
        for len in [0, 3, 4, 9, b.len() / 2, b.len() - 1] {
            assert!(Gazetteer::from_bytes(&b[..len]).is_none(), "{len}");
        }
        // A place count larger than the file must not be trusted for an allocation.
        let mut big = b.to_vec();
        big[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Gazetteer::from_bytes(big.leak()).is_none());
    }
}
