#!/usr/bin/env python3
"""Crash-safety scenario: SIGKILL `gazette index` several times while the corpus keeps
growing, then run it once to the end and check that the index holds exactly one document per
article file.

usage: kill_scenario.py GAZETTE_BIN WORK_DIR [--articles 30000] [--kills 5] [--grow 500]

Needs ../shared/bench/make_corpus.py (the corpus generator) beside the repository.
"""
import json, os, random, signal, subprocess, sys, time
from pathlib import Path

args = sys.argv[1:]
binary, work = Path(args[0]).resolve(), Path(args[1]).resolve()
opt = lambda name, default: int(args[args.index(name) + 1]) if name in args else default
articles, kills, grow = opt("--articles", 30000), opt("--kills", 5), opt("--grow", 500)
make = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "make_corpus.py"

corpus, index = work / "corpus", work / "index"
work.mkdir(parents=True, exist_ok=True)
subprocess.run([sys.executable, str(make), str(articles), str(corpus), "--seed", "1"], check=True)
rng = random.Random(7)
for k in range(kills):
    # New articles land while the killed runs come and go.
    subprocess.run([sys.executable, str(make), str(grow), str(work / f"extra{k}"), "--seed", str(100 + k)],
                   check=True, stdout=subprocess.DEVNULL)
    os.rename(work / f"extra{k}", corpus / f"extra{k}")
    p = subprocess.Popen([str(binary), "index", str(corpus), "--index", str(index), "--commit-every", "2000"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    delay = rng.uniform(0.5, 4.0)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    p.wait()
    print(f"kill {k + 1}: after {delay:.2f}s")
files = sum(1 for p in corpus.rglob("*") if p.suffix in (".txt", ".md") and p.is_file())
out = subprocess.run([str(binary), "index", str(corpus), "--index", str(index), "--json"],
                     check=True, capture_output=True, text=True).stdout
summary = json.loads(out)
print(f"final run: added={summary['added']} updated={summary['updated']} removed={summary['removed']} "
      f"unchanged={summary['unchanged']} skipped={len(summary['skipped'])} docs={summary['docs']}")
print(f"article files={files} docs={summary['docs']} -> {'OK' if files == summary['docs'] else 'MISMATCH'}")
sys.exit(0 if files == summary["docs"] else 1)
