#!/usr/bin/env python3
"""Runs one command and reports what it cost the machine, read from the OS rather than from
the program: wall time, user and system CPU time and peak RSS (`wait4`), plus the peaks of
anonymous and file-backed resident memory, sampled from /proc every 0.2 s. Used for the
million-article, incremental and no-op figures in BENCHMARKS.md.

usage: peak.py COMMAND [ARGS...]
prints the command's last output line, then
  wall=<s> maxrss=<MB> anon=<MB> file=<MB> user=<s> sys=<s>
"""
import os, subprocess, sys, threading, time


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    started = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    peak = {"RssAnon": 0, "RssFile": 0}
    # The sampler must not reap the child (as `Popen.poll` would): `wait4` below needs to.
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                with open(f"/proc/{proc.pid}/status") as status:
                    for line in status:
                        key = line.split(":")[0]
                        if key in peak:
                            peak[key] = max(peak[key], int(line.split()[1]))
            except OSError:
                pass  # the process has ended
            done.wait(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output = proc.stdout.read().decode(errors="replace").strip().splitlines()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if output:
        print(output[-1])
    print(f"wall={wall:.1f}s maxrss={usage.ru_maxrss / 1024:.0f}MB "
          f"anon={peak['RssAnon'] / 1024:.0f}MB file={peak['RssFile'] / 1024:.0f}MB "
          f"user={usage.ru_utime:.1f}s sys={usage.ru_stime:.1f}s")
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"command failed with exit code {code}")


if __name__ == "__main__":
    main()
