#!/usr/bin/env python3
"""Judged ranking queries made from Reuters' own labels, beside the 37 dev queries of
../shared/eval/relevance: each query names one topic and one place label (`crude` + `saudi-arabia`
gives `crude saudi arabia`); a hit is relevant when Reuters tagged it with both.

usage: relevance_queries.py LABELS.jsonl OUT_DIR [--seed 12] [--count 40] [--min-relevant 10]

Pairs tagged on at least MIN_RELEVANT articles are drawn with a fixed seed, so the same sets come
out every time; the first half goes to OUT_DIR/tune.tsv, the second to OUT_DIR/heldout.tsv (the
format of queries-dev.tsv: topics<TAB>places<TAB>query). Keep heldout.tsv out of tuning."""
import argparse, collections, json, random
from pathlib import Path

ap = argparse.ArgumentParser()
ap.add_argument("labels")
ap.add_argument("out")
ap.add_argument("--seed", type=int, default=12)
ap.add_argument("--count", type=int, default=40)
ap.add_argument("--min-relevant", type=int, default=10)
a = ap.parse_args()

pairs = collections.Counter()
for line in open(a.labels):
    r = json.loads(line)
    for topic in r["topics"]:
        for place in r["places"]:
            pairs[(topic, place)] += 1
eligible = sorted(p for p, n in pairs.items() if n >= a.min_relevant)
chosen = random.Random(a.seed).sample(eligible, min(a.count, len(eligible)))
# Labels that are codes rather than words are written as a reader would type them.
WRITTEN = {
    "acq": "acquisition", "dlr": "dollar", "money-fx": "foreign exchange", "earn": "earnings",
    "crude": "crude oil", "nat-gas": "natural gas", "veg-oil": "vegetable oil",
    "interest": "interest rates", "ship": "shipping", "bop": "balance of payments",
    "ipi": "industrial production", "cpi": "consumer prices", "wpi": "wholesale prices",
    "jobs": "unemployment", "l-cattle": "cattle", "pet-chem": "petrochemicals",
    "meal-feed": "feed meal", "sun-oil": "sunflower oil", "sunseed": "sunflowerseed",
    "rape-oil": "rapeseed oil", "money-supply": "money supply", "gnp": "gross national product",
    "usa": "U.S.", "uk": "Britain", "ussr": "Soviet", "hong-kong": "Hong Kong",
}
words = lambda label: WRITTEN.get(label, label.replace("-", " "))
rows = [f"{t}\t{p}\t{words(t)} {words(p)}\n" for t, p in chosen]
out = Path(a.out)
out.mkdir(parents=True, exist_ok=True)
half = len(rows) // 2
(out / "tune.tsv").write_text("".join(rows[:half]))
(out / "heldout.tsv").write_text("".join(rows[half:]))
print(f"{len(eligible)} eligible pairs; {half} tune and {len(rows) - half} held-out queries in {out}")
