//! The alias file (`aliases.toml`): the user's corrections to the names gazette found. A name
//! can be merged into another or renamed (the same rule: it is shown and counted as the other
//! name), hidden, or moved to another kind.

use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::kind::Kind;
use crate::extract::{Extraction, Mention, Org, Person, Place};

/// The file's name, in the working folder by default and as recorded in an index folder.
pub(crate) const FILE_NAME: &str = "aliases.toml";

/// What one rule does to a name of its kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Action {
    /// Shown and counted as this name (`merge` and `rename` alike).
    Rename(String),
    Hide,
    /// The same name, of another kind.
    Move(Kind),
}

/// Where a name ends up once the rules are applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome<'a> {
    Hidden,
    Name(Kind, &'a str),
}

/// A checked alias file. Rules never chain: the name a rule leads to has no rule of its own,
/// so applying them is one look-up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Aliases {
    /// Per kind, so that a name is looked up without being copied.
    rules: FxHashMap<Kind, FxHashMap<String, Action>>,
    /// The file as read, recorded in the index folder by `gazette index`.
    text: String,
}

/// A mistake in an alias file: the 1-based line it is on, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Malformed {
    pub line: usize,
    pub message: String,
}

impl Aliases {
    /// Reads and checks an alias file.
    pub(crate) fn read(path: &Path) -> crate::Result<Aliases> {
        let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, e))?;
        Aliases::from_bytes(path, bytes)
    }

    /// Checks the bytes of the alias file at `path`, already read.
    pub(crate) fn from_bytes(path: &Path, bytes: Vec<u8>) -> crate::Result<Aliases> {
        let text = String::from_utf8(bytes).map_err(|_| crate::Error::Aliases {
            path: path.to_path_buf(),
            line: 1,
            message: "the file is not UTF-8".into(),
        })?;
        Aliases::parse(&text).map_err(|m| crate::Error::Aliases {
            path: path.to_path_buf(),
            line: m.line,
            message: m.message,
        })
    }

    /// Parses the text of an alias file:
    ///
    /// ```toml
    /// [people]
    /// "Oscar" = "hide"
    /// "Anthony Blair" = { merge = "Tony Blair" }
    /// "Downing Street" = { move = "places" }
    /// ```
    pub(crate) fn parse(text: &str) -> Result<Aliases, Malformed> {
        let at = |span: Range<usize>, message: String| Malformed {
            line: line_of(text, span.start),
            message,
        };
        let table = DeTable::parse(text).map_err(|e| {
            let first_line = e.message().lines().next().unwrap_or("syntax error");
            at(
                e.span().unwrap_or(0..0),
                format!("TOML: {}", first_line.trim()),
            )
        })?;
        let mut aliases = Aliases {
            rules: FxHashMap::default(),
            text: text.to_string(),
        };
        let mut lines: FxHashMap<(Kind, String), usize> = FxHashMap::default();
        for (kind_name, section) in table.get_ref() {
            let kind = Kind::parse(kind_name.get_ref()).ok_or_else(|| {
                at(
                    kind_name.span(),
                    format!(
                        "unknown kind [{}] (kinds: people, places, orgs)",
                        kind_name.get_ref()
                    ),
                )
            })?;
            let DeValue::Table(rules) = section.get_ref() else {
                return Err(at(
                    section.span(),
                    format!("[{}] must be a table", kind.word()),
                ));
            };
            for (name, rule) in rules {
                let action = action(rule).map_err(|message| at(rule.span(), message))?;
                let name = name.get_ref().to_string();
                check_name(&name).map_err(|message| at(rule.span(), message))?;
                lines.insert((kind, name.clone()), line_of(text, rule.span().start));
                aliases.rules.entry(kind).or_default().insert(name, action);
            }
        }
        aliases.check(&lines)?;
        Ok(aliases)
    }

    /// Refuses a rule that names itself, and one leading to a name that has a rule too (which
    /// would make the outcome depend on the order rules are applied in).
    fn check(&self, lines: &FxHashMap<(Kind, String), usize>) -> Result<(), Malformed> {
        let mut ruled: Vec<_> = self.entries().collect();
        ruled.sort_by_key(|(kind, name, _)| lines[&(*kind, name.to_string())]);
        for (kind, name, action) in ruled {
            let line = lines[&(kind, name.to_string())];
            let wrong = |message: String| Err(Malformed { line, message });
            let target = match action {
                Action::Hide => continue,
                Action::Rename(to) => (kind, to.clone()),
                Action::Move(to) => (*to, name.to_string()),
            };
            if target == (kind, name.to_string()) {
                return wrong(format!("the rule for \"{name}\" names itself"));
            }
            if let Some(other) = lines.get(&target) {
                return wrong(format!(
                    "the rule for \"{name}\" leads to {} \"{}\", which has a rule of its own (line {other}): point both at the final name",
                    target.0.word(),
                    target.1
                ));
            }
        }
        Ok(())
    }

    /// The text of the file, to record beside an index.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    pub(crate) fn apply<'a>(&'a self, kind: Kind, name: &'a str) -> Outcome<'a> {
        if self.rules.is_empty() {
            return Outcome::Name(kind, name);
        }
        match self.rules.get(&kind).and_then(|rules| rules.get(name)) {
            None => Outcome::Name(kind, name),
            Some(Action::Hide) => Outcome::Hidden,
            Some(Action::Rename(to)) => Outcome::Name(kind, to),
            Some(Action::Move(to)) => Outcome::Name(*to, name),
        }
    }

    /// Applies the rules to one article's extraction, for `gazette extract`: mentions keep
    /// their text, under the name the rules give.
    pub(crate) fn apply_to(&self, found: &mut Extraction) {
        if self.is_empty() {
            return;
        }
        let people = std::mem::take(&mut found.people);
        let places = std::mem::take(&mut found.places);
        let orgs = std::mem::take(&mut found.orgs);
        let named = (people.into_iter())
            .map(|p| (Kind::People, p.name, None, p.mentions))
            .chain(
                places
                    .into_iter()
                    .map(|p| (Kind::Places, p.name, p.country, p.mentions)),
            )
            .chain(
                orgs.into_iter()
                    .map(|o| (Kind::Orgs, o.name, None, o.mentions)),
            );
        for (kind, name, country, mentions) in named {
            let Outcome::Name(kind, name) = self.apply(kind, &name) else {
                continue;
            };
            let name = name.to_string();
            let mentioned = match kind {
                Kind::People => credit(&mut found.people, name, |name| Person {
                    name,
                    mentions: Vec::new(),
                }),
                Kind::Places => credit(&mut found.places, name, |name| Place {
                    name,
                    country,
                    mentions: Vec::new(),
                }),
                Kind::Orgs => credit(&mut found.orgs, name, |name| Org {
                    name,
                    mentions: Vec::new(),
                }),
            };
            mentioned.extend(mentions);
            mentioned.sort_by_key(|m| m.start);
        }
    }

    /// These rules with the archive's votes added ([`super::vote`]), each where the user's
    /// rules say nothing of the name, of the name it leads to, or lead to the name: the file
    /// has the last word, and rules still never chain.
    pub(crate) fn with_votes(&self, votes: &[(Kind, String, Action)]) -> Aliases {
        let mut aliases = self.clone();
        let targets = self.targets();
        for (kind, name, action) in votes {
            if self.vote_stands(&targets, *kind, name, action) {
                let rules = aliases.rules.entry(*kind).or_default();
                rules.insert(name.clone(), action.clone());
            }
        }
        aliases
    }

    /// Whether the archive's vote on `name` of `kind` stands beside these rules: a rule on the
    /// name, or one leading to it or to where the vote moves it, has the last word.
    pub(crate) fn lets_vote(&self, kind: Kind, name: &str, action: &Action) -> bool {
        self.rules.is_empty() || self.vote_stands(&self.targets(), kind, name, action)
    }

    fn vote_stands(
        &self,
        targets: &FxHashSet<(Kind, &str)>,
        kind: Kind,
        name: &str,
        action: &Action,
    ) -> bool {
        let said =
            |kind: Kind, name: &str| self.is_ruled(kind, name) || targets.contains(&(kind, name));
        let leads_to = match action {
            Action::Move(to) => Some(*to),
            _ => None,
        };
        !(said(kind, name) || leads_to.is_some_and(|to| said(to, name)))
    }

    /// The names the rules lead to.
    fn targets(&self) -> FxHashSet<(Kind, &str)> {
        (self.entries())
            .filter_map(|(kind, name, action)| match action {
                Action::Hide => None,
                Action::Rename(to) => Some((kind, to.as_str())),
                Action::Move(to) => Some((*to, name)),
            })
            .collect()
    }

    pub(crate) fn is_ruled(&self, kind: Kind, name: &str) -> bool {
        (self.rules.get(&kind)).is_some_and(|rules| rules.contains_key(name))
    }

    /// Every name with a rule, and its kind.
    pub(crate) fn ruled(&self) -> impl Iterator<Item = (Kind, &str)> {
        self.entries().map(|(kind, name, _)| (kind, name))
    }

    fn entries(&self) -> impl Iterator<Item = (Kind, &str, &Action)> {
        (self.rules.iter()).flat_map(|(kind, rules)| {
            (rules.iter()).map(move |(name, action)| (*kind, name.as_str(), action))
        })
    }
}

fn action(rule: &Spanned<DeValue>) -> Result<Action, String> {
    let expected =
        "a rule is \"hide\", { merge = \"NAME\" }, { rename = \"NAME\" } or { move = \"KIND\" }";
    match rule.get_ref() {
        DeValue::String(word) if word == "hide" => Ok(Action::Hide),
        DeValue::Table(table) if table.len() == 1 => {
            let (verb, value) = table.iter().next().expect("one entry");
            let DeValue::String(value) = value.get_ref() else {
                return Err(expected.into());
            };
            match verb.get_ref().as_ref() {
                "merge" | "rename" => {
                    check_name(value)?;
                    Ok(Action::Rename(value.to_string()))
                }
                "move" => Kind::parse(value).map(Action::Move).ok_or_else(|| {
                    format!("unknown kind \"{value}\" (kinds: people, places, orgs)")
                }),
                _ => Err(expected.into()),
            }
        }
        _ => Err(expected.into()),
    }
}

/// Names are matched as gazette shows them, so a rule for an empty or padded name could
/// never apply.
fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() || name.trim() != name || name.chars().any(char::is_control) {
        return Err(format!(
            "{name:?} is not a name: no empty names, no spaces at the ends, no control characters"
        ));
    }
    Ok(())
}

fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The mentions of `name` in `list`, added to it when it is not there yet.
fn credit<T: Named>(
    list: &mut Vec<T>,
    name: String,
    make: impl FnOnce(String) -> T,
) -> &mut Vec<Mention> {
    let at = match list.iter().position(|n| n.name() == name) {
        Some(at) => at,
        None => {
            list.push(make(name));
            list.len() - 1
        }
    };
    list[at].mentions()
}

/// An extracted name with its mentions, of any kind.
trait Named {
    fn name(&self) -> &str;
    fn mentions(&mut self) -> &mut Vec<Mention>;
}

macro_rules! named {
    ($($kind:ty),*) => {$(
        impl Named for $kind {
            fn name(&self) -> &str {
                &self.name
            }
            fn mentions(&mut self) -> &mut Vec<Mention> {
                &mut self.mentions
            }
        }
    )*};
}
named!(Person, Place, Org);

/// An alias file with every action, for the tests here and of what the rules change.
#[cfg(test)]
pub(crate) const EXAMPLE: &str = r#"
[people]
"Oscar" = "hide"
"Anthony Blair" = { merge = "Tony Blair" }
"Blare" = { rename = "Tony Blair" }
"Downing Street" = { move = "places" }

[places]
"Brent" = { move = "orgs" }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_applies_to_its_kind_only() {
        let a = Aliases::parse(EXAMPLE).unwrap();
        assert_eq!(a.apply(Kind::People, "Oscar"), Outcome::Hidden);
        let tony = Outcome::Name(Kind::People, "Tony Blair");
        assert_eq!(a.apply(Kind::People, "Anthony Blair"), tony);
        assert_eq!(a.apply(Kind::People, "Blare"), tony);
        assert_eq!(
            a.apply(Kind::People, "Downing Street"),
            Outcome::Name(Kind::Places, "Downing Street")
        );
        assert_eq!(
            a.apply(Kind::Places, "Brent"),
            Outcome::Name(Kind::Orgs, "Brent")
        );
        assert_eq!(
            a.apply(Kind::Places, "Oscar"),
            Outcome::Name(Kind::Places, "Oscar")
        );
        assert_eq!(a.ruled().count(), 5);
        assert!(Aliases::parse("").unwrap().is_empty());
    }

    fn error(text: &str) -> Malformed {
        Aliases::parse(text).unwrap_err()
    }

    #[test]
    fn mistakes_are_reported_on_their_line() {
        let syntax = error("[people]\n\"Oscar\" = hide\n");
        assert_eq!(syntax.line, 2, "{syntax:?}");
        let kind = error("[people]\n\"A\" = \"hide\"\n[peeple]\n\"B\" = \"hide\"\n");
        assert_eq!(kind.line, 3, "{kind:?}");
        assert!(kind.message.contains("peeple"), "{kind:?}");
        let moved = error("[places]\n\n\"Brent\" = { move = \"companies\" }\n");
        assert_eq!(moved.line, 3, "{moved:?}");
        assert!(moved.message.contains("companies"), "{moved:?}");
        let verb = error("[people]\n\"A\" = \"delete\"\n");
        assert_eq!(verb.line, 2, "{verb:?}");
        let duplicate = error("[people]\n\"A\" = \"hide\"\n\"A\" = \"hide\"\n");
        assert_eq!(duplicate.line, 3, "{duplicate:?}");
    }

    #[test]
    fn self_naming_and_chained_rules_are_refused() {
        let own = error("[people]\n\"A\" = \"hide\"\n\"Blair\" = { merge = \"Blair\" }\n");
        assert_eq!(own.line, 3, "{own:?}");
        assert!(own.message.contains("names itself"), "{own:?}");
        let moved = error("[places]\n\"Brent\" = { move = \"places\" }\n");
        assert!(moved.message.contains("names itself"), "{moved:?}");
        let chain = error("[people]\n\"A\" = { merge = \"B\" }\n\"B\" = \"hide\"\n");
        assert_eq!(chain.line, 2, "{chain:?}");
        assert!(chain.message.contains("line 3"), "{chain:?}");
        let across =
            error("[places]\n\"Brent\" = { move = \"orgs\" }\n[orgs]\n\"Brent\" = \"hide\"\n");
        assert_eq!(across.line, 2, "{across:?}");
        let empty = error("[people]\n\" A\" = \"hide\"\n");
        assert_eq!(empty.line, 2, "{empty:?}");
    }
}
