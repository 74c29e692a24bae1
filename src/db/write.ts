/**
 * One atomic write per state change: case row (version-checked) + timeline event + audit row + outbox rows,
 * all in one `db.batch` so it is all-or-nothing on libSQL and D1 alike.
 */
import { maskDeep, maskPii } from "../domain/pii.js";
import { isMessage, mapText } from "../domain/message.js";
import { and, eq, sql, type SQL } from "drizzle-orm";
import { auditLog, caseEvents, cases, outbox, writeGuard, type EventKind } from "./schema.js";
import { bound } from "./bound.js";
import type { Db } from "./types.js";

export type BatchItem = Parameters<Db["batch"]>[0][number];
type CaseInsert = typeof cases.$inferInsert;

export class VersionConflict extends Error {
  constructor() {
    super("version_conflict");
    this.name = "VersionConflict";
  }
}

export class DuplicateKey extends Error {
  constructor(readonly constraint: string) {
    super(`duplicate ${constraint}`);
    this.name = "DuplicateKey";
  }
}

/** A fresh random token; cases.write_token ties the rest of a batch to the row this batch wrote. */
export const newToken = () => crypto.randomUUID();

/** A case id inside the batch: a number, or the id of the row this batch inserted with `token`. */
export type CaseIdRef = number | { token: string };
export const caseIdSql = (ref: CaseIdRef): number | SQL =>
  typeof ref === "number" ? ref : sql`(select ${cases.id} from ${cases} where ${cases.writeToken} = ${ref.token})`;

/**
 * Update a case only if it is still at `version`, then abort the whole batch if it was not:
 * the guard inserts 0 into write_guard, whose CHECK (ok = 1) named `version_conflict` fails.
 */
export function updateCase(db: Db, id: number, version: number, set: Partial<CaseInsert>, token: string, at: number): BatchItem[] {
  // Drizzle leaves out a column set to undefined; so does the statement's shape.
  const fields = { ...set, version: version + 1, writeToken: token, updatedAt: at } as Record<string, unknown>;
  const columns = Object.keys(fields).filter((k) => fields[k] !== undefined).sort();
  const values: Record<string, unknown> = { "@id": id, "@version": version };
  for (const k of columns) values[k] = fields[k];
  return [
    bound(db, `case update ${columns.join(",")}`, values, (v) =>
      db
        .update(cases)
        .set(Object.fromEntries(columns.map((k) => [k, v(k)])))
        .where(and(eq(cases.id, v("@id")), eq(cases.version, v("@version")))),
    ),
    // An insert builder rather than db.run(): drizzle's D1 batch cannot bind parameters of raw statements.
    bound(db, "write guard", { id, token }, (v) =>
      db.insert(writeGuard).select(sql`select 0 where not exists (select 1 from ${cases} where ${cases.id} = ${v("id")} and ${cases.writeToken} = ${v("token")})`),
    ),
  ];
}

export type EventInput = { caseId: CaseIdRef; at: number; actor: string; kind: EventKind; text?: string; data?: Record<string, unknown> };
export function insertEvent(db: Db, e: EventInput): BatchItem {
  const values = { caseId: caseIdSql(e.caseId), at: e.at, actorUserId: e.actor, kind: e.kind, text: e.text ?? null, data: e.data ?? null };
  return bound(db, "event", values, (v) =>
    db.insert(caseEvents).values({ caseId: v("caseId"), at: v("at"), actorUserId: v("actorUserId"), kind: v("kind"), text: v("text"), data: v("data") }),
  );
}

export type AuditInput = {
  at: number;
  actor: string;
  action: string;
  object?: string | { caseToken: string };
  result: "ok" | "denied" | "failed";
  source?: string;
  detail?: Record<string, unknown>;
};
export function insertAudit(db: Db, a: AuditInput): BatchItem {
  const object =
    typeof a.object === "object"
      ? sql`('case:' || (select ${cases.id} from ${cases} where ${cases.writeToken} = ${a.object.caseToken}))`
      : (a.object ?? null);
  const values = {
    at: a.at,
    actor: a.actor,
    action: a.action,
    object,
    result: a.result,
    source: a.source ?? null,
    detail: a.detail ? maskDeep(a.detail) : null, // append-only and never cleared: its free text is masked (R39)
  };
  return bound(db, "audit", values, (v) =>
    db.insert(auditLog).values({ at: v("at"), actor: v("actor"), action: v("action"), object: v("object"), result: v("result"), source: v("source"), detail: v("detail") }),
  );
}

export type OutboxInput = {
  key: string; // idempotency key: the same key is never queued twice
  channel: "group" | "user" | "response_url";
  target: string;
  payload: Record<string, unknown>;
  caseId?: CaseIdRef;
  at: number;
  /** Earliest send, when not `at` (a schedule run for a future instant via `duban tick --at` sends now). */
  sendAfter?: number;
};
/** Text written before a new case has its id says "{{caseId}}"; the batch fills it in from the inserted row. */
export const CASE_ID = "{{caseId}}";
export function withCaseId(text: string, ref: CaseIdRef): string | SQL {
  if (typeof ref === "number") return text.replaceAll(CASE_ID, String(ref));
  return text.includes(CASE_ID) ? sql`replace(${text}, ${CASE_ID}, ${caseIdSql(ref)})` : text;
}

/** Every push is for a chat: its texts are masked before they are even queued (R39). */
function maskPayload(p: Record<string, unknown>): Record<string, unknown> {
  const mask = (k: string, v: unknown) => ((k === "markdown" || k === "text") && typeof v === "string" ? maskPii(v) : k === "message" && (typeof v === "string" || isMessage(v)) ? mapText(v, maskPii) : v);
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, mask(k, v)]));
}

// Outbox inserts are remembered so a caller can tell whether a batch queued anything to send.
const outboxItems = new WeakSet<object>();

/** True when one of `writes` came from insertOutbox: only then is a relay pass worth its queries. */
export const queuesMessages = (writes: readonly BatchItem[]) => writes.some((w) => outboxItems.has(w));

export function insertOutbox(db: Db, o: OutboxInput): BatchItem {
  const json = JSON.stringify(maskPayload(o.payload));
  const payload = o.caseId === undefined ? json : withCaseId(json, o.caseId);
  const item = db
    .insert(outbox)
    .values({
      idempotencyKey: o.key,
      channel: o.channel,
      target: o.target,
      payload: sql`${payload}` as unknown as Record<string, unknown>, // already JSON text
      caseId: o.caseId === undefined ? null : (caseIdSql(o.caseId) as number),
      status: "pending",
      nextAttemptAt: o.sendAfter ?? o.at,
      createdAt: o.at,
    })
    .onConflictDoNothing({ target: outbox.idempotencyKey });
  outboxItems.add(item);
  return item;
}

function errorText(e: unknown): string {
  const parts: string[] = [];
  for (let cur: unknown = e, i = 0; cur && i < 5; cur = (cur as { cause?: unknown }).cause, i++) {
    parts.push(String((cur as Error).message ?? cur));
  }
  return parts.join(" | ");
}

/** Run the statements as one all-or-nothing batch; map the guard and unique failures to typed errors. */
export async function commit(db: Db, items: BatchItem[]): Promise<void> {
  if (items.length === 0) return;
  try {
    await db.batch(items as [BatchItem, ...BatchItem[]]);
  } catch (e) {
    const text = errorText(e);
    if (text.includes("version_conflict")) throw new VersionConflict();
    const unique = /UNIQUE constraint failed: ([\w.]+)/.exec(text);
    if (unique) throw new DuplicateKey(unique[1]);
    throw e;
  }
}
