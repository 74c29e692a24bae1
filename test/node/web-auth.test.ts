/** Sign-in, lockout, sessions and the one-time login link (R30, R31, R32). */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { auditLog, inbox, loginLinks, people, sessions } from "../../src/db/schema.js";
import { hashPassword, PBKDF2_ITERATIONS, parseHash, SCRYPT_PARAMS, verifyPassword, webHasher } from "../../src/web/auth/password.js";
import { nodeHasher } from "../../src/web/auth/password-node.js";
import { sha256Hex } from "../../src/db/tokens.js";
import { createAdmin, CreateAdminError } from "../../src/web/auth/create-admin.js";
import { say } from "../helpers/fixture.js";
import { cookieValue, get, login, loginForm, post, sessionFor, setCookies, setPassword, webApp } from "../helpers/web.js";

const PW = "春眠不觉晓 处处闻啼鸟";
const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64").replace(/=+$/, "");

describe("password hashes carry their algorithm and parameters (R30)", () => {
  it("PBKDF2-SHA256 uses exactly 100,000 iterations and round-trips", async () => {
    const h = await hashPassword(webHasher, PW);
    expect(h).toMatch(/^pbkdf2-sha256\$i=100000\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/);
    const p = parseHash(h);
    expect(p?.algo === "pbkdf2-sha256" && p.iterations).toBe(100_000);
    expect(PBKDF2_ITERATIONS).toBe(100_000); // Workers refuse more (workerd#1346)
    expect(await verifyPassword(webHasher, PW, h)).toEqual({ ok: true, upgrade: false, unsupported: false });
    expect((await verifyPassword(webHasher, `${PW}!`, h)).ok).toBe(false);
  });

  it("scrypt uses N=2^17, r=8, p=1 and round-trips on Node", async () => {
    const h = await hashPassword(nodeHasher, PW);
    expect(h.startsWith("scrypt$N=131072,r=8,p=1$")).toBe(true);
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 17, r: 8, p: 1 });
    expect(await verifyPassword(nodeHasher, PW, h)).toEqual({ ok: true, upgrade: false, unsupported: false });
    expect((await verifyPassword(nodeHasher, "wrong password", h)).ok).toBe(false);
  });

  it("verifies with the stored parameters and flags weaker hashes for upgrade", async () => {
    const salt = new Uint8Array(16).fill(7);
    const weakScrypt = `scrypt$N=16384,r=8,p=1$${b64(salt)}$${b64(await nodeHasher.scrypt!(PW, salt, 32, { N: 16384, r: 8, p: 1 }))}`;
    expect(await verifyPassword(nodeHasher, PW, weakScrypt)).toEqual({ ok: true, upgrade: true, unsupported: false });
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(PW), "PBKDF2", false, ["deriveBits"]);
    const bits = new Uint8Array(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1000 }, key, 256));
    const weakPbkdf2 = `pbkdf2-sha256$i=1000$${b64(salt)}$${b64(bits)}`;
    expect(await verifyPassword(webHasher, PW, weakPbkdf2)).toEqual({ ok: true, upgrade: true, unsupported: false });
    expect(await verifyPassword(nodeHasher, PW, weakPbkdf2)).toEqual({ ok: true, upgrade: true, unsupported: false });
    // A Workers hash moves to Node and is upgraded there; a Node hash cannot be checked on Workers (no scrypt).
    expect(await verifyPassword(nodeHasher, PW, await hashPassword(webHasher, PW))).toEqual({ ok: true, upgrade: true, unsupported: false });
    expect(await verifyPassword(webHasher, PW, weakScrypt)).toEqual({ ok: false, upgrade: false, unsupported: true });
    expect((await verifyPassword(webHasher, PW, "garbage")).unsupported).toBe(true);
  });
});

describe("signing in", () => {
  let w: Awaited<ReturnType<typeof webApp>>;
  beforeAll(async () => {
    w = await webApp();
    for (const u of ["admin", "disp", "lead", "hh.head", "audit"]) await setPassword(w.db, u, webHasher, PW);
  });
  afterAll(() => w.store.cleanup());

  const audits = async (action: string) => (await w.db.select().from(auditLog).where(eq(auditLog.action, action))).length;

  it("sets a __Host- cookie with Secure, HttpOnly, SameSite=Lax, Path=/ and stores only the token's SHA-256 (R32)", async () => {
    const { res, line } = await login(w.app, "disp", PW);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/dashboard");
    expect(line).toMatch(/^__Host-duban_session=[A-Za-z0-9_-]{43}; Max-Age=43200; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const token = cookieValue(line);
    expect(token.length * 6).toBeGreaterThanOrEqual(128);
    const rows = await w.db.select().from(sessions);
    expect(rows.some((s) => s.id === token || s.csrf === token)).toBe(false);
    const hash = await sha256Hex(token);
    expect(rows.filter((s) => s.id === hash)).toHaveLength(1);
  });

  it("issues a new session id at every login and ends the one presented at login", async () => {
    const a = await login(w.app, "lead", PW);
    // Signed in, a form carries the session's token (here read from its row, as a page would render it).
    const [row] = await w.db.select().from(sessions).where(eq(sessions.id, await sha256Hex(cookieValue(a.line))));
    const b = await post(w.app, "/login", { _csrf: row.csrf, userid: "lead", password: PW }, { cookie: a.cookie });
    expect(b.status).toBe(303);
    const second = cookieValue(setCookies(b)["__Host-duban_session"]);
    expect(second).not.toBe(cookieValue(a.line));
    expect((await get(w.app, "/admin/audit", a.cookie)).status).toBe(401); // the first session has ended
    const [ended] = await w.db.select().from(sessions).where(eq(sessions.id, await sha256Hex(cookieValue(a.line))));
    expect(ended.endedAt).not.toBeNull();
  });

  it("locks the account after 5 failures: the 6th attempt is refused even with the right password (R31)", async () => {
    for (let i = 0; i < 6; i++) expect((await login(w.app, "hh.head", "wrong password")).res.status).toBe(401);
    const refused = await login(w.app, "hh.head", PW);
    expect(refused.res.status).toBe(401);
    expect(refused.cookie).toBeUndefined();
    expect(await audits("auth.lockout")).toBe(1);
    const rows = await w.db.select().from(auditLog).where(eq(auditLog.actor, "hh.head"));
    expect(rows.filter((r) => r.action === "auth.login" && r.result === "failed")).toHaveLength(5);
    expect(rows.filter((r) => r.action === "auth.login" && r.result === "denied").length).toBeGreaterThanOrEqual(2);
    w.clock.advance(15 * 60_000 + 1);
    const ok = await login(w.app, "hh.head", PW);
    expect(ok.res.status).toBe(303);
    const [p] = await w.db.select().from(people).where(eq(people.userId, "hh.head"));
    expect([p.failedLogins, p.lockedUntil]).toEqual([0, null]); // success resets the counter
  });

  it("answers an unknown user exactly like a wrong password, in body and status, and with the same hashing work", async () => {
    const f = await loginForm(w.app);
    // Equal work instead of equal elapsed time (a busy machine skews timings, R31): each attempt derives one key
    // with the same algorithm and iteration count, whether or not the account exists.
    const derive = vi.spyOn(crypto.subtle, "deriveBits");
    const attempt = async (userid: string) => {
      derive.mockClear();
      const res = await post(w.app, "/login", { _csrf: f.csrf, userid, password: "not the password" }, { cookie: f.cookie });
      const work = derive.mock.calls.map(([alg]) => `${(alg as Pbkdf2Params).name}/${(alg as Pbkdf2Params).iterations}`);
      return { status: res.status, body: await res.text(), work };
    };
    await attempt("warm.up"); // the dummy hash for unknown users is made once per hasher, on first use
    const unknown = [], known = [];
    try {
      for (let i = 0; i < 4; i++) {
        unknown.push(await attempt("nobody.here"));
        known.push(await attempt("lead"));
      }
    } finally {
      derive.mockRestore();
    }
    expect(unknown[0].status).toBe(401);
    expect(known[0].status).toBe(401);
    expect(unknown[0].body).toBe(known[0].body);
    expect(unknown[3].body).toBe(known[3].body); // also once "lead" is locked
    for (let i = 0; i < 4; i++) expect(unknown[i].work).toEqual(known[i].work);
    expect(known[0].work).toEqual([`PBKDF2/${PBKDF2_ITERATIONS}`]);
    const unknownRows = await w.db.select().from(auditLog).where(eq(auditLog.actor, "nobody.here"));
    expect(unknownRows.every((r) => r.result === "failed" && (r.detail as { reason: string }).reason === "unknown_user")).toBe(true);
  });

  it("upgrades a weaker stored hash at login (PBKDF2 → scrypt on Node)", async () => {
    const n = await webApp({ passwords: nodeHasher });
    await setPassword(n.db, "disp", webHasher, PW);
    expect((await login(n.app, "disp", PW)).res.status).toBe(303);
    const [p] = await n.db.select().from(people).where(eq(people.userId, "disp"));
    expect(p.passwordHash!.startsWith("scrypt$N=131072,r=8,p=1$")).toBe(true);
    expect((await login(n.app, "disp", PW)).res.status).toBe(303); // and the new hash works
    await n.store.cleanup();
  });

  it("refuses a redirect to another site after login", async () => {
    const f = await loginForm(w.app);
    const res = await post(w.app, "/login", { _csrf: f.csrf, userid: "admin", password: PW, next: "//evil.example/x" }, { cookie: f.cookie });
    expect(res.headers.get("location")).toBe("/admin");
  });
});

describe("session limits (R32) with an injected clock", () => {
  let w: Awaited<ReturnType<typeof webApp>>;
  beforeAll(async () => {
    w = await webApp();
  });
  afterAll(() => w.store.cleanup());
  const audit = (cookie: string) => get(w.app, "/admin/audit", cookie);

  it("keeps a session alive while used and ends it after 30 minutes idle", async () => {
    const s = await sessionFor(w.db, "audit", w.clock());
    for (let i = 0; i < 3; i++) {
      w.clock.advance(29 * 60_000);
      expect((await audit(s.cookie)).status).toBe(200);
    }
    w.clock.advance(31 * 60_000);
    const res = await audit(s.cookie);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("登录已失效");
    expect(setCookies(res)["__Host-duban_session"]).toContain("Max-Age=0");
  });

  it("ends a session 12 hours after login however active", async () => {
    const s = await sessionFor(w.db, "audit", w.clock());
    for (let i = 0; i < 35; i++) {
      w.clock.advance(20 * 60_000);
      expect((await audit(s.cookie)).status).toBe(200);
    }
    w.clock.advance(20 * 60_000); // 12 h 00 min
    expect((await audit(s.cookie)).status).toBe(401);
  });

  it("cannot be replayed after logout", async () => {
    const s = await sessionFor(w.db, "audit", w.clock());
    const out = await post(w.app, "/logout", { _csrf: s.csrf }, { cookie: s.cookie });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login");
    expect((await audit(s.cookie)).status).toBe(401);
    expect((await w.db.select().from(auditLog).where(eq(auditLog.action, "auth.logout"))).length).toBe(1);
  });

  it("ends at once when the account is disabled, by an admin or directly in the data", async () => {
    const victim = await sessionFor(w.db, "audit", w.clock());
    const admin = await sessionFor(w.db, "admin", w.clock());
    const [p] = await w.db.select().from(people).where(eq(people.userId, "audit"));
    expect((await post(w.app, `/admin/people/${p.id}/active`, { _csrf: admin.csrf, active: "0" }, { cookie: admin.cookie })).status).toBe(303);
    expect((await audit(victim.cookie)).status).toBe(401);
    expect((await w.db.select().from(sessions).where(eq(sessions.personId, p.id))).every((s) => s.endedAt !== null)).toBe(true);
    await w.db.update(people).set({ active: true }).where(eq(people.id, p.id));
    const again = await sessionFor(w.db, "audit", w.clock());
    await w.db.update(people).set({ active: false }).where(eq(people.id, p.id)); // no session row touched
    expect((await audit(again.cookie)).status).toBe(401);
    await w.db.update(people).set({ active: true }).where(eq(people.id, p.id));
  });

  it("ignores a forged or malformed cookie", async () => {
    expect((await audit("__Host-duban_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).status).toBe(401);
    expect((await audit("__Host-duban_session=<script>")).status).toBe(302);
  });
});

describe("the one-time login link (登录 in single chat)", () => {
  let w: Awaited<ReturnType<typeof webApp>>;
  beforeAll(async () => {
    w = await webApp();
  });
  afterAll(() => w.store.cleanup());

  it("is refused in a group chat", async () => {
    expect(await say(w.deps, "disp", "g-command", "登录")).toContain("单聊");
    expect(await w.db.select().from(loginLinks)).toHaveLength(0);
  });

  it("sends a link valid once, stores only its hash, and never keeps the token in the inbox", async () => {
    const reply = await say(w.deps, "disp", "single-disp", "登录");
    const m = /http:\/\/localhost:8787\/login\/link\/([A-Za-z0-9_-]{43})/.exec(reply);
    expect(m, reply).not.toBeNull();
    const token = m![1];
    const [link] = await w.db.select().from(loginLinks);
    expect(link.tokenHash).toBe(await sha256Hex(token));
    expect(link.expiresAt - link.createdAt).toBe(10 * 60_000);
    expect(JSON.stringify(await w.db.select().from(inbox))).not.toContain(token);

    const before = await w.db.select().from(sessions);
    const page = await get(w.app, `/login/link/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("张敏");
    expect(await w.db.select().from(sessions)).toEqual(before); // the GET wrote nothing
    const preCookie = `__Host-duban_pre=${cookieValue(setCookies(page)["__Host-duban_pre"])}`;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await get(w.app, `/login/link/${token}`, preCookie)).text())![1];

    const res = await post(w.app, `/login/link/${token}`, { _csrf: csrf }, { cookie: preCookie });
    expect(res.status).toBe(303);
    const cookie = `__Host-duban_session=${cookieValue(setCookies(res)["__Host-duban_session"])}`;
    expect((await get(w.app, "/login", cookie)).status).toBe(303); // signed in
    expect((await post(w.app, `/login/link/${token}`, { _csrf: csrf }, { cookie: preCookie })).status).toBe(400); // burnt
    expect((await w.db.select().from(auditLog).where(eq(auditLog.action, "auth.login_link"))).map((r) => r.result).sort()).toEqual(["failed", "ok"]);
  });

  it("expires after 10 minutes", async () => {
    const token = /login\/link\/([A-Za-z0-9_-]+)/.exec(await say(w.deps, "lead", "single-lead", "登录"))![1];
    w.clock.advance(10 * 60_000 + 1);
    expect((await get(w.app, `/login/link/${token}`)).status).toBe(404);
    const f = await loginForm(w.app);
    expect((await post(w.app, `/login/link/${token}`, { _csrf: f.csrf }, { cookie: f.cookie })).status).toBe(400);
  });
});

describe("duban admin create", () => {
  it("makes an admin (admin role only) whose password signs in, and refuses duplicates", async () => {
    const w = await webApp();
    await createAdmin(w.db, webHasher, { userId: "root.admin", name: "首位管理员", unitName: "区环督办", password: PW }, w.clock());
    const [p] = await w.db.select().from(people).where(eq(people.userId, "root.admin"));
    expect(p.roles).toEqual(["admin"]);
    expect(p.unitId).toBe(4);
    expect((await login(w.app, "root.admin", PW)).res.headers.get("location")).toBe("/admin");
    await expect(createAdmin(w.db, webHasher, { userId: "root.admin", name: "x", password: PW }, 0)).rejects.toBeInstanceOf(CreateAdminError);
    await expect(createAdmin(w.db, webHasher, { userId: "short.pw", name: "x", password: "1234567" }, 0)).rejects.toThrow(/至少 8/);
    await expect(createAdmin(w.db, webHasher, { userId: "no.unit", name: "x", unitName: "不存在", password: PW }, 0)).rejects.toThrow(/no unit/);
    await w.store.cleanup();
  });
});
