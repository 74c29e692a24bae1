/**
 * The one WeCom HTTP client: group-robot sends (wecom.md §2, via ./robot.ts), the single
 * `response_url` POST of a smart-bot message (§1.A.8) and media downloads (§1.A.4). Every call has a timeout.
 * Robot sends go to the configurable WECOM_API_BASE; response_url and media URLs come inside callbacks, so every
 * request goes through the host allow-list (hosts.ts) and is refused before any connection when it fails.
 */
import type { DeliverResult } from "../../delivery/types.js";
import { sendToRobot, SEND_TIMEOUT_MS, type RobotMessage } from "./robot.js";
import { allowedFetch, OutboundRefused } from "./hosts.js";
import { readCapped } from "../../http/read-capped.js";

export const MEDIA_TIMEOUT_MS = 20_000;

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;
export type MediaBody = { bytes: Uint8Array; fileName?: string; truncated: boolean };

export interface WecomClient {
  sendToRobot(key: string, message: RobotMessage): Promise<DeliverResult>;
  /** POSTs plain JSON markdown to a response_url; the caller guarantees it is used once (R20). */
  postResponseUrl(url: string, markdown: string): Promise<DeliverResult>;
  /** GETs a media URL, reading at most `maxBytes + 1` bytes so an oversized file is detected without buffering it. */
  getMedia(url: string, maxBytes: number): Promise<MediaBody>;
}

/** `filename*=UTF-8''…` or `filename="…"` from Content-Disposition (§1.A.4). */
export function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
  try {
    if (star) return decodeURIComponent(star[1].trim()).slice(0, 200);
  } catch {
    /* fall through to the plain form */
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(disposition);
  return plain ? plain[1].trim().slice(0, 200) : undefined;
}

/** `wsUrl`: WECOM_WS_URL, whose host is allowed too (a private deployment may serve media from it). */
export function createWecomClient(opts: { apiBase: string; wsUrl?: string; fetch?: Fetch; timeoutMs?: number; mediaTimeoutMs?: number }): WecomClient {
  // Wrapped so workerd never sees `fetch` called with a foreign `this` ("Illegal invocation").
  const raw: Fetch = opts.fetch ?? ((input, init) => fetch(input, init));
  const fetchFn: Fetch = (input, init) => allowedFetch(raw, { apiBase: opts.apiBase, wsUrl: opts.wsUrl }, input, init);
  const timeoutMs = opts.timeoutMs ?? SEND_TIMEOUT_MS;

  return {
    sendToRobot: (key, message) => sendToRobot(opts.apiBase, key, message, fetchFn as typeof fetch, timeoutMs),

    async postResponseUrl(url, markdown) {
      let res: Response;
      try {
        res = await fetchFn(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ msgtype: "markdown", markdown: { content: markdown } }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        if (e instanceof OutboundRefused) return { ok: false, retryable: false, error: `response_url: ${e.message}` };
        return { ok: false, retryable: true, error: `response_url: ${(e as Error)?.name === "TimeoutError" ? `timeout after ${timeoutMs} ms` : String((e as Error)?.message ?? e)}` };
      }
      // The response envelope is assumed to be {errcode, errmsg} like other qyapi calls (§1.A.8, UNCONFIRMED).
      const body = (await res.json().catch(() => undefined)) as { errcode?: number; errmsg?: string } | undefined;
      if (res.ok && (body?.errcode === 0 || body?.errcode === undefined)) return { ok: true };
      return { ok: false, retryable: res.status >= 500, error: `response_url: HTTP ${res.status} errcode ${body?.errcode ?? "?"} ${String(body?.errmsg ?? "").slice(0, 100)}` };
    },

    async getMedia(url, maxBytes) {
      const res = await fetchFn(url, { signal: AbortSignal.timeout(opts.mediaTimeoutMs ?? MEDIA_TIMEOUT_MS) });
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new Error(`media download failed: HTTP ${res.status}`);
      }
      const declared = Number(res.headers.get("content-length") ?? "NaN");
      if (declared > maxBytes) {
        await res.body?.cancel().catch(() => {});
        return { bytes: new Uint8Array(0), truncated: true, fileName: fileNameOf(res.headers.get("content-disposition")) };
      }
      const { bytes, truncated } = await readCapped(res, maxBytes);
      return { bytes, truncated, fileName: fileNameOf(res.headers.get("content-disposition")) };
    },
  };
}
