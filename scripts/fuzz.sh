#!/usr/bin/env bash
# fuzz.sh BINARY SECONDS: runs one libFuzzer target for a bounded time from its seed corpus
# (fuzz/corpus/<name>, read-only) into a scratch corpus; exits non-zero on a crash.
set -euo pipefail
bin=$1
secs=$2
name=$(basename "$bin")
seeds="fuzz/corpus/${name#fuzz_}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
args=("$work")
[ -d "$seeds" ] && args+=("$seeds")
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=0 \
    -artifact_prefix="$work/" "${args[@]}" 2>&1 | tail -n 5
