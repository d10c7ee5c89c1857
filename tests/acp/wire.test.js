// SPDX-License-Identifier: GPL-3.0-or-later
// acp.el's exact lines through `nc -U`: every reply is one compact JSON line, ids come back
// with the same JSON type, and plain chat.completions works without initialize.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { LineClient, startStack } from "./harness.js";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

// What acp.el 0.14 writes (json-serialize + "\n"), generated with acp.el's own request makers
// (acp-make-initialize-request, acp-make-session-new-request, ...) and acp--serialize-json.
const acpEl = {
  initialize:
    '{"jsonrpc":"2.0","method":"initialize","id":1,"params":{"clientInfo":{"name":"agent-shell","title":"Agent Shell","version":"0.14"},"protocolVersion":1,"clientCapabilities":{"fs":{"readTextFile":true,"writeTextFile":false}}}}',
  newSession: '{"jsonrpc":"2.0","method":"session/new","id":2,"params":{"cwd":"/tmp/project","mcpServers":[]}}',
  prompt: (sid, id, words) =>
    `{"jsonrpc":"2.0","method":"session/prompt","id":${id},"params":{"sessionId":"${sid}","prompt":[{"type":"text","text":"${words}"}]}}`,
  cancel: (sid) => `{"jsonrpc":"2.0","method":"session/cancel","params":{"sessionId":"${sid}"}}`,
  permission: (id, option) => `{"jsonrpc":"2.0","id":${id},"result":{"outcome":{"outcome":"selected","optionId":"${option}"}}}`,
  writeDone: (id) => `{"jsonrpc":"2.0","id":${id},"result":{}}`,
};

// Every line lamp wrote: one complete object, compact (re-serializing gives the same text).
function assertCompactLines(lines) {
  assert.ok(lines.length > 0);
  for (const line of lines) {
    const msg = JSON.parse(line);
    assert.equal(typeof msg, "object");
    assert.ok(!Array.isArray(msg), `a batch reply: ${line}`);
    assert.equal(JSON.stringify(msg), line, "not compact");
    assert.equal(msg.jsonrpc, "2.0");
  }
}

describe("acp.el on the wire", () => {
  it("initialize, session/new, prompt, cancel: one compact line each, ids of the same type", async () => {
    const c = new LineClient(stack.sock);
    const seen = [];
    const next = async (match) => {
      const r = await c.next(match);
      seen.push(r.line);
      return r;
    };
    try {
      c.send(acpEl.initialize);
      const init = await next((m) => m.id !== undefined);
      assert.match(init.line, /"id":1[,}]/);
      assert.equal(init.msg.result.protocolVersion, 1);

      c.send(acpEl.newSession);
      const created = await next((m) => m.id !== undefined);
      assert.strictEqual(created.msg.id, 2);
      const sid = created.msg.result.sessionId;

      await stack.enqueue({ content: "Hello from lamp", chunk_chars: 4 });
      c.send(acpEl.prompt(sid, 3, "hi"));
      const done = await next((m) => m.id === 3);
      assert.deepEqual(done.msg.result, { stopReason: "end_turn" });
      const updates = c.lines.splice(0).filter((l) => JSON.parse(l).method === "session/update");
      seen.push(...updates);
      assert.equal(updates.map((l) => JSON.parse(l).params.update.content.text).join(""), "Hello from lamp");
      for (const l of updates) assert.ok(!("id" in JSON.parse(l)), "notifications carry no id");

      // A string id comes back as the same string, never as a number.
      await stack.enqueue({ content: "x" });
      c.send(acpEl.prompt(sid, '"4"', "again"));
      const str = await next((m) => m.id === "4");
      assert.match(str.line, /"id":"4"/);
      seen.push(...c.lines.splice(0));

      // Cancel mid-stream: the prompt answers cancelled.
      await stack.enqueue({ content: "a b c d e f g h i j k l m n o p", stream_delay_ms: 200 });
      c.send(acpEl.prompt(sid, 5, "slow"));
      await c.next((m) => m.method === "session/update");
      c.send(acpEl.cancel(sid));
      const cancelled = await next((m) => m.id === 5);
      assert.deepEqual(cancelled.msg.result, { stopReason: "cancelled" });

      // Errors echo the request's id (not null) with the same type.
      c.send(acpEl.prompt("no-such-session", 6, "x"));
      const err = await next((m) => m.id === 6);
      assert.equal(err.msg.error.code, -32602);

      await new Promise((r) => setTimeout(r, 100));
      seen.push(...c.lines.splice(0));
      assertCompactLines(seen);
      assert.equal(c.nc.stderrText, "");
    } finally {
      c.close();
    }
  });

  it("plain chat.completions without initialize returns the upstream response object", async () => {
    await stack.enqueue({ content: "Plain answer" });
    const c = new LineClient(stack.sock);
    try {
      c.send('{"jsonrpc":"2.0","method":"chat.completions","id":1,"params":{"messages":[{"role":"user","content":"hi"}]}}');
      const { line, msg } = await c.next((m) => m.id !== undefined);
      assertCompactLines([line]);
      assert.strictEqual(msg.id, 1);
      assert.equal(msg.result.object, "chat.completion");
      assert.match(msg.result.id, /^chatcmpl-fake-/);
      assert.equal(msg.result.choices[0].message.content, "Plain answer");
      assert.equal(c.nc.stderrText, "");
    } finally {
      c.close();
    }
  });

  it("edit flow on the wire: permission and write requests, acp.el's {} replies accepted", async () => {
    const c = new LineClient(stack.sock);
    try {
      c.send(acpEl.initialize.replace('"writeTextFile":false', '"writeTextFile":true'));
      await c.next((m) => m.id === 1);
      c.send(acpEl.newSession);
      const sid = (await c.next((m) => m.id === 2)).msg.result.sessionId;
      const path = "/tmp/project/a.txt";
      await stack.enqueue({ content: "```text path=a.txt\nnew\n```\n" });
      c.send(
        JSON.stringify({
          jsonrpc: "2.0",
          method: "session/prompt",
          id: 3,
          params: { sessionId: sid, prompt: [{ type: "text", text: "change" }, { type: "resource", resource: { uri: `file://${path}`, text: "old\n" } }] },
        }),
      );
      const ask = await c.next((m) => m.method === "session/request_permission");
      assert.equal(typeof ask.msg.id, "number");
      c.send(acpEl.permission(ask.msg.id, "allow_once"));
      const write = await c.next((m) => m.method === "fs/write_text_file");
      assert.deepEqual(write.msg.params, { sessionId: sid, path, content: "new\n" });
      c.send(acpEl.writeDone(write.msg.id));  // acp.el's {} where the schema allows null
      assert.deepEqual((await c.next((m) => m.id === 3)).msg.result, { stopReason: "end_turn" });
      const statuses = c.lines.map((l) => JSON.parse(l)).filter((m) => m.params?.update?.toolCallId).map((m) => m.params.update.status);
      assert.deepEqual(statuses, ["pending", "in_progress", "completed"]);
    } finally {
      c.close();
    }
  });
});
