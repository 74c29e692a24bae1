/**
 * WeCom callback crypto (WXBizMsgCrypt / WXBizJsonMsgCrypt), implemented with WebCrypto only so the same module runs
 * unchanged on Node 24 and in workerd (no `node:crypto`, no `Buffer`).
 *
 * Protocol facts (see /work/shared/reference/wecom.md §3.1):
 * - AESKey = base64decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = AESKey[0..16).
 * - Plaintext layout: random(16) || msg_len(4, big-endian) || msg (UTF-8) || receiveid (UTF-8),
 *   then PKCS#7 padding to a multiple of **32** bytes (pad value 1..32), then base64.
 * - Signature: sha1(sort([token, timestamp, nonce, encrypt]).join("")) as lowercase hex.
 * - receiveid is "" for internal smart bots (§1.A.1, §3.1), the CorpID for self-built apps.
 *
 * Callers must verify the signature before decrypting (§3.1 "Decryption check", reliability R03);
 * `verifyAndDecrypt` does both in that order.
 */

export type WecomCryptoErrorCode = "BAD_SIGNATURE" | "BAD_BASE64" | "BAD_PADDING" | "BAD_LENGTH" | "BAD_RECEIVEID" | "BAD_KEY";

/** The only error this module throws for malformed input or configuration. */
export class WecomCryptoError extends Error {
  readonly code: WecomCryptoErrorCode;

  constructor(code: WecomCryptoErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "WecomCryptoError";
    this.code = code;
  }
}

export interface WecomCryptoOptions {
  /** The callback Token from the admin console. */
  token: string;
  /** The 43-character EncodingAESKey from the admin console. */
  encodingAesKey: string;
  /** "" for internal smart bots (the default), the CorpID for self-built apps (§3.1). */
  receiveId?: string;
  /**
   * Synchronous SHA-1 and raw AES-256-CBC where the runtime has them (Node: src/runtime/node-crypto.ts). Without
   * them WebCrypto does the work, as on Workers; each WebCrypto call is a job and a promise, about a third of a
   * read command's CPU on Node (issue 12). Both paths give identical bytes (test/node/wecom-crypto*.test.ts).
   */
  primitives?: CryptoPrimitives;
}

export type CryptoPrimitives = {
  sha1Hex: (data: Uint8Array) => string;
  /** Lower-case hex SHA-256 of a string's UTF-8 (the replay store's payload digest, db/wecom-replay.ts sha256Text). */
  sha256Hex: (text: string) => string;
  /** AES-256-CBC over whole 16-byte blocks, no padding added or removed. */
  cbcEncryptRaw: (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Uint8Array;
  cbcDecryptRaw: (key: Uint8Array, iv: Uint8Array, data: Uint8Array) => Uint8Array;
  /** Cryptographically random bytes (the §3.1 prefix of each encrypted reply); crypto.getRandomValues when absent. */
  randomBytes?: (n: number) => Uint8Array;
};

/** The JSON body of an encrypted passive reply (§1.A.6): note `msgsignature` has no underscore. */
export interface WecomEncryptedReply<T extends string | number = string | number> {
  encrypt: string;
  msgsignature: string;
  timestamp: T;
  nonce: string;
}

export interface WecomCrypto {
  readonly receiveId: string;
  /** sha1(sort([token, timestamp, nonce, encrypt]).join("")) as lowercase hex (§3.1). */
  signature(timestamp: string | number, nonce: string, encrypt: string): Promise<string>;
  /** Constant-time check of `msgSignature` against the expected signature. */
  verify(msgSignature: string, timestamp: string | number, nonce: string, encrypt: string): Promise<boolean>;
  /** Decrypts a base64 `encrypt` / `echostr` value and returns the inner msg. Rejects with WecomCryptoError only. */
  decrypt(encrypt: string): Promise<string>;
  /** Verifies the signature first (BAD_SIGNATURE if it does not match), then decrypts. */
  verifyAndDecrypt(msgSignature: string, timestamp: string | number, nonce: string, encrypt: string): Promise<string>;
  /** Encrypts `plaintext` in the WeCom layout; `random` (16 bytes) is for deterministic tests only. */
  encrypt(plaintext: string, opts?: { random?: Uint8Array }): Promise<string>;
  /**
   * Builds the passive-reply body of §1.A.6. `nonce` must be the nonce of the callback URL; `timestamp` is echoed
   * with the type it was given (the doc example uses a number, the official Python sample a string: UNCONFIRMED which
   * the server prefers, wecom.md §7 item 2).
   */
  encryptReply<T extends string | number>(
    plaintext: string,
    timestamp: T,
    nonce: string,
    opts?: { random?: Uint8Array },
  ): Promise<WecomEncryptedReply<T>>;
}

const AES_BLOCK = 16;
/** WeCom pads to a multiple of 32 bytes, not AES's 16 (§3.1). */
const WECOM_PAD_BLOCK = 32;
const RANDOM_LEN = 16;
const HEADER_LEN = RANDOM_LEN + 4;

const UTF8 = new TextEncoder();
/** fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is part of the message, keep it. */
const UTF8_STRICT = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ASCII = new TextDecoder("utf-8");

// ---------------------------------------------------------------------------------------------------------------
// Constant-time comparison

/**
 * Compares two strings in time that depends only on their lengths, never on where they first differ.
 * Use this (never `===`) for signatures (reliability R03).
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) {
    // charCodeAt past the end is NaN; `| 0` turns it into 0, and the length term above already records the mismatch.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Base64 (standard alphabet, padded) without atob/btoa string round-trips, so multi-megabyte inputs are fine.

const B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_CODES = UTF8.encode(B64_ALPHABET);
const B64_LOOKUP: Int16Array = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64_ALPHABET.length; i++) t[B64_ALPHABET.charCodeAt(i)] = i;
  return t;
})();

function b64Value(s: string, i: number): number {
  const c = s.charCodeAt(i);
  const v = c < 128 ? B64_LOOKUP[c] : -1;
  if (v < 0) throw new WecomCryptoError("BAD_BASE64", `invalid base64 character at offset ${i}`);
  return v;
}

/**
 * Strict decoder: standard alphabet, length a multiple of 4, "=" only as the final one or two characters, no
 * whitespace. (Non-zero trailing bits before "=" are ignored, as Node's Buffer and atob do.)
 */
export function base64ToBytes(s: string): Uint8Array<ArrayBuffer> {
  if (s.length % 4 !== 0) throw new WecomCryptoError("BAD_BASE64", "base64 length is not a multiple of 4");
  if (s.length === 0) return new Uint8Array(0);
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  const lastQuad = s.length - 4;
  for (let i = 0; i < s.length; i += 4) {
    const tail = i === lastQuad ? pad : 0;
    const a = b64Value(s, i);
    const b = b64Value(s, i + 1);
    const c = tail === 2 ? 0 : b64Value(s, i + 2);
    const d = tail >= 1 ? 0 : b64Value(s, i + 3);
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = (n >>> 16) & 0xff;
    if (tail < 2) out[o++] = (n >>> 8) & 0xff;
    if (tail < 1) out[o++] = n & 0xff;
  }
  return out;
}

/** Standard padded base64. */
export function bytesToBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = B64_CODES[n >>> 18];
    out[o++] = B64_CODES[(n >>> 12) & 63];
    out[o++] = B64_CODES[(n >>> 6) & 63];
    out[o++] = B64_CODES[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = B64_CODES[n >>> 18];
    out[o++] = B64_CODES[(n >>> 12) & 63];
    out[o++] = rest === 2 ? B64_CODES[(n >>> 6) & 63] : 0x3d;
    out[o++] = 0x3d;
  }
  return ASCII.decode(out);
}

// ---------------------------------------------------------------------------------------------------------------
// Key

/**
 * Validates a 43-character EncodingAESKey and returns the 32-byte AESKey = base64decode(key + "=") (§3.1).
 * The official key of §3.2 ends in "C", whose low two bits are not zero: like Node's Buffer and atob, those bits are
 * ignored rather than rejected.
 */
export function parseEncodingAesKey(encodingAesKey: string): Uint8Array<ArrayBuffer> {
  if (typeof encodingAesKey !== "string" || encodingAesKey.length !== 43 || !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new WecomCryptoError("BAD_KEY", "EncodingAESKey must be 43 base64 characters");
  }
  const key = base64ToBytes(`${encodingAesKey}=`);
  if (key.length !== 32) throw new WecomCryptoError("BAD_KEY", "EncodingAESKey must decode to 32 bytes");
  return key;
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function toHex(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, "0");
  return s;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** A full 16-byte PKCS#7 block as WebCrypto understands it (16 × 0x10). */
const FULL_PAD_BLOCK = new Uint8Array(AES_BLOCK).fill(AES_BLOCK);

/** The decrypt half of the WebCrypto recipe of §3.4; see `decryptBlocks` in the factory for why it works. */
async function cbcDecryptKeepingPad(key: CryptoKey, iv: Uint8Array<ArrayBuffer>, ciphertext: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const lastBlock = ciphertext.slice(ciphertext.length - AES_BLOCK);
  const synthetic = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv: lastBlock }, key, FULL_PAD_BLOCK));
  const extended = new Uint8Array(ciphertext.length + AES_BLOCK);
  extended.set(ciphertext, 0);
  extended.set(synthetic.subarray(0, AES_BLOCK), ciphertext.length);
  const plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-CBC", iv }, key, extended));
  if (plain.length !== ciphertext.length) throw new WecomCryptoError("BAD_PADDING", "unexpected AES-CBC output length");
  return plain;
}

/** §3.1: PKCS#7 with block size 32, pad value 1..32; every pad byte must carry the pad value. */
function stripWecomPad(plain: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > WECOM_PAD_BLOCK || pad > plain.length) throw new WecomCryptoError("BAD_PADDING", `pad byte ${pad} is outside 1..32`);
  let padDiff = 0;
  for (let i = plain.length - pad; i < plain.length; i++) padDiff |= plain[i] ^ pad;
  if (padDiff !== 0) throw new WecomCryptoError("BAD_PADDING", "inconsistent PKCS#7 pad bytes");
  return plain.subarray(0, plain.length - pad);
}

/**
 * Decrypts a downloaded smart-bot media file (§1.A.4, §1.B.2): AES-256-CBC over the whole body with IV = key[0..16)
 * and PKCS#7 padding to a multiple of 32, with **no** random/length/receiveid framing. `key` is the 32-byte AESKey:
 * `parseEncodingAesKey(EncodingAESKey)` in callback mode, `base64ToBytes(aeskey)` for the long connection's per-URL key.
 */
export async function decryptMedia(key: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  if (key.length !== 32) throw new WecomCryptoError("BAD_KEY", "media key must be 32 bytes");
  if (ciphertext.length < AES_BLOCK || ciphertext.length % AES_BLOCK !== 0) {
    throw new WecomCryptoError("BAD_LENGTH", `media length ${ciphertext.length} is not a positive multiple of 16`);
  }
  const raw = new Uint8Array(key);
  const cryptoKey = await crypto.subtle.importKey("raw", raw, { name: "AES-CBC" }, false, ["encrypt", "decrypt"]);
  let plain: Uint8Array<ArrayBuffer>;
  try {
    plain = await cbcDecryptKeepingPad(cryptoKey, raw.slice(0, AES_BLOCK), new Uint8Array(ciphertext));
  } catch (err) {
    if (err instanceof WecomCryptoError) throw err;
    throw new WecomCryptoError("BAD_PADDING", "AES-CBC decryption failed", { cause: err });
  }
  return stripWecomPad(plain);
}

// ---------------------------------------------------------------------------------------------------------------
// Factory

export function createWecomCrypto(options: WecomCryptoOptions): WecomCrypto {
  const { token, encodingAesKey, receiveId = "", primitives } = options;
  // An empty token would make every signature computable from public values alone.
  if (typeof token !== "string" || token.length === 0) throw new WecomCryptoError("BAD_KEY", "token must be a non-empty string");
  if (typeof receiveId !== "string") throw new WecomCryptoError("BAD_KEY", "receiveId must be a string");
  const aesKey = parseEncodingAesKey(encodingAesKey);
  const iv = aesKey.slice(0, AES_BLOCK); // §3.1: IV = AESKey[0..16)
  const receiveIdBytes = UTF8.encode(receiveId);

  let keyPromise: Promise<CryptoKey> | undefined;
  const cryptoKey = (): Promise<CryptoKey> =>
    (keyPromise ??= crypto.subtle.importKey("raw", aesKey, { name: "AES-CBC" }, false, ["encrypt", "decrypt"]));

  async function signature(timestamp: string | number, nonce: string, encrypt: string): Promise<string> {
    // §3.1: a plain lexicographic sort of the four strings (JS sorts by UTF-16 code unit; identical to the official
    // samples for the ASCII values WeCom uses).
    const joined = [token, String(timestamp), nonce, encrypt].sort().join("");
    if (primitives) return primitives.sha1Hex(UTF8.encode(joined));
    return toHex(await crypto.subtle.digest("SHA-1", UTF8.encode(joined)));
  }

  async function verify(msgSignature: string, timestamp: string | number, nonce: string, encrypt: string): Promise<boolean> {
    if (typeof msgSignature !== "string" || typeof nonce !== "string" || typeof encrypt !== "string") return false;
    const expected = await signature(timestamp, nonce, encrypt);
    return timingSafeEqual(expected, msgSignature);
  }

  /**
   * AES-256-CBC decryption of WeCom's 32-byte-padded ciphertext with WebCrypto (§3.4).
   *
   * WebCrypto's AES-CBC always removes and checks a 16-byte PKCS#7 pad, so decrypting WeCom ciphertext directly fails
   * with OperationError whenever WeCom's pad byte is above 16 (the §3.3 callback vector has pad 21). We therefore
   * append one synthetic block that WebCrypto will see as a valid full pad block:
   *
   *   In CBC, P_i = AES_dec(C_i) XOR C_{i-1}. Let C_n be the last real ciphertext block and
   *   X = AES_enc(C_n XOR 0x10^16), which is exactly the first output block of CBC-encrypting 16 × 0x10 with IV = C_n.
   *   Decrypting C_1..C_n || X then yields P_1..P_n || 0x10^16; WebCrypto strips that last block as its own padding
   *   and returns P_1..P_n untouched (block i depends only on C_{i-1} and C_i). The WeCom padding inside P_n is
   *   then validated and stripped here, with block size 32.
   *
   * This never makes WebCrypto throw on a well-sized input, so every malformed ciphertext surfaces as one of our own
   * typed errors. Emulating CBC with AES-CTR/ECB is impossible in WebCrypto (no raw block decrypt), hence this trick.
   */
  async function decryptBlocks(ciphertext: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
    if (primitives) return new Uint8Array(primitives.cbcDecryptRaw(aesKey, iv, ciphertext));
    return cbcDecryptKeepingPad(await cryptoKey(), iv, ciphertext);
  }

  async function decrypt(encrypt: string): Promise<string> {
    if (typeof encrypt !== "string") throw new WecomCryptoError("BAD_BASE64", "encrypt must be a string");
    const ciphertext = base64ToBytes(encrypt);
    // The smallest valid plaintext (random + msg_len, empty msg and receiveid, padded) is 32 bytes. WeCom always
    // produces multiples of 32; multiples of 16 are accepted too, as the official decoders do.
    if (ciphertext.length < WECOM_PAD_BLOCK || ciphertext.length % AES_BLOCK !== 0) {
      throw new WecomCryptoError("BAD_LENGTH", `ciphertext length ${ciphertext.length} is not a multiple of 16 of at least 32`);
    }

    let plain: Uint8Array<ArrayBuffer>;
    try {
      plain = await decryptBlocks(ciphertext);
    } catch (err) {
      if (err instanceof WecomCryptoError) throw err;
      throw new WecomCryptoError("BAD_PADDING", "AES-CBC decryption failed", { cause: err });
    }

    const content = stripWecomPad(plain);

    // §3.1 layout: random(16) || msg_len(4, BE) || msg || receiveid.
    if (content.length < HEADER_LEN) throw new WecomCryptoError("BAD_LENGTH", "plaintext shorter than its 20-byte header");
    const msgLen = new DataView(content.buffer, content.byteOffset, content.byteLength).getUint32(RANDOM_LEN, false);
    if (msgLen > content.length - HEADER_LEN) {
      throw new WecomCryptoError("BAD_LENGTH", `msg_len ${msgLen} exceeds the ${content.length - HEADER_LEN} bytes available`);
    }
    const msgBytes = content.subarray(HEADER_LEN, HEADER_LEN + msgLen);
    const tail = content.subarray(HEADER_LEN + msgLen);
    // §3.1: the official library compares the trailing receiveid exactly; for smart bots it must be empty.
    if (!bytesEqual(tail, receiveIdBytes)) throw new WecomCryptoError("BAD_RECEIVEID", "receiveid does not match");

    try {
      return UTF8_STRICT.decode(msgBytes);
    } catch (err) {
      // msg_len does not delimit valid UTF-8: a framing error, never silently turned into U+FFFD.
      throw new WecomCryptoError("BAD_LENGTH", "msg is not valid UTF-8 at the declared msg_len", { cause: err });
    }
  }

  async function verifyAndDecrypt(msgSignature: string, timestamp: string | number, nonce: string, encrypt: string): Promise<string> {
    if (!(await verify(msgSignature, timestamp, nonce, encrypt))) throw new WecomCryptoError("BAD_SIGNATURE", "msg_signature does not match");
    return decrypt(encrypt);
  }

  async function encrypt(plaintext: string, opts?: { random?: Uint8Array }): Promise<string> {
    const random = opts?.random ?? primitives?.randomBytes?.(RANDOM_LEN) ?? crypto.getRandomValues(new Uint8Array(RANDOM_LEN));
    if (random.length !== RANDOM_LEN) throw new WecomCryptoError("BAD_LENGTH", "random must be exactly 16 bytes");
    // TextEncoder replaces lone surrogates with U+FFFD, exactly as Node's Buffer.from does in @wecom/crypto.
    const msg = UTF8.encode(plaintext);
    if (msg.length > 0xffffffff) throw new WecomCryptoError("BAD_LENGTH", "message too long");
    const bodyLen = HEADER_LEN + msg.length + receiveIdBytes.length;
    // §3.1: pad to a multiple of 32; a full 32-byte block when already aligned.
    const pad = WECOM_PAD_BLOCK - (bodyLen % WECOM_PAD_BLOCK);
    const padded = new Uint8Array(bodyLen + pad);
    padded.set(random, 0);
    new DataView(padded.buffer).setUint32(RANDOM_LEN, msg.length, false);
    padded.set(msg, HEADER_LEN);
    padded.set(receiveIdBytes, HEADER_LEN + msg.length);
    padded.fill(pad, bodyLen);
    if (primitives) return bytesToBase64(primitives.cbcEncryptRaw(aesKey, iv, padded));
    // §3.4: WebCrypto appends its own 16-byte pad block to this block-aligned input; drop it.
    const out = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-CBC", iv }, await cryptoKey(), padded));
    return bytesToBase64(out.subarray(0, padded.length));
  }

  async function encryptReply<T extends string | number>(
    plaintext: string,
    timestamp: T,
    nonce: string,
    opts?: { random?: Uint8Array },
  ): Promise<WecomEncryptedReply<T>> {
    const enc = await encrypt(plaintext, opts);
    const msgsignature = await signature(timestamp, nonce, enc);
    return { encrypt: enc, msgsignature, timestamp, nonce };
  }

  return { receiveId, signature, verify, decrypt, verifyAndDecrypt, encrypt, encryptReply };
}
