#!/usr/bin/env bash
# Entries read per feed document, beatwire beside feedparser, on CORPUS/feeds: per suite
# (feedparser, feed-rs, rss-crate, miniflux) the documents, the entries each tool reads and how
# many documents each reads more of, then every document where beatwire reads fewer entries than
# feedparser (and, with BEATWIRE_ENTRIES_MORE=1, those where it reads more).
#
#   bench/feed_entries.sh [CORPUS]   # default: $BEATWIRE_CORPUS, else ../shared/corpus beside the project
#
# beatwire's count is `beatwire parse --json`'s `items` (what the parser hands the pipeline;
# an error counts 0); feedparser's is `len(feedparser.parse(bytes).entries)`, bozo or not.
# Neither is given the HTTP headers some feedparser test files name in a `Header:` comment.
#
# Environment: BEATWIRE_BIN (a built beatwire; default: `cargo build --release`, in
# $CARGO_TARGET_DIR or target/), BEATWIRE_VENV (the virtualenv of bench/compare.sh, default
# target/compare-venv; created, and feedparser installed into it with pip, when missing).
# Skips (exit 0) when there is no corpus.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-${BEATWIRE_CORPUS:-$root/../shared/corpus}}
venv=${BEATWIRE_VENV:-$root/target/compare-venv}
say() { echo "feed_entries.sh: $*" >&2; }

if [ ! -d "$corpus/feeds" ]; then
    say "no feeds at $corpus/feeds (pass CORPUS or set BEATWIRE_CORPUS); skipped"
    exit 0
fi
feeds=$(cd "$corpus/feeds" && pwd)

if [ ! -x "$venv/bin/python" ]; then
    say "creating the virtualenv $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip >&2
fi
"$venv/bin/python" -c "import feedparser" >/dev/null 2>&1 ||
    "$venv/bin/pip" install --quiet feedparser >&2

if [ -n "${BEATWIRE_BIN:-}" ]; then
    bin=$BEATWIRE_BIN
else
    (cd "$root" && cargo build --release --quiet --bin beatwire)
    target=${CARGO_TARGET_DIR:-target}
    case "$target" in
        /*) ;;
        *) target=$root/$target ;;
    esac
    bin=$target/release/beatwire
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find "$feeds" -type f ! -name MANIFEST.tsv | LC_ALL=C sort > "$work/feeds.list"
mapfile -t docs < "$work/feeds.list"
# Exit 1 says some document failed: its line carries the error and counts 0 entries.
"$bin" parse --json "${docs[@]}" > "$work/beatwire.jsonl" 2>/dev/null || true
"$venv/bin/python" "$root/bench/feed_entries.py" "$feeds" "$work/feeds.list" "$work/beatwire.jsonl"
