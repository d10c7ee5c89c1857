#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A terminal Emacs with wisp loaded on copies of examples/, talking to a private lamp that uses the
# recorded fake upstream (or the real API when OPENAI_API_KEY is set). Try M-x wisp-apply-comment,
# M-x wisp-apply-comments in inventory.py (C-x C-f inventory.py), and a change to two files:
# M-x wisp-context-add in pricing.py, then C-c w on the TODO of checkout.py.
set -euo pipefail
build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/fake_upstream.sh
source "$root/scripts/lib/fake_upstream.sh"
[[ "$build" = /* ]] || build="$PWD/$build"
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

if [[ -z "${OPENAI_API_KEY:-}" ]]; then
  fake_upstream_key=sk-demo
  start_fake_upstream "$dir"
  export OPENAI_API_KEY=$fake_upstream_key OPENAI_BASE_URL=$upstream_base
fi
"$build/server/lamp" serve --socket "$dir/lamp.sock" 2>"$dir/lamp.log" &
pids+=($!)
mkdir -p "$dir/project"
cp "$root"/examples/* "$dir/project/"
# A git work tree, so project.el finds the project (M-x wisp-context-add in pricing.py, then
# C-c w on checkout.py's TODO changes both files).
git -C "$dir/project" init -q
LAMP_UDS="$dir/lamp.sock" emacs -nw -Q -L "$root/lisp" \
  --eval "(setq lamp-module-file \"$build/module/lamp-module.so\" lamp-auto-start nil)" \
  --eval "(require 'wisp)" --eval "(require 'wisp-watch)" \
  --eval "(global-set-key (kbd \"C-c w\") #'wisp-apply-comment)" \
  "$dir/project/fizzbuzz.py" \
  --eval "(progn (search-forward \"# TODO\") (message \"Point is in a comment: M-x wisp-apply-comment (or C-c w). C-x C-c quits.\"))"
