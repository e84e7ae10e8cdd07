#!/usr/bin/env bash
# beatwire side by side with the tools people use, in one run on this machine, as one table:
#   - article extraction on CORPUS/extraction-zh, extraction-en and the two sets of
#     extraction-multi (readability, fundus): quality per field (the corpus's score.py) and pages
#     per second, for beatwire, trafilatura, readability-lxml and gne, with the ratio beatwire /
#     tool (bench/extraction.sh runs the beatwire part);
#   - feed parsing on CORPUS/feeds: documents per second and the share of documents read without
#     error, for beatwire and feedparser, with the ratio.
#
#   bench/compare.sh [CORPUS]     # default: $BEATWIRE_CORPUS, else ../shared/corpus beside the project
#
# The Python tools go in a virtualenv (BEATWIRE_VENV, default target/compare-venv; created and
# filled with pip on the first run). A part whose corpus folder, Python or package is missing is
# skipped with a message; the rest still runs. beatwire is BEATWIRE_BIN when set, else a release
# build (in CARGO_TARGET_DIR when set).
#
# Fair timing: every tool reads the same files, after a warm-up pass (the page cache is warm);
# every figure is CPU seconds (user + sys) on one core (taskset -c 0 when present). beatwire runs
# as one process over all files of a set, like the Python loop over them; process and interpreter
# start are excluded for both: the Python side times only its loop (imports and one warm-up call
# not counted), and beatwire's start-up CPU (measured on an empty document) is subtracted once per
# process. The Python tools get each document's bytes already in memory; beatwire reads its files
# itself.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-${BEATWIRE_CORPUS:-$root/../shared/corpus}}
venv=${BEATWIRE_VENV:-$root/target/compare-venv}
feed_rounds=${BEATWIRE_FEED_ROUNDS:-5}
pin=()
if command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c 0)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/score" "$work/speed" "$work/pred"
say() { echo "compare.sh: $*" >&2; }

if [ ! -d "$corpus" ]; then
    say "no corpus at $corpus (pass CORPUS or set BEATWIRE_CORPUS): nothing to compare; skipped"
    exit 0
fi
corpus=$(cd "$corpus" && pwd)

# The peers, each installed on its own so that one unavailable package skips only its part.
py=
if command -v python3 >/dev/null 2>&1; then
    if [ ! -x "$venv/bin/python" ]; then
        say "creating the virtualenv $venv"
        python3 -m venv "$venv" && "$venv/bin/pip" install --quiet --upgrade pip >&2 ||
            say "cannot create the virtualenv: the Python tools are skipped"
    fi
    if [ -x "$venv/bin/python" ]; then
        py=$venv/bin/python
        for package in feedparser trafilatura readability-lxml gne; do
            "$venv/bin/pip" show --quiet "$package" >/dev/null 2>&1 ||
                "$venv/bin/pip" install --quiet "$package" >&2 ||
                say "pip cannot install $package: its part is skipped"
        done
    fi
else
    say "no python3: the Python tools are skipped"
fi
has() { # has PYTHON_MODULE: the tool is importable in the virtualenv
    [ -n "$py" ] && "$py" -c "import $1" >/dev/null 2>&1
}

if [ -n "${BEATWIRE_BIN:-}" ]; then
    bin=$BEATWIRE_BIN
else
    (cd "$root" && cargo build --release --quiet --bin beatwire)
    bin=${CARGO_TARGET_DIR:-$root/target}/release/beatwire
fi

# beatwire's start-up CPU seconds: the mean of 10 runs on one empty document.
startup() { # startup COMMAND: prints CPU seconds per process
    : > "$work/empty"
    local TIMEFORMAT='%U %S'
    { time (for _ in 1 2 3 4 5 6 7 8 9 10; do "${pin[@]}" "$bin" "$1" --json "$work/empty" >/dev/null 2>&1 || true; done); } 2> "$work/startup"
    awk '{printf "%.6f", ($1 + $2) / 10}' "$work/startup"
}

# --- Extraction -----------------------------------------------------------------------------
if [ -f "$corpus/score.py" ]; then
    BEATWIRE_BIN=$bin BEATWIRE_CORPUS=$corpus BEATWIRE_BENCH_JSON=$work \
        BEATWIRE_BENCH_STARTUP_CPU=$(startup extract) \
        "$root/bench/extraction.sh" > "$work/extraction.log"
    for set in extraction-zh extraction-en extraction-multi/readability extraction-multi/fundus; do
        pages=$corpus/$set/pages
        label=${set//\//-}
        [ -d "$pages" ] || continue
        for tool in trafilatura:trafilatura readability-lxml:readability gne:gne; do
            name=${tool%%:*}
            if ! has "${tool##*:}"; then
                say "$name is not installed: skipped on $set"
                continue
            fi
            say "$name on $set"
            "${pin[@]}" "$py" "$root/bench/compare.py" extract "$name" "$pages" \
                "$work/pred/$label.$name" "$work/speed/$label.$name.json" 2>> "$work/$name.log" || {
                say "$name failed on $set (see its messages below); skipped"
                tail -5 "$work/$name.log" >&2
                continue
            }
            python3 "$corpus/score.py" --pred "$work/pred/$label.$name" --gt "$pages" \
                --json "$work/score/$label.$name.json" > /dev/null
        done
    done
else
    say "no score.py in $corpus: extraction skipped"
fi

# --- Feed parsing ---------------------------------------------------------------------------
feeds=$corpus/feeds
if [ -d "$feeds" ]; then
    find "$feeds" -type f ! -name MANIFEST.tsv | LC_ALL=C sort > "$work/feeds.list"
    mapfile -t docs < "$work/feeds.list"
    cat "${docs[@]}" > /dev/null # warm the page cache
    # Share: one pass. Speed: `feed_rounds` processes, each over every document.
    "$bin" parse --json "${docs[@]}" > "$work/feeds.jsonl" 2>/dev/null || true
    TIMEFORMAT='%U %S'
    { time (for ((round = 0; round < feed_rounds; round++)); do
        "${pin[@]}" "$bin" parse --json "${docs[@]}" > /dev/null 2>&1 || true
    done); } 2> "$work/feeds.time"
    python3 - "$work/feeds.jsonl" "$work/feeds.time" "$feed_rounds" "$(startup parse)" \
        "$work/speed/feeds.beatwire.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
user, system = map(float, open(sys.argv[2]).read().split())
rounds, start = int(sys.argv[3]), float(sys.argv[4])
json.dump({
    "documents": len(lines),
    "items": len(lines) * rounds,  # documents read in the timed rounds
    "cpu": max(user + system - rounds * start, 1e-6),
    "ok": sum(1 for l in lines if "error" not in l),
    "lenient": sum(1 for l in lines if l.get("lenient")),
}, open(sys.argv[5], "w"))
PY
    if has feedparser; then
        say "feedparser on feeds"
        "${pin[@]}" "$py" "$root/bench/compare.py" feeds "$work/feeds.list" \
            "$work/speed/feeds.feedparser.json"
    else
        say "feedparser is not installed: skipped"
    fi
else
    say "no feeds at $feeds: feed parsing skipped"
fi

python3 "$root/bench/compare.py" table "$work"
