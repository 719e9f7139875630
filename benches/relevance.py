#!/usr/bin/env python3
"""Ranking quality of a gazette binary on judged queries over Reuters-21578 (issue 12).

usage: relevance.py GAZETTE_BIN INDEX_DIR [--shared DIR] [--heldout] [-- extra search flags]

INDEX_DIR must hold exactly ../shared/corpora/reuters (`gazette index ../shared/corpora/reuters
--index DIR`). Runs the 37 dev queries of ../shared/eval/relevance/queries-dev.tsv and the tune
half of the label-pair queries made by relevance_queries.py, through ../shared's run.py, and prints
one table row per set: nDCG@10, P@10, R@100. `--heldout` adds the held-out half: leave it off
while tuning. Without ../shared (a user's clone) it says so and exits 0."""
import json, subprocess, sys, tempfile
from pathlib import Path

import relevance_options

here = Path(__file__).resolve().parent
args = sys.argv[1:]
extra = args[args.index("--") + 1:] if "--" in args else []
args = args[:args.index("--")] if "--" in args else args
args, shared, heldout = relevance_options.parse(args)
if len(args) != 2:
    sys.exit(__doc__)
gazette, index = args
run = shared / "eval" / "relevance" / "run.py"
if not run.exists():
    print(f"skipped: {run} not found (the judged queries live in ../shared, beside the project)")
    sys.exit(0)

with tempfile.TemporaryDirectory() as sets:
    subprocess.run([sys.executable, str(here / "relevance_queries.py"),
                    str(shared / "corpora" / "reuters-labels.jsonl"), sets],
                   check=True, capture_output=True)
    rows = [("dev (queries-dev.tsv)", run.parent / "queries-dev.tsv"),
            ("label pairs, tune", Path(sets) / "tune.tsv")]
    if heldout:
        rows.append(("label pairs, held-out", Path(sets) / "heldout.tsv"))
    print("| queries | n | nDCG@10 | P@10 | R@100 |")
    print("|---|---|---|---|---|")
    for name, queries in rows:
        out = subprocess.run([sys.executable, str(run), gazette, index, str(queries), "--json",
                              *(["--", *extra] if extra else [])],
                             check=True, capture_output=True, text=True)
        m = json.loads(out.stdout)
        print(f"| {name} | {m['queries']} | {m['ndcg@10']:.3f} | {m['p@10']:.3f} "
              f"| {m.get('recall@100', float('nan')):.3f} |")
