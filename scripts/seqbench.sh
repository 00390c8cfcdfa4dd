#!/usr/bin/env bash
# seqbench.sh: servers measured one at a time, in turns, under the same depth-1 style load.
#
# make bench drives two servers in alternating slices inside one run; this script instead starts
# one server, preloads it, measures one fixed-size load against it, stops it, and goes on to the
# next, REPS rounds in turn. It is the tool for "did this change help": builds A/B, option values,
# memcached. For each run it prints the server's CPU per request (utime + stime from /proc, and the
# user part), the load generator's CPU per request, the server's voluntary context switches per
# request, ops/s and p99 (us). Read medians; this machine is shared.
#
#   scripts/seqbench.sh [-n REQUESTS] [-w "bench options"] [-t "server threads option"] [-r REPS] \
#       "name|server command" ...
#   e.g. scripts/seqbench.sh "new|build/src/server/ringcached" \
#        "nopoll|build/src/server/ringcached -o idle_poll_us=0" "mc|memcached -u root"
#   LG=path of ringcache (default build/src/tools/ringcache)
set -uo pipefail
N=400000
W="-r 9:1 -v 100 -c 8 -d 1"
T="-t 1"
REPS=3
while getopts "n:w:t:r:" o; do
    case $o in
    n) N=$OPTARG ;; w) W=$OPTARG ;; t) T=$OPTARG ;; r) REPS=$OPTARG ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || { sed -n '2,16p' "$0"; exit 2; }
LG=${LG:-build/src/tools/ringcache}
[ -x "$LG" ] || { echo "seqbench.sh: no load generator at $LG (make, or set LG)" >&2; exit 2; }
HZ=$(getconf CLK_TCK)
ncpu=$(nproc)
SRV_CPU=$((ncpu - 1))
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^voluntary_ctxt_switches/ {v += $2} END {print v + 0}'; }

for rep in $(seq "$REPS"); do
    for spec in "$@"; do
        name=${spec%%|*}
        read -ra cmd <<<"${spec#*|}"
        port=$(free_port)
        taskset -c $SRV_CPU "${cmd[@]}" -p "$port" -U 0 -l 127.0.0.1 $T -m 1024 -c 4096 >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.05; done
        taskset -c 0 "$LG" -s 127.0.0.1:"$port" bench $W -k 50000 -n 100000 --preload -q >/dev/null 2>&1
        read -r u0 s0 < <(awk '{print $14, $15}' /proc/$pid/stat)
        c0=$(switches $pid)
        out=$({ /usr/bin/time -f "LG %U %S" taskset -c 0 "$LG" -s 127.0.0.1:"$port" bench $W -k 50000 -n "$N" --csv; } 2>&1)
        read -r u1 s1 < <(awk '{print $14, $15}' /proc/$pid/stat)
        c1=$(switches $pid)
        kill "$pid"
        wait "$pid" 2>/dev/null
        row=$(echo "$out" | grep '^127' | tail -1)
        echo "$out" | awk -v name="$name" -v n="$N" -v hz="$HZ" -v du=$((u1 - u0)) -v ds=$((s1 - s0)) \
            -v dc=$((c1 - c0)) -v row="$row" '
            /^LG / { lg = ($2 + $3) * 1e9 / n }
            END {
                split(row, f, ",")
                printf "%-10s srv %6.0f ns/req (user %5.0f)  gen %6.0f ns/req  csw/req %.4f  %8d ops/s  p99 %s us\n",
                    name, (du + ds) * 1e9 / hz / n, du * 1e9 / hz / n, lg, dc / n, f[2], f[5] }'
    done
done
