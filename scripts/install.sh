#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what `make install` promises, as package.el would lay out a package: lamp in BINDIR,
# and in LISPDIR the lisp/*.el files byte-compiled, wisp-autoloads.el, and lamp-module.so.
# Usage: scripts/install.sh BUILD-DIR BINDIR LISPDIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: install.sh BUILD-DIR BINDIR LISPDIR}
bindir=${2:?usage: install.sh BUILD-DIR BINDIR LISPDIR}
lispdir=${3:?usage: install.sh BUILD-DIR BINDIR LISPDIR}

install -D -m 0755 "$build/server/lamp" "$bindir/lamp"
install -d "$lispdir"
rm -f "$lispdir"/*.elc "$lispdir/wisp-autoloads.el"
install -m 0644 "$root"/lisp/*.el "$lispdir/"
if [[ -f "$build/module/lamp-module.so" ]]; then
  install -m 0755 "$build/module/lamp-module.so" "$lispdir/"
fi

# Autoloads first (package.el's generator, plus the `provide' it leaves out so that
# (require 'wisp-autoloads) works), then every file compiled with the others on load-path.
emacs -Q --batch -L "$lispdir" --eval "
(let ((dir (file-name-as-directory (expand-file-name \"$lispdir\")))
      (failed nil))
  (require 'package)
  (package-generate-autoloads \"wisp\" dir)
  (with-temp-file (expand-file-name \"wisp-autoloads.el\" dir)
    (insert-file-contents (expand-file-name \"wisp-autoloads.el\" dir))
    (goto-char (point-max))
    (re-search-backward \"^;; Local Variables:\")
    (insert \"(provide 'wisp-autoloads)\n\"))
  (dolist (file (directory-files dir t \"\\\\.el\\\\'\"))
    (unless (or (string-suffix-p \"-autoloads.el\" file) (byte-compile-file file))
      (setq failed t)))
  (kill-emacs (if failed 1 0)))" 2>&1 | grep -v '^\(Wrote\|  INFO\)' || true
# (package.el leaves the autoloads file uncompiled too: it says no-byte-compile.)
test -f "$lispdir/wisp.elc"
echo "installed lamp in $bindir and the Emacs package (compiled, with wisp-autoloads.el) in $lispdir"
