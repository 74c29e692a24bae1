/**
 * Workers on the first try (issue 14): `npm run dev:worker` as a user runs it — local D1 migrated, local mode with
 * the demo district and the simulator — and `wrangler dev` in callback mode answering a signed URL verification.
 * Real wrangler and workerd, state in a temporary folder; WeCom itself is not involved (verification has no side effects).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getSignature, encrypt } from "@wecom/crypto";
import { afterAll, describe, expect, it } from "vitest";
import { TEST_AES_KEY, TEST_TOKEN } from "../helpers/fake-wecom-api.js";
import { freePort } from "../helpers/net.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const state = mkdtempSync(join(tmpdir(), "duban-wrangler-"));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.pid && c.exitCode === null) process.kill(-c.pid, "SIGKILL"); // wrangler and its workerd
  rmSync(state, { recursive: true, force: true });
});

/** Start `npm run dev:worker` with extra args; resolves with the base URL once /healthz answers. */
async function devWorker(extra: string[]): Promise<string> {
  const port = await freePort();
  let log = "";
  const child = spawn("npm", ["run", "dev:worker", "--", "--port", String(port), "--persist-to", state, ...extra], { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  child.stdout!.on("data", (d) => (log += d));
  child.stderr!.on("data", (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`dev:worker exited ${child.exitCode}:\n${log.slice(-3000)}`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(60_000) });
      if (res.status === 200) return base;
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`dev:worker never became healthy:\n${log.slice(-3000)}`);
}

describe("wrangler dev", () => {
  it("npm run dev:worker: healthz, the demo district and a 交办 in the simulator", async () => {
    const base = await devWorker([]);
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({ ok: true, db: "ok" });
    const dir = (await (await fetch(`${base}/sim/directory`)).json()) as { people: { userId: string; roles: string[] }[]; groups: { chatId: string; purpose: string; unit: string | null }[] };
    const dispatcher = dir.people.find((p) => p.roles.includes("dispatcher"))!;
    const command = dir.groups.find((g) => g.purpose === "command")!;
    const unit = dir.groups.find((g) => g.purpose === "unit" && g.unit)!.unit!;
    const res = await fetch(`${base}/sim/messages`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ chatId: command.chatId, userId: dispatcher.userId, text: `@督办助手 交办 某工地夜间施工噪声扰民 给 ${unit} 限 5个工作日` }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { replies: string[] }).replies.join("\n")).toMatch(/已交办/);

    // 总览 through a 登录 link: its charts come from ECharts uploaded as a separate module (wrangler.toml rules).
    const cookieOf = (r: Response, name: string) => r.headers.getSetCookie().find((l) => l.startsWith(`__Host-${name}=`))?.split(";")[0];
    const login = await fetch(`${base}/sim/messages`, {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ chatId: `dm-${dispatcher.userId}`, userId: dispatcher.userId, text: "登录" }),
    });
    const link = /\/login\/link\/[\w-]+/.exec(((await login.json()) as { replies: string[] }).replies.join("\n"))![0];
    const form = await fetch(`${base}${link}`);
    const pre = cookieOf(form, "duban_pre")!;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const signed = await fetch(`${base}${link}`, {
      method: "POST", redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: pre, origin: base },
      body: new URLSearchParams({ _csrf: csrf }).toString(),
    });
    expect(signed.status).toBe(303);
    const overview = await fetch(`${base}/dashboard`, { headers: { cookie: cookieOf(signed, "duban_session")! } });
    expect(overview.status).toBe(200);
    expect(await overview.text()).toContain("新收案件");
  }, 300_000);

  it("callback mode answers a signed URL verification with the decrypted echo", async () => {
    const base = await devWorker(["--var", "WECOM_MODE:callback", "--var", `WECOM_TOKEN:${TEST_TOKEN}`, "--var", `WECOM_ENCODING_AES_KEY:${TEST_AES_KEY}`, "--var", `SESSION_SECRET:${"w".repeat(40)}`]);
    const echo = `echo-${Date.now()}`;
    const echostr = encrypt(TEST_AES_KEY, echo, "");
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = "wranglerdev";
    const q = new URLSearchParams({ msg_signature: getSignature(TEST_TOKEN, timestamp, nonce, echostr), timestamp, nonce, echostr });
    const res = await fetch(`${base}/wecom/callback?${q}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(echo);
    const forged = new URLSearchParams({ msg_signature: "0".repeat(40), timestamp, nonce, echostr });
    expect((await fetch(`${base}/wecom/callback?${forged}`)).status).toBeGreaterThanOrEqual(400);
  }, 300_000);
});
