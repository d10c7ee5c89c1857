#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Marked-comments benchmark: lamp and the fake upstream on private ports, then comments-bench.el in
# a batch Emacs (byte-compiled lisp, the module transport when built). Prints a Markdown section.
# Usage: bench/wisp/run.sh BUILD_DIR
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
lamp="$build/server/lamp"
[[ -x "$lamp" ]] || { echo "missing $lamp: build the lamp target first" >&2; exit 2; }
# shellcheck source=scripts/lib/fake_upstream.sh
source "$root/scripts/lib/fake_upstream.sh"

tmp=$(mktemp -d)  # mode 0700, as lamp requires of the socket's directory
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

start_fake_upstream "$tmp"
OPENAI_API_KEY=sk-bench OPENAI_BASE_URL="$upstream_base" "$lamp" serve --socket "$tmp/lamp.sock" 2>"$tmp/server.log" &
pids+=($!)
for _ in $(seq 100); do
  "$lamp" ping --socket "$tmp/lamp.sock" >/dev/null 2>&1 && break
  sleep 0.05
done

# Benchmark compiled code, as users run it. (`timeout -k': a batch Emacs can hang on SIGTERM.)
mkdir "$tmp/lisp"
cp "$root"/lisp/*.el "$tmp/lisp/"
emacs -Q --batch -L "$tmp/lisp" -f batch-byte-compile "$tmp"/lisp/*.el 2>/dev/null
transport=elisp
[[ -e "$build/module/lamp-module.so" ]] && transport=module
WISP_BENCH_SOCKET="$tmp/lamp.sock" WISP_BENCH_UPSTREAM="$upstream_base" WISP_BENCH_TRANSPORT=$transport \
  WISP_BENCH_MODULE_DIR="$build/module" \
  timeout -k 5 120 emacs -Q --batch -L "$tmp/lisp" -l "$here/comments-bench.el" -f wisp-bench-run 2>&1
