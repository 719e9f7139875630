//! PLACEHOLDER until the entity module lands.
use super::{Person, Place};
pub struct Entities {
    pub people: Vec<Person>,
    pub places: Vec<Place>,
    pub countries: Vec<String>,
}
pub fn find_entities(_text: &str) -> Entities {
    Entities {
        people: vec![],
        places: vec![],
        countries: vec![],
    }
}
