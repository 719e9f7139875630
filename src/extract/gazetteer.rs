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
    let mut h = 0x243f_6a88_85a3_08d3u64;
    if s.is_ascii() {
        // Eight bytes per step; OR-ing 0x20 lower-cases letters and leaves digits and
        // the punctuation found inside words (`-`, `.`, `'`) unchanged.
        for chunk in s.as_bytes().chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            h = mix(h, u64::from_le_bytes(buf) | 0x2020_2020_2020_2020);
        }
    } else {
        for c in s.chars().flat_map(char::to_lowercase) {
            h = mix(h, c as u64);
        }
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
    words: HashMapU64<u16>,
    phrases: HashMapU64<Phrase>,
    pub places: Vec<PlaceEntry>,
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

impl Gazetteer {
    /// Builds the tables from the TSV files that `gazette-train` derives.
    pub fn parse(places: &str, demonyms: &str, names: &str) -> Gazetteer {
        let mut g = Gazetteer {
            words: HashMapU64::default(),
            phrases: HashMapU64::default(),
            places: Vec::new(),
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
        g
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
        self.words.get(&hash).copied().unwrap_or(0)
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
                let Some(p) = self.phrases.get(&h) else {
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
        let (key, _) = phrase_key(text)?;
        let p = self.phrases.get(&key)?;
        p.place.map(|i| &self.places[i as usize])
    }

    /// Country code of a demonym phrase such as `North Korean`.
    pub fn demonym(&self, text: &str) -> Option<[u8; 2]> {
        let (key, _) = phrase_key(text)?;
        self.phrases.get(&key)?.demonym
    }
}
