/** Sign-in inside workerd against D1: WebCrypto PBKDF2 at exactly 100,000 iterations, the Worker's only hasher (R30). */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "../helpers/seed-fixture.js";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword, webHasher } from "../../src/web/auth/password.js";

const BASE = "https://duban.test";
const PW = "worker passphrase 登录测试";
const setCookie = (res: Response, name: string) => res.headers.getSetCookie().find((l) => l.startsWith(`${name}=`))?.split(";")[0];

beforeAll(async () => {
  const units = await env.DB.prepare("select count(*) as n from units").first<{ n: number }>();
  if (!units?.n) await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
  await env.DB.prepare("update people set password_hash = ?, failed_logins = 0, locked_until = null where user_id = 'admin'").bind(await hashPassword(webHasher, PW)).run();
});

async function signIn(password: string) {
  const form = await SELF.fetch(`${BASE}/login`);
  const pre = setCookie(form, "__Host-duban_pre")!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
  return SELF.fetch(`${BASE}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: pre, origin: BASE },
    body: new URLSearchParams({ _csrf: csrf, userid: "admin", password }).toString(),
  });
}

describe("signing in on Workers", () => {
  it("hashes with WebCrypto PBKDF2-SHA256 at exactly 100,000 iterations (the Workers cap)", async () => {
    expect(navigator.userAgent).toBe("Cloudflare-Workers");
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    const h = await hashPassword(webHasher, PW);
    expect(h.startsWith("pbkdf2-sha256$i=100000$")).toBe(true);
    expect((await verifyPassword(webHasher, PW, h)).ok).toBe(true);
  });

  it("logs in via SELF.fetch on D1 and opens an admin page with the session cookie", async () => {
    const res = await signIn(PW);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/admin");
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
