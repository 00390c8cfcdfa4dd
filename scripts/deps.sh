#!/usr/bin/env bash
# The one list of Debian packages that building and testing ringcache needs. Installs whatever is
# missing (apt-get update once, only if something is missing). Idempotent and quiet when all is there.
set -euo pipefail
PKGS=(
    build-essential cmake clang libclang-rt-14-dev   # compilers, ASan/UBSan/TSan, libFuzzer
    clang-format git                                  # the format check (git ls-files)
    libxxhash-dev                                     # xxh3 for the ring's native modes
    memcached                                         # the oracle and the benchmark baseline
    python3 python3-pytest                            # integration test runner
    python3-memcache python3-pymemcache python3-pylibmc   # real Python clients
    libmemcached-tools                                # memccapable, memcat, ...
    procps                                            # ps/pgrep for tests
)
missing=()
for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
