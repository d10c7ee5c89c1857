#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The installed package as a new user meets it: scripts/install.sh into a temporary prefix, then
# a clean `emacs -Q` that loads only wisp-autoloads and types C-c w on an example (lamp auto-started
# from the prefix), with the tree compiled and with only the .el files, with OPENAI_API_KEY set
# and with the key in ~/.authinfo instead. Usage: wisp-installed-test.sh BUILD-DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: wisp-installed-test.sh BUILD-DIR}" && pwd)
dir=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT
# shellcheck source=scripts/lib/fake_upstream.sh
source "$root/scripts/lib/fake_upstream.sh"
fake_upstream_key=sk-installed-test
start_fake_upstream "$dir"

"$root/scripts/install.sh" "$build" "$dir/compiled/bin" "$dir/compiled/share/emacs/site-lisp/wisp" >/dev/null
cp -r "$dir/compiled" "$dir/source"
rm -f "$dir/source/share/emacs/site-lisp/wisp/"*.elc

failed=0
for variant in compiled source; do
  for key in environment auth-source; do
    home="$dir/home-$variant-$key"
    mkdir -p "$home"
    env=(HOME="$home" OPENAI_BASE_URL="$upstream_base" LAMP_UDS="$dir/$variant-$key.sock"
         WISP_INSTALLED_LISPDIR="$dir/$variant/share/emacs/site-lisp/wisp"
         WISP_INSTALLED_VARIANT="$variant" WISP_EXAMPLE="$root/examples/fizzbuzz.py"
         # lamp is found beside the package, not on PATH.
         PATH="/usr/local/bin:/usr/bin:/bin")
    if [[ $key == environment ]]; then
      env+=(OPENAI_API_KEY="$fake_upstream_key")
    else
      printf 'machine 127.0.0.1 login apikey password %s\n' "$fake_upstream_key" > "$home/.authinfo"
      chmod 600 "$home/.authinfo"
    fi
    echo "== installed package, $variant, key from $key"
    if ! env -u OPENAI_API_KEY -u OPENAI_API_BASE -u LAMP_UDS -u XDG_RUNTIME_DIR "${env[@]}" \
        emacs -Q --batch -l "$root/tests/lisp/wisp-installed-test.el" -f ert-run-tests-batch-and-exit; then
      failed=1
    fi
  done
done
exit $failed
