/** The files interface: evidence photos and documents, by server-generated key. Disk on Node, R2 on Workers. */
export type StoredFile = { size: number; mime: string; sha256: string };

export interface Files {
  put(key: string, bytes: Uint8Array, mime: string): Promise<StoredFile>;
  get(key: string): Promise<{ bytes: Uint8Array; mime: string } | null>;
  head(key: string): Promise<{ size: number; mime: string } | null>;
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Keys are ours, never a user's file name: refuse anything that could walk out of the store. */
export function assertKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9/_.-]{0,200}$/.test(key) || key.includes("..")) throw new Error(`invalid file key: ${key}`);
}
