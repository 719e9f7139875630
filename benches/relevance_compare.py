#!/usr/bin/env python3
"""Per-query ranking quality of two gazette binaries side by side (issue 12): which queries a
ranking change wins and loses, beside the means that relevance.py prints.

usage: relevance_compare.py BIN_A BIN_B INDEX_DIR [--shared DIR] [--heldout]

INDEX_DIR must hold exactly ../shared/corpora/reuters. Runs the 37 dev queries and the tune half
of the label-pair queries (relevance_queries.py; `--heldout` adds the held-out half: leave it off
while tuning) with `gazette search --json --limit 100`, and prints one row per query with
nDCG@10 of each binary and B − A, largest changes first, then the means. Gains are binary: a hit
is relevant when Reuters tagged it with all the query's topics and places, as in
../shared/eval/relevance/rank_score.py. Without ../shared it says so and exits 0."""
import json, math, subprocess, sys, tempfile
from pathlib import Path

import relevance_options

here = Path(__file__).resolve().parent
args = sys.argv[1:]
args, shared, heldout = relevance_options.parse(args)
if len(args) != 3:
    sys.exit(__doc__)
bin_a, bin_b, index = args
labels_file = shared / "corpora" / "reuters-labels.jsonl"
dev = shared / "eval" / "relevance" / "queries-dev.tsv"
if not labels_file.exists() or not dev.exists():
    print(f"skipped: {dev} not found (the judged queries live in ../shared, beside the project)")
    sys.exit(0)

labels = {}
for line in open(labels_file):
    r = json.loads(line)
    labels[r["file"]] = (set(r["topics"]), set(r["places"]))


def ndcg10(gazette, topics, places, query):
    out = subprocess.run([gazette, "search", query, "--index", index, "--json", "--limit", "100"],
                         capture_output=True, text=True)
    hits = [h["path"] for h in json.loads(out.stdout)["hits"]] if out.returncode == 0 else []

    def relevant(path):
        t, p = labels.get(Path(path).name, (set(), set()))
        return topics <= t and places <= p

    dcg = sum(1 / math.log2(i + 2) for i, h in enumerate(hits[:10]) if relevant(h))
    judged = sum(1 for t, p in labels.values() if topics <= t and places <= p)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, judged)))
    return dcg / ideal if ideal else 0.0


with tempfile.TemporaryDirectory() as sets:
    subprocess.run([sys.executable, str(here / "relevance_queries.py"), str(labels_file), sets],
                   check=True, capture_output=True)
    named = [("dev", dev), ("tune", Path(sets) / "tune.tsv")]
    if heldout:
        named.append(("held-out", Path(sets) / "heldout.tsv"))
    print("| set | query | A nDCG@10 | B nDCG@10 | B − A |")
    print("|---|---|---|---|---|")
    means = []
    for name, queries in named:
        rows = []
        for line in open(queries):
            if not line.strip():
                continue
            topics, places, query = line.rstrip("\n").split("\t")
            topics = set(topics.split(","))
            places = set(p for p in places.split(",") if p)
            a = ndcg10(bin_a, topics, places, query)
            b = ndcg10(bin_b, topics, places, query)
            rows.append((b - a, query, a, b))
        for delta, query, a, b in sorted(rows, key=lambda r: (-abs(r[0]), r[1])):
            if delta:
                print(f"| {name} | {query} | {a:.3f} | {b:.3f} | {delta:+.3f} |")
        n = len(rows)
        means.append((name, sum(r[2] for r in rows) / n, sum(r[3] for r in rows) / n))
    for name, a, b in means:
        print(f"| {name} | mean | {a:.3f} | {b:.3f} | {b - a:+.3f} |")
