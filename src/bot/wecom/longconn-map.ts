/**
 * Long-connection frame bodies are the callback JSON (wecom.md §1.B.2 → §1.A.3/§1.A.5), so they go through the same
 * zod schema and mapping (payload.ts). The one difference handled here: every image/file/video struct carries its
 * own `aeskey` (base64 AES-256 key, IV = its first 16 bytes, 32-byte PKCS#7), instead of the callback's key.
 */
import type { Upload } from "../../handlers/evidence.js";
import type { Logger } from "../../log.js";
import type { WecomClient } from "./client.js";
import { base64ToBytes } from "./crypto.js";
import { downloadMedia } from "./media.js";
import type { CallbackPayload, MediaRef } from "./payload.js";

type MediaStruct = { url: string; aeskey?: string };

/** url → aeskey for every media struct of a body (image, file, video and the images of a mixed message). */
export function mediaKeys(p: CallbackPayload): Map<string, string> {
  const structs: (MediaStruct | undefined)[] = [];
  if (p.msgtype === "image") structs.push(p.image);
  if (p.msgtype === "file") structs.push(p.file);
  if (p.msgtype === "video") structs.push(p.video);
  if (p.msgtype === "mixed") structs.push(...p.mixed.msg_item.map((i) => i.image));
  return new Map(structs.flatMap((s) => (s?.aeskey ? [[s.url, s.aeskey] as const] : [])));
}

function keyBytes(aeskey: string | undefined): Uint8Array | undefined {
  if (!aeskey) return undefined;
  try {
    const k = base64ToBytes(aeskey);
    return k.length === 32 ? k : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Download and decrypt each item with its own key, right away (URLs live 5 minutes, §1.B.2). As in callback mode
 * (media.ts), a failure becomes an empty upload that the pipeline refuses with "send it again" — after its msgid
 * dedupe, so a redelivered message still gets its first answer.
 */
export async function downloadWsMedia(client: WecomClient, p: CallbackPayload, refs: MediaRef[], log: Logger): Promise<Upload[]> {
  const keys = mediaKeys(p);
  const each = await Promise.all(
    refs.map(async (ref) => {
      const key = keyBytes(keys.get(ref.url));
      if (key) return downloadMedia(client, key, [ref], log);
      log.warn("wecom long connection: media without a usable aeskey; the sender is asked to send it again", { kind: ref.kind });
      return [{ bytes: new Uint8Array(0) }];
    }),
  );
  return each.flat();
}

/** aibot_send_msg target for a conversation: the group's chatid, or the user's userid in a single chat (§1.B.4). */
export const sendTarget = (p: CallbackPayload): string => (p.chattype === "group" && p.chatid ? p.chatid : p.from.userid);
