//! Organisations: one canonical name per organisation across spellings (`OPEC`, `Opec`),
//! known short forms (`EU`, `European Union`) and acronyms an article spells out
//! (`International Monetary Fund (IMF)`).

use std::borrow::Cow;
use std::sync::OnceLock;

use super::hash::SievedTable;
use super::types::{Mention, Org};
use super::words::to_lowercase_into;

/// Well-known organisations written under several names, canonical name first. Matching is
/// case-insensitive, so `Opec` is `OPEC` in every article, whichever way that one writes it.
const KNOWN_ORGS: &[&[&str]] = &[
    &["European Union", "EU", "E.U."],
    &["United Nations", "UN", "U.N."],
    &["OPEC", "Organization of the Petroleum Exporting Countries"],
    &["NATO", "North Atlantic Treaty Organization"],
    &["International Monetary Fund", "IMF"],
    &[
        "World Trade Organization",
        "WTO",
        "World Trade Organisation",
    ],
    &["World Bank"],
    &[
        "World Health Organization",
        "WHO",
        "World Health Organisation",
    ],
    &["European Commission"],
    &["European Central Bank", "ECB"],
    &["Federal Reserve", "Fed", "Federal Reserve Board"],
    &["FIFA"],
    &["UEFA"],
    &["Football Association", "FA"],
    &["BBC", "British Broadcasting Corporation"],
    &["CIA", "Central Intelligence Agency"],
    &["FBI", "Federal Bureau of Investigation"],
    &["Reuters", "Reuter"],
    &["Associated Press", "AP"],
    &["Agence France-Presse", "AFP"],
    &["KCNA", "Korean Central News Agency"],
    &["International Atomic Energy Agency", "IAEA"],
    &[
        "Organisation for Economic Co-operation and Development",
        "OECD",
    ],
    &["ASEAN", "Association of Southeast Asian Nations"],
    &["Securities and Exchange Commission", "SEC"],
    &["General Agreement on Tariffs and Trade", "GATT"],
    &["Palestine Liberation Organization", "PLO"],
    &["African National Congress", "ANC"],
];

/// Whether `name` is a well-known organisation's, which the tagger's reading of the context
/// does not overrule.
pub(crate) fn is_known_org(name: &str) -> bool {
    known_name(name).is_some()
}

/// The canonical name of a well-known organisation written as `name`.
fn known_name(name: &str) -> Option<&'static str> {
    static FORMS: OnceLock<SievedTable<&str>> = OnceLock::new();
    let forms = FORMS.get_or_init(|| {
        SievedTable::new(KNOWN_ORGS.iter().flat_map(|f| f.iter().map(|&n| (n, f[0]))))
    });
    forms.get(name).copied()
}

/// The letters of an acronym (`IMF`, `U.N.`), or `None` if `name` is not one: a single word of
/// two to six capitals, dots allowed between them.
fn acronym_letters(name: &str) -> Option<String> {
    // Checked on the bytes before anything is allocated: most names fail at their second letter.
    let ok = name.bytes().all(|b| b.is_ascii_uppercase() || b == b'.')
        && (2..=6).contains(&name.bytes().filter(u8::is_ascii_uppercase).count());
    ok.then(|| name.replace('.', ""))
}

/// Whether the initials of `name` are `letters` (two or more, as `acronym_letters` gives),
/// skipping the small words acronyms leave out: `Workers' Party of Korea` → `WPK`. Read as
/// the words come, with nothing collected: most articles' organisations are asked for each
/// acronym in them.
fn initials_are(name: &str, letters: &str) -> bool {
    let initials =
        (name.split([' ', '-'])).filter_map(|w| w.chars().next().filter(|c| c.is_uppercase()));
    initials.eq(letters.chars())
}

/// Ranks a candidate name: properly cased beats shouted, then more words, then longer.
type Rank = (bool, usize, usize);

/// One organisation mention as grouping reads it: its display name (borrowed from the text
/// when written on one line), the rank of that form, and the mention.
pub(crate) type OrgForm<'t> = (Cow<'t, str>, Rank, Mention);

/// An organisation being assembled.
struct OrgAcc {
    /// Lower-cased canonical name: what makes two forms one organisation.
    key: String,
    /// A well-known organisation's name, which no form found in the text replaces.
    known: Option<&'static str>,
    best: (Rank, String),
    mentions: Vec<Mention>,
}

impl OrgAcc {
    fn offer(&mut self, rank: Rank, name: &str) {
        if rank > self.best.0 {
            self.best.0 = rank;
            self.best.1.clear();
            self.best.1.push_str(name);
        }
    }

    fn name(&self) -> &str {
        self.known.unwrap_or(&self.best.1)
    }
}

/// Groups the organisation mentions of one article, each given as its display name, the
/// rank of that form and the mention: first by canonical name, then an acronym joins the
/// organisation whose name it abbreviates.
pub(crate) fn group_orgs(forms: Vec<OrgForm>) -> Vec<Org> {
    let mut orgs: Vec<OrgAcc> = Vec::new();
    // Each form's key, in memory reused from one form to the next; kept only for a new one.
    let mut key = String::new();
    for (name, rank, mention) in forms {
        let known = known_name(&name);
        to_lowercase_into(known.unwrap_or(&name), &mut key);
        let i = match orgs.iter().position(|o| o.key == key) {
            Some(i) => i,
            None => {
                orgs.push(OrgAcc {
                    key: key.clone(),
                    known,
                    best: Default::default(),
                    mentions: Vec::new(),
                });
                orgs.len() - 1
            }
        };
        orgs[i].offer(rank, &name);
        orgs[i].mentions.push(mention);
    }
    merge_acronyms(&mut orgs);
    orgs.into_iter()
        .map(|o| Org {
            name: o.known.map_or(o.best.1, str::to_string),
            mentions: o.mentions,
        })
        .collect()
}

/// Moves each acronym's mentions into the one organisation of the article it abbreviates.
fn merge_acronyms(orgs: &mut Vec<OrgAcc>) {
    let letters: Vec<Option<String>> = orgs.iter().map(|o| acronym_letters(o.name())).collect();
    if letters.iter().all(Option::is_none) {
        return;
    }
    // Pairs (acronym, full name), each acronym with the one name whose initials it is.
    let mut moves: Vec<(usize, usize)> = Vec::new();
    for (i, l) in letters.iter().enumerate() {
        let Some(l) = l else { continue };
        let mut full = (0..orgs.len()).filter(|&j| j != i && initials_are(orgs[j].name(), l));
        if let (Some(j), None) = (full.next(), full.next()) {
            moves.push((i, j));
        }
    }
    // A full name is never an acronym (it has two words or more), so no move chains.
    for &(i, j) in &moves {
        let mentions = std::mem::take(&mut orgs[i].mentions);
        orgs[j].mentions.extend(mentions);
        orgs[j].mentions.sort_by_key(|m| m.start);
    }
    let mut k = 0;
    orgs.retain(|_| {
        k += 1;
        !moves.iter().any(|&(i, _)| i == k - 1)
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forms<'a>(names: &[&'a str]) -> Vec<OrgForm<'a>> {
        let mut at = 0;
        names
            .iter()
            .map(|&n| {
                let shouted = n.len() > 3 && !n.chars().any(char::is_lowercase);
                let rank = (!shouted, n.split(' ').count(), n.len());
                let m = Mention {
                    text: n.to_string(),
                    start: at,
                    end: at + n.len(),
                };
                at += n.len() + 1;
                (Cow::Borrowed(n), rank, m)
            })
            .collect()
    }

    fn names(orgs: &[Org]) -> Vec<&str> {
        orgs.iter().map(|o| o.name.as_str()).collect()
    }

    #[test]
    fn case_variants_and_known_short_forms_are_one_name() {
        let orgs = group_orgs(forms(&["Opec", "OPEC", "EU", "European Union", "U.N."]));
        assert_eq!(names(&orgs), ["OPEC", "European Union", "United Nations"]);
        assert_eq!(orgs[0].mentions.len(), 2);
        assert_eq!(orgs[1].mentions.len(), 2);
        // Each article, whichever form it uses, gives the same name.
        assert_eq!(names(&group_orgs(forms(&["Opec"]))), ["OPEC"]);
        assert_eq!(names(&group_orgs(forms(&["EU"]))), ["European Union"]);
    }

    #[test]
    fn an_acronym_joins_the_name_it_abbreviates() {
        let orgs = group_orgs(forms(&[
            "Workers' Party of Korea",
            "Hamas",
            "WPK",
            "National Intelligence Service",
            "NIS",
        ]));
        assert_eq!(
            names(&orgs),
            [
                "Workers' Party of Korea",
                "Hamas",
                "National Intelligence Service"
            ]
        );
        let texts: Vec<&str> = orgs[0].mentions.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["Workers' Party of Korea", "WPK"]);
    }

    #[test]
    fn initials_skip_small_words_and_keys_fold_every_case() {
        assert!(initials_are("Workers' Party of Korea", "WPK"));
        assert!(initials_are("Agence France-Presse", "AFP"));
        assert!(!initials_are("Workers' Party of Korea", "WP"));
        assert!(!initials_are("Workers' Party of Korea", "WPKA"));
        assert!(!initials_are("Élan Motors", "EM"));
        let orgs = group_orgs(forms(&[
            "Société Générale",
            "SOCIÉTÉ GÉNÉRALE",
            "ΟΔΣ",
            "οδς",
        ]));
        assert_eq!(names(&orgs), ["Société Générale", "οδς"]);
        assert_eq!(orgs[0].mentions.len(), 2);
        assert_eq!(orgs[1].mentions.len(), 2);
    }

    #[test]
    fn an_acronym_two_names_share_stays_apart() {
        let orgs = group_orgs(forms(&["National Party", "New Partners", "NP"]));
        assert_eq!(orgs.len(), 3);
        assert_eq!(acronym_letters("Hamas"), None);
        assert_eq!(acronym_letters("U.N.").as_deref(), Some("UN"));
        assert_eq!(acronym_letters("I.M.F").as_deref(), Some("IMF"));
        assert_eq!(acronym_letters("ABCDEF").as_deref(), Some("ABCDEF"));
        for not in ["A", "A.", "ABCDEFG", "AB1", "IMF's", "Ü.N.", ".."] {
            assert_eq!(acronym_letters(not), None, "{not}");
        }
    }
}
