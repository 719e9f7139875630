//! How a plain query is widened: feedback adds no calendar words.

use crate::Env;

#[test]
fn feedback_adds_no_month_or_weekday() {
    let env = Env::new();
    for (name, place) in [
        ("a", "Abidjan"),
        ("b", "Accra"),
        ("c", "Lagos"),
        ("d", "Douala"),
    ] {
        env.write(
            &format!("{name}.txt"),
            &format!(
                "Cocoa harvest in {place}\n\n{place}, January 12, Monday - The cocoa harvest \
                 was late. Grinders bought fewer beans and the midcrop looked small, exporters \
                 said. Shipments for March and Sept were delayed.\n"
            ),
        );
    }
    env.write(
        "beans.txt",
        "Midcrop beans scarce\n\nGrinders found few beans from the midcrop; exporters \
         blamed the weather.\n",
    );
    // The calendar words of the cocoa reports, and nothing of their topic.
    env.write(
        "calendar.txt",
        "Holiday dates\n\nOffices close Monday, January 12; March; Sept.\n",
    );
    env.ok(&["index"]);
    let hits = env.hits("cocoa", &[]);
    // Feedback still finds the article on the topic without the word.
    assert!(hits.contains(&"beans.txt".to_string()), "{hits:?}");
    assert!(!hits.contains(&"calendar.txt".to_string()), "{hits:?}");
}
