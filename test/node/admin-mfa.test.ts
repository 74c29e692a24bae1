/** Administrator MFA (R30): TOTP against RFC 6238 and node:crypto, enrolment, codes, replay, lockout, links, reset. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, mfaChallenges, people, sessions } from "../../src/db/schema.js";
import { parseConfig } from "../../src/config.js";
import { webHasher } from "../../src/web/auth/password.js";
import { LOGIN_FAILED } from "../../src/web/auth/views.js";
import { base32Decode, base32Encode, hotp, matchTotp, openSecret, sealSecret, stepAt } from "../../src/web/auth/totp.js";
import { say } from "../helpers/fixture.js";
import { cookieValue, get, loginForm, personId, post, sessionFor, setCookies, setPassword, totalChanges, webApp } from "../helpers/web.js";
import { referenceTotp } from "../helpers/reference-totp.js";

const PW = "管理员的 长密码 2026";


describe("TOTP (RFC 6238, HMAC-SHA1, 30 s, 6 digits)", () => {
  it("matches RFC 6238 Appendix B for SHA-1", async () => {
    const seed = new TextEncoder().encode("12345678901234567890");
    const vectors: [number, string][] = [
      [59, "94287082"],
      [1111111109, "07081804"],
      [1111111111, "14050471"],
      [1234567890, "89005924"],
      [2000000000, "69279037"],
      [20000000000, "65353130"],
    ];
    for (const [t, code] of vectors) expect(await hotp(seed, Math.floor(t / 30), 8)).toBe(code);
  });

  it("encodes base32 as RFC 4648 (unpadded) and round-trips", () => {
    expect(base32Encode(new TextEncoder().encode("foobar"))).toBe("MZXW6YTBOI");
    expect(new TextDecoder().decode(base32Decode("mzxw 6ytb oi=="))).toBe("foobar");
    expect(() => base32Decode("MZ1")).toThrow();
  });

  it("agrees with an independent implementation and accepts one step either side, once", async () => {
    const secret = base32Encode(crypto.getRandomValues(new Uint8Array(20)));
    const now = Date.parse("2026-12-01T01:00:10Z");
    const code = referenceTotp(secret, now);
    expect(await matchTotp(secret, code, now, null)).toBe(stepAt(now));
    expect(await matchTotp(secret, code.replace(/(\d{3})/, "$1 "), now, null)).toBe(stepAt(now)); // "123 456" as apps show it
    expect(await matchTotp(secret, referenceTotp(secret, now - 30_000), now, null)).toBe(stepAt(now) - 1);
    expect(await matchTotp(secret, referenceTotp(secret, now + 30_000), now, null)).toBe(stepAt(now) + 1);
    expect(await matchTotp(secret, referenceTotp(secret, now - 61_000), now, null)).toBeUndefined();
    expect(await matchTotp(secret, code, now, stepAt(now))).toBeUndefined(); // already used
    expect(await matchTotp(secret, "12345", now, null)).toBeUndefined();
    expect(await matchTotp(secret, "abcdef", now, null)).toBeUndefined();
  });

  it("seals secrets with AES-GCM bound to the person and SESSION_SECRET", async () => {
    const secret = base32Encode(crypto.getRandomValues(new Uint8Array(20)));
    const key = "x".repeat(40);
    const sealed = await sealSecret(key, 7, secret);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(secret);
    expect(await openSecret(key, 7, sealed)).toBe(secret);
    expect(await openSecret(key, 8, sealed)).toBeUndefined(); // moved to another account
    expect(await openSecret("y".repeat(40), 7, sealed)).toBeUndefined(); // another SESSION_SECRET
    expect(await openSecret(key, 7, "garbage")).toBeUndefined();
  });

  it("is on by default outside local mode and off in local mode", () => {
    expect(parseConfig({}).adminMfa).toBe(false);
    const callback = { WECOM_MODE: "callback", WECOM_TOKEN: "t", WECOM_ENCODING_AES_KEY: "a".repeat(43), SESSION_SECRET: "s".repeat(32) };
    expect(parseConfig(callback).adminMfa).toBe(true);
    expect(parseConfig({ ...callback, ADMIN_MFA: "off" }).adminMfa).toBe(false);
    expect(parseConfig({ ADMIN_MFA: "on" }).adminMfa).toBe(true);
    expect(() => parseConfig({ ADMIN_MFA: "maybe" })).toThrow(/ADMIN_MFA/);
  });
});

type W = Awaited<ReturnType<typeof webApp>>;

/** The password step: returns the response and the cookies (pre-session + challenge) the code step needs. */
async function passwordStep(w: W, userId: string, next?: string) {
  const f = await loginForm(w.app);
  const res = await post(w.app, "/login", { _csrf: f.csrf, userid: userId, password: PW, ...(next ? { next } : {}) }, { cookie: f.cookie });
  const mfa = setCookies(res)["__Host-duban_mfa"];
  return { res, mfaLine: mfa, cookie: `${f.cookie}; __Host-duban_mfa=${cookieValue(mfa)}`, csrf: f.csrf };
}

const codeStep = (w: W, s: { cookie: string; csrf: string }, code: string) => post(w.app, "/login/mfa", { _csrf: s.csrf, code }, { cookie: s.cookie });
const secretOn = (html: string) => /data-secret="([A-Z2-7]+)"/.exec(html)?.[1];
const adminRow = async (w: W) => (await w.db.select().from(people).where(eq(people.userId, "admin")))[0];
const auditsOf = async (w: W, action: string, result?: "ok" | "failed" | "denied") =>
  (await w.db.select().from(auditLog).where(result ? and(eq(auditLog.action, action), eq(auditLog.result, result)) : eq(auditLog.action, action))).length;

describe("an administrator's sign-in with ADMIN_MFA on", () => {
  let w: W;
  let secret: string;
  beforeAll(async () => {
    w = await webApp({ config: { adminMfa: true } });
    for (const u of ["admin", "disp"]) await setPassword(w.db, u, webHasher, PW);
  });
  afterAll(() => w.store.cleanup());

  it("stops after the password: no session, a __Host- challenge cookie and the code page", async () => {
    const sessionsBefore = (await w.db.select().from(sessions)).length;
    const s = await passwordStep(w, "admin");
    expect(s.res.status).toBe(303);
    expect(s.res.headers.get("location")).toBe("/login/mfa");
    expect(setCookies(s.res)["__Host-duban_session"]).toBeUndefined();
    expect(s.mfaLine).toMatch(/^__Host-duban_mfa=[\w-]{43}; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect((await w.db.select().from(sessions)).length).toBe(sessionsBefore);
    const [ch] = await w.db.select().from(mfaChallenges);
    expect(ch.tokenHash).not.toBe(cookieValue(s.mfaLine)); // only the hash is stored
    expect(ch.pendingSecret).toMatch(/^v1\./); // enrolment: a sealed secret waits for its first code

    const changes = await totalChanges(w.db);
    const page = await get(w.app, "/login/mfa", s.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(await totalChanges(w.db)).toBe(changes); // the GET wrote nothing (R33)
    expect(html).toContain("绑定动态口令");
    expect(html).toContain("<svg");
    secret = secretOn(html)!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(page.headers.get("cache-control")).toBe("no-store");

    const wrong = await codeStep(w, s, referenceTotp(secret, w.clock()) === "000000" ? "111111" : "000000");
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain("还可再试 4 次");
    expect(await auditsOf(w, "auth.mfa", "failed")).toBe(1);
    expect((await adminRow(w)).failedLogins).toBe(1);
    expect((await adminRow(w)).totpSecret).toBeNull(); // not enrolled until a right code

    const ok = await codeStep(w, s, referenceTotp(secret, w.clock()));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/admin");
    const cookies = setCookies(ok);
    expect(cookies["__Host-duban_mfa"]).toMatch(/Max-Age=0/);
    const session = `__Host-duban_session=${cookieValue(cookies["__Host-duban_session"])}`;
    expect((await get(w.app, "/admin/people", session)).status).toBe(200);

    const row = await adminRow(w);
    expect(row.totpSecret).toMatch(/^v1\./);
    expect(row.totpSecret).not.toContain(secret);
    expect(row.totpLastStep).toBe(stepAt(w.clock()));
    expect(row.failedLogins).toBe(0);
    expect(await auditsOf(w, "auth.mfa", "ok")).toBe(1);
    // The challenge is spent: the same cookie cannot open a second session.
    expect((await codeStep(w, s, referenceTotp(secret, w.clock()))).status).toBe(400);
  });

  it("asks only for the code next time, refuses a code already used and takes the next one", async () => {
    const s = await passwordStep(w, "admin", "/admin/units");
    const html = await (await get(w.app, "/login/mfa", s.cookie)).text();
    expect(html).toContain("输入动态口令");
    expect(secretOn(html)).toBeUndefined(); // the secret is shown only while enrolling
    const replay = await codeStep(w, s, referenceTotp(secret, w.clock()));
    expect(replay.status).toBe(401); // same 30 s step as the enrolment: refused (RFC 6238 §5.2)
    w.clock.advance(30_000);
    const ok = await codeStep(w, s, referenceTotp(secret, w.clock()));
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/admin/units"); // the page asked for survives the code step
  });

  it("lets other roles in with the password alone", async () => {
    const s = await passwordStep(w, "disp");
    expect(s.res.status).toBe(303);
    expect(s.res.headers.get("location")).toBe("/dashboard");
    expect(setCookies(s.res)["__Host-duban_session"]).toBeDefined();
  });

  it("turns an administrator's login link into a code step and burns the link", async () => {
    const reply = await say(w.deps, "admin", "single-admin", "登录");
    const token = /\/login\/link\/([\w-]{43})/.exec(reply)![1];
    const f = await loginForm(w.app);
    const res = await post(w.app, `/login/link/${token}`, { _csrf: f.csrf }, { cookie: f.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login/mfa");
    expect(setCookies(res)["__Host-duban_session"]).toBeUndefined();
    const cookie = `${f.cookie}; __Host-duban_mfa=${cookieValue(setCookies(res)["__Host-duban_mfa"])}`;
    expect((await post(w.app, `/login/link/${token}`, { _csrf: f.csrf }, { cookie: f.cookie })).status).toBe(400); // burnt
    w.clock.advance(30_000);
    const ok = await codeStep(w, { cookie, csrf: f.csrf }, referenceTotp(secret, w.clock()));
    expect(ok.status).toBe(303);
    expect(setCookies(ok)["__Host-duban_session"]).toBeDefined();
  });

  it("expires a challenge after 10 minutes", async () => {
    const s = await passwordStep(w, "admin");
    w.clock.advance(10 * 60_000 + 1);
    const page = await get(w.app, "/login/mfa", s.cookie);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("验证已过期");
    expect((await codeStep(w, s, referenceTotp(secret, w.clock()))).status).toBe(400);
  });

  it("is reset by another administrator, never by oneself, and the next sign-in enrols again", async () => {
    await w.db.update(people).set({ roles: ["admin", "dispatcher"] }).where(eq(people.userId, "disp"));
    const other = await sessionFor(w.db, "disp", w.clock());
    const me = await sessionFor(w.db, "admin", w.clock());
    const adminId = await personId(w.db, "admin");
    const self = await post(w.app, `/admin/people/${adminId}/mfa/reset`, { _csrf: me.csrf }, { cookie: me.cookie });
    expect(await self.text()).toContain("不能重置自己的动态口令");
    expect((await adminRow(w)).totpSecret).not.toBeNull();

    const res = await post(w.app, `/admin/people/${adminId}/mfa/reset`, { _csrf: other.csrf }, { cookie: other.cookie });
    expect(res.status).toBe(303);
    expect((await adminRow(w)).totpSecret).toBeNull();
    expect((await get(w.app, "/admin", me.cookie)).status).toBe(401); // the reset ended the admin's sessions
    expect(await auditsOf(w, "admin.person.reset_mfa", "ok")).toBe(1);
    const s = await passwordStep(w, "admin");
    expect(await (await get(w.app, "/login/mfa", s.cookie)).text()).toContain("绑定动态口令");
  });
});

describe("wrong codes count toward the account lockout (R31)", () => {
  let w: W;
  beforeAll(async () => {
    w = await webApp({ config: { adminMfa: true } });
    await setPassword(w.db, "admin", webHasher, PW);
  });
  afterAll(() => w.store.cleanup());

  it("locks the account after 5 wrong codes across challenges; then even the right password is refused", async () => {
    const first = await passwordStep(w, "admin");
    const secret = secretOn(await (await get(w.app, "/login/mfa", first.cookie)).text())!;
    const bad = referenceTotp(secret, w.clock()) === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) expect((await codeStep(w, first, bad)).status).toBe(401);
    // A fresh password step does not clear the count: password-right/code-wrong rounds still lock.
    const second = await passwordStep(w, "admin");
    expect((await adminRow(w)).failedLogins).toBe(3);
    expect((await codeStep(w, second, bad)).status).toBe(401);
    const last = await codeStep(w, second, bad);
    expect(last.status).toBe(401);
    expect(await last.text()).toContain("已锁定 15 分钟");
    expect(await auditsOf(w, "auth.lockout")).toBe(1);
    const right = await codeStep(w, second, referenceTotp(secret, w.clock()));
    expect(right.status).toBe(401); // a right code cannot open a locked account either
    expect(setCookies(right)["__Host-duban_session"]).toBeUndefined();
    const again = await passwordStep(w, "admin");
    expect(again.res.status).toBe(401);
    expect(await again.res.text()).toContain(LOGIN_FAILED);
    w.clock.advance(15 * 60_000 + 1);
    expect((await passwordStep(w, "admin")).res.headers.get("location")).toBe("/login/mfa");
  });
});
