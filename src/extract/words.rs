//! Word lists, and the word helpers, that more than one part of gazette (and `gazette-train`)
//! reads, kept here so each is written once.

/// Courtesy titles, without their dot. They stand before a name but are no part of it, and
/// their dot is no sentence end (`Mr. Blair`).
pub(crate) const COURTESY_TITLES: &[&str] = &["mr", "mrs", "ms", "dr"];

/// Whether `word` is a courtesy title, with or without its dot, in any case.
pub(crate) fn is_courtesy_title(word: &str) -> bool {
    let bare = word.strip_suffix('.').unwrap_or(word);
    COURTESY_TITLES.iter().any(|t| bare.eq_ignore_ascii_case(t))
}

/// Compass and region words, lower case. In news they place something relative to a country
/// named elsewhere (`the North`, `the region`, `the capital`, `the coast`), so on their own
/// they name no place: neither for the tagger's spans nor as gazetteer entries.
pub const RELATIVE_PLACE_WORDS: &[&str] = &[
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "region",
    "province", "capital", "coast",
];

/// Common nouns for kinds of place (`the Peninsula`, `the mainland`, `the Gulf`), lower case,
/// which the tagger sometimes takes for a place on their own. Like `RELATIVE_PLACE_WORDS`, they
/// name no place without more context: an unknown place that is just one of these words is
/// dropped, and a gazetteer name made only of them (Papua New Guinea's `Gulf` province,
/// Iceland's `Island`) is left out; `North Korea` and `Gulf of Mexico` are untouched.
pub const GENERIC_PLACE_NOUNS: &[&str] = &[
    "peninsula",
    "state",
    "city",
    "island",
    "islands",
    "border",
    "mainland",
    "republic",
    "kingdom",
    "continent",
    "gulf",
    "valley",
];

/// `text.to_lowercase()` written over `out`, whose memory is reused from one name to the next:
/// ASCII text, nearly all of it, needs no Unicode case mapping.
pub(crate) fn to_lowercase_into(text: &str, out: &mut String) {
    if text.is_ascii() {
        out.clear();
        out.push_str(text);
        out.make_ascii_lowercase();
    } else {
        *out = text.to_lowercase();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn courtesy_titles_with_and_without_dot() {
        for word in ["Mr", "mr.", "MRS.", "Ms", "Dr."] {
            assert!(is_courtesy_title(word), "{word}");
        }
        for word in ["Mr..", "M", ".", "", "Drs", "Messrs"] {
            assert!(!is_courtesy_title(word), "{word}");
        }
    }

    #[test]
    fn names_fold_as_to_lowercase_has_them() {
        let mut lower = String::from("left over");
        for name in ["NEW YORK", "São Paulo", "ΟΔΥΣΣΕΑΣ", "already lower", ""] {
            to_lowercase_into(name, &mut lower);
            assert_eq!(lower, name.to_lowercase());
        }
    }
}
