#!/usr/bin/env bash
# Article extraction measured on a labelled corpus: quality with the corpus's score.py, speed
# in pages per second on one core. Generic extraction only: no config, no per-site rules.
#
#   bench/extraction.sh                  # the corpus at ../shared/corpus beside the project
#   BEATWIRE_CORPUS=DIR bench/extraction.sh
#
# Environment: BEATWIRE_CORPUS (corpus folder holding score.py and extraction-*/pages),
# BEATWIRE_BIN (a built beatwire; default: `cargo build --release` and target/release),
# BEATWIRE_BENCH_ROUNDS (how many times the speed run reads each page, default 5; 0 skips the
# speed run), BEATWIRE_BENCH_SETS (default: the four labelled sets, "extraction-zh
# extraction-en extraction-multi/readability extraction-multi/fundus"), BEATWIRE_BENCH_KEEP (a
# folder to keep the predictions and per-page scores in), BEATWIRE_BENCH_JSON (a folder for
# score/LABEL.beatwire.json, score.py's summary, and speed/LABEL.beatwire.json, the pages and CPU
# seconds of the speed run, less BEATWIRE_BENCH_STARTUP_CPU seconds: bench/compare.sh reads
# them; LABEL is the set's folder with `/` as `-`), BEATWIRE_BENCH_FLOORS (a floors file, e.g.
# bench/floors.json: the run fails when a score falls below its floor; see bench/floors.py).
# Skips (exit 0) when there is no corpus.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${BEATWIRE_CORPUS:-$root/../shared/corpus}
if [ ! -f "$corpus/score.py" ]; then
    echo "bench/extraction.sh: no corpus at $corpus (set BEATWIRE_CORPUS); skipped"
    exit 0
fi
if [ -n "${BEATWIRE_BIN:-}" ]; then
    bin=$BEATWIRE_BIN
else
    (cd "$root" && cargo build --release --quiet)
    bin=$root/target/release/beatwire
fi
rounds=${BEATWIRE_BENCH_ROUNDS:-5}
pin=()
if command -v taskset >/dev/null 2>&1; then
    pin=(taskset -c 0)
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scores=${BEATWIRE_BENCH_JSON:-$work/json}
default_sets="extraction-zh extraction-en extraction-multi/readability extraction-multi/fundus"

for set in ${BEATWIRE_BENCH_SETS:-$default_sets}; do
    label=${set//\//-}
    pages=$corpus/$set/pages
    [ -d "$pages" ] || { echo "$set: no pages at $pages; skipped"; continue; }
    in=$work/$label/in
    pred=$work/$label/pred
    mkdir -p "$in" "$pred"
    for f in "$pages"/*.html "$pages"/*.html.gz; do
        [ -e "$f" ] || continue
        case "$f" in
            *.gz) gzip -dc "$f" > "$in/$(basename "$f" .gz)" ;;
            *) cp "$f" "$in/" ;;
        esac
    done
    files=("$in"/*.html)
    count=${#files[@]}

    # Quality: one pass. Exit code 1 means some page had no article: scored as such.
    "$bin" extract --json "${files[@]}" > "$work/$label/out.jsonl" || true

    # Speed: one process reading the pages `rounds` times over, on one core; CPU seconds
    # (user + sys) count what one core spent, wall seconds what the machine allowed.
    timed=()
    for ((round = 0; round < rounds; round++)); do
        timed+=("${files[@]}")
    done
    TIMEFORMAT='%R %U %S'
    if ((rounds > 0)); then
        { time "${pin[@]}" "$bin" extract --json "${timed[@]}" > /dev/null || true; } \
            2> "$work/$label/time"
    fi

    python3 - "$work/$label/out.jsonl" "$pred" <<'PY'
import json, os, sys
out, pred = sys.argv[1], sys.argv[2]
for line in open(out, encoding="utf-8"):
    page = json.loads(line)
    name = os.path.basename(page["file"])[: -len(".html")]
    prediction = {
        "title": page.get("title"),
        "author": " ".join(page.get("author") or []),
        "publish_time": page.get("published"),
        "body": page.get("body_text"),
        "error": page.get("error"),
    }
    with open(os.path.join(pred, name + ".json"), "w", encoding="utf-8") as f:
        json.dump(prediction, f, ensure_ascii=False)
PY
    per_page=()
    if [ -n "${BEATWIRE_BENCH_KEEP:-}" ]; then
        mkdir -p "$BEATWIRE_BENCH_KEEP/$label"
        cp -r "$pred" "$BEATWIRE_BENCH_KEEP/$label/"
        per_page=(--per-page "$BEATWIRE_BENCH_KEEP/$label/per-page.tsv")
    fi
    mkdir -p "$scores/score" "$scores/speed"
    python3 "$corpus/score.py" --pred "$pred" --gt "$pages" --by-subset --label "$set" \
        "${per_page[@]}" --json "$scores/score/$label.beatwire.json"
    ((rounds > 0)) || continue
    read -r wall user sys < "$work/$label/time"
    if [ -n "${BEATWIRE_BENCH_JSON:-}" ]; then
        python3 -c "import json, sys; json.dump({'items': int(sys.argv[1]), 'cpu': max(float(sys.argv[2]) + float(sys.argv[3]) - float(sys.argv[4]), 1e-6), 'wall': float(sys.argv[5])}, open(sys.argv[6], 'w'))" \
            "$((count * rounds))" "$user" "$sys" "${BEATWIRE_BENCH_STARTUP_CPU:-0}" "$wall" \
            "$BEATWIRE_BENCH_JSON/speed/$label.beatwire.json"
    fi
    python3 -c "import sys; n, w, c = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]) + float(sys.argv[4]); print(f'## {sys.argv[5]}: {n} pages in one run: {c:.2f} CPU s = {n / c:.0f} pages/s on one core ({w:.2f} s wall = {n / w:.0f} pages/s)')" \
        "$((count * rounds))" "$wall" "$user" "$sys" "$set"
done

if [ -n "${BEATWIRE_BENCH_FLOORS:-}" ]; then
    python3 "$root/bench/floors.py" "$BEATWIRE_BENCH_FLOORS" "$scores/score"
fi
