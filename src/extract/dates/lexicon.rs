//! The scanner's vocabulary: trigger words and the word lists its rules consult, all lower case
//! and matched without regard to case.

use jiff::civil::Weekday;

/// What a trigger word is; a month carries its number and whether this spelling abbreviates it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kw {
    Month(i8, bool),
    Weekday(Weekday),
    Yesterday,
    Today,
    Tomorrow,
    Tonight,
    Last,
    This,
    Next,
    Past,
    Ago,
    Earlier,
    Nineteen,
    Year,
    Thanksgiving,
    Christmas,
    Election,
}

/// Trigger words besides the weekday names (which come from `WEEKDAYS`). Everything else the
/// scanner steps over.
const TRIGGERS: &[(&str, Kw)] = &[
    ("january", Kw::Month(1, false)),
    ("jan", Kw::Month(1, true)),
    ("february", Kw::Month(2, false)),
    ("feb", Kw::Month(2, true)),
    ("march", Kw::Month(3, false)),
    ("mar", Kw::Month(3, true)),
    ("april", Kw::Month(4, false)),
    ("apr", Kw::Month(4, true)),
    ("may", Kw::Month(5, false)),
    ("june", Kw::Month(6, false)),
    ("jun", Kw::Month(6, true)),
    ("july", Kw::Month(7, false)),
    ("jul", Kw::Month(7, true)),
    ("august", Kw::Month(8, false)),
    ("aug", Kw::Month(8, true)),
    ("september", Kw::Month(9, false)),
    ("sept", Kw::Month(9, true)),
    ("sep", Kw::Month(9, true)),
    ("october", Kw::Month(10, false)),
    ("oct", Kw::Month(10, true)),
    ("november", Kw::Month(11, false)),
    ("nov", Kw::Month(11, true)),
    ("december", Kw::Month(12, false)),
    ("dec", Kw::Month(12, true)),
    ("yesterday", Kw::Yesterday),
    ("today", Kw::Today),
    ("tomorrow", Kw::Tomorrow),
    ("tonight", Kw::Tonight),
    ("last", Kw::Last),
    ("this", Kw::This),
    ("next", Kw::Next),
    ("past", Kw::Past),
    ("ago", Kw::Ago),
    ("earlier", Kw::Earlier),
    ("nineteen", Kw::Nineteen),
    ("year", Kw::Year),
    ("thanksgiving", Kw::Thanksgiving),
    ("christmas", Kw::Christmas),
    ("election", Kw::Election),
];

/// Weekday spellings, each with whether it is an abbreviation. In running text the scanner only
/// trusts the full names; a dateline or a front-matter value (`Wed, 13 Sep 2023`) may use the
/// short forms.
const WEEKDAYS: [(&str, Weekday, bool); 18] = [
    ("monday", Weekday::Monday, false),
    ("tuesday", Weekday::Tuesday, false),
    ("wednesday", Weekday::Wednesday, false),
    ("thursday", Weekday::Thursday, false),
    ("friday", Weekday::Friday, false),
    ("saturday", Weekday::Saturday, false),
    ("sunday", Weekday::Sunday, false),
    ("mon", Weekday::Monday, true),
    ("tue", Weekday::Tuesday, true),
    ("tues", Weekday::Tuesday, true),
    ("wed", Weekday::Wednesday, true),
    ("weds", Weekday::Wednesday, true),
    ("thu", Weekday::Thursday, true),
    ("thur", Weekday::Thursday, true),
    ("thurs", Weekday::Thursday, true),
    ("fri", Weekday::Friday, true),
    ("sat", Weekday::Saturday, true),
    ("sun", Weekday::Sunday, true),
];

const MAX_TRIGGER: usize = 12;

/// For each word length and initial letter, a bit per final letter that some trigger has:
/// one lookup rejects almost every other word before any comparison.
/// Column 26, for a word starting with anything but a letter, stays empty.
const SHAPES: [[u32; 27]; MAX_TRIGGER + 1] = {
    const fn add(t: &mut [[u32; 27]; MAX_TRIGGER + 1], w: &[u8]) {
        t[w.len()][(w[0] - b'a') as usize] |= 1 << (w[w.len() - 1] - b'a');
    }
    let mut t = [[0u32; 27]; MAX_TRIGGER + 1];
    let mut i = 0;
    while i < TRIGGERS.len() {
        add(&mut t, TRIGGERS[i].0.as_bytes());
        i += 1;
    }
    let mut i = 0;
    while i < WEEKDAYS.len() {
        if !WEEKDAYS[i].2 {
            add(&mut t, WEEKDAYS[i].0.as_bytes());
        }
        i += 1;
    }
    t
};

/// Per byte, the index in the alphabet of the letter it is in either case, or 26: the shape
/// test runs on every word of every article, and a table spares it the case folding.
const LETTER: [u8; 256] = {
    let mut t = [26u8; 256];
    let mut c = 0;
    while c < 26 {
        t[b'a' as usize + c] = c as u8;
        t[b'A' as usize + c] = c as u8;
        c += 1;
    }
    t
};

/// The trigger `w` is, if any.
pub(super) fn classify(w: &[u8]) -> Option<Kw> {
    let (&first, &last) = (w.first()?, w.last()?);
    let finals = SHAPES.get(w.len())?[usize::from(LETTER[usize::from(first)])];
    // A non-letter's index, 26, is a bit no trigger sets.
    if finals & (1 << LETTER[usize::from(last)]) == 0 {
        return None;
    }
    TRIGGERS
        .iter()
        .find(|(t, _)| t.len() == w.len() && w.eq_ignore_ascii_case(t.as_bytes()))
        .map(|&(_, kw)| kw)
        .or_else(|| weekday_named(w, false).map(Kw::Weekday))
}

/// The weekday `w` names in full, or also as an abbreviation (`Tues`) with `abbreviated`.
pub(crate) fn weekday_named(w: &[u8], abbreviated: bool) -> Option<Weekday> {
    WEEKDAYS
        .iter()
        .find(|&&(name, _, abbrev)| {
            (abbreviated || !abbrev) && w.eq_ignore_ascii_case(name.as_bytes())
        })
        .map(|&(_, wd, _)| wd)
}

pub(super) fn is_one_of(w: &[u8], list: &[&str]) -> bool {
    list.iter().any(|x| w.eq_ignore_ascii_case(x.as_bytes()))
}

/// `this`/`last`/`next` as a year offset.
pub(super) fn match_rel(w: &[u8]) -> Option<i16> {
    if w.eq_ignore_ascii_case(b"this") {
        Some(0)
    } else if w.eq_ignore_ascii_case(b"last") {
        Some(-1)
    } else if w.eq_ignore_ascii_case(b"next") {
        Some(1)
    } else {
        None
    }
}

/// Number words that can quantify `... ago`, by value; the article `a` counts as one.
pub(super) const SMALL_NUMBERS: [&str; 13] = [
    "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

/// The tens of a spelled-out year (`nineteen ninety`), from twenty.
pub(super) const TENS: [&str; 8] = [
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// The units of a spelled-out year (`nineteen ninety-six`), from one.
pub(super) const UNITS: [&str; 9] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// What may follow a day number: `13th`, `1st`.
pub(super) const ORDINAL_SUFFIXES: &[&str] = &["st", "nd", "rd", "th"];

/// Parts of a day that may follow a weekday and belong to the mention (`Friday morning`).
pub(super) const DAY_PARTS: &[&str] = &["morning", "afternoon", "evening", "night", "noon"];

/// Prefixes hyphenated to a year that keep it a year (`mid-2024`).
pub(super) const YEAR_PREFIXES: &[&str] = &["mid", "pre", "post", "early", "late"];

/// Words after a four-digit number that make it a quantity, a clock time or a unit.
pub(super) const QUANTITY_NEXT: &[&str] = &[
    "people",
    "persons",
    "men",
    "women",
    "children",
    "troops",
    "soldiers",
    "police",
    "officers",
    "workers",
    "employees",
    "jobs",
    "students",
    "residents",
    "refugees",
    "votes",
    "seats",
    "delegates",
    "km",
    "kms",
    "kilometers",
    "kilometres",
    "miles",
    "mile",
    "meters",
    "metres",
    "feet",
    "ft",
    "yards",
    "acres",
    "hectares",
    "tons",
    "tonnes",
    "barrels",
    "bpd",
    "points",
    "pts",
    "shares",
    "units",
    "cars",
    "vehicles",
    "homes",
    "houses",
    "hours",
    "hrs",
    "gmt",
    "utc",
    "est",
    "edt",
    "cst",
    "cdt",
    "pst",
    "pdt",
    "bst",
    "cet",
    "local",
    "mw",
    "kw",
    "mph",
    "kph",
    "degrees",
    "pounds",
    "lbs",
    "kg",
    "kilos",
    "dollars",
    "euros",
    "yen",
    "rupees",
    "francs",
    "marks",
    "yuan",
    "cents",
    "pesos",
    "percent",
    "pct",
    "times",
    "rpm",
    "hp",
    "cc",
    "words",
    "pages",
    "calories",
    "mln",
    "million",
    "billion",
];

/// Words before a four-digit number that make it a label, not a year.
pub(super) const LABEL_PREV: &[&str] = &[
    "no",
    "nos",
    "number",
    "page",
    "pages",
    "p",
    "pp",
    "flight",
    "route",
    "room",
    "suite",
    "section",
    "article",
    "chapter",
    "vol",
    "volume",
    "highway",
    "interstate",
    "rule",
    "resolution",
    "code",
    "channel",
    "gate",
    "box",
    "item",
    "model",
    "version",
    "tel",
    "fax",
    "unit",
    "platform",
    "bus",
    "paragraph",
    "exit",
    "apartment",
    "at",
    "about",
    "some",
    "nearly",
    "almost",
    "approximately",
    "over",
    "than",
];

/// Prepositions that make even an unusual number a year (`since 1066`).
pub(super) const YEAR_PREV: &[&str] = &[
    "in", "since", "by", "until", "till", "from", "of", "before", "after", "during", "through",
    "circa", "year", "early", "late", "mid", "fiscal", "around", "spring", "summer", "autumn",
    "fall", "winter",
];

/// Modifiers that may precede a month name and belong to the mention.
pub(super) const MONTH_PREV: &[&str] = &["early", "late", "mid", "last", "next", "this"];

/// Words after which a bare `May` or `March` is a month rather than a verb or a noun.
pub(super) const MONTH_CONTEXT_PREV: &[&str] = &[
    "in", "since", "until", "till", "by", "from", "through", "to", "during", "before", "after",
    "of", "early", "late", "mid", "last", "next", "this", "between", "and", "or",
];

/// Words that put a year-less date ahead of the report.
pub(super) const FUTURE_CUES: &[&str] = &[
    "will",
    "ll",
    "shall",
    "scheduled",
    "expected",
    "expects",
    "planned",
    "planning",
    "due",
    "soon",
    "upcoming",
    "next",
    "tomorrow",
];

/// Past-tense words that put a year-less date behind the report (besides regular `-ed` verbs).
pub(super) const PAST_CUES: &[&str] = &[
    "was",
    "were",
    "had",
    "did",
    "said",
    "ago",
    "last",
    "yesterday",
    "took",
    "made",
    "came",
    "went",
    "brought",
    "got",
    "gave",
    "found",
    "told",
    "began",
    "left",
    "met",
    "saw",
    "won",
    "lost",
    "became",
    "fell",
    "rose",
    "paid",
    "sold",
    "bought",
    "held",
    "struck",
    "shot",
    "hit",
    "ran",
    "led",
    "fled",
    "sent",
    "spent",
    "wrote",
    "spoke",
    "broke",
    "chose",
    "drove",
    "flew",
    "grew",
    "knew",
    "thought",
    "felt",
    "kept",
    "heard",
];

/// Present-tense verbs and modals: the clause is about now or a hypothetical, so the nearest
/// occurrence is the best guess.
pub(super) const PRESENT_CUES: &[&str] = &[
    "is", "are", "has", "have", "says", "say", "would", "could", "might", "may", "can", "must",
    "should",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_classifies_in_any_case() {
        let weekdays = WEEKDAYS
            .iter()
            .filter(|(_, _, abbrev)| !abbrev)
            .map(|&(name, wd, _)| (name, Kw::Weekday(wd)));
        for (word, kw) in TRIGGERS.iter().copied().chain(weekdays) {
            assert_eq!(classify(word.as_bytes()), Some(kw));
            assert_eq!(classify(word.to_uppercase().as_bytes()), Some(kw));
        }
        assert_eq!(classify(b"said"), None);
        assert_eq!(classify(b"mayor"), None);
        // Ends that are not letters never pass the shape test (`[` and `{` sit beside `Z`/`z`).
        for w in [
            &b"ma1"[..],
            b"1ay",
            b"ma[",
            b"ma{",
            b"@ay",
            b"`ay",
            b"Ma\xc3",
        ] {
            assert_eq!(classify(w), None, "{w:?}");
        }
    }

    #[test]
    fn weekday_abbreviations_only_when_asked() {
        assert_eq!(weekday_named(b"Tues", true), Some(Weekday::Tuesday));
        assert_eq!(weekday_named(b"WEDS", true), Some(Weekday::Wednesday));
        assert_eq!(weekday_named(b"Tues", false), None);
        assert_eq!(weekday_named(b"Sunday", false), Some(Weekday::Sunday));
        assert_eq!(classify(b"Sun"), None);
        assert_eq!(weekday_named(b"Tuesd", true), None);
    }
}
