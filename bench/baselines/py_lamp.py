#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# py_lamp.py: the Python baseline lamp is compared with, shaped like the original prototype: stdlib
# asyncio, NDJSON JSON-RPC 2.0 on a Unix socket, one request at a time per connection.
"""Usage: py_lamp.py --socket PATH

Methods: "ping" -> "pong"; "chat.completions" (params: the OpenAI request body) is forwarded with
a blocking urllib call in the default thread pool to $OPENAI_BASE_URL (default
https://api.openai.com) with $OPENAI_API_KEY. Prints READY once listening.
"""
import argparse
import asyncio
import json
import os
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor


def chat_url():
    base = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com").rstrip("/")
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


def upstream_call(body):
    req = urllib.request.Request(
        chat_url(), data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Authorization": "Bearer " + os.environ.get("OPENAI_API_KEY", "")})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"upstream HTTP {e.code}: {e.read()[:200]!r}") from e


def reply(msg_id, result=None, error=None):
    out = {"jsonrpc": "2.0", "id": msg_id}
    if error is not None:
        out["error"] = error
    else:
        out["result"] = result
    return (json.dumps(out, separators=(",", ":")) + "\n").encode()


async def handle(reader, writer):
    loop = asyncio.get_running_loop()
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            try:
                msg = json.loads(line)
            except ValueError:
                writer.write(reply(None, error={"code": -32700, "message": "Parse error"}))
                await writer.drain()
                continue
            method, msg_id = msg.get("method"), msg.get("id")
            try:
                if method == "ping":
                    out = reply(msg_id, "pong")
                elif method == "chat.completions":
                    result = await loop.run_in_executor(None, upstream_call, msg.get("params") or {})
                    out = reply(msg_id, result)
                else:
                    out = reply(msg_id, error={"code": -32601, "message": "Method not found"})
            except Exception as e:  # noqa: BLE001 - the prototype reported every failure this way
                out = reply(msg_id, error={"code": -32000, "message": str(e)})
            if msg_id is not None:
                writer.write(out)
                await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main():
    ap = argparse.ArgumentParser(description="Python asyncio baseline for the lamp benchmarks")
    ap.add_argument("--socket", required=True)
    args = ap.parse_args()
    if os.path.exists(args.socket):
        os.unlink(args.socket)
    # Enough threads that 100 slow upstream calls on 100 connections can all be in flight.
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=128))
    server = await asyncio.start_unix_server(handle, path=args.socket, limit=64 * 1024 * 1024)
    print("READY", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
