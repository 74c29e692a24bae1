/**
 * Where the DingTalk client may send a request (as src/bot/wecom/hosts.ts for WeCom). sessionWebhook URLs arrive
 * inside messages, so a replayed or forged payload could point them at this server's own network; every call is
 * checked here, and each redirect hop again.
 * Allowed: https to DingTalk's own hosts (dingtalk.com and its subdomains: api, oapi, wss-open-connection, …) on 443,
 * and the origin of DINGTALK_API_BASE (plain http only to that exact origin). When DINGTALK_API_BASE is set, URLs
 * on DingTalk's public hosts (oapi webhooks, sessionWebhooks) are sent to it instead: a private deployment or a
 * loopback stand-in serves OpenAPI and the legacy paths from one base (issue 15).
 * `anyHttps`: only for the temporary downloadUrl that DingTalk's own API answered with (its storage host is not
 * documented, dingtalk.md §3); never for a URL taken from a message.
 */

export type DingtalkHosts = { apiBase: string; apiBaseSet: boolean };

const DINGTALK_SUFFIX = "dingtalk.com";
const LEGACY_BASE = "https://oapi.dingtalk.com";

const parse = (s: string): URL | undefined => {
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
};
const bare = (hostname: string) => hostname.toLowerCase().replace(/\.$/, "");
const isDingtalkHost = (u: URL) => {
  const h = bare(u.hostname);
  return h === DINGTALK_SUFFIX || h.endsWith(`.${DINGTALK_SUFFIX}`);
};

/** The base of legacy oapi paths (custom robot /robot/send): DINGTALK_API_BASE when set, else oapi.dingtalk.com. */
export const legacyBase = (cfg: DingtalkHosts): string => (cfg.apiBaseSet ? cfg.apiBase : LEGACY_BASE);

/** A DingTalk public URL re-pointed at DINGTALK_API_BASE when it is set; any other URL unchanged. */
export function routeUrl(raw: string, cfg: DingtalkHosts): string {
  const u = parse(raw);
  if (!cfg.apiBaseSet || !u || u.protocol !== "https:" || !isDingtalkHost(u)) return raw;
  return `${cfg.apiBase.replace(/\/$/, "")}${u.pathname}${u.search}`;
}

/** True when the client may send a request to `raw` (after routeUrl). */
export function isAllowedUrl(raw: string, cfg: DingtalkHosts, opts: { anyHttps?: boolean } = {}): boolean {
  const u = parse(raw);
  if (!u || u.username || u.password) return false;
  const api = parse(cfg.apiBase);
  if (api && u.origin === api.origin) return true;
  if (u.protocol !== "https:") return false;
  if (opts.anyHttps) return true;
  return u.port === "" && isDingtalkHost(u);
}

/** What may be logged about a URL: scheme and host, never the path or query (session and access tokens). */
export function urlForLog(raw: string): string {
  const u = parse(raw);
  return u ? `${u.protocol}//${u.host}` : "(not a URL)";
}

export class OutboundRefused extends Error {
  constructor(readonly url: string) {
    super(`outbound request refused: ${urlForLog(url)} is not a DingTalk host or DINGTALK_API_BASE`);
    this.name = "OutboundRefused";
  }
}

export type Fetch = (input: string, init?: RequestInit) => Promise<Response>;
const MAX_REDIRECTS = 3;

/** fetch limited to allowed hosts; redirects followed by hand so each hop is checked. */
export async function allowedFetch(fetchFn: Fetch, cfg: DingtalkHosts, url: string, init: RequestInit = {}, opts: { anyHttps?: boolean } = {}): Promise<Response> {
  let target = routeUrl(url, cfg);
  for (let hop = 0; ; hop++) {
    if (!isAllowedUrl(target, cfg, opts)) throw new OutboundRefused(target);
    const res = await fetchFn(target, { ...init, redirect: "manual" });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (!location) return res;
    await res.body?.cancel().catch(() => {});
    if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects from ${urlForLog(url)}`);
    target = routeUrl(new URL(location, target).toString(), cfg);
  }
}
