#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Regenerates the seed corpora in fuzz/corpus/ from the test fixtures (patch replies, SSE and
# JSON-RPC examples). Crash reproducers added by hand (crash-*) are kept.
import glob, json, os, struct

root = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(root, "..", "tests", "fixtures", "patch")


def put(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    if target in ("fuzz_frame_splitter", "fuzz_sse"):
        data += TAIL
    d = os.path.join(root, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# fuzz_patch: byte 0 = index of the case's request among the distinct requests (same order as
# fuzz_patch.cpp), then the reply.
seen = []
for path in sorted(glob.glob(os.path.join(fixtures, "cases", "*.json"))):
    case = json.load(open(path, encoding="utf-8"))
    req = case["request"]
    if req not in seen:
        seen.append(req)
    idx = seen.index(req)
    name = os.path.basename(path)[:-5]
    put("fuzz_patch", name, bytes([idx]) + case["content"].encode())
    if "retry_content" in case:
        put("fuzz_patch", name + "-retry", bytes([idx]) + case["retry_content"].encode())

# fuzz_jsonrpc: the whole frame is the message.
rpc = {
    "ping": '{"jsonrpc":"2.0","method":"ping","id":1}',
    "describe": '{"jsonrpc":"2.0","method":"server.describe","id":"a"}',
    "status": '{"jsonrpc":"2.0","method":"server.status","id":null}',
    "echo": '{"jsonrpc":"2.0","method":"test.echo","params":{"x":[1,2.5,"\\u00e9",null,true]},"id":2}',
    "sleep-cancel": '[{"jsonrpc":"2.0","method":"test.sleep","params":{"ms":0},"id":3},'
                    '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":3}}]',
    "batch": '[{"jsonrpc":"2.0","method":"ping","id":1},{"jsonrpc":"2.0","method":"ping"},1,[]]',
    "empty-batch": '[]',
    "notification": '{"jsonrpc":"2.0","method":"ping"}',
    "unknown": '{"jsonrpc":"2.0","method":"no.such","id":18446744073709551615}',
    "invalid": '{"jsonrpc":"1.0","method":1,"params":"x","id":{}}',
    "response": '{"jsonrpc":"2.0","result":{"a":1},"id":7}',
    "error-response": '{"jsonrpc":"2.0","error":{"code":-1,"message":"m"},"id":7}',
    "parse-error": '{"jsonrpc":"2.0","method":"foobar,"params":"bar","baz]',
    "deep": '[' * 600 + ']' * 600,
    "bad-utf8": '{"jsonrpc":"2.0","method":"test.echo","params":["\xff"],"id":1}',
}
for name, text in rpc.items():
    put("fuzz_jsonrpc", name, text.encode("latin-1") if name == "bad-utf8" else text)

# fuzz_frame_splitter and fuzz_sse read their limit (2 bytes) and chunking seed (4 bytes) from the
# END of the input (FuzzedDataProvider): seeds carry 6 trailing bytes for them.
TAIL = b"\x2a\x00\x00\x00\xff\x0f"
msgs = list(rpc.values())[:5]
put("fuzz_frame_splitter", "ndjson", "".join(m + "\n" for m in msgs))
put("fuzz_frame_splitter", "ndjson-crlf", "".join(m + "\r\n" for m in msgs))
put("fuzz_frame_splitter", "lsp", "".join("Content-Length: %d\r\n\r\n%s" % (len(m), m) for m in msgs))
put("fuzz_frame_splitter", "lsp-lf", "".join("content-length: %d\n\n%s" % (len(m), m) for m in msgs))
put("fuzz_frame_splitter", "mixed", msgs[0] + "\nContent-Length: %d\r\nContent-Type: x\r\n\r\n%s\n  \n%s\n"
    % (len(msgs[1]), msgs[1], msgs[2]))
put("fuzz_frame_splitter", "bad-header", "Content-Length: x\r\n\r\n{}\nContent-Length: 99999999\r\n\r\n{}\n")

# fuzz_sse: OpenAI-style streams.
chunks = ['{"choices":[{"delta":{"content":"Hel"}}]}', '{"choices":[{"delta":{"content":"lo"}}]}']
put("fuzz_sse", "openai", "".join("data: %s\n\n" % c for c in chunks) + "data: [DONE]\n\n")
put("fuzz_sse", "crlf", "".join("data: %s\r\n\r\n" % c for c in chunks))
put("fuzz_sse", "cr", ": keep-alive\r" + "".join("data:%s\r\r" % c for c in chunks))
put("fuzz_sse", "fields", "event: x\nid: 1\nretry: 10\ndata: a\ndata: b\n\ndata\n\n:comment\n")
put("fuzz_sse", "cut-off", "data: partial")
