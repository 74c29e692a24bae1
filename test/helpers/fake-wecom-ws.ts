/**
 * A fake WeCom smart-bot long-connection server on loopback (wecom.md §1.B): aibot_subscribe with BotID/Secret, ping
 * acks, message callbacks pushed to the client, acks for aibot_respond_msg / aibot_send_msg (§1.B.2–§1.B.5). The same
 * port serves HTTP: encrypted media downloads (§1.B.2) and the group-robot webhook (§2.1). Everything is recorded.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export type Frame = { cmd?: string; headers: { req_id: string }; body?: Record<string, any>; errcode?: number; errmsg?: string };

/** Media encryption of §1.B.2: AES-256-CBC, IV = first 16 key bytes, PKCS#7 padding to a multiple of 32. */
export function encryptMedia(plain: Uint8Array, key: Buffer): Buffer {
  const pad = 32 - (plain.length % 32);
  const padded = Buffer.concat([Buffer.from(plain), Buffer.alloc(pad, pad)]);
  const c = createCipheriv("aes-256-cbc", key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([c.update(padded), c.final()]);
}

export class FakeWecomWs {
  /** Every frame any client sent, in order. */
  readonly frames: Frame[] = [];
  readonly webhooks: { key: string; body: any }[] = [];
  /** aibot_send_msg to these chatids is answered with this errcode. */
  readonly sendErrors = new Map<string, number>();
  /** aibot_send_msg of a template_card is answered with this errcode (a tenant that refuses cards). */
  cardError = 0;
  connections = 0;
  private readonly media = new Map<string, Buffer>();
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private current?: WebSocket;
  private seq = 0;
  port = 0;

  constructor(
    readonly botId: string,
    readonly secret: string,
  ) {
    this.http = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://x");
      const file = this.media.get(url.pathname);
      if (req.method === "GET" && file) {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-disposition": "attachment; filename*=UTF-8''%E7%8E%B0%E5%9C%BA.png" });
        return void res.end(file);
      }
      if (req.method === "POST" && url.pathname === "/cgi-bin/webhook/send") {
        let raw = "";
        req.on("data", (c) => (raw += c));
        req.on("end", () => {
          this.webhooks.push({ key: url.searchParams.get("key") ?? "", body: JSON.parse(raw) });
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ errcode: 0, errmsg: "ok" }));
        });
        return;
      }
      res.writeHead(404).end();
    });
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on("connection", (ws) => {
      this.connections++;
      ws.on("message", (data) => this.onFrame(ws, JSON.parse(String(data)) as Frame));
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((r) => this.http.listen(0, "127.0.0.1", r));
    this.port = (this.http.address() as AddressInfo).port;
    return this;
  }
  get wsUrl() {
    return `ws://127.0.0.1:${this.port}`;
  }
  get httpBase() {
    return `http://127.0.0.1:${this.port}`;
  }

  private ack(ws: WebSocket, f: Frame, errcode = 0, body?: Record<string, unknown>) {
    ws.send(JSON.stringify({ headers: { req_id: f.headers.req_id }, errcode, errmsg: errcode ? "fake error" : "ok", ...(body ? { body } : {}) }));
  }

  private onFrame(ws: WebSocket, f: Frame) {
    this.frames.push(f);
    switch (f.cmd) {
      case "aibot_subscribe": {
        const ok = f.body?.bot_id === this.botId && f.body?.secret === this.secret;
        if (ok) this.current = ws;
        return this.ack(ws, f, ok ? 0 : 40001); // §1.B.1: {headers:{req_id}, errcode:0, errmsg:"ok"}
      }
      case "ping":
        return this.ack(ws, f);
      case "aibot_send_msg":
        return this.ack(ws, f, this.sendErrors.get(String(f.body?.chatid)) ?? (f.body?.msgtype === "template_card" ? this.cardError : 0));
      default:
        return this.ack(ws, f);
    }
  }

  /** Push a message callback to the subscribed client; returns its req_id. */
  push(body: Record<string, unknown>, cmd = "aibot_msg_callback"): string {
    if (!this.current) throw new Error("no subscribed client");
    const req_id = `cb_${++this.seq}_${randomBytes(4).toString("hex")}`;
    this.current.send(JSON.stringify({ cmd, headers: { req_id }, body: { aibotid: this.botId, ...body } }));
    return req_id;
  }

  /** Serve `plain` encrypted with a fresh per-URL key, as §1.B.2 describes; returns the struct for the frame body. */
  serveMedia(plain: Uint8Array): { url: string; aeskey: string } {
    const key = randomBytes(32);
    const path = `/media/${++this.seq}`;
    this.media.set(path, encryptMedia(plain, key));
    return { url: `${this.httpBase}${path}`, aeskey: key.toString("base64") };
  }

  /** The network drops: the server side goes away without a close handshake. */
  drop() {
    this.current?.terminate();
    this.current = undefined;
  }

  /** A second instance subscribed with the same BotID: the old one gets disconnected_event, then is closed (§1.B.1). */
  kick() {
    const ws = this.current;
    if (!ws) return;
    this.push({ msgid: `kick-${this.seq}`, msgtype: "event", chattype: "single", from: { userid: "" }, event: { eventtype: "disconnected_event" } }, "aibot_event_callback");
    setTimeout(() => ws.close(), 20);
    this.current = undefined;
  }

  get subscribed() {
    return this.current !== undefined;
  }

  /** Poll until `fn` returns something defined (or throw after `ms`). */
  async waitFor<T>(fn: () => T | undefined | false, ms = 3_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = fn();
      if (v !== undefined && v !== false) return v;
      if (Date.now() > end) throw new Error("timed out waiting for the fake WeCom server");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The client's answers on a callback's req_id (§1.B.3): aibot_respond_msg, _welcome_msg or _update_msg. */
  replyTo(reqId: string, cmd = "aibot_respond_msg"): Frame[] {
    return this.frames.filter((f) => f.cmd === cmd && f.headers.req_id === reqId);
  }

  async close() {
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}
