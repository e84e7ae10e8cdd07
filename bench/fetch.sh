#!/usr/bin/env bash
# Fetching at scale, against local sites that answer after 20 ms (bench/fetch_server.rs):
#   1. `fetch` of 1,000 feed sources on 50 hosts (127.0.0.2 ... 127.0.0.51), concurrency 32,
#      per_host 1, no interval: wall time against the bound 1,000 x 20 ms / 32, peak memory;
#   2. the same again, every source answering 304, as `fetch` and as `run` (which publishes);
#   3. `check` and `status` on the same feeds.toml and store: wall time and peak memory;
#   4. 5 hosts x 10 sources with per_host_interval = 250ms: how closely the interval is kept.
# Prints each figure beside its target. Needs a release build (done here, into
# $CARGO_TARGET_DIR or target/), /usr/bin/time, curl. KEEP=1 keeps the work directory (its
# feeds.toml and store) and says where it is.
#
#   bench/fetch.sh [SOURCES] [CONCURRENCY] [DELAY_MS]
#
# At 100,000 sources or more (`bench/fetch.sh 100000 64 20`, about three minutes) the targets
# are those of a large beat: wall time within 1.15x the bound, peak memory under 400 MB for the
# first fetch and under 150 MB for the all-304 pass, `check` and `status` under 2 s.
set -euo pipefail
cd "$(dirname "$0")/.."

sources=${1:-1000}
concurrency=${2:-32}
delay_ms=${3:-20}
hosts=50
interval_ms=250

cargo build --release --quiet --bin beatwire --example fetch_bench_server
release=${CARGO_TARGET_DIR:-target}/release
work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    if [ -n "${KEEP:-}" ]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

"$release/examples/fetch_bench_server" --dir "$work" --hosts "$hosts" \
    --sources "$sources" --delay-ms "$delay_ms" --concurrency "$concurrency" \
    --interval-ms "$interval_ms" >"$work/server.out" &
server_pid=$!
for _ in $(seq 100); do
    grep -q '^ready' "$work/server.out" 2>/dev/null && break
    sleep 0.1
done
port=$(awk '/^ready/ {print $2}' "$work/server.out")
[ -n "$port" ] || { echo "the bench server did not start" >&2; exit 1; }
stats() { curl -s "http://127.0.0.2:$port/stats?interval_ms=${1:-0}&reset=1"; }
stat() { awk -v k="$1" '$1 == k {print $2}' <<<"$2"; }

# `beatwire COMMAND --force --json` on a config; sets wall (s), rss (MB) and the statuses.
measure() {
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" \
        "$release/beatwire" --config "$work/$1" "$2" --force --json >"$work/out.json"
    read -r wall rss_kb user sys <"$work/time"
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
    rss=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
    statuses=$(grep -o '"status":"[a-z_]*"' "$work/out.json" | sort | uniq -c | tr -s ' ' |
        tr '\n' ',' | sed 's/,$//')
}
verdict() { awk -v ok="$1" 'BEGIN {print (ok ? "ok" : "MISSED")}'; }

# per_host is 1, so no more than one request per host is in flight, whatever the concurrency.
slots=$((concurrency < hosts ? concurrency : hosts))
bound=$(awk -v n="$sources" -v d="$delay_ms" -v c="$slots" 'BEGIN {printf "%.3f", n * d / 1000 / c}')
if [ "$sources" -ge 100000 ]; then
    wall_target=1.15 first_mb=400 not_modified_mb=150
else
    wall_target=1.25 first_mb=150 not_modified_mb=
fi
echo "beatwire fetch bench: $sources sources on $hosts hosts, concurrency $concurrency, per_host 1, server delay ${delay_ms} ms"
echo "bound set by latency and the $slots requests in flight: ${bound} s; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

measure throughput.toml fetch
s=$(stats)
echo "1. fetch, first time: every source a 200 with a body to decode, parse, normalise and store"
echo "   wall ${wall} s = $(awk -v w="$wall" -v b="$bound" 'BEGIN {printf "%.2f", w / b}')x the bound (target <= ${wall_target}x): $(verdict "$(awk -v w="$wall" -v b="$bound" -v t="$wall_target" 'BEGIN {print w <= t * b}')")"
echo "   the sites saw the first request to the last answer in $(stat span_s "$s") s = $(awk -v w="$(stat span_s "$s")" -v b="$bound" 'BEGIN {printf "%.2f", w / b}')x the bound; beatwire used ${cpu} s of CPU"
echo "   the sites held each request $(stat held_ms "$s") ms on average (the delay asked: ${delay_ms} ms)"
echo "   peak memory ${rss} MB (target < $first_mb MB): $(verdict "$(awk -v r="$rss" -v t="$first_mb" 'BEGIN {print r < t}')")"
echo "   requests $(stat requests "$s"), most in flight $(stat most_in_flight "$s") (<= $concurrency), most per host $(stat most_in_flight_per_host "$s") (<= 1)"
echo "   sources: $statuses"
echo

measure throughput.toml fetch
s=$(stats)
echo "2. the same fetch again, every source answering 304"
if [ -n "$not_modified_mb" ]; then
    echo "   wall ${wall} s = $(awk -v w="$wall" -v b="$bound" 'BEGIN {printf "%.2f", w / b}')x the bound (target <= ${wall_target}x): $(verdict "$(awk -v w="$wall" -v b="$bound" -v t="$wall_target" 'BEGIN {print w <= t * b}')"), CPU ${cpu} s"
    echo "   peak memory ${rss} MB (target < $not_modified_mb MB): $(verdict "$(awk -v r="$rss" -v t="$not_modified_mb" 'BEGIN {print r < t}')")"
else
    echo "   wall ${wall} s (target < 2 s): $(verdict "$(awk -v w="$wall" 'BEGIN {print w < 2}')"), peak memory ${rss} MB, CPU ${cpu} s"
fi
echo "   the sites saw the first request to the last answer in $(stat span_s "$s") s"
echo "   requests $(stat requests "$s"), 304s $(stat not_modified "$s")"
echo "   sources: $statuses"
echo

if [ -z "$not_modified_mb" ]; then
    measure throughput.toml run
    s=$(stats)
    echo "   and as \`run\` (the same 304s, then publishing feed.xml): wall ${wall} s (target < 2 s): $(verdict "$(awk -v w="$wall" 'BEGIN {print w < 2}')")"
fi
echo

# `beatwire COMMAND` on the throughput config and its store; sets wall (s) and rss (MB).
inspect() {
    /usr/bin/time -f '%e %M' -o "$work/time" \
        "$release/beatwire" --config "$work/throughput.toml" "$@" >/dev/null
    read -r wall rss_kb <"$work/time"
    rss=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
}
echo "3. $sources sources in feeds.toml ($(du -h "$work/throughput.toml" | cut -f1)), their states in the store"
for command in check status "status --json"; do
    # shellcheck disable=SC2086 # the command and its flag are two words
    inspect $command
    echo "   $command: ${wall} s (target < 2 s): $(verdict "$(awk -v w="$wall" 'BEGIN {print w < 2}')"), peak memory ${rss} MB"
done
echo

measure interval.toml fetch
s=$(stats "$interval_ms")
echo "4. per_host_interval = ${interval_ms}ms, 5 hosts x 10 sources"
echo "   shortest gap between two requests to one host: $(stat shortest_gap_ms "$s") ms (target >= $((interval_ms * 95 / 100)) ms)"
echo "   worst host's span off the ideal 9 x ${interval_ms} ms by $(stat span_error_pct "$s") % (target <= 5 %): $(verdict "$(awk -v e="$(stat span_error_pct "$s")" 'BEGIN {print e <= 5}')")"
echo "   wall ${wall} s, sources: $statuses"
