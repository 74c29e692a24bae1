/**
 * The app robot's HTTP receive (dingtalk.md §1), mounted at POST /dingtalk/callback when DINGTALK_MODE=http.
 * Body cap (R09) → `timestamp` + `sign` headers checked against DINGTALK_APP_SECRET in constant time, within 1 h
 * (401 otherwise) → zod → the shared receive path (deduplicated on msgId: the sign covers only the timestamp, so a
 * captured request replays within the hour, §1). Known limit: the same header pair with ANOTHER body also passes
 * within that hour, so a party that can read this route's traffic (past TLS) could post as anyone; claiming each
 * header pair once would refuse two genuine pushes signed in the same millisecond, so it is not done. Keep the
 * route behind TLS with headers unlogged, or use DINGTALK_MODE=stream (no inbound URL at all).
 * DingTalk gets its 200 as soon as the message is committed, or after RECEIVE_BUDGET_MS with the work still
 * running; the reply follows through the sessionWebhook (outbox).
 */
import { Hono, type Context } from "hono";
import type { Config } from "../../config.js";
import type { Deps } from "../../deps.js";
import { readBodyCapped } from "../wecom/callback-http.js";
import { createDingtalkClient, type DingtalkClient } from "./client.js";
import type { Fetch } from "./hosts.js";
import { readRobotMessage } from "./payload.js";
import { receiveDingtalk } from "./receive.js";
import { SIGN_WINDOW_MS, verifyInbound } from "./sign.js";

/** Answer within this even when the work (picture downloads, a busy database) takes longer; it keeps running. */
export const RECEIVE_BUDGET_MS = 3_000;

type Env = { Variables: { deps: Deps } };
type C = Context<Env>;

const ACK = { msgtype: "empty" };

async function within<T>(work: Promise<T>, ms: number): Promise<{ kind: "done"; value: T } | { kind: "failed"; error: unknown } | { kind: "late" }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<{ kind: "late" }>((r) => (timer = setTimeout(() => r({ kind: "late" }), ms)));
  const settled = work.then(
    (value) => ({ kind: "done" as const, value }),
    (error: unknown) => ({ kind: "failed" as const, error }),
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

export function dingtalkCallback(config: Config, opts: { client?: DingtalkClient; fetch?: Fetch } = {}): Hono<Env> {
  const { appKey, appSecret, apiBase, apiBaseSet } = config.dingtalk;
  if (!appKey || !appSecret) throw new Error("DINGTALK_MODE=http needs DINGTALK_APP_KEY and DINGTALK_APP_SECRET from the DingTalk app's credentials");
  let client = opts.client;
  const clientFor = (deps: Deps) => (client ??= createDingtalkClient({ appKey, appSecret, apiBase, apiBaseSet, clock: deps.clock, fetch: opts.fetch }));
  const refuse = (c: C, status: 400 | 401 | 413 | 503, message: string) => c.text(message, status);

  const r = new Hono<Env>();
  r.post("/", async (c) => {
    const deps = c.get("deps");
    const body = await readBodyCapped(c.req.raw);
    if (body === "too_large") return refuse(c, 413, "callback body too large");
    const check = await verifyInbound({ timestamp: c.req.header("timestamp"), sign: c.req.header("sign") }, appSecret, deps.clock());
    if (!check.ok) {
      if (check.reason === "mismatch") {
        deps.log.warn("security: DingTalk callback signature mismatch: check that DINGTALK_APP_SECRET matches the app's AppSecret (开发者后台 → 凭证与基础信息)");
        return refuse(c, 401, "DingTalk signature mismatch: check DINGTALK_APP_SECRET");
      }
      if (check.reason === "stale") {
        deps.log.warn("security: DingTalk callback timestamp outside the 1-hour window; refused as a replay (check this server's clock, NTP)", { skewSeconds: Math.round((check.skewMs ?? 0) / 1000), windowSeconds: SIGN_WINDOW_MS / 1000 });
        return refuse(c, 401, "callback timestamp outside the accepted window");
      }
      deps.log.warn("security: DingTalk callback without valid timestamp and sign headers; refused");
      return refuse(c, 401, "callback needs the timestamp and sign headers");
    }
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
    } catch {
      return refuse(c, 400, "callback body is not JSON");
    }
    const inbound = readRobotMessage(json);
    if ("refuse" in inbound) {
      deps.log.warn(`DingTalk callback refused: ${inbound.refuse}`);
      return refuse(c, 400, inbound.refuse);
    }
    if (inbound.kind === "ignore") {
      deps.log.info("DingTalk callback ignored", { why: inbound.why });
      return c.json(ACK); // authentic, nothing to do: acknowledge so it is not sent again
    }
    deps.log.info("DingTalk callback", { chatType: inbound.chatType, media: inbound.media.length });
    const work = receiveDingtalk(deps, clientFor(deps), inbound);
    const res = await within(work, RECEIVE_BUDGET_MS);
    if (res.kind === "failed") {
      // Nothing was committed (one batch per message), so DingTalk may send it again.
      deps.log.error("DingTalk callback: processing failed", { msgId: inbound.msgId, error: String((res.error as Error)?.stack ?? res.error) });
      return refuse(c, 503, "temporarily unavailable");
    }
    if (res.kind === "late") {
      deps.log.info("DingTalk callback: answered before the work finished; the reply follows", { msgId: inbound.msgId });
      deps.waitUntil(work.catch((e: unknown) => deps.log.error("DingTalk callback: background processing failed", { msgId: inbound.msgId, error: String((e as Error)?.stack ?? e) })));
    }
    return c.json(ACK);
  });
  return r;
}
