/**
 * The WeCom callback's hashing and AES on Node through node:crypto (synchronous, no job or promise per call); the
 * Worker keeps WebCrypto. Injected as `Deps.wecomCrypto` (src/bot/wecom/crypto.ts `CryptoPrimitives`).
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomFillSync, type KeyObject } from "node:crypto";
import type { CryptoPrimitives } from "../bot/wecom/crypto.js";

// A raw key makes node:crypto build a KeyObject on every cipher (~30 µs, the largest part of one callback's AES);
// the codec passes the same key array on every call, so its KeyObject is kept with it.
const keyObjects = new WeakMap<Uint8Array, KeyObject>();
const keyObject = (key: Uint8Array): KeyObject => {
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = createSecretKey(key)));
  return k;
};

const cbc = (make: typeof createCipheriv | typeof createDecipheriv) => (key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array => {
  const c = make("aes-256-cbc", keyObject(key), iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
};

// One getrandom call per reply cost ~17 µs on this VM (a syscall each time); drawing the 16-byte prefixes from a
// 4 KiB pool of the same CSPRNG makes that one call per 256 replies. Each byte is handed out once.
const POOL = 4096;
let pool = new Uint8Array(0);
let at = POOL;
const randomBytes = (n: number): Uint8Array => {
  if (n > POOL) return randomFillSync(new Uint8Array(n));
  if (at + n > POOL) {
    pool = randomFillSync(new Uint8Array(POOL));
    at = 0;
  }
  const out = pool.slice(at, at + n); // a copy: the caller may keep it
  pool.fill(0, at, at + n);
  at += n;
  return out;
};

export const nodeCryptoPrimitives: CryptoPrimitives = {
  sha1Hex: (data) => createHash("sha1").update(data).digest("hex"),
  sha256Hex: (text) => createHash("sha256").update(text, "utf8").digest("hex"),
  cbcEncryptRaw: cbc(createCipheriv),
  cbcDecryptRaw: cbc(createDecipheriv),
  randomBytes,
};
