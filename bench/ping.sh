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
PIN=${BENCH_PIN:-latency}
TARGET_P50_US=25
TARGET_RPS_64=100000

for f in "$LOAD" "$CEIL"; do
    [[ -x $f ]] || { echo "ping.sh: $f not built" >&2; exit 2; }
done
case $PIN in
latency | none | same) ;;
*) echo "ping.sh: BENCH_PIN must be latency, same or none" >&2; exit 2 ;;
esac
if [[ $PIN != none ]] && ! command -v taskset >/dev/null; then
    echo "ping.sh: taskset not found; running unpinned" >&2
    PIN=none
fi

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

# CPU busy percentage over 0.3 s, from /proc/stat (0 when unavailable).
cpu_busy() {
    local u n s i w q sq st t1 t2 i1 i2
    [[ -r /proc/stat ]] || { echo 0; return; }
    read -r _ u n s i w q sq st _ </proc/stat
    t1=$((u + n + s + i + w + q + sq + st)); i1=$((i + w))
    sleep 0.3
    read -r _ u n s i w q sq st _ </proc/stat
    t2=$((u + n + s + i + w + q + sq + st)); i2=$((i + w))
    if ((t2 > t1)); then echo $((100 - 100 * (i2 - i1) / (t2 - t1))); else echo 0; fi
}

# field JSON KEY: a number out of ping_load's one-line JSON report.
field() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" <<<"$1"; }

# pin_cmd MODE: the taskset prefix for a run ("latency" pins the 1-client latency run only).
pin_cmd() {
    if [[ $PIN == same || ($PIN == latency && $1 == latency) ]]; then
        echo "taskset -c 0"
    fi
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

# Results, keyed "server/mode/clients".
declare -A RPS P50 P99

# measure NAME SOCKET MODE CLIENTS
measure() {
    local name=$1 sock=$2 mode=$3 clients=$4 pin out
    pin=$(pin_cmd "$mode")
    if [[ -n $pin ]]; then # the server (all its threads) joins the load generator on CPU 0
        taskset -a -p -c 0 "${SPID[$name]}" >/dev/null
    elif [[ $PIN != none ]]; then
        taskset -a -p -c "0-$(($(nproc) - 1))" "${SPID[$name]}" >/dev/null
    fi
    # shellcheck disable=SC2086 # $pin is a word list on purpose
    if ! out=$($pin "$LOAD" --socket "$sock" --clients "$clients" --seconds "$RUN_S" \
        --warmup-ms "$WARM_MS" --json); then
        echo "ping.sh: ping_load reported errors against $name ($mode, $clients clients): $out" >&2
        exit 1
    fi
    if [[ $(field "$out" errors) != 0 ]]; then
        echo "ping.sh: ping_load reported errors against $name: $out" >&2
        exit 1
    fi
    RPS[$name/$mode/$clients]=$(field "$out" rps)
    P50[$name/$mode/$clients]=$(field "$out" p50_us)
    P99[$name/$mode/$clients]=$(field "$out" p99_us)
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
echo "ping benchmark: ${RUN_S}s per run (${WARM_MS} ms warmup), $(nproc) CPUs, pinning: $PIN"
if ((busy > 10)); then
    echo "warning: the machine was ${busy}% busy before the start; figures will be noisy"
fi

SERVERS=(ceiling)
start_server ceiling "$DIR/ceiling.sock" "$CEIL" --socket "$DIR/ceiling.sock"
bench_server ceiling "$DIR/ceiling.sock"
kill -TERM "${SPID[ceiling]}" 2>/dev/null || true # lamp runs alone

if [[ -x $LAMP ]]; then
    SERVERS+=(lamp)
    start_server lamp "$DIR/lamp.sock" "$LAMP" serve --socket "$DIR/lamp.sock"
    bench_server lamp "$DIR/lamp.sock"
else
    echo "lamp: missing ($LAMP not built); measuring the ceiling only"
fi

echo
printf '%-8s %-10s %7s %11s %9s %9s\n' server run clients req/s "p50 us" "p99 us"
for name in "${SERVERS[@]}"; do
    for run in "${RUNS[@]}"; do
        read -r mode clients <<<"$run"
        k=$name/$mode/$clients
        printf '%-8s %-10s %7s %11.0f %9.2f %9.2f\n' "$name" "$mode" "$clients" \
            "${RPS[$k]}" "${P50[$k]}" "${P99[$k]}"
    done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

if [[ -x $LAMP ]]; then
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
if [[ -x $LAMP ]]; then
    p50=${P50[lamp/latency/1]} rps=${RPS[lamp/throughput/64]}
    verdict() { awk -v x="$1" -v op="$2" -v t="$3" \
        'BEGIN { ok = (op == "le") ? (x <= t) : (x >= t); print ok ? "met" : "MISSED" }'; }
    printf 'target: lamp p50 <= %s us with 1 client:      %9.2f us    %s\n' \
        "$TARGET_P50_US" "$p50" "$(verdict "$p50" le "$TARGET_P50_US")"
    printf 'target: lamp >= %s req/s with 64 clients:  %9.0f req/s %s\n' \
        "$TARGET_RPS_64" "$rps" "$(verdict "$rps" ge "$TARGET_RPS_64")"
else
    echo "target: lamp p50 <= $TARGET_P50_US us with 1 client: n/a (lamp missing)"
    echo "target: lamp >= $TARGET_RPS_64 req/s with 64 clients: n/a (lamp missing)"
fi
