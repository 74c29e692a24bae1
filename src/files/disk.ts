/** Files on local disk under FILES_DIR (Node); the MIME type is kept in a sidecar so reads need no guessing. */
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { assertKey, sha256Hex, type Files } from "./types.js";

export function diskFiles(dir: string): Files {
  const root = resolve(dir);
  const path = (key: string) => {
    assertKey(key);
    return join(root, key);
  };
  return {
    async put(key, bytes, mime) {
      const p = path(key);
      await mkdir(dirname(p), { recursive: true });
      // Write then rename so a crash never leaves a half-written file under the final name.
      await writeFile(`${p}.tmp`, bytes);
      await rename(`${p}.tmp`, p);
      await writeFile(`${p}.meta`, JSON.stringify({ mime }));
      return { size: bytes.byteLength, mime, sha256: await sha256Hex(bytes) };
    },
    async get(key) {
      const p = path(key);
      try {
        const [bytes, meta] = await Promise.all([readFile(p), readFile(`${p}.meta`, "utf8")]);
        return { bytes: new Uint8Array(bytes), mime: JSON.parse(meta).mime as string };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    },
    async head(key) {
      const p = path(key);
      try {
        const [s, meta] = await Promise.all([stat(p), readFile(`${p}.meta`, "utf8")]);
        return { size: s.size, mime: JSON.parse(meta).mime as string };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw e;
      }
    },
  };
}
