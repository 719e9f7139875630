//! Country codes as search and `extract` see them: only assigned ISO 3166-1 codes, none from a
//! stock ticker or an organisation's name.

use crate::Env;

#[test]
fn withdrawn_codes_tickers_and_company_names_give_no_country() {
    let env = Env::new();
    env.write(
        "belgrade.txt",
        "Trade talks\n\nYugoslav officials said Yugoslavia and Italy would meet in Pristina.\n",
    );
    env.write(
        "carbide.txt",
        "Bid made\n\nUnion Carbide Corp <UK> and Beta <BTRX.LON> said British Petroleum Co Plc \
         would bid for Dome Petroleum Ltd in Toronto.\n",
    );
    env.ok(&["index"]);
    assert_eq!(env.hits("countries:rs", &[]), ["belgrade.txt"]);
    for gone in ["cs", "xk", "gb"] {
        assert!(
            env.hits(&format!("countries:{gone}"), &[]).is_empty(),
            "{gone}"
        );
    }
    assert_eq!(env.hits("countries:ca", &[]), ["carbide.txt"]);
    let out = env.ok(&["extract", "--json", "corpus/carbide.txt"]);
    let out: serde_json::Value = serde_json::from_str(&out).unwrap();
    let places: Vec<&str> = (out["places"].as_array().unwrap().iter())
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(places, ["Toronto"]);
}
