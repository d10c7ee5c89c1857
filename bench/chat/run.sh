#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Benchmarks chat.completions through lamp against the fake upstream on 127.0.0.1:
# proxy overhead vs a direct call, and 100 concurrent 500 ms calls (concurrency 100 and 10).
set -euo pipefail
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/fake_upstream.sh
source "$here/../../scripts/lib/fake_upstream.sh"
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

start_fake_upstream "$dir"
base=$upstream_base

start_lamp() {  # start_lamp NAME CONCURRENCY
  OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=$base LAMP_MAX_CONCURRENCY=$2 LAMP_LOG=warn \
    "$build/server/lamp" serve --socket "$dir/$1.sock" &
  pids+=($!)
  for _ in $(seq 100); do "$build/server/lamp" ping --socket "$dir/$1.sock" >/dev/null 2>&1 && return; sleep 0.05; done
  echo "lamp did not start" >&2; exit 1
}
control() { curl -sf -XPOST "$base/_control/$1" -H 'Content-Type: application/json' -d "$2" >/dev/null; }

start_lamp c100 100
start_lamp c10 10

echo "== proxy overhead (fake upstream answers at once)"
"$build/bench/chat/chat_bench" --mode overhead --socket "$dir/c100.sock" --url "$base/v1/chat/completions" --key sk-bench -n 300

echo
echo "== 100 concurrent calls, upstream latency 500 ms"
control default '{"delay_ms":500}'
for c in 100 10; do
  runs=()
  for _ in 1 2 3; do runs+=("$("$build/bench/chat/chat_bench" --mode concurrent --socket "$dir/c$c.sock" -n 100)"); done
  sorted=$(printf '%s\n' "${runs[@]}" | sort -n | tr '\n' ' ')
  best=$(printf '%s\n' "${runs[@]}" | sort -n | head -1)
  if (( c == 100 )); then
    verdict=$(awk -v b="$best" 'BEGIN { r = b / 500; printf "%.2f x one call (target <= 1.3: %s)", r, (r <= 1.3 ? "met" : "MISSED") }')
  else
    verdict=$(awk -v b="$best" 'BEGIN { printf "%.2f x one call (100 calls in waves of 10: ideal 10.00)", b / 500 }')
  fi
  echo "LAMP_MAX_CONCURRENCY=$c: wall ms (3 runs, sorted) $sorted-> $verdict"
done
