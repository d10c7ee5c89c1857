#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Folds what fuzz/run.sh found (BUILD_DIR/corpus/<target>) into the checked-in seed corpus: the
# union is merged with libFuzzer's -merge=1, which keeps the smallest set of inputs with the same
# coverage, and replaces fuzz/corpus/<target> (crash reproducers, crash-*, are kept as they are).
# Usage: fuzz/minimize.sh BUILD_DIR target...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: fuzz/minimize.sh BUILD_DIR target...}
shift
[ $# -gt 0 ] || { echo "usage: fuzz/minimize.sh BUILD_DIR target..." >&2; exit 2; }
for t in "$@"; do
  seeds="$root/fuzz/corpus/$t"
  merged=$(mktemp -d)
  before=$(find "$seeds" -type f ! -name 'crash-*' | wc -l)
  "$build/fuzz/$t" -merge=1 -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 "$merged" "$seeds" "$build/corpus/$t" \
    >"$build/$t.merge.log" 2>&1
  find "$seeds" -type f ! -name 'crash-*' -delete
  cp "$merged"/* "$seeds/"
  rm -rf "$merged"
  echo "$t: $before seed inputs -> $(find "$seeds" -type f ! -name 'crash-*' | wc -l) ($(du -sh "$seeds" | cut -f1))"
done
