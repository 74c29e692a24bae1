/**
 * Browser security for every response and every state-changing request (R33, ASVS 3.4/3.5):
 * - headers: HSTS, a nonce-based CSP (object-src/base-uri/frame-ancestors 'none'), nosniff, Referrer-Policy …
 * - CSRF: a non-GET/HEAD request needs the session's token (form field `_csrf` or header `x-csrf-token`),
 *   an Origin (when sent) equal to our own, and a Sec-Fetch-Site that is not cross-site or same-site.
 * Exempt, because they authenticate otherwise: /wecom/callback and /dingtalk/callback (signed by the platform),
 * /api/v1/* with a Bearer token, and /sim/* — the local chat simulator, mounted only in local mode, which has no
 * accounts at all.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { WebEnv } from "./context.js";
import { randomToken, safeEqual } from "../db/tokens.js";
import { isBearerApi, preToken, setPreCookie } from "./auth/session.js";

const SAFE_METHODS = new Set(["GET", "HEAD"]);
const PAGELESS = /^\/(?:wecom|dingtalk)\/callback(?:\/|$)/;

function csp(nonce: string, path: string): string {
  // The simulator page (local mode only) ships one inline script without a nonce.
  const script = path === "/sim" || path.startsWith("/sim/") ? "'self' 'unsafe-inline'" : nonce ? `'self' 'nonce-${nonce}'` : "'self'";
  return [
    "default-src 'self'",
    `script-src ${script}`,
    "style-src 'self' 'unsafe-inline'", // inline <style> and style="" (server-rendered SVG charts); never scripts
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join("; ");
}

/** Security headers on every response, errors and 404s included; sets `cspNonce` for inline scripts. */
export function securityHeaders(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    // The chat platforms' callbacks never get a page, so no inline script needs a nonce there (a random per request
    // was a measurable cost of every chat message).
    const nonce = PAGELESS.test(c.req.path) ? "" : randomToken(16);
    c.set("cspNonce", nonce);
    await next();
    const has = (name: string) => c.res.headers.has(name);
    const headers: [string, string][] = [
      ["Strict-Transport-Security", "max-age=31536000; includeSubDomains"],
      ["X-Content-Type-Options", "nosniff"],
      // same-origin: login-link tokens in our URLs never reach other sites, while our own form posts keep their Origin.
      ["Referrer-Policy", "same-origin"],
      ["X-Frame-Options", "DENY"],
      ["Cross-Origin-Opener-Policy", "same-origin"],
      ["Permissions-Policy", "camera=(), microphone=(), geolocation=()"],
    ];
    if (!has("Content-Security-Policy")) headers.push(["Content-Security-Policy", csp(nonce, c.req.path)]);
    if ((c.get("user") || c.req.path.startsWith("/login")) && !has("Cache-Control")) headers.push(["Cache-Control", "no-store"]);
    setHeaders(c, headers);
  };
}

/**
 * Set headers on the finished response. Hono's c.header copies a finished response on every call (nine copies per
 * request here, a measurable part of a chat callback); the headers of a response we built are mutable, so they are
 * set in place, and only an immutable one (a Response.redirect, a fetched body passed through) is copied, once.
 */
export function setHeaders(c: Context, headers: [string, string][]): void {
  try {
    for (const [k, v] of headers) c.res.headers.set(k, v);
  } catch {
    const copy = new Response(c.res.body, c.res);
    for (const [k, v] of headers) copy.headers.set(k, v);
    c.res = undefined; // assigned afresh, not merged with the old headers
    c.res = copy;
  }
}

/** Machine endpoints that authenticate by other means; every other non-GET/HEAD route is CSRF-checked. */
export function csrfExempt(c: Context): boolean {
  const p = c.req.path;
  if (p === "/wecom/callback" || p === "/dingtalk/callback") return true;
  if (p === "/sim" || p.startsWith("/sim/")) return true;
  return isBearerApi(c);
}

/** Our own origins: the one the request came to and PUBLIC_BASE_URL (they differ behind a reverse proxy). */
function ownOrigins(c: Context<WebEnv>): string[] {
  const out = [new URL(c.req.url).origin];
  try {
    out.push(new URL(c.get("deps").config.publicBaseUrl).origin);
  } catch {
    // an invalid base URL was refused by config parsing already
  }
  return out;
}

async function presentedToken(c: Context<WebEnv>): Promise<string | undefined> {
  const header = c.req.header("x-csrf-token");
  if (header) return header;
  const type = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded" && type !== "multipart/form-data") return undefined;
  // parseBody caches the parsed form, so the route can read the body again.
  const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
  const v = body["_csrf"];
  return typeof v === "string" ? v : undefined;
}

const forbidden = (c: Context<WebEnv>) =>
  c.req.path.startsWith("/api/") || (c.req.header("accept") ?? "").includes("application/json")
    ? c.json({ error: "CSRF", message: "请求来源校验失败，请刷新页面后重试" }, 403)
    : c.html("<!doctype html><meta charset=utf-8><title>请求被拒绝</title><p>请求来源校验失败（可能是页面已过期），请返回并刷新页面后重试。</p>", 403);

/** Reject forged state-changing requests (R33); mount after the session middleware. */
export function csrfProtection(): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method) || csrfExempt(c)) return next();
    const origin = c.req.header("origin");
    if (origin !== undefined && !ownOrigins(c).includes(origin)) return forbidden(c);
    const site = c.req.header("sec-fetch-site");
    if (site === "cross-site" || site === "same-site") return forbidden(c);
    const expected = c.get("user")?.csrf ?? preToken(c);
    // Nothing to compare with (no session, no pre-sign-in cookie): refused before a byte of the body is read (R09).
    if (!expected) return forbidden(c);
    const got = await presentedToken(c);
    if (!got || !safeEqual(expected, got)) return forbidden(c);
    await next();
  };
}

/**
 * The token a form must carry: the session's, or before sign-in a random one held in the
 * `__Host-duban_pre` cookie (double submit) — so even the sign-in form cannot be forged.
 */
export function csrfFor(c: Context<WebEnv>): string {
  const user = c.get("user");
  if (user?.csrf) return user.csrf;
  let t = preToken(c);
  if (!t) setPreCookie(c, (t = randomToken(32)));
  return t;
}
