#!/usr/bin/env python3
"""Index one corpus with several gazette binaries in turn, each into a fresh index, and print
the medians of wall time, user and system CPU and peak RSS (from wait4) for each binary, and
the machine's load average before and after (wall times mean little when it is high); each
round's wall and CPU times are printed as it ends.

usage: side_by_side.py BIN [BIN ...] CORPUS ROUNDS
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def run(binary, corpus, index):
    shutil.rmtree(index, ignore_errors=True)
    start = time.time()
    child = subprocess.Popen(
        [binary, "index", corpus, "--index", index, "--threads", "2", "--json"],
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        sys.exit(f"{binary} failed with status {status}")
    return time.time() - start, usage.ru_utime, usage.ru_stime, usage.ru_maxrss / 1024


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    binaries, corpus, rounds = sys.argv[1:-2], sys.argv[-2], int(sys.argv[-1])
    runs = {b: [] for b in binaries}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        index = os.path.join(scratch, "index")
        for round_number in range(rounds):
            for binary in binaries:
                runs[binary].append(run(binary, corpus, index))
            # Each round printed: this machine's speed moves by a third from run to run, so the
            # spread says how far a median can be trusted.
            each = " | ".join(
                f"{os.path.basename(b)} {runs[b][-1][0]:.2f} s / {runs[b][-1][1] + runs[b][-1][2]:.2f} s"
                for b in binaries
            )
            print(f"round {round_number + 1}: {each}", flush=True)
    print(f"load average (1 min): {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    for binary in binaries:
        med = lambda f: statistics.median(f(r) for r in runs[binary])
        print(
            f"{binary}: wall {med(lambda r: r[0]):.2f} s, user {med(lambda r: r[1]):.2f} s, "
            f"sys {med(lambda r: r[2]):.2f} s, cpu {med(lambda r: r[1] + r[2]):.2f} s, "
            f"rss {med(lambda r: r[3]):.0f} MB ({rounds} rounds)"
        )


if __name__ == "__main__":
    main()
