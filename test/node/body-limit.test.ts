/**
 * Bounded request bodies (R09, issue 16): a real `duban serve` child in local mode gets 300 MB bodies made by a
 * generator (never held in this process), declared or chunked, on every kind of route. Each is answered 404, 403 or
 * 413 before the body has been sent in full, and the server's peak resident memory (VmHWM) grows by less than 64 MB.
 * Normal-sized forms and imports still go through.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = new URL("../../bin/duban.js", import.meta.url).pathname;
const MB = 1024 * 1024;
const HUGE = 300 * MB;
const MULTIPART = "multipart/form-data; boundary=----duban";

let dir: string;
let server: { url: string; proc: ChildProcess };
let session: { cookie: string; csrf: string };
let pre: { cookie: string; csrf: string };

function start(): Promise<{ url: string; proc: ChildProcess }> {
  const env = { ...process.env, PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "b.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error", WECOM_MODE: "off" };
  const proc = spawn(process.execPath, [BIN, "serve"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let out = "";
    proc.stderr!.on("data", (d) => (out += d));
    proc.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ url: m[1], proc });
    });
    proc.once("exit", (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

const procBytes = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${server.proc.pid}/status`, "utf8"))![1]) * 1024;
/** Starts a fresh peak-memory window in the child (Linux: writing 5 to clear_refs resets VmHWM to the current RSS). */
function peakWindow(): () => number {
  writeFileSync(`/proc/${server.proc.pid}/clear_refs`, "5");
  const start = procBytes("VmRSS");
  return () => procBytes("VmHWM") - start; // how far the resident set rose above its start within the window
}

type Sent = { status: number; body: string; sentBeforeAnswer: number };

/**
 * POSTs `total` bytes produced chunk by chunk (one 64 KB buffer reused), with a Content-Length or chunked. Resolves
 * with the answer and how many bytes had been handed to the socket when it arrived; stops sending then.
 */
function post(path: string, total: number, headers: Record<string, string>, chunked: boolean): Promise<Sent> {
  const u = new URL(path, server.url);
  const chunk = Buffer.alloc(64 * 1024, "a");
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers: { ...headers, ...(chunked ? {} : { "content-length": String(total) }) } });
    // One chunk per turn of the event loop, so an early answer is seen as soon as it arrives (as a browser would).
    const pump = () => {
      if (answered) return;
      if (sent >= total) return void req.end();
      const n = Math.min(chunk.length, total - sent);
      sent += n;
      if (req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) setImmediate(pump);
      else req.once("drain", pump);
    };
    req.on("response", (res) => {
      answered = true;
      const at = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => {
        req.destroy();
        resolve({ status: res.statusCode!, body, sentBeforeAnswer: at });
      });
    });
    // After the answer the server may close a socket still being written; before it, that is a failure.
    req.on("error", (e) => !answered && reject(new Error(`POST ${path}: ${e.message} after ${sent} bytes, before any answer`)));
    pump();
  });
}

const cookieOf = (res: Response, name: string) => res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))!.split(";")[0];
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "duban-body-"));
  server = await start();
  // A dispatcher's session the ordinary way: 登录 in single chat, then the one-time link's confirmation form.
  const chat = await fetch(`${server.url}/sim/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId: "dm-body", userId: "demo.zhangm", text: "登录" }) });
  const link = /\/login\/link\/[A-Za-z0-9_-]+/.exec(JSON.stringify(await chat.json()))![0];
  const form = await fetch(`${server.url}${link}`);
  const f = { cookie: cookieOf(form, "__Host-duban_pre"), csrf: csrfOf(await form.text()) };
  const signIn = await fetch(`${server.url}${link}`, { method: "POST", redirect: "manual", headers: { cookie: f.cookie, origin: server.url, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: f.csrf }) });
  expect(signIn.status).toBe(303); // a normal-sized dashboard form goes through the limit
  const cookie = cookieOf(signIn, "__Host-duban_session");
  session = { cookie, csrf: csrfOf(await (await fetch(`${server.url}/dashboard/import`, { headers: { cookie } })).text()) };
  const login = await fetch(`${server.url}/login`);
  pre = { cookie: cookieOf(login, "__Host-duban_pre"), csrf: csrfOf(await login.text()) };
}, 90_000);

afterAll(() => {
  server?.proc.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe("request bodies are bounded while they stream (R09)", () => {
  it("imports a normal-sized list: the preview page comes back", async () => {
    const form = new FormData();
    form.set("_csrf", session.csrf);
    form.set("source", "中央督察");
    form.set("file", new File([readFileSync(new URL("../fixtures/handover.csv", import.meta.url))], "handover.csv"));
    const res = await fetch(`${server.url}/dashboard/import/preview`, { method: "POST", headers: { cookie: session.cookie, origin: server.url }, body: form });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("导入预览");
  });

  it("answers 300 MB bodies on every kind of route before reading them, each with flat memory", async () => {
    const json = { "content-type": "application/json" };
    const cases: [string, string, Record<string, string>, boolean, number, string?][] = [
      // [label, path, headers, chunked, status, text in the answer]
      ["unknown path, declared", "/no-such-path", { "content-type": MULTIPART }, false, 404, "页面不存在"],
      ["unknown path, chunked", "/no-such-path", { "content-type": MULTIPART, cookie: pre.cookie }, true, 404, "页面不存在"],
      ["dashboard form, declared", "/login", { "content-type": MULTIPART }, false, 413, "请求内容过大（上限 256 KB）"],
      ["dashboard form, chunked, nobody signed in", "/login", { "content-type": MULTIPART }, true, 403],
      ["dashboard form, chunked, pre-sign-in cookie", "/login", { "content-type": MULTIPART, cookie: pre.cookie }, true, 413, "上限 16 KB"],
      ["API, declared", "/api/v1/cases", json, false, 413, '"PAYLOAD_TOO_LARGE"'],
      ["API, chunked, unknown token", "/api/v1/cases", { ...json, authorization: "Bearer dbn_nope" }, true, 401],
      ["API, chunked, session", "/api/v1/cases", { ...json, cookie: session.cookie, "x-csrf-token": session.csrf, origin: server.url }, true, 413, "上限 256 KB"],
      ["simulator, declared", "/sim/messages", json, false, 413, '"PAYLOAD_TOO_LARGE"'],
      ["import, declared", "/dashboard/import/preview", { "content-type": MULTIPART, cookie: session.cookie }, false, 413, "上限 10 MB"],
      ["import, chunked, nobody signed in", "/dashboard/import/preview", { "content-type": MULTIPART }, true, 403],
      ["import, chunked, signed in", "/dashboard/import/preview", { "content-type": MULTIPART, cookie: session.cookie, origin: server.url }, true, 413, "上限 10 MB"],
      ["import confirmation, declared", "/dashboard/import/commit", { "content-type": MULTIPART, cookie: session.cookie }, false, 413, "上限 40 MB"],
    ];
    for (const [label, path, headers, chunked, status, text] of cases) {
      const rise = peakWindow();
      const res = await post(path, HUGE, headers, chunked);
      const mb = Math.round(rise() / MB);
      expect(mb, `${label}: the server's resident memory rose by ${mb} MB`).toBeLessThan(64);
      expect(res.status, label).toBe(status);
      if (text) expect(res.body, label).toContain(text);
      expect(res.sentBeforeAnswer, `${label}: answered only after the whole body`).toBeLessThan(HUGE);
    }
  }, 120_000);

  it("passes a chunked body under the cap to the route whole", async () => {
    const text = JSON.stringify({ chatId: "dm-body", userId: "demo.zhangm", text: "帮助" });
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const u = new URL("/sim/messages", server.url);
      const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: "POST", headers: { "content-type": "application/json" } }, (r) => {
        let body = "";
        r.setEncoding("utf8").on("data", (d) => (body += d)).on("end", () => resolve({ status: r.statusCode!, body }));
      });
      req.on("error", reject);
      for (const part of text.match(/.{1,7}/gsu)!) req.write(part); // many small chunks, no Content-Length
      req.end();
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).replies.join("\n")).toContain("交办");
  });
});
