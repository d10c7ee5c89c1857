#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Sanitizer runs: `asan` builds build-asan (ASan+UBSan), runs the whole ctest suite, then the
# module inside Emacs (tests/module/run-asan.sh, heap-only instrumentation); `tsan`
# builds build-tsan (ThreadSanitizer) and runs the server's concurrency tests. Usage: sanitize.sh asan|tsan
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=${JOBS:-2}
mode=${1:?usage: scripts/sanitize.sh asan|tsan}

# The tests that load lamp-module.so into Emacs need the ASan runtime preloaded and a
# heap-only build: tests/module/run-asan.sh runs them after ctest.
# wisp_installed installs this build's module into a clean Emacs, which cannot load it instrumented.
emacs_tests='^(lamp_module_ert|lamp_el_module|lamp_el_fault_module|wisp(_review|_transport|_comments|_check|_rebase|_progress|_context)?_el_module|wisp_installed)$'

case "$mode" in
  asan)
    dir=${ASAN_BUILD:-$root/build-asan}
    # -O1 -g1 with assertions on: a third of -O2 -g's compile time, and what ASan suggests.
    cmake -S "$root" -B "$dir" -DLAMP_SANITIZE=ON -DLAMP_BENCH=OFF -DCMAKE_BUILD_TYPE=Debug \
      "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g1" >/dev/null
    cmake --build "$dir" -j "$jobs"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
    cd "$dir"
    ctest --output-on-failure -j "$jobs" -E "$emacs_tests" "${@:2}"
    JOBS=$jobs LAMP_TEST_SERVER="$dir/server/lamp" "$root/tests/module/run-asan.sh" \
      "${ASAN_MODULE_BUILD:-$root/build-asan-module}"
    ;;
  tsan)
    dir=${TSAN_BUILD:-$root/build-tsan}
    cmake -S "$root" -B "$dir" -DLAMP_BENCH=OFF \
      "-DCMAKE_CXX_FLAGS=-fsanitize=thread -fno-omit-frame-pointer" \
      "-DCMAKE_C_FLAGS=-fsanitize=thread -fno-omit-frame-pointer" \
      "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread" \
      "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread" >/dev/null
    cmake --build "$dir" -j "$jobs" --target lamp lamp_unit_tests lamp_integration_tests lamp_chat_tests lamp_fault_tests
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
    cd "$dir"
    ctest --output-on-failure -j "$jobs" -R 'WireTest|ChatTest|Lifecycle|Dispatcher|Fault' "${@:2}"
    ;;
  *) echo "usage: $0 asan|tsan" >&2; exit 2 ;;
esac
