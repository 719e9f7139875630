//! The kinds of name an alias rule or a name table speaks of, and the fields that hold them.

use crate::index::schema::field;

/// A kind of named entity.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    People,
    Places,
    Orgs,
}

impl Kind {
    pub(crate) const ALL: [Kind; 3] = [Kind::People, Kind::Places, Kind::Orgs];

    pub(crate) fn parse(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.word() == word)
    }

    /// The word used in the alias file, which is also the query field's name.
    pub(crate) fn word(self) -> &'static str {
        match self {
            Kind::People => field::PEOPLE,
            Kind::Places => field::PLACES,
            Kind::Orgs => field::ORGS,
        }
    }
}
