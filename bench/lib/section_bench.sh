#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/lib/section_bench.sh BUILD_DIR TARGET TITLE RUNS
# Builds the C++ bench TARGET if needed and runs it with RUNS, after TITLE and a blank line: the
# Markdown section make_report.py puts in docs/benchmarks.md (bench/check, rebase, context use it).
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR TARGET TITLE RUNS}
target=${2:?} title=${3:?} runs=${4:?}
cmake --build "$build" --target "$target" -j 2 >/dev/null
bin=$(find "$build" -type f -name "$target" -perm -u+x | head -n 1)
[[ -n $bin ]] || { echo "$target not found under $build (is its bench directory in the build?)" >&2; exit 1; }
echo "$title"
echo
exec "$bin" "$runs"
