/**
 * A loopback fake of DingTalk (dingtalk.md): the OpenAPI host (access token, robot group send, one-to-one send,
 * file download), the legacy host (sessionWebhook replies, custom-robot webhook that VERIFIES 加签), and the Stream
 * gateway (connections/open + a WebSocket that pushes CALLBACK frames and records the ACKs). Everything is recorded.
 * Also the INDEPENDENT signing client of the tests: node:crypto HMAC, never src/bot/dingtalk/sign.ts.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { WebSocketServer, type WebSocket } from "ws";

export const APP_KEY = "dingtestappkey0001";
export const APP_SECRET = "AppSecret_Test-0123456789_abcdefghijklmnopqrstuvwxyz";
export const ROBOT_CODE = "dingtestappkey0001";

/** base64(HMAC-SHA256(secret, ts + "\n" + secret)): the one formula of §1 and §4a, written independently. */
export const refSign = (ts: string, secret: string) => createHmac("sha256", secret).update(`${ts}\n${secret}`, "utf8").digest("base64");

/** Headers of a signed HTTP-receive push (§1): `timestamp` in ms and the plain base64 `sign`. */
export const signedHeaders = (ts: number, secret = APP_SECRET) => ({ "content-type": "application/json", timestamp: String(ts), sign: refSign(String(ts), secret) });

export type RobotMsg = Record<string, unknown> & { msgId: string; sessionWebhook?: string };
let seq = 0;

/** A message as DingTalk pushes it (§1 table), from `staffId` in conversation `cid`. */
export function robotMessage(base: string, staffId: string, cid: string, body: Record<string, unknown>, at: number): RobotMsg {
  const n = ++seq;
  const single = cid.startsWith("single");
  return {
    msgId: `msg${n}${randomBytes(6).toString("hex")}`, conversationId: single ? `cidSingle${staffId}` : cid, conversationType: single ? "1" : "2", conversationTitle: "测试群",
    senderStaffId: staffId, senderNick: staffId, senderId: `$:LWCP_v1:$${n}`, createAt: at, isInAtList: true, robotCode: ROBOT_CODE, chatbotCorpId: "dingcorp",
    sessionWebhook: `${base}/robot/sendBySession?session=sess${n}`, sessionWebhookExpiredTime: at + 5_400_000, ...body,
  };
}
export const textMessage = (base: string, staffId: string, cid: string, content: string, at: number) => robotMessage(base, staffId, cid, { msgtype: "text", text: { content: ` ${content}` } }, at);

export type Sent =
  | { kind: "session"; session: string; body: any }
  | { kind: "webhook"; token: string; body: any; signed: "ok" | "bad" | "none" }
  | { kind: "group"; body: any; msgParam: any; token: string }
  | { kind: "user"; body: any }
  | { kind: "download"; downloadCode: string; robotCode: string };

export class FakeDingtalk {
  readonly sent: Sent[] = [];
  readonly acks: any[] = [];
  readonly opens: any[] = [];
  tokensIssued = 0;
  /** Custom robots: access_token → 加签 secret. */
  readonly robots = new Map<string, string>();
  readonly files = new Map<string, Uint8Array>();
  /** Queued answers for the next webhook / group sends (errcode, or HTTP status + code). */
  readonly webhookErrors: number[] = [];
  readonly sessionErrors: number[] = [];
  readonly groupErrors: { status: number; code: string }[] = [];
  /** The fake's clock for the 1-hour 加签 window (the app's signing clock is the test clock). */
  now: () => number = Date.now;
  url = "";
  private token = "";
  private server?: ServerType;
  private wss?: WebSocketServer;
  private tickets = new Set<string>();
  readonly sockets: WebSocket[] = [];

  async start(): Promise<this> {
    this.server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: (req) => this.handle(req), port: 0, hostname: "127.0.0.1" }, () => resolve(s));
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.wss = new WebSocketServer({ server: this.server as any, path: "/connect" });
    this.wss.on("connection", (ws, req) => {
      const ticket = new URL(req.url ?? "/", "http://x").searchParams.get("ticket") ?? "";
      if (!this.tickets.delete(ticket)) return ws.close(4001, "bad ticket"); // one use (§2)
      this.sockets.push(ws);
      ws.on("message", (d) => this.acks.push(JSON.parse(String(d))));
    });
    return this;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((r) => this.wss?.close(() => r()));
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** Make the current token invalid: the next OpenAPI call is refused as DingTalk does with an expired one. */
  expireToken(): void {
    this.token = "expired";
  }

  /** Push a frame to the newest Stream connection (§2.3). */
  push(frame: { type: string; headers: Record<string, string>; data: string }): void {
    const ws = this.sockets.at(-1);
    if (!ws) throw new Error("no Stream connection");
    ws.send(JSON.stringify({ specVersion: "1.0", ...frame }));
  }

  /** A CALLBACK frame carrying a robot message (§2.3); returns the frame's messageId. */
  pushMessage(msg: RobotMsg): string {
    const messageId = `frame-${randomBytes(6).toString("hex")}`;
    this.push({ type: "CALLBACK", headers: { topic: "/v1.0/im/bot/messages/get", messageId, contentType: "application/json", time: String(Date.now()) }, data: JSON.stringify(msg) });
    return messageId;
  }

  private authed(req: Request): boolean {
    return !!this.token && req.headers.get("x-acs-dingtalk-access-token") === this.token;
  }

  async handle(req: Request): Promise<Response> {
    const u = new URL(req.url);
    const body: any = req.method === "POST" ? await req.json().catch(() => undefined) : undefined;
    const unauth = () => Response.json({ code: "InvalidAuthentication", message: "不合法的access_token" }, { status: 401 });
    switch (`${req.method} ${u.pathname}`) {
      case "POST /v1.0/oauth2/accessToken": {
        if (body?.appKey !== APP_KEY || body?.appSecret !== APP_SECRET) return Response.json({ code: "invalidClientIdOrSecret", message: "无效的clientId或者clientSecret" }, { status: 400 });
        this.token = `tok${++this.tokensIssued}`;
        return Response.json({ accessToken: this.token, expireIn: 7200 });
      }
      case "POST /v1.0/robot/groupMessages/send": {
        if (!this.authed(req)) return unauth();
        const err = this.groupErrors.shift();
        if (err) return Response.json({ code: err.code, message: "fake error" }, { status: err.status });
        this.sent.push({ kind: "group", body, msgParam: JSON.parse(body.msgParam), token: this.token });
        return Response.json({ processQueryKey: `pqk${this.sent.length}` });
      }
      case "POST /v1.0/robot/oToMessages/batchSend": {
        if (!this.authed(req)) return unauth();
        this.sent.push({ kind: "user", body });
        return Response.json({ processQueryKey: "pqk" });
      }
      case "POST /v1.0/robot/messageFiles/download": {
        if (!this.authed(req)) return unauth();
        this.sent.push({ kind: "download", downloadCode: body.downloadCode, robotCode: body.robotCode });
        if (!this.files.has(body.downloadCode)) return Response.json({ code: "invalidParameter.downloadCode", message: "bad code" }, { status: 400 });
        return Response.json({ downloadUrl: `${this.url}/files/${encodeURIComponent(body.downloadCode)}?sig=x` });
      }
      case "POST /robot/sendBySession": {
        this.sent.push({ kind: "session", session: u.searchParams.get("session") ?? "", body });
        const err = this.sessionErrors.shift();
        return Response.json(err ? { errcode: err, errmsg: "session 不存在" } : { errcode: 0, errmsg: "ok" });
      }
      case "POST /robot/send":
        return this.customRobot(u, body);
      case "POST /v1.0/gateway/connections/open": {
        this.opens.push(body);
        if (body?.clientId !== APP_KEY || body?.clientSecret !== APP_SECRET) return Response.json({ code: "invalidClient", message: "bad client" }, { status: 401 });
        const ticket = randomBytes(8).toString("hex");
        this.tickets.add(ticket);
        return Response.json({ endpoint: `${this.url.replace("http:", "ws:")}/connect`, ticket });
      }
    }
    if (req.method === "GET" && u.pathname.startsWith("/files/")) {
      const f = this.files.get(decodeURIComponent(u.pathname.slice(7)));
      return f ? new Response(Buffer.from(f), { headers: { "content-type": "image/png" } }) : new Response("gone", { status: 404 });
    }
    return new Response(`unexpected ${req.method} ${u.pathname}`, { status: 599 });
  }

  /** §4a: the sign in the query is URL-encoded base64 of the HMAC, and the timestamp within an hour. */
  private customRobot(u: URL, body: any): Response {
    const token = u.searchParams.get("access_token") ?? "";
    const secret = this.robots.get(token);
    if (secret === undefined) return Response.json({ errcode: 300001, errmsg: "token is not exist" });
    // Read the raw query so the URL-encoding of the sign is checked too (URLSearchParams would decode it).
    const raw = Object.fromEntries(u.search.slice(1).split("&").map((p) => p.split("=") as [string, string]));
    const ts = raw.timestamp ?? "";
    const signed = !raw.sign ? "none" : raw.sign === encodeURIComponent(refSign(ts, secret)) && Math.abs(this.now() - Number(ts)) <= 3_600_000 ? "ok" : "bad";
    this.sent.push({ kind: "webhook", token, body, signed });
    if (signed !== "ok") return Response.json({ errcode: 310000, errmsg: "sign not match" });
    const err = this.webhookErrors.shift();
    if (err) return Response.json({ errcode: err, errmsg: err === 130101 ? "send too fast, exceed 20 times per minute" : "fake error" });
    return Response.json({ errcode: 0, errmsg: "ok" });
  }
}
