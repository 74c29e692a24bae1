/**
 * `duban smoke` against a real Node server on loopback in callback mode (R30, §7 decision 9): the pass case, and one
 * failing line each for a wrong password, a wrong WeCom token or key, no scheduler run and a stale one; the
 * administrator path with a TOTP code, and the refusal to go on for an administrator who never enrolled.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSmoke, smokeCommand, type SmokeOptions } from "../../src/cli-smoke.js";
import { people, sessions } from "../../src/db/schema.js";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { runScheduled } from "../../src/schedules/run.js";
import { createAdmin } from "../../src/web/auth/create-admin.js";
import { nodeHasher } from "../../src/web/auth/password-node.js";
import { base32Decode, hotp, stepAt } from "../../src/web/auth/totp.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../helpers/fake-wecom-api.js";
import { setPassword } from "../helpers/web.js";

const PW = "smoke 一二三四 五六七八";
const ADMIN_PW = "admin 一二三四 五六七八";
const dir = mkdtempSync(join(tmpdir(), "duban-smoke-"));
let h: NodeHandle;
let base: SmokeOptions;

beforeAll(async () => {
  h = await startNode(
    {
      PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "duban.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error",
      WECOM_MODE: "callback", WECOM_TOKEN: TEST_TOKEN, WECOM_ENCODING_AES_KEY: TEST_AES_KEY, WECOM_BOT_ID: "BOT", WECOM_API_BASE: "http://127.0.0.1:9",
      SESSION_SECRET: "s".repeat(40), SIMULATOR: "false", DEMO_SEED: "false", ADMIN_MFA: "on",
    },
    { schedules: false },
  );
  await h.deps.db.insert(people).values({ userId: "smoke.auditor", name: "巡检账号", roles: ["auditor"] });
  await setPassword(h.deps.db, "smoke.auditor", nodeHasher, PW);
  await createAdmin(h.deps.db, nodeHasher, { userId: "smoke.admin", name: "巡检管理员", password: ADMIN_PW }, Date.now());
  base = { baseUrl: h.url, user: "smoke.auditor", password: PW, wecomToken: TEST_TOKEN, wecomAesKey: TEST_AES_KEY };
}, 60_000);

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const statusOf = (r: Awaited<ReturnType<typeof runSmoke>>) => Object.fromEntries(r.checks.map((c) => [c.name, c.status]));
const lineOf = (r: Awaited<ReturnType<typeof runSmoke>>, name: string) => r.lines.find((l) => l.includes(` ${name} `)) ?? "";

describe("duban smoke", () => {
  it("fails the cron check while no scheduler run is recorded (and /healthz has no lastTickAt)", async () => {
    const health = await (await fetch(`${h.url}/healthz`)).json();
    expect(health).toMatchObject({ ok: true, db: "ok" }); // plus `calendar` while a holiday plan is missing (issue 14)
    expect(health).not.toHaveProperty("lastTickAt");
    const r = await runSmoke(base);
    expect(r.ok).toBe(false);
    expect(statusOf(r)).toEqual({ healthz: "pass", login: "pass", callback: "pass", cron: "fail" });
    expect(lineOf(r, "cron")).toMatch(/^✗ cron +no scheduler run recorded yet/);
  });

  it("fails the cron check when the last run is older than --max-tick-age", async () => {
    await runScheduled(h.deps, Date.now() - 20 * 60_000);
    const health = (await (await fetch(`${h.url}/healthz`)).json()) as { lastTickAt: string };
    expect(Date.now() - Date.parse(health.lastTickAt)).toBeGreaterThan(19 * 60_000);
    const r = await runSmoke(base);
    expect(statusOf(r).cron).toBe("fail");
    expect(lineOf(r, "cron")).toMatch(/last scheduler run 20 min ago .*more than 10 min/);
    expect((await runSmoke({ ...base, maxTickAgeMinutes: 30 })).ok).toBe(true);
  });

  it("passes every check on a correct setup, ends its session, and prints no credential", async () => {
    await runScheduled(h.deps, Date.now());
    const r = await runSmoke(base);
    expect(r.lines.join("\n")).not.toContain("✗");
    expect(r.ok).toBe(true);
    expect(r.lines).toHaveLength(4);
    expect(lineOf(r, "login")).toMatch(/^✓ login +signed in, opened \/admin\/audit, signed out$/);
    expect(lineOf(r, "callback")).toMatch(/^✓ callback/);
    expect(lineOf(r, "cron")).toMatch(/^✓ cron +last scheduler run \d+ s ago$/);
    const text = r.lines.join("\n");
    for (const secret of [PW, "smoke.auditor", TEST_TOKEN, TEST_AES_KEY]) expect(text).not.toContain(secret);
    // The smoke session was signed out, not left to lapse.
    const open = await h.deps.db.select({ id: sessions.id }).from(sessions).where(isNull(sessions.endedAt));
    expect(open).toEqual([]);
    expect((await h.deps.db.select({ id: sessions.id }).from(sessions)).length).toBeGreaterThanOrEqual(2);
  });

  it("fails the login check on a wrong password, and only that one", async () => {
    const r = await runSmoke({ ...base, password: "not the password" });
    expect(statusOf(r)).toEqual({ healthz: "pass", login: "fail", callback: "pass", cron: "pass" });
    expect(lineOf(r, "login")).toMatch(/^✗ login +sign-in refused \(401\)/);
    expect(r.lines.join("\n")).not.toContain("not the password");
    expect(statusOf(await runSmoke({ ...base, user: undefined })).login).toBe("fail");
    expect((await runSmoke(base)).ok).toBe(true); // the success resets the failure count
  });

  it("fails the callback check on a wrong WeCom token or key, and skips it when none is configured", async () => {
    const wrongToken = await runSmoke({ ...base, wecomToken: "SomeOtherToken" });
    expect(statusOf(wrongToken)).toEqual({ healthz: "pass", login: "pass", callback: "fail", cron: "pass" });
    expect(lineOf(wrongToken, "callback")).toMatch(/^✗ callback +signature refused \(403\): WECOM_TOKEN/);
    const wrongKey = await runSmoke({ ...base, wecomAesKey: "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut" });
    expect(lineOf(wrongKey, "callback")).toMatch(/^✗ callback +echostr refused \(400\): WECOM_ENCODING_AES_KEY/);
    const skipped = await runSmoke({ ...base, wecomToken: undefined, wecomAesKey: undefined });
    expect(skipped.ok).toBe(true);
    expect(lineOf(skipped, "callback")).toMatch(/^– callback +skipped/);
  });

  it("signs an administrator in with a TOTP code, and never enrols one", async () => {
    const admin = { ...base, user: "smoke.admin", password: ADMIN_PW };
    const notEnrolled = await runSmoke({ ...admin, totpSecret: "JBSWY3DPEHPK3PXP" });
    expect(lineOf(notEnrolled, "login")).toMatch(/^✗ login +administrator not enrolled; sign in once in a browser first/);
    const [row] = await h.deps.db.select({ totp: people.totpSecret }).from(people).where(eq(people.userId, "smoke.admin"));
    expect(row.totp).toBeNull();

    // Enrol the way a browser does; the code of the previous step, so the smoke run's own code is still unused.
    const secret = await enrolInBrowserWay("smoke.admin", ADMIN_PW);
    const r = await runSmoke({ ...admin, totpSecret: secret });
    expect(lineOf(r, "login")).toMatch(/^✓ login +signed in with a TOTP code \(administrator\), opened \/admin, signed out$/);
    expect(r.ok).toBe(true);
    expect(r.lines.join("\n")).not.toContain(secret);

    const noCode = await runSmoke(admin);
    expect(lineOf(noCode, "login")).toMatch(/^✗ login +administrator account: set DUBAN_SMOKE_TOTP_SECRET/);
  });

  it("reports an unreachable instance on every check that needs it", async () => {
    const r = await runSmoke({ ...base, baseUrl: "http://127.0.0.1:9", timeoutMs: 3_000 });
    expect(statusOf(r)).toEqual({ healthz: "fail", login: "fail", callback: "fail", cron: "fail" });
    expect(lineOf(r, "healthz")).toMatch(/^✗ healthz +unreachable/);
    expect((await runSmoke({ ...base, baseUrl: "ftp://example.org" })).ok).toBe(false);
  });

  it("`duban smoke` prints one line per check, exits 1 on a failure and 0 when all pass", async () => {
    const out: string[] = [];
    const env = { DUBAN_SMOKE_USER: "smoke.auditor", DUBAN_SMOKE_PASSWORD: PW, WECOM_TOKEN: TEST_TOKEN, WECOM_ENCODING_AES_KEY: TEST_AES_KEY };
    expect(await smokeCommand([h.url], env, (l) => out.push(l))).toBe(0);
    expect(out).toHaveLength(4);
    expect(out.every((l) => l.startsWith("✓ "))).toBe(true);
    out.length = 0;
    expect(await smokeCommand([h.url], { ...env, DUBAN_SMOKE_PASSWORD: "wrong" }, (l) => out.push(l))).toBe(1);
    expect(out.filter((l) => l.startsWith("✗ "))).toHaveLength(1);
    out.length = 0;
    expect(await smokeCommand([h.url, "--max-tick-age", "0.0001"], env, (l) => out.push(l))).toBe(1);
    expect(out.find((l) => l.includes(" cron "))).toMatch(/^✗/);
    expect(await smokeCommand([], env, () => {})).toBe(2);
    expect(await smokeCommand([h.url, "--max-tick-age", "soon"], env, () => {})).toBe(2);
    expect(await smokeCommand([h.url, "--bogus"], env, () => {})).toBe(2);
  });
});

/** Sign in with the password and enrol an authenticator from the code page, as a person would in a browser. */
async function enrolInBrowserWay(userId: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const send = async (path: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") };
    if (form) Object.assign(headers, { "content-type": "application/x-www-form-urlencoded", origin: h.url });
    const res = await fetch(`${h.url}${path}`, { method: form ? "POST" : "GET", headers, body: form ? new URLSearchParams(form).toString() : undefined, redirect: "manual" });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
    return { res, html: await res.text() };
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await send("/login")).html)![1];
  expect((await send("/login", { _csrf: csrf, userid: userId, password })).res.status).toBe(303);
  const page = await send("/login/mfa");
  const secret = /data-secret="([A-Z2-7]+)"/.exec(page.html)![1];
  const code = await hotp(base32Decode(secret), stepAt(Date.now()) - 1);
  const done = await send("/login/mfa", { _csrf: csrf, code });
  expect(done.res.status).toBe(303);
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec((await send(done.res.headers.get("location")!)).html)![1];
  expect((await send("/logout", { _csrf: token })).res.status).toBe(303);
  return secret;
}
