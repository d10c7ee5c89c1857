#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/context/run.sh BUILD_DIR [RUNS]
# Builds bench_context if needed and prints, as a Markdown section, the repo map's build time
# (uncached, cached) and size on this repository and a generated 2,000-file tree, and the size
# of excerpts next to whole files of 1k, 5k and 20k lines (a few seconds; needs universal-ctags).
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [RUNS]}
cmake --build "$build" --target bench_context -j 2 >/dev/null
bin=$(find "$build" -type f -name bench_context -perm -u+x | head -n 1)
[[ -n $bin ]] || { echo "bench_context not found under $build (is bench/context in the build?)" >&2; exit 1; }
echo "Repo map and excerpts"
echo
exec "$bin" "${2:-5}"
