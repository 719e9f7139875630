//! English stemming with a memo: the same stems as tantivy's `en_stem` analyzer, computed once
//! per distinct word instead of once per occurrence. News vocabulary is Zipfian, so nearly
//! every token is a cache hit, and the Snowball algorithm stops dominating indexing time.

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Distinct words remembered before the memo starts over; bounds memory on odd corpora.
const CAPACITY: usize = 200_000;

#[derive(Clone)]
pub struct CachedStemmer;

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter {
            inner,
            stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
            memo: FxHashMap::default(),
        }
    }
}

/// Each clone (tantivy keeps one per indexing thread and field) has its own memo, so no lock
/// is ever taken.
#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stemmer: frostem::Stemmer,
    memo: FxHashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        if self.memo.len() >= CAPACITY {
            self.memo.clear();
        }
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: &self.stemmer,
            memo: &mut self.memo,
        }
    }
}

pub struct CachedStemmerStream<'a, T> {
    tail: T,
    stemmer: &'a frostem::Stemmer,
    memo: &'a mut FxHashMap<String, String>,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        let stem = match self.memo.get(token.text.as_str()) {
            Some(stem) => stem,
            None => {
                let stem = self.stemmer.stem(&token.text).into_owned();
                self.memo.entry(token.text.clone()).or_insert(stem)
            }
        };
        token.text.clear();
        token.text.push_str(stem);
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
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
}
