#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages lamp and wisp need, only when some are missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git patch python3 openssl
  nlohmann-json3-dev libcurl4-openssl-dev libboost-dev libboost-filesystem-dev
  libgtest-dev libgmock-dev libcli11-dev libgit2-dev
  emacs-nox elpa-evil netcat-openbsd gnuplot-nox universal-ctags
)

# `scripts/deps.sh fuzz`: also the compiler the libFuzzer build needs (clang 14 cannot build the tree).
if [[ "${1:-}" == fuzz ]]; then
  packages+=(clang-16 libclang-rt-16-dev)
fi
# `scripts/deps.sh bench`: also perf, which `make bench` profiles lamp with (bench/profile/run.sh).
if [[ "${1:-}" == bench ]]; then
  packages+=(linux-perf)
fi

# Node.js runs the ACP conformance tests; any existing install (e.g. NodeSource) will do.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "deps: all ${#packages[@]} Debian packages present"
else
  echo "deps: installing ${missing[*]}"
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# npm packages, pinned by lockfiles, installed only when the lockfile changed.
root=$(cd "$(dirname "$0")/.." && pwd)
for dir in "$root"/tests/acp; do
  [[ -f "$dir/package-lock.json" ]] || continue
  if [[ ! -f "$dir/node_modules/.package-lock.json" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    echo "deps: npm ci in ${dir#"$root"/}"
    npm ci --prefix "$dir" --no-audit --no-fund
  fi
done
