#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# bench/ping.sh: JSON-RPC "ping" round trips over the Unix socket, lamp against the ceiling_ping
# baseline; prints a table, lamp/ceiling ratios and the lamp targets. Usage: bench/ping.sh BUILD_DIR
set -euo pipefail

usage() {
    echo "usage: $0 BUILD_DIR   (needs BUILD_DIR/bench/ping_load, BUILD_DIR/bench/baselines/ceiling_ping;" >&2
    echo "       BUILD_DIR/server/lamp is measured when it exists)" >&2
    exit 2
}
[[ $# -eq 1 ]] || usage
BUILD=$1
LOAD=$BUILD/bench/ping_load
CEIL=$BUILD/bench/baselines/ceiling_ping
LAMP=$BUILD/server/lamp

# Knobs (environment): seconds per run, warmup, readiness timeout, CPU pinning (see README).
RUN_S=${BENCH_SECONDS:-1.5}
WARM_MS=${BENCH_WARMUP_MS:-200}
START_TIMEOUT_S=${BENCH_START_TIMEOUT:-10}
PIN=${BENCH_PIN:-auto}
TARGET_P50_US=25
TARGET_RPS_64=100000

for f in "$LOAD" "$CEIL"; do
    [[ -x $f ]] || { echo "ping.sh: $f not built" >&2; exit 2; }
done
case $PIN in
auto | same | none) ;;
*) echo "ping.sh: BENCH_PIN must be auto, same or none" >&2; exit 2 ;;
esac
NCPU=$(nproc)
if [[ $PIN != none ]] && ! command -v taskset >/dev/null; then
    echo "ping.sh: taskset not found; running unpinned" >&2
    PIN=none
fi
HZ=$(getconf CLK_TCK)

DIR=$(mktemp -d "${TMPDIR:-/tmp}/lamp-bench.XXXXXX")
chmod 0700 "$DIR"
PIDS=()
declare -A SPID # server name -> pid

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 40); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.05
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cpu_jiffies: "TOTAL BUSY" jiffies of all CPUs so far, from /proc/stat.
cpu_jiffies() {
    local u n s i w q sq st
    read -r _ u n s i w q sq st _ </proc/stat
    echo "$((u + n + s + i + w + q + sq + st)) $((u + n + s + q + sq + st))"
}

# proc_jiffies PID: user+system jiffies of a process (all its threads).
proc_jiffies() {
    local stat
    local -a f
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    stat=${stat##*) } # fields after "(comm) "; utime and stime are fields 14 and 15 overall
    read -r -a f <<<"$stat"
    echo $((f[11] + f[12]))
}

# CPU busy percentage over 0.3 s.
cpu_busy() {
    local t1 b1 t2 b2
    read -r t1 b1 < <(cpu_jiffies)
    sleep 0.3
    read -r t2 b2 < <(cpu_jiffies)
    if ((t2 > t1)); then echo $((100 * (b2 - b1) / (t2 - t1))); else echo 0; fi
}

# field JSON KEY: a number out of ping_load's one-line JSON report.
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }

# cpus_for MODE: "SERVER_CPUS LOAD_CPUS" for a run, or "- -" for no pinning.
#   auto: latency run on one shared core, throughput runs on a core each; same: all on CPU 0.
cpus_for() {
    case $PIN/$1 in
    none/*) echo "- -" ;;
    same/* | auto/latency) echo "0 0" ;;
    auto/*) if ((NCPU > 1)); then echo "0 1"; else echo "0 0"; fi ;;
    esac
}

# start_server NAME SOCKET CMD...: start in the background, wait until the socket answers a ping.
start_server() {
    local name=$1 sock=$2 pid deadline out
    shift 2
    "$@" >"$DIR/$name.log" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    SPID[$name]=$pid
    deadline=$((SECONDS + START_TIMEOUT_S))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "ping.sh: $name exited before answering; its output:" >&2
            cat "$DIR/$name.log" >&2
            exit 1
        fi
        if [[ -S $sock ]]; then
            # ping_load exits 0 when all went well, 2 when it cannot connect, 1 on errors or silence.
            if out=$("$LOAD" --socket "$sock" --clients 1 --seconds 0.2 --warmup-ms 0 --json 2>&1); then
                return 0
            fi
            if [[ $out == *'"errors":'* && $(field "$out" errors) != 0 ]]; then
                echo "ping.sh: $name answers pings wrongly: $out" >&2
                exit 1
            fi
        fi
        sleep 0.05
    done
    echo "ping.sh: $name did not answer a ping on $sock within ${START_TIMEOUT_S}s; its output:" >&2
    cat "$DIR/$name.log" >&2
    exit 1
}

# Results, keyed "server/mode/clients"; LOADCPU is the load generator's CPU use (% of one CPU),
# OTHER the CPU used by other processes during the run (% of all CPUs).
declare -A RPS P50 P99 LOADCPU OTHER

# measure NAME SOCKET MODE CLIENTS
measure() {
    local name=$1 sock=$2 mode=$3 clients=$4 scpu lcpu out t1 b1 t2 b2 s1 s2 load_j other
    local -a pin=()
    read -r scpu lcpu < <(cpus_for "$mode")
    if [[ $scpu != - ]]; then # pin every thread of the server, then the load generator
        taskset -a -p -c "$scpu" "${SPID[$name]}" >/dev/null
        pin=(taskset -c "$lcpu")
    fi
    read -r t1 b1 < <(cpu_jiffies)
    s1=$(proc_jiffies "${SPID[$name]}")
    if ! out=$("${pin[@]}" "$LOAD" --socket "$sock" --clients "$clients" --seconds "$RUN_S" \
        --warmup-ms "$WARM_MS" --json); then
        echo "ping.sh: ping_load reported errors against $name ($mode, $clients clients): $out" >&2
        exit 1
    fi
    s2=$(proc_jiffies "${SPID[$name]}")
    read -r t2 b2 < <(cpu_jiffies)
    if [[ $(field "$out" errors) != 0 ]]; then
        echo "ping.sh: ping_load reported errors against $name: $out" >&2
        exit 1
    fi
    RPS[$name/$mode/$clients]=$(field "$out" rps)
    P50[$name/$mode/$clients]=$(field "$out" p50_us)
    P99[$name/$mode/$clients]=$(field "$out" p99_us)
    LOADCPU[$name/$mode/$clients]=$(field "$out" load_cpu_pct)
    # Busy time not spent by the server or the load generator, as % of all CPUs' time.
    load_j=$(awk -v s="$(field "$out" load_cpu_s)" -v hz="$HZ" 'BEGIN { printf "%d", s * hz }')
    other=0
    if ((t2 > t1)); then
        other=$((100 * (b2 - b1 - (s2 - s1) - load_j) / (t2 - t1)))
        ((other >= 0)) || other=0
    fi
    OTHER[$name/$mode/$clients]=$other
    ((other <= 10)) || NOISY=1
}

RUNS=("latency 1" "throughput 1" "throughput 8" "throughput 64")

bench_server() {
    local name=$1 sock=$2 run
    for run in "${RUNS[@]}"; do
        # shellcheck disable=SC2086
        measure "$name" "$sock" $run
    done
}

busy=$(cpu_busy)
case $PIN in
auto) pin_text="latency run: server and load on CPU 0; throughput runs: server CPU 0, load CPU 1" ;;
same) pin_text="server and load on CPU 0" ;;
none) pin_text="none" ;;
esac
echo "ping benchmark: ${RUN_S}s per run (${WARM_MS} ms warmup), $NCPU CPUs, pinning ($PIN): $pin_text"
if ((busy > 10)); then
    echo "warning: the machine was ${busy}% busy before the start; figures will be noisy"
fi
HAVE_LAMP=0
if [[ -x $LAMP ]]; then
    HAVE_LAMP=1
else
    echo "lamp: missing ($LAMP not built); measuring the ceiling only"
fi
NOISY=0

SERVERS=(ceiling)
start_server ceiling "$DIR/ceiling.sock" "$CEIL" --socket "$DIR/ceiling.sock"
bench_server ceiling "$DIR/ceiling.sock"
kill -TERM "${SPID[ceiling]}" 2>/dev/null || true # lamp runs alone

if ((HAVE_LAMP)); then
    SERVERS+=(lamp)
    start_server lamp "$DIR/lamp.sock" "$LAMP" serve --socket "$DIR/lamp.sock"
    bench_server lamp "$DIR/lamp.sock"
fi

echo
printf '%-8s %-10s %7s %5s %11s %9s %9s %6s %6s\n' server run clients cpus req/s "p50 us" "p99 us" \
    load% other%
for name in "${SERVERS[@]}"; do
    for run in "${RUNS[@]}"; do
        read -r mode clients <<<"$run"
        read -r scpu lcpu < <(cpus_for "$mode")
        if [[ $scpu == - ]]; then cpus=any; else cpus=$scpu/$lcpu; fi
        k=$name/$mode/$clients
        printf '%-8s %-10s %7s %5s %11.0f %9.2f %9.2f %6s %6s\n' "$name" "$mode" "$clients" \
            "$cpus" "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}" "${LOADCPU[$k]}" "${OTHER[$k]}"
    done
done
echo "(cpus: server/load generator CPU; load%: the load generator's CPU use, near 100 (50 on a shared"
echo " CPU) means it limited the run; other%: CPU used by other processes in the run, >10 is noise)"
if ((NOISY)); then
    echo "warning: other processes used over 10% of the CPUs during some runs; figures are noisy"
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

if ((HAVE_LAMP)); then
    echo
    printf '%-19s %7s %11s %9s %9s\n' "lamp/ceiling" clients req/s p50 p99
    for run in "${RUNS[@]}"; do
        read -r mode clients <<<"$run"
        l=lamp/$mode/$clients c=ceiling/$mode/$clients
        printf '%-19s %7s %11s %9s %9s\n' "$mode" "$clients" "$(ratio "${RPS[$l]}" "${RPS[$c]}")" \
            "$(ratio "${P50[$l]}" "${P50[$c]}")" "$(ratio "${P99[$l]}" "${P99[$c]}")"
    done
fi

echo
if ((HAVE_LAMP)); then
    p50=${P50[lamp/latency/1]} rps=${RPS[lamp/throughput/64]}
    verdict() { awk -v x="$1" -v op="$2" -v t="$3" \
        'BEGIN { ok = (op == "le") ? (x <= t) : (x >= t); print ok ? "met" : "MISSED" }'; }
    printf 'target: lamp p50 <= %s us with 1 client (latency run):  %9.2f us     %s\n' \
        "$TARGET_P50_US" "$p50" "$(verdict "$p50" le "$TARGET_P50_US")"
    printf 'target: lamp >= %s req/s with 64 clients:            %9.0f req/s  %s\n' \
        "$TARGET_RPS_64" "$rps" "$(verdict "$rps" ge "$TARGET_RPS_64")"
else
    echo "target: lamp p50 <= $TARGET_P50_US us with 1 client: n/a (lamp missing)"
    echo "target: lamp >= $TARGET_RPS_64 req/s with 64 clients: n/a (lamp missing)"
fi
