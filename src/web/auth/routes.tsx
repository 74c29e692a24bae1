/**
 * GET/POST /login, GET/POST /login/mfa, POST /logout, GET/POST /login/link/:token, GET/POST /password/set/:token.
 * A GET here never writes (R33).
 */
import { Hono, type Context } from "hono";
import type { WebEnv } from "../context.js";
import { peekLoginLink } from "../../db/login-links.js";
import { csrfFor } from "../security.js";
import { clientSource } from "./source.js";
import { clearMfaCookie, clearPreCookie, clearSessionCookie, mfaToken, setMfaCookie, setSessionCookie } from "./session.js";
import { linkLogin, logout, passwordLogin, type LoginResult } from "./login.js";
import { mfaView, verifyMfa } from "./mfa.js";
import { MFA_MESSAGES, MfaPage } from "./mfa-views.js";
import { LinkPage, LOGIN_FAILED, LoginPage } from "./views.js";
import { passwordLinkRoutes } from "./password-link.js";

/** Only same-site paths: "/x" but never "//host" or "/\host" (open redirect). */
export function safeNext(next: unknown): string | undefined {
  return typeof next === "string" && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length <= 500 ? next : undefined;
}

/** Where a person lands after signing in when no page was asked for. */
export function homeFor(roles: readonly string[]): string {
  if (roles.includes("auditor") && roles.length === 1) return "/admin/audit";
  if (roles.includes("admin") && roles.length === 1) return "/admin";
  return "/dashboard";
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

function openSession(c: Context<WebEnv>, token: string, roles: readonly string[], next?: string) {
  setSessionCookie(c, token);
  clearPreCookie(c);
  clearMfaCookie(c);
  return c.redirect(next ?? homeFor(roles), 303);
}

/** After the first factor: a session, or for an administrator the code page that finishes the sign-in (R30). */
function signedIn(c: Context<WebEnv>, r: Exclude<LoginResult, { ok: false }>, next?: string) {
  if (r.ok === "mfa") {
    setMfaCookie(c, r.challenge);
    return c.redirect("/login/mfa", 303);
  }
  return openSession(c, r.session.token, r.roles, next);
}

export function authRoutes(): Hono<WebEnv> {
  const r = new Hono<WebEnv>();

  r.get("/login", (c) => {
    const next = safeNext(c.req.query("next"));
    const user = c.get("user");
    if (user) return c.redirect(next ?? homeFor(user.roles), 303);
    return c.html(<LoginPage csrf={csrfFor(c)} next={next} />);
  });

  r.post("/login", async (c) => {
    const body = await c.req.parseBody();
    const next = safeNext(body["next"]);
    const userId = str(body["userid"]);
    const res = await passwordLogin({ deps: c.get("deps"), source: clientSource(c), previousSessionId: c.get("user")?.sessionId }, { userId, password: str(body["password"]), next });
    // One answer for every failure — unknown user, wrong password, locked, throttled — in body and status (R31).
    // The typed userid is not echoed either, so the page is byte-identical whatever the account.
    if (!res.ok) return c.html(<LoginPage csrf={csrfFor(c)} next={next} error={LOGIN_FAILED} />, 401);
    return signedIn(c, res, next);
  });

  r.get("/login/mfa", async (c) => {
    const view = await mfaView(c.get("deps"), mfaToken(c));
    return c.html(<MfaPage csrf={csrfFor(c)} view={view} error={view ? undefined : MFA_MESSAGES.expired} />, view ? 200 : 400);
  });

  r.post("/login/mfa", async (c) => {
    const body = await c.req.parseBody();
    const deps = c.get("deps");
    const token = mfaToken(c);
    const res = await verifyMfa({ deps, source: clientSource(c), previousSessionId: c.get("user")?.sessionId }, token, str(body["code"]).slice(0, 20));
    if (res.ok) return openSession(c, res.session.token, res.roles, safeNext(res.next));
    if (res.reason === "wrong") return c.html(<MfaPage csrf={csrfFor(c)} view={await mfaView(deps, token)} error={MFA_MESSAGES.wrong(res.attemptsLeft)} />, 401);
    clearMfaCookie(c);
    return c.html(<MfaPage csrf={csrfFor(c)} error={MFA_MESSAGES[res.reason]} />, res.reason === "expired" ? 400 : 401);
  });

  r.post("/logout", async (c) => {
    const user = c.get("user");
    if (user?.sessionId) await logout({ deps: c.get("deps"), source: clientSource(c), userId: user.userId, sessionId: user.sessionId });
    clearSessionCookie(c);
    return c.redirect("/login", 303);
  });

  r.get("/login/link/:token", async (c) => {
    const token = c.req.param("token");
    const who = await peekLoginLink(c.get("deps").db, token, c.get("deps").clock());
    return c.html(<LinkPage csrf={csrfFor(c)} token={who ? token : ""} name={who?.name} />, who ? 200 : 404);
  });

  r.post("/login/link/:token", async (c) => {
    const deps = c.get("deps");
    const res = await linkLogin({ deps, source: clientSource(c), previousSessionId: c.get("user")?.sessionId }, c.req.param("token"));
    if (!res.ok) return c.html(<LinkPage csrf={csrfFor(c)} token="" />, 400);
    return signedIn(c, res);
  });

  r.route("/", passwordLinkRoutes());
  return r;
}
