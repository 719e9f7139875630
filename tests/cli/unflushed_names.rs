//! The name book an index run saves without flushing it to the disk: whatever a crash leaves of
//! it (nothing, the start of it, zeros, an older book) is worked out again with the same answers, and
//! the next index run saves it whole again.

use crate::Env;

#[test]
fn a_name_book_a_crash_left_damaged_is_worked_out_again_and_saved_whole_by_the_next_run() {
    let env = Env::new();
    let tony = "Prime Minister Tony Blair said on Monday that the government would invest.";
    for n in 1..=3 {
        env.write(&format!("tony{n}.txt"), &format!("Tony {n}\n\n{tony}\n"));
    }
    env.write(
        "mr.txt",
        "Mr Blair\n\nMr Blair told reporters in London that he would not resign. Mr Blair was \
         speaking after talks with Gordon Brown.\n",
    );
    env.ok(&["index"]);
    let saved = env.dir.path().join("index/names.json");
    let whole = std::fs::read(&saved).unwrap();
    let answers = || {
        let hits = env.json(&["search", "Blair", "--facets"]);
        let stats = env.json(&["stats"]);
        (hits["hits"].clone(), hits["facets"].clone(), stats)
    };
    let expected = answers();
    let mr = (expected.0.as_array().unwrap().iter())
        .find(|h| h["path"].as_str().unwrap().ends_with("mr.txt"))
        .unwrap();
    assert_eq!(
        mr["people"],
        serde_json::json!(["Tony Blair", "Gordon Brown"])
    );
    // An older book: whole, but stamped for another commit (a stamp that still parses).
    let text = String::from_utf8(whole.clone()).unwrap();
    let digits = text["{\"stamp\":".len()..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap();
    let stamp: u64 = digits.parse().unwrap();
    let older = text.replacen(digits, &(stamp ^ 1).to_string(), 1);
    assert!(text.starts_with("{\"stamp\":") && older != text);
    for left in [
        Vec::new(),
        whole[..whole.len() / 2].to_vec(),
        vec![0; whole.len()],
        older.into_bytes(),
    ] {
        std::fs::write(&saved, &left).unwrap();
        assert_eq!(answers(), expected);
        env.ok(&["index"]);
        assert_eq!(std::fs::read(&saved).unwrap(), whole);
    }
}
