/**
 * A fake WeCom HTTP API (group-robot webhook, smart-bot response_url, media downloads) as one fetch handler, plus the
 * INDEPENDENT callback client built on the official `@wecom/crypto` package (and node:crypto for media).
 * Node only: the Node test serves it on 127.0.0.1; vitest.config.ts plugs it into workerd's outboundService.
 */
import { createCipheriv, randomBytes } from "node:crypto";
import { decrypt as officialDecrypt, encrypt as officialEncrypt, getSignature } from "@wecom/crypto";

export const TEST_TOKEN = "DubanTestToken2026";
export const TEST_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

export type FakeCall =
  | { kind: "robot"; key: string; body: { msgtype: string; markdown?: { content: string }; text?: { content: string; mentioned_list?: string[] } } }
  | { kind: "response_url"; code: string; body: { msgtype: string; markdown?: { content: string } }; answered: number }
  | { kind: "media"; name: string; status: number };

/** wecom.md §1.A.4: AES-256-CBC, key = base64(EncodingAESKey + "="), IV = key[0..16), PKCS#7 to 32, no framing. */
export function encryptMedia(encodingAesKey: string, plain: Uint8Array): Uint8Array<ArrayBuffer> {
  const key = Buffer.from(`${encodingAesKey}=`, "base64");
  const pad = 32 - (plain.length % 32);
  const padded = Buffer.concat([Buffer.from(plain), Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(padded), cipher.final()]));
}

/** A signed, encrypted callback as WeCom sends it (§1.A.2), built with the official package. */
export function sealCallback(payload: unknown, opts: { timestamp: number | string; nonce?: string; token?: string; key?: string }) {
  const key = opts.key ?? TEST_AES_KEY;
  const encrypt = officialEncrypt(key, typeof payload === "string" ? payload : JSON.stringify(payload), "");
  const timestamp = String(opts.timestamp);
  const nonce = opts.nonce ?? randomBytes(8).toString("hex");
  const signature = getSignature(opts.token ?? TEST_TOKEN, timestamp, nonce, encrypt);
  return { encrypt, timestamp, nonce, signature, query: `msg_signature=${signature}&timestamp=${timestamp}&nonce=${encodeURIComponent(nonce)}`, body: JSON.stringify({ encrypt }) };
}

/** Checks a passive reply's signature and nonce (§1.A.6) and decrypts it; throws when anything is off. */
export function openReply(text: string, expectedNonce: string): { plaintext: string; json: Record<string, unknown> } {
  const r = JSON.parse(text) as { encrypt: string; msgsignature: string; timestamp: string | number; nonce: string };
  if (r.nonce !== expectedNonce) throw new Error(`reply nonce ${r.nonce} is not the callback's ${expectedNonce}`);
  if (getSignature(TEST_TOKEN, String(r.timestamp), r.nonce, r.encrypt) !== r.msgsignature) throw new Error("reply msgsignature does not verify");
  const { message, id } = officialDecrypt(TEST_AES_KEY, r.encrypt);
  if (id !== "") throw new Error(`reply receiveid should be empty, got ${id}`);
  return { plaintext: message, json: JSON.parse(message) as Record<string, unknown> };
}

export function createFakeWecom(opts: { encodingAesKey?: string } = {}) {
  const aesKey = opts.encodingAesKey ?? TEST_AES_KEY;
  const calls: FakeCall[] = [];
  const media = new Map<string, Uint8Array>();
  const usedCodes = new Set<string>();

  async function handle(req: Request): Promise<Response> {
    const u = new URL(req.url);
    if (req.method === "POST" && u.pathname === "/cgi-bin/webhook/send") {
      calls.push({ kind: "robot", key: u.searchParams.get("key") ?? "", body: (await req.json()) as never });
      return Response.json({ errcode: 0, errmsg: "ok" });
    }
    if (req.method === "POST" && u.pathname === "/cgi-bin/aibot/response") {
      const code = u.searchParams.get("response_code") ?? "";
      // WeCom allows one call per response_url (§1.A.8); a second is refused (the exact errcode is UNCONFIRMED).
      const answered = usedCodes.has(code) ? 60_001 : 0;
      usedCodes.add(code);
      calls.push({ kind: "response_url", code, body: (await req.json()) as never, answered });
      return Response.json({ errcode: answered, errmsg: answered ? "response_url already used" : "ok" });
    }
    if (req.method === "GET" && u.pathname.startsWith("/media/")) {
      const name = decodeURIComponent(u.pathname.slice("/media/".length));
      const plain = media.get(name);
      const delay = Number(u.searchParams.get("delay_ms") ?? 0); // a slow download, to outrun the 1 s answer
      if (delay > 0) await new Promise((r) => setTimeout(r, Math.min(delay, 10_000)));
      calls.push({ kind: "media", name, status: plain ? 200 : 404 });
      if (!plain) return Response.json({ errcode: 40007, errmsg: "invalid media_id" }, { status: 404 });
      return new Response(encryptMedia(aesKey, plain), {
        headers: { "content-type": "application/octet-stream", "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(name)}` },
      });
    }
    // Test controls (reached from workerd through the FAKE_WECOM service binding).
    if (u.pathname === "/__calls") return Response.json(calls);
    if (u.pathname === "/__media" && req.method === "PUT") {
      media.set(u.searchParams.get("name") ?? "", new Uint8Array(await req.arrayBuffer()));
      return new Response(null, { status: 204 });
    }
    if (u.pathname === "/__seal") {
      const { payload, timestamp, nonce } = (await req.json()) as { payload: unknown; timestamp: number; nonce?: string };
      return Response.json(sealCallback(payload, { timestamp, nonce }));
    }
    if (u.pathname === "/__open") {
      const { text, nonce } = (await req.json()) as { text: string; nonce: string };
      try {
        return Response.json(openReply(text, nonce));
      } catch (e) {
        return Response.json({ error: String(e) }, { status: 422 });
      }
    }
    return new Response(`unexpected outbound ${req.method} ${req.url}`, { status: 599 });
  }

  return { handle, calls, media, robotSends: (key: string) => calls.filter((c): c is Extract<FakeCall, { kind: "robot" }> => c.kind === "robot" && c.key === key) };
}
