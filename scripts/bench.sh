#!/usr/bin/env bash
# make bench / make bench-short: ringcached against Debian's memcached on this machine, in one run.
#
# Both servers run at the same time with one worker thread each (-t 1), pinned alike to the last
# CPU; the load generator (`ringcache bench`) is pinned to CPU 0 and drives them in alternating
# short slices (A B, B A, ...), so both see the same machine. Every workload is repeated and the
# median of the repetitions is reported: ops/s, p99 latency and the server's CPU time per operation
# (utime + stime from /proc/PID/stat over the measured slices), with ringcached/memcached ratios.
# Then the in-process benchmarks (bench_store, bench_proto, bench_ring), if built, run as their
# owners wrote them (with --short in short mode).
# Results go to bench/results/<UTC time>-<commit>.csv (short mode: bench/results/short.csv.tmp).
# Benchmarks measure and never fail on figures: the exit status is 0 unless nothing could run.
#
#   scripts/bench.sh [--short] [--reps N] [--time SEC] [--only WORKLOAD]
#   BUILD=dir (default build)   JOBS=n (default 2)   RC_BENCH_KEEP_CSV=1 (short mode keeps the CSV)
set -uo pipefail
cd "$(dirname "$0")/.."

SHORT=0
REPS=3
TIME=4
ONLY=""
while [ $# -gt 0 ]; do
    case "$1" in
    --short) SHORT=1 ;;
    --reps) REPS=$2; shift ;;
    --time) TIME=$2; shift ;;
    --only) ONLY=$2; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
BUILD=${BUILD:-build}
JOBS=${JOBS:-2}
KEYS=50000
SLICE=500
if [ $SHORT = 1 ]; then
    REPS=1 TIME=0.4 KEYS=2000 SLICE=100
fi

log() { printf '%s\n' "$*" >&2; }

# ---- build (the whole tree; if another module is mid-change, just what the benchmark needs) ----
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null 2>&1 || true
if ! cmake --build "$BUILD" -j"$JOBS" >/dev/null 2>&1; then
    log "bench: full build failed; building ringcache and ringcached only"
    cmake --build "$BUILD" -j"$JOBS" --target ringcache >/dev/null 2>&1 || true
    cmake --build "$BUILD" -j"$JOBS" --target ringcached >/dev/null 2>&1 || true
fi
LOADGEN=$BUILD/src/tools/ringcache
RINGCACHED=$BUILD/src/server/ringcached
MEMCACHED=${MEMCACHED:-/usr/bin/memcached}
if [ ! -x "$LOADGEN" ]; then
    log "bench: $LOADGEN not built"
    exit 1
fi

# ---- pinning: load generator on CPU 0, servers together on the last CPU ----
NCPU=$(nproc)
PIN_LOAD=() PIN_SRV=()
if [ "$NCPU" -ge 2 ] && command -v taskset >/dev/null; then
    PIN_LOAD=(taskset -c 0)
    PIN_SRV=(taskset -c $((NCPU - 1)))
fi

# ---- servers ----
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT INT TERM

free_port() {
    /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_port() { # PORT PID: up to 5 s for the server to accept
    for _ in $(seq 50); do
        kill -0 "$2" 2>/dev/null || return 1
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}
USER_FLAG=()
[ "$(id -u)" -eq 0 ] && USER_FLAG=(-u root)
start_server() { # NAME BINARY: sets SRV_PORT and SRV_PID
    local port
    port=$(free_port)
    "${PIN_SRV[@]}" "$2" "${USER_FLAG[@]}" -p "$port" -U 0 -l 127.0.0.1 -t 1 -m 1024 -c 4096 \
        >"/tmp/rc-bench-$1.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    if ! wait_port "$port" "$pid"; then
        log "bench: $1 did not start (see /tmp/rc-bench-$1.log)"
        return 1
    fi
    SRV_PORT=$port SRV_PID=$pid
}

NAMES=() ADDRS=() SPIDS=()
if [ -x "$RINGCACHED" ] && start_server ringcached "$RINGCACHED"; then
    NAMES+=(ringcached) ADDRS+=("127.0.0.1:$SRV_PORT") SPIDS+=("$SRV_PID")
else
    log "bench: ringcached not available: memcached figures only"
fi
if start_server memcached "$MEMCACHED"; then
    NAMES+=(memcached) ADDRS+=("127.0.0.1:$SRV_PORT") SPIDS+=("$SRV_PID")
fi
if [ ${#NAMES[@]} -eq 0 ]; then
    log "bench: no server could start"
    exit 1
fi
SERVERS=$(IFS=,; echo "${ADDRS[*]}")
SERVER_PIDS=$(IFS=,; echo "${SPIDS[*]}")

# ---- workloads: name and ringcache bench options ----
WORKLOADS=(
    "get90_v100|-r 9:1 -v 100 -c 8 -d 1"
    "get90_v100_depth16|-r 9:1 -v 100 -c 4 -d 16"
    "mget16_v100|-r 1:0 -v 100 -m 16 -c 8 -d 1"
    "set90_v1k|-r 1:9 -v 1k -c 8 -d 1"
)

COMMIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
DIRTY=$(git diff --quiet HEAD -- src include 2>/dev/null || echo "+dirty")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p bench/results
if [ $SHORT = 1 ]; then
    CSV=bench/results/short.csv.tmp
else
    CSV=bench/results/$STAMP-$COMMIT.csv
fi
echo "commit,date,workload,server,rep,ops_per_s,keys_per_s,p50_us,p99_us,p999_us,cpu_ns_per_op,hit_pct,errors,corrupt,args" >"$CSV"
RAW=$(mktemp /tmp/rc-bench-raw.XXXXXX)

log "bench: commit $COMMIT$DIRTY, servers ${NAMES[*]} (${PIN_SRV[*]:-unpinned}), $REPS x ${TIME}s per server per workload, slices ${SLICE} ms"
for w in "${WORKLOADS[@]}"; do
    name=${w%%|*}
    args=${w#*|}
    [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && continue
    for rep in $(seq "$REPS"); do
        preload=()
        [ "$rep" = 1 ] && preload=(--preload)
        # shellcheck disable=SC2086
        out=$("${PIN_LOAD[@]}" "$LOADGEN" bench -s "$SERVERS" --pid "$SERVER_PIDS" $args \
            -k "$KEYS" -t "$TIME" --slice "$SLICE" --prefix "$name:" --seed "$rep" "${preload[@]}" \
            --csv -q 2>&1)
        status=$?
        if [ $status -ge 2 ]; then
            log "bench: $name rep $rep failed: $(echo "$out" | grep -v '^server,' | tail -2)"
            continue
        fi
        # ringcache bench prints one CSV line per server, in the order given.
        echo "$out" | grep -E '^127\.0\.0\.1:' | awk -F, -v names="${NAMES[*]}" \
            -v c="$COMMIT$DIRTY" -v d="$STAMP" -v w="$name" -v rep="$rep" \
            -v a="$args -k $KEYS -t $TIME --slice $SLICE" '
            BEGIN { split(names, n, " ") }
            { i++; printf "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", c, d, w, n[i], rep,
                     $2, $3, $4, $5, $6, $11, $8, $9, $10, a }' >>"$RAW"
    done
done
cat "$RAW" >>"$CSV"

# ---- medians and ratios ----
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { # WORKLOAD SERVER COLUMN -> median over reps
    awk -F, -v w="$1" -v s="$2" -v k="$3" '$3 == w && $4 == s { print $k }' "$RAW" | median
}
spread() { # WORKLOAD: lowest and highest per-repetition ops ratio ringcached/memcached
    awk -F, -v w="$1" '$3 == w { v[$5, $4] = $6; r[$5] = 1 }
        END { lo = ""; for (k in r) if (v[k, "memcached"] > 0 && v[k, "ringcached"] != "") {
                  x = v[k, "ringcached"] / v[k, "memcached"]
                  if (lo == "" || x < lo) lo = x; if (hi == "" || x > hi) hi = x }
              if (lo == "") print "-"; else printf "%.2f-%.2f", lo, hi }' "$RAW"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "nan" || b == "nan" || b == 0) print "-"; else printf "%.2f", a / b }'; }

echo
printf '%-20s %-11s %11s %11s %9s %12s\n' workload server "ops/s" "keys/s" "p99 us" "cpu ns/op"
for w in "${WORKLOADS[@]}"; do
    name=${w%%|*}
    [ -n "$ONLY" ] && [ "$ONLY" != "$name" ] && continue
    for s in "${NAMES[@]}"; do
        printf '%-20s %-11s %11.0f %11.0f %9.1f %12.0f\n' "$name" "$s" "$(col "$name" "$s" 6)" \
            "$(col "$name" "$s" 7)" "$(col "$name" "$s" 9)" "$(col "$name" "$s" 11)"
    done
    if [ ${#NAMES[@]} -eq 2 ]; then
        want=1.0
        case $name in *depth16* | mget*) want=1.3 ;; esac
        printf '%-20s %-11s %11s %11s %9s %12s   (targets: ops >= %s, p99 <= 1.00, cpu <= 0.80)\n' \
            "$name" "ratio" "$(ratio "$(col "$name" ringcached 6)" "$(col "$name" memcached 6)")x" \
            "[$(spread "$name")]" \
            "$(ratio "$(col "$name" ringcached 9)" "$(col "$name" memcached 9)")x" \
            "$(ratio "$(col "$name" ringcached 11)" "$(col "$name" memcached 11)")x" "$want"
    fi
done
rm -f "$RAW"
echo "results: $CSV (medians of $REPS repetitions; [lowest-highest] per-repetition ops ratio shows"
echo "the noise of this shared machine)"

# ---- in-process benchmarks, as their owners wrote them (with --short in short mode) ----
LIMIT=120
SHORT_ARG=()
[ $SHORT = 1 ] && LIMIT=30 SHORT_ARG=(--short)
for b in bench_store bench_proto bench_ring; do
    bin=$(find "$BUILD" -type f -name "$b" -perm -u+x 2>/dev/null | head -1)
    if [ -z "$bin" ]; then
        echo "$b: not built"
        continue
    fi
    echo "=== $b"
    timeout "$LIMIT" "${PIN_LOAD[@]}" "$bin" "${SHORT_ARG[@]}" 2>&1 | tail -40 ||
        echo "$b: exited with status $?"
done
if [ $SHORT = 1 ] && [ "${RC_BENCH_KEEP_CSV:-0}" != 1 ]; then
    rm -f "$CSV"
fi
exit 0
