/**
 * R08's second half: a message we acknowledged (empty answer, work still running) must still take effect if the
 * process dies before the work commits. Its ciphertext was stored with its nonce before any work; every scheduler
 * tick takes the ones that are 2 minutes old with no inbox row and runs them again. The inbox key makes this safe
 * when the original work did finish after all: the pipeline then returns the stored answer with no second effect.
 */
import type { Config } from "../../config.js";
import { takeUnfinished } from "../../db/wecom-replay.js";
import type { Deps } from "../../deps.js";
import { handleMessage } from "../pipeline.js";
import { renderWecom } from "./render.js";
import { readPayload } from "./callback.js";
import { createWecomClient, type WecomClient } from "./client.js";
import { createWecomCrypto, parseEncodingAesKey } from "./crypto.js";
import { sendLateReply, type LateReply } from "./late-reply.js";
import { downloadMedia } from "./media.js";

const SORRY = "抱歉，处理您的消息时出错，请重新发送。";

export type InboundRecovery = (deps: Deps, at: number) => Promise<number>;

export function callbackRecovery(config: Config, opts: { client?: WecomClient } = {}): InboundRecovery {
  const { token, encodingAesKey, botId } = config.wecom;
  if (!token || !encodingAesKey) throw new Error("WECOM_MODE=callback needs WECOM_TOKEN and WECOM_ENCODING_AES_KEY");
  const wc = createWecomCrypto({ token, encodingAesKey, receiveId: "" });
  const aesKey = parseEncodingAesKey(encodingAesKey);
  const client = opts.client ?? createWecomClient({ apiBase: config.wecom.apiBase });

  return async (deps, at) => {
    const taken = await takeUnfinished(deps.db, at);
    for (const t of taken) {
      let reach: Omit<LateReply, "markdown"> | undefined;
      try {
        const read = readPayload(await wc.decrypt(t.encrypt), botId);
        const inbound = "inbound" in read ? read.inbound : undefined;
        if (!inbound || (inbound.kind !== "message" && inbound.kind !== "card")) continue;
        deps.log.warn("WeCom callback recovered: acknowledged earlier but never finished; processing it now", { msgId: inbound.msg.msgId, ageSeconds: Math.round((at - t.seenAt) / 1000) });
        // Media URLs live 5 minutes: by now they may be gone, and the sender is then asked to send the photo again.
        reach = { msgKey: t.msgKey, chatId: inbound.msg.chatId, responseUrl: inbound.responseUrl, receivedAt: t.seenAt };
        const uploads = inbound.kind === "message" && inbound.media.length ? await downloadMedia(client, aesKey, inbound.media, deps.log) : [];
        const replies = await handleMessage(deps, { ...inbound.msg, uploads });
        await sendLateReply(deps, { ...reach, markdown: replies.map(renderWecom).join("\n\n") });
      } catch (e) {
        // Taken once only: tell the sender, so the message is not silently lost.
        deps.log.error("WeCom callback recovery failed; the sender is asked to send it again", { msgKey: t.msgKey, error: String((e as Error)?.stack ?? e) });
        if (reach) await sendLateReply(deps, { ...reach, markdown: SORRY }).catch(() => {});
      }
    }
    return taken.length;
  };
}
