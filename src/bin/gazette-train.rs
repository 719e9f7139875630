//! Rebuilds `data/`: derives compact gazetteer tables from the shared raw sources and
//! trains the two tagger passes on CoNLL-2003 train.
//!
//! usage: gazette-train SHARED_DIR OUT_DIR   (e.g. `../shared data`)
//!
//! The training code is compiled into the library only with the `train` feature:
//! `cargo run --release --features train --bin gazette-train -- ../shared data`.
//!
//! The library embeds `OUT_DIR/gazetteer.bin`, so building from a checkout without it
//! needs an empty placeholder file first (`touch data/gazetteer.bin`).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::Path;

use gazette::extract::gazetteer::Gazetteer;
use gazette::extract::tagger::{self, Class, Example};
use gazette::extract::words::{GENERIC_PLACE_NOUNS, RELATIVE_PLACE_WORDS};

/// Alternate city names are kept only for cities big enough to be written about under them.
const ALT_NAME_MIN_POP: u64 = 100_000;
const GIVEN_MIN_BIRTHS: u64 = 300;
const GIVEN_COMMON_BIRTHS: u64 = 30_000;
const SURNAME_MAX_RANK: u64 = 50_000;
const SURNAME_COMMON_RANK: u64 = 3_000;
const MODEL_BITS: u32 = 17;
const EPOCHS: usize = 10;
/// An organisation word ends at least this many distinct organisation names in training...
const ORG_WORD_MIN_NAMES: usize = 3;
/// ...and more than this many times as many as it ends names of people or places.
const ORG_WORD_MIN_RATIO: usize = 2;

/// Everyday names for countries that none of the sources list.
const COUNTRY_ALIASES: &[(&str, &str)] = &[
    ("US", "U.S."),
    ("US", "U.S"),
    ("US", "US"),
    ("US", "USA"),
    ("US", "U.S.A."),
    ("US", "America"),
    ("US", "United States of America"),
    ("GB", "Britain"),
    ("GB", "Great Britain"),
    ("GB", "UK"),
    ("GB", "U.K."),
    ("NL", "Holland"),
    ("CZ", "Czech Republic"),
    ("CI", "Ivory Coast"),
    ("MM", "Burma"),
    ("CD", "Congo"),
    ("KR", "S. Korea"),
    ("KP", "N. Korea"),
    ("AE", "UAE"),
    ("AE", "U.A.E."),
];

/// Former states, each a place of its own (a 1987 report on the Soviet Union is not one on
/// Russia) under the assigned code of the state that continues it: ISO 3166's `SU`, `DD` and
/// `YU` are only transitionally reserved, and West Germany's `DE` stayed Germany's. Then their
/// demonyms, which no source lists.
const FORMER_STATES: &[(&str, &[&str], &[&str])] = &[
    (
        "RU",
        &["Soviet Union", "USSR", "U.S.S.R."],
        &["Soviet", "Soviets"],
    ),
    ("DE", &["West Germany"], &["West German"]),
    ("DE", &["East Germany"], &["East German"]),
    ("RS", &["Yugoslavia"], &["Yugoslav", "Yugoslavs"]),
];

/// Whether `name` is one of the `FORMER_STATES`, which GeoNames may also list as another
/// name of a later state (`Yugoslavia` of Serbia and Montenegro).
fn former_state_name(name: &str) -> bool {
    FORMER_STATES
        .iter()
        .any(|(_, names, _)| names.contains(&name))
}

/// Latin-script, capitalised, not a code (`ALV`) and not a list (`Bonaire, Saba`).
fn usable_name(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_uppercase()
        && s.chars().count() >= 3
        && s.chars()
            .all(|c| (c as u32) < 0x250 && !c.is_ascii_digit() && c != ',' && c != '(')
        && s.chars().any(|c| c.is_lowercase())
}

/// Compass words name regions in some countries' admin lists (`North`, Cameroon) but in news
/// they are almost always relative (`the North`), so such names carry no country.
fn directional(s: &str) -> bool {
    s.split([' ', '-']).all(|w| {
        let w = w.to_lowercase();
        RELATIVE_PLACE_WORDS.contains(&w.as_str())
            || matches!(
                w.as_str(),
                "central"
                    | "centre"
                    | "center"
                    | "northeast"
                    | "northwest"
                    | "southeast"
                    | "southwest"
                    | "district"
            )
    })
}

/// A kind of place on its own (`Gulf`, `Island`, `City`) is, in news, a place the story names
/// or takes as known (Reuters' `the Gulf` is the Persian Gulf), not the gazetteer's (Papua New
/// Guinea's Gulf province; `Island`, Iceland in Icelandic; `City`, the City of London): it is
/// no other name of a place, and a place it is the name of carries no country.
fn kind_of_place(s: &str) -> bool {
    GENERIC_PLACE_NOUNS.contains(&s.to_lowercase().as_str())
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    let s = s.trim();
    if !s.is_empty() && !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn read(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes)
        .trim_start_matches('\u{feff}')
        .to_string()
}

/// A usable name that is not a bare compass word.
fn usable_place_name(s: &str) -> bool {
    usable_name(s) && !directional(s)
}

/// One line of `places.tsv`: kind (`C`ountry, `A`dmin region, `P`opulated place), country
/// code, population and the names, canonical first.
fn place_line(kind: char, cc: &str, population: &str, names: &[String]) -> String {
    let cc = if names.first().is_some_and(|n| kind_of_place(n)) {
        ""
    } else {
        cc
    };
    format!("{kind}\t{cc}\t{population}\t{}\n", names.join("|"))
}

/// Demonyms per country code, each form once, in order.
type Demonyms = BTreeMap<String, BTreeSet<String>>;

/// The countryinfo records (`altSpellings`, `demonym`...) by ISO alpha-2 code.
fn read_countryinfo(src: &Path) -> HashMap<String, serde_json::Value> {
    let mut json = HashMap::new();
    for e in fs::read_dir(src.join("countryinfo")).expect("countryinfo dir") {
        let p = e.expect("dir entry").path();
        if p.extension().is_some_and(|x| x == "json")
            && let Ok(v) = serde_json::from_str::<serde_json::Value>(&read(&p))
            && let Some(cc) = v["ISO"]["alpha2"].as_str()
        {
            json.insert(cc.to_string(), v);
        }
    }
    json
}

/// The countries' `places.tsv` lines, with GeoNames' name, countryinfo's spellings and the
/// everyday aliases; collects countryinfo's demonyms and each country's population.
fn countries(
    src: &Path,
    demonyms: &mut Demonyms,
    population: &mut BTreeMap<String, u64>,
) -> String {
    let json = read_countryinfo(src);
    let mut places = String::new();
    for line in read(&src.join("geonames/countryInfo.txt")).lines() {
        if line.starts_with('#') {
            continue;
        }
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 8 {
            continue;
        }
        let (listed, cc) = (c[0], assigned_code(c[0]));
        if cc == listed {
            population.insert(cc.to_string(), c[7].parse().unwrap_or(0));
        }
        let mut names = vec![c[4].trim().to_string()];
        if let Some(v) = json.get(listed) {
            if let Some(n) = v["name"].as_str() {
                push_unique(&mut names, n);
            }
            for alt in v["altSpellings"].as_array().into_iter().flatten() {
                if let Some(a) = alt.as_str().filter(|a| usable_name(a) && !kind_of_place(a)) {
                    push_unique(&mut names, a);
                }
            }
            if let Some(d) = v["demonym"]
                .as_str()
                .filter(|d| !d.is_empty() && !cc.is_empty())
            {
                demonyms
                    .entry(cc.to_string())
                    .or_default()
                    .insert(d.to_string());
            }
        }
        for (acc, alias) in COUNTRY_ALIASES {
            if *acc == listed {
                push_unique(&mut names, alias);
            }
        }
        names.retain(|n| !former_state_name(n));
        places += &place_line('C', cc, c[7], &names);
    }
    places
}

/// The `places.tsv` lines of the `FORMER_STATES`; collects their demonyms.
fn former_states(demonyms: &mut Demonyms) -> String {
    let mut places = String::new();
    for (cc, names, forms) in FORMER_STATES {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        places += &place_line('C', cc, "0", &names);
        let of_country = demonyms.entry(cc.to_string()).or_default();
        of_country.extend(forms.iter().map(|f| f.to_string()));
    }
    places
}

/// The usable names among `candidates`, each once, a kind of place only as the first.
fn place_names<'s>(candidates: impl IntoIterator<Item = &'s str>) -> Vec<String> {
    let mut names = Vec::new();
    for n in candidates.into_iter().filter(|n| usable_place_name(n)) {
        if names.is_empty() || !kind_of_place(n) {
            push_unique(&mut names, n);
        }
    }
    names
}

/// The first-level divisions' `places.tsv` lines (name and ASCII name).
fn admin_regions(src: &Path) -> String {
    let mut places = String::new();
    for line in read(&src.join("geonames/admin1CodesASCII.txt")).lines() {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 3 {
            continue;
        }
        let cc = assigned_code(c[0].split('.').next().unwrap_or(""));
        let names = place_names([c[1], c[2]]);
        if !names.is_empty() {
            places += &place_line('A', cc, "0", &names);
        }
    }
    places
}

/// The cities' `places.tsv` lines: name and ASCII name, and alternate names for big cities.
fn cities(src: &Path) -> String {
    let mut places = String::new();
    for line in read(&src.join("geonames/cities15000.txt")).lines() {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() < 15 {
            continue;
        }
        let pop: u64 = c[14].parse().unwrap_or(0);
        let alternates = c[3].split(',').filter(|_| pop >= ALT_NAME_MIN_POP);
        let names = place_names([c[1], c[2]].into_iter().chain(alternates));
        if !names.is_empty() {
            places += &place_line('P', assigned_code(c[8]), &pop.to_string(), &names);
        }
    }
    places
}

/// Codes that ISO 3166 reserves for a country that has another one (`UK`, which geotext gives
/// `English`, is Britain's `GB`; `EL` is Greece's `GR`).
const RESERVED_CODES: &[(&str, &str)] = &[("UK", "GB"), ("EL", "GR")];

/// Codes GeoNames still lists that are no assigned ISO 3166-1 code, with the assigned code of
/// the state that continues them, if one does. Serbia and Montenegro's `CS` (Reuters'
/// `Yugoslavia`) goes to Serbia's `RS`, as the Soviet Union goes to Russia; the Netherlands
/// Antilles' `AN` split into three (`CW`, `SX`, `BQ`) and none continues it; Kosovo's `XK` is
/// a user-assigned code, not ISO's. Their places stay places, with no country code.
const WITHDRAWN_CODES: &[(&str, Option<&str>)] = &[("CS", Some("RS")), ("AN", None), ("XK", None)];

/// GeoNames' code `cc` as the assigned code it is filed under: itself, its continuing state's,
/// or none (an empty code).
fn assigned_code(cc: &str) -> &str {
    match WITHDRAWN_CODES
        .iter()
        .find(|(withdrawn, _)| *withdrawn == cc)
    {
        Some((_, successor)) => successor.unwrap_or(""),
        None => cc,
    }
}

/// The assigned ISO 3166-1 alpha-2 codes GeoNames lists, which every code gazette emits must be.
fn valid_codes(src: &Path) -> BTreeSet<String> {
    read(&src.join("geonames/countryInfo.txt"))
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split('\t').next())
        .filter(|cc| cc.len() == 2 && assigned_code(cc) == *cc)
        .map(str::to_string)
        .collect()
}

/// `cc` as a valid code: itself, the code a reserved or withdrawn one stands for, or `None`.
fn iso_code(cc: &str, valid: &BTreeSet<String>) -> Option<String> {
    let cc = RESERVED_CODES
        .iter()
        .find(|(reserved, _)| *reserved == cc)
        .map_or(cc, |(_, code)| code);
    let cc = assigned_code(cc);
    valid.contains(cc).then(|| cc.to_string())
}

/// geotext demonyms that name another country than their own, checked against ISO 3166-1
/// names by hand where countryinfo does not settle it: a Breton is from Brittany, in France.
const NATIONALITY_FIXES: &[(&str, &str)] = &[("breton", "FR")];

/// Adds the geotext demonyms (`american:US`), except where countryinfo, read first, gives the
/// form to another country (geotext has `thai:TW`, `tuvaluan:TW`, `mauritian:MR`, `swiss:SZ`:
/// the neighbouring row's code).
fn nationalities(src: &Path, demonyms: &mut Demonyms, valid: &BTreeSet<String>) {
    let mut countryinfo: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (cc, forms) in demonyms.iter() {
        for form in forms {
            let owners = countryinfo.entry(form.to_lowercase()).or_default();
            owners.insert(cc.clone());
        }
    }
    for line in read(&src.join("demonyms/nationalities.txt")).lines() {
        if let Some((d, cc)) = line.split_once(':')
            && !line.starts_with('#')
        {
            let d = d.trim();
            let fixed = NATIONALITY_FIXES.iter().find(|(form, _)| *form == d);
            let cc = fixed.map_or(cc.trim(), |(_, cc)| cc);
            let Some(cc) = iso_code(cc, valid) else {
                continue;
            };
            if countryinfo
                .get(&d.to_lowercase())
                .is_some_and(|owners| !owners.contains(&cc))
            {
                continue;
            }
            demonyms.entry(cc).or_default().insert(d.to_string());
        }
    }
}

/// `demonyms.tsv`: per country, the forms (and people-nouns) that name it.
fn demonym_lines(demonyms: &Demonyms, population: &BTreeMap<String, u64>) -> String {
    // A form claimed by several countries (`American`: the United States, but also the
    // Northern Mariana Islands in countryinfo) names the most populous of them. Forms are
    // looked up whatever their case, so `dominican` (Dominica, in geotext) and `Dominican`
    // (the Dominican Republic) are one form.
    let people = |cc: &str| population.get(cc).copied().unwrap_or(0);
    let mut owner: BTreeMap<String, String> = BTreeMap::new();
    let mut spelt: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (cc, forms) in demonyms {
        for f in forms {
            // People-nouns (`North Koreans`, `Israelis`) name the country as much as the adjective does.
            let plural = (f.ends_with('n') || f.ends_with('i')).then(|| format!("{f}s"));
            for form in plural.into_iter().chain([f.clone()]) {
                let folded = form.to_lowercase();
                let keep = owner.get(&folded).is_some_and(|o| people(o) >= people(cc));
                if !keep {
                    owner.insert(folded.clone(), cc.clone());
                }
                spelt.entry(folded).or_default().insert(form);
            }
        }
    }
    let mut by_country: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (folded, cc) in &owner {
        let forms = spelt[folded].iter().map(String::as_str);
        by_country.entry(cc).or_default().extend(forms);
    }
    for forms in by_country.values_mut() {
        forms.sort_unstable();
    }
    let mut dem = String::new();
    for (cc, forms) in by_country {
        dem += &format!("{cc}\t{}\n", forms.join("|"));
    }
    dem
}

/// `places.tsv`, `demonyms.tsv` and `iso3166.txt` (the valid country codes, one a line)
/// from GeoNames, countryinfo and geotext.
fn derive_places(src: &Path) -> (String, String, String) {
    let valid = valid_codes(src);
    let mut demonyms = Demonyms::new();
    let mut population = BTreeMap::new();
    let mut places = countries(src, &mut demonyms, &mut population);
    places += &former_states(&mut demonyms);
    places += &admin_regions(src);
    places += &cities(src);
    nationalities(src, &mut demonyms, &valid);
    let codes: String = valid.iter().map(|cc| format!("{cc}\n")).collect();
    (places, demonym_lines(&demonyms, &population), codes)
}

fn derive_names(src: &Path) -> String {
    let mut flags: BTreeMap<String, BTreeSet<char>> = BTreeMap::new();
    let mut births: HashMap<String, u64> = HashMap::new();
    for line in read(&src.join("names/ssa_names_1880_2024_totals.csv"))
        .lines()
        .skip(1)
    {
        let c: Vec<&str> = line.split(',').collect();
        if c.len() >= 3 {
            *births.entry(c[0].to_lowercase()).or_default() += c[2].parse::<u64>().unwrap_or(0);
        }
    }
    for (name, n) in births {
        if n >= GIVEN_MIN_BIRTHS {
            let f = if n >= GIVEN_COMMON_BIRTHS { 'G' } else { 'g' };
            flags.entry(name).or_default().insert(f);
        }
    }
    for file in ["census1990.male.first", "census1990.female.first"] {
        for line in read(&src.join("names").join(file)).lines() {
            if let Some(n) = line.split_whitespace().next() {
                flags.entry(n.to_lowercase()).or_default().insert('g');
            }
        }
    }
    for line in read(&src.join("names/census1990.all.last")).lines() {
        let c: Vec<&str> = line.split_whitespace().collect();
        if c.len() < 4 {
            continue;
        }
        let rank: u64 = c[3].parse().unwrap_or(u64::MAX);
        if rank <= SURNAME_MAX_RANK {
            let f = if rank <= SURNAME_COMMON_RANK {
                'S'
            } else {
                's'
            };
            flags.entry(c[0].to_lowercase()).or_default().insert(f);
        }
    }
    let mut out = String::new();
    for (name, f) in flags {
        let f: String = f.into_iter().collect();
        out += &format!("{name}\t{f}\n");
    }
    out
}

fn load_examples(dir: &Path) -> Vec<Example> {
    let mut out = Vec::new();
    for line in read(&dir.join("gold.jsonl")).lines() {
        let g: serde_json::Value = serde_json::from_str(line).expect("gold line");
        let file = g["file"].as_str().expect("file");
        let text = read(&dir.join("docs").join(file));
        let mut spans = Vec::new();
        for (key, class) in [
            ("people", Class::Per),
            ("places", Class::Loc),
            ("orgs", Class::Org),
        ] {
            for m in g[key].as_array().into_iter().flatten() {
                let s = m["start"].as_u64().expect("start") as usize;
                let e = m["end"].as_u64().expect("end") as usize;
                spans.push((class, s, e));
            }
        }
        out.push(Example { text, spans });
    }
    out
}

/// `names.tsv` lines (flag `o`) for the words that end organisations' names in the training
/// gold (`Corp`, `Party`, `Ministry`): last words of several distinct multi-word organisation
/// names, much more often than of people's or places', and not a place name themselves
/// (`Moscow` of `Dynamo Moscow`).
fn derive_org_words(examples: &[Example], gaz: &Gazetteer) -> String {
    let mut ends: BTreeMap<String, [BTreeSet<String>; 2]> = BTreeMap::new();
    for e in examples {
        for &(class, s, end) in &e.spans {
            let name = e.text[s..end].to_lowercase();
            let words: Vec<&str> = name.split_whitespace().collect();
            if let [_, .., last] = words[..] {
                let k = usize::from(class != Class::Org);
                ends.entry(last.to_string()).or_default()[k].insert(name.clone());
            }
        }
    }
    let mut out = String::new();
    for (word, [org, other]) in ends {
        if org.len() >= ORG_WORD_MIN_NAMES
            && org.len() > ORG_WORD_MIN_RATIO * other.len()
            && !gaz.is_place(&word)
        {
            out += &format!("{word}\to\n");
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: gazette-train SHARED_DIR OUT_DIR");
        std::process::exit(2);
    }
    let shared = Path::new(&args[1]);
    let out = Path::new(&args[2]);
    let src = shared.join("data/gazetteer");
    fs::create_dir_all(out.join("gazetteer")).expect("create out dir");
    let (places, demonyms, codes) = derive_places(&src);
    let examples = load_examples(&shared.join("eval/conll-train"));
    let org_words = derive_org_words(&examples, &Gazetteer::parse(&places, &demonyms, ""));
    let names = derive_names(&src) + &org_words;
    fs::write(out.join("gazetteer/places.tsv"), &places).expect("write places");
    fs::write(out.join("gazetteer/demonyms.tsv"), &demonyms).expect("write demonyms");
    fs::write(out.join("gazetteer/iso3166.txt"), &codes).expect("write country codes");
    fs::write(out.join("gazetteer/names.tsv"), &names).expect("write names");
    let gaz = Gazetteer::parse(&places, &demonyms, &names);
    // The runtime loads these finished tables; the TSV files stay the readable source.
    fs::write(out.join("gazetteer.bin"), gaz.to_bytes()).expect("write gazetteer tables");
    eprintln!("training on {} documents", examples.len());
    let (m1, m2) = tagger::train(&examples, &gaz, MODEL_BITS, EPOCHS);
    fs::write(out.join("ner1.model"), m1).expect("write model");
    fs::write(out.join("ner2.model"), m2).expect("write model");
}
