//! Entities: runs the tagger over an article and groups its mentions into canonical people and places with country codes.

use super::gazetteer::{Gazetteer, KIND_COUNTRY, KIND_DEMONYM};
use super::hash::lower_hash_in;
use std::cell::RefCell;

use super::tagger::{self, Buffers, Class, Doc};
use super::tokens::{ALLCAPS, PUNCT, Token};
use super::{Mention, Person, Place};

pub struct Entities {
    pub people: Vec<Person>,
    pub places: Vec<Place>,
    pub countries: Vec<String>,
}

/// Finds the people and places of an article; offsets in the result are byte offsets into `text`.
pub fn find_entities(text: &str) -> Entities {
    thread_local! {
        /// Tagging memory reused across this thread's documents.
        static SCRATCH: RefCell<(Buffers, Vec<u8>)> = RefCell::default();
    }
    let gaz = Gazetteer::embedded();
    let tables = tagger::embedded_tables();
    SCRATCH.with(|s| {
        let (bufs, labels) = &mut *s.borrow_mut();
        let mut doc = Doc::with_buffers(text, gaz, std::mem::take(bufs));
        tagger::tag(&mut doc, tables, labels);
        let e = group(&doc, labels, gaz);
        *bufs = doc.into_buffers();
        e
    })
}

/// Courtesy titles are not part of a name: `Mr Blair` is the person `Blair`, the same one as
/// `Tony Blair`. (Ranks such as `President` are already outside the tagger's spans.)
const COURTESY: &[&str] = &["mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr."];

fn without_courtesy<'t>(text: &str, mut span: &'t [Token]) -> &'t [Token] {
    while span.len() > 1
        && COURTESY
            .iter()
            .any(|c| span[0].text(text).eq_ignore_ascii_case(c))
    {
        span = &span[1..];
    }
    span
}

/// Words that the tagger sometimes takes for a place on their own (`the North`, `the
/// Peninsula`) but that name no place without more context. Only unknown places are dropped;
/// gazetteer entries such as `North Korea` are untouched.
const GENERIC_PLACE_WORDS: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northern",
    "southern",
    "eastern",
    "western",
    "peninsula",
    "region",
    "province",
    "state",
    "city",
    "capital",
    "island",
    "islands",
    "coast",
    "border",
    "mainland",
    "republic",
    "kingdom",
    "continent",
    "gulf",
    "valley",
];

fn is_generic_place(m_text: &str) -> bool {
    GENERIC_PLACE_WORDS
        .iter()
        .any(|w| m_text.eq_ignore_ascii_case(w))
}

/// News agencies as wire copy credits them (`... the ministry said. REUTER`): organisations,
/// never a person or a place, however the tagger reads a lone capitalised word.
const NEWS_AGENCIES: &[&str] = &[
    "reuter",
    "reuters",
    "ap",
    "afp",
    "upi",
    "xinhua",
    "tass",
    "itar-tass",
    "kyodo",
    "yonhap",
    "bernama",
    "ansa",
    "efe",
    "dpa",
    "pti",
    "interfax",
    "associated press",
    "agence france-presse",
    "united press international",
    "press association",
];

/// A name as shown and indexed: the line breaks and runs of spaces of wrapped text become one
/// space, so `New\nYork` is `New York`. Mentions keep the text as it is in the file.
fn display_name(m_text: &str) -> String {
    m_text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `NEW YORK` → `New York`, `WINSTON-SALEM` → `Winston-Salem`, `ST. LOUIS` → `St. Louis`.
fn title_case(shouted: &str) -> String {
    let mut out = String::with_capacity(shouted.len());
    let mut word_start = true;
    for c in shouted.chars() {
        if word_start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        word_start = !c.is_alphabetic();
    }
    out
}

fn is_news_agency(name: &str) -> bool {
    NEWS_AGENCIES.iter().any(|a| name.eq_ignore_ascii_case(a))
}

fn mention(text: &str, start: usize, end: usize) -> Mention {
    Mention {
        text: text[start..end].to_string(),
        start,
        end,
    }
}

/// Lower-cased words of a mention (as `lower_hash`es), without punctuation, used to match
/// short forms to full names.
fn name_words(text: &str, toks: &[Token]) -> Vec<u64> {
    toks.iter()
        .filter(|t| t.flags & PUNCT == 0)
        .map(|t| lower_hash_in(text, t.start, t.end))
        .collect()
}

/// Ranks surface forms for the canonical name: properly cased beats shouting, then more words, then longer.
fn form_rank(text: &str, toks: &[Token]) -> (bool, usize, usize) {
    let shouting = toks.iter().all(|t| t.flags & (ALLCAPS | PUNCT) != 0) && text.len() > 3;
    (!shouting, toks.len(), text.len())
}

/// Whether `w` is a full name in `names`, or one word of one that is not also a known place.
fn is_known_name(names: &[Vec<u64>], w: &[u64], is_place: impl Fn() -> bool) -> bool {
    names.iter().any(|f| f == w)
        || (w.len() == 1
            && names.iter().any(|f| f[0] == w[0] || f[f.len() - 1] == w[0])
            && !is_place())
}

/// What makes two place mentions the same place.
#[derive(PartialEq, Eq)]
enum PlaceKey<'g> {
    /// A gazetteer entry, by country and canonical name (`U.S.`, `United States`).
    Entry(&'g str, &'g str),
    /// Unknown places by lower-cased text.
    Text(String),
}

/// A place being assembled: keyed by its gazetteer entry, or by folded text when unknown.
struct PlaceAcc<'g> {
    key: PlaceKey<'g>,
    place: Place,
    best: (bool, usize, usize),
}

struct PersonAcc {
    words: Vec<Vec<u64>>,
    best: (bool, usize, usize),
    name: String,
    mentions: Vec<Mention>,
}

impl PersonAcc {
    /// A mention joins this person when it repeats a known form, or is one word equal to
    /// the first or last word of a longer form (`Kim` after `Kim Jong-un`, `Putin` after `Vladimir Putin`).
    fn matches(&self, w: &[u64]) -> bool {
        self.words.iter().any(|f| {
            f == w
                || (w.len() == 1 && f.len() > 1 && (f[0] == w[0] || f[f.len() - 1] == w[0]))
                || (f.len() == 1 && w.len() > 1 && (w[0] == f[0] || w[w.len() - 1] == f[0]))
        })
    }
}

fn group(doc: &Doc, labels: &[u8], gaz: &Gazetteer) -> Entities {
    let text = doc.text;
    let toks = &doc.toks;
    let mut people: Vec<PersonAcc> = Vec::new();
    let mut places: Vec<PlaceAcc> = Vec::new();
    let mut countries: Vec<String> = Vec::new();
    let spans = tagger::spans(labels);
    // Full names found anywhere in the article; the tagger sometimes mislabels a repeat
    // of one (often in a heading), which the document as a whole contradicts.
    let full_names: Vec<Vec<u64>> = spans
        .iter()
        .filter(|s| s.0 == Class::Per && s.2 - s.1 > 1)
        .map(|s| name_words(text, &toks[s.1..s.2]))
        .filter(|w| w.len() > 1)
        .collect();
    for (class, a, b) in spans {
        let span = match class {
            Class::Per => without_courtesy(text, &toks[a..b]),
            _ => &toks[a..b],
        };
        let (start, end) = (span[0].start, span[span.len() - 1].end);
        let m_text = &text[start..end];
        let name = display_name(m_text);
        if is_news_agency(&name) {
            continue;
        }
        let w = name_words(text, span);
        let class = if class != Class::Per
            && is_known_name(&full_names, &w, || gaz.place(m_text).is_some())
        {
            Class::Per
        } else {
            class
        };
        let rank = form_rank(m_text, span);
        match class {
            Class::Per => {
                if w.is_empty() {
                    continue;
                }
                let found = people.iter_mut().rev().find(|p| p.matches(&w));
                let p = match found {
                    Some(p) => p,
                    None => {
                        people.push(PersonAcc {
                            words: Vec::new(),
                            best: (false, 0, 0),
                            name: String::new(),
                            mentions: Vec::new(),
                        });
                        people.last_mut().unwrap()
                    }
                };
                if rank > p.best {
                    p.best = rank;
                    p.name = name;
                }
                if !p.words.contains(&w) {
                    p.words.push(w);
                }
                p.mentions.push(mention(text, start, end));
            }
            Class::Loc => {
                let entry = gaz.place(m_text);
                if entry.is_none() && is_generic_place(m_text) {
                    continue;
                }
                if entry.is_none()
                    && let Some(cc) = gaz.demonym(m_text)
                {
                    countries.push(String::from_utf8_lossy(&cc).into_owned());
                    continue;
                }
                // Gazetteer places merge across surface forms (`U.S.`, `United States`).
                let key = match entry {
                    Some(e) => PlaceKey::Entry(e.country, e.name),
                    None => PlaceKey::Text(name.to_lowercase()),
                };
                let pos = places.iter().position(|p| p.key == key);
                let i = match pos {
                    Some(i) => i,
                    None => {
                        places.push(PlaceAcc {
                            key,
                            place: Place {
                                name: String::new(),
                                country: entry.map(|e| e.country.to_string()),
                                mentions: Vec::new(),
                            },
                            best: (false, 0, 0),
                        });
                        places.len() - 1
                    }
                };
                let p = &mut places[i];
                if let Some(e) = entry.filter(|e| e.kind == KIND_COUNTRY) {
                    p.place.name = e.name.to_string();
                    p.best = (true, usize::MAX, 0);
                } else if let Some(e) = entry.filter(|_| !rank.0) {
                    // A dateline's `NEW YORK` is written as the place is elsewhere, so that
                    // it is one place in facets and filters across articles.
                    let cased = (true, rank.1, rank.2);
                    if cased > p.best {
                        p.best = cased;
                        p.place.name = if e.name.eq_ignore_ascii_case(&name) {
                            e.name.to_string()
                        } else {
                            title_case(&name)
                        };
                    }
                } else if rank > p.best {
                    p.best = rank;
                    p.place.name = name;
                }
                p.place.mentions.push(mention(text, start, end));
            }
            Class::Org => {}
        }
    }
    for m in &doc.matches {
        if m.kinds & (1 << KIND_DEMONYM) != 0
            && let Some(cc) = m.demonym
        {
            countries.push(String::from_utf8_lossy(&cc).into_owned());
        }
    }
    let places: Vec<Place> = places.into_iter().map(|p| p.place).collect();
    countries.extend(places.iter().filter_map(|p| p.country.clone()));
    countries.sort();
    countries.dedup();
    Entities {
        people: people
            .into_iter()
            .map(|p| Person {
                name: p.name,
                mentions: p.mentions,
            })
            .collect(),
        places,
        countries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "North Korea No Longer Interested in Reunification with South Korea

Kim Jong-un at the December 2023 plenary meeting of the Central Committee of the Workers’ Party of Korea. (Image: KCNA))

During a year-end party meeting, North Korea’s leader warned the nation to prepare for further economic hardships in 2024 and gave orders to accelerate war preparations against the U.S. Kim Jong-un encouraged his people to wage a “more courageous and resolute struggle despite the ever-increasing challenges and difficulties” in the new year.

According to South Korea’s National Intelligence Service, Pyongyang has historically carried out a series of provocations ahead of important political events.

KIM JONG-UN'S NEW ORDERS

Kim further pledged to expand strategic cooperation with “anti-imperialist independent’ countries, such as Russia, as Washington has been accusing Pyongyang of supplying military equipment to Moscow in support of its war with Ukraine. The revival of their partnership was sparked by the summit between Kim and Russian President, Vladimir Putin, on September 13, 2023.

SOUTH KOREA RECIPROCATES WAR PREPARATIONS

Recently, military drills were carried out in South Korea shortly after Seoul imposed new sanctions on eight North Koreans linked to nuclear and missile programs through arms trade.

The drills also came at a time when more than 1,200 people were killed in a recent attack in Israel, as Seoul’s mayor, Oh Se-hoon, described that “There was a big lesson for us when Israel’s world-class advanced defense system helplessly buckled under a surprise attack by Hamas armed with conventional artillery and primitive means.” Nevertheless, South Korean President, Yoon Suk-yeol, ruled out the possibility of owning nuclear weapons, and instead emphasized on fostering a military alliance with the U.S. and restoring security ties with Japan.

Kim Jong-un went as far as declaring that reunification between the two Koreas was “impossible” as he closed out 2023 during the annual end-of-year meeting of the ruling Workers' Party's Central Committee.";

    /// The text of each of a person's mentions, in order.
    fn mention_texts(person: &Person) -> Vec<&str> {
        person.mentions.iter().map(|m| m.text.as_str()).collect()
    }

    fn place<'a>(e: &'a Entities, name: &str) -> &'a Place {
        e.places
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no place {name} in {:?}", e.places))
    }

    #[test]
    fn fast_tagger_matches_reference() {
        let gaz = Gazetteer::embedded();
        for text in [
            SEED,
            "Mr. van der Berg of Smith & Wesson met de Gaulle in St. Louis.",
        ] {
            let mut a = Doc::new(text, gaz);
            let mut b = Doc::new(text, gaz);
            let mut fast = Vec::new();
            tagger::tag(&mut a, tagger::embedded_tables(), &mut fast);
            assert_eq!(
                fast,
                tagger::tag_reference(&mut b, tagger::embedded_models())
            );
        }
    }

    #[test]
    fn seed_article_people_and_places() {
        let e = find_entities(SEED);
        let mut people: Vec<&str> = e.people.iter().map(|p| p.name.as_str()).collect();
        people.sort();
        assert_eq!(
            people,
            [
                "Kim Jong-un",
                "Oh Se-hoon",
                "Vladimir Putin",
                "Yoon Suk-yeol"
            ]
        );
        for (name, cc) in [
            ("North Korea", "KP"),
            ("South Korea", "KR"),
            ("United States", "US"),
            ("Pyongyang", "KP"),
            ("Seoul", "KR"),
            ("Moscow", "RU"),
            ("Russia", "RU"),
            ("Ukraine", "UA"),
            ("Israel", "IL"),
            ("Japan", "JP"),
            ("Washington", "US"),
        ] {
            assert_eq!(place(&e, name).country.as_deref(), Some(cc), "{name}");
        }
        // Nothing but those: no fragments such as `North` or `Peninsula`.
        assert_eq!(e.places.len(), 11, "{:?}", e.places);
        assert_eq!(e.countries, ["IL", "JP", "KP", "KR", "RU", "UA", "US"]);
        for p in &e.places {
            for m in &p.mentions {
                assert_eq!(&SEED[m.start..m.end], m.text);
            }
        }
    }

    #[test]
    fn short_and_heading_forms_join_the_full_name() {
        let e = find_entities(SEED);
        let kim = e.people.iter().find(|p| p.name == "Kim Jong-un").unwrap();
        let forms = mention_texts(kim);
        assert!(
            forms.contains(&"Kim") && forms.contains(&"KIM JONG-UN"),
            "{forms:?}"
        );
        let heading = kim
            .mentions
            .iter()
            .find(|m| m.text == "KIM JONG-UN")
            .unwrap();
        assert_eq!(&SEED[heading.end..heading.end + 2], "'S");
        let oh = e.people.iter().find(|p| p.name == "Oh Se-hoon").unwrap();
        assert!(oh.mentions.len() == 1 || oh.mentions.iter().any(|m| m.text == "Oh"));
    }

    #[test]
    fn three_forms_one_person() {
        let text = "Kim Jong-un inspected a missile launch on Monday.\nKim said the test was a success.\n\nKIM JONG-UN'S NEW ORDERS";
        let e = find_entities(text);
        assert_eq!(e.people.len(), 1, "{:?}", e.people);
        assert_eq!(e.people[0].name, "Kim Jong-un");
        let forms = mention_texts(&e.people[0]);
        assert_eq!(forms, ["Kim Jong-un", "Kim", "KIM JONG-UN"]);
    }

    #[test]
    fn us_forms_are_one_place() {
        let text = "The U.S. said on Tuesday it would act. Officials in the United States declined to comment, and US forces stayed.";
        let e = find_entities(text);
        let us: Vec<&Place> = e
            .places
            .iter()
            .filter(|p| p.country.as_deref() == Some("US"))
            .collect();
        assert_eq!(us.len(), 1, "{:?}", e.places);
        assert_eq!(us[0].name, "United States");
        assert!(us[0].mentions.len() >= 2);
        assert_eq!(e.countries, ["US"]);
    }

    #[test]
    fn names_wrapped_over_two_lines_are_shown_on_one() {
        let text = "Finance Minister Kiichi\nMiyazawa told reporters in New\nYork that Kiichi Miyazawa\nwould stay.";
        let e = find_entities(text);
        assert_eq!(e.people.len(), 1, "{:?}", e.people);
        assert_eq!(e.people[0].name, "Kiichi Miyazawa");
        assert_eq!(mention_texts(&e.people[0])[0], "Kiichi\nMiyazawa");
        assert_eq!(place(&e, "New York").mentions[0].text, "New\nYork");
    }

    #[test]
    fn no_name_runs_across_a_blank_line() {
        let text = "HOUSE PASSES TRADE BILL\n\nWASHINGTON, March 3 - The House passed the bill, \
                    officials in WASHINGTON said.";
        let e = find_entities(text);
        let names = e
            .people
            .iter()
            .map(|p| &p.name)
            .chain(e.places.iter().map(|p| &p.name));
        for name in names {
            assert!(
                !name.contains('\n'),
                "{name:?} in {:?} {:?}",
                e.people,
                e.places
            );
        }
        // A known place shouted in a dateline is written as it is elsewhere.
        assert_eq!(place(&e, "Washington").mentions.len(), 2);
    }

    #[test]
    fn a_wire_credit_is_not_a_person() {
        let text = "TALKS AGREED\n\nTOKYO, March 30 - North Korean prime minister Li Gun-Mo \
                    said the two prime ministers would meet in April.\n REUTER\n";
        let e = find_entities(text);
        let people: Vec<&str> = e.people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(people, ["Li Gun-Mo"]);
    }

    #[test]
    fn title_case_of_shouted_names() {
        assert_eq!(title_case("NEW YORK"), "New York");
        assert_eq!(title_case("WINSTON-SALEM"), "Winston-Salem");
        assert_eq!(title_case("ST. LOUIS"), "St. Louis");
        assert_eq!(title_case("COEUR D'ALENE"), "Coeur D'Alene");
    }

    #[test]
    fn demonym_adds_country_not_place() {
        let text = "A Russian official met North Korean diplomats on Friday.";
        let e = find_entities(text);
        assert!(e.places.is_empty(), "{:?}", e.places);
        assert_eq!(e.countries, ["KP", "RU"]);
    }

    #[test]
    fn courtesy_titles_are_outside_names_and_join_the_full_name() {
        let text =
            "Mr Kennedy spoke first.\nLater Charles Kennedy said Mr Kennedy had been misquoted.";
        let e = find_entities(text);
        assert_eq!(e.people.len(), 1, "{:?}", e.people);
        assert_eq!(e.people[0].name, "Charles Kennedy");
        let forms = mention_texts(&e.people[0]);
        assert_eq!(forms, ["Kennedy", "Charles Kennedy", "Kennedy"]);
    }

    #[test]
    fn bare_compass_words_are_not_places() {
        let text =
            "Talks between Seoul and Pyongyang stalled. The North blamed the South for the delay.";
        let e = find_entities(text);
        let names: Vec<&str> = e.places.iter().map(|p| p.name.as_str()).collect();
        assert!(
            !names.iter().any(|n| *n == "North" || *n == "South"),
            "{names:?}"
        );
        assert!(
            names.contains(&"Seoul") && names.contains(&"Pyongyang"),
            "{names:?}"
        );
    }

    #[test]
    fn a_demonym_shared_by_territories_names_the_largest_country() {
        let e = find_entities("American officials declined to comment.");
        assert_eq!(e.countries, ["US"]);
    }
}
