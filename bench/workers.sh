#!/usr/bin/env bash
# Several workers on one PostgreSQL store. SOURCES feed sources on HOSTS hosts (the local sites
# of bench/fetch_server.rs, answering after DELAY_MS), fetched for the first time by 1, 2 and 3
# `beatwire run` processes started together on one fresh PostgreSQL database, and by one
# process on a fresh sled store. For each: wall time, sources per second, stories written per
# second, and the bound set by the sites' delay and the requests in flight (CONCURRENCY per
# worker, per_host 1); whether every source was fetched exactly once; and, on PostgreSQL, the
# transactions committed per source (from pg_stat_database: a count that, unlike the times,
# does not depend on what else the machine is doing).
#
#   bench/workers.sh [SOURCES] [HOSTS] [DELAY_MS] [CONCURRENCY]
#
# Needs a release build (done here), psql and /usr/bin/time, and PostgreSQL at
# $BEATWIRE_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/test); it creates and
# drops databases named beatwire_bench_*.
set -euo pipefail
cd "$(dirname "$0")/.."

sources=${1:-10000}
hosts=${2:-200}
delay_ms=${3:-20}
concurrency=${4:-32}
admin=${BEATWIRE_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}
target=${CARGO_TARGET_DIR:-target}

cargo build --release --quiet --bin beatwire --example fetch_bench_server
work=$(mktemp -d)
server_pid=
databases=()
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
    for db in "${databases[@]}"; do
        psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

"$target/release/examples/fetch_bench_server" --dir "$work" --hosts "$hosts" \
    --sources "$sources" --delay-ms "$delay_ms" --concurrency "$concurrency" >"$work/server.out" &
server_pid=$!
for _ in $(seq 100); do
    grep -q '^ready' "$work/server.out" 2>/dev/null && break
    sleep 0.1
done
port=$(awk '/^ready/ {print $2}' "$work/server.out")
[ -n "$port" ] || { echo "the bench server did not start" >&2; exit 1; }
stats() { curl -s "http://127.0.0.2:$port/stats?reset=1"; }
stat() { awk -v k="$1" '$1 == k {print $2}' <<<"$2"; }

echo "beatwire workers bench: $sources sources on $hosts hosts, server delay ${delay_ms} ms,"
echo "concurrency $concurrency per worker, per_host 1; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# One case: WORKERS processes at once on the store STORE (and, for PostgreSQL, the database's
# name DB, whose committed transactions are counted); prints one line.
case_line() {
    local label=$1 workers=$2 store=$3 db=${4:-}
    local dir="$work/$label"
    mkdir -p "$dir"
    sed -e "s|^store = .*|store = \"$store\"|" -e "s|^output = .*|output = \"public\"|" \
        "$work/throughput.toml" >"$dir/feeds.toml"
    stats >/dev/null
    local start end
    start=$(date +%s.%N)
    local pids=()
    for w in $(seq "$workers"); do
        "$target/release/beatwire" --config "$dir/feeds.toml" run --json >"$dir/run$w.json" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    end=$(date +%s.%N)
    local s transactions=-
    s=$(stats)
    if [ -n "$db" ]; then
        # The workers' connections have closed, so their counts are in the statistics.
        sleep 1
        transactions=$(psql -Atq "$admin" -c \
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = '$db'")
    fi
    python3 - "$label" "$workers" "$start" "$end" "$sources" "$hosts" "$delay_ms" "$concurrency" \
        "$(stat requests "$s")" "$dir" "$transactions" <<'PY'
import json, pathlib, sys
label, workers, start, end, sources, hosts, delay, conc, requests, folder, transactions = sys.argv[1:]
workers, sources, hosts, conc, requests = map(int, (workers, sources, hosts, conc, requests))
wall = float(end) - float(start)
in_flight = min(workers * conc, hosts)
bound = sources * float(delay) / 1000 / in_flight
new = ran = 0
for path in sorted(pathlib.Path(folder).glob("run*.json")):
    for source in json.loads(path.read_text())["sources"]:
        new += source.get("new", 0)
        ran += source["status"] != "skipped"
once = "every source fetched once" if requests == sources == ran else f"REQUESTS {requests}, SOURCES RUN {ran} (expected {sources})"
per_source = "" if transactions == "-" else f"  {int(transactions) / sources:5.1f} transactions/source"
print(f"{label:<22} wall {wall:6.2f} s (bound {bound:5.2f} s, {wall / bound:4.2f}x)  "
      f"{sources / wall:7.0f} sources/s  {new / wall:7.0f} stories written/s{per_source}  {once}")
PY
}

case_line "sled, 1 process" 1 "$work/sled/beatwire.sled"
for workers in 1 2 3; do
    db="beatwire_bench_$$_$workers"
    psql -q "$admin" -c "CREATE DATABASE $db" >/dev/null
    databases+=("$db")
    url=$(python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' "$admin" "$db")
    case_line "postgres, $workers worker$([ "$workers" = 1 ] || echo s)" "$workers" "$url" "$db"
done
