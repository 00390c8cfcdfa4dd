#!/usr/bin/env bash
# fuzz.sh BINARY SECONDS: runs one libFuzzer target for a bounded time from its seed corpus
# (fuzz/corpus/<name>, read-only) into a scratch corpus; exits non-zero on a crash, keeping the
# crashing input in fuzz-artifacts/ and printing it as hex.
set -uo pipefail
bin=$1
secs=$2
name=$(basename "$bin")
seeds="fuzz/corpus/${name#fuzz_}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=("$work/corpus")
mkdir -p "$work/corpus" "$work/art"
[ -d "$seeds" ] && args+=("$seeds")
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
    -artifact_prefix="$work/art/" "${args[@]}" >"$work/log" 2>&1
rc=$?
tail -n 5 "$work/log"
if [ $rc -ne 0 ]; then
    mkdir -p fuzz-artifacts
    for f in "$work"/art/*; do
        [ -f "$f" ] || continue
        cp "$f" "fuzz-artifacts/$name-$(basename "$f")"
        echo "crashing input ($f):"
        od -A d -t x1 -v "$f" | head -n 40
    done
fi
exit $rc
