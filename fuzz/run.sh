#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs each libFuzzer target for FUZZ_SECONDS (or until FUZZ_RUNS executions, when set) on a copy
# of its seed corpus and prints the final figures; a long run keeps growing BUILD_DIR/corpus, which
# fuzz/minimize.sh folds back into fuzz/corpus. FUZZ_TIMEOUT: seconds one input may take (10).
# Usage: fuzz/run.sh BUILD_DIR [target...]; a crash input lands in BUILD_DIR/artifacts.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [target...]}
shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_frame_splitter fuzz_jsonrpc fuzz_sse fuzz_patch)
seconds=${FUZZ_SECONDS:-60}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null; then
  ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)  # readable stacks in crash reports
  export ASAN_SYMBOLIZER_PATH
fi
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=()
summary=()
for t in "${targets[@]}"; do
  work="$build/corpus/$t"
  mkdir -p "$work" "$build/artifacts"
  cp -n "$root/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
  log="$build/$t.log"
  limit=(-max_total_time="$seconds")
  if [ -n "${FUZZ_RUNS:-}" ]; then
    limit=(-runs="$FUZZ_RUNS")
    [ -n "${FUZZ_SECONDS:-}" ] && limit+=(-max_total_time="$seconds")
  fi
  echo "== $t (${limit[*]})"
  "$build/fuzz/$t" "${limit[@]}" -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" "$work" >"$log" 2>&1
  rc=$?
  done_line=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "   ${done_line:-(no status line)}"
  echo "   executions: ${execs:-?}, exit $rc"
  summary+=("$t: execs=${execs:-?} $(echo "$done_line" | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[^ ]+')")
  if [ $rc -ne 0 ]; then
    failed+=("$t")
    grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$log" | head -40
    ls "$build/artifacts/$t-"* 2>/dev/null
  fi
done
echo "== summary"
printf '   %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]} (logs in $build/<target>.log)"
  exit 1
fi
