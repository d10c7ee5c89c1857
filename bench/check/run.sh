#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/check/run.sh BUILD_DIR [RUNS]
# Builds bench_check if needed and prints, as a Markdown section, the time of one syntax check
# per language (python3, bash -n, JSON, node --check, emacs read) for small and large files.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [RUNS]}
cmake --build "$build" --target bench_check -j 2 >/dev/null
bin=$(find "$build" -type f -name bench_check -perm -u+x | head -n 1)
[[ -n $bin ]] || { echo "bench_check not found under $build (is bench/check in the build?)" >&2; exit 1; }
echo "Checker time per language"
echo
exec "$bin" "${2:-7}"
