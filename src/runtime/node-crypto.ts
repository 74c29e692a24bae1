/**
 * The WeCom callback's hashing and AES on Node through node:crypto (synchronous, no job or promise per call); the
 * Worker keeps WebCrypto. Injected as `Deps.wecomCrypto` (src/bot/wecom/crypto.ts `CryptoPrimitives`).
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey, type KeyObject } from "node:crypto";
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

export const nodeCryptoPrimitives: CryptoPrimitives = {
  sha1Hex: (data) => createHash("sha1").update(data).digest("hex"),
  sha256Hex: (text) => createHash("sha256").update(text, "utf8").digest("hex"),
  cbcEncryptRaw: cbc(createCipheriv),
  cbcDecryptRaw: cbc(createDecipheriv),
};
