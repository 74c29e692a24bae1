/**
 * `duban smoke <baseUrl>`: a post-deploy check of a running instance over HTTP only (reliability R30, §7 decision 9).
 * 1. healthz  — GET /healthz answers ok with the database reachable.
 * 2. login    — the real sign-in form: GET /login (the `__Host-duban_pre` cookie and the `_csrf` field), POST /login,
 *               for an administrator the TOTP step (never an enrolment), GET the landing page, POST /logout.
 * 3. callback — WeCom's URL verification (GET /wecom/callback), signed and encrypted with our own crypto; no side effects.
 * 4. cron     — the scheduler finished a run recently: `lastTickAt` of /healthz is at most --max-tick-age minutes old.
 * Credentials come from the environment and are never printed. Global fetch only; cookies are handled here by hand.
 */
import { parseArgs } from "node:util";
import { createWecomCrypto } from "./bot/wecom/crypto.js";
import { MFA_COOKIE, PRE_COOKIE, SESSION_COOKIE } from "./web/auth/session.js";
import { base32Decode, hotp, stepAt } from "./web/auth/totp.js";

export const SMOKE_USAGE = `  smoke <baseUrl> [--max-tick-age <minutes>] [--timeout <seconds>]
                        check a deployed instance: /healthz, sign-in and sign-out (DUBAN_SMOKE_USER,
                        DUBAN_SMOKE_PASSWORD, DUBAN_SMOKE_TOTP_SECRET for an administrator), a signed WeCom URL
                        verification (WECOM_TOKEN, WECOM_ENCODING_AES_KEY; skipped when unset) and the last
                        scheduler run (default at most 10 minutes ago). Exits 1 when a check fails
`;

export type SmokeOptions = {
  baseUrl: string;
  user?: string;
  password?: string;
  /** Base32, as shown when the administrator enrolled; only needed for an administrator account. */
  totpSecret?: string;
  wecomToken?: string;
  wecomAesKey?: string;
  /** The last scheduler run may be at most this old (default 10). */
  maxTickAgeMinutes?: number;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  now?: () => number;
};

export type SmokeCheck = { name: "healthz" | "login" | "callback" | "cron"; status: "pass" | "fail" | "skip"; reason: string };
export type SmokeResult = { ok: boolean; lines: string[]; checks: SmokeCheck[] };

// The names the server sets (src/web/auth/session.ts), with the __Host- prefix browsers see.
const SESSION = `__Host-${SESSION_COOKIE}`;
const PRE = `__Host-${PRE_COOKIE}`;
const MFA = `__Host-${MFA_COOKIE}`;
const MARK = { pass: "✓", fail: "✗", skip: "–" } as const;

/** A failed check: thrown inside a check, turned into its line. */
class Fail extends Error {}
function fail(reason: string): never {
  throw new Fail(reason);
}

/** Just enough of a cookie jar for one origin: name → value; a Set-Cookie that expires the cookie removes it. */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = value === "" || attrs.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
      if (gone) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join("; ");
  }
}

const hiddenField = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
const metaCsrf = (html: string) => /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1];

function describeError(e: unknown): string {
  if (e instanceof Fail) return e.message;
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError") return "no answer in time";
  const cause = err?.cause?.code ?? err?.cause?.message;
  return `unreachable (${[err?.message ?? String(e), cause].filter(Boolean).join(": ")})`;
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function runSmoke(opts: SmokeOptions): Promise<SmokeResult> {
  const now = opts.now ?? (() => Date.now());
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const maxAgeMin = opts.maxTickAgeMinutes ?? 10;
  const checks: SmokeCheck[] = [];
  const finish = (): SmokeResult => ({
    ok: checks.every((c) => c.status !== "fail"),
    checks,
    lines: checks.map((c) => `${MARK[c.status]} ${c.name.padEnd(8)} ${c.reason}`),
  });

  let origin: string;
  try {
    const u = new URL(opts.baseUrl);
    if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("not http(s)");
    if (u.username || u.password) throw new Error("credentials in the URL");
    origin = u.origin;
  } catch {
    checks.push({ name: "healthz", status: "fail", reason: "the base URL must be http(s)://host[:port] without credentials" });
    return finish();
  }

  /** One request to our origin, redirects not followed, cookies from `jar` sent and taken back. */
  async function request(method: "GET" | "POST", path: string, o: { jar?: Jar; form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    const cookie = o.jar?.header();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (o.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      headers.origin = origin; // the CSRF check compares it with our own origin (R33)
      body = new URLSearchParams(o.form).toString();
    }
    const res = await fetch(new URL(path, origin), { method, headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
    o.jar?.take(res);
    return res;
  }

  async function check(name: SmokeCheck["name"], work: () => Promise<string | { skip: string }>): Promise<void> {
    try {
      const r = await work();
      checks.push(typeof r === "string" ? { name, status: "pass", reason: r } : { name, status: "skip", reason: r.skip });
    } catch (e) {
      checks.push({ name, status: "fail", reason: describeError(e) });
    }
  }

  // 1. healthz — its answer also carries the scheduler's last run for check 4.
  let health: { body: { ok?: unknown; db?: unknown; lastTickAt?: unknown }; serverNow: number } | undefined;
  await check("healthz", async () => {
    const res = await request("GET", "/healthz");
    const body = (await res.json().catch(() => undefined)) as { ok?: unknown; db?: unknown; lastTickAt?: unknown } | undefined;
    if (!body || typeof body !== "object") fail(`GET /healthz answered ${res.status} without JSON: is this a Duban instance?`);
    if (res.status !== 200 || body!.ok !== true || body!.db !== "ok") fail(`GET /healthz answered ${res.status} (db ${String(body!.db)})`);
    const date = Date.parse(res.headers.get("date") ?? "");
    // The server's own clock judges the age of its own watermark; this machine's clock only when no Date header came.
    health = { body: body!, serverNow: Number.isFinite(date) ? date : now() };
    return "ok (db ok)";
  });

  // 2. login — through the same form a browser uses.
  await check("login", async () => {
    if (!opts.user || !opts.password) fail("DUBAN_SMOKE_USER and DUBAN_SMOKE_PASSWORD are not set");
    const jar = new Jar();
    let res = await request("GET", "/login", { jar });
    const form = await res.text();
    const csrf = hiddenField(form, "_csrf");
    if (res.status !== 200 || !csrf || !jar.has(PRE)) fail(`GET /login answered ${res.status} without the ${PRE} cookie and _csrf field`);
    res = await request("POST", "/login", { jar, form: { _csrf: csrf!, userid: opts.user!, password: opts.password! } });
    await res.body?.cancel();
    if (res.status === 401) fail("sign-in refused (401): wrong DUBAN_SMOKE_USER or DUBAN_SMOKE_PASSWORD, or the account is locked (5 failures → 15 min)");
    if (res.status === 403) fail(`POST /login refused by the CSRF check (403): is ${origin} the origin of PUBLIC_BASE_URL?`);
    if (res.status !== 303) fail(`POST /login answered ${res.status}, expected 303`);
    let location = res.headers.get("location") ?? "";
    let admin = false;
    if (new URL(location, origin).pathname === "/login/mfa") {
      admin = true;
      if (!jar.has(MFA)) fail(`POST /login sent the code step without a ${MFA} cookie`);
      res = await request("GET", "/login/mfa", { jar }); // read-only (R33): tells an enrolment from a code prompt
      const page = await res.text();
      if (res.status !== 200) fail(`GET /login/mfa answered ${res.status}: the code step expired`);
      if (page.includes("data-secret=")) fail("administrator not enrolled; sign in once in a browser first (the smoke test never enrols an authenticator)");
      if (!opts.totpSecret) fail("administrator account: set DUBAN_SMOKE_TOTP_SECRET, or better use a non-admin smoke account (e.g. an auditor)");
      let key: Uint8Array;
      try {
        key = base32Decode(opts.totpSecret!);
      } catch {
        return fail("DUBAN_SMOKE_TOTP_SECRET is not base32");
      }
      const code = await hotp(key, stepAt(now()));
      res = await request("POST", "/login/mfa", { jar, form: { _csrf: hiddenField(page, "_csrf") ?? csrf!, code } });
      await res.body?.cancel();
      if (res.status === 401) fail("TOTP code refused (401): wrong DUBAN_SMOKE_TOTP_SECRET, a clock off by > 30 s, or a code already used (wait 30 s between runs); each refusal counts toward the lockout");
      if (res.status !== 303) fail(`POST /login/mfa answered ${res.status}, expected 303`);
      location = res.headers.get("location") ?? "";
    }
    if (!jar.has(SESSION)) fail(`signed in (303) but no ${SESSION} cookie was set`);
    const landing = new URL(location || "/dashboard", origin);
    const path = landing.origin === origin ? landing.pathname + landing.search : "/dashboard";
    res = await request("GET", path, { jar });
    const page = await res.text();
    if (res.status !== 200) fail(`signed in, but GET ${path} answered ${res.status} (the session stays until 30 min idle)`);
    const token = metaCsrf(page);
    if (!token) fail(`GET ${path} carries no csrf-token meta, so the session cannot be ended (it lapses after 30 min idle)`);
    res = await request("POST", "/logout", { jar, form: { _csrf: token! } });
    await res.body?.cancel();
    if (res.status !== 303 || jar.has(SESSION)) fail(`POST /logout answered ${res.status} and kept the session (it lapses after 30 min idle)`);
    return `signed in${admin ? " with a TOTP code (administrator)" : ""}, opened ${path}, signed out`;
  });

  // 3. callback — WeCom's URL verification: the server must decrypt our echostr and answer it verbatim.
  await check("callback", async () => {
    if (!opts.wecomToken || !opts.wecomAesKey) return { skip: "skipped: WECOM_TOKEN and WECOM_ENCODING_AES_KEY are not set (none needed in long-connection mode)" };
    let wc: ReturnType<typeof createWecomCrypto>;
    try {
      wc = createWecomCrypto({ token: opts.wecomToken, encodingAesKey: opts.wecomAesKey, receiveId: "" });
    } catch {
      return fail("WECOM_TOKEN or WECOM_ENCODING_AES_KEY is malformed (the key is 43 base64 characters)");
    }
    const echo = `duban-smoke-${randomHex(8)}`;
    const echostr = await wc.encrypt(echo);
    const timestamp = String(Math.floor(now() / 1000));
    const nonce = randomHex(8);
    const signature = await wc.signature(timestamp, nonce, echostr);
    const q = new URLSearchParams({ msg_signature: signature, timestamp, nonce, echostr });
    const res = await request("GET", `/wecom/callback?${q}`);
    const text = await res.text();
    if (res.status === 200 && text === echo) return "signed URL verification answered with the decrypted echo";
    if (res.status === 403) fail("signature refused (403): WECOM_TOKEN differs from the server's");
    if (res.status === 400) fail("echostr refused (400): WECOM_ENCODING_AES_KEY differs from the server's");
    if (res.status === 404) fail("no /wecom/callback (404): the server is not in WECOM_MODE=callback");
    return fail(`GET /wecom/callback answered ${res.status}${res.status === 200 ? " with something other than the echo" : ""}`);
  });

  // 4. cron — the scheduler (Cron Triggers on Workers, croner in `duban serve`) finished a run recently.
  await check("cron", async () => {
    if (!health) fail("no /healthz answer to read the scheduler's last run from");
    const raw = health!.body.lastTickAt;
    if (raw === undefined || raw === null) fail("no scheduler run recorded yet (/healthz has no lastTickAt): are the Cron Triggers deployed, or is `duban serve` running?");
    const at = typeof raw === "string" ? Date.parse(raw) : NaN;
    if (!Number.isFinite(at)) fail("/healthz lastTickAt is not a date");
    const ageMs = Math.max(0, health!.serverNow - at);
    const age = ageMs < 120_000 ? `${Math.round(ageMs / 1000)} s` : `${Math.round(ageMs / 60_000)} min`;
    if (ageMs > maxAgeMin * 60_000) fail(`last scheduler run ${age} ago (${raw}), more than ${maxAgeMin} min: check the Cron Triggers / the server's logs`);
    return `last scheduler run ${age} ago`;
  });

  return finish();
}

/** The CLI verb: options from argv, credentials from the environment; prints one line per check. */
export async function smokeCommand(argv: string[], env: Record<string, string | undefined> = process.env, print: (line: string) => void = console.log): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { "max-tick-age": { type: "string" }, timeout: { type: "string" } } });
  } catch (e) {
    print(`${(e as Error).message}\nUsage:\n${SMOKE_USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const baseUrl = positionals[0];
  const maxAge = values["max-tick-age"] === undefined ? 10 : Number(values["max-tick-age"]);
  const timeout = values.timeout === undefined ? 15 : Number(values.timeout);
  if (!baseUrl || positionals.length > 1 || !(maxAge > 0) || !(timeout > 0)) {
    print(`Usage:\n${SMOKE_USAGE}`);
    return 2;
  }
  const r = await runSmoke({
    baseUrl,
    user: env.DUBAN_SMOKE_USER,
    password: env.DUBAN_SMOKE_PASSWORD,
    totpSecret: env.DUBAN_SMOKE_TOTP_SECRET || undefined,
    wecomToken: env.WECOM_TOKEN || undefined,
    wecomAesKey: env.WECOM_ENCODING_AES_KEY || undefined,
    maxTickAgeMinutes: maxAge,
    timeoutMs: timeout * 1000,
  });
  for (const line of r.lines) print(line);
  return r.ok ? 0 : 1;
}
