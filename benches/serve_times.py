#!/usr/bin/env python3
"""Service time of `gazette serve`, one request at a time, for two servers side by side.

    benches/serve_times.py INDEX "BIN_A [ARGS]" "BIN_B [ARGS]" [ROUNDS]

Starts both servers on INDEX (e.g. "target/release/gazette --cache-mb 0" to time the work
rather than the cache), then asks each the searches of serve_load.sh plus an article's related
list and the stats, alternating A and B request by request, ROUNDS times (default 7; the first
round warms up and is not counted). Prints the median wall time of each URL for both, the
sums, and the CPU time each server process used over the counted rounds (from /proc, so
steadier than wall times on a busy machine). Needs python3 and Linux.
"""
import json
import os
import shlex
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import serve_queries


def start(command, index):
    argv = shlex.split(command)
    proc = subprocess.Popen(
        argv[:1] + ["serve", "--index", index, "--addr", "127.0.0.1:0"] + argv[1:],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    return proc, line.strip().split("http://")[1]


def get(addr, path):
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://{addr}{path}") as reply:
        body = reply.read()
    return (time.perf_counter() - started) * 1000, body


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def paths(addr):
    stats = json.loads(get(addr, "/api/stats")[1])
    queries = serve_queries.searches(stats)
    found = ["/api/search?" + urllib.parse.urlencode({"q": q, **extra}) for q, extra in queries]
    first = json.loads(get(addr, found[0])[1])
    key = urllib.parse.quote(first["hits"][0]["key"], safe="")
    return found + [f"/api/articles/{key}/related", "/api/stats"]


def main():
    index, commands = sys.argv[1], sys.argv[2:4]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    servers = [start(c, index) for c in commands]
    try:
        urls = paths(servers[0][1])
        times = {u: ([], []) for u in urls}
        cpu = [0.0, 0.0]
        for round_ in range(rounds):
            if round_ == 1:
                cpu = [-cpu_seconds(proc.pid) for proc, _ in servers]
            for url in urls:
                for side, (_, addr) in enumerate(servers):
                    took, _ = get(addr, url)
                    if round_:
                        times[url][side].append(took)
        cpu = [c + cpu_seconds(proc.pid) for c, (proc, _) in zip(cpu, servers)]
        sums = [0.0, 0.0]
        print(f"{'A ms':>8} {'B ms':>8}  url (median of {rounds - 1})")
        for url, (a, b) in times.items():
            ma, mb = statistics.median(a), statistics.median(b)
            sums[0] += ma
            sums[1] += mb
            print(f"{ma:8.1f} {mb:8.1f}  {urllib.parse.unquote_plus(url)[:90]}")
        print(f"{sums[0]:8.1f} {sums[1]:8.1f}  sum   A: {commands[0]}   B: {commands[1]}")
        print(f"{cpu[0]:8.2f} {cpu[1]:8.2f}  server CPU seconds over {rounds - 1} rounds")
    finally:
        for proc, _ in servers:
            proc.terminate()
            proc.wait()


main()
