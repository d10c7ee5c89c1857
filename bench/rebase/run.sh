#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/rebase/run.sh BUILD_DIR [RUNS]
# Builds bench_rebase if needed and prints, as a Markdown section, the merge time of wisp.rebase
# on 10k-line buffers next to `git merge-file -p` on the same three texts (a few seconds).
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [RUNS]}
cmake --build "$build" --target bench_rebase -j 2 >/dev/null
bin=$(find "$build" -type f -name bench_rebase -perm -u+x | head -n 1)
[[ -n $bin ]] || { echo "bench_rebase not found under $build (is bench/rebase in the build?)" >&2; exit 1; }
echo "Rebase merge time"
echo
exec "$bin" "${2:-9}"
