//! Warming in `gazette serve`: what the page asks for when it opens is ready before it asks,
//! and a server that warms still answers from its first moment and follows every commit.

use std::time::Duration;

use crate::Env;
use crate::serve::{Server, wait_for};

#[test]
fn the_statistics_the_page_opens_with_are_counted_at_start() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    // Five articles warm in milliseconds; the margin is for a loaded machine.
    std::thread::sleep(Duration::from_secs(3));
    let (hit, stats) = server.cached("/api/stats");
    assert!(
        hit,
        "the first request for the statistics counted them itself"
    );
    assert_eq!(stats["docs"], 5);
}

#[test]
fn a_warmed_commit_is_searched_with_its_facets_once_the_reader_turns_to_it() {
    let env = Env::indexed();
    let server = Server::start(&env, &[]);
    let search = "/api/search?q=zeppelin&facets=1";
    assert_eq!(server.ok(search)["total"], 0);
    env.write(
        "airship.txt",
        "Zeppelin over Oslo\n\nA zeppelin flew over Oslo, said Anna Berg.\n",
    );
    env.ok(&["index"]);
    assert!(
        wait_for(Duration::from_secs(10), || server.ok(search)["total"] == 1),
        "the new commit was never served"
    );
    let found = server.ok(search);
    let places = found["facets"]["places"].as_array().unwrap();
    assert!(
        places
            .iter()
            .any(|p| p["name"] == "Oslo" && p["count"] == 1),
        "{places:?}"
    );
    // The statistics of the new commit are counted when asked, not kept from the old one.
    assert_eq!(server.ok("/api/stats")["docs"], 6);
}
