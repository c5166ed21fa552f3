#!/bin/sh
# run.sh BUILD SECONDS - runs every libFuzzer target in BUILD (fuzz_NAME) for
# SECONDS, seeded from tests/fuzz/NAME/; new inputs it finds go to
# BUILD/corpus/NAME (the checkout is never written). Prints one line per target
# with its executions and ends non-zero when any target found a crash or a
# broken invariant (its input is kept as BUILD/crash/NAME/crash-*).
set -u
BUILD=$1
SECONDS_EACH=${2:-60}
HERE=$(cd "$(dirname "$0")" && pwd)
failed=0
total=0
: >"$BUILD/fuzz-report.txt"
for bin in "$BUILD"/fuzz_*; do
    [ -x "$bin" ] || continue
    name=${bin##*/fuzz_}
    seeds="$HERE/$name"
    mkdir -p "$BUILD/corpus/$name" "$BUILD/crash/$name"
    [ -d "$seeds" ] || seeds=""
    log="$BUILD/fuzz-$name.log"
    case $name in template) maxlen=32768 ;; *) maxlen=8192 ;; esac
    # detect_leaks=0: GLib and libxml2 keep process-wide caches on purpose;
    # leaks are the sanitize build's business (with its suppressions).
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        "$bin" -max_total_time="$SECONDS_EACH" -timeout=20 -rss_limit_mb=2048 -max_len=$maxlen \
        -print_final_stats=1 -artifact_prefix="$BUILD/crash/$name/" \
        "$BUILD/corpus/$name" $seeds >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cover=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(ls "$BUILD/corpus/$name" | wc -l)
    line=$(printf '%-10s %10s executions in %ss, coverage %s edges, corpus %s, exit %s' \
        "$name" "${execs:-?}" "$SECONDS_EACH" "${cover:-?}" "$corpus" "$rc")
    echo "$line" | tee -a "$BUILD/fuzz-report.txt"
    total=$((total + ${execs:-0}))
    if [ "$rc" -ne 0 ]; then
        failed=$((failed + 1))
        grep -E 'ERROR|invariant broken|runtime error|SUMMARY' "$log" | head -5 | sed 's/^/    /'
        echo "    log: $log" 
    fi
done
echo "fuzz: $total executions in all, $failed target(s) failed" | tee -a "$BUILD/fuzz-report.txt"
[ "$failed" -eq 0 ]
