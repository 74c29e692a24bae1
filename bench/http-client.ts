/**
 * A lean HTTP/1.1 keep-alive client for the load generators: raw sockets, one request at a time per socket,
 * responses framed by Content-Length or chunked encoding. On a 2-core host the load generator shares the CPU with
 * the server it measures: fetch (undici) spent ~0.24 ms of CPU per hello-world request and capped bare Hono at
 * ~9 k req/s, node:http ~0.09 ms and ~15 k req/s — the ceiling measured the client, not Hono. This one spends a
 * few µs, so the ceilings and the ratios to them are the servers' own.
 */
import { connect, type Socket } from "node:net";

type Answer = { status: number; body: string };
type Waiting = { resolve: (a: Answer) => void; reject: (e: Error) => void };

const CRLF2 = Buffer.from("\r\n\r\n");

class Connection {
  private socket: Socket;
  private chunks: Buffer[] = [];
  private size = 0;
  private waiting?: Waiting;
  broken = false;

  constructor(host: string, port: number) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.on("data", (d: Buffer) => this.data(d));
    const fail = (e: Error) => {
      this.broken = true;
      const w = this.waiting;
      this.waiting = undefined;
      w?.reject(e);
    };
    this.socket.on("error", fail);
    this.socket.on("close", () => fail(new Error("connection closed")));
  }

  send(head: string, body: string | undefined): Promise<Answer> {
    return new Promise((resolve, reject) => {
      if (this.broken) return reject(new Error("connection closed"));
      // A request that never gets its answer fails (and its socket goes) instead of hanging the run.
      const timer = setTimeout(() => {
        this.broken = true;
        this.socket.destroy();
        this.waiting = undefined;
        reject(new Error("no answer within 30 s"));
      }, 30_000);
      this.waiting = {
        resolve: (a) => (clearTimeout(timer), resolve(a)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.socket.write(body === undefined ? head : head + body);
    });
  }

  private data(d: Buffer): void {
    this.chunks.push(d);
    this.size += d.length;
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    const end = all.indexOf(CRLF2);
    if (end < 0) return;
    const head = all.toString("latin1", 0, end);
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: Buffer | undefined;
    let used = 0;
    if (length) {
      used = end + 4 + Number(length[1]);
      if (all.length >= used) body = all.subarray(end + 4, used);
    } else if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) {
      const parts: Buffer[] = [];
      let at = end + 4;
      for (;;) {
        const line = all.indexOf("\r\n", at);
        if (line < 0) break;
        const n = parseInt(all.toString("latin1", at, line), 16);
        if (all.length < line + 2 + n + 2) break;
        if (n === 0) {
          body = Buffer.concat(parts);
          used = line + 4;
          break;
        }
        parts.push(all.subarray(line + 2, line + 2 + n));
        at = line + 2 + n + 2;
      }
    } else {
      used = end + 4; // no body (e.g. 204)
      body = Buffer.alloc(0);
    }
    if (!body) {
      this.chunks = [all];
      return;
    }
    const rest = all.subarray(used);
    this.chunks = rest.length ? [rest] : [];
    this.size = rest.length;
    const w = this.waiting;
    this.waiting = undefined;
    w?.resolve({ status, body: body.toString("utf8") });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A pool of keep-alive connections to one server; each call takes an idle connection or opens one. */
export function leanClient(base: string) {
  const url = new URL(base);
  const idle: Connection[] = [];
  const all = new Set<Connection>();
  const host = url.hostname;
  const port = Number(url.port);
  return {
    async call(path: string, body?: string): Promise<Answer> {
      // A kept connection the server closed while it was idle (keep-alive timeout, 5 s in Node) is dropped.
      let c = idle.pop();
      while (c?.broken) {
        all.delete(c);
        c = idle.pop();
      }
      c ??= new Connection(host, port);
      all.add(c);
      const head =
        body === undefined
          ? `GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`
          : `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
      try {
        return await c.send(head, body);
      } finally {
        if (c.broken) all.delete(c);
        else idle.push(c);
      }
    },
    close(): void {
      for (const c of all) c.close();
      all.clear();
      idle.length = 0;
    },
  };
}
