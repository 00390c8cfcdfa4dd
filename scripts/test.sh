#!/usr/bin/env bash
# make test: install what the tests need, build every flavour, run every suite, and finish with
# one line "N passed, N failed" counting suites (a unit binary, a pytest run, a fuzz run).
#   RC_TEST_FAST=1   skip the TSan and fuzz stages (for quick local iterations)
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh || { echo "deps: install failed"; echo "0 passed, 1 failed"; exit 1; }

PY=/usr/bin/python3           # Debian's python, where python3-memcache & co. are installed
JOBS=${JOBS:-2}
passed=0
failed=0
failures=()
stage() { # stage NAME CMD...: runs a stage, counts it
    local name=$1
    shift
    echo "=== $name"
    local t0=$SECONDS
    if "$@"; then
        passed=$((passed + 1))
        echo "--- ok: $name ($((SECONDS - t0)) s)"
    else
        failed=$((failed + 1))
        failures+=("$name")
        echo "--- FAILED: $name ($((SECONDS - t0)) s)"
    fi
}
configure_build() { # DIR CMAKE-ARGS...
    local dir=$1
    shift
    cmake -S . -B "$dir" "$@" >/dev/null && cmake --build "$dir" -j"$JOBS"
}
unit_tests() { # DIR [ctest args]
    local dir=$1
    shift
    ctest --test-dir "$dir" --output-on-failure -j"$JOBS" "$@"
}
# Integration suite (tests/integration, pytest): bounded as a whole so a hung server cannot stall
# make test; every socket read inside has its own deadline too.
integration() { # SERVER-BINARY
    RINGCACHED="$1" RC_BUILD="$(dirname "$(dirname "$(dirname "$1")")")" \
        timeout -k 10 600 $PY -m pytest -q -p no:cacheprovider tests/integration
}
integration_oracle() { # the same suite against Debian's memcached
    RC_TARGET=memcached timeout -k 10 600 $PY -m pytest -q -p no:cacheprovider tests/integration
}

# the committed .clang-format holds for every C file (make format applies it)
stage "clang-format" bash -c 'clang-format --dry-run -Werror $(git ls-files "*.c" "*.h")'
stage "build release" configure_build build -DCMAKE_BUILD_TYPE=RelWithDebInfo
stage "unit tests (release)" unit_tests build
# make bench-short: CI only checks that the benchmark runs; figures never fail the tests.
stage "bench (short)" env BUILD=build bash scripts/bench.sh --short
if [ -d tests/integration ] && ls tests/integration/test_*.py >/dev/null 2>&1; then
    stage "integration (release)" integration build/src/server/ringcached
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
stage "build asan+ubsan" configure_build build-asan -DCMAKE_BUILD_TYPE=Debug -DRC_SANITIZE=ON \
    -DCMAKE_C_COMPILER=clang
stage "unit tests (asan+ubsan)" unit_tests build-asan
if [ -d tests/integration ] && ls tests/integration/test_*.py >/dev/null 2>&1; then
    stage "integration (asan+ubsan)" integration build-asan/src/server/ringcached
    if [ "${RC_TEST_FAST:-0}" != 1 ]; then
        # The same suite against Debian's memcached: every expectation is memcached's behaviour.
        stage "integration (memcached oracle)" integration_oracle
    fi
fi
unset ASAN_OPTIONS UBSAN_OPTIONS

if [ "${RC_TEST_FAST:-0}" != 1 ]; then
    stage "build tsan" configure_build build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRC_TSAN=ON \
        -DCMAKE_C_COMPILER=clang
    export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
    stage "threaded unit tests (tsan)" unit_tests build-tsan -L threaded
    unset TSAN_OPTIONS
    stage "build fuzz" configure_build build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRC_FUZZ=ON \
        -DRC_SANITIZE=ON -DCMAKE_C_COMPILER=clang
    for f in build-fuzz/fuzz/fuzz_*; do
        [ -x "$f" ] || continue
        name=$(basename "$f")
        stage "fuzz $name (20 s)" bash scripts/fuzz.sh "$f" 20
    done
fi

echo
if [ $failed -gt 0 ]; then
    printf 'failed stage: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
