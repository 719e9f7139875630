#!/usr/bin/env python3
"""Query latency of `gazette search` over a mixed query set, as the issue on speed defines it.

usage: query_latency.py GAZETTE_BIN INDEX_DIR [--rounds 5]

Runs every query of the set (terms, phrases, AND/OR/NOT, field filters, date ranges, sort by
date) ROUNDS times after one warm-up round, and prints the p50 and p99 of the engine's own
`took_ms` and of the whole process (start to exit, read from the OS clock here).
"""
import json, subprocess, sys, time

QUERIES = [
    ["coffee"], ["oil prices"], ["government"], ["market"], ["election"],
    ['"interest rates"'], ['"prime minister"'], ['"central bank"'],
    ["coffee AND brazil"], ["oil OR gas"], ["bank -england"], ["(wheat OR corn) export"],
    ["title:profit"], ["body:strike"], ['people:"Tony Blair"'], ["places:London"],
    ["countries:US"], ["countries:JP trade"],
    ["published:[1987-01-01 TO 1987-06-30] oil"], ["published:2005 music"],
    ["dates:[1987-03-01 TO 1987-03-31]"], ["dates:2004 film"],
    ["oil", "--sort", "date"], ["bank", "--sort", "date"], ["election", "--sort", "date", "--limit", "20"],
]

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

def main():
    args = sys.argv[1:]
    binary, index = args[0], args[1]
    rounds = int(args[args.index("--rounds") + 1]) if "--rounds" in args else 5
    took, wall = [], []
    for r in range(rounds + 1):
        for q in QUERIES:
            cmd = [binary, "search", *q, "--index", index, "--json"]
            t0 = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, check=True).stdout
            elapsed = (time.perf_counter() - t0) * 1000
            if r:
                took.append(json.loads(out)["took_ms"])
                wall.append(elapsed)
    print(f"queries={len(QUERIES)} rounds={rounds}")
    print(f"took_ms  p50={pct(took, 50):.2f} p99={pct(took, 99):.2f} max={max(took):.2f}")
    print(f"process  p50={pct(wall, 50):.2f} p99={pct(wall, 99):.2f} max={max(wall):.2f} (ms)")

if __name__ == "__main__":
    main()
