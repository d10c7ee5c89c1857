#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A terminal Emacs with wisp loaded on copies of examples/, talking to a private lamp that uses the
# recorded fake upstream (or the real API when OPENAI_API_KEY is set). Try M-x wisp-apply-comment.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
[[ "$build" = /* ]] || build="$PWD/$build"
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

if [[ -z "${OPENAI_API_KEY:-}" ]]; then
  python3 "$root/tests/fixtures/fake_upstream.py" --api-key sk-demo --port-file "$dir/port" >/dev/null &
  pids+=($!)
  for _ in $(seq 100); do [[ -s "$dir/port" ]] && break; sleep 0.05; done
  export OPENAI_API_KEY=sk-demo OPENAI_BASE_URL="http://127.0.0.1:$(cat "$dir/port")"
fi
"$build/server/lamp" serve --socket "$dir/lamp.sock" 2>"$dir/lamp.log" &
pids+=($!)
mkdir -p "$dir/project"
cp "$root"/examples/* "$dir/project/"
LAMP_UDS="$dir/lamp.sock" emacs -nw -Q -L "$root/lisp" \
  --eval "(setq lamp-module-file \"$build/module/lamp-module.so\" lamp-auto-start nil)" \
  --eval "(require 'wisp)" \
  --eval "(global-set-key (kbd \"C-c w\") #'wisp-apply-comment)" \
  "$dir/project/fizzbuzz.py" \
  --eval "(progn (search-forward \"# TODO\") (message \"Point is in a comment: M-x wisp-apply-comment (or C-c w). C-x C-c quits.\"))"
