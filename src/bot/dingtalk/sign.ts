/**
 * DingTalk signatures (dingtalk.md §1, §4a, vectors §8), WebCrypto only so the same code runs on Node and Workers.
 * Both schemes are base64(HMAC-SHA256(key = secret, msg = timestamp + "\n" + secret)):
 * - inbound (app robot HTTP receive): headers `timestamp` (ms) and `sign` (plain base64), accepted within 1 h;
 * - outbound (custom robot 加签): `&timestamp=TS&sign=<URL-encoded base64>` on the webhook URL.
 */

const enc = new TextEncoder();

/** DingTalk accepts a signed timestamp up to one hour from its clock, both ways (§1, §4a). */
export const SIGN_WINDOW_MS = 60 * 60 * 1000;

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)). */
export async function dingtalkSign(timestamp: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(`${timestamp}\n${secret}`))));
}

/** Compares without an early exit, so the time taken does not tell how much of a forged sign was right. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = enc.encode(a);
  const y = enc.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i % (x.length || 1)] ?? 0) ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}

export type InboundCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "mismatch"; skewMs?: number };

/**
 * The HTTP-receive check: both headers present, the timestamp within `windowMs` of `now`, and the sign equal to
 * ours in constant time. The header is compared as sent: a URL-encoded sign is a mismatch (§8 V3).
 */
export async function verifyInbound(h: { timestamp?: string | null; sign?: string | null }, appSecret: string, now: number, windowMs = SIGN_WINDOW_MS): Promise<InboundCheck> {
  if (!h.timestamp || !h.sign) return { ok: false, reason: "missing" };
  if (!/^\d{1,15}$/.test(h.timestamp) || h.sign.length > 200) return { ok: false, reason: "malformed" };
  const skewMs = now - Number(h.timestamp);
  // The sign is checked before the window so a stale but authentic request can be told from a forged one in logs.
  const expected = await dingtalkSign(h.timestamp, appSecret);
  if (!constantTimeEqual(h.sign, expected)) return { ok: false, reason: "mismatch" };
  if (Math.abs(skewMs) > windowMs) return { ok: false, reason: "stale", skewMs };
  return { ok: true };
}

/** The custom-robot webhook URL with `timestamp` and the URL-encoded `sign` appended (加签, §4a). */
export async function signWebhookUrl(webhook: string, secret: string, now: number): Promise<string> {
  const ts = String(now);
  const sign = encodeURIComponent(await dingtalkSign(ts, secret));
  return `${webhook}${webhook.includes("?") ? "&" : "?"}timestamp=${ts}&sign=${sign}`;
}
