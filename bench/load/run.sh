#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Load and correctness run: lamp with the fake upstream in a private directory, then load_gen
# (default 1000 connections x 1000 requests). Usage: bench/load/run.sh [BUILD] [load_gen flags]
set -euo pipefail
build=${1:-build}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/fake_upstream.sh
source "$here/../../scripts/lib/fake_upstream.sh"
for tool in "$build/server/lamp" "$build/bench/load/load_gen"; do
  [[ -x $tool ]] || { echo "missing $tool (build it first)" >&2; exit 2; }
done

dir=$(mktemp -d)  # 0700: private socket directory
pids=()
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

# lamp needs a descriptor per connection plus its own: give it (and load_gen) the hard limit.
ulimit -n "$(ulimit -Hn)"

mkdir "$dir/replies"  # no recorded replies: every chat answer is the echo load_gen checks
start_fake_upstream "$dir" --replies "$dir/replies"

# Every chat call must be answered, none refused with -32003: the queue holds every request
# that can be in flight (connections x window <= 1e6). LOAD_CONCURRENCY: upstream calls at once.
# --dumpable: the fd count reads /proc/PID/fd, closed to non-root users of a non-dumpable lamp.
OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=$upstream_base LAMP_LOG=warn \
  LAMP_MAX_CONCURRENCY=${LOAD_CONCURRENCY:-16} LAMP_MAX_QUEUE=1000000 \
  "$build/server/lamp" serve --dumpable --socket "$dir/lamp.sock" &
lamp_pid=$!
pids+=("$lamp_pid")
for _ in $(seq 200); do "$build/server/lamp" ping --socket "$dir/lamp.sock" >/dev/null 2>&1 && break; sleep 0.05; done
"$build/server/lamp" ping --socket "$dir/lamp.sock" >/dev/null 2>&1 || { echo "lamp did not start" >&2; exit 2; }

# LOAD_ROUNDS=N runs the load N times against the same lamp: RSS that keeps growing from one
# round to the next is a leak, a one-time rise is the allocator keeping its arenas.
status=0
for round in $(seq "${LOAD_ROUNDS:-1}"); do
  (( ${LOAD_ROUNDS:-1} > 1 )) && echo "== round $round"
  "$build/bench/load/load_gen" --socket "$dir/lamp.sock" --pid "$lamp_pid" "$@" || status=$?
done
if ! kill -0 "$lamp_pid" 2>/dev/null; then
  echo "lamp is no longer running" >&2
  status=1
fi
exit "$status"
