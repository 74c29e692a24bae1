/**
 * The scheduler's lease row: at most one run at a time across processes and isolates (R21). It expires,
 * so a holder that died stops blocking after `ttl`; it also carries the watermark — the last instant a run
 * finished completely — from which the next run catches up (R22). Times here are the wall clock.
 */
import { and, eq, lte, sql } from "drizzle-orm";
import { leases, writeGuard } from "../db/schema.js";
import type { Db } from "../db/types.js";
import type { BatchItem } from "../db/write.js";

export const LEASE = "schedules";

/** Take the lease if it is free or expired; returns the stored watermark, or undefined when another run holds it. */
export async function acquireLease(db: Db, holder: string, now: number, ttlMs: number): Promise<{ watermark: number | null } | undefined> {
  const rows = await db
    .insert(leases)
    .values({ name: LEASE, holder, expiresAt: now + ttlMs, watermark: null })
    .onConflictDoUpdate({ target: leases.name, set: { holder, expiresAt: now + ttlMs }, setWhere: lte(leases.expiresAt, now) })
    .returning({ holder: leases.holder, watermark: leases.watermark });
  return rows[0]?.holder === holder ? { watermark: rows[0].watermark } : undefined;
}

/**
 * Fencing: put first in a run's batch. If the lease lapsed and another run took it, this violates the
 * `version_conflict` CHECK and the whole batch rolls back (slot keys would stop doubles anyway).
 */
export function leaseGuard(db: Db, holder: string): BatchItem {
  return db.insert(writeGuard).select(sql`select 0 where not exists (select 1 from ${leases} where ${leases.name} = ${LEASE} and ${leases.holder} = ${holder})`);
}

/** Release (expire now) and, when the run left nothing pending, move the watermark forward — never back. */
export function releaseLease(db: Db, holder: string, watermark?: number): BatchItem {
  return db
    .update(leases)
    .set(watermark === undefined ? { expiresAt: 0 } : { expiresAt: 0, watermark: sql`max(coalesce(${leases.watermark}, 0), ${watermark})` })
    .where(and(eq(leases.name, LEASE), eq(leases.holder, holder)));
}
