/**
 * DingTalk Stream mode (DINGTALK_MODE=stream, Node only; dingtalk.md §2): no public URL, an outbound WebSocket.
 * POST /v1.0/gateway/connections/open with the app's clientId/secret and the robot topic → `{endpoint, ticket}`
 * (ticket: one use, 90 s) → WebSocket `endpoint?ticket=…`. Each CALLBACK frame on the robot topic runs the same
 * receive path as HTTP and is ACKed once committed (a failure is not ACKed, so DingTalk may send it again; msgId
 * dedupes it). SYSTEM ping is echoed; SYSTEM disconnect and any close reconnect with a new ticket, backing off
 * 1 s → 60 s with jitter. Authentication needs no sign: the connection itself was opened with the app secret.
 */
import WebSocket from "ws";
import type { Deps } from "../../deps.js";
import { createDingtalkClient, type DingtalkClient } from "./client.js";
import { allowedFetch, isAllowedUrl, urlForLog, type Fetch } from "./hosts.js";
import { readRobotMessage } from "./payload.js";
import { receiveDingtalk } from "./receive.js";

export const BOT_TOPIC = "/v1.0/im/bot/messages/get";
const OPEN_TIMEOUT_MS = 10_000;
/** A socket that answers no WebSocket ping for this long is dead (a NAT dropped it): close it and reconnect. */
const HEARTBEAT_MS = 30_000;

type Frame = { specVersion?: string; type?: string; headers?: Record<string, string>; data?: string };
export type StreamOptions = { fetch?: Fetch; client?: DingtalkClient; backoff?: { baseMs: number; capMs: number }; random?: () => number; heartbeatMs?: number };

const ack = (messageId: string, data: unknown) => JSON.stringify({ code: 200, headers: { contentType: "application/json", messageId }, message: "OK", data: JSON.stringify(data) });

export function startDingtalkStream(deps: Deps, opts: StreamOptions = {}): { stop(): Promise<void> } {
  const { appKey, appSecret, apiBase, apiBaseSet } = deps.config.dingtalk;
  if (!appKey || !appSecret) throw new Error("DINGTALK_MODE=stream needs DINGTALK_APP_KEY and DINGTALK_APP_SECRET from the DingTalk app's credentials");
  const hosts = { apiBase, apiBaseSet };
  const raw: Fetch = opts.fetch ?? ((i, init) => fetch(i, init));
  const client = opts.client ?? createDingtalkClient({ appKey, appSecret, apiBase, apiBaseSet, clock: deps.clock, fetch: opts.fetch });
  const { baseMs, capMs } = opts.backoff ?? { baseMs: 1_000, capMs: 60_000 };
  const random = opts.random ?? Math.random;
  const log = deps.log;
  const inflight = new Set<Promise<unknown>>();
  let stopped = false;
  let ws: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;

  async function open(): Promise<string> {
    const res = await allowedFetch(raw, hosts, `${apiBase}/v1.0/gateway/connections/open`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" }, // without Accept the answer is XML (§2)
      body: JSON.stringify({ clientId: appKey, clientSecret: appSecret, ua: "duban", subscriptions: [{ type: "CALLBACK", topic: BOT_TOPIC }] }),
      signal: AbortSignal.timeout(OPEN_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => undefined)) as { endpoint?: string; ticket?: string; code?: string } | undefined;
    if (!res.ok || !body?.endpoint || !body.ticket) throw new Error(`Stream connection refused (HTTP ${res.status} ${body?.code ?? ""}): check DINGTALK_APP_KEY and DINGTALK_APP_SECRET, and that the app's robot uses Stream mode`);
    // The endpoint is DingTalk's answer, but still only a DingTalk host or the configured base may be dialled.
    const asHttp = body.endpoint.replace(/^ws(s?):/i, "http$1:");
    const sameHost = apiBaseSet && new URL(asHttp).hostname === new URL(apiBase).hostname; // a private gateway beside its API
    if (!/^wss?:/i.test(body.endpoint) || !(isAllowedUrl(asHttp, hosts) || sameHost)) throw new Error(`Stream endpoint refused: ${urlForLog(body.endpoint)} is not a DingTalk host or DINGTALK_API_BASE`);
    return `${body.endpoint}${body.endpoint.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(body.ticket)}`;
  }

  async function onCallback(socket: WebSocket, f: Frame): Promise<void> {
    const messageId = f.headers?.messageId ?? "";
    let data: unknown;
    try {
      data = JSON.parse(f.data ?? "");
    } catch {
      log.warn("DingTalk Stream: CALLBACK data is not JSON; acknowledged and dropped", { messageId });
      return void socket.send(ack(messageId, { response: null }));
    }
    const inbound = readRobotMessage(data);
    if ("refuse" in inbound || inbound.kind === "ignore") {
      log.info("DingTalk Stream message ignored", { why: "refuse" in inbound ? inbound.refuse : inbound.why });
    } else {
      try {
        await receiveDingtalk(deps, client, inbound);
      } catch (e) {
        // Not ACKed: nothing was committed, and DingTalk may deliver it again.
        return void log.error("DingTalk Stream: processing failed", { msgId: inbound.msgId, error: String((e as Error)?.stack ?? e) });
      }
    }
    if (socket.readyState === WebSocket.OPEN) socket.send(ack(messageId, { response: null }));
  }

  function onFrame(socket: WebSocket, text: string): void {
    let f: Frame;
    try {
      f = JSON.parse(text) as Frame;
    } catch {
      return void log.warn("DingTalk Stream: a frame that is not JSON was ignored");
    }
    const topic = f.headers?.topic;
    if (f.type === "SYSTEM" && topic === "ping") {
      return void socket.send(JSON.stringify({ code: 200, headers: f.headers, message: "OK", data: f.data }));
    }
    if (f.type === "SYSTEM" && topic === "disconnect") {
      log.info("DingTalk Stream: the server asks to reconnect");
      return void socket.close(1000, "disconnect requested"); // reconnects with a new ticket (§2.5)
    }
    if (f.type === "CALLBACK" && topic === BOT_TOPIC) {
      const p = onCallback(socket, f).finally(() => inflight.delete(p));
      inflight.add(p);
      return;
    }
    if (f.type === "EVENT") return void socket.send(ack(f.headers?.messageId ?? "", { status: "SUCCESS" }));
    log.info("DingTalk Stream: frame ignored", { type: f.type, topic });
  }

  function retry(): void {
    if (stopped) return;
    const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(failures, 16));
    failures++;
    const wait = Math.max(baseMs, Math.floor(random() * ceiling));
    timer = setTimeout(() => void connect(), wait);
  }

  async function connect(): Promise<void> {
    if (stopped) return;
    let url: string;
    try {
      url = await open();
    } catch (e) {
      log.warn("DingTalk Stream: could not open a connection; retrying", { error: String((e as Error)?.message ?? e), attempt: failures + 1 });
      return retry();
    }
    if (stopped) return;
    const socket = new WebSocket(url, { handshakeTimeout: OPEN_TIMEOUT_MS });
    ws = socket;
    let alive = true;
    let beat: ReturnType<typeof setInterval> | undefined;
    socket.on("open", () => {
      failures = 0;
      log.info("DingTalk Stream connected", { host: urlForLog(url) });
      beat = setInterval(() => {
        if (!alive) return void socket.terminate(); // "close" follows and reconnects
        alive = false;
        socket.ping();
      }, opts.heartbeatMs ?? HEARTBEAT_MS);
      beat.unref?.();
    });
    socket.on("pong", () => (alive = true));
    socket.on("message", (d) => onFrame(socket, String(d)));
    socket.on("error", (e) => log.warn("DingTalk Stream socket error", { error: String(e.message) }));
    socket.on("close", (code) => {
      clearInterval(beat);
      if (ws === socket) ws = undefined;
      if (stopped) return;
      log.info("DingTalk Stream closed; reconnecting", { code });
      retry();
    });
  }

  void connect();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      const s = ws;
      if (s && s.readyState !== WebSocket.CLOSED) {
        await new Promise<void>((r) => {
          s.once("close", () => r());
          s.close(1000, "stopping");
          setTimeout(() => (s.terminate(), r()), 2_000).unref?.();
        });
      }
      while (inflight.size) await Promise.all([...inflight]);
    },
  };
}
