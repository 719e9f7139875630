//! Hashing shared by the gazetteer, the tagger and the stem memo: a cheap mixing step, word
//! hashes that ignore case, and tables keyed by hashes that are already well mixed.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

const K: u64 = 0x517c_c1b7_2722_0a95;

/// FxHash-style mixing step; good enough spread for hashed features and much faster than SipHash.
#[inline]
pub(crate) fn mix(h: u64, v: u64) -> u64 {
    (h.rotate_left(5) ^ v).wrapping_mul(K)
}

/// 2^64 divided by the golden ratio, odd, so multiplying by it is a bijection that carries
/// every input bit into the top bits (Fibonacci hashing).
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// `h` with its bits carried into the high bits, for tables indexed by the top of a hash:
/// the low bits of word hashes and packed bytes alone are too regular to pick a slot.
#[inline(always)]
pub(crate) fn spread(h: u64) -> u64 {
    h.wrapping_mul(GOLDEN)
}

/// Slot of `h` in a table of `2^(64 - shift)` slots.
#[inline(always)]
pub(crate) fn slot(h: u64, shift: u32) -> usize {
    (spread(h) >> shift) as usize
}

/// Hash of the lower-cased token text, so `KIM`, `Kim` and `kim` share features and lookups.
pub(crate) fn lower_hash(s: &str) -> u64 {
    lower_hash_in(s, 0, s.len())
}

const LOWER_SEED: u64 = 0x243f_6a88_85a3_08d3;

/// `lower_hash(&text[start..end])`, reading whole words of `text` where it can. Inlined
/// into the tagger's per-token loop, where a call costs as much as the common one-word case.
#[inline(always)]
pub(crate) fn lower_hash_in(text: &str, start: usize, end: usize) -> u64 {
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
pub(crate) struct PreHashed(u64);

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

pub(crate) type HashMapU64<V> = HashMap<u64, V, BuildHasherDefault<PreHashed>>;

/// Read-only open-addressing map from well-mixed 64-bit hashes, at most half full, so a
/// lookup is a multiply, a shift and (usually) one or two compares.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FlatMap<V> {
    keys: Vec<u64>,
    vals: Vec<V>,
    shift: u32,
    /// Key 0 marks empty slots, so its value (if any) lives here.
    zero: Option<V>,
}

impl<V: Copy + Default> FlatMap<V> {
    pub(crate) fn new(map: HashMapU64<V>) -> FlatMap<V> {
        let len = map.len();
        FlatMap::from_entries(len, map)
    }

    /// The map of `len` distinct keys given by `entries`.
    pub(crate) fn from_entries(
        len: usize,
        entries: impl IntoIterator<Item = (u64, V)>,
    ) -> FlatMap<V> {
        let size = (2 * len).next_power_of_two().max(16);
        let mut m = FlatMap {
            keys: vec![0; size],
            vals: vec![V::default(); size],
            shift: 64 - size.trailing_zeros(),
            zero: None,
        };
        for (k, v) in entries {
            if k == 0 {
                m.zero = Some(v);
                continue;
            }
            let mut i = slot(k, m.shift);
            while m.keys[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            m.keys[i] = k;
            m.vals[i] = v;
        }
        m
    }

    /// Every key and value, the zero key included, in slot order.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (u64, V)> + '_ {
        let stored = self.keys.iter().zip(&self.vals).filter(|(k, _)| **k != 0);
        let zero = self.zero.map(|v| (0, v));
        zero.into_iter().chain(stored.map(|(&k, &v)| (k, v)))
    }

    #[inline]
    pub(crate) fn get(&self, k: u64) -> Option<&V> {
        if k == 0 {
            return self.zero.as_ref();
        }
        let mask = self.keys.len() - 1;
        let mut i = slot(k, self.shift);
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

/// A short list of names, each with a value, looked up ignoring ASCII case by every tagged
/// span (news agencies, well-known organisations, legal forms): most spans are ruled out by the sieve
/// before they are hashed, and a hash match is confirmed against the name itself.
pub(crate) struct SievedTable<V> {
    sieve: Sieve,
    by_hash: HashMapU64<(&'static str, V)>,
}

impl<V> SievedTable<V> {
    pub(crate) fn new(entries: impl Iterator<Item = (&'static str, V)>) -> SievedTable<V> {
        let by_hash: HashMapU64<(&'static str, V)> = entries
            .map(|(name, v)| (lower_hash(name), (name, v)))
            .collect();
        let sieve = Sieve::new(by_hash.values().map(|(name, _)| *name));
        SievedTable { sieve, by_hash }
    }

    /// The value of `name`, matched ignoring ASCII case.
    pub(crate) fn get(&self, name: &str) -> Option<&V> {
        if !self.sieve.passes(name) {
            return None;
        }
        let (form, v) = self.by_hash.get(&lower_hash(name))?;
        form.eq_ignore_ascii_case(name).then_some(v)
    }
}

/// The lengths and first letters of a short list of names, to rule out most texts before
/// they are hashed: a text this does not pass is, ignoring ASCII case, none of the names.
struct Sieve {
    /// Bit `min(len, 63)` per name.
    lens: u64,
    /// Bit `min(lower-cased first byte, 127)` per name.
    firsts: u128,
}

impl Sieve {
    fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Sieve {
        let mut sieve = Sieve { lens: 0, firsts: 0 };
        for name in names {
            sieve.lens |= 1 << name.len().min(63);
            sieve.firsts |= 1 << Sieve::first(name);
        }
        sieve
    }

    fn first(text: &str) -> u32 {
        text.bytes()
            .next()
            .map_or(0, |b| u32::from(b.to_ascii_lowercase()).min(127))
    }

    /// Whether `text` may be one of the names.
    fn passes(&self, text: &str) -> bool {
        self.lens >> text.len().min(63) & 1 != 0 && self.firsts >> Sieve::first(text) & 1 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sieve_passes_every_name_in_any_case_and_stops_others() {
        let long = "x".repeat(70);
        let names = ["reuters", "AP", "Zürich", "", long.as_str()];
        let sieve = Sieve::new(names);
        for name in names {
            assert!(
                sieve.passes(name) && sieve.passes(&name.to_ascii_uppercase()),
                "{name}"
            );
        }
        assert!(sieve.passes(&"X".repeat(90)), "any length from 63 on");
        assert!(sieve.passes("zÜRICH"));
        for not in ["reuter", "bp", "Tony Blair", "Ürich", "Rxyz"] {
            assert!(!sieve.passes(not), "{not}");
        }
    }

    #[test]
    fn lower_hash_ignores_case_on_every_path() {
        // Short ASCII (one step), long ASCII (eight bytes a step, padded at the end of the
        // text) and non-ASCII (by characters) words.
        for (a, b) in [
            ("Kim", "KIM"),
            ("Pyongyang", "PYONGYANG"),
            ("Zürich", "ZÜRICH"),
        ] {
            assert_eq!(lower_hash(a), lower_hash(b), "{a}");
            let text = format!("{a} and more text after it");
            assert_eq!(lower_hash_in(&text, 0, a.len()), lower_hash(b), "{a}");
        }
        assert_ne!(lower_hash("Kim"), lower_hash("Kin"));
    }

    #[test]
    fn flat_map_finds_every_key_and_only_those() {
        let keys: Vec<u64> = (100..200).map(|k| mix(1, k)).chain([0]).collect();
        let m = FlatMap::from_entries(keys.len(), keys.iter().map(|&k| (k, k as u16)));
        for &k in &keys {
            assert_eq!(m.get(k), Some(&(k as u16)));
        }
        assert_eq!(m.get(mix(7, 1000)), None);
        assert_eq!(m.entries().count(), keys.len());
    }
}
