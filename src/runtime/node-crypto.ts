/**
 * The WeCom callback's hashing and AES on Node through node:crypto (synchronous, no job or promise per call); the
 * Worker keeps WebCrypto. Injected as `Deps.wecomCrypto` (src/bot/wecom/crypto.ts `CryptoPrimitives`).
 */
import { createCipheriv, createDecipheriv, createHash } from "node:crypto";
import type { CryptoPrimitives } from "../bot/wecom/crypto.js";

const cbc = (make: typeof createCipheriv | typeof createDecipheriv) => (key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array => {
  const c = make("aes-256-cbc", key, iv).setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
};

export const nodeCryptoPrimitives: CryptoPrimitives = {
  sha1Hex: (data) => createHash("sha1").update(data).digest("hex"),
  sha256Hex: (text) => createHash("sha256").update(text, "utf8").digest("hex"),
  cbcEncryptRaw: cbc(createCipheriv),
  cbcDecryptRaw: cbc(createDecipheriv),
};
