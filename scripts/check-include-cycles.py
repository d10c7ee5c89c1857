#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when two C++ units of server/ or module/ depend on each other.

A unit is a .hpp/.cpp pair; unit A depends on B when either of A's files includes B's header.
A cycle (A's .cpp includes B.hpp while B includes A.hpp, or longer) means the layers are
tangled: the lower unit must not need the higher one. Usage: check-include-cycles.py [ROOT]
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
units = {}
for area in ("server", "module"):
    for directory, _, files in os.walk(os.path.join(root, area)):
        for name in files:
            if not name.endswith((".hpp", ".cpp")):
                continue
            path = os.path.join(directory, name)
            unit = os.path.relpath(os.path.splitext(path)[0], root)
            deps = units.setdefault(unit, set())
            with open(path, encoding="utf-8") as f:
                for inc in re.findall(r'#include "([^"]+)\.hpp"', f.read()):
                    for base in ("server/", "module/"):
                        if os.path.exists(os.path.join(root, base + inc + ".hpp")):
                            if base + inc != unit:
                                deps.add(base + inc)
                            break

# Tarjan's strongly connected components; any with two or more units is a cycle.
index, low, stack, on_stack, cycles = {}, {}, [], set(), []
sys.setrecursionlimit(10000)


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on_stack.add(v)
    for w in units.get(v, ()):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            component.append(w)
            if w == v:
                break
        if len(component) > 1:
            cycles.append(sorted(component))


for unit in sorted(units):
    if unit not in index:
        visit(unit)
for cycle in cycles:
    print("include cycle between units: " + ", ".join(cycle))
print(f"{len(units)} units, {len(cycles)} cycle(s)")
sys.exit(1 if cycles else 0)
