#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds lamp-module with AddressSanitizer + UBSan and runs the module tests against it inside a
# normal Emacs (the sanitizer runtime is preloaded). Usage: tests/module/run-asan.sh [BUILD_DIR]
# The server the Emacs tests talk to is LAMP_TEST_SERVER, by default the ASan build's lamp.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
asan_build=${1:-$root/build-asan-module}
server=${LAMP_TEST_SERVER:-$root/build-asan/server/lamp}
[ -x "$server" ] || server=$root/build/server/lamp

# Emacs scans its C stack conservatively and copies it with uninstrumented code, which trips
# ASan's stack redzones: instrument the heap only.
cmake -S "$root" -B "$asan_build" -DLAMP_SANITIZE=ON -DLAMP_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug \
  "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "-DCMAKE_CXX_FLAGS=--param asan-stack=0" >/dev/null
cmake --build "$asan_build" -j "${JOBS:-$(nproc)}" --target lamp-module lamp_module_unit_tests

"$asan_build/tests/module/lamp_module_unit_tests"

preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
# Leak checking stays off: Emacs itself never frees much of what it allocates.
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cd "$root"
LD_PRELOAD="$preload" LAMP_TEST_MODULE_DIR="$asan_build/module" \
  emacs -Q --batch --module-assertions -l tests/module/lamp-module-test.el -f ert-run-tests-batch-and-exit
LD_PRELOAD="$preload" LAMP_TEST_MODULE_DIR="$asan_build/module" LAMP_TEST_TRANSPORT=module \
  LAMP_TEST_SERVER="$server" \
  emacs -Q --batch --module-assertions -L lisp -l tests/lisp/lamp-test.el -f ert-run-tests-batch-and-exit
LD_PRELOAD="$preload" LAMP_TEST_MODULE_DIR="$asan_build/module" LAMP_TEST_TRANSPORT=module \
  LAMP_TEST_SERVER="$server" \
  emacs -Q --batch --module-assertions -L lisp -l tests/lisp/lamp-fault-test.el -f ert-run-tests-batch-and-exit
LD_PRELOAD="$preload" LAMP_TEST_MODULE_DIR="$asan_build/module" LAMP_TEST_TRANSPORT=module \
  LAMP_TEST_SERVER="$server" \
  emacs -Q --batch -L lisp -l tests/lisp/wisp-test.el -f ert-run-tests-batch-and-exit
echo "lamp-module: ASan/UBSan run clean"
