#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: bench/profile/run.sh BUILD_DIR
# Where lamp's time goes while 64 clients ping it (lamp on CPU 0, the load on CPU 1): syscalls per
# request (perf stat) and the top entries of a perf profile by library and by symbol, printed as a
# Markdown section. Needs linux-perf (a developer tool: `apt-get install linux-perf`).
set -euo pipefail
build=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
echo "Profile of lamp under 64 ping clients"
echo
if ! command -v perf >/dev/null; then
  echo "perf is not installed (apt-get install linux-perf)"
  exit 0
fi
dir=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
pin0=() pin1=()
if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then pin0=(taskset -c 0) pin1=(taskset -c 1); fi
"${pin0[@]}" "$build/server/lamp" serve --socket "$dir/lamp.sock" 2>/dev/null &
pid=$!
for _ in $(seq 100); do [[ -S $dir/lamp.sock ]] && break; sleep 0.05; done
load() { "${pin1[@]}" "$build/bench/ping_load" --socket "$dir/lamp.sock" --clients 64 --seconds "$1" --json; }
load 0.5 >/dev/null  # warm up

perf stat -e raw_syscalls:sys_enter -p "$pid" -x, -o "$dir/stat.csv" -- sleep 2 &
stat=$!
requests=$(load 2 | sed -n 's/.*"requests":\([0-9]*\).*/\1/p')
wait "$stat" || true
syscalls=$(awk -F, '/raw_syscalls:sys_enter/ { print $1 }' "$dir/stat.csv")

perf record -F 2000 -g -p "$pid" -o "$dir/perf.data" -- sleep 2 >/dev/null 2>&1 &
record=$!
load 2 >/dev/null
wait "$record" || true

if [[ -n $syscalls && -n $requests && $requests -gt 0 ]]; then
  awk -v s="$syscalls" -v r="$requests" 'BEGIN { printf "%.2f syscalls per request (%d requests in 2 s).\n\n", s / r, r }'
fi
echo "By library (self time):"
echo
echo '```'
perf report -i "$dir/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -8
echo '```'
echo
echo "Top symbols (self time, at least 0.8%):"
echo
echo '```'
perf report -i "$dir/perf.data" --no-children --sort dso,symbol --stdio -g none --percent-limit 0.8 2>/dev/null |
  grep '%' | sed -E 's/nlohmann::json_abi_v[0-9_]+::(detail::)?([a-z_]+)<.*$/nlohmann::\2<...>/' | cut -c1-140 | head -25
echo '```'
