#!/usr/bin/env bash
# Load on `gazette serve`: CONNECTIONS (32) connections for DURATION (30s) on a mixed query set
# (terms, phrases, name filters, date ranges, facets, date order, articles, stats), once alone
# and once while `gazette index` adds 1,000 articles to the corpus. Needs `oha`
# (cargo install oha) and python3.
#
#   benches/serve_load.sh target/release/gazette INDEX CORPUS
#
# SERVE_ARGS are passed to `gazette serve` (e.g. "--cache-mb 0" to turn its response cache
# off). URLS=distinct asks each search of the set in 2,000 spellings that differ only in
# leading and trailing spaces: the same work per request, but a response cache almost never holds the
# answer (oha picks URLs at random), so the run shows the uncached service rate.
#
# The added articles are removed and indexed away at the end, so INDEX and CORPUS are left as
# they were; CORPUS must be writable (a hard-linked copy of a read-only corpus will do).
set -euo pipefail
bin=$(realpath "$1") index=$2 corpus=$3
duration=${DURATION:-30s}
connections=${CONNECTIONS:-32}
work=$(mktemp -d)
added="$corpus/serve-load-added"
# shellcheck disable=SC2086
"$bin" serve --index "$index" --addr 127.0.0.1:0 ${SERVE_ARGS:-} > "$work/addr" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  if [ -d "$added" ]; then
    rm -rf "$added"
    "$bin" index "$corpus" --index "$index" > /dev/null
  fi
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 100); do grep -qs serving "$work/addr" && break; sleep 0.1; done
addr=$(sed 's|.*http://||' "$work/addr")

# The query set: fixed forms, with the names and dates taken from the index itself.
PYTHONPATH="$(dirname "$0")" python3 - "$addr" "$work/urls" "${URLS:-}" <<'PY'
import json, sys, urllib.parse, urllib.request
import serve_queries
addr, out, spellings = sys.argv[1], sys.argv[2], (2000 if sys.argv[3] == "distinct" else 1)
stats = json.load(urllib.request.urlopen(f"http://{addr}/api/stats"))
queries = serve_queries.searches(stats)
urls = []
for q, extra in queries:
    urls += [f"http://{addr}/api/search?"
             + urllib.parse.urlencode({"q": " " * (n // 50) + q + " " * (n % 50), **extra})
             for n in range(spellings)]
first = json.load(urllib.request.urlopen(urls[0]))
for hit in first["hits"][:3]:
    key = urllib.parse.quote(hit["key"], safe="")
    urls.append(f"http://{addr}/api/articles/{key}")
    urls.append(f"http://{addr}/api/articles/{key}/related")
urls.append(f"http://{addr}/api/stats")
open(out, "w").write("\n".join(urls) + "\n")
print(f"{len(urls)} URLs, e.g. {urllib.parse.unquote(urls[10 * spellings])}")
PY

summary() {
  python3 - "$1" "$2" "$server" <<'PY'
import json, sys
label, path, pid = sys.argv[1], sys.argv[2], sys.argv[3]
r = json.load(open(path))
s, p = r["summary"], r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
errors = sum(r.get("errorDistribution", {}).values()) + sum(n for c, n in codes.items() if not c.startswith("2"))
rss = next(l.split()[1] for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM"))
print(f"{label}: {s['requestsPerSec']:.0f} req/s, p50 {p['p50'] * 1000:.1f} ms, p99 {p['p99'] * 1000:.1f} ms, "
      f"errors {errors} (status {codes}), server peak RSS {int(rss) // 1024} MB")
PY
}

# A warm-up, so that both runs find the index in the page cache.
oha --no-tui -w -z 3s -c "$connections" --urls-from-file "$work/urls" --output-format json > /dev/null
oha --no-tui -w -z "$duration" -c "$connections" --urls-from-file "$work/urls" --output-format json > "$work/alone.json"
summary alone "$work/alone.json"

# 1,000 new articles, made from existing ones under new names.
mkdir -p "$added"
python3 - "$corpus" "$added" <<'PY'
import os, shutil, sys
corpus, added = sys.argv[1], sys.argv[2]
files = []
for root, dirs, names in os.walk(corpus):
    dirs[:] = sorted(d for d in dirs if os.path.join(root, d) != added)
    files += [os.path.join(root, n) for n in sorted(names) if n.endswith(".txt")]
    if len(files) >= 1000:
        break
for n, path in enumerate(files[:1000]):
    shutil.copyfile(path, os.path.join(added, f"{n:04}.txt"))
PY
( start=$(date +%s.%N); "$bin" index "$corpus" --index "$index" > "$work/index.out";
  echo "indexing took $(echo "$(date +%s.%N) - $start" | bc) s: $(cat "$work/index.out")" > "$work/index.time" ) &
indexer=$!
oha --no-tui -w -z "$duration" -c "$connections" --urls-from-file "$work/urls" --output-format json > "$work/indexing.json"
wait "$indexer"
summary "while indexing" "$work/indexing.json"
cat "$work/index.time"
