//! Date mentions in article text: absolute, partial and anchor-relative dates, normalised to ISO 8601.
//!
//! The scanner walks the text once, word by word. Only a handful of trigger words (month and
//! weekday names, `yesterday`, `last`, `ago`, ...) and digit runs do any work; everything else
//! is rejected by one table lookup on its length and first and last letters, which keeps the
//! pass cheap enough to run on every article.
//!
//! `scanner` drives the pass and hands each trigger to its rule family (`month`, `weekday`,
//! `relative`, `numeric`). The families share the vocabulary in `lexicon`, the reading of
//! neighbouring words in `cursor`, and the choice of a year or side of the anchor in `tense`.

mod cursor;
mod lexicon;
mod month;
mod numeric;
mod relative;
mod scanner;
mod tense;
#[cfg(test)]
mod testing;
mod value;
mod weekday;

pub(crate) use lexicon::weekday_named;
pub use scanner::find_dates;

#[cfg(test)]
mod tests {
    use super::testing::{found, pairs};
    use super::*;

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
    fn values_stay_within_the_years_iso_8601_writes() {
        let late = jiff::civil::date(9999, 12, 31);
        assert_eq!(
            found(
                "Next month, next year, in December and in January.",
                Some(late)
            ),
            pairs(&[("December", "9999-12")])
        );
        let early = jiff::civil::date(1, 1, 1);
        assert_eq!(
            found(
                "Last month, last year, yesterday, two years ago, in January, on 0000-01-01.",
                Some(early)
            ),
            pairs(&[("January", "0001-01")])
        );
    }

    #[test]
    fn offsets_are_bytes_into_the_text() {
        let text = "Caf\u{e9} \u{2014} on 13 Sept 2023.";
        let m = &find_dates(text, None)[0];
        assert_eq!(m.start, text.find("13").unwrap());
        assert_eq!(m.end, text.len() - 1);
        assert_eq!(m.value, "2023-09-13");
    }
}
