#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/check/run.sh BUILD_DIR [RUNS]
# Builds bench_check if needed and prints, as a Markdown section, the time of one syntax check
# per language (python3, bash -n, JSON, node --check, emacs read) for small and large files.
set -euo pipefail
exec "$(dirname "$0")/../lib/section_bench.sh" "${1:?usage: $0 BUILD_DIR [RUNS]}" bench_check "Checker time per language" "${2:-7}"
