/**
 * Session cookies and the app-wide middleware that puts the signed-in user on the context (R32).
 * Cookie `__Host-duban_session`: Secure, HttpOnly, SameSite=Lax, Path=/; the token carries 256 random bits and
 * only its SHA-256 is stored. Limits: 30 min idle, 12 h absolute; a disabled person's sessions stop at once.
 */
import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { WebEnv, WebUser } from "../context.js";
import { findSession, touchSession, type SessionWithPerson } from "../../db/sessions.js";
import { sha256Hex } from "../../db/tokens.js";

export const SESSION_COOKIE = "duban_session"; // sent as __Host-duban_session
export const MFA_COOKIE = "duban_mfa"; // sent as __Host-duban_mfa: the administrator's pending code step (R30)
export const PRE_COOKIE = "duban_pre"; // sent as __Host-duban_pre: the CSRF token of forms shown before sign-in
export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 60 * 60_000;
/** lastSeenAt is written at most once a minute, so browsing is not one write per page. */
export const TOUCH_MS = 60_000;

export type SessionEnd = "ended" | "idle" | "expired" | "disabled";

/** Why a stored session may no longer be used, or undefined when it may. */
export function sessionProblem(s: SessionWithPerson, now: number): SessionEnd | undefined {
  if (s.endedAt !== null) return "ended";
  if (!s.person.active) return "disabled";
  if (now - s.createdAt >= ABSOLUTE_MS) return "expired";
  if (now - s.lastSeenAt >= IDLE_MS) return "idle";
  return undefined;
}

export function userOf(s: SessionWithPerson): WebUser {
  const p = s.person;
  return { personId: p.id, userId: p.userId, name: p.name, unitId: p.unitId, roles: p.roles, sessionId: s.id, csrf: s.csrf, via: "session" };
}

const cookieBase = { prefix: "host", httpOnly: true, secure: true, sameSite: "Lax", path: "/" } as const;

export function setSessionCookie(c: Context, token: string): void {
  setCookie(c, SESSION_COOKIE, token, { ...cookieBase, maxAge: ABSOLUTE_MS / 1000 });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, cookieBase);
}

export function sessionToken(c: Context): string | undefined {
  const t = getCookie(c, SESSION_COOKIE, "host");
  return t && /^[A-Za-z0-9_-]{20,100}$/.test(t) ? t : undefined;
}

export function preToken(c: Context): string | undefined {
  const t = getCookie(c, PRE_COOKIE, "host");
  return t && /^[A-Za-z0-9_-]{20,100}$/.test(t) ? t : undefined;
}

export function setPreCookie(c: Context, token: string): void {
  setCookie(c, PRE_COOKIE, token, { ...cookieBase, maxAge: 2 * 60 * 60 });
}

export function clearPreCookie(c: Context): void {
  deleteCookie(c, PRE_COOKIE, cookieBase);
}

export function setMfaCookie(c: Context, token: string): void {
  setCookie(c, MFA_COOKIE, token, { ...cookieBase, maxAge: 10 * 60 });
}

export const mfaToken = (c: Context): string | undefined => getCookie(c, MFA_COOKIE, "host");

export function clearMfaCookie(c: Context): void {
  deleteCookie(c, MFA_COOKIE, cookieBase);
}

/** Machine clients of the REST API authenticate with a Bearer token; cookies are then ignored entirely. */
export const isBearerApi = (c: Context): boolean => c.req.path.startsWith("/api/v1/") && /^Bearer\s+\S/i.test(c.req.header("authorization") ?? "");

/** Load the session named by the cookie; sets `user`, or `authEnded` when a presented session is no longer valid. */
export function sessionMiddleware(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const token = isBearerApi(c) ? undefined : sessionToken(c);
    if (token) {
      const deps = c.get("deps");
      const now = deps.clock();
      const s = await findSession(deps.db, await sha256Hex(token));
      const problem = s ? sessionProblem(s, now) : "ended";
      if (s && !problem) {
        c.set("user", userOf(s));
        if (now - s.lastSeenAt >= TOUCH_MS) await touchSession(deps.db, s.id, now);
      } else {
        c.set("authEnded", problem ?? "ended");
        clearSessionCookie(c);
      }
    }
    await next();
  };
}
