/** The outbox as the admin sees it: failed deliveries (dead letters) with their error, and the retry. */
import { and, count, desc, eq } from "drizzle-orm";
import { outbox } from "../schema.js";
import type { Db } from "../types.js";
import type { BatchItem } from "../write.js";

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxStatus = OutboxRow["status"];

export async function outboxCounts(db: Db): Promise<Record<OutboxStatus, number>> {
  const rows = await db.select({ status: outbox.status, n: count() }).from(outbox).groupBy(outbox.status);
  const out: Record<OutboxStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) out[r.status] = r.n;
  return out;
}

export const listOutbox = (db: Db, status: OutboxStatus, limit = 200): Promise<OutboxRow[]> =>
  db.select().from(outbox).where(eq(outbox.status, status)).orderBy(desc(outbox.id)).limit(limit);

export async function getOutbox(db: Db, id: number): Promise<OutboxRow | undefined> {
  const [r] = await db.select().from(outbox).where(eq(outbox.id, id));
  return r;
}

/** Back to pending with a fresh attempt budget; only a row that is still failed (a double click retries once). */
export const retryOutbox = (db: Db, id: number, now: number): BatchItem =>
  db.update(outbox).set({ status: "pending", attempts: 0, nextAttemptAt: now }).where(and(eq(outbox.id, id), eq(outbox.status, "failed")));
