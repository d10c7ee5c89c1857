#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/context/run.sh BUILD_DIR [RUNS]
# Builds bench_context if needed and prints, as a Markdown section, the repo map's build time
# (uncached, cached) and size on this repository and a generated 2,000-file tree, and the size
# of excerpts next to whole files of 1k, 5k and 20k lines (a few seconds; needs universal-ctags).
set -euo pipefail
exec "$(dirname "$0")/../lib/section_bench.sh" "${1:?usage: $0 BUILD_DIR [RUNS]}" bench_context "Repo map and excerpts" "${2:-5}"
