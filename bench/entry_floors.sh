#!/usr/bin/env bash
# The feed entries beatwire reads on CORPUS/feeds, per suite, against the floors in
# bench/floors.json ("feed-entries"): exits 1 when a suite's count falls below its floor, so a
# change that stops reading a format fails CI. No peer is needed (bench/feed_entries.sh puts
# feedparser beside these counts).
#
#   bench/entry_floors.sh [CORPUS]   # default: $BEATWIRE_CORPUS, else ../shared/corpus beside the project
#
# BEATWIRE_BIN: the beatwire to run (default: target/debug/beatwire, built by `cargo build`).
# Skips (exit 0) when there is no corpus.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-${BEATWIRE_CORPUS:-$root/../shared/corpus}}
bin=${BEATWIRE_BIN:-$root/${CARGO_TARGET_DIR:-target}/debug/beatwire}
if [ ! -d "$corpus/feeds" ]; then
    echo "entry_floors.sh: no feeds at $corpus/feeds (set BEATWIRE_CORPUS); skipped" >&2
    exit 0
fi
feeds=$(cd "$corpus/feeds" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$feeds" -type f ! -name MANIFEST.tsv | LC_ALL=C sort > "$work/feeds.list"
mapfile -t docs < "$work/feeds.list"
# Exit 1 says some document failed: its line carries the error and counts 0 entries.
"$bin" parse --json "${docs[@]}" > "$work/beatwire.jsonl" 2>/dev/null || true
python3 - "$feeds" "$work/beatwire.jsonl" "$root/bench/floors.json" <<'PY'
import json, os, sys
feeds, lines, floors = sys.argv[1], sys.argv[2], sys.argv[3]
counts = {}
for line in open(lines, encoding="utf-8"):
    doc = json.loads(line)
    suite = os.path.relpath(doc["file"], feeds).split(os.sep)[0]
    counts[suite] = counts.get(suite, 0) + len(doc.get("items") or [])
below = False
for suite, floor in json.load(open(floors))["feed-entries"].items():
    if suite.startswith("_"):
        continue
    got = counts.get(suite, 0)
    verdict = "ok" if got >= floor else "BELOW"
    below |= got < floor
    print(f"floors: feeds/{suite} entries {got} (floor {floor}) {verdict}")
print("floors: every suite at or above its floor" if not below else "floors: a suite fell below its floor")
sys.exit(1 if below else 0)
PY
