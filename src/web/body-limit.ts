/**
 * Request body limits on every route (R09), enforced while the body streams in and before the CSRF check or any
 * parsing reads it:
 * - a non-GET request to a path with no route for its method gets the 404 without a byte read;
 * - a declared Content-Length above the route's cap gets 413 without a byte read;
 * - otherwise the body is counted as it is read and cut off at the cap (chunked bodies included), then 413;
 * - nobody signed in (no session, no API token) may send more than ANONYMOUS_MAX bytes anywhere but the two machine
 *   endpoints, so an attacker holding only the pre-sign-in cookie cannot make the server buffer a large body.
 * Hono's own `hono/body-limit` is not used: for a chunked body it buffers the whole body (up to the cap) before the
 * route runs, a second copy beside the route's own, and it knows neither per-route nor signed-in caps.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { MAX_BODY_BYTES as CALLBACK_MAX } from "../bot/wecom/callback-http.js";
import { MAX_BODY_BYTES as SIM_MAX } from "../bot/sim/routes.js";
import { MAX_TABLE_BYTES } from "../sheets/read.js";
import type { WebEnv } from "./context.js";

const KB = 1024;
const MB = 1024 * KB;

/** Anything sent by nobody signed in: the sign-in, code and logout forms are well under 1 KB. */
export const ANONYMOUS_MAX = 16 * KB;
/** Dashboard and admin forms: the longest is a case action with a few 500-character reasons, URL-encoded. */
export const FORM_MAX = 256 * KB;
// A multipart envelope around the file: boundaries, part headers, the other fields.
const MULTIPART_SLACK = 64 * KB;

/**
 * `selfCapped`: the route reads its body with `readBodyCapped` (the same cap, enforced while reading), so it gets the
 * raw body: wrapping it in a counted stream and a new Request cost ~0.1 ms of every chat callback (bench/callback.ts).
 */
export type BodyRule = { path: string; prefix?: true; max: number; anonymous?: true; selfCapped?: true; what: string };

/** The caps, most specific first; the README's "Request size limits" table lists the same. */
export const BODY_RULES: readonly BodyRule[] = [
  // Signed by WeCom, so read before anyone is known; the route keeps the same cap itself (R09).
  { path: "/wecom/callback", max: CALLBACK_MAX, anonymous: true, selfCapped: true, what: "WeCom callback" },
  // Signed by DingTalk (timestamp + sign headers): a group message is small JSON, picture content is a download code.
  { path: "/dingtalk/callback", max: 64 * KB, anonymous: true, selfCapped: true, what: "DingTalk callback" },
  // Local mode only, no accounts: up to 9 photos of 10 MB as base64 JSON.
  { path: "/sim/messages", max: SIM_MAX, anonymous: true, what: "simulator message" },
  { path: "/dashboard/import/preview", max: MAX_TABLE_BYTES + MULTIPART_SLACK, what: "import file" },
  // The previewed table posted back as JSON: its form field allows 40,000,000 characters.
  { path: "/dashboard/import/commit", max: 40 * MB, what: "import confirmation" },
  { path: "/admin/roster/preview", max: MAX_TABLE_BYTES + MULTIPART_SLACK, what: "roster file" },
  { path: "/admin/roster/apply", max: MAX_TABLE_BYTES, what: "roster confirmation" },
  { path: "/api/v1/", prefix: true, max: FORM_MAX, what: "API request" },
];

export function ruleFor(path: string): BodyRule {
  return BODY_RULES.find((r) => (r.prefix ? path.startsWith(r.path) : path === r.path)) ?? { path, max: FORM_MAX, what: "form" };
}

/** The error a capped body stream fails with; `app.onError` answers it with the 413 too. */
export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
    this.name = "BodyTooLarge";
  }
}

/** The BodyTooLarge behind an error, if any: a runtime may wrap a failed body read in its own TypeError. */
export const bodyTooLarge = (e: unknown): BodyTooLarge | undefined =>
  e instanceof BodyTooLarge ? e : e instanceof Error && e.cause instanceof BodyTooLarge ? e.cause : undefined;

const size = (n: number) => (n >= MB ? `${Math.floor(n / MB)} MB` : `${Math.floor(n / KB)} KB`);

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The page the form was on, when it is one of ours: the 413 page links back to it, so nothing typed there is lost. */
function backLink(c: Context): string {
  const referer = c.req.header("referer");
  try {
    const to = referer ? new URL(referer) : undefined;
    return to && to.origin === new URL(c.req.url).origin ? `<p><a href="${escapeHtml(to.pathname + to.search)}">返回上一页</a></p>` : "";
  } catch {
    return "";
  }
}

/** 413 in the shape the caller reads: JSON for the API, the simulator and JSON clients, else a small page. */
export function tooLarge(c: Context<WebEnv>, limit: number): Response {
  c.get("deps").log.warn("request body over its cap", { method: c.req.method, path: c.req.path, limit, requestId: c.get("requestId") });
  const message = `请求内容过大（上限 ${size(limit)}），未处理。请减小文件或分批提交后重试。`;
  const json = c.req.path.startsWith("/api/") || c.req.path.startsWith("/sim/") || (c.req.header("accept") ?? "").includes("application/json");
  return json
    ? c.json({ error: "PAYLOAD_TOO_LARGE", message }, 413)
    : c.html(`<!doctype html><meta charset=utf-8><title>请求内容过大</title><p>${message}</p>${backLink(c)}`, 413);
}

/** The body, counted as the consumer pulls it; past `limit()` bytes it fails and stops reading. */
function countedBody(source: ReadableStream<Uint8Array>, limit: () => number, exceeded: (limit: number) => void): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        total += value.byteLength;
        const max = limit();
        if (total > max) {
          exceeded(max);
          // Not cancelled: on Node, cancelling the source destroys the socket before the 413 is written. Left unread,
          // it is drained or closed by the server once the answer is out; what was read is garbage now.
          reader.releaseLock();
          return controller.error(new BodyTooLarge(max));
        }
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 }, // read only when the consumer asks: nothing is pulled ahead of the CSRF or route check
  );
}

type Matched = [[unknown, { method: string }], unknown][];

/** Mount before the session and CSRF middleware; `app` is the app itself, asked which routes exist. */
export function bodyLimit(app: Hono<any>): MiddlewareHandler<WebEnv> {
  // Only a route registered for this method counts; "ALL" entries are middleware (`use`), which answer nothing.
  const routed = (method: string, path: string) => (app.router.match(method, path)[0] as Matched).some(([[, r]]) => r.method !== "ALL");
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") return next(); // no body on these (the runtimes drop it)
    if (!routed(method, c.req.path)) return c.notFound();
    const rule = ruleFor(c.req.path);
    const declared = c.req.header("content-length");
    if (declared !== undefined && !c.req.header("transfer-encoding") && Number(declared) > rule.max) return tooLarge(c, rule.max);
    if (rule.selfCapped) return next();
    const body = c.req.raw.body;
    if (!body) return next();
    // Decided when the body is read, after the session middleware has said who is asking.
    const limit = () => (rule.anonymous || c.get("user") ? rule.max : Math.min(rule.max, ANONYMOUS_MAX));
    let over: number | undefined;
    const raw = c.req.raw;
    const init = { method, headers: raw.headers, body: countedBody(body, limit, (n) => (over = n)), signal: raw.signal, duplex: "half" };
    c.req.raw = new Request(raw.url, init as RequestInit);
    await next();
    // Whatever the route made of the failed read (a 400, a 403), the answer is the 413; app.onError gave it already
    // when the failed read was thrown.
    if (over !== undefined && c.res.status !== 413) {
      c.res = undefined;
      c.res = tooLarge(c, over);
    }
  };
}
