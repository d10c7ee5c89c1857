#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/rebase/run.sh BUILD_DIR [RUNS]
# Builds bench_rebase if needed and prints, as a Markdown section, the merge time of wisp.rebase
# on 10k-line buffers next to `git merge-file -p` on the same three texts (a few seconds).
set -euo pipefail
exec "$(dirname "$0")/../lib/section_bench.sh" "${1:?usage: $0 BUILD_DIR [RUNS]}" bench_rebase "Rebase merge time" "${2:-9}"
