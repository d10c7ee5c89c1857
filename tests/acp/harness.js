// SPDX-License-Identifier: GPL-3.0-or-later
// Harness for the ACP tests: real lamp + fake upstream on a private 0700 temp dir, the official
// ACP SDK client through `nc -U SOCKET` (as acp.el runs it), and a raw line client.
import { client, ndJsonStream } from "@agentclientprotocol/sdk";
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
export const lampBin = process.env.LAMP_BIN || path.join(root, "build/server/lamp");
const fakeUpstream = path.join(root, "tests/fixtures/fake_upstream.py");
const apiKey = "sk-acp-test";

function waitFor(predicate, what, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const poll = async () => {
      let value;
      try {
        value = await predicate();
      } catch {
        value = undefined;
      }
      if (value) return resolve(value);
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

function canConnect(sock) {
  return new Promise((resolve) => {
    const c = net.createConnection(sock);
    c.once("connect", () => {
      c.destroy();
      resolve(true);
    });
    c.once("error", () => resolve(false));
  });
}

// Starts the fake upstream and lamp; returns handles and a stop() for the `after` hook.
export async function startStack(extraEnv = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lamp-acp-"));  // mode 0700
  const children = [];
  const upstream = spawn("python3", [fakeUpstream, "--api-key", apiKey, "--port-file", path.join(dir, "port")], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(upstream);
  let out = "";
  upstream.stdout.on("data", (d) => (out += d));
  const port = await waitFor(() => out.match(/PORT (\d+)/)?.[1], "the fake upstream");
  const base = `http://127.0.0.1:${port}`;

  const sock = path.join(dir, "lamp.sock");
  const lampLog = [];
  const lamp = spawn(lampBin, ["serve", "--socket", sock], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: base, LAMP_LOG: "warn", ...extraEnv },
  });
  lamp.stderr.on("data", (d) => lampLog.push(String(d)));
  children.push(lamp);
  await waitFor(() => canConnect(sock), `lamp on ${sock}`);

  const control = async (what, body) => {
    const res = await fetch(`${base}/_control/${what}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`control ${what}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    dir,
    sock,
    lampLog,
    enqueue: (...actions) => control("enqueue", actions),
    reset: () => control("reset", {}),
    log: () => control("log"),
    // Chat requests the fake received, oldest first.
    chatBodies: async () => (await control("log")).requests.filter((r) => r.path === "/v1/chat/completions"),
    async stop() {
      for (const child of children.reverse()) {
        if (child.exitCode === null) {
          child.kill("SIGTERM");
          await new Promise((r) => child.once("exit", r));
        }
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// `nc -U sock`, exactly the command acp.el runs. stderr is collected: acp.el shows it as errors.
export function spawnNc(sock) {
  const nc = spawn("nc", ["-U", sock], { stdio: ["pipe", "pipe", "pipe"] });
  nc.stderrText = "";
  nc.stderr.on("data", (d) => (nc.stderrText += d));
  return nc;
}

// A recording ACP client. `answer` picks the permission option ("allow_once", "reject_once").
export function recordingClient({ files = {}, answer = "allow_once" } = {}) {
  const rec = { updates: [], permissions: [], reads: [], writes: [], files: { ...files } };
  rec.app = client({ name: "lamp-acp-test" })
    .onNotification("session/update", ({ params }) => {
      rec.updates.push(params);
      rec.onUpdate?.(params);
    })
    .onRequest("session/request_permission", async ({ params }) => {
      rec.permissions.push(params);
      if (rec.onPermission) return rec.onPermission(params);
      return { outcome: { outcome: "selected", optionId: rec.answer } };
    })
    .onRequest("fs/read_text_file", ({ params }) => {
      rec.reads.push(params);
      if (!(params.path in rec.files)) throw new Error(`no such file ${params.path}`);
      return { content: rec.files[params.path] };
    })
    .onRequest("fs/write_text_file", ({ params }) => {
      rec.writes.push(params);
      rec.files[params.path] = params.content;
      return null;
    });
  rec.answer = answer;
  rec.chunks = () =>
    rec.updates.filter((u) => u.update.sessionUpdate === "agent_message_chunk").map((u) => u.update.content.text);
  rec.toolUpdates = () => rec.updates.filter((u) => u.update.sessionUpdate.startsWith("tool_call")).map((u) => u.update);
  return rec;
}

// Runs `op(ctx)` with the SDK client connected through `nc -U`; checks nc printed nothing.
export async function withAcp(sock, rec, op) {
  const nc = spawnNc(sock);
  const stream = ndJsonStream(Writable.toWeb(nc.stdin), Readable.toWeb(nc.stdout));
  try {
    return await rec.app.connectWith(stream, op);
  } finally {
    nc.stdin.end();
    nc.kill();
    if (nc.stderrText) throw new Error(`nc wrote to stderr: ${nc.stderrText}`);
  }
}

export const fsCaps = (read, write) => ({
  protocolVersion: 1,
  clientCapabilities: { fs: { readTextFile: read, writeTextFile: write } },
  clientInfo: { name: "lamp-acp-test", version: "1" },
});

// Raw newline-delimited JSON-RPC through `nc -U`: send lines, read reply lines as text.
export class LineClient {
  constructor(sock) {
    this.nc = spawnNc(sock);
    this.lines = [];
    this.waiters = [];
    let buf = "";
    this.nc.stdout.on("data", (d) => {
      buf += d;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        this.lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
      this.waiters = this.waiters.filter((w) => !w());
    });
  }
  send(line) {
    this.nc.stdin.write(line + "\n");
  }
  // The first unread line whose JSON satisfies `match` (raw text and parsed value).
  next(match = () => true, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting for a reply line")), timeoutMs);
      const check = () => {
        const i = this.lines.findIndex((l) => {
          try {
            return match(JSON.parse(l));
          } catch {
            return false;
          }
        });
        if (i < 0) return false;
        clearTimeout(timer);
        const [line] = this.lines.splice(i, 1);
        resolve({ line, msg: JSON.parse(line) });
        return true;
      };
      if (!check()) this.waiters.push(check);
    });
  }
  close() {
    this.nc.stdin.end();
    this.nc.kill();
  }
}
