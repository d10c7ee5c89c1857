#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The end-to-end demo: starts lamp on a private socket, talks to it with the CLI, and stops it.
set -euo pipefail

build=${1:-build}
lamp="$build/server/lamp"
dir=$(mktemp -d)  # mode 0700: a private socket directory
sock="$dir/lamp.sock"
server_pid=
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; fi
  rm -rf "$dir"
}
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "lamp serve --socket $sock"
"$lamp" serve --socket "$sock" &
server_pid=$!
for _ in $(seq 100); do
  "$lamp" ping --socket "$sock" >/dev/null 2>&1 && break
  sleep 0.05
done

step "lamp ping"
"$lamp" ping --socket "$sock"

step "lamp status"
"$lamp" status --socket "$sock"

step "stopping lamp with SIGTERM"
kill -TERM "$server_pid"
wait "$server_pid"
echo "lamp exited with status $?"
server_pid=
if [[ -e "$sock" ]]; then echo "socket still present: $sock" >&2; exit 1; fi
echo "socket removed: $sock"
