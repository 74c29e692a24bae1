/** Where a web request came from, for audit rows and the per-source sign-in throttle. */
import type { Context } from "hono";

/**
 * "web:<address>": on Workers the edge's CF-Connecting-IP (only there is it trustworthy); on Node the socket peer.
 * Behind a reverse proxy every request shares the proxy's address, so the throttle then covers the whole proxy.
 */
export function clientSource(c: Context): string {
  const onWorkers = typeof navigator !== "undefined" && navigator.userAgent === "Cloudflare-Workers";
  const cf = onWorkers ? c.req.header("cf-connecting-ip") : undefined;
  let peer: string | undefined;
  try {
    peer = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  } catch {
    peer = undefined;
  }
  return `web:${(cf ?? peer ?? "unknown").slice(0, 64)}`;
}
