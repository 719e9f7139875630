//! The title and body analyzer: words split, length-limited, lower-cased and stemmed in one
//! pass, giving the same tokens and positions as tantivy's `en_stem` chain (`SimpleTokenizer`,
//! `RemoveLongFilter::limit(40)`, `LowerCaser`, the English stemmer). The chain copied each
//! word into the token, scanned it again to lower-case it and copied it once more into the
//! memo's key; here an ASCII word is lower-cased straight into the key. Stems are computed once
//! per distinct word through a memo: news vocabulary is Zipfian, so nearly every token is a
//! memo hit and the Snowball algorithm stops dominating indexing time.

use std::cell::Cell;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::extract::hash::spread;

/// Distinct words remembered before the memo starts over; bounds memory on odd corpora.
const CAPACITY: usize = 200_000;
/// Longest word kept in the memo, in bytes; longer words are rare and stemmed each time.
const INLINE: usize = 15;
/// Words this long or longer, in bytes, are dropped but keep their position, as tantivy's
/// `RemoveLongFilter::limit(40)` drops them.
pub(crate) const LONGEST: usize = 40;

/// Which ASCII bytes are letters or digits: for them `char::is_alphanumeric`, which tantivy's
/// `SimpleTokenizer` splits on, is `is_ascii_alphanumeric`.
const ALPHANUMERIC: [bool; 128] = {
    let mut table = [false; 128];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

thread_local! {
    /// One memo per thread, shared by the title and body analyzers and kept from segment to
    /// segment (tantivy clones the analyzer for each field of each segment): the title's words
    /// are nearly all body words already stemmed. Per thread, so no lock is ever taken.
    static MEMO: Cell<Memo> = const {
        Cell::new(Memo {
            recent: Vec::new(),
            slots: Vec::new(),
            len: 0,
            stems: String::new(),
        })
    };
}

#[derive(Clone)]
pub(crate) struct StemmedWords {
    token: Token,
    stemmer: frostem::Stemmer,
}

impl Default for StemmedWords {
    fn default() -> StemmedWords {
        StemmedWords {
            token: Token::default(),
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        }
    }
}

impl Tokenizer for StemmedWords {
    type TokenStream<'a> = StemmedStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> StemmedStream<'a> {
        let mut memo = MEMO.take();
        if memo.len >= CAPACITY {
            memo = Memo::default();
        }
        self.token.reset();
        StemmedStream {
            text,
            at: 0,
            token: &mut self.token,
            stemmer: &self.stemmer,
            memo,
        }
    }
}

pub(crate) struct StemmedStream<'a> {
    text: &'a str,
    at: usize,
    token: &'a mut Token,
    stemmer: &'a frostem::Stemmer,
    /// The thread's memo, taken for the stream's life and put back when it is dropped.
    memo: Memo,
}

impl Drop for StemmedStream<'_> {
    fn drop(&mut self) {
        // Fails only while the thread is exiting, when the memo is no longer wanted.
        let _ = MEMO.try_with(|memo| memo.set(std::mem::take(&mut self.memo)));
    }
}

/// Where the run of characters at `at` that are letters or digits (`WORD`), or that are not,
/// ends, and whether all of them were ASCII, nearly all of a news text, classed without
/// decoding. The index's analyzer and the snippets' word finder split words alike with it.
#[inline(always)]
pub(crate) fn class_run<const WORD: bool>(text: &str, mut at: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    let mut ascii = true;
    while let Some(&b) = bytes.get(at) {
        if b < 128 {
            if ALPHANUMERIC[b as usize] != WORD {
                break;
            }
            at += 1;
        } else {
            let c = text[at..].chars().next().unwrap_or_default();
            if c.is_alphanumeric() != WORD {
                break;
            }
            ascii = false;
            at += c.len_utf8();
        }
    }
    (at, ascii)
}

impl StemmedStream<'_> {
    fn pass<const WORD: bool>(&mut self) -> bool {
        let ascii;
        (self.at, ascii) = class_run::<WORD>(self.text, self.at);
        ascii
    }

    /// Puts the stem of the word at `start..end` (letters and digits, shorter than
    /// [`LONGEST`]) in the token.
    fn stem(&mut self, start: usize, end: usize, ascii: bool) {
        let word = &self.text[start..end];
        let text = &mut self.token.text;
        let stemmer = self.stemmer;
        let key = if ascii {
            Inline::lowered(self.text.as_bytes(), start..end)
        } else {
            None
        };
        let key = key.or_else(|| {
            lower(word, text);
            Inline::new(text.as_bytes())
        });
        // Too long for the memo: `text` holds the word lower-cased.
        let Some(key) = key else {
            *text = stemmer.stem(text).into_owned();
            return;
        };
        let stem = self.memo.get(key, stemmer);
        text.clear();
        text.push_str(stem);
    }
}

impl TokenStream for StemmedStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            self.pass::<false>();
            let start = self.at;
            if start == self.text.len() {
                return false;
            }
            let ascii = self.pass::<true>();
            // A dropped word keeps its position, as `SimpleTokenizer` numbers words before
            // `RemoveLongFilter` drops any.
            self.token.position = self.token.position.wrapping_add(1);
            if self.at - start < LONGEST {
                self.token.offset_from = start;
                self.token.offset_to = self.at;
                self.stem(start, self.at, ascii);
                return true;
            }
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// `word` lower-cased into `out` as tantivy's `LowerCaser` does: by character, without the
/// final sigma rule of `str::to_lowercase`.
pub(crate) fn lower(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
}

/// A short string stored in place: bytes zero-padded, the length in the last byte. Comparing
/// two is two word comparisons, with no pointer to follow, which is what makes a memo hit
/// cheaper than stemming. Only ever built from the bytes of a `str`, cut at its end.
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

    /// The ASCII word at `word` in `text`, lower-cased. Words are read 16 bytes at a time
    /// wherever the text goes on that far, and lower-cased a byte per lane, instead of copied
    /// and lower-cased a byte at a time.
    fn lowered(text: &[u8], word: std::ops::Range<usize>) -> Option<Inline> {
        let len = word.len();
        if len == 0 || len > INLINE {
            return None;
        }
        let mut bytes = [0u8; INLINE + 1];
        match text.get(word.start..word.start + INLINE + 1) {
            Some(window) => bytes.copy_from_slice(window),
            None => bytes[..len].copy_from_slice(&text[word]),
        }
        let lanes = |b: u8| u128::from_le_bytes([b; INLINE + 1]);
        let x = u128::from_le_bytes(bytes) & ((1u128 << (8 * len)) - 1);
        // Every byte is under 0x80, so no lane carries into the next: a lane's high bit is set
        // when its byte is at least `A`, and again when it is past `Z`.
        let from_a = x + lanes(0x80 - b'A');
        let past_z = x + lanes(0x80 - b'Z' - 1);
        let capitals = from_a & !past_z & lanes(0x80);
        let mut bytes = (x | (capitals >> 2)).to_le_bytes();
        bytes[INLINE] = len as u8;
        Some(Inline(bytes))
    }

    fn is_empty(&self) -> bool {
        self.0[INLINE] == 0
    }

    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0[..self.0[INLINE] as usize]).unwrap_or_default()
    }

    fn hash(&self) -> u64 {
        let word = |k: usize| u64::from_le_bytes(self.0[k * 8..k * 8 + 8].try_into().unwrap());
        let h = spread(word(0) ^ word(1).rotate_left(29));
        // The multiply carries every byte into the top bits only; the slot is read from the low
        // ones, so the top twelve are folded into them too (else `exported` and `exporter`,
        // which differ in the eighth byte, would always share a slot).
        h ^ (h >> 31) ^ (h >> 52)
    }
}

/// A word and where its stem is in [`Memo::stems`]: a hit slices the stem out of a `String`
/// instead of checking inline bytes for UTF-8 once more.
#[derive(Clone, Copy, Default)]
struct Slot {
    key: Inline,
    start: u32,
    end: u32,
}

/// Word → stem, open addressing with linear probing over inline slots, at most half full.
/// Its tables are made when the first word is stemmed, so a thread that never stems (a
/// search's, say, before its first query) allocates nothing.
#[derive(Default)]
struct Memo {
    /// Direct-mapped cache of words met recently, small enough to stay in the core's cache
    /// while the postings table streams through it, so frequent words skip the large table.
    recent: Vec<Slot>,
    slots: Vec<Slot>,
    len: usize,
    /// The stems, one after another, each stored once.
    stems: String,
}

/// 2^10 recent words take 24 KB, which fits a core's L1 data cache.
const RECENT_BITS: u32 = 10;

impl Memo {
    /// The stem of `key`, computed by `stemmer` on the word's first occurrence.
    fn get(&mut self, key: Inline, stemmer: &frostem::Stemmer) -> &str {
        if self.slots.is_empty() {
            self.recent = vec![Slot::default(); 1 << RECENT_BITS];
            self.slots = vec![Slot::default(); 1 << 12];
        }
        let hash = key.hash();
        let recent = (hash >> (64 - RECENT_BITS)) as usize;
        let slot = if self.recent[recent].key == key {
            self.recent[recent]
        } else {
            let at = self.find(&key, hash);
            let slot = if self.slots[at].key == key {
                self.slots[at]
            } else {
                let start = self.stems.len() as u32;
                self.stems.push_str(&stemmer.stem(key.as_str()));
                let slot = Slot {
                    key,
                    start,
                    end: self.stems.len() as u32,
                };
                self.insert(at, slot);
                slot
            };
            self.recent[recent] = slot;
            slot
        };
        &self.stems[slot.start as usize..slot.end as usize]
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
    use tantivy::tokenizer::{TextAnalyzer, TokenizerManager};

    type Tokens = Vec<(String, usize, usize, usize)>;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Tokens {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while let Some(t) = stream.next() {
            assert_eq!(t.position_length, 1);
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    fn stemmed_words() -> TextAnalyzer {
        TextAnalyzer::from(StemmedWords::default())
    }

    #[test]
    fn same_tokens_as_tantivys_en_stem_twice_over() {
        let mut reference = TokenizerManager::default().get("en_stem").unwrap();
        let mut cached = stemmed_words();
        let long = "x".repeat(LONGEST - 1);
        let text = format!(
            "Running runners ran; the exports exported EXPORTING generously, \
             nationalisation and a verylongwordthatexceedsthefortycharacterlimitforsure \
             INTERNATIONALISATIONS Économie: les PRIX du café, 1987's İstanbul ΣΟΦΟΣ ὈΔΥΣΣΕΎΣ \
             naïve—coöp <b>bold</b>&amp; x{long} {long} ẞtraße ǅemal 3½ ١٢٣ 東京 \
             e\u{301}t\u{e9} ÀÉÎÕÜ\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} end"
        );
        let expected = tokens(&mut reference, &text);
        assert!(expected.iter().any(|(t, ..)| t == "export"));
        assert!(expected.iter().any(|(t, ..)| t == "internationalis"));
        // The words of 40 bytes are dropped but counted: positions jump over them.
        assert!(expected.windows(2).any(|w| w[1].1 == w[0].1 + 2));
        assert_eq!(tokens(&mut cached, &text), expected);
        // The second pass is served from the memo and must not differ.
        assert_eq!(tokens(&mut cached, &text), expected);
    }

    #[test]
    fn a_key_is_its_word_lower_cased_wherever_the_text_ends() {
        let letters: String = (b'0'..=b'z')
            .filter(u8::is_ascii_alphanumeric)
            .map(char::from)
            .collect();
        for text in [letters.clone(), format!("{letters}\u{e9}\u{e9}\u{e9}")] {
            for start in 0..letters.len() {
                for end in start + 1..(start + INLINE).min(letters.len()) + 1 {
                    let expected = letters[start..end].to_ascii_lowercase();
                    let key = Inline::lowered(text.as_bytes(), start..end).unwrap();
                    assert_eq!(key.as_str(), expected);
                    assert!(key == Inline::new(expected.as_bytes()).unwrap());
                }
            }
        }
        assert!(Inline::lowered(letters.as_bytes(), 0..INLINE + 1).is_none());
    }

    #[test]
    fn same_tokens_as_tantivys_en_stem_on_random_text() {
        let mut reference = TokenizerManager::default().get("en_stem").unwrap();
        let mut cached = stemmed_words();
        let pieces = [
            "a", "E", "ing", "ED", "s", "ation", "ly", "1", "9", " ", " ", " ", ",", "'", "-", "é",
            "É", "ß", "İ", "Σ", "ς", "ǅ", "½", "٣", "東", "\u{301}", "\u{2014}", "\n",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..200 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            assert_eq!(
                tokens(&mut cached, &text),
                tokens(&mut reference, &text),
                "{text}"
            );
        }
    }

    #[test]
    fn the_memo_grows_and_starts_over_without_changing_a_stem() {
        let mut reference = TokenizerManager::default().get("en_stem").unwrap();
        let mut cached = stemmed_words();
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

    #[test]
    fn words_differing_only_in_their_last_bytes_spread_over_the_slots() {
        // 1,296 words `abcdef??`: the slot of the smallest table must see their last bytes.
        let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let mut slots = std::collections::HashSet::new();
        for &x in alphabet {
            for &y in alphabet {
                let word = [b'a', b'b', b'c', b'd', b'e', b'f', x, y];
                let key = Inline::new(&word).unwrap();
                slots.insert(key.hash() as usize & ((1 << 12) - 1));
            }
        }
        assert!(slots.len() > 900, "{} slots", slots.len());
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
