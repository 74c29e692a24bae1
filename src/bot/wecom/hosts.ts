/**
 * Where the WeCom client may send a request (issue 16). Media URLs and response_url arrive inside callbacks, so a
 * forged or replayed payload could point them at this server's own network ("http://127.0.0.1:9000/…"); every
 * outbound call is checked here first, and each redirect hop again.
 * Allowed: https to WeCom's API hosts (*.weixin.qq.com: qyapi for robots and response_url, wecom.md §1.A.8, §2),
 * WeCom's smart-bot media bucket on Tencent COS (§1.A.4), the host of WECOM_API_BASE and of WECOM_WS_URL (private
 * deployments). Plain http only to the exact origin of an http WECOM_API_BASE the operator configured.
 */

export type OutboundHosts = { apiBase: string; wsUrl?: string };

/** WeCom's own API domain: qyapi.weixin.qq.com, openws.work.weixin.qq.com, … */
const WECOM_SUFFIX = "weixin.qq.com";
/**
 * Smart-bot media URLs are signed links into one WeCom-owned COS bucket, seen in real callbacks as
 * ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com. Only that bucket: anyone can own another one on myqcloud.com.
 */
const MEDIA_HOST = /^ww-aibot-img-1258476243\.cos\.[a-z0-9-]+\.(?:myqcloud\.com|tencentcos\.cn)$/;

const parse = (s: string | undefined): URL | undefined => {
  if (!s) return undefined;
  try {
    return new URL(s);
  } catch {
    return undefined;
  }
};

const bare = (hostname: string) => hostname.toLowerCase().replace(/\.$/, "");

/** True when the client may send a request to `raw`. */
export function isAllowedUrl(raw: string, cfg: OutboundHosts): boolean {
  const u = parse(raw);
  if (!u || u.username || u.password) return false;
  const api = parse(cfg.apiBase);
  if (u.protocol === "http:") return api?.protocol === "http:" && u.origin === api.origin;
  if (u.protocol !== "https:") return false;
  if (api?.protocol === "https:" && u.host === api.host) return true;
  const ws = parse(cfg.wsUrl);
  const host = bare(u.hostname);
  if (ws && bare(ws.hostname) === host) return true;
  if (u.port !== "") return false; // WeCom's public hosts answer on 443 only
  return host === WECOM_SUFFIX || host.endsWith(`.${WECOM_SUFFIX}`) || MEDIA_HOST.test(host);
}

/** What may be logged about a URL: scheme and host, never the path or query (they carry keys and codes). */
export function urlForLog(raw: string): string {
  const u = parse(raw);
  return u ? `${u.protocol}//${u.host}` : "(not a URL)";
}

export class OutboundRefused extends Error {
  constructor(readonly url: string) {
    super(`outbound request refused: ${urlForLog(url)} is not a WeCom host or WECOM_API_BASE`);
    this.name = "OutboundRefused";
  }
}

const MAX_REDIRECTS = 3;

/**
 * fetch limited to allowed hosts. Redirects are followed by hand so each hop is checked; a refused URL throws
 * OutboundRefused before any connection is made.
 */
export async function allowedFetch(fetchFn: (input: string, init?: RequestInit) => Promise<Response>, cfg: OutboundHosts, url: string, init: RequestInit = {}): Promise<Response> {
  let target = url;
  for (let hop = 0; ; hop++) {
    if (!isAllowedUrl(target, cfg)) throw new OutboundRefused(target);
    const res = await fetchFn(target, { ...init, redirect: "manual" });
    const location = res.status >= 300 && res.status < 400 ? res.headers.get("location") : null;
    if (!location) return res;
    await res.body?.cancel().catch(() => {});
    if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects from ${urlForLog(url)}`);
    target = new URL(location, target).toString();
  }
}
