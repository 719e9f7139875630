//! Articles whose front matter is assembled from the keys gazette reads (`title`, `date`,
//! `published`) and others, with arbitrary values: parsing and extraction never panic, spans
//! stay inside the file, and a publication date is a real calendar day written in ISO 8601.
#![no_main]

use gazette::article::Article;
use gazette::extract;
use libfuzzer_sys::fuzz_target;

const KEYS: &[&str] = &[
    "title",
    "date",
    "published",
    "source",
    "url",
    "",
    "---",
    "date ",
];

fuzz_target!(|bytes: &[u8]| {
    let mut file = b"---\n".to_vec();
    let mut parts = bytes.split(|&b| b == b'\n');
    let body = parts.next().unwrap_or_default();
    for value in parts.take(8) {
        let (&k, value) = value.split_first().unwrap_or((&0, &[]));
        file.extend_from_slice(KEYS[k as usize % KEYS.len()].as_bytes());
        file.extend_from_slice(b": ");
        file.extend_from_slice(value);
        file.push(b'\n');
    }
    file.extend_from_slice(b"---\n");
    file.extend_from_slice(body);
    let article = Article::parse(&file);
    assert!(!article.title.contains('\n'));
    let found = extract::extract(&article, "fuzz.txt");
    if let Some(day) = found.published {
        let text = day.to_string();
        assert!(
            text.len() == 10 && (1..=9999).contains(&day.year()),
            "{text}"
        );
    }
    let spans = (found.people.iter().flat_map(|p| &p.mentions))
        .chain(found.places.iter().flat_map(|p| &p.mentions))
        .map(|m| (m.start, m.end))
        .chain(found.dates.iter().map(|d| (d.start, d.end)));
    for (start, end) in spans {
        assert!(
            start < end && end <= file.len(),
            "span {start}..{end} of {}",
            file.len()
        );
    }
    for date in &found.dates {
        assert!(
            date.value.split('-').next().is_some_and(|y| y.len() == 4),
            "{}",
            date.value
        );
    }
});
