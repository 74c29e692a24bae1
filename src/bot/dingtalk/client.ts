/**
 * The one DingTalk HTTP client (dingtalk.md §1, §3, §4): app access token (cached until shortly before expiry,
 * refreshed once on a token error), app-robot group send, robot file download, and JSON posts to a sessionWebhook
 * or a custom robot's signed webhook. Every call has a timeout and goes through the host allow-list (hosts.ts);
 * every failure is classified for the outbox relay (retryable / permanent / pause).
 */
import type { Clock } from "../../deps.js";
import type { DeliverResult } from "../../delivery/types.js";
import { allowedFetch, legacyBase, OutboundRefused, type DingtalkHosts, type Fetch } from "./hosts.js";
import { readCapped } from "../../http/read-capped.js";

export const SEND_TIMEOUT_MS = 10_000;
export const MEDIA_TIMEOUT_MS = 20_000;
/** The custom robot's limit is 20 a minute, then 10 minutes throttled (§4a): wait those out. */
export const RATE_PAUSE_MS = 10 * 60_000;
/** The official SDK refreshes 300 s before the token's expireIn (§3). */
const TOKEN_MARGIN_MS = 300_000;

/** Webhook errcodes (§4a) retrying cannot fix: bad signature, expired session/token, unusable group or robot, content. */
const PERMANENT = new Set([310000, 300001, 460101, 400013, 400101, 400102, 400105, 400106, 430101, 430102, 430103, 430104, 40035, 43004]);
const RATE_LIMITED = new Set([130101, 410100]);

export type DingtalkClientOptions = DingtalkHosts & { appKey: string; appSecret: string; clock: Clock; fetch?: Fetch; timeoutMs?: number };

export interface DingtalkClient {
  /** The app access token; `fresh` drops the cached one first. */
  token(fresh?: boolean): Promise<string>;
  /** POST /v1.0/robot/groupMessages/send (§4b). */
  groupSend(p: { robotCode: string; openConversationId: string; msgKey: string; msgParam: Record<string, unknown> }): Promise<DeliverResult>;
  /** POST /v1.0/robot/oToMessages/batchSend: the app robot's one-to-one message to people by staffId. */
  userSend(p: { robotCode: string; userIds: string[]; msgKey: string; msgParam: Record<string, unknown> }): Promise<DeliverResult>;
  /** JSON POST to a sessionWebhook or a (signed) custom-robot webhook; `{errcode}` classified (§4a). */
  postWebhook(url: string, body: unknown): Promise<DeliverResult>;
  /** The bytes of a received picture/file, at most maxBytes (+1 to detect an oversized file without buffering it). */
  download(p: { downloadCode: string; robotCode: string; maxBytes: number }): Promise<{ bytes: Uint8Array; truncated: boolean }>;
  /** The custom robot's webhook URL for a stored value: a full URL, or the bare access_token. */
  webhookUrl(stored: string): string;
}

const net = (what: string, e: unknown, timeoutMs: number): DeliverResult => {
  if (e instanceof OutboundRefused) return { ok: false, retryable: false, error: `${what}: ${e.message}` };
  const timeout = (e as Error)?.name === "TimeoutError" || (e as Error)?.name === "AbortError";
  return { ok: false, retryable: true, error: `${what}: ${timeout ? `timeout after ${timeoutMs} ms` : `network: ${(e as Error)?.message ?? e}`}` };
};

/** OpenAPI (api.dingtalk.com) errors: HTTP status + `{code, message}`. */
function apiError(what: string, status: number, body: { code?: string; message?: string } | undefined): DeliverResult & { ok: false; tokenExpired?: boolean } {
  const code = String(body?.code ?? "");
  const error = `${what}: HTTP ${status} ${code} ${String(body?.message ?? "").slice(0, 120)}`.trim();
  if (status === 401 || /token/i.test(code)) return { ok: false, retryable: true, error, tokenExpired: true };
  if (status === 429 || /throttl|qps|limit/i.test(code)) return { ok: false, retryable: true, error, pauseMs: 60_000 };
  if (status >= 500) return { ok: false, retryable: true, error };
  return { ok: false, retryable: false, error }; // 400 invalidParameter.* (e.g. the robot is not in the group), 403
}

export function createDingtalkClient(o: DingtalkClientOptions): DingtalkClient {
  const raw: Fetch = o.fetch ?? ((input, init) => fetch(input, init)); // never a foreign `this` on workerd
  const hosts: DingtalkHosts = { apiBase: o.apiBase, apiBaseSet: o.apiBaseSet };
  const timeoutMs = o.timeoutMs ?? SEND_TIMEOUT_MS;
  const call = (url: string, init: RequestInit, anyHttps = false) => allowedFetch(raw, hosts, url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) }, { anyHttps });
  const json = (body: unknown): RequestInit => ({ method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
  let cached: { token: string; until: number } | undefined;
  let pending: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const res = await call(`${o.apiBase}/v1.0/oauth2/accessToken`, json({ appKey: o.appKey, appSecret: o.appSecret }));
    const body = (await res.json().catch(() => undefined)) as { accessToken?: string; expireIn?: number; code?: string; message?: string } | undefined;
    if (!res.ok || !body?.accessToken) {
      // The message names the setting, never its value.
      throw new Error(`DingTalk access token refused (HTTP ${res.status} ${body?.code ?? ""}): check DINGTALK_APP_KEY and DINGTALK_APP_SECRET`);
    }
    cached = { token: body.accessToken, until: o.clock() + Math.max(60, Number(body.expireIn ?? 7200)) * 1000 - TOKEN_MARGIN_MS };
    return body.accessToken;
  }

  async function token(fresh = false): Promise<string> {
    if (fresh) cached = undefined;
    if (cached && o.clock() < cached.until) return cached.token;
    pending ??= fetchToken().finally(() => (pending = undefined)); // one refresh for concurrent callers
    return pending;
  }

  /** An OpenAPI call with the token header; on a token error the token is refreshed and the call made once more. */
  async function withToken(url: string, body: unknown): Promise<{ res: Response; parsed: unknown } | DeliverResult> {
    for (let attempt = 0; ; attempt++) {
      let t: string;
      try {
        t = await token(attempt > 0);
      } catch (e) {
        return { ok: false, retryable: true, error: String((e as Error).message) };
      }
      const init = json(body);
      let res: Response;
      try {
        res = await call(url, { ...init, headers: { ...(init.headers as Record<string, string>), "x-acs-dingtalk-access-token": t } });
      } catch (e) {
        return net(new URL(url).pathname, e, timeoutMs);
      }
      const parsed = await res.json().catch(() => undefined);
      if (res.ok) return { res, parsed };
      const err = apiError(new URL(url).pathname, res.status, parsed as { code?: string });
      if (err.tokenExpired && attempt === 0) continue;
      const { tokenExpired: _, ...result } = err;
      return result;
    }
  }

  return {
    token,

    async groupSend(p) {
      const r = await withToken(`${o.apiBase}/v1.0/robot/groupMessages/send`, { ...p, msgParam: JSON.stringify(p.msgParam) });
      if ("ok" in r) return r;
      return (r.parsed as { processQueryKey?: string } | undefined)?.processQueryKey ? { ok: true } : { ok: false, retryable: true, error: "groupMessages/send: malformed response" };
    },

    async userSend(p) {
      const r = await withToken(`${o.apiBase}/v1.0/robot/oToMessages/batchSend`, { ...p, msgParam: JSON.stringify(p.msgParam) });
      return "ok" in r ? r : { ok: true };
    },

    async postWebhook(url, body) {
      let res: Response;
      try {
        res = await call(url, json(body));
      } catch (e) {
        return net("webhook", e, timeoutMs);
      }
      if (res.status === 429) return { ok: false, retryable: true, error: "webhook: HTTP 429", pauseMs: RATE_PAUSE_MS };
      if (res.status >= 500) return { ok: false, retryable: true, error: `webhook: HTTP ${res.status}` };
      const b = (await res.json().catch(() => undefined)) as { errcode?: number; errmsg?: string } | undefined;
      if (res.status >= 400) return { ok: false, retryable: false, error: `webhook: HTTP ${res.status} errcode ${b?.errcode ?? "?"}` };
      if (!b || typeof b.errcode !== "number") return { ok: false, retryable: true, error: "webhook: malformed response" };
      if (b.errcode === 0) return { ok: true };
      const error = `webhook: errcode ${b.errcode}: ${String(b.errmsg ?? "").slice(0, 100)}`;
      if (RATE_LIMITED.has(b.errcode)) return { ok: false, retryable: true, error, pauseMs: RATE_PAUSE_MS };
      return { ok: false, retryable: !PERMANENT.has(b.errcode), error };
    },

    async download({ downloadCode, robotCode, maxBytes }) {
      const r = await withToken(`${o.apiBase}/v1.0/robot/messageFiles/download`, { downloadCode, robotCode });
      if ("ok" in r) throw new Error(r.ok ? "download: no downloadUrl" : r.error);
      const downloadUrl = (r.parsed as { downloadUrl?: string } | undefined)?.downloadUrl;
      if (!downloadUrl) throw new Error("download: answer without downloadUrl");
      // The URL came from DingTalk's authenticated API, not from a message: its storage host may be any https host.
      const res = await call(downloadUrl, { signal: AbortSignal.timeout(MEDIA_TIMEOUT_MS) }, true);
      if (!res.ok) {
        await res.body?.cancel().catch(() => {});
        throw new Error(`download: HTTP ${res.status}`);
      }
      if (Number(res.headers.get("content-length") ?? "NaN") > maxBytes) {
        await res.body?.cancel().catch(() => {});
        return { bytes: new Uint8Array(0), truncated: true };
      }
      return readCapped(res, maxBytes);
    },

    webhookUrl(stored) {
      return /^https?:\/\//i.test(stored) ? stored : `${legacyBase(hosts)}/robot/send?access_token=${encodeURIComponent(stored)}`;
    },
  };
}

