#!/usr/bin/env bash
# Runs fuzz targets with the project's settings: seeds each corpus from fixtures/ (seed.sh),
# then lets libFuzzer run for SECONDS (default 600) at low priority. A crash, a hang (an input
# taking over 10 s) or an out-of-memory (over 2 GiB) is saved under fuzz/artifacts/<target>/
# and the run goes on (fork mode). The log is fuzz/artifacts/<target>.log; its last lines give
# executions and coverage.
#
#   fuzz/run.sh decode 600               # one target, ten minutes
#   fuzz/run.sh all 600                  # every target, two at a time
#
# cargo-fuzz needs nightly compiler flags; RUSTC_BOOTSTRAP=1 lets the stable toolchain take
# them. `-s none`: the library forbids unsafe code, so AddressSanitizer would only slow the
# search; `-a`: debug assertions (integer overflow checks) stay on.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUSTC_BOOTSTRAP=1
TARGETS=(decode feed_parse article_extract list_extract config_load canonical_url)
target=${1:?usage: fuzz/run.sh TARGET|all [SECONDS]}
seconds=${2:-600}

fuzz/seed.sh >/dev/null
nice -n 19 cargo fuzz build -s none -a

run_one() {
    local name=$1
    mkdir -p "fuzz/artifacts/$name"
    nice -n 19 cargo fuzz run -s none -a "$name" "fuzz/corpus/$name" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -artifact_prefix="fuzz/artifacts/$name/" \
        >"fuzz/artifacts/$name.log" 2>&1 || true
    echo "$name: $(grep -E '#[0-9]+: cov: ' "fuzz/artifacts/$name.log" | tail -1)"
    echo "$name: $(find "fuzz/artifacts/$name" -type f | wc -l) crash/hang/oom inputs"
}

if [ "$target" = all ]; then
    # Two at a time: the machine is shared.
    for ((i = 0; i < ${#TARGETS[@]}; i += 2)); do
        run_one "${TARGETS[i]}" &
        run_one "${TARGETS[i + 1]}" &
        wait
    done
else
    run_one "$target"
fi
