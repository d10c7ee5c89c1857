#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Time to first agent_message_chunk through `nc -U` (acp.el's path) vs the first chat.delta of a
# direct stream on the socket, same run, fake upstream. Usage: bench/acp/run.sh [BUILD] [RUNS]
set -euo pipefail
build=${1:-build}
runs=${2:-200}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib/fake_upstream.sh
source "$here/../../scripts/lib/fake_upstream.sh"
dir=$(mktemp -d)  # 0700: private socket directory
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

start_fake_upstream "$dir"
base=$upstream_base
# Every reply streams 8 words; both paths wait for the first word.
curl -sf -XPOST "$base/_control/default" -H 'Content-Type: application/json' \
  -d '{"content":"one two three four five six seven eight"}' >/dev/null

OPENAI_API_KEY=sk-bench OPENAI_BASE_URL=$base LAMP_LOG=warn "$build/server/lamp" serve --socket "$dir/lamp.sock" &
pids+=($!)
for _ in $(seq 100); do "$build/server/lamp" ping --socket "$dir/lamp.sock" >/dev/null 2>&1 && break; sleep 0.05; done

echo "== time to first streamed text, $runs runs each, interleaved (fake upstream, no added latency)"
python3 "$here/first_chunk.py" "$dir/lamp.sock" "$runs"
