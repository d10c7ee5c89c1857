#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds lamp-module with AddressSanitizer + UBSan and runs the module tests against it inside a
# normal Emacs (the sanitizer runtime is preloaded). Usage: tests/module/run-asan.sh [BUILD_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
asan_build=${1:-$root/build-asan-module}
plain_build=${PLAIN_BUILD:-$root/build}

# Emacs scans its C stack conservatively and copies it with uninstrumented code, which trips
# ASan's stack redzones: instrument the heap only.
cmake -S "$root" -B "$asan_build" -DLAMP_SANITIZE=ON -DLAMP_BENCH=OFF \
  "-DCMAKE_CXX_FLAGS=--param asan-stack=0" >/dev/null
cmake --build "$asan_build" -j "$(nproc)" --target lamp-module lamp_module_unit_tests lamp

"$asan_build/tests/module/lamp_module_unit_tests"

preload="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
cd "$root"
LD_PRELOAD="$preload" LAMP_TEST_MODULE_DIR="$asan_build/module" \
  emacs -Q --batch --module-assertions -l tests/module/lamp-module-test.el -f ert-run-tests-batch-and-exit
LD_PRELOAD="$preload" LAMP_TEST_MODULE_DIR="$asan_build/module" LAMP_TEST_TRANSPORT=module \
  LAMP_TEST_SERVER="$plain_build/server/lamp" \
  emacs -Q --batch --module-assertions -L lisp -l tests/lisp/lamp-test.el -f ert-run-tests-batch-and-exit
echo "lamp-module: ASan/UBSan run clean"
