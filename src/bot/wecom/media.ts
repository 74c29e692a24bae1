/**
 * Smart-bot media in callback mode (wecom.md §1.A.4): URLs live 5 minutes and return AES-256-CBC ciphertext under
 * the callback's own key (no framing, 32-byte PKCS#7). We download and decrypt at once, on receipt; the pipeline's
 * storeUpload then checks magic bytes and size, stores with SHA-256 and binds per spec §2.3.
 */
import type { Upload } from "../../handlers/evidence.js";
import { MAX_UPLOAD_BYTES } from "../../domain/file-type.js";
import type { Logger } from "../../log.js";
import type { WecomClient } from "./client.js";
import { decryptMedia } from "./crypto.js";
import { OutboundRefused } from "./hosts.js";
import type { MediaRef } from "./payload.js";

/** The ciphertext of a file at the size limit is at most one 32-byte pad block longer. */
const MAX_CIPHERTEXT = MAX_UPLOAD_BYTES + 32;

/**
 * An upload the pipeline refuses with the right message: empty means "could not be received, send it again";
 * larger than the limit means "over 10 MB" (the buffer is zero-filled lazily, so it costs no real memory).
 */
const unreadable = (name?: string): Upload => ({ bytes: new Uint8Array(0), name });
const oversized = (name?: string): Upload => ({ bytes: new Uint8Array(MAX_UPLOAD_BYTES + 1), name });

async function fetchOne(client: WecomClient, aesKey: Uint8Array, ref: MediaRef, log: Logger): Promise<Upload> {
  const host = (() => {
    try {
      return new URL(ref.url).host; // never log the URL itself: its query authorises the download
    } catch {
      return "?";
    }
  })();
  try {
    const body = await client.getMedia(ref.url, MAX_CIPHERTEXT);
    if (body.truncated) return oversized(body.fileName);
    const bytes = await decryptMedia(aesKey, body.bytes);
    return { bytes, name: body.fileName };
  } catch (e) {
    if (e instanceof OutboundRefused) {
      // Nothing was requested: the URL is not WeCom's (a forged or replayed payload), so it is never fetched.
      log.warn("security: media URL refused: not a WeCom host or WECOM_API_BASE; the sender is asked to send it again", { host, kind: ref.kind });
      return unreadable();
    }
    log.warn("WeCom media download or decryption failed; the sender is asked to send it again", { host, kind: ref.kind, error: String((e as Error)?.message ?? e) });
    return unreadable();
  }
}

/** Downloads and decrypts every media item of a message, in parallel; failures become refusable uploads. */
export async function downloadMedia(client: WecomClient, aesKey: Uint8Array, refs: MediaRef[], log: Logger): Promise<Upload[]> {
  return Promise.all(refs.map((r) => fetchOne(client, aesKey, r, log)));
}
