#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Time to the first streamed text: ACP session/prompt through `nc -U` (first agent_message_chunk)
# vs chat.completions with stream:true on the socket directly (first chat.delta with text).
"""Usage: first_chunk.py SOCKET RUNS  (lamp must point at a streaming upstream)."""

import json
import socket
import statistics
import subprocess
import sys
import time


class NcClient:
    """acp.el's view of lamp: one `nc -U SOCKET` process, newline-delimited JSON."""

    def __init__(self, sock):
        self.proc = subprocess.Popen(["nc", "-U", sock], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, bufsize=0)
        self.buf = b""
        self.next_id = 0

    def send(self, method, params, notify=False):
        msg = {"jsonrpc": "2.0", "method": method, "params": params}
        if not notify:
            self.next_id += 1
            msg["id"] = self.next_id
        self.proc.stdin.write((json.dumps(msg, separators=(",", ":")) + "\n").encode())
        return msg.get("id")

    def read(self):
        while b"\n" not in self.buf:
            data = self.proc.stdout.read(65536)  # raw pipe: returns what is there
            if not data:
                raise RuntimeError("nc closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def call(self, method, params):
        rid = self.send(method, params)
        while True:
            msg = self.read()
            if msg.get("id") == rid:
                return msg

    def close(self):  # nc keeps the socket open after stdin EOF (no -N), as under acp.el
        self.proc.terminate()
        self.proc.wait()


class SocketClient:
    """A direct client on the lamp socket."""

    def __init__(self, sock):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(sock)
        self.buf = b""
        self.next_id = 0

    def send(self, method, params):
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        self.s.sendall((json.dumps(msg) + "\n").encode())
        return self.next_id

    def read(self):
        while b"\n" not in self.buf:
            self.buf += self.s.recv(65536)
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)


def acp_first_chunk(nc, n):
    sid = nc.call("session/new", {"cwd": "/tmp", "mcpServers": []})["result"]["sessionId"]
    t0 = time.perf_counter()
    rid = nc.send("session/prompt", {"sessionId": sid, "prompt": [{"type": "text", "text": f"bench {n}"}]})
    first = None
    while True:
        msg = nc.read()
        if first is None and msg.get("method") == "session/update" \
                and msg["params"]["update"]["sessionUpdate"] == "agent_message_chunk":
            first = time.perf_counter() - t0
        if msg.get("id") == rid:
            assert msg["result"]["stopReason"] == "end_turn", msg
            return first


def direct_first_delta(client, n):
    body = {"messages": [{"role": "user", "content": f"bench {n}"}], "stream": True}
    t0 = time.perf_counter()
    rid = client.send("chat.completions", body)
    first = None
    while True:
        msg = client.read()
        if first is None and msg.get("method") == "chat.delta" and msg["params"]["delta"].get("content"):
            first = time.perf_counter() - t0
        if msg.get("id") == rid:
            assert "result" in msg, msg
            return first


def summary(name, samples):
    ms = sorted(s * 1000 for s in samples)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    return f"{name:<42} median {statistics.median(ms):7.3f} ms   p90 {p90:7.3f} ms   min {ms[0]:7.3f} ms"


def main():
    sock, runs = sys.argv[1], int(sys.argv[2])
    nc = NcClient(sock)
    nc.call("initialize", {"protocolVersion": 1,
                           "clientCapabilities": {"fs": {"readTextFile": True, "writeTextFile": False}},
                           "clientInfo": {"name": "bench", "version": "1"}})
    direct = SocketClient(sock)
    for n in range(5):  # warm-up: connections, upstream keep-alive
        acp_first_chunk(nc, n)
        direct_first_delta(direct, n)
    acp, raw = [], []
    for n in range(runs):  # interleaved, so both paths see the same conditions
        acp.append(acp_first_chunk(nc, n))
        raw.append(direct_first_delta(direct, n))
    nc.close()
    print(summary("chat.delta, direct on the socket", raw))
    print(summary("agent_message_chunk, ACP through nc -U", acp))
    diffs = sorted((a - r) * 1000 for a, r in zip(acp, raw))
    print(f"{'ACP path overhead (paired, per run)':<42} median {statistics.median(diffs):7.3f} ms"
          f"   ({runs} runs each)")


if __name__ == "__main__":
    main()
