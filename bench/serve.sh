#!/usr/bin/env bash
# `beatwire serve` under wrk on loopback, against the targets of the serving issue:
#   - at least 10,000 conditional requests per second answered 304,
#   - at least 3,000 full feed.xml responses per second,
#   - memory flat over a 60-second run.
#
# The feed served is a real one: a sample site with STORIES stories (default 200, the default
# max_items) is served on 127.0.0.1, `beatwire run` fetches and publishes it, then
# `beatwire serve` serves the output folder while wrk polls it.
#
# Knobs (environment): STORIES=200 DURATION=20 SOAK=60 THREADS=2 CONNECTIONS=64.
# Needs wrk (Debian's package; installed with apt-get when missing), python3 and curl.
set -euo pipefail
cd "$(dirname "$0")/.."

STORIES=${STORIES:-200}
DURATION=${DURATION:-20}
SOAK=${SOAK:-60}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}

if ! command -v wrk >/dev/null 2>&1; then
    echo "installing wrk" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq wrk >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; }
fi

cargo build --release --quiet
bin="$PWD/target/release/beatwire"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() {
    for _ in $(seq 1 100); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing answers on $1" >&2
    exit 1
}

# 1. The sample site: one RSS feed of $STORIES stories with bodies of a realistic length.
site_port="$(free_port)"
mkdir -p "$work/site"
python3 - "$work/site/rss.xml" "$STORIES" "$site_port" <<'PY'
import sys
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

path, count, port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
china = timezone(timedelta(hours=8))
start = datetime(2026, 11, 27, 9, 0, tzinfo=china)
places = ["成都", "重庆", "昆明", "贵阳", "自贡", "达州", "万州", "遵义"]
topics = ["高铁", "物流", "生态", "产业园区", "开放通道", "长江航道"]
paragraph = ("川渝两地在{place}签署经济协作协议，围绕{topic}建设、产业协同和公共服务共建共享"
             "开展合作，推动成渝地区双城经济圈建设走深走实。会议指出，要加快构建内陆开放新高地，"
             "深化区域协作机制，共同打造西部陆海新通道重要节点。")
items = []
for n in range(count):
    place, topic = places[n % len(places)], topics[n % len(topics)]
    body = "".join(f"<p>{paragraph.format(place=place, topic=topic)}</p>" for _ in range(6))
    date = (start - timedelta(minutes=37 * n)).strftime("%a, %d %b %Y %H:%M:%S %z")
    items.append(
        f"<item><title>{place}推进{topic}合作项目（第{n + 1}号）</title>"
        f"<link>http://127.0.0.1:{port}/news/{n + 1}.html</link>"
        f"<guid>bench-{n + 1}</guid><pubDate>{date}</pubDate>"
        f"<author>记者 陈家明</author>"
        f"<description>{escape(paragraph.format(place=place, topic=topic))}</description>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
    )
with open(path, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0" encoding="utf-8"?>'
            '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
            f'<channel><title>基准日报</title><link>http://127.0.0.1:{port}/</link>'
            '<description>bench</description>' + "".join(items) + "</channel></rss>")
PY
python3 -m http.server "$site_port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$site_port/rss.xml"

# 2. A real run into a real store and output folder.
port="$(free_port)"
base="http://127.0.0.1:$port"
cat >"$work/feeds.toml" <<EOF
[beat]
title = "西南经济协作 · 基准"
link = "$base/"
feed_url = "$base/feed.xml"
max_items = $STORIES

[[category]]
name = "交通"
slug = "transport"
keywords = ["高铁", "航道", "通道"]

[[source]]
id = "bench"
name = "基准日报"
url = "http://127.0.0.1:$site_port/rss.xml"
EOF
"$bin" --config "$work/feeds.toml" run
feed_bytes=$(stat -c %s "$work/public/feed.xml")

# 3. The server.
"$bin" --config "$work/feeds.toml" serve --addr "127.0.0.1:$port" 2>/dev/null &
serve_pid=$!
pids+=("$serve_pid")
wait_for "$base/healthz"
etag=$(curl -fsSI "$base/feed.xml" | tr -d '\r' | awk -F': ' 'tolower($1) == "etag" {print $2}')
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$base/feed.xml")" = 304 ]

count_of() {
    curl -fsS "$base/metrics" | awk -v code="$1" '$1 == "beatwire_http_responses_total{code=\"" code "\"}" {print $2}'
}

rate() { awk '/^Requests\/sec:/ {printf "%d", $2}'; }
requests() { awk '/ requests in / {print $1}'; }
# CPU time (user + system, in clock ticks) the server has used so far: with wrk and other
# processes sharing the cores, responses per CPU-second of the server is the figure that does not
# depend on what else runs on the machine.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$serve_pid/stat"; }
per_cpu_second() { awk -v n="$1" -v t="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%d", (t > 0) ? n * hz / t : 0}'; }

echo "feed.xml: $STORIES stories, $feed_bytes bytes; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s on $(nproc) cores"
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

before=$(count_of 304)
ticks=$(cpu_ticks)
cond_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -H "If-None-Match: $etag" "$base/feed.xml")
cond_cpu=$(per_cpu_second "$(echo "$cond_out" | requests)" $(( $(cpu_ticks) - ticks )))
answered_304=$(( $(count_of 304) - before ))
echo "== conditional GET /feed.xml (If-None-Match: $etag)"
echo "$cond_out"
cond_rate=$(echo "$cond_out" | rate)
echo

before=$(count_of 200)
ticks=$(cpu_ticks)
full_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$base/feed.xml")
full_cpu=$(per_cpu_second "$(echo "$full_out" | requests)" $(( $(cpu_ticks) - ticks )))
answered_200=$(( $(count_of 200) - before ))
echo "== full GET /feed.xml (no validators, no compression)"
echo "$full_out"
full_rate=$(echo "$full_out" | rate)
echo

gzip_out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -H "Accept-Encoding: gzip" "$base/feed.xml")
gzip_rate=$(echo "$gzip_out" | rate)
echo "== full GET /feed.xml with Accept-Encoding: gzip: $gzip_rate requests/s"
echo

# 4. Memory over a ${SOAK}-second run of full responses, sampled every 5 seconds.
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$serve_pid/status"; }
samples=("$(rss_kib)")
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SOAK}s" "$base/feed.xml" >/dev/null &
soak_pid=$!
for _ in $(seq 5 5 "$SOAK"); do
    sleep 5
    samples+=("$(rss_kib)")
done
wait "$soak_pid"
samples+=("$(rss_kib)")
echo "== memory (VmRSS, KiB) before, every 5 s of a ${SOAK}-second run, after:"
echo "${samples[*]}"
# Flat: after the first 5 seconds (caches and connection buffers warm), RSS grows by < 10%.
warm=${samples[1]}
last=${samples[-1]}
peak=$(printf '%s\n' "${samples[@]:1}" | sort -n | tail -1)
growth=$(( (peak - warm) * 100 / warm ))
echo

verdict() { if [ "$1" -ge "$2" ]; then echo "ok"; else echo "BELOW TARGET"; fi; }
printf '%-46s %12s %12s  %s\n' "measure" "measured" "target" "verdict"
printf '%-46s %12s %12s  %s\n' "conditional requests/s answered 304" "$cond_rate" "10000" "$(verdict "$cond_rate" 10000)"
printf '%-46s %12s %12s  %s\n' "full feed.xml responses/s ($feed_bytes bytes)" "$full_rate" "3000" "$(verdict "$full_rate" 3000)"
printf '%-46s %12s %12s  %s\n' "gzip feed.xml responses/s" "$gzip_rate" "-" "-"
printf '%-46s %12s %12s  %s\n' "304s per CPU-second of the server" "$cond_cpu" "-" "-"
printf '%-46s %12s %12s  %s\n' "full responses per CPU-second of the server" "$full_cpu" "-" "-"
printf '%-46s %11s%% %11s%%  %s\n' "RSS growth after warm-up (peak vs 5 s)" "$growth" "<10" \
    "$(if [ "$growth" -lt 10 ]; then echo ok; else echo "NOT FLAT"; fi)"
echo "304s counted by the server: $answered_304; 200s: $answered_200; RSS at 5 s $warm KiB, peak $peak KiB, end $last KiB"
