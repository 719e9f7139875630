//! Gazetteer: word and phrase lookup tables (given names, surnames, titles, places, demonyms) and the hashing they share with the tagger.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::tokens::{CAP, PUNCT, Token};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// FxHash-style mixing step; good enough spread for hashed features and much faster than SipHash.
#[inline]
pub fn mix(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(K)
}

/// Hash of the lower-cased token text, so `KIM`, `Kim` and `kim` share features and lookups.
pub fn lower_hash(s: &str) -> u64 {
    lower_hash_in(s, 0, s.len())
}

const LOWER_SEED: u64 = 0x243f_6a88_85a3_08d3;

/// `lower_hash(&text[start..end])`, reading whole words of `text` where it can.
#[inline]
pub fn lower_hash_in(text: &str, start: usize, end: usize) -> u64 {
    let t = text.as_bytes();
    let len = end - start;
    // Most words fit one step: one load, one mask, one mix.
    if (1..=8).contains(&len) && start + 8 <= t.len() {
        let w = u64::from_le_bytes(t[start..start + 8].try_into().unwrap())
            & (u64::MAX >> (64 - 8 * len));
        if w & 0x8080_8080_8080_8080 == 0 {
            return mix(LOWER_SEED, w | 0x2020_2020_2020_2020);
        }
    }
    let mut h = LOWER_SEED;
    let mut seen = 0u64;
    let mut p = start;
    // Eight bytes per step, zero-padded; OR-ing 0x20 lower-cases letters and leaves digits
    // and the punctuation found inside words (`-`, `.`, `'`) unchanged.
    while p < end {
        let w = if p + 8 <= t.len() {
            u64::from_le_bytes(t[p..p + 8].try_into().unwrap())
        } else {
            let mut buf = [0u8; 8];
            buf[..t.len() - p].copy_from_slice(&t[p..]);
            u64::from_le_bytes(buf)
        };
        let left = end - p;
        let w = if left < 8 {
            w & ((1u64 << (left * 8)) - 1)
        } else {
            w
        };
        seen |= w;
        h = mix(h, w | 0x2020_2020_2020_2020);
        p += 8;
    }
    if seen & 0x8080_8080_8080_8080 == 0 {
        return h;
    }
    let mut h = LOWER_SEED;
    for c in text[start..end].chars().flat_map(char::to_lowercase) {
        h = mix(h, c as u64);
    }
    h
}

/// Hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
pub struct PreHashed(u64);

impl Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0, b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v.wrapping_mul(K);
    }
}

pub type HashMapU64<V> = HashMap<u64, V, BuildHasherDefault<PreHashed>>;

// Word flags.
pub const GIVEN: u16 = 1;
pub const GIVEN_COMMON: u16 = 2;
pub const SURNAME: u16 = 4;
pub const SURNAME_COMMON: u16 = 8;
pub const TITLE: u16 = 16;
pub const PLACE_WORD: u16 = 32;

/// Words that introduce a person's name in news copy.
const TITLES: &[&str] = &[
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
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
pub const KIND_COUNTRY: u32 = 0;
pub const KIND_ADMIN1: u32 = 1;
pub const KIND_CITY_BIG: u32 = 2;
pub const KIND_CITY: u32 = 3;
pub const KIND_DEMONYM: u32 = 4;
pub const N_KINDS: u32 = 5;
const BIG_CITY: u32 = 1_000_000;
const MAX_PHRASE: usize = 6;

#[derive(Debug, Clone)]
pub struct PlaceEntry {
    pub name: String,
    pub country: String,
    pub kind: u32,
    pub population: u32,
}

#[derive(Debug, Clone, Copy, Default)]
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
pub struct PhraseMatch {
    pub first: usize,
    pub len: usize,
    pub kinds: u8,
    pub demonym: Option<[u8; 2]>,
}

pub struct Gazetteer {
    words: FlatMap<u16>,
    phrases: FlatMap<Phrase>,
    pub places: Vec<PlaceEntry>,
}

/// The tables while `parse` fills them.
struct Building {
    words: HashMapU64<u16>,
    phrases: HashMapU64<Phrase>,
    places: Vec<PlaceEntry>,
}

/// Read-only open-addressing map from well-mixed 64-bit hashes, at most half full, so a
/// lookup is a multiply, a shift and (usually) one or two compares.
struct FlatMap<V> {
    keys: Vec<u64>,
    vals: Vec<V>,
    shift: u32,
    /// Key 0 marks empty slots, so its value (if any) lives here.
    zero: Option<V>,
}

impl<V: Copy + Default> FlatMap<V> {
    fn new(map: HashMapU64<V>) -> FlatMap<V> {
        let size = (2 * map.len()).next_power_of_two().max(16);
        let mut m = FlatMap {
            keys: vec![0; size],
            vals: vec![V::default(); size],
            shift: 64 - size.trailing_zeros(),
            zero: None,
        };
        for (k, v) in map {
            if k == 0 {
                m.zero = Some(v);
                continue;
            }
            let mut i = m.slot(k);
            while m.keys[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            m.keys[i] = k;
            m.vals[i] = v;
        }
        m
    }

    #[inline]
    fn slot(&self, k: u64) -> usize {
        (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    #[inline]
    fn get(&self, k: u64) -> Option<&V> {
        if k == 0 {
            return self.zero.as_ref();
        }
        let mask = self.keys.len() - 1;
        let mut i = self.slot(k);
        loop {
            let key = self.keys[i];
            if key == k {
                return Some(&self.vals[i]);
            }
            if key == 0 {
                return None;
            }
            i = (i + 1) & mask;
        }
    }
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
        };
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
                    _ => 0,
                };
            }
            *g.words.entry(lower_hash(name)).or_default() |= f;
        }
        for t in TITLES {
            *g.words.entry(lower_hash(t)).or_default() |= TITLE;
        }
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
            let idx = g.places.len() as u32;
            g.places.push(PlaceEntry {
                name: canonical.to_string(),
                country: cc.to_string(),
                kind,
                population,
            });
            for name in std::iter::once(canonical).chain(alts) {
                g.add_place_phrase(name, idx);
            }
        }
        for line in demonyms.lines() {
            let Some((cc, forms)) = line.split_once('\t') else {
                continue;
            };
            let b = cc.as_bytes();
            if b.len() != 2 {
                continue;
            }
            for form in forms.split('|') {
                if let Some(p) = g.insert_phrase(form) {
                    p.kinds |= 1 << KIND_DEMONYM;
                    p.demonym.get_or_insert([b[0], b[1]]);
                }
            }
        }
        Gazetteer {
            words: FlatMap::new(g.words),
            phrases: FlatMap::new(g.phrases),
            places: g.places,
        }
    }
}

impl Building {
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
        let (new_rank, new_pop, kind) = (kind_rank(new.kind), new.population, new.kind);
        let places = std::mem::take(&mut self.places);
        if let Some(p) = self.insert_phrase(name) {
            p.kinds |= 1 << kind;
            let better = match p.place {
                None => true,
                Some(old) => {
                    let o = &places[old as usize];
                    (kind_rank(o.kind), std::cmp::Reverse(o.population))
                        > (new_rank, std::cmp::Reverse(new_pop))
                }
            };
            if better {
                p.place = Some(idx);
            }
        }
        self.places = places;
    }
}

impl Gazetteer {
    /// The gazetteer embedded in the binary.
    pub fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            Gazetteer::parse(
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/data/gazetteer/places.tsv"
                )),
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/data/gazetteer/demonyms.tsv"
                )),
                include_str!(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/data/gazetteer/names.tsv"
                )),
            )
        })
    }

    #[inline]
    pub fn word_flags(&self, hash: u64) -> u16 {
        self.words.get(hash).copied().unwrap_or(0)
    }

    /// Longest gazetteer phrases starting at capitalised tokens, left to right, non-overlapping.
    /// `flags` are the tokens' word flags, so only words seen in some place name start a lookup.
    pub fn match_phrases(
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

    /// Place for an exact (case-insensitive) phrase.
    pub fn place(&self, text: &str) -> Option<&PlaceEntry> {
        let p = self.phrases.get(phrase_hash(text)?)?;
        p.place.map(|i| &self.places[i as usize])
    }

    /// Country code of a demonym phrase such as `North Korean`.
    pub fn demonym(&self, text: &str) -> Option<[u8; 2]> {
        self.phrases.get(phrase_hash(text)?)?.demonym
    }
}
