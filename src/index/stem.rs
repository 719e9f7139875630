//! English stemming with a memo: the same stems as tantivy's `en_stem` analyzer, computed once
//! per distinct word instead of once per occurrence. News vocabulary is Zipfian, so nearly
//! every token is a cache hit, and the Snowball algorithm stops dominating indexing time.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

use crate::extract::hash::spread;

/// Distinct words remembered before the memo starts over; bounds memory on odd corpora.
const CAPACITY: usize = 200_000;
/// Longest word (and stem) kept in the memo, in bytes; longer words are rare and stemmed each
/// time. 15 makes a slot half a cache line.
const INLINE: usize = 15;

#[derive(Clone)]
pub(crate) struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            memo: Memo::default(),
        }
    }
}

/// Each clone (tantivy keeps one per indexing thread and field) has its own memo, so no lock
/// is ever taken.
#[derive(Clone)]
pub(crate) struct CachedStemmerFilter<T> {
    inner: T,
    stemmer: frostem::Stemmer,
    memo: Memo,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.memo.len >= CAPACITY {
            self.memo = Memo::default();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            memo: &mut self.memo,
        }
    }
}

pub(crate) struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a frostem::Stemmer,
    memo: &'a mut Memo,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let Some(key) = Inline::new(token.text.as_bytes()) else {
            token.text = self.stemmer.stem(&token.text).into_owned();
            return true;
        };
        match self.memo.get(key, || {
            Inline::new(self.stemmer.stem(&token.text).as_bytes())
        }) {
            // Most words are their own stem: nothing to copy.
            Some(stem) if stem == key => {}
            Some(stem) => {
                token.text.clear();
                token.text.push_str(stem.as_str());
            }
            None => token.text = self.stemmer.stem(&token.text).into_owned(),
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// A short string stored in place: bytes zero-padded, the length in the last byte. Comparing
/// two is two word comparisons, with no pointer to follow, which is what makes a memo hit
/// cheaper than stemming.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
struct Inline([u8; INLINE + 1]);

impl Inline {
    fn new(bytes: &[u8]) -> Option<Inline> {
        if bytes.is_empty() || bytes.len() > INLINE {
            return None;
        }
        let mut inline = [0u8; INLINE + 1];
        inline[..bytes.len()].copy_from_slice(bytes);
        inline[INLINE] = bytes.len() as u8;
        Some(Inline(inline))
    }

    fn is_empty(&self) -> bool {
        self.0[INLINE] == 0
    }

    fn as_str(&self) -> &str {
        // Only ever built from the bytes of a `str`, cut at its end.
        std::str::from_utf8(&self.0[..self.0[INLINE] as usize]).unwrap_or_default()
    }

    fn hash(&self) -> u64 {
        let word = |k: usize| u64::from_le_bytes(self.0[k * 8..k * 8 + 8].try_into().unwrap());
        let h = spread(word(0) ^ word(1).rotate_left(29));
        h ^ (h >> 31)
    }
}

#[derive(Clone, Copy, Default)]
struct Slot {
    key: Inline,
    stem: Inline,
}

/// Word → stem, open addressing with linear probing over inline slots, at most half full.
/// Its tables are made when the first word is stemmed: a search clones the analyzer for each
/// query word and stems a word or two with each clone.
#[derive(Default)]
struct Memo {
    /// Direct-mapped cache of words met recently, small enough to stay in the core's cache
    /// while the postings table streams through it, so frequent words skip the large table.
    recent: Vec<Slot>,
    slots: Vec<Slot>,
    len: usize,
}

/// 2^10 recent words take 32 KB, which fits a core's L1 data cache.
const RECENT_BITS: u32 = 10;

/// A clone starts empty rather than copying 160 KB of another's words.
impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

impl Memo {
    /// The stem of `key`, computed by `stem` on the word's first occurrence; None when the
    /// stem does not fit inline.
    fn get(&mut self, key: Inline, stem: impl FnOnce() -> Option<Inline>) -> Option<Inline> {
        if self.slots.is_empty() {
            self.recent = vec![Slot::default(); 1 << RECENT_BITS];
            self.slots = vec![Slot::default(); 1 << 12];
        }
        let hash = key.hash();
        let recent = (hash >> (64 - RECENT_BITS)) as usize;
        if self.recent[recent].key == key {
            return Some(self.recent[recent].stem);
        }
        let at = self.find(&key, hash);
        let slot = if self.slots[at].key == key {
            self.slots[at]
        } else {
            let slot = Slot { key, stem: stem()? };
            self.insert(at, slot);
            slot
        };
        self.recent[recent] = slot;
        Some(slot.stem)
    }

    /// The slot holding `key`, or the empty slot where it belongs.
    fn find(&self, key: &Inline, hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = hash as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.key == *key || slot.key.is_empty() {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn insert(&mut self, at: usize, slot: Slot) {
        self.slots[at] = slot;
        self.len += 1;
        if 2 * self.len > self.slots.len() {
            let grown = vec![Slot::default(); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            for slot in old.into_iter().filter(|s| !s.key.is_empty()) {
                let at = self.find(&slot.key, slot.key.hash());
                self.slots[at] = slot;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::{
        LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, TokenizerManager,
    };

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from));
        }
        out
    }

    #[test]
    fn same_tokens_as_tantivys_en_stem_twice_over() {
        let mut reference = TokenizerManager::default().get("en_stem").unwrap();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(40))
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        let text = "Running runners ran; the exports exported EXPORTING generously, \
                    nationalisation and a verylongwordthatexceedsthefortycharacterlimitforsure";
        let expected = tokens(&mut reference, text);
        assert!(expected.iter().any(|(t, _, _)| t == "export"));
        assert_eq!(tokens(&mut cached, text), expected);
        // The second pass is served from the memo and must not differ.
        assert_eq!(tokens(&mut cached, text), expected);
    }

    #[test]
    fn the_memo_grows_and_starts_over_without_changing_a_stem() {
        let mut reference = TokenizerManager::default().get("en_stem").unwrap();
        let mut cached = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(CachedStemmer)
            .build();
        // Enough distinct words to double the table several times and pass CAPACITY once,
        // with suffixes the stemmer rewrites and words longer than INLINE bytes.
        let suffixes = [
            "",
            "s",
            "ing",
            "ed",
            "ational",
            "ies",
            "ness",
            "internationalizationally",
        ];
        let words: Vec<String> = (0..CAPACITY + 5_000)
            .map(|i| format!("w{}{}", to_letters(i), suffixes[i % suffixes.len()]))
            .collect();
        for chunk in words.chunks(20_000) {
            let text = chunk.join(" ");
            assert_eq!(tokens(&mut cached, &text), tokens(&mut reference, &text));
        }
    }

    fn to_letters(mut i: usize) -> String {
        let mut s = String::new();
        loop {
            s.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
            if i == 0 {
                return s;
            }
        }
    }
}
