#!/bin/bash
# CPU of an idle `gazette watch` and the latency of one change.
#   bash benches/watch_idle.sh target/release/gazette CORPUS INDEX [SECONDS]
# Starts the watch (the index should be up to date, so that the first pass reads nothing),
# waits for its first summary, reads utime+stime from /proc/PID/stat over SECONDS (default 60)
# idle seconds (100 ticks = 1 CPU-second), then writes one article into the corpus and times
# until a search finds it, and until it is gone again once removed.
set -euo pipefail
G=$1 C=$2 I=$3 S=${4:-60}
log=$(mktemp)
probe="$C/zz-watch-idle-probe.txt"
"$G" watch "$C" --index "$I" --json >"$log" 2>/dev/null &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
until [ -s "$log" ]; do sleep 0.1; done
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
a=$(ticks)
sleep "$S"
b=$(ticks)
echo "idle CPU over $S s: $((b - a)) ticks; passes while idle: $(($(wc -l <"$log") - 1))"
found() { "$G" search zidleprobex --index "$I" --json | grep -q zz-watch-idle-probe; }
start=$(date +%s.%N)
printf 'Probe\n\nA zidleprobex story.\n' >"$probe"
until found; do sleep 0.05; done
echo "new file searchable after $(echo "$(date +%s.%N) - $start" | bc) s"
start=$(date +%s.%N)
rm "$probe"
while found; do sleep 0.05; done
echo "removed file gone after $(echo "$(date +%s.%N) - $start" | bc) s"
