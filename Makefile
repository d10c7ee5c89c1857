# SPDX-License-Identifier: GPL-3.0-or-later
# Entry points: `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test demo clean bench bench-ping bench-chat

all: build

deps:
	scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	scripts/demo.sh $(BUILD)

bench-ping: build
	bench/ping.sh $(BUILD)

bench-chat: build
	bench/chat/run.sh $(BUILD)

# Every benchmark in bench/, one after the other (figures only; nothing here fails on a target).
bench: build
	bench/ping.sh $(BUILD)
	bench/chat/run.sh $(BUILD)
	@for s in bench/diff/run.sh bench/emacs/run.sh bench/acp/run.sh; do \
	  if [ -x $$s ]; then echo "== $$s"; $$s $(BUILD) || exit 1; fi; done

clean:
	rm -rf $(BUILD)
