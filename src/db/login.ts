/** What sign-in reads and writes: the person by userid, attempt counting and lockout (R31), the per-IP throttle. */
import { and, eq, gte, isNull, lte, or, sql } from "drizzle-orm";
import { auditLog, loginSources, people } from "./schema.js";
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

/** A claimed attempt: `n` is its number since the last reset; or a refusal, `lockedNow` when this claim locked. */
export type AttemptClaim = { ok: true; n: number } | { ok: false; lockedNow: boolean };

/**
 * Count one sign-in attempt BEFORE its password or code is checked (R31). One UPDATE … RETURNING, so concurrent
 * attempts get distinct numbers: at most `max` are ever evaluated between resets, whatever arrives at once. A locked
 * account matches nothing; a claim past `max` locks the account and is refused; an expired lock starts a fresh count.
 * The lockout's audit row is written in the same batch. Works on libSQL and D1 (both have RETURNING).
 */
export async function claimAttempt(db: Db, personId: number, now: number, max: number, lockUntil: number, who: LockoutWho): Promise<AttemptClaim> {
  // The WHERE below admits only an unlocked or expired account, so a non-null lock here has expired.
  const base = sql`(case when ${people.lockedUntil} is null then ${people.failedLogins} else 0 end)`;
  const [rows] = await db.batch([
    db
      .update(people)
      .set({ failedLogins: sql`${base} + 1`, lockedUntil: sql`case when ${base} + 1 > ${max} then ${lockUntil} else null end` })
      .where(and(eq(people.id, personId), or(isNull(people.lockedUntil), lte(people.lockedUntil, now))))
      .returning({ n: people.failedLogins, lockedUntil: people.lockedUntil }),
    lockoutAudit(db, personId, lockUntil, now, who),
  ]);
  const r = (rows as { n: number; lockedUntil: number | null }[])[0];
  if (!r) return { ok: false, lockedNow: false };
  return r.lockedUntil === null ? { ok: true, n: r.n } : { ok: false, lockedNow: true };
}

/** After a wrong password or code: lock the account once `max` attempts are counted, with its audit row. */
export function lockIfReached(db: Db, personId: number, now: number, max: number, lockUntil: number, who: LockoutWho): BatchItem[] {
  return [
    db
      .update(people)
      .set({ lockedUntil: lockUntil })
      .where(and(eq(people.id, personId), isNull(people.lockedUntil), gte(people.failedLogins, max))),
    lockoutAudit(db, personId, lockUntil, now, who),
  ];
}

export type LockoutWho = { actor: string; source: string };

/**
 * The `auth.lockout` audit row, written only from the lock this batch set: the person is locked until exactly
 * `lockUntil` and no lockout row for that lock exists yet (two lockers at one instant set the same lock).
 */
function lockoutAudit(db: Db, personId: number, lockUntil: number, now: number, who: LockoutWho): BatchItem {
  const object = `person:${personId}`;
  // audit_log (id, at, actor, action, object, result, source, detail)
  return db.insert(auditLog).select(
    sql`select null, ${now}, ${who.actor}, 'auth.lockout', ${object}, 'ok', ${who.source}, json_object('until', ${lockUntil})
        from ${people} where ${people.id} = ${personId} and ${people.lockedUntil} = ${lockUntil}
        and not exists (select 1 from ${auditLog} where ${auditLog.object} = ${object} and ${auditLog.action} = 'auth.lockout' and ${auditLog.at} = ${now})`,
  );
}

/**
 * A successful step gives back `n` counted attempts: its own and those claimed before it (success resets the
 * counter, R31), but not attempts claimed after it, nor a lock they set. May store an upgraded hash.
 */
export function releaseAttempts(db: Db, personId: number, n: number, newHash?: string): BatchItem {
  return db
    .update(people)
    .set({ failedLogins: sql`max(${people.failedLogins} - ${n}, 0)`, ...(newHash ? { passwordHash: newHash } : {}) })
    .where(eq(people.id, personId));
}

/**
 * Count one attempt from `source` before it is checked (per-IP throttle, R31): one upsert … RETURNING in a fixed
 * window, so concurrent attempts get distinct numbers. Returns the attempt's number in the window.
 */
export async function claimSourceAttempt(db: Db, source: string, now: number, windowMs: number): Promise<number> {
  const expired = sql`${loginSources.windowStart} <= ${now - windowMs}`;
  const [r] = await db
    .insert(loginSources)
    .values({ source, windowStart: now, attempts: 1 })
    .onConflictDoUpdate({
      target: loginSources.source,
      set: {
        attempts: sql`case when ${expired} then 1 else ${loginSources.attempts} + 1 end`,
        windowStart: sql`case when ${expired} then ${now} else ${loginSources.windowStart} end`,
      },
    })
    .returning({ attempts: loginSources.attempts });
  return r.attempts;
}

/** A successful sign-in gives its own count back: only failures and refusals use up a source's window. */
export function releaseSourceAttempt(db: Db, source: string): BatchItem {
  return db
    .update(loginSources)
    .set({ attempts: sql`max(${loginSources.attempts} - 1, 0)` })
    .where(eq(loginSources.source, source));
}
