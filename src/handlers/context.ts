/** What every use case receives: the deps, who is acting (from stored data), where, and when. */
import type { Deps } from "../deps.js";
import type { Role, cases, groups, units } from "../db/schema.js";
import type { BatchItem } from "../db/write.js";
import type { Content } from "../domain/message.js";
import type { PhotoFacts } from "../domain/photo-facts.js";

// The shared shapes of src/handlers/ live here, in a module that imports no other handler file, so the
// handler modules that use each other (common, evidence, text) form no cycle.
export type CaseRow = typeof cases.$inferSelect;
/** An upload as received, before it is checked and stored. */
export type Upload = { bytes: Uint8Array; name?: string };
/** An upload checked by its magic bytes and stored, with the SHA-256 the audit records (R37). */
export type StoredUpload = { kind: "image" | "file"; mime: string; size: number; sha256: string; storageKey: string; fileName?: string; facts?: PhotoFacts };

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

/** Every use case's one argument: the context and its own typed input, declared beside it (openstatus's `{ ctx, input }`). */
export type UseCaseArgs<I> = { ctx: HandlerCtx; input: I };
/** The input of a use case that needs nothing beyond who asks (我的, 逾期, 统计, 登录). */
export type NoInput = Record<string, never>;

/** What a use case hands back: the reply, the statements of its one atomic write, and the case it named. */
export type Outcome = {
  reply: Content;
  writes: BatchItem[];
  caseId?: number;
  /** Set when the write inserts a case: "{{caseId}}" in the reply is filled in from that row. */
  caseToken?: string;
  /** What the inbox keeps instead of `reply` when the reply carries a secret (a login link): a redelivery gets this. */
  inboxReply?: Content;
};
