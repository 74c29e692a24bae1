/** Group-robot webhook sender (wecom.md §2): one POST per message, errcode classified for the relay. */
import type { DeliverResult } from "../../delivery/types.js";

/** Permanent: the key, the robot or the content is wrong — retrying cannot help (R17). */
const PERMANENT = new Set([93000, 93004, 93008, 44004, 40008, 40058, 40035]);
export const RATE_LIMITED = 45009;
export const SEND_TIMEOUT_MS = 10_000;

export type RobotMessage = { markdown?: string; text?: string; mentions?: string[] };

/** Markdown carries mentions inline as <@userid>; text uses mentioned_list (wecom.md §2.3). */
export function robotBody(m: RobotMessage): Record<string, unknown> {
  const mentions = m.mentions ?? [];
  if (m.markdown !== undefined) {
    const tail = mentions.length ? `\n${mentions.map((u) => `<@${u}>`).join(" ")}` : "";
    return { msgtype: "markdown", markdown: { content: m.markdown + tail } };
  }
  return { msgtype: "text", text: { content: m.text ?? "", mentioned_list: mentions } };
}

export async function sendToRobot(apiBase: string, key: string, m: RobotMessage, fetchFn: typeof fetch = fetch, timeoutMs = SEND_TIMEOUT_MS): Promise<DeliverResult> {
  const url = `${apiBase}/cgi-bin/webhook/send?key=${encodeURIComponent(key)}`;
  let res: Response;
  try {
    res = await fetchFn(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(robotBody(m)), signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const timeout = (e as Error)?.name === "TimeoutError" || (e as Error)?.name === "AbortError";
    return { ok: false, retryable: true, error: timeout ? `timeout after ${timeoutMs} ms` : `network: ${(e as Error)?.message ?? e}` };
  }
  if (res.status === 429) return { ok: false, retryable: true, error: "HTTP 429", pauseMs: 60_000 };
  if (res.status >= 500) return { ok: false, retryable: true, error: `HTTP ${res.status}` };
  if (res.status >= 400) return { ok: false, retryable: false, error: `HTTP ${res.status}` };
  const body = (await res.json().catch(() => undefined)) as { errcode?: number; errmsg?: string } | undefined;
  if (!body || typeof body.errcode !== "number") return { ok: false, retryable: true, error: "malformed response" };
  if (body.errcode === 0) return { ok: true };
  const error = `errcode ${body.errcode}: ${String(body.errmsg ?? "").slice(0, 100)}`;
  if (body.errcode === RATE_LIMITED) return { ok: false, retryable: true, error, pauseMs: 60_000 };
  return { ok: false, retryable: !PERMANENT.has(body.errcode), error };
}
