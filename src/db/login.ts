/** What sign-in reads and writes: the person by userid, failure counting and lockout (R31), the per-IP throttle. */
import { and, count, eq, gt, inArray, sql } from "drizzle-orm";
import { auditLog, people } from "./schema.js";
import type { Db } from "./types.js";
import type { BatchItem } from "./write.js";

export type LoginPerson = typeof people.$inferSelect;

export async function personByUserId(db: Db, userId: string): Promise<LoginPerson | undefined> {
  const [p] = await db.select().from(people).where(eq(people.userId, userId)).limit(1);
  return p;
}

export async function personById(db: Db, id: number): Promise<LoginPerson | undefined> {
  const [p] = await db.select().from(people).where(eq(people.id, id)).limit(1);
  return p;
}

/**
 * One more failure; the `max`-th locks the account until `lockUntil` and restarts the count.
 * A single statement, so two concurrent failures both count.
 */
export function recordFailure(db: Db, personId: number, max: number, lockUntil: number): BatchItem {
  const reached = sql`${people.failedLogins} + 1 >= ${max}`;
  return db
    .update(people)
    .set({
      lockedUntil: sql`case when ${reached} then ${lockUntil} else ${people.lockedUntil} end`,
      failedLogins: sql`case when ${reached} then 0 else ${people.failedLogins} + 1 end`,
    })
    .where(eq(people.id, personId));
}

/** A successful sign-in clears the counter and the lock, and may store an upgraded hash. */
export function recordSuccess(db: Db, personId: number, newHash?: string, o: { keepFailures?: boolean } = {}): BatchItem {
  return db
    .update(people)
    .set({ ...(o.keepFailures ? {} : { failedLogins: 0, lockedUntil: null }), ...(newHash ? { passwordHash: newHash } : {}) })
    .where(eq(people.id, personId));
}

/** Failed or refused sign-ins from one source since `since`, read from the audit log (per-IP throttle, R31). */
export async function recentFailuresFrom(db: Db, source: string, since: number): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(and(eq(auditLog.action, "auth.login"), eq(auditLog.source, source), gt(auditLog.at, since), inArray(auditLog.result, ["failed", "denied"])));
  return r?.n ?? 0;
}
