/** Drains the outbox: claims due rows, hands each to the runtime's Deliver, records sent / retry / failed. */
import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { outbox } from "../db/schema.js";
import { commit, insertAudit } from "../db/write.js";
import type { Deps } from "../deps.js";

export const MAX_ATTEMPTS = 10;
const CLAIM_MS = 60_000; // a claimed row whose sender died becomes due again after this
const BASE_MS = 5_000;
const CAP_MS = 600_000;

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^attempt)], never below 1 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.max(1_000, Math.floor(random() * ceiling));
}

export async function drainOutbox(deps: Pick<Deps, "db" | "deliver" | "log" | "clock">, opts: { now?: number; limit?: number } = {}): Promise<{ sent: number; retried: number; failed: number }> {
  const now = opts.now ?? deps.clock();
  const due = await deps.db
    .select()
    .from(outbox)
    .where(and(inArray(outbox.status, ["pending", "sending"]), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.id))
    .limit(opts.limit ?? 50);
  const out = { sent: 0, retried: 0, failed: 0 };
  for (const row of due) {
    // Claim: only one relay (process, isolate or tick) gets the row.
    const claimed = await deps.db
      .update(outbox)
      .set({ status: "sending", attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: now + CLAIM_MS })
      .where(and(eq(outbox.id, row.id), eq(outbox.attempts, row.attempts), inArray(outbox.status, ["pending", "sending"])))
      .returning({ attempts: outbox.attempts });
    if (claimed.length === 0) continue;
    const attempts = claimed[0].attempts;
    const r = await deps.deliver(row).catch((e: unknown) => ({ ok: false as const, retryable: true, error: String(e), pauseMs: 0 }));
    if (r.ok) {
      await deps.db.update(outbox).set({ status: "sent", sentAt: now, lastError: null }).where(eq(outbox.id, row.id));
      out.sent++;
    } else if (r.retryable && attempts < MAX_ATTEMPTS) {
      await deps.db
        .update(outbox)
        .set({ status: "pending", lastError: r.error.slice(0, 500), nextAttemptAt: now + Math.max(r.pauseMs ?? 0, backoffMs(attempts)) })
        .where(eq(outbox.id, row.id));
      out.retried++;
    } else {
      // Never silently dropped: the row stays visible as failed, with an audit row, for a person to retry.
      await commit(deps.db, [
        deps.db.update(outbox).set({ status: "failed", lastError: r.error.slice(0, 500) }).where(eq(outbox.id, row.id)),
        insertAudit(deps.db, { at: now, actor: "system", action: "outbox.failed", object: `outbox:${row.id}`, result: "failed", detail: { error: r.error.slice(0, 200), attempts } }),
      ]);
      deps.log.warn("delivery failed permanently", { outboxId: row.id, target: row.channel, attempts });
      out.failed++;
    }
  }
  return out;
}
