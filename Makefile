# SPDX-License-Identifier: GPL-3.0-or-later
# Entry points: `make demo` and `make test` work on a fresh Debian 12 machine as root.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

PREFIX ?= /usr/local
LISPDIR ?= $(PREFIX)/share/emacs/site-lisp/wisp

.PHONY: all deps configure build test demo demo-ui install clean bench bench-ping bench-chat

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

# A terminal Emacs with everything loaded on an example file, ready for M-x wisp-apply-comment.
demo-ui: build
	scripts/demo-ui.sh $(BUILD)

# lamp on PATH, and lamp.el finds lamp-module.so next to itself.
install: build
	install -D -m 0755 $(BUILD)/server/lamp $(DESTDIR)$(PREFIX)/bin/lamp
	install -d $(DESTDIR)$(LISPDIR)
	install -m 0644 lisp/*.el $(DESTDIR)$(LISPDIR)/
	if [ -f $(BUILD)/module/lamp-module.so ]; then \
	  install -m 0755 $(BUILD)/module/lamp-module.so $(DESTDIR)$(LISPDIR)/; fi
	@echo "installed lamp in $(PREFIX)/bin and the Emacs files in $(LISPDIR)"

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
