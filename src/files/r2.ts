/** Files in a Cloudflare R2 bucket (Workers). */
import { assertKey, sha256Hex, type Files } from "./types.js";

export function r2Files(bucket: R2Bucket): Files {
  return {
    async put(key, bytes, mime) {
      assertKey(key);
      await bucket.put(key, bytes, { httpMetadata: { contentType: mime } });
      return { size: bytes.byteLength, mime, sha256: await sha256Hex(bytes) };
    },
    async get(key) {
      assertKey(key);
      const obj = await bucket.get(key);
      if (!obj) return null;
      return { bytes: new Uint8Array(await obj.arrayBuffer()), mime: obj.httpMetadata?.contentType ?? "application/octet-stream" };
    },
    async head(key) {
      assertKey(key);
      const obj = await bucket.head(key);
      return obj ? { size: obj.size, mime: obj.httpMetadata?.contentType ?? "application/octet-stream" } : null;
    },
  };
}
