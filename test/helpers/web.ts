/** Helpers for the dashboard tests: an app over a seeded temp database, sessions, forms, routes, row counts. */
import { eq, sql } from "drizzle-orm";
import type { Hono } from "hono";
import { inspectRoutes } from "hono/dev";
import { createApp } from "../../src/app.js";
import { people } from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import type { Deps } from "../../src/deps.js";
import type { Config } from "../../src/config.js";
import { insertSession, newSessionToken } from "../../src/db/sessions.js";
import { hashPassword, type PasswordHasher } from "../../src/web/auth/password.js";
import { tempDb } from "./db.js";
import { seedFixture, testClock, testDeps } from "./fixture.js";

export const ORIGIN = "http://localhost";
/** One fixture person per role (test/helpers/seed-fixture.ts). */
export const ROLE_USER = { admin: "admin", dispatcher: "disp", leader: "lead", unit_head: "hh.head", officer: "hh.officer", accountability: "acct", auditor: "audit" } as const;
export type App = Hono<any>;

/** A seeded district, its deps (background work tracked so tests can wait for it) and the app. */
export async function webApp(opts: { passwords?: PasswordHasher; env?: Partial<Deps>; config?: Partial<Config> } = {}) {
  const store = await tempDb();
  await seedFixture(store.db);
  const clock = testClock();
  const pending: Promise<unknown>[] = [];
  const base = await testDeps(store.db, store.dir, clock);
  const deps: Deps = { ...base, config: { ...base.config, ...opts.config }, waitUntil: (p) => void pending.push(p.catch(() => {})), passwords: opts.passwords, ...opts.env };
  const app = createApp(deps) as App;
  return { store, db: store.db, deps, clock, app, settle: async () => void (await Promise.all(pending.splice(0))) };
}

export async function personId(db: Db, userId: string): Promise<number> {
  const [p] = await db.select({ id: people.id }).from(people).where(eq(people.userId, userId));
  return p.id;
}

/** A signed-in session for `userId` without going through the form: { cookie, csrf }. */
export async function sessionFor(db: Db, userId: string, now: number): Promise<{ cookie: string; csrf: string; id: string }> {
  const s = await newSessionToken();
  await db.batch([insertSession(db, s, await personId(db, userId), now)]);
  return { cookie: `__Host-duban_session=${s.token}`, csrf: s.csrf, id: s.id };
}

export async function setPassword(db: Db, userId: string, hasher: PasswordHasher, password: string): Promise<void> {
  await db.update(people).set({ passwordHash: await hashPassword(hasher, password) }).where(eq(people.userId, userId));
}

/** Every Set-Cookie of a response, as name → full header line. */
export function setCookies(res: Response): Record<string, string> {
  return Object.fromEntries(res.headers.getSetCookie().map((line) => [line.split("=")[0], line]));
}

export const cookieValue = (line: string | undefined) => line?.split(";")[0].split("=").slice(1).join("=") ?? "";

/** GET /login: the pre-session cookie and the form's CSRF token. */
export async function loginForm(app: App): Promise<{ cookie: string; csrf: string }> {
  const res = await app.request(`${ORIGIN}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1];
  return { cookie: `__Host-duban_pre=${cookieValue(setCookies(res)["__Host-duban_pre"])}`, csrf };
}

export function post(app: App, path: string, fields: Record<string, string>, o: { cookie?: string; origin?: string | null; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded", ...o.headers };
  if (o.cookie) headers.cookie = o.cookie;
  if (o.origin !== null) headers.origin = o.origin ?? ORIGIN;
  return app.request(`${ORIGIN}${path}`, { method: "POST", headers, body: new URLSearchParams(fields).toString() });
}

export const get = (app: App, path: string, cookie?: string) => app.request(`${ORIGIN}${path}`, { headers: cookie ? { cookie } : {} });

/** Sign in through the form; returns the response and the session cookie it set (if any). */
export async function login(app: App, userId: string, password: string) {
  const f = await loginForm(app);
  const res = await post(app, "/login", { _csrf: f.csrf, userid: userId, password }, { cookie: f.cookie });
  const line = setCookies(res)["__Host-duban_session"];
  return { res, line, cookie: line && cookieValue(line) ? `__Host-duban_session=${cookieValue(line)}` : undefined };
}

/** The app's real routes (middleware left out), one per method and path. */
export function routesOf(app: App): { method: string; path: string }[] {
  const seen = new Set<string>();
  return inspectRoutes(app)
    .filter((r) => !r.isMiddleware)
    .filter((r) => !seen.has(`${r.method} ${r.path}`) && seen.add(`${r.method} ${r.path}`))
    .map(({ method, path }) => ({ method, path }));
}

const SAMPLES: Record<string, string> = { token: "x".repeat(43), date: "2099-01-01", chatId: "g-hh" };
/** A concrete URL for a route pattern: ":id" → `id` (default a row that does not exist), other params by name. */
export const samplePath = (path: string, id = "999999") => path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string) => SAMPLES[name] ?? id);

/** Rows in every table: a GET must leave all of them unchanged. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const res = await db.all<{ name: string }>(sql.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%'"));
  const out: Record<string, number> = {};
  for (const { name } of res) out[name] = (await db.all<{ n: number }>(sql.raw(`select count(*) as n from "${name}"`)))[0].n;
  return out;
}

/** Rows changed on the (single) connection since it opened: a write spy that also sees UPDATEs. */
export async function totalChanges(db: Db): Promise<number> {
  // total_changes() is per connection: ask the writer (a plain select would go to the read connection, issue 12).
  return db.transaction(async (tx) => (await tx.all<{ n: number }>(sql`select total_changes() as n`))[0].n);
}
