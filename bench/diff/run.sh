#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/diff/run.sh BUILD_DIR [--quick]
# Builds bench_diff if needed and prints lamp's unified_diff timings next to
# `git diff --no-index` and GNU `diff -u` on the same generated files (about 20 s).
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [--quick]}
shift
cmake --build "$build" --target bench_diff -j "$(nproc)" >/dev/null
bin=$(find "$build" -type f -name bench_diff -perm -u+x | head -n 1)
[[ -n $bin ]] || { echo "bench_diff not found under $build (is bench/diff in the build?)" >&2; exit 1; }
echo "git: $(git --version), GNU diff: $(diff --version | head -n 1)"
exec "$bin" "$@"
