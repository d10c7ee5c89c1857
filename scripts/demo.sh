#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The end-to-end demo: lamp on a private socket, the CLI talking to it, a chat completion
# against the recorded fake upstream (or the real API when OPENAI_API_KEY is set), clean stop.
set -euo pipefail

build=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/fake_upstream.sh
source "$root/scripts/lib/fake_upstream.sh"
lamp="$build/server/lamp"
[[ "$lamp" = /* ]] || lamp="$PWD/$lamp"
dir=$(mktemp -d)  # mode 0700: a private socket directory
sock="$dir/lamp.sock"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$dir"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [[ -n "${OPENAI_API_KEY:-}" ]]; then
  step "upstream: the real API (OPENAI_API_KEY is set; base ${OPENAI_BASE_URL:-${OPENAI_API_BASE:-https://api.openai.com}})"
else
  step "upstream: the recorded fake on 127.0.0.1 (set OPENAI_API_KEY to use the real API)"
  fake_upstream_key=sk-demo
  start_fake_upstream "$dir"
  export OPENAI_API_KEY=$fake_upstream_key OPENAI_BASE_URL=$upstream_base
  unset OPENAI_API_BASE
  echo "fake upstream at $OPENAI_BASE_URL"
fi

step "lamp serve --socket $sock"
"$lamp" serve --socket "$sock" &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 100); do
  "$lamp" ping --socket "$sock" >/dev/null 2>&1 && break
  sleep 0.05
done

step "lamp ping"
"$lamp" ping --socket "$sock"

step "lamp chat --message 'Say hello'"
"$lamp" chat --socket "$sock" --message "Say hello in five words."

step "lamp chat --stream --message 'Write a haiku about Emacs'"
"$lamp" chat --socket "$sock" --stream --message "Write a haiku about Emacs."

# Character range (1-based, end exclusive, as Emacs counts) of the comment block that starts on
# the first line containing PATTERN: what a user would select.
comment_range() {
  python3 - "$1" "$2" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
lines = text.splitlines(keepends=True)
first = next(i for i, l in enumerate(lines) if sys.argv[2] in l)
marker = lines[first].lstrip()[:2]
last = first
while last + 1 < len(lines) and lines[last + 1].lstrip().startswith(marker):
    last += 1
start = sum(len(l) for l in lines[:first]) + 1
print(start, start + sum(len(l) for l in lines[first:last + 1]))
PY
}

project="$dir/project"
mkdir -p "$project"
cp "$root/examples/fizzbuzz.py" "$project/"
read -r start end < <(comment_range "$project/fizzbuzz.py" "# TODO")
step "lamp patch fizzbuzz.py --start $start --end $end   (the TODO comment)"
(cd "$project" && "$lamp" patch fizzbuzz.py --start "$start" --end "$end" --socket "$sock" >"$dir/fizzbuzz.diff")
cat "$dir/fizzbuzz.diff"

step "patch -p1 < fizzbuzz.diff, then run it"
(cd "$project" && patch -p1 <"$dir/fizzbuzz.diff" && python3 fizzbuzz.py)

cp "$root/examples/inventory.py" "$project/"
step "lamp patch inventory.py --all-marked   (three marked comments, one request)"
(cd "$project" && "$lamp" patch inventory.py --all-marked --socket "$sock" >"$dir/inventory.diff")
cat "$dir/inventory.diff"

step "patch -p1 < inventory.diff, then run it"
(cd "$project" && patch -p1 <"$dir/inventory.diff" && python3 inventory.py)

step "Emacs: wisp-apply-comment, wisp-apply-comments and a change to two files on examples/ (emacs -Q --batch)"
transport=elisp
[[ -f "$build/module/lamp-module.so" ]] && transport=module
LAMP_UDS="$sock" emacs -Q --batch -L "$root/lisp" \
  --eval "(setq lamp-transport '$transport lamp-auto-start nil lamp-module-file \"$(cd "$build" && pwd)/module/lamp-module.so\")" \
  -l "$root/scripts/demo-wisp.el"

step "lamp status"
"$lamp" status --socket "$sock"

step "stopping lamp with SIGTERM"
kill -TERM "$server_pid"
wait "$server_pid"
echo "lamp exited with status $?"
if [[ -e "$sock" ]]; then echo "socket still present: $sock" >&2; exit 1; fi
echo "socket removed: $sock"
