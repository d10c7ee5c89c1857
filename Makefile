# SPDX-License-Identifier: GPL-3.0-or-later
# Entry points: `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

PREFIX ?= /usr/local
LISPDIR ?= $(PREFIX)/share/emacs/site-lisp/wisp

.PHONY: all deps configure build test test-plain demo demo-ui install clean bench bench-ping bench-chat bench-load

all: build

deps:
	scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

# Every suite: the release build's ctest, then the same suite under ASan + UBSan (what CI runs).
test: test-plain test-asan

# The release build's suite only (the quick loop while developing).
test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	scripts/demo.sh $(BUILD)

# A terminal Emacs with everything loaded on an example file, ready for M-x wisp-apply-comment.
demo-ui: build
	scripts/demo-ui.sh $(BUILD)

# lamp in $(PREFIX)/bin; in $(LISPDIR) the compiled Emacs package, wisp-autoloads.el and
# lamp-module.so (lamp.el finds the module next to itself, and lamp in ../../../../bin).
install: build
	scripts/install.sh $(BUILD) $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(LISPDIR)

bench-ping: build
	bench/ping.sh $(BUILD)

bench-chat: build
	bench/chat/run.sh $(BUILD)

# Every benchmark, lamp and its baselines side by side in one run; writes docs/benchmarks.md
# and the plots in docs/bench/ (figures only; nothing here fails on a missed target).
bench: build
	scripts/deps.sh bench
	bench/run-all.sh $(BUILD)

# 1000 connections x 1000 mixed requests, every reply checked; RSS and fds before/after (bench/README.md).
bench-load: build
	bench/load/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)

# Fuzzing and sanitizers. Separate build dirs; see docs/reliability.md.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
# clang 16+ (Debian 12: apt-get install clang-16 libclang-rt-16-dev): clang 14 cannot compile
# lambdas that capture structured bindings (server/patch/replacement_merge.cpp).
FUZZ_CC ?= clang-16
FUZZ_CXX ?= clang++-16
FUZZ_LIB_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

.PHONY: test-fuzz test-asan test-tsan

test-fuzz:
	scripts/deps.sh fuzz
	CC=$(FUZZ_CC) CXX=$(FUZZ_CXX) cmake -S . -B $(FUZZ_BUILD) -DLAMP_FUZZ=ON -DLAMP_TESTS=OFF -DLAMP_BENCH=OFF \
	  "-DCMAKE_CXX_FLAGS=$(FUZZ_LIB_FLAGS)" "-DCMAKE_C_FLAGS=$(FUZZ_LIB_FLAGS)"
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh $(FUZZ_BUILD)

test-asan: deps
	JOBS=$(JOBS) scripts/sanitize.sh asan

test-tsan: deps
	JOBS=$(JOBS) scripts/sanitize.sh tsan
