/** The channel-agnostic incoming message every adapter (WeCom, simulator) produces. */
import type { Upload } from "../handlers/evidence.js";

export type IncomingMessage = {
  channel: "wecom" | "dingtalk" | "sim";
  msgId: string;
  chatId: string;
  chatType: "group" | "single";
  senderId: string;
  text: string;
  /** Images and files already downloaded by the adapter. */
  uploads: Upload[];
  quoted?: { text?: string };
};
