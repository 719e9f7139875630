//! Any bytes as an article file: decoding, front matter, title/body and every extractor must
//! neither panic nor produce offsets outside the file or off character boundaries.
#![no_main]

use gazette::article::Article;
use gazette::extract;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let article = Article::parse(bytes);
    let found = extract::extract(&article, "2023/09/13/fuzz.txt");
    let spans = found
        .people
        .iter()
        .flat_map(|p| &p.mentions)
        .chain(found.places.iter().flat_map(|p| &p.mentions))
        .map(|m| (m.start, m.end))
        .chain(found.dates.iter().map(|d| (d.start, d.end)));
    for (start, end) in spans {
        assert!(
            start < end && end <= bytes.len(),
            "span {start}..{end} of {}",
            bytes.len()
        );
    }
    if article.replaced == 0 {
        let text = std::str::from_utf8(bytes).unwrap();
        for d in &found.dates {
            assert_eq!(&text[d.start..d.end], d.text);
        }
    }
});
