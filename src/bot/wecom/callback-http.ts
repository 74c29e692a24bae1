/** HTTP plumbing of the callback route: raw query parameters and a streaming-safe capped body (R09). */
import { concatBytes } from "../../domain/bytes.js";

/** Request bodies above this are refused with 413 (R09); a text callback is about 1 KB of ciphertext. */
export const MAX_BODY_BYTES = 64 * 1024;

export type SignedQuery = { signature: string; timestamp: string; nonce: string; echostr?: string };

/**
 * Reads msg_signature, timestamp, nonce and echostr from the raw query string. Only percent-decoding is applied:
 * URLSearchParams (and Hono's c.req.query) turn "+" into a space, which corrupts a base64 echostr (§1.A.1).
 * The first occurrence of each name wins. Returns undefined when a parameter is missing or malformed.
 */
export function signedQuery(url: string, withEchostr: boolean): SignedQuery | undefined {
  const params = new Map<string, string>();
  const search = new URL(url).search.slice(1);
  for (const part of search.split("&")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const name = part.slice(0, eq);
    if (params.has(name)) continue;
    try {
      params.set(name, decodeURIComponent(part.slice(eq + 1)));
    } catch {
      return undefined; // broken percent-encoding
    }
  }
  // §1.A.1: the documented name is msg_signature; the official plugin also accepts these two spellings.
  const signature = params.get("msg_signature") ?? params.get("msgsignature") ?? params.get("signature");
  const timestamp = params.get("timestamp");
  const nonce = params.get("nonce");
  const echostr = params.get("echostr");
  if (!signature || !/^[0-9a-fA-F]{40}$/.test(signature)) return undefined;
  if (!timestamp || !/^\d{1,13}$/.test(timestamp)) return undefined;
  if (!nonce || nonce.length > 128) return undefined;
  if (withEchostr && (!echostr || echostr.length > 4096)) return undefined;
  return { signature: signature.toLowerCase(), timestamp, nonce, echostr };
}

/**
 * Reads at most `max` bytes of the body; stops reading (and cancels the stream) as soon as it is exceeded, so an
 * oversized body is never buffered whole. A declared Content-Length above the cap is refused before reading.
 */
export async function readBodyCapped(req: Request, max = MAX_BODY_BYTES): Promise<Uint8Array | "too_large"> {
  const length = req.headers.get("content-length");
  const declared = Number(length ?? "NaN");
  if (declared > max) return "too_large";
  // A declared length within the cap: the runtime's HTTP parser delivers exactly that many bytes, so the body is read
  // in one go (on Node without building a web stream, ~0.1 ms of a chat callback). Chunked bodies are counted below.
  if (length !== null && declared >= 0 && !req.headers.has("transfer-encoding")) return new Uint8Array(await req.arrayBuffer());
  const reader = req.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      return "too_large";
    }
    parts.push(value);
  }
  return concatBytes(parts, total);
}

/** `{"encrypt": "…"}` (or `Encrypt`, as the official plugin tolerates) from the body; undefined when malformed. */
export function encryptField(body: Uint8Array): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    return undefined;
  }
  if (!json || typeof json !== "object") return undefined;
  const v = (json as Record<string, unknown>).encrypt ?? (json as Record<string, unknown>).Encrypt;
  return typeof v === "string" && v.length > 0 ? v : undefined;
}
