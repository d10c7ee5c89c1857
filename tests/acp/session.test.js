// SPDX-License-Identifier: GPL-3.0-or-later
// ACP sessions through `nc -U` with the official SDK client: initialize, session/new, streamed
// prompts with history, stop reasons, cancel mid-stream, and the -32602 cases.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { LineClient, fsCaps, recordingClient, startStack, withAcp } from "./harness.js";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

const text = (t) => ({ type: "text", text: t });

async function rejects(promise, code, pattern) {
  await assert.rejects(promise, (err) => {
    assert.equal(err.code, code, `error code of ${JSON.stringify(err)}`);
    if (pattern) assert.match(JSON.stringify(err.data ?? err.message), pattern);
    return true;
  });
}

describe("ACP session through nc -U", () => {
  it("initialize answers protocol 1 with honest capabilities", async () => {
    const rec = recordingClient();
    const init = await withAcp(stack.sock, rec, (ctx) => ctx.request("initialize", fsCaps(true, false)));
    assert.equal(init.protocolVersion, 1);
    assert.deepEqual(init.authMethods, []);
    assert.equal(init.agentCapabilities.loadSession, false);
    assert.deepEqual(init.agentCapabilities.promptCapabilities, { image: false, audio: false, embeddedContext: true });
    assert.equal(init.agentInfo.name, "lamp");
    assert.match(init.agentInfo.version, /^\d+\.\d+\.\d+/);
  });

  it("streams chunks, keeps history, and cancels mid-stream", async () => {
    await stack.reset();
    const rec = recordingClient();
    await withAcp(stack.sock, rec, async (ctx) => {
      await ctx.request("initialize", fsCaps(true, false));
      const { sessionId } = await ctx.request("session/new", { cwd: "/tmp", mcpServers: [] });
      assert.equal(typeof sessionId, "string");

      // 1. A streamed answer: several agent_message_chunk updates, then end_turn.
      await stack.enqueue({ content: "Paris is the capital of France.", chunk_chars: 6 });
      const first = await ctx.request("session/prompt", { sessionId, prompt: [text("Capital of France?")] });
      assert.deepEqual(first, { stopReason: "end_turn" });
      const chunks = rec.chunks();
      assert.ok(chunks.length >= 5, `expected several chunks, got ${chunks.length}`);
      assert.equal(chunks.join(""), "Paris is the capital of France.");
      assert.ok(rec.updates.every((u) => u.sessionId === sessionId));

      // 2. The second prompt carries the first exchange.
      await stack.enqueue({ content: "About 2.1 million." });
      const second = await ctx.request("session/prompt", { sessionId, prompt: [text("And its population?")] });
      assert.equal(second.stopReason, "end_turn");
      const bodies = await stack.chatBodies();
      assert.equal(bodies.length, 2);
      const messages = bodies[1].body.messages;
      assert.equal(bodies[1].body.stream, true);
      assert.deepEqual(
        messages.map((m) => m.role),
        ["system", "user", "assistant", "user"],
      );
      assert.equal(messages[1].content, "Capital of France?");
      assert.equal(messages[2].content, "Paris is the capital of France.");
      assert.equal(messages[3].content, "And its population?");

      // 3. Cancel while the upstream is still streaming: stopReason "cancelled", not an error,
      //    and the upstream request is aborted.
      const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ");
      await stack.enqueue({ content: words, stream_delay_ms: 150 });
      const before = rec.chunks().length;
      const firstChunk = new Promise((resolve) => {
        rec.onUpdate = (u) => u.update.sessionUpdate === "agent_message_chunk" && resolve();
      });
      const started = Date.now();
      const pending = ctx.request("session/prompt", { sessionId, prompt: [text("Count slowly")] });
      await firstChunk;
      rec.onUpdate = undefined;
      await ctx.notify("session/cancel", { sessionId });
      assert.deepEqual(await pending, { stopReason: "cancelled" });
      assert.ok(Date.now() - started < 40 * 150, "cancel did not wait for the stream to end");
      assert.ok(rec.chunks().length - before < 40, "the stream was cut short");
      const log = await stack.log();
      const aborted = log.requests.at(-1);
      for (let i = 0; i < 50 && !aborted.finished; i++) await new Promise((r) => setTimeout(r, 20));
      const last = (await stack.log()).requests.at(-1);
      assert.equal(last.client_closed, true, "lamp closed the upstream request");

      // 4. The session still works after a cancel, and remembers the cancelled turn.
      await stack.enqueue({ content: "ok" });
      assert.equal((await ctx.request("session/prompt", { sessionId, prompt: [text("Still there?")] })).stopReason, "end_turn");
      const roles = (await stack.chatBodies()).at(-1).body.messages.map((m) => m.role);
      assert.deepEqual(roles, ["system", "user", "assistant", "user", "assistant", "user", "assistant", "user"]);
    });
  });

  it("maps finish_reason length to max_tokens and content_filter to refusal", async () => {
    const rec = recordingClient();
    await withAcp(stack.sock, rec, async (ctx) => {
      await ctx.request("initialize", fsCaps(false, false));
      const { sessionId } = await ctx.request("session/new", { cwd: "/", mcpServers: [] });
      await stack.enqueue({ content: "A long answer that was cut", finish_reason: "length" });
      assert.equal((await ctx.request("session/prompt", { sessionId, prompt: [text("long")] })).stopReason, "max_tokens");
      await stack.enqueue({ content: "", finish_reason: "content_filter" });
      assert.equal((await ctx.request("session/prompt", { sessionId, prompt: [text("bad")] })).stopReason, "refusal");
      // A refused prompt is left out of the next turn's context (ACP prompt-turn rules).
      await stack.reset();
      await stack.enqueue({ content: "fine" });
      await ctx.request("session/prompt", { sessionId, prompt: [text("next")] });
      const messages = (await stack.chatBodies()).at(-1).body.messages;
      assert.deepEqual(messages.map((m) => m.content).slice(1), ["long", "A long answer that was cut", "next"]);
    });
  });

  it("rejects bad input with -32602 and keeps one prompt per session", async () => {
    const rec = recordingClient();
    await withAcp(stack.sock, rec, async (ctx) => {
      await ctx.request("initialize", fsCaps(false, false));
      await rejects(ctx.request("session/new", { cwd: "relative/dir", mcpServers: [] }), -32602, /absolute/);
      const { sessionId } = await ctx.request("session/new", { cwd: "/tmp", mcpServers: [] });
      await rejects(ctx.request("session/prompt", { sessionId: "nope", prompt: [text("x")] }), -32602, /unknown sessionId/);
      await rejects(
        ctx.request("session/prompt", { sessionId, prompt: [{ type: "image", data: "AAAA", mimeType: "image/png" }] }),
        -32602,
        /not supported/,
      );
      await stack.enqueue({ content: "slow answer", delay_ms: 400 });
      const first = ctx.request("session/prompt", { sessionId, prompt: [text("one")] });
      await new Promise((r) => setTimeout(r, 100));
      await rejects(ctx.request("session/prompt", { sessionId, prompt: [text("two")] }), -32602, /already answering/);
      assert.equal((await first).stopReason, "end_turn");
    });
  });

  it("turns upstream failures into JSON-RPC errors and stays usable", async () => {
    const rec = recordingClient();
    await withAcp(stack.sock, rec, async (ctx) => {
      await ctx.request("initialize", fsCaps(false, false));
      const { sessionId } = await ctx.request("session/new", { cwd: "/tmp", mcpServers: [] });
      await stack.enqueue({ status: 400 });
      await rejects(ctx.request("session/prompt", { sessionId, prompt: [text("x")] }), -32001);
      await stack.enqueue({ content: "recovered" });
      assert.equal((await ctx.request("session/prompt", { sessionId, prompt: [text("y")] })).stopReason, "end_turn");
    });
  });

  it("sessions belong to their connection", async () => {
    const a = recordingClient();
    const sessionId = await withAcp(stack.sock, a, async (ctx) => {
      await ctx.request("initialize", fsCaps(false, false));
      return (await ctx.request("session/new", { cwd: "/tmp", mcpServers: [] })).sessionId;
    });
    const b = recordingClient();
    await withAcp(stack.sock, b, async (ctx) => {
      await ctx.request("initialize", fsCaps(false, false));
      await rejects(ctx.request("session/prompt", { sessionId, prompt: [text("x")] }), -32602, /unknown sessionId/);
    });
  });

  it("a client that goes away mid-stream aborts the upstream call; lamp carries on", async () => {
    await stack.reset();
    const c = new LineClient(stack.sock);
    c.send('{"jsonrpc":"2.0","method":"session/new","id":1,"params":{"cwd":"/tmp","mcpServers":[]}}');
    const sid = (await c.next((m) => m.id === 1)).msg.result.sessionId;
    await stack.enqueue({ content: Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "), stream_delay_ms: 150 });
    c.send(`{"jsonrpc":"2.0","method":"session/prompt","id":2,"params":{"sessionId":"${sid}","prompt":[{"type":"text","text":"go"}]}}`);
    await c.next((m) => m.method === "session/update");
    c.close();
    let last;
    for (let i = 0; i < 100; i++) {
      last = (await stack.log()).requests.at(-1);
      if (last.finished) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(last.client_closed, true, "the upstream request was aborted");
    // The session went with its connection; the server still serves new clients.
    const rec = recordingClient();
    await withAcp(stack.sock, rec, async (ctx) => {
      await ctx.request("initialize", fsCaps(false, false));
      await rejects(ctx.request("session/prompt", { sessionId: sid, prompt: [text("x")] }), -32602, /unknown sessionId/);
      const { sessionId } = await ctx.request("session/new", { cwd: "/tmp", mcpServers: [] });
      await stack.enqueue({ content: "fine" });
      assert.equal((await ctx.request("session/prompt", { sessionId, prompt: [text("y")] })).stopReason, "end_turn");
    });
  });
});
