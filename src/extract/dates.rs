//! PLACEHOLDER until the date module lands.
use super::DateMention;
pub fn find_dates(_text: &str, _anchor: Option<jiff::civil::Date>) -> Vec<DateMention> {
    Vec::new()
}
