# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Sourced by bench scripts: starts tests/fixtures/fake_upstream.py on 127.0.0.1 (API key sk-bench).
#   start_fake_upstream DIR [ARGS...]
# DIR is the caller's private temporary directory (the port file goes there); ARGS go to
# fake_upstream.py. Appends its pid to the caller's `pids` array and sets `upstream_base` to
# http://127.0.0.1:PORT. Returns non-zero when it does not come up within 5 s.
bench_lib_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

start_fake_upstream() {
  local dir=$1
  shift
  python3 "$bench_lib_root/tests/fixtures/fake_upstream.py" --api-key sk-bench --port-file "$dir/port" "$@" >/dev/null &
  pids+=($!)
  for _ in $(seq 100); do [[ -s "$dir/port" ]] && break; sleep 0.05; done
  if [[ ! -s "$dir/port" ]]; then
    echo "fake upstream did not start" >&2
    return 1
  fi
  # shellcheck disable=SC2034  # for the caller
  upstream_base="http://127.0.0.1:$(cat "$dir/port")"
}
