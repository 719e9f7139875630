//! Date mentions in article text: absolute, partial and anchor-relative dates, normalised to ISO 8601.
//!
//! The scanner walks the text once, word by word. Only a handful of trigger words (month and
//! weekday names, `yesterday`, `last`, `ago`, ...) and digit runs do any work; everything else
//! is rejected by one table lookup on its length and first and last letters, which keeps the
//! pass cheap enough to run on every article.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::DateMention;

/// Every date mention in `text`, in text order. `anchor` (usually the publication date) resolves
/// relative and year-less mentions; without it those are skipped rather than guessed.
pub fn find_dates(text: &str, anchor: Option<Date>) -> Vec<DateMention> {
    let mut scanner = Scanner {
        text,
        b: text.as_bytes(),
        anchor,
        out: Vec::new(),
    };
    scanner.run();
    let mut out = scanner.out;
    // Look-behind rules (`two days ago`) can emit a mention that starts before an earlier one.
    out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut last_end = 0;
    out.retain(|m| {
        let keep = m.start >= last_end;
        if keep {
            last_end = m.end;
        }
        keep
    });
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Value {
    Day(Date),
    Month(i16, i8),
    Year(i16),
}

impl Value {
    fn iso(self) -> String {
        match self {
            Value::Day(d) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
            Value::Month(y, m) => format!("{y:04}-{m:02}"),
            Value::Year(y) => format!("{y:04}"),
        }
    }

    /// Month arithmetic on a running month count, so `last month` in January lands in December.
    fn month_from_index(idx: i32) -> Option<Value> {
        let y = i16::try_from(idx.div_euclid(12)).ok()?;
        let m = i8::try_from(idx.rem_euclid(12) + 1).ok()?;
        Some(Value::Month(y, m))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kw {
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

/// Trigger words, lower case. Everything else the scanner steps over.
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
    ("monday", Kw::Weekday(Weekday::Monday)),
    ("tuesday", Kw::Weekday(Weekday::Tuesday)),
    ("wednesday", Kw::Weekday(Weekday::Wednesday)),
    ("thursday", Kw::Weekday(Weekday::Thursday)),
    ("friday", Kw::Weekday(Weekday::Friday)),
    ("saturday", Kw::Weekday(Weekday::Saturday)),
    ("sunday", Kw::Weekday(Weekday::Sunday)),
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

const MAX_TRIGGER: usize = 12;

/// For each word length and initial letter, a bit per final letter that some trigger has:
/// one lookup rejects almost every other word before any comparison.
const SHAPES: [[u32; 26]; MAX_TRIGGER + 1] = {
    let mut t = [[0u32; 26]; MAX_TRIGGER + 1];
    let mut i = 0;
    while i < TRIGGERS.len() {
        let w = TRIGGERS[i].0.as_bytes();
        t[w.len()][(w[0] - b'a') as usize] |= 1 << (w[w.len() - 1] - b'a');
        i += 1;
    }
    t
};

fn classify(w: &[u8]) -> Option<Kw> {
    let (first, last) = (w.first()?, w.last()?);
    let finals = SHAPES.get(w.len())?[usize::from(first.to_ascii_lowercase() - b'a')];
    if finals & (1 << (last.to_ascii_lowercase() - b'a')) == 0 {
        return None;
    }
    TRIGGERS
        .iter()
        .find(|(t, _)| t.len() == w.len() && w.eq_ignore_ascii_case(t.as_bytes()))
        .map(|&(_, kw)| kw)
}

fn is_one_of(w: &[u8], list: &[&str]) -> bool {
    list.iter().any(|x| w.eq_ignore_ascii_case(x.as_bytes()))
}

fn word_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| !c.is_ascii_alphabetic())
        .map_or(b.len(), |p| i + p)
}

fn digits_end(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(b.len(), |p| i + p)
}

fn word_len_before(b: &[u8], i: usize) -> usize {
    b[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count()
}

fn parse_num(d: &[u8]) -> u32 {
    d.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'))
}

fn is_capitalised(w: &[u8]) -> bool {
    w.first().is_some_and(u8::is_ascii_uppercase)
}

/// Number words that can quantify `... ago`; articles count as one.
fn small_number(w: &[u8]) -> Option<i64> {
    const WORDS: [&str; 13] = [
        "a", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    if w.eq_ignore_ascii_case(b"an") {
        return Some(1);
    }
    if w.first().is_some_and(u8::is_ascii_digit) {
        return (w.len() <= 3).then(|| i64::from(parse_num(w)));
    }
    let i = WORDS
        .iter()
        .position(|x| w.eq_ignore_ascii_case(x.as_bytes()))?;
    Some(i.max(1) as i64)
}

fn add_days(d: Date, n: i64) -> Option<Date> {
    d.checked_add(n.days()).ok()
}

fn days_between(a: Date, b: Date) -> i64 {
    a.duration_since(b).as_secs() / 86_400
}

fn month_index(d: Date) -> i32 {
    i32::from(d.year()) * 12 + i32::from(d.month()) - 1
}

/// A year-less month/day: the latest occurrence on or before the anchor when the clause is in
/// the past tense, the first on or after it when it speaks of the future, else the nearest.
/// `tense` is only worked out when the answer depends on it (not for a dateline's own day).
fn resolve_day(anchor: Date, month: i8, day: i8, tense: impl FnOnce() -> Tense) -> Option<Date> {
    let y = anchor.year();
    let candidates = [y - 1, y, y + 1]
        .into_iter()
        .filter_map(|y| Date::new(y, month, day).ok());
    if anchor.month() == month && anchor.day() == day {
        return Some(anchor);
    }
    pick(candidates, anchor, tense())
}

/// The candidate date the tense points to: behind the anchor, ahead of it, or nearest.
fn pick(candidates: impl Iterator<Item = Date>, anchor: Date, tense: Tense) -> Option<Date> {
    match tense {
        Tense::Future => candidates.filter(|d| *d >= anchor).min(),
        Tense::Past => candidates.filter(|d| *d <= anchor).max(),
        Tense::Unknown => candidates.min_by_key(|d| days_between(*d, anchor).abs()),
    }
}

/// A year-less month, chosen like `resolve_day`; the anchor's own month counts either way.
fn resolve_month(anchor: Date, month: i8, tense: Tense) -> Option<Value> {
    let a = month_index(anchor);
    let this = i32::from(anchor.year()) * 12 + i32::from(month) - 1;
    let idx = match tense {
        Tense::Future if this < a => this + 12,
        Tense::Past if this > a => this - 12,
        Tense::Unknown => [this - 12, this, this + 12]
            .into_iter()
            .min_by_key(|m| (m - a).abs())
            .unwrap_or(this),
        _ => this,
    };
    Value::month_from_index(idx)
}

/// Words after a four-digit number that make it a quantity, a clock time or a unit.
const QUANTITY_NEXT: &[&str] = &[
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
const LABEL_PREV: &[&str] = &[
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
const YEAR_PREV: &[&str] = &[
    "in", "since", "by", "until", "till", "from", "of", "before", "after", "during", "through",
    "circa", "year", "early", "late", "mid", "fiscal", "around", "spring", "summer", "autumn",
    "fall", "winter",
];

/// Modifiers that may precede a month name and belong to the mention.
const MONTH_PREV: &[&str] = &["early", "late", "mid", "last", "next", "this"];

/// Words after which a bare `May` or `March` is a month rather than a verb or a noun.
const MONTH_CONTEXT_PREV: &[&str] = &[
    "in", "since", "until", "till", "by", "from", "through", "to", "during", "before", "after",
    "of", "early", "late", "mid", "last", "next", "this", "between", "and", "or",
];

/// Words that put a year-less date ahead of the report.
const FUTURE_CUES: &[&str] = &[
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
const PAST_CUES: &[&str] = &[
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
const PRESENT_CUES: &[&str] = &[
    "is", "are", "has", "have", "says", "say", "would", "could", "might", "may", "can", "must",
    "should",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tense {
    Past,
    Future,
    Unknown,
}

/// The tense word `w` signals at `distance` words from the date, given its neighbours
/// (`set to`, `to be paid`); `Some(Unknown)` for a present-tense verb, which ends the search.
/// `ed_reach` is how many words away a regular `-ed` form still counts: they are often
/// adjectives (`preferred shares`), so only trust them close to the date.
fn cue(w: &[u8], before: &[u8], after: &[u8], distance: usize, ed_reach: usize) -> Option<Tense> {
    if is_one_of(w, FUTURE_CUES)
        || (w.eq_ignore_ascii_case(b"early") && after.eq_ignore_ascii_case(b"as"))
        || (after.eq_ignore_ascii_case(b"to")
            && is_one_of(w, &["set", "is", "are", "plan", "plans"]))
    {
        return Some(Tense::Future);
    }
    if is_one_of(w, PRESENT_CUES) {
        return Some(Tense::Unknown);
    }
    if is_one_of(before, &["be", "been", "being", "is", "are", "to"]) {
        return None;
    }
    let regular = distance <= ed_reach && w.len() > 4 && w.ends_with(b"ed");
    (regular || is_one_of(w, PAST_CUES)).then_some(Tense::Past)
}

struct Scanner<'a> {
    text: &'a str,
    b: &'a [u8],
    anchor: Option<Date>,
    out: Vec<DateMention>,
}

/// What follows a month name.
enum MonthTail {
    Full(Date),
    /// `February 30, 2023`: date-shaped but no date, so none of it is reported.
    Invalid,
    NoYear(i8),
    WithYear(i16),
}

impl Scanner<'_> {
    fn run(&mut self) {
        let b = self.b;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_alphabetic() {
                let e = word_end(b, i);
                let next = classify(&b[i..e]).and_then(|kw| self.on_word(kw, i, e));
                i = next.unwrap_or(e).max(e);
            } else if c.is_ascii_digit() {
                let e = digits_end(b, i);
                i = self.on_number(i, e).unwrap_or(e).max(e);
            } else {
                i += 1;
            }
        }
    }

    fn push(&mut self, start: usize, end: usize, value: Value) -> usize {
        self.out.push(DateMention {
            text: self.text[start..end].to_string(),
            value: value.iso(),
            start,
            end,
        });
        end
    }

    /// Skips blanks and at most one line break: dates wrap across lines, not paragraphs.
    fn skip_space(&self, mut i: usize) -> usize {
        let b = self.b;
        let mut newline = false;
        while i < b.len() {
            match b[i] {
                b' ' | b'\t' | b'\r' => i += 1,
                b'\n' if !newline => {
                    newline = true;
                    i += 1;
                }
                0xC2 if b.get(i + 1) == Some(&0xA0) => i += 2,
                _ => break,
            }
        }
        i
    }

    fn skip_space_back(&self, mut i: usize) -> usize {
        let b = self.b;
        let mut newline = false;
        while i > 0 {
            match b[i - 1] {
                b' ' | b'\t' | b'\r' => i -= 1,
                b'\n' if !newline => {
                    newline = true;
                    i -= 1;
                }
                0xA0 if i >= 2 && b[i - 2] == 0xC2 => i -= 2,
                _ => break,
            }
        }
        i
    }

    /// The word after `i` (past blanks), as `(start, end)`.
    fn next_word(&self, i: usize) -> Option<(usize, usize)> {
        let s = self.skip_space(i);
        let c = *self.b.get(s)?;
        c.is_ascii_alphabetic().then(|| (s, word_end(self.b, s)))
    }

    /// The word or number ending at `i` (before blanks), as `(start, end)`.
    fn prev_token(&self, i: usize) -> Option<(usize, usize)> {
        let e = self.skip_space_back(i);
        let b = self.b;
        let mut s = e;
        while s > 0 && b[s - 1].is_ascii_alphanumeric() {
            s -= 1;
        }
        (s < e).then_some((s, e))
    }

    fn prev_word_is(&self, i: usize, list: &[&str]) -> Option<usize> {
        let (s, e) = self.prev_token(i)?;
        is_one_of(&self.b[s..e], list).then_some(s)
    }

    fn on_word(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        match kw {
            Kw::Month(m, abbrev) => self.on_month(m, abbrev, s, e),
            Kw::Weekday(wd) => self.on_weekday(wd, s, e),
            Kw::Yesterday | Kw::Today | Kw::Tomorrow | Kw::Tonight => self.on_deictic(kw, s, e),
            Kw::Last | Kw::This | Kw::Next | Kw::Past => self.on_relative(kw, s, e),
            Kw::Ago => self.on_ago(s, e),
            Kw::Earlier => self.on_earlier(s, e),
            Kw::Nineteen => self.on_spelled_year(s),
            Kw::Year => self.on_year(s, e),
            Kw::Thanksgiving | Kw::Christmas | Kw::Election => self.on_holiday(kw, s, e),
        }
    }

    /// A day of month at `i`: `13`, `13th`, not part of a larger number or a clock time.
    fn day_number(&self, i: usize) -> Option<(i8, usize)> {
        let b = self.b;
        if !b.get(i)?.is_ascii_digit() {
            return None;
        }
        let e = digits_end(b, i);
        if e - i > 2 {
            return None;
        }
        let day = parse_num(&b[i..e]);
        if !(1..=31).contains(&day) {
            return None;
        }
        let mut end = e;
        let suffix = word_end(b, e);
        if suffix > e {
            if !is_one_of(&b[e..suffix], &["st", "nd", "rd", "th"]) {
                return None;
            }
            end = suffix;
        }
        // `May 5:30`, `June 3.5`, `July 4,000` are not days.
        if matches!(b.get(end), Some(b':' | b'.' | b',' | b'-' | b'/'))
            && b.get(end + 1).is_some_and(u8::is_ascii_digit)
        {
            return None;
        }
        Some((day as i8, end))
    }

    /// A four-digit year starting at `i` that is not glued to more digits.
    fn year_at(&self, i: usize) -> Option<(i16, usize)> {
        let b = self.b;
        let e = digits_end(b, i);
        if e - i != 4 || b.get(e).is_some_and(u8::is_ascii_alphanumeric) {
            return None;
        }
        if matches!(b.get(e), Some(b'.' | b',')) && b.get(e + 1).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let y = parse_num(&b[i..e]);
        (1000..=2099).contains(&y).then_some((y as i16, e))
    }

    /// Parses what follows a month name ending at `e` (after an optional abbreviation dot).
    fn month_tail(&self, m: i8, e: usize) -> Option<(MonthTail, usize)> {
        let b = self.b;
        let s = self.skip_space(e);
        if let Some((day, end)) = self.day_number(s) {
            let mut k = end;
            if b.get(k) == Some(&b',') {
                k += 1;
            }
            let ys = self.skip_space(k);
            if (ys > k || k > end)
                && let Some((y, ye)) = self.year_at(ys)
            {
                let tail = Date::new(y, m, day).map_or(MonthTail::Invalid, MonthTail::Full);
                return Some((tail, ye));
            }
            return Some((MonthTail::NoYear(day), end));
        }
        let mut k = s;
        if b.get(k) == Some(&b',') {
            k = self.skip_space(k + 1);
        } else if let Some((ws, we)) = self.next_word(e)
            && b[ws..we].eq_ignore_ascii_case(b"of")
        {
            k = self.skip_space(we);
        }
        if let Some((y, ye)) = self.year_at(k) {
            return Some((MonthTail::WithYear(y), ye));
        }
        if b.get(k).is_some_and(u8::is_ascii_alphabetic)
            && let Some((y, ye)) = self.spelled_year(k)
        {
            return Some((MonthTail::WithYear(y), ye));
        }
        None
    }

    fn on_month(&mut self, m: i8, abbrev: bool, s: usize, e: usize) -> Option<usize> {
        let b = self.b;
        if !is_capitalised(&b[s..e]) {
            return None;
        }
        let mut e_dot = e;
        if abbrev && b.get(e) == Some(&b'.') {
            e_dot = e + 1;
        }
        let tail = self.month_tail(m, e_dot);
        // `13 September 2023`, `the 13th of September`.
        let before = self.day_before_month(s);
        match (tail, before) {
            (Some((MonthTail::Full(d), end)), _) => return Some(self.push(s, end, Value::Day(d))),
            (Some((MonthTail::Invalid, end)), _) => return Some(end),
            (Some((MonthTail::NoYear(day), end)), _) => {
                let d = resolve_day(self.anchor?, m, day, || self.tense(s, end))?;
                return Some(self.push(s, end, Value::Day(d)));
            }
            (Some((MonthTail::WithYear(y), end)), Some((day, ds))) => {
                let d = Date::new(y, m, day).ok()?;
                return Some(self.push(ds, end, Value::Day(d)));
            }
            (Some((MonthTail::WithYear(y), end)), None) => {
                let start = self.prev_word_is(s, &["early", "late", "mid"]).unwrap_or(s);
                return Some(self.push(start, end, Value::Month(y, m)));
            }
            (None, Some((day, ds))) => {
                let d = resolve_day(self.anchor?, m, day, || self.tense(ds, e_dot))?;
                return Some(self.push(ds, e_dot, Value::Day(d)));
            }
            (None, None) => {}
        }
        if abbrev {
            return None;
        }
        self.bare_month(m, s, e)
    }

    /// `January`, `last November`, `early December`, `mid-May`, `January this year`.
    fn bare_month(&mut self, m: i8, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.b;
        // The modifier in front, hyphenated (`mid-May`) or not (`last May`).
        let modifier = if s > 1 && b[s - 1] == b'-' {
            self.prev_token(s - 1).filter(|&(_, pe)| pe == s - 1)
        } else {
            self.prev_token(s)
        };
        let modifier = modifier.filter(|&(ps, pe)| is_one_of(&b[ps..pe], MONTH_CONTEXT_PREV));
        if matches!(m, 3 | 5) && modifier.is_none() {
            return None;
        }
        // `June Carter`, `August Wilson`: a capitalised word after the month makes it a name.
        if let Some((ws, we)) = self.next_word(e) {
            let w = &b[ws..we];
            if is_capitalised(w) && ws == e + 1 && classify(w).is_none() {
                return None;
            }
            if let Some((ys, ye)) = self.next_word(we) {
                let unit = &b[ys..ye];
                if unit.eq_ignore_ascii_case(b"year") {
                    let dy = match_rel(w)?;
                    let y = anchor.year() + dy;
                    return Some(self.push(s, ye, Value::Month(y, m)));
                }
            }
        }
        let a = month_index(anchor);
        let this = i32::from(anchor.year()) * 12 + i32::from(m) - 1;
        let (start, word) = match modifier {
            Some((ps, pe)) if is_one_of(&b[ps..pe], MONTH_PREV) => (ps, &b[ps..pe]),
            _ => (s, &b""[..]),
        };
        let value = if word.eq_ignore_ascii_case(b"last") {
            // The month just ended is `last month`; `last February` in March means a year back.
            let idx = if this < a - 1 { this } else { this - 12 };
            Value::month_from_index(idx)?
        } else if word.eq_ignore_ascii_case(b"next") {
            Value::month_from_index(if this > a { this } else { this + 12 })?
        } else if word.eq_ignore_ascii_case(b"this") {
            Value::Month(anchor.year(), m)
        } else {
            resolve_month(anchor, m, self.tense(start, e))?
        };
        Some(self.push(start, e, value))
    }

    /// A day number right before a month name: `13 Sept`, `13th of September`.
    fn day_before_month(&self, s: usize) -> Option<(i8, usize)> {
        let b = self.b;
        let (mut ps, mut pe) = self.prev_token(s)?;
        if b[ps..pe].eq_ignore_ascii_case(b"of") {
            (ps, pe) = self.prev_token(ps)?;
        }
        if !b[ps].is_ascii_digit() || (ps > 0 && matches!(b[ps - 1], b',' | b'.' | b'$')) {
            return None;
        }
        let (day, end) = self.day_number(ps)?;
        (end == pe).then_some((day, ps))
    }

    fn on_weekday(&mut self, wd: Weekday, s: usize, e: usize) -> Option<usize> {
        let b = self.b;
        if !is_capitalised(&b[s..e]) {
            return None;
        }
        // `Friday, Oct. 23` / `Wed, 13 Sep 2023`: the explicit date carries the value.
        let mut k = e;
        if b.get(k) == Some(&b',') {
            k += 1;
        }
        let ns = self.skip_space(k);
        if let Some((ws, we)) = self.next_word(k) {
            if let Some(Kw::Month(m, abbrev)) = classify(&b[ws..we])
                && is_capitalised(&b[ws..we])
            {
                let e_dot = if abbrev && b.get(we) == Some(&b'.') {
                    we + 1
                } else {
                    we
                };
                match self.month_tail(m, e_dot) {
                    Some((MonthTail::Full(d), end)) => {
                        return Some(self.push(s, end, Value::Day(d)));
                    }
                    Some((MonthTail::NoYear(day), end)) => {
                        if let Some(d) = self.weekday_date(wd, m, day, s, end) {
                            return Some(self.push(s, end, Value::Day(d)));
                        }
                    }
                    _ => {}
                }
            }
        } else if let Some((day, de)) = self.day_number(ns)
            && let Some((ms, me)) = self.next_word(de)
            && let Some(Kw::Month(m, abbrev)) = classify(&b[ms..me])
        {
            let e_dot = if abbrev && b.get(me) == Some(&b'.') {
                me + 1
            } else {
                me
            };
            let ys = self.skip_space(e_dot);
            if let Some((y, ye)) = self.year_at(ys) {
                let d = Date::new(y, m, day).ok()?;
                return Some(self.push(s, ye, Value::Day(d)));
            }
        }
        let anchor = self.anchor?;
        let mut start = s;
        let mut end = e;
        if let Some((ws, we)) = self.next_word(e)
            && is_one_of(
                &b[ws..we],
                &["morning", "afternoon", "evening", "night", "noon"],
            )
        {
            end = we;
        }
        // `the previous Friday` counts from some other event, not from the report.
        if self.prev_word_is(s, &["previous", "following"]).is_some() {
            return None;
        }
        // `postponed until Tuesday` is a deadline ahead; `Until Tuesday, ...` looks back.
        let deadline = self
            .prev_word_is(s, &["until", "till", "by"])
            .is_some_and(|ps| self.word_before(ps, false).is_some());
        let date = if let Some(ps) = self.prev_word_is(s, &["last"]) {
            start = ps;
            anchor.nth_weekday(-1, wd).ok()?
        } else if let Some(ps) = self.prev_word_is(s, &["next", "coming"]) {
            start = ps;
            anchor.nth_weekday(1, wd).ok()?
        } else if anchor.weekday() == wd {
            anchor
        } else if deadline || self.tense(s, end) == Tense::Future {
            anchor.nth_weekday(1, wd).ok()?
        } else {
            anchor.nth_weekday(-1, wd).ok()?
        };
        Some(self.push(start, end, Value::Day(date)))
    }

    /// `Saturday, April 25`: the year in which that day falls on that weekday, if one is near.
    fn weekday_date(&self, wd: Weekday, m: i8, day: i8, s: usize, e: usize) -> Option<Date> {
        let anchor = self.anchor?;
        let y = anchor.year();
        [y - 1, y, y + 1]
            .into_iter()
            .filter_map(|y| Date::new(y, m, day).ok())
            .filter(|d| d.weekday() == wd)
            .min_by_key(|d| days_between(*d, anchor).abs())
            .or_else(|| resolve_day(anchor, m, day, || self.tense(s, e)))
    }

    /// The tense of the clause around a year-less mention at `s..e`: the nearest cue word
    /// before it (within its comma-delimited clause) decides, else a past-tense word after it.
    fn tense(&self, s: usize, e: usize) -> Tense {
        let b = self.b;
        // A deadline (`by Jan. 14`, `extended to Nov. 16`) can fall either side of the report.
        if self
            .prev_word_is(s, &["by", "until", "till", "through", "to"])
            .is_some()
        {
            return Tense::Unknown;
        }
        let mut i = s;
        let mut after: &[u8] = b"";
        let mut seen = 0;
        for distance in 1..=8 {
            let Some((ws, we)) = self.word_before(i, true) else {
                break;
            };
            let w = &b[ws..we];
            let before = self
                .word_before(ws, true)
                .map_or(&b""[..], |(ps, pe)| &b[ps..pe]);
            // A verb with its object (`announced the plan Aug. 21`) may sit a little further out.
            let object = is_one_of(after, &["the", "a", "an", "its", "his", "her", "their"]);
            if let Some(t) = cue(w, before, after, distance, if object { 4 } else { 2 }) {
                return t;
            }
            after = w;
            i = ws;
            seen = distance;
        }
        // After the date, look past a comma only when the date opens its sentence
        // (`In January, the company sold ...`); otherwise the next clause is someone else's.
        let opens_sentence = seen <= 2 && self.word_before(i, false).is_none();
        let mut i = e;
        let mut before: &[u8] = b"";
        for distance in 1..=6 {
            let Some((ws, we)) = self.word_after(i, !opens_sentence) else {
                break;
            };
            let w = &b[ws..we];
            // The verb of a fronted date (`In March, the company received ...`) comes later,
            // so a regular past form counts a little further out than before the date.
            if let Some(t) = cue(w, before, b"", distance, 4) {
                return if t == Tense::Past { t } else { Tense::Unknown };
            }
            before = w;
            i = we;
        }
        Tense::Unknown
    }

    /// The word ending before `i` within the same sentence (or clause, with `comma`).
    fn word_before(&self, mut i: usize, comma: bool) -> Option<(usize, usize)> {
        let b = self.b;
        while i > 0 && !b[i - 1].is_ascii_alphabetic() {
            let c = b[i - 1];
            if matches!(c, b'!' | b'?' | b';' | b':' | b'"' | b'`' | b'(' | b')')
                || (comma && c == b',')
                || (c == b'\'' && i > 1 && b[i - 2] == b'\'')
            {
                return None;
            }
            // A full stop ends the clause unless it closes an abbreviation (`a.m.`, `U.S.`).
            if c == b'.' && i > 1 && (b[i - 2].is_ascii_digit() || word_len_before(b, i - 1) >= 3) {
                return None;
            }
            i -= 1;
        }
        let e = i;
        while i > 0 && b[i - 1].is_ascii_alphabetic() {
            i -= 1;
        }
        (i < e).then_some((i, e))
    }

    /// The word starting after `i` within the same sentence (or clause, with `comma`).
    fn word_after(&self, mut i: usize, comma: bool) -> Option<(usize, usize)> {
        let b = self.b;
        while i < b.len() && !b[i].is_ascii_alphabetic() {
            let c = b[i];
            if matches!(c, b'!' | b'?' | b';' | b':' | b'"' | b'`' | b'(' | b')')
                || (comma && c == b',')
                || (c == b'\'' && b.get(i + 1) == Some(&b'\''))
            {
                return None;
            }
            if c == b'.' && i > 0 && (b[i - 1].is_ascii_digit() || word_len_before(b, i) >= 3) {
                return None;
            }
            i += 1;
        }
        (i < b.len()).then(|| (i, word_end(b, i)))
    }

    fn on_deictic(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.b;
        // Programme and paper names: `USA Today`, `VOA Today`.
        if kw == Kw::Today
            && self
                .prev_token(s)
                .is_some_and(|(ps, pe)| pe - ps > 1 && b[ps..pe].iter().all(u8::is_ascii_uppercase))
        {
            return None;
        }
        // `in today's world`, `the people of tomorrow`: the era, not the day.
        let generic = match kw {
            Kw::Today => {
                b.get(e) == Some(&b'\'') && self.prev_word_is(s, &["of", "in", "for"]).is_some()
            }
            Kw::Tomorrow => self.prev_word_is(s, &["of"]).is_some(),
            _ => false,
        };
        if generic {
            return None;
        }
        let d = match kw {
            Kw::Yesterday => anchor.yesterday().ok()?,
            Kw::Tomorrow => anchor.tomorrow().ok()?,
            _ => anchor,
        };
        Some(self.push(s, e, Value::Day(d)))
    }

    /// `last year`, `this month`, `next year`, `last night`, `this morning`, `the past year`.
    fn on_relative(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.b;
        let (ws, we) = self.next_word(e)?;
        let unit = &b[ws..we];
        // `the last year of his term` is a span of time, not the calendar year before.
        let after_the = self.prev_word_is(s, &["the"]).is_some();
        let delta: i32 = match kw {
            Kw::Last | Kw::Past => -1,
            Kw::Next => 1,
            _ => 0,
        };
        if unit.eq_ignore_ascii_case(b"year") {
            if after_the && kw != Kw::Past {
                return None;
            }
            let y = anchor.year().checked_add(delta as i16)?;
            return Some(self.push(s, we, Value::Year(y)));
        }
        if kw == Kw::Past {
            return None;
        }
        if unit.eq_ignore_ascii_case(b"month") && !after_the {
            let v = Value::month_from_index(month_index(anchor) + delta)?;
            return Some(self.push(s, we, v));
        }
        let same_day = match kw {
            Kw::Last => unit.eq_ignore_ascii_case(b"night"),
            Kw::This => is_one_of(unit, &["morning", "afternoon", "evening"]),
            _ => false,
        };
        if same_day {
            let d = if kw == Kw::Last {
                anchor.yesterday().ok()?
            } else {
                anchor
            };
            return Some(self.push(s, we, Value::Day(d)));
        }
        None
    }

    /// `two days ago`, `a year ago`, `five months ago`, `year-ago`.
    fn on_ago(&mut self, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.b;
        if s > 0 && b[s - 1] == b'-' {
            let (us, ue) = self.prev_token(s - 1)?;
            if ue == s - 1 && b[us..ue].eq_ignore_ascii_case(b"year") {
                return Some(self.push(us, e, Value::Year(anchor.year() - 1)));
            }
            return None;
        }
        let (us, ue) = self.prev_token(s)?;
        let (ns, ne) = self.prev_token(us)?;
        let n = small_number(&b[ns..ne])?;
        let mut unit = &b[us..ue];
        if unit.len() > 1 && unit.ends_with(b"s") {
            unit = &unit[..unit.len() - 1];
        }
        let v = match unit.to_ascii_lowercase().as_slice() {
            b"day" => Value::Day(add_days(anchor, -n)?),
            b"week" => Value::Day(add_days(anchor, -7 * n)?),
            b"month" => Value::month_from_index(month_index(anchor) - i32::try_from(n).ok()?)?,
            b"year" => Value::Year(anchor.year().checked_sub(i16::try_from(n).ok()?)?),
            _ => return None,
        };
        Some(self.push(ns, e, v))
    }

    /// `a year earlier`, `year-earlier`: in news these count back from the report itself.
    fn on_earlier(&mut self, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.b;
        let year = Value::Year(anchor.year() - 1);
        if s > 0 && b[s - 1] == b'-' {
            let (us, ue) = self.prev_token(s - 1)?;
            if ue == s - 1 && b[us..ue].eq_ignore_ascii_case(b"year") {
                return Some(self.push(us, e, year));
            }
            return None;
        }
        let (us, ue) = self.prev_token(s)?;
        if !b[us..ue].eq_ignore_ascii_case(b"year") {
            return None;
        }
        let ns = self.prev_word_is(us, &["a", "one"])?;
        Some(self.push(ns, e, year))
    }

    /// Broadcast transcripts spell years out: `nineteen ninety-six`.
    fn on_spelled_year(&mut self, s: usize) -> Option<usize> {
        let (year, end) = self.spelled_year(s)?;
        Some(self.push(s, end, Value::Year(year)))
    }

    /// `nineteen ninety-six` or `two thousand` starting at `s`.
    fn spelled_year(&self, s: usize) -> Option<(i16, usize)> {
        const TENS: [&str; 8] = [
            "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
        ];
        const UNITS: [&str; 9] = [
            "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        ];
        let b = self.b;
        let e = word_end(b, s);
        let (ts, te) = self.next_word(e)?;
        let first = &b[s..e];
        let second = &b[ts..te];
        if first.eq_ignore_ascii_case(b"two") && second.eq_ignore_ascii_case(b"thousand") {
            return Some((2000, te));
        }
        if !first.eq_ignore_ascii_case(b"nineteen") {
            return None;
        }
        let tens = TENS
            .iter()
            .position(|w| second.eq_ignore_ascii_case(w.as_bytes()))?;
        let mut year = 1900 + 10 * (tens as i16 + 2);
        let mut end = te;
        if b.get(te) == Some(&b'-') {
            let ue = word_end(b, te + 1);
            if let Some(u) = UNITS
                .iter()
                .position(|w| b[te + 1..ue].eq_ignore_ascii_case(w.as_bytes()))
            {
                year += u as i16 + 1;
                end = ue;
            }
        }
        Some((year, end))
    }

    /// `the year`, `the full year`, `the current fiscal year`: in a report, the year it is
    /// written in. `the year two thousand` names its year.
    fn on_year(&mut self, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor;
        let b = self.b;
        let mut start = s;
        while let Some(ps) = self.prev_word_is(start, &["full", "current", "fiscal"]) {
            start = ps;
        }
        let start = self.prev_word_is(start, &["the"])?;
        if let Some((ws, _)) = self.next_word(e)
            && let Some((y, end)) = self.spelled_year(ws)
        {
            return Some(self.push(start, end, Value::Year(y)));
        }
        // `the year-ago quarter`, `the year before`, `the year 2000`, `the year of the ...`.
        if matches!(b.get(e), Some(b'-' | b'\'')) {
            return None;
        }
        if let Some((ws, we)) = self.next_word(e)
            && is_one_of(
                &b[ws..we],
                &["ago", "earlier", "before", "after", "of", "later", "in"],
            )
        {
            return None;
        }
        if self.skip_space(e) < b.len() && b[self.skip_space(e)].is_ascii_digit() {
            return None;
        }
        Some(self.push(start, e, Value::Year(anchor?.year())))
    }

    /// Thanksgiving, Christmas and Election Day, in the year `last`/`next` or the clause's tense
    /// points to, else the one nearest the report.
    fn on_holiday(&mut self, kw: Kw, s: usize, e: usize) -> Option<usize> {
        let anchor = self.anchor?;
        let b = self.b;
        if !is_capitalised(&b[s..e]) {
            return None;
        }
        let mut end = e;
        let next = self.next_word(e);
        let next_is =
            |w: &str| next.is_some_and(|(ws, we)| b[ws..we].eq_ignore_ascii_case(w.as_bytes()));
        let mut eve = false;
        if next_is("day") {
            end = next.map_or(e, |(_, we)| we);
        } else if kw == Kw::Christmas && next_is("eve") {
            end = next.map_or(e, |(_, we)| we);
            eve = true;
        } else if kw == Kw::Election {
            return None;
        }
        let in_year = |y: i16| -> Option<Date> {
            match kw {
                Kw::Thanksgiving => Date::new(y, 11, 1)
                    .ok()?
                    .nth_weekday_of_month(4, Weekday::Thursday)
                    .ok(),
                Kw::Election => add_days(
                    Date::new(y, 11, 1)
                        .ok()?
                        .nth_weekday_of_month(1, Weekday::Monday)
                        .ok()?,
                    1,
                ),
                _ => Date::new(y, 12, if eve { 24 } else { 25 }).ok(),
            }
        };
        let y = anchor.year();
        let candidates = [y - 1, y, y + 1].into_iter().filter_map(in_year);
        let mut start = s;
        let date = if let Some(ps) = self.prev_word_is(s, &["last"]) {
            start = ps;
            candidates.filter(|d| *d < anchor).max()
        } else if let Some(ps) = self.prev_word_is(s, &["next"]) {
            start = ps;
            candidates.filter(|d| *d > anchor).min()
        } else {
            pick(candidates, anchor, self.tense(s, end))
        }?;
        Some(self.push(start, end, Value::Day(date)))
    }

    fn on_number(&mut self, s: usize, e: usize) -> Option<usize> {
        let b = self.b;
        // Part of a larger number (`1,998`, `3.2023`) or of a code (`A320`).
        if s > 0 {
            let p = b[s - 1];
            if p.is_ascii_alphabetic()
                || (matches!(p, b',' | b'.' | b'/' | b':') && s > 1 && b[s - 2].is_ascii_digit())
            {
                return None;
            }
        }
        match e - s {
            4 => self.on_four_digits(s, e),
            1 | 2 => self.slashed_date(s, e),
            _ => None,
        }
    }

    /// `09/13/2023` or `13/09/2023`, only when the day cannot be mistaken for the month.
    fn slashed_date(&mut self, s: usize, e: usize) -> Option<usize> {
        let b = self.b;
        if b.get(e) != Some(&b'/') {
            return None;
        }
        let e2 = digits_end(b, e + 1);
        if !(1..=2).contains(&(e2 - e - 1)) || b.get(e2) != Some(&b'/') {
            return None;
        }
        let (y, ye) = self.year_at(e2 + 1)?;
        let first = parse_num(&b[s..e]) as i8;
        let second = parse_num(&b[e + 1..e2]) as i8;
        let (m, d) = if first == second || (first <= 12 && second > 12) {
            (first, second)
        } else if second <= 12 && first > 12 {
            (second, first)
        } else {
            return None;
        };
        let date = Date::new(y, m, d).ok()?;
        Some(self.push(s, ye, Value::Day(date)))
    }

    fn on_four_digits(&mut self, s: usize, e: usize) -> Option<usize> {
        let b = self.b;
        // ISO `2023-09-13` (also `2023-09-13T10:00`) and `2023/09/13`.
        if let Some(&sep @ (b'-' | b'/')) = b.get(e) {
            let m_end = digits_end(b, e + 1);
            if m_end == e + 3 && b.get(m_end) == Some(&sep) {
                let d_end = digits_end(b, m_end + 1);
                if d_end == m_end + 3 {
                    let y = parse_num(&b[s..e]) as i16;
                    let m = parse_num(&b[e + 1..m_end]) as i8;
                    let d = parse_num(&b[m_end + 1..d_end]) as i8;
                    let date = Date::new(y, m, d).ok()?;
                    return Some(self.push(s, d_end, Value::Day(date)));
                }
            }
        }
        let (y, ye) = self.year_at(s)?;
        if !self.is_year_context(s, ye, y) {
            return None;
        }
        let mut start = s;
        if s > 0
            && b[s - 1] == b'-'
            && let Some((ps, _)) = self.prev_token(s - 1)
            && b[ps].is_ascii_alphabetic()
        {
            start = ps;
        }
        Some(self.push(start, ye, Value::Year(y)))
    }

    /// A bare four-digit number is a year unless its neighbours say it is a count, a label,
    /// a price or a clock time. Commas mark thousands in news copy, so `2024` alone rarely
    /// counts things.
    fn is_year_context(&self, s: usize, e: usize, y: i16) -> bool {
        let b = self.b;
        if s > 0 {
            match b[s - 1] {
                b'$' | b'#' | b'+' | b'*' | b'\'' => return false,
                b'-' => {
                    // `mid-2024` and `1990-1995` are years; `F-2000` and `-2000` are not.
                    let Some((ps, pe)) = self.prev_token(s - 1) else {
                        return false;
                    };
                    let p = &b[ps..pe];
                    let year_prefix = is_one_of(p, &["mid", "pre", "post", "early", "late"]);
                    if pe != s - 1 || !(year_prefix || p.iter().all(u8::is_ascii_digit)) {
                        return false;
                    }
                }
                _ => {}
            }
            let before = &b[..s];
            if ["£", "€", "¥"]
                .iter()
                .any(|c| before.ends_with(c.as_bytes()))
            {
                return false;
            }
        }
        match b.get(e) {
            Some(b'%') => return false,
            Some(b':') if b.get(e + 1).is_some_and(u8::is_ascii_digit) => return false,
            Some(b'-') if b.get(e + 1).is_some_and(u8::is_ascii_alphabetic) => return false,
            _ => {}
        }
        if let Some((ws, we)) = self.next_word(e)
            && is_one_of(&b[ws..we], QUANTITY_NEXT)
        {
            return false;
        }
        let prev = self.prev_token(s);
        let prev_word = prev.map(|(ps, pe)| &b[ps..pe]);
        if prev_word.is_some_and(|w| is_one_of(w, LABEL_PREV)) {
            return false;
        }
        if y < 1800 {
            return prev_word.is_some_and(|w| is_one_of(w, YEAR_PREV));
        }
        true
    }
}

/// `this`/`last`/`next` as a year offset.
fn match_rel(w: &[u8]) -> Option<i16> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn found(text: &str, anchor: Option<Date>) -> Vec<(String, String)> {
        find_dates(text, anchor)
            .into_iter()
            .map(|m| {
                assert_eq!(
                    &text[m.start..m.end],
                    m.text,
                    "offsets must slice the mention"
                );
                (m.text, m.value)
            })
            .collect()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(t, v)| (t.to_string(), v.to_string()))
            .collect()
    }

    /// A Wednesday.
    const ANCHOR: Date = date(2023, 9, 13);

    #[test]
    fn seed_article_explicit_dates_only() {
        let text = "Kim Jong-un at the December 2023 plenary meeting of the Central Committee. \
            North Korea's leader warned the nation to prepare for further economic hardships in \
            2024 and gave orders to accelerate war preparations. Launching a long-range missile \
            mere months before the South Korean parliamentary election in April 2016. \
            Addressing 2023 as \u{201c}a year of great turning point\u{201d} for North Korea. \
            Its constitutional amendment passed in September 2023. The summit between Kim and \
            Russian President, Vladimir Putin, on September 13, 2023. More than 1,000 South \
            Korean military personnel took part in rare defense drills that simulated an attack \
            on Seoul, which is situated in striking distance of just 38 km (24 miles). The drills \
            came at a time when more than 1,200 people were killed in a recent attack in Israel. \
            There has been no direct attack on the South by the North since the end of the \
            Korean War in 1953. Kim Jong-un was declaring that reunification was \
            \u{201c}impossible\u{201d} as he closed out 2023 during the annual meeting. \
            The two countries are no longer bound by the 2018 military agreement.";
        let expected = pairs(&[
            ("December 2023", "2023-12"),
            ("2024", "2024"),
            ("April 2016", "2016-04"),
            ("2023", "2023"),
            ("September 2023", "2023-09"),
            ("September 13, 2023", "2023-09-13"),
            ("1953", "1953"),
            ("2023", "2023"),
            ("2018", "2018"),
        ]);
        assert_eq!(found(text, None), expected);
    }

    #[test]
    fn full_dates_in_every_spelling() {
        let cases = [
            ("on September 13, 2023 in", "September 13, 2023"),
            ("SEOUL, Sept. 13, 2023 (Yonhap)", "Sept. 13, 2023"),
            ("on 13 Sept 2023.", "13 Sept 2023"),
            ("on 13 September 2023.", "13 September 2023"),
            ("on the 13th of September, 2023", "13th of September, 2023"),
            ("dated 2023-09-13.", "2023-09-13"),
            ("at 2023-09-13T10:00:00Z", "2023-09-13"),
            ("filed 09/13/2023 in", "09/13/2023"),
            ("filed 13/09/2023 in", "13/09/2023"),
            ("on Sep 13th, 2023", "Sep 13th, 2023"),
        ];
        for (text, mention) in cases {
            assert_eq!(
                found(text, None),
                pairs(&[(mention, "2023-09-13")]),
                "in {text:?}"
            );
        }
    }

    #[test]
    fn ambiguous_or_invalid_numeric_dates_are_skipped() {
        assert!(found("filed 04/05/2023 in", None).is_empty());
        assert!(found("on 2023-02-30 the", None).is_empty());
        assert!(found("on February 30, 2023", None).is_empty());
    }

    #[test]
    fn month_precision() {
        let cases = [
            ("in December 2023 the", "December 2023", "2023-12"),
            ("in Dec. 2023 the", "Dec. 2023", "2023-12"),
            ("in January of 1990 the", "January of 1990", "1990-01"),
            (
                "in January nineteen ninety-seven.",
                "January nineteen ninety-seven",
                "1997-01",
            ),
        ];
        for (text, mention, value) in cases {
            assert_eq!(found(text, None), pairs(&[(mention, value)]), "in {text:?}");
        }
    }

    #[test]
    fn year_precision() {
        let cases = [
            ("growth by mid-2024 is", "mid-2024", "2024"),
            ("in early 2024 it", "2024", "2024"),
            ("since 1953,", "1953", "1953"),
            ("2023's best", "2023", "2023"),
            ("targets by 2030.", "2030", "2030"),
            ("the 1990-1995 period", "1990", "1990"),
            ("in nineteen ninety-six the", "nineteen ninety-six", "1996"),
            ("by the year two thousand.", "the year two thousand", "2000"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(
                found(text, None)[0],
                (mention.into(), value.into()),
                "in {text:?}"
            );
        }
        assert_eq!(found("the 1990-1995 period", None).len(), 2);
    }

    #[test]
    fn numbers_that_are_not_years() {
        for text in [
            "it cost $2,024 in total",
            "it cost $2024 in total",
            "more than 1,200 people died",
            "some 2024 people attended",
            "a distance of just 38 km (24 miles)",
            "at 1530 GMT on",
            "the index closed at 2082.1, down",
            "see page 2024 of the report",
            "flight 1995 landed",
            "up 2024% on the year",
            "at 10:30 the meeting",
            "in the 1990s and",
            "a 2000-strong crowd",
        ] {
            assert_eq!(found(text, None), vec![], "in {text:?}");
        }
    }

    #[test]
    fn yearless_dates_take_the_nearest_year_and_need_an_anchor() {
        assert!(found("on Sept. 13 the", None).is_empty());
        let cases = [
            ("the record date is Sept. 13.", "Sept. 13", "2023-09-13"),
            ("the record date is 13 Sept.", "13 Sept.", "2023-09-13"),
            ("record date Jan. 5 for holders", "Jan. 5", "2024-01-05"),
            ("record date April 5 for holders", "April 5", "2023-04-05"),
            ("SALVADOR, Sept 12 - Showers", "Sept 12", "2023-09-12"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(
                found(text, Some(ANCHOR)),
                pairs(&[(mention, value)]),
                "in {text:?}"
            );
        }
    }

    #[test]
    fn tense_picks_the_side_of_the_anchor() {
        let anchor = Some(date(2023, 10, 27));
        // Past-tense clause: March 1 is behind the report, not in five months.
        assert_eq!(
            found("In March, the company received an offer.", anchor),
            pairs(&[("March", "2023-03")])
        );
        assert_eq!(
            found(
                "The thrift announced the plan Aug. 21.",
                Some(date(2023, 2, 27))
            ),
            pairs(&[("Aug. 21", "2022-08-21")])
        );
        assert_eq!(
            found(
                "The summit will be held on April 24.",
                Some(date(2023, 2, 10))
            ),
            pairs(&[("April 24", "2023-04-24")])
        );
    }

    #[test]
    fn bare_and_modified_months() {
        let a = Some(ANCHOR);
        let cases = [
            ("sales figures in January and", "January", "2024-01"),
            ("sales fell in January and", "January", "2023-01"),
            ("sales fell in February and", "February", "2023-02"),
            ("it happened last November.", "last November", "2022-11"),
            ("it happened last August.", "last August", "2022-08"),
            ("it happened last June.", "last June", "2023-06"),
            ("a launch this December.", "this December", "2023-12"),
            ("a launch next April.", "next April", "2024-04"),
            ("results in mid-November.", "mid-November", "2023-11"),
            ("results in early December.", "early December", "2023-12"),
            (
                "sales in January this year.",
                "January this year",
                "2023-01",
            ),
            ("sales in July last year.", "July last year", "2022-07"),
            ("elections in May.", "May", "2023-05"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(found(text, a), pairs(&[(mention, value)]), "in {text:?}");
        }
        for text in [
            "He may go. They march on.",
            "May I ask?",
            "The March accord",
            "June Carter sang",
            "Sept. was",
        ] {
            assert_eq!(found(text, a), vec![], "in {text:?}");
        }
    }

    #[test]
    fn weekdays_look_back_unless_the_clause_looks_ahead() {
        let a = Some(ANCHOR);
        let cases = [
            ("officials said Tuesday that", "Tuesday", "2023-09-12"),
            ("officials said Wednesday that", "Wednesday", "2023-09-13"),
            ("officials said Thursday that", "Thursday", "2023-09-07"),
            (
                "the king will meet Bush on Thursday in",
                "Thursday",
                "2023-09-14",
            ),
            ("talks set to resume Monday in", "Monday", "2023-09-18"),
            (
                "he could arrive as early as Friday.",
                "Friday",
                "2023-09-15",
            ),
            ("the ruling postponed until Friday.", "Friday", "2023-09-15"),
            ("Until Friday, they had not", "Friday", "2023-09-08"),
            ("it happened last Friday.", "last Friday", "2023-09-08"),
            ("we meet next Tuesday.", "next Tuesday", "2023-09-19"),
            (
                "it exploded Friday morning.",
                "Friday morning",
                "2023-09-08",
            ),
            (
                "the editorial on Friday, Oct. 23, 2020:",
                "Friday, Oct. 23, 2020",
                "2020-10-23",
            ),
            (
                "the editorial on Saturday, Sept. 16:",
                "Saturday, Sept. 16",
                "2023-09-16",
            ),
            (
                "Wednesday, 13 Sep 2023 10:00",
                "Wednesday, 13 Sep 2023",
                "2023-09-13",
            ),
        ];
        for (text, mention, value) in cases {
            let got = found(text, a);
            let want = (mention.to_string(), value.to_string());
            assert!(got.contains(&want), "in {text:?}: {got:?}");
        }
        assert!(found("officials said Tuesday that", None).is_empty());
        assert!(found("the previous Friday,", a).is_empty());
        assert!(found("a friday feeling", a).is_empty());
    }

    #[test]
    fn relative_expressions() {
        let a = Some(ANCHOR);
        let cases = [
            ("Police said yesterday that", "yesterday", "2023-09-12"),
            ("Today, the", "Today", "2023-09-13"),
            ("a vote tomorrow on", "tomorrow", "2023-09-14"),
            ("rallies tonight in", "tonight", "2023-09-13"),
            ("a raid last night in", "last night", "2023-09-12"),
            ("he said this morning that", "this morning", "2023-09-13"),
            ("sales rose last year.", "last year", "2022"),
            ("sales rose this year.", "this year", "2023"),
            ("sales will rise next year.", "next year", "2024"),
            ("sales rose last month.", "last month", "2023-08"),
            ("sales rose this month.", "this month", "2023-09"),
            ("sales will rise next month.", "next month", "2023-10"),
            ("over the past year.", "past year", "2022"),
            ("earnings for the year were", "the year", "2023"),
            ("two days ago,", "two days ago", "2023-09-11"),
            ("11 days ago,", "11 days ago", "2023-09-02"),
            ("two weeks ago,", "two weeks ago", "2023-08-30"),
            ("five months ago,", "five months ago", "2023-04"),
            ("a year ago,", "a year ago", "2022"),
            ("41 years ago,", "41 years ago", "1982"),
            ("up from $3 a year earlier.", "a year earlier", "2022"),
            ("below the year-earlier level", "year-earlier", "2022"),
            (
                "found on Thanksgiving Day clinging",
                "Thanksgiving Day",
                "2022-11-24",
            ),
            ("plans for Christmas Eve", "Christmas Eve", "2023-12-24"),
            ("a theme until Election Day.", "Election Day", "2023-11-07"),
        ];
        for (text, mention, value) in cases {
            assert_eq!(found(text, a), pairs(&[(mention, value)]), "in {text:?}");
        }
        assert!(found("Police said yesterday that", None).is_empty());
    }

    #[test]
    fn relative_expressions_that_are_not_calendar_dates() {
        let a = Some(ANCHOR);
        for text in [
            "last week the",
            "the last year of his term",
            "a story in USA Today said",
            "in today's world",
            "the people of tomorrow",
            "the year before that",
            "several years ago",
            "the day before",
        ] {
            assert_eq!(found(text, a), vec![], "in {text:?}");
        }
    }

    #[test]
    fn offsets_are_bytes_into_the_text() {
        let text = "Caf\u{e9} \u{2014} on 13 Sept 2023.";
        let m = &find_dates(text, None)[0];
        assert_eq!(m.start, text.find("13").unwrap());
        assert_eq!(m.end, text.len() - 1);
        assert_eq!(m.value, "2023-09-13");
    }

    #[test]
    fn every_trigger_classifies_in_any_case() {
        for (word, kw) in TRIGGERS {
            assert_eq!(classify(word.as_bytes()), Some(*kw));
            assert_eq!(classify(word.to_uppercase().as_bytes()), Some(*kw));
        }
        assert_eq!(classify(b"said"), None);
        assert_eq!(classify(b"mayor"), None);
    }
}
