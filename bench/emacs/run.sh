#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Emacs-side benchmark: starts lamp on a private socket and runs lamp-bench.el (bounded to 60 s).
# Usage: bench/emacs/run.sh BUILD_DIR   (needs BUILD_DIR/server/lamp and BUILD_DIR/module/lamp-module.so)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
lamp="$build/server/lamp"
module="$build/module/lamp-module.so"
for f in "$lamp" "$module"; do
  [[ -e "$f" ]] || { echo "missing $f: build the lamp and lamp-module targets first" >&2; exit 2; }
done

tmp=$(mktemp -d)  # mode 0700, as lamp requires of the socket's directory
server=""
cleanup() {
  if [[ -n "$server" ]]; then kill -TERM "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

"$lamp" serve --socket "$tmp/lamp.sock" --enable-test-methods 2>"$tmp/server.log" &
server=$!
for _ in $(seq 100); do
  "$lamp" ping --socket "$tmp/lamp.sock" >/dev/null 2>&1 && break
  sleep 0.05
done

# Benchmark compiled code, as users run it. (`timeout -k': a batch Emacs can hang on SIGTERM.)
mkdir "$tmp/lisp"
cp "$root"/lisp/lamp*.el "$tmp/lisp/"
emacs -Q --batch -L "$tmp/lisp" -f batch-byte-compile "$tmp"/lisp/lamp*.el 2>/dev/null

LAMP_BENCH_SOCKET="$tmp/lamp.sock" LAMP_BENCH_MODULE="$module" LAMP_BENCH_LISP="$tmp/lisp" \
  timeout -k 5 60 emacs -Q --batch -l "$here/lamp-bench.el" -f lamp-bench-run 2>&1
