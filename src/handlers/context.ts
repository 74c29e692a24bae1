/** What every use case receives: the deps, who is acting (from stored data), where, and when. */
import type { Deps } from "../deps.js";
import type { Role, groups, units } from "../db/schema.js";
import type { StoredUpload } from "./evidence.js";
import type { Content } from "../domain/message.js";

export type Actor = { userId: string; name: string; unitId: number | null; roles: Role[] };
export type UnitRow = typeof units.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;

export type HandlerCtx = {
  deps: Deps;
  actor: Actor;
  /** The chat the message came from; `group` is our stored group row when we know the chat. */
  chat: { chatId: string; type: "group" | "single"; group?: GroupRow };
  now: number;
  /** Durable message key ("<channel>:<msgid>"), the base of every outbox idempotency key. */
  msgKey: string;
  source: string;
  /** Images and files that came with this message, already stored with their SHA-256. */
  uploads: StoredUpload[];
  /** All units, loaded once per message (a district has dozens). */
  units: () => Promise<UnitRow[]>;
};

/** What a use case hands back: the reply, the statements of its one atomic write, and the case it named. */
export type Outcome = {
  reply: Content;
  writes: import("../db/write.js").BatchItem[];
  caseId?: number;
  /** Set when the write inserts a case: "{{caseId}}" in the reply is filled in from that row. */
  caseToken?: string;
  /** What the inbox keeps instead of `reply` when the reply carries a secret (a login link): a redelivery gets this. */
  inboxReply?: Content;
};
