//! PLACEHOLDER until the published-date module lands.
use jiff::civil::Date;
pub fn parse_date_value(s: &str) -> Option<Date> {
    s.get(..10)?.parse().ok()
}
pub fn published_in_text(_text: &str) -> Option<Date> {
    None
}
pub fn published_in_path(_path: &str) -> Option<Date> {
    None
}
