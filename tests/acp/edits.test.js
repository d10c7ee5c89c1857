// SPDX-License-Identifier: GPL-3.0-or-later
// Edits through ACP: an attached file plus an instruction gives an edit tool call with an ACP
// diff, session/request_permission, and a write only through the client's fs/write_text_file.
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

const cwd = "/work/proj";
const appPath = `${cwd}/app.py`;
const oldApp = "import os\n\n\ndef f():\n    return 1\n";
const newApp = "import os\n\n\ndef g():\n    return 1\n";
const renameReply =
  "Renamed `f` to `g`.\n\n" +
  "```python path=" + appPath + "\n" +
  "<<<<<<< SEARCH\ndef f():\n=======\ndef g():\n>>>>>>> REPLACE\n" +
  "```\n";

const text = (t) => ({ type: "text", text: t });
const resource = (path, body) => ({
  type: "resource",
  resource: { uri: `file://${path}`, mimeType: "text/x-python", text: body },
});

// initialize + session/new + one prompt; returns the stop reason.
async function editTurn(rec, caps, prompt) {
  return withAcp(stack.sock, rec, async (ctx) => {
    await ctx.request("initialize", caps);
    const { sessionId } = await ctx.request("session/new", { cwd, mcpServers: [] });
    rec.sessionId = sessionId;
    return (await ctx.request("session/prompt", { sessionId, prompt })).stopReason;
  });
}

describe("ACP edits", () => {
  it("shows a diff, asks permission, and writes through the client when allowed", async () => {
    await stack.reset();
    await stack.enqueue({ content: renameReply });
    const rec = recordingClient({ answer: "allow_once" });
    const stop = await editTurn(rec, fsCaps(true, true), [text("Rename f to g"), resource(appPath, oldApp)]);
    assert.equal(stop, "end_turn");

    // The explanation is streamed; the edit block itself is not.
    assert.equal(rec.chunks().join(""), "Renamed `f` to `g`.\n\n");

    const [call, ...rest] = rec.toolUpdates();
    assert.equal(call.sessionUpdate, "tool_call");
    assert.equal(call.kind, "edit");
    assert.equal(call.status, "pending");
    assert.equal(call.title, "Edit app.py");
    assert.deepEqual(call.content, [{ type: "diff", path: appPath, oldText: oldApp, newText: newApp }]);
    assert.deepEqual(call.locations, [{ path: appPath }]);
    assert.deepEqual(
      rest.map((u) => [u.sessionUpdate, u.toolCallId, u.status]),
      [
        ["tool_call_update", call.toolCallId, "in_progress"],
        ["tool_call_update", call.toolCallId, "completed"],
      ],
    );

    assert.equal(rec.permissions.length, 1);
    const ask = rec.permissions[0];
    assert.equal(ask.sessionId, rec.sessionId);
    assert.equal(ask.toolCall.toolCallId, call.toolCallId);
    assert.deepEqual(ask.toolCall.content, call.content);
    assert.deepEqual(
      ask.options.map((o) => [o.optionId, o.kind]),
      [
        ["allow_once", "allow_once"],
        ["reject_once", "reject_once"],
      ],
    );
    assert.deepEqual(rec.writes, [{ sessionId: rec.sessionId, path: appPath, content: newApp }]);

    // The model saw the file as context in the user message.
    const user = (await stack.chatBodies())[0].body.messages.at(-1).content;
    assert.ok(user.startsWith("Rename f to g\n\n<file path=\"/work/proj/app.py\">\nimport os\n"), user);
  });

  it("writes nothing when the user rejects", async () => {
    await stack.enqueue({ content: renameReply });
    const rec = recordingClient({ answer: "reject_once" });
    assert.equal(await editTurn(rec, fsCaps(true, true), [text("Rename f to g"), resource(appPath, oldApp)]), "end_turn");
    assert.equal(rec.permissions.length, 1);
    assert.deepEqual(rec.writes, []);
    const last = rec.toolUpdates().at(-1);
    assert.equal(last.status, "failed");
    assert.match(JSON.stringify(last.content), /rejected/);
  });

  it("reads a resource_link through fs/read_text_file and edits it (whole-file block, relative path)", async () => {
    await stack.reset();
    const notes = `${cwd}/notes.txt`;
    await stack.enqueue({ content: "Done.\n```text path=notes.txt\nalpha\nBETA\n```\n" });
    const rec = recordingClient({ files: { [notes]: "alpha\nbeta\n" } });
    const stop = await editTurn(rec, fsCaps(true, true), [
      text("Uppercase beta"),
      { type: "resource_link", uri: `file://${notes}`, name: "notes.txt" },
    ]);
    assert.equal(stop, "end_turn");
    assert.deepEqual(rec.reads, [{ sessionId: rec.sessionId, path: notes }]);
    assert.match((await stack.chatBodies())[0].body.messages.at(-1).content, /<file path="\/work\/proj\/notes.txt">\nalpha\nbeta\n<\/file>/);
    assert.deepEqual(rec.writes, [{ sessionId: rec.sessionId, path: notes, content: "alpha\nBETA\n" }]);
  });

  it("shows the diff but neither asks nor writes when the client cannot write (acp.el default)", async () => {
    await stack.enqueue({ content: renameReply });
    const rec = recordingClient();
    assert.equal(await editTurn(rec, fsCaps(true, false), [text("Rename"), resource(appPath, oldApp)]), "end_turn");
    assert.deepEqual(rec.permissions, []);
    assert.deepEqual(rec.writes, []);
    const [call, update] = rec.toolUpdates();
    assert.equal(call.content[0].newText, newApp);
    assert.equal(update.status, "failed");
    assert.match(JSON.stringify(update.content), /fs\/write_text_file/);
  });

  it("reports a block that does not apply as a failed tool call", async () => {
    await stack.enqueue({
      content: "```python path=" + appPath + "\n<<<<<<< SEARCH\ndef nowhere():\n=======\ndef g():\n>>>>>>> REPLACE\n```\n",
    });
    const rec = recordingClient();
    assert.equal(await editTurn(rec, fsCaps(true, true), [text("Rename"), resource(appPath, oldApp)]), "end_turn");
    assert.deepEqual(rec.permissions, []);
    assert.deepEqual(rec.writes, []);
    const [call] = rec.toolUpdates();
    assert.equal(call.status, "failed");
    assert.match(JSON.stringify(call.content), /Could not apply/);
  });

  it("cancel while the permission question is open ends the turn and writes nothing", async () => {
    await stack.enqueue({ content: renameReply });
    const rec = recordingClient();
    let answerPermission;
    rec.onPermission = () => new Promise((resolve) => (answerPermission = resolve));
    await withAcp(stack.sock, rec, async (ctx) => {
      await ctx.request("initialize", fsCaps(true, true));
      const { sessionId } = await ctx.request("session/new", { cwd, mcpServers: [] });
      const pending = ctx.request("session/prompt", { sessionId, prompt: [text("Rename"), resource(appPath, oldApp)] });
      while (!answerPermission) await new Promise((r) => setTimeout(r, 10));
      await ctx.notify("session/cancel", { sessionId });
      assert.deepEqual(await pending, { stopReason: "cancelled" });
      answerPermission({ outcome: { outcome: "cancelled" } });  // as ACP clients do on cancel
      await new Promise((r) => setTimeout(r, 50));
    });
    assert.deepEqual(rec.writes, []);
    assert.equal(rec.toolUpdates().at(-1).status, "failed");
  });

  it("a client that disconnects while asked for permission gets nothing written; lamp carries on", async () => {
    await stack.enqueue({ content: renameReply });
    const c = new LineClient(stack.sock);
    c.send('{"jsonrpc":"2.0","method":"initialize","id":1,"params":{"protocolVersion":1,"clientCapabilities":{"fs":{"readTextFile":true,"writeTextFile":true}}}}');
    await c.next((m) => m.id === 1);
    c.send(`{"jsonrpc":"2.0","method":"session/new","id":2,"params":{"cwd":"${cwd}","mcpServers":[]}}`);
    const sid = (await c.next((m) => m.id === 2)).msg.result.sessionId;
    c.send(JSON.stringify({ jsonrpc: "2.0", method: "session/prompt", id: 3, params: { sessionId: sid, prompt: [text("Rename"), resource(appPath, oldApp)] } }));
    await c.next((m) => m.method === "session/request_permission");
    c.close();
    await new Promise((r) => setTimeout(r, 100));
    await stack.enqueue({ content: "still here" });
    const rec = recordingClient();
    assert.equal(await editTurn(rec, fsCaps(true, true), [text("hello")]), "end_turn");
    assert.deepEqual(rec.writes, []);
  });
});
