# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# Sourced by the demo and bench scripts: starts tests/fixtures/fake_upstream.py on 127.0.0.1
# with the API key $fake_upstream_key (default sk-bench).
#   start_fake_upstream DIR [ARGS...]
# DIR is the caller's private temporary directory (the port file goes there); ARGS go to
# fake_upstream.py. Appends its pid to the caller's `pids` array and sets `upstream_base` to
# http://127.0.0.1:PORT. Returns non-zero when it does not come up within 5 s.
fake_upstream_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

start_fake_upstream() {
  local dir=$1
  shift
  python3 "$fake_upstream_root/tests/fixtures/fake_upstream.py" --api-key "${fake_upstream_key:-sk-bench}" --port-file "$dir/port" "$@" >/dev/null &
  pids+=($!)
  for _ in $(seq 100); do [[ -s "$dir/port" ]] && break; sleep 0.05; done
  if [[ ! -s "$dir/port" ]]; then
    echo "fake upstream did not start" >&2
    return 1
  fi
  # shellcheck disable=SC2034  # for the caller
  upstream_base="http://127.0.0.1:$(cat "$dir/port")"
}
