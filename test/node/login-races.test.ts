/**
 * Lockout and MFA attempt limits under concurrency (R31): attempts are counted before they are checked, so a burst
 * sent at once is held to the same limits as attempts sent one by one. Real libSQL file, real PBKDF2, real TOTP;
 * evaluations are counted from the audit log, never from timing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { auditLog, people, sessions } from "../../src/db/schema.js";
import { webHasher } from "../../src/web/auth/password.js";
import { MAX_FAILURES, SOURCE_MAX_FAILURES } from "../../src/web/auth/lockout.js";
import { CHALLENGE_MAX_ATTEMPTS } from "../../src/db/mfa.js";
import { cookieValue, get, loginForm, personId, post, setCookies, setPassword, webApp } from "../helpers/web.js";
import { referenceTotp as totp } from "../helpers/reference-totp.js";

const PW = "并发猜测 也不能 越过上限";
type W = Awaited<ReturnType<typeof webApp>>;
let w: W | undefined;
afterEach(() => w?.store.cleanup());

const rowsFor = async (db: W["db"], action: string, object: string) =>
  db.select().from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.object, object)));
/** Every code attempt's row: those refused before the challenge was read carry no person. */
const mfaRows = async (db: W["db"]) => db.select().from(auditLog).where(eq(auditLog.action, "auth.mfa"));
const reason = (r: { detail: unknown }) => (r.detail as { reason?: string } | null)?.reason;

/** `n` sign-in forms fetched first, so the burst itself is only the POSTs. */
async function forms(app: W["app"], n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await loginForm(app));
  return out;
}

describe("password lockout under a burst of concurrent attempts (R31)", () => {
  it("evaluates exactly the limit of 25 concurrent wrong passwords, locks once, then refuses the right one", async () => {
    w = await webApp();
    const { app, db } = w;
    await setPassword(db, "hh.head", webHasher, PW);
    const object = `person:${await personId(db, "hh.head")}`;
    const fs = await forms(app, 25); // under the per-source throttle (30), so only the account limit acts
    const res = await Promise.all(fs.map((f, i) => post(app, "/login", { _csrf: f.csrf, userid: "hh.head", password: `wrong ${i}` }, { cookie: f.cookie })));
    expect(res.every((r) => r.status === 401)).toBe(true);

    const rows = await rowsFor(db, "auth.login", object);
    expect(rows.filter((r) => r.result === "failed" && reason(r) === "bad_password")).toHaveLength(MAX_FAILURES);
    expect(rows.filter((r) => r.result === "denied")).toHaveLength(25 - MAX_FAILURES);
    expect(await rowsFor(db, "auth.lockout", object)).toHaveLength(1);
    const [p] = await db.select().from(people).where(eq(people.userId, "hh.head"));
    expect(p.lockedUntil).toBeGreaterThan(w.clock());

    const f = await loginForm(app);
    const right = await post(app, "/login", { _csrf: f.csrf, userid: "hh.head", password: PW }, { cookie: f.cookie });
    expect(right.status).toBe(401);
    expect(setCookies(right)["__Host-duban_session"]).toBeUndefined();
  });

  it("19 wrong passwords and the right one at once: the account ends locked, at most one session, no guess past the limit", async () => {
    w = await webApp();
    const { app, db } = w;
    await setPassword(db, "hh.head", webHasher, PW);
    const id = await personId(db, "hh.head");
    const object = `person:${id}`;
    const fs = await forms(app, 20);
    const rightAt = 9;
    const res = await Promise.all(
      fs.map((f, i) => post(app, "/login", { _csrf: f.csrf, userid: "hh.head", password: i === rightAt ? PW : `wrong ${i}` }, { cookie: f.cookie })),
    );
    const opened = res.filter((r) => setCookies(r)["__Host-duban_session"]);
    expect(opened.length).toBeLessThanOrEqual(1);
    expect((await db.select().from(sessions).where(eq(sessions.personId, id))).length).toBe(opened.length);

    const rows = await rowsFor(db, "auth.login", object);
    const wrong = rows.filter((r) => r.result === "failed" && reason(r) === "bad_password");
    // Each evaluated guess held a numbered slot within the limit. Only a right password that lands mid-burst
    // gives its slots back (success resets the counter), so a session allows one more round at most.
    for (const r of wrong) expect((r.detail as { failures: number }).failures).toBeLessThanOrEqual(MAX_FAILURES);
    expect(wrong.length).toBeLessThanOrEqual(MAX_FAILURES * (1 + opened.length));
    expect(rows.filter((r) => r.result === "ok")).toHaveLength(opened.length);
    expect(rows).toHaveLength(20); // every attempt left its row: evaluated, or denied unevaluated
    // However the burst interleaved, 19 wrong guesses lock the account, with exactly one lockout row.
    expect(await rowsFor(db, "auth.lockout", object)).toHaveLength(1);
    const [p] = await db.select().from(people).where(eq(people.id, id));
    expect(p.lockedUntil).toBeGreaterThan(w.clock());
  });
});

describe("per-source throttle under a burst (R31)", () => {
  it("evaluates at most 30 of 40 concurrent attempts from one address on 40 different accounts", async () => {
    w = await webApp();
    const { app, db } = w;
    const fs = await forms(app, 40);
    const res = await Promise.all(fs.map((f, i) => post(app, "/login", { _csrf: f.csrf, userid: `spray${i}`, password: "guess" }, { cookie: f.cookie })));
    expect(res.every((r) => r.status === 401)).toBe(true);
    const rows = await db.select().from(auditLog).where(eq(auditLog.action, "auth.login"));
    expect(rows.filter((r) => reason(r) === "unknown_user")).toHaveLength(SOURCE_MAX_FAILURES);
    expect(rows.filter((r) => reason(r) === "source_throttled")).toHaveLength(40 - SOURCE_MAX_FAILURES);
  });
});


/** A fresh app with the administrator past the password and at the code step (enrolment page open). */
async function atCodeStep() {
  const web = (w = await webApp({ config: { adminMfa: true } }));
  const { app, db } = web;
  await setPassword(db, "admin", webHasher, PW);
  const object = `person:${await personId(db, "admin")}`;
  const f = await loginForm(app);
  const first = await post(app, "/login", { _csrf: f.csrf, userid: "admin", password: PW }, { cookie: f.cookie });
  expect(first.headers.get("location")).toBe("/login/mfa");
  const cookie = `${f.cookie}; __Host-duban_mfa=${cookieValue(setCookies(first)["__Host-duban_mfa"])}`;
  const secret = /data-secret="([A-Z2-7]+)"/.exec(await (await get(app, "/login/mfa", cookie)).text())![1];
  return { web, app, db, object, f, cookie, secret };
}

describe("administrator TOTP codes under a burst of concurrent guesses (R30, R31)", () => {
  it("evaluates at most 5 of 40 concurrent codes and opens at most one session", async () => {
    const { web, app, db, object, f, cookie, secret } = await atCodeStep();
    const right = totp(secret, web.clock());
    const codes = Array.from({ length: 40 }, (_, i) => (i === 20 ? right : String((Number(right) + 1 + i) % 1_000_000).padStart(6, "0")));
    const res = await Promise.all(codes.map((code) => post(app, "/login/mfa", { _csrf: f.csrf, code }, { cookie })));

    const rows = await mfaRows(db);
    const evaluated = rows.filter((r) => r.result === "ok" || (r.result === "failed" && reason(r) === "bad_code"));
    expect(evaluated.length).toBeLessThanOrEqual(CHALLENGE_MAX_ATTEMPTS);
    expect(evaluated.length).toBeGreaterThanOrEqual(1);
    expect(rows).toHaveLength(40);
    const opened = res.filter((r) => setCookies(r)["__Host-duban_session"]);
    expect(opened.length).toBe(rows.filter((r) => r.result === "ok").length);
    expect(opened.length).toBeLessThanOrEqual(1);
    // Without the right code among those evaluated, the five wrong ones lock the account (shared counter).
    const [p] = await db.select().from(people).where(eq(people.userId, "admin"));
    if (opened.length === 0) {
      expect(p.lockedUntil).toBeGreaterThan(web.clock());
      expect(await rowsFor(db, "auth.lockout", object)).toHaveLength(1);
    } else expect(p.failedLogins).toBeLessThan(MAX_FAILURES);
  });

  it("40 concurrent wrong codes: exactly 5 evaluated, the account locked once", async () => {
    const { web, app, db, object, f, cookie, secret } = await atCodeStep();
    const right = totp(secret, web.clock());
    const near = new Set([right, totp(secret, web.clock() - 30_000), totp(secret, web.clock() + 30_000)]);
    const codes: string[] = [];
    for (let i = 0; codes.length < 40; i++) {
      const c = String(100_000 + i * 7919).padStart(6, "0");
      if (!near.has(c)) codes.push(c);
    }
    const res = await Promise.all(codes.map((code) => post(app, "/login/mfa", { _csrf: f.csrf, code }, { cookie })));
    expect(res.every((r) => r.status >= 400)).toBe(true);
    const rows = await mfaRows(db);
    expect(rows.filter((r) => r.result === "failed" && reason(r) === "bad_code")).toHaveLength(CHALLENGE_MAX_ATTEMPTS);
    expect(rows).toHaveLength(40); // the rest refused unevaluated, each with its row
    expect(await rowsFor(db, "auth.lockout", object)).toHaveLength(1);
  });
});
