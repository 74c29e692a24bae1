/**
 * Sign-in inside workerd against D1: WebCrypto PBKDF2 at exactly 100,000 iterations, the Worker's only hasher,
 * compensated by the administrator's mandatory TOTP step (R30) — HMAC-SHA1, HKDF and AES-GCM on workerd.
 */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "../helpers/seed-fixture.js";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword, webHasher } from "../../src/web/auth/password.js";
import { base32Decode, hotp, stepAt } from "../../src/web/auth/totp.js";

const BASE = "https://duban.test";
const PW = "worker passphrase 登录测试";
const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))?.split(";")[0];

beforeAll(async () => {
  const units = await env.DB.prepare("select count(*) as n from units").first<{ n: number }>();
  if (!units?.n) await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
  await env.DB.prepare("update people set password_hash = ?, failed_logins = 0, locked_until = null where user_id = 'admin'").bind(await hashPassword(webHasher, PW)).run();
});

let pre = "";
let csrf = "";
async function signIn(password: string) {
  const form = await SELF.fetch(`${BASE}/login`);
  pre = setCookie(form, "__Host-duban_pre")!;
  csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  return postForm("/login", { userid: "admin", password }, pre);
}

const postForm = (path: string, fields: Record<string, string>, cookie: string) =>
  SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: BASE },
    body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
  });

describe("signing in on Workers", () => {
  it("hashes with WebCrypto PBKDF2-SHA256 at exactly 100,000 iterations (the Workers cap)", async () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    const h = await hashPassword(webHasher, PW);
    expect(h.startsWith("pbkdf2-sha256$i=100000$")).toBe(true);
    expect((await verifyPassword(webHasher, PW, h)).ok).toBe(true);
  });

  it("logs in via SELF.fetch on D1 with password and authenticator code, and opens an admin page", async () => {
    const first = await signIn(PW);
    expect(first.status).toBe(303);
    expect(first.headers.get("location")).toBe("/login/mfa"); // callback mode: the admin's second factor is mandatory
    expect(setCookie(first, "__Host-duban_session")).toBeUndefined();
    const cookie = `${pre}; ${setCookie(first, "__Host-duban_mfa")}`;
    const page1 = await SELF.fetch(`${BASE}/login/mfa`, { headers: { cookie } });
    expect(page1.status).toBe(200);
    const secret = /data-secret="([A-Z2-7]+)"/.exec(await page1.text())![1];
    const res = await postForm("/login/mfa", { code: await hotp(base32Decode(secret), stepAt(Date.now())) }, cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
    const sealed = await env.DB.prepare("select totp_secret as s from people where user_id = 'admin'").first<{ s: string }>();
    expect(sealed?.s).toMatch(/^v1\./);
    expect(sealed?.s).not.toContain(secret);
    const line = res.headers.getSetCookie().find((l) => l.startsWith("__Host-duban_session="))!;
    expect(line).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const page = await SELF.fetch(`${BASE}/admin/units`, { headers: { cookie: line.split(";")[0] } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("荷花池街道");
    expect(page.headers.get("content-security-policy")).toContain("object-src 'none'");
    const row = await env.DB.prepare("select count(*) as n from sessions where ended_at is null").first<{ n: number }>();
    expect(row?.n).toBeGreaterThanOrEqual(1);
  });

  it("refuses a wrong password with the same answer as an unknown user", async () => {
    const wrong = await signIn("not the password");
    expect(wrong.status).toBe(401);
    expect(setCookie(wrong, "__Host-duban_session")).toBeUndefined();
    const audit = await env.DB.prepare("select count(*) as n from audit_log where action = 'auth.login' and result = 'failed'").first<{ n: number }>();
    expect(audit?.n).toBeGreaterThanOrEqual(1);
  });
});

describe("lockout on D1 under concurrent attempts (R31)", () => {
  it("evaluates exactly 5 of 12 concurrent wrong passwords and writes one lockout row", async () => {
    await env.DB.prepare("update people set password_hash = ?, failed_logins = 0, locked_until = null where user_id = 'disp'").bind(await hashPassword(webHasher, PW)).run();
    const form = await SELF.fetch(`${BASE}/login`);
    const cookie = setCookie(form, "__Host-duban_pre")!;
    csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const res = await Promise.all(Array.from({ length: 12 }, (_, i) => postForm("/login", { userid: "disp", password: `wrong ${i}` }, cookie)));
    expect(res.every((r) => r.status === 401)).toBe(true);
    const id = (await env.DB.prepare("select id from people where user_id = 'disp'").first<{ id: number }>())!.id;
    const count = async (where: string) =>
      (await env.DB.prepare(`select count(*) as n from audit_log where object = ? and ${where}`).bind(`person:${id}`).first<{ n: number }>())?.n;
    expect(await count("action = 'auth.login' and result = 'failed'")).toBe(5);
    expect(await count("action = 'auth.login' and result = 'denied'")).toBe(7);
    expect(await count("action = 'auth.lockout'")).toBe(1);
    const p = await env.DB.prepare("select locked_until as u from people where id = ?").bind(id).first<{ u: number | null }>();
    expect(p?.u).toBeGreaterThan(Date.now());
  });
});
