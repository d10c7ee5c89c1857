#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/run-all.sh: every benchmark in one run (lamp vs ceiling vs the Python baseline, diff, Emacs,
# memory), then docs/benchmarks.md and docs/bench/*.png. Usage: bench/run-all.sh BUILD_DIR [OUT_DOCS_DIR]
set -euo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 BUILD_DIR [DOCS_DIR]   (about 3-4 minutes on 2 cores)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=scripts/lib/fake_upstream.sh
source "$root/scripts/lib/fake_upstream.sh"
BUILD=$(cd "$1" && pwd)
DOCS=${2:-$root/docs}
LOAD=$BUILD/bench/ping_load
CEIL=$BUILD/bench/baselines/ceiling_ping
LAMP=$BUILD/server/lamp
CHAT=$BUILD/bench/chat/chat_bench
PYLAMP=$here/baselines/py_lamp.py
# Knobs: runs per ping measurement, seconds per ping run.
ROUNDS=${BENCH_ROUNDS:-5}
RUN_S=${BENCH_SECONDS:-1.0}

for f in "$LOAD" "$CEIL" "$LAMP" "$CHAT"; do
  [[ -x $f ]] || { echo "run-all.sh: $f is not built (build BUILD_DIR first)" >&2; exit 2; }
done
command -v gnuplot >/dev/null || { echo "run-all.sh: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 2; }
ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"

T0=$SECONDS
DIR=$(mktemp -d "${TMPDIR:-/tmp}/lamp-bench-all.XXXXXX")
chmod 0700 "$DIR"
RES=$DIR/results.tsv # section, server, mode, clients, run, metric, value
: >"$RES"
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [[ -n ${BENCH_KEEP:-} ]]; then echo "raw figures kept in $DIR"; else rm -rf "$DIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log() { printf '[%3ds] %s\n' "$((SECONDS - T0))" "$*"; }
rec() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RES"; }
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
# Proportional set size: shared library pages divided among the processes that map them.
pss_kb() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }

# start NAME SOCKET CMD...: start a server in the background, wait until it answers a ping.
declare -A SPID
start() {
  local name=$1 sock=$2
  shift 2
  "$@" >"$DIR/$name.log" 2>&1 &
  SPID[$name]=$!
  PIDS+=("$!")
  for _ in $(seq 200); do
    if [[ -S $sock ]] && "$LOAD" --socket "$sock" --clients 1 --seconds 0.1 --warmup-ms 0 --json >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "${SPID[$name]}" 2>/dev/null || break
    sleep 0.05
  done
  echo "run-all.sh: $name did not start; its output:" >&2
  cat "$DIR/$name.log" >&2
  exit 1
}
stop() { kill -TERM "${SPID[$1]}" 2>/dev/null || true; wait "${SPID[$1]}" 2>/dev/null || true; }

# ---- machine --------------------------------------------------------------------------------
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "kernel: $(uname -r)"
  echo "nproc: $(nproc)"
  lscpu | grep -E '^(Model name|Architecture|CPU\(s\)|Thread\(s\) per core|CPU max MHz|Hypervisor vendor|L3 cache):' || true
  echo "memory: $(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "python: $(python3 --version 2>&1)"
  echo "emacs: $(emacs --version 2>/dev/null | head -n 1 || echo missing)"
  echo "git: $(git --version), $(diff --version | head -n 1)"
} >"$DIR/machine.txt"

# ---- ping: latency and throughput, servers interleaved round by round ------------------------
# Pinning as bench/ping.sh does: the latency run has server and load generator on CPU 0; the
# throughput runs have the server on CPU 0 and the load generator on CPU 1.
NCPU=$(nproc)
LCPU=0
((NCPU > 1)) && LCPU=1
PIN=0
command -v taskset >/dev/null && PIN=1
start ceiling "$DIR/ceiling.sock" "$CEIL" --socket "$DIR/ceiling.sock"
start lamp "$DIR/lamp.sock" env LAMP_LOG=warn "$LAMP" serve --socket "$DIR/lamp.sock"
start python "$DIR/python.sock" python3 "$PYLAMP" --socket "$DIR/python.sock"
log "ping: $ROUNDS rounds x (latency 1, throughput 1/8/64) x (ceiling, lamp, python), ${RUN_S}s each"
for round in $(seq "$ROUNDS"); do
  for name in ceiling lamp python; do
    for run in "latency 1" "throughput 1" "throughput 8" "throughput 64"; do
      read -r mode clients <<<"$run"
      pin=()
      if ((PIN)); then
        taskset -a -p -c 0 "${SPID[$name]}" >/dev/null
        if [[ $mode == latency ]]; then pin=(taskset -c 0); else pin=(taskset -c "$LCPU"); fi
      fi
      cdf=()
      [[ $mode == latency ]] && cdf=(--cdf "$DIR/cdf.$name.$round")
      out=$("${pin[@]}" "$LOAD" --socket "$DIR/$name.sock" --clients "$clients" --seconds "$RUN_S" \
        --warmup-ms 200 --json "${cdf[@]}") || { echo "run-all.sh: ping_load failed on $name: $out" >&2; exit 1; }
      for m in rps p50_us p99_us load_cpu_pct errors; do
        rec ping "$name" "$mode" "$clients" "$round" "$m" "$(field "$out" "$m")"
      done
    done
  done
done

# ---- memory: idle RSS and RSS per idle connection (1000 connections) ------------------------
log "memory: idle RSS, then 1000 idle connections"
cat >"$DIR/hold.py" <<'EOF'
import socket, sys, time
path, n = sys.argv[1], int(sys.argv[2])
conns = []
for i in range(n):
    s = socket.socket(socket.AF_UNIX); s.connect(path)
    s.sendall(b'{"jsonrpc":"2.0","id":%d,"method":"ping"}\n' % i); conns.append(s)
for s in conns:  # every connection has been served once: the server holds its state for it
    buf = b""
    while not buf.endswith(b"\n"): buf += s.recv(4096)
print("HELD", flush=True)
sys.stdin.readline()
EOF
for name in lamp python; do
  sock=$DIR/$name-mem.sock
  if [[ $name == lamp ]]; then
    start "$name-mem" "$sock" env LAMP_LOG=warn "$LAMP" serve --socket "$sock"
  else
    start "$name-mem" "$sock" python3 "$PYLAMP" --socket "$sock"
  fi
  sleep 0.5
  idle=$(rss_kb "${SPID[$name-mem]}")
  rec mem "$name" idle 0 1 pss_kb "$(pss_kb "${SPID[$name-mem]}")"
  coproc HOLD { python3 "$DIR/hold.py" "$sock" 1000; }
  read -r held <&"${HOLD[0]}" || held=""
  if [[ $held == HELD ]]; then
    sleep 0.5
    busy=$(rss_kb "${SPID[$name-mem]}")
    rec mem "$name" idle 0 1 rss_kb "$idle"
    rec mem "$name" conns 1000 1 rss_kb "$busy"
  else
    echo "run-all.sh: could not hold 1000 connections to $name" >&2
    rec mem "$name" idle 0 1 rss_kb "$idle"
  fi
  echo >&"${HOLD[1]}" || true
  wait "$HOLD_PID" 2>/dev/null || true
  stop "$name-mem"
done

# ---- chat: proxy overhead, 100 concurrent 500 ms upstream calls ------------------------------
log "chat: proxy overhead and 100 concurrent slow calls (lamp vs python)"
pids=()
start_fake_upstream "$DIR"
PIDS+=("${pids[@]}")
base=$upstream_base
start lamp-chat "$DIR/lamp-chat.sock" env OPENAI_API_KEY=sk-bench OPENAI_BASE_URL="$base" \
  LAMP_MAX_CONCURRENCY=100 LAMP_LOG=warn "$LAMP" serve --socket "$DIR/lamp-chat.sock"
start python-chat "$DIR/python-chat.sock" env OPENAI_API_KEY=sk-bench OPENAI_BASE_URL="$base" \
  python3 "$PYLAMP" --socket "$DIR/python-chat.sock"
control() { curl -sf -XPOST "$base/_control/$1" -H 'Content-Type: application/json' -d "$2" >/dev/null; }
control default '{"delay_ms":0}'
for r in 1 2 3; do
  for name in lamp python; do
    out=$("$CHAT" --mode overhead --socket "$DIR/$name-chat.sock" --url "$base/v1/chat/completions" \
      --key sk-bench -n 200) || { echo "run-all.sh: chat_bench overhead failed on $name" >&2; continue; }
    rec chat "$name" overhead 1 "$r" direct_p50_us "$(awk '$1 == "direct" { print $3 }' <<<"$out")"
    rec chat "$name" overhead 1 "$r" proxy_p50_us "$(awk '$1 == "lamp" { print $3 }' <<<"$out")"
    rec chat "$name" overhead 1 "$r" proxy_p99_us "$(awk '$1 == "lamp" { print $4 }' <<<"$out")"
  done
done
# 100 calls on 100 connections at once (the Python server handles one request per connection at a
# time), and for lamp also 100 calls pipelined on one connection (chat_bench --mode concurrent).
cat >"$DIR/slow.py" <<'EOF'
import json, socket, sys, threading, time
path, n = sys.argv[1], int(sys.argv[2])
body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello"}]}
conns = [socket.socket(socket.AF_UNIX) for _ in range(n)]
for s in conns: s.connect(path)
errors = []
def call(i, s):
    s.sendall((json.dumps({"jsonrpc": "2.0", "id": i, "method": "chat.completions", "params": body}) + "\n").encode())
    f = s.makefile("rb")
    while True:  # skip notifications until the reply to our request
        line = f.readline()
        if not line:
            errors.append("connection closed"); return
        m = json.loads(line)
        if m.get("id") == i:
            if "result" not in m: errors.append(m)
            return
threads = [threading.Thread(target=call, args=(i, s)) for i, s in enumerate(conns)]
t0 = time.monotonic()
for t in threads: t.start()
for t in threads: t.join()
ms = (time.monotonic() - t0) * 1000
if errors: sys.exit("errors: %s" % errors[:2])
print("%.0f" % ms)
EOF
control default '{"delay_ms":500}'
for r in 1 2 3; do
  for name in lamp python; do
    if ms=$(timeout 60 python3 "$DIR/slow.py" "$DIR/$name-chat.sock" 100); then
      rec chat "$name" slow100_conns 100 "$r" wall_ms "$ms"
    else
      echo "run-all.sh: 100 slow calls failed on $name" >&2
    fi
  done
  ms=$("$CHAT" --mode concurrent --socket "$DIR/lamp-chat.sock" -n 100) && rec chat lamp slow100_pipelined 100 "$r" wall_ms "$ms"
done
control default '{"delay_ms":0}'
stop lamp-chat
stop python-chat

# ---- diff: lamp vs git diff --no-index vs diff -u --------------------------------------------
log "diff: bench/diff/run.sh"
if ! bench_out=$("$root/bench/diff/run.sh" "$BUILD" 2>&1); then
  # run.sh rebuilds bench_diff first; if the build system is unusable, run the built binary.
  bin=$(find "$BUILD" -type f -name bench_diff -perm -u+x | head -n 1)
  echo "run-all.sh: bench/diff/run.sh failed (${bench_out##*$'\n'}); running $bin directly" >&2
  bench_out=$("$bin")
fi
printf '%s\n' "$bench_out" >"$DIR/diff.txt"

# ---- emacs: module vs elisp vs jsonrpc.el ---------------------------------------------------
log "emacs: bench/emacs/run.sh"
if [[ -e $BUILD/module/lamp-module.so ]] && command -v emacs >/dev/null; then
  if ! "$root/bench/emacs/run.sh" "$BUILD" >"$DIR/emacs.txt" 2>&1; then
    # bench/emacs/run.sh byte-compiles lisp/lamp.el alone; since lamp.el requires lamp-base and
    # lamp-transport that fails. Same steps here with every lisp/*.el on the load path.
    echo "run-all.sh: bench/emacs/run.sh failed; running lamp-bench.el with all of lisp/" >&2
    : >"$DIR/emacs_fallback"
    mkdir "$DIR/lisp"
    cp "$root"/lisp/*.el "$DIR/lisp/"
    emacs -Q --batch -L "$DIR/lisp" -f batch-byte-compile "$DIR"/lisp/*.el >/dev/null 2>&1 || true
    start emacs-lamp "$DIR/emacs.sock" "$LAMP" serve --socket "$DIR/emacs.sock" --enable-test-methods
    LAMP_BENCH_SOCKET="$DIR/emacs.sock" LAMP_BENCH_MODULE="$BUILD/module/lamp-module.so" \
      LAMP_BENCH_LISP="$DIR/lisp" timeout -k 5 60 emacs -Q --batch -L "$DIR/lisp" \
      -l "$root/bench/emacs/lamp-bench.el" -f lamp-bench-run >"$DIR/emacs.txt" 2>&1 ||
      echo "run-all.sh: the Emacs bench failed: $(tail -n 1 "$DIR/emacs.txt")" >&2
    stop emacs-lamp
  fi
else
  echo "skipped: lamp-module.so or emacs missing" >"$DIR/emacs.txt"
fi

# ---- wisp: marked comments, save to review and prompt bytes ----------------------------------
log "wisp: bench/wisp/run.sh"
if command -v emacs >/dev/null; then
  "$root/bench/wisp/run.sh" "$BUILD" >"$DIR/wisp.txt" 2>&1 ||
    echo "run-all.sh: the wisp bench failed: $(tail -n 1 "$DIR/wisp.txt")" >&2
else
  echo "skipped: emacs missing" >"$DIR/wisp.txt"
fi

# ---- sections printed by one script each: checks, rebase, context, profile ------------------
#   check:   syntax checker time per language
#   rebase:  wisp.rebase merge time on 10k-line buffers
#   context: repo map time and size, excerpt size
#   profile: where lamp's time goes under 64 ping clients (needs linux-perf)
for section in check rebase context profile; do
  log "$section: bench/$section/run.sh"
  "$root/bench/$section/run.sh" "$BUILD" >"$DIR/$section.txt" 2>&1 ||
    echo "run-all.sh: the $section bench failed: $(tail -n 1 "$DIR/$section.txt")" >&2
done

# ---- report ---------------------------------------------------------------------------------
log "report: $DOCS/benchmarks.md, $DOCS/bench/*.png"
echo "elapsed_s: $((SECONDS - T0))" >>"$DIR/machine.txt"
python3 "$here/report/make_report.py" --results "$DIR" --docs "$DOCS"
log "done"
