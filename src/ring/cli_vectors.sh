#!/usr/bin/env bash
# cli_vectors.sh RINGCACHE VECTORS_DIR: end-to-end check of `ringcache ring`: for every file in
# manifest.tsv, feeding keys_public.txt to `ringcache ring --mode MODE --servers LIST` must print
# exactly the file's "key,server" lines. Fails when the directory or any file is missing.
set -euo pipefail
bin=$1
dir=$2
[ -x "$bin" ] || { echo "no ringcache binary at $bin"; exit 1; }
[ -f "$dir/manifest.tsv" ] || { echo "no manifest in $dir"; exit 1; }
files=0
fail=0
while IFS=$'\t' read -r file library mode servers keys notes; do
    [ "$file" = file ] && continue
    [ -n "$file" ] || continue
    files=$((files + 1))
    if ! diff -q <("$bin" ring --mode "$mode" --servers "$servers" <"$dir/$keys") \
        <(tail -n +2 "$dir/$file") >/dev/null; then
        echo "MISMATCH $file ($mode)"
        fail=$((fail + 1))
    fi
done <"$dir/manifest.tsv"
echo "cli_vectors: $files files, $fail mismatching"
[ "$files" -ge 28 ] && [ "$fail" -eq 0 ]
