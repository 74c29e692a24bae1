/** Administrator MFA rows (R30): challenges between the first factor and the TOTP code, and the enrolled secret. */
import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { auditLog, loginLinks, mfaChallenges, people, sessions } from "./schema.js";
import type { Db } from "./types.js";
import type { BatchItem } from "./write.js";
import { endSessionsOf, findSession, type NewSession } from "./sessions.js";

/** Long enough to open an authenticator app (or install one while enrolling), short enough to be useless later. */
export const CHALLENGE_TTL_MS = 10 * 60_000;
/** Wrong codes one challenge takes before it is spent; each also counts toward the account lockout. */
export const CHALLENGE_MAX_ATTEMPTS = 5;

export type NewChallenge = { tokenHash: string; personId: number; via: "password" | "link"; pendingSecret: string | null; next: string | null };

export function insertChallenge(db: Db, c: NewChallenge, now: number): BatchItem {
  return db.insert(mfaChallenges).values({ ...c, createdAt: now, expiresAt: now + CHALLENGE_TTL_MS });
}

export type OpenChallenge = typeof mfaChallenges.$inferSelect & { person: typeof people.$inferSelect };

/** A challenge that can still be answered: unused, unexpired, attempts left, person active. Read-only. */
export async function openChallenge(db: Db, tokenHash: string, now: number): Promise<OpenChallenge | undefined> {
  const [row] = await db
    .select({ c: mfaChallenges, p: people })
    .from(mfaChallenges)
    .innerJoin(people, eq(people.id, mfaChallenges.personId))
    .where(and(eq(mfaChallenges.tokenHash, tokenHash), isNull(mfaChallenges.usedAt), gt(mfaChallenges.expiresAt, now), eq(people.active, true)))
    .limit(1);
  return row && row.c.attempts < CHALLENGE_MAX_ATTEMPTS ? { ...row.c, person: row.p } : undefined;
}

/**
 * Claim one code attempt on the challenge before the code is checked: one UPDATE … RETURNING, so concurrent
 * guesses get distinct numbers and at most CHALLENGE_MAX_ATTEMPTS are evaluated (R31). Undefined: none left.
 */
export async function claimCodeAttempt(db: Db, tokenHash: string, now: number): Promise<number | undefined> {
  const rows = await db
    .update(mfaChallenges)
    .set({ attempts: sql`${mfaChallenges.attempts} + 1` })
    .where(and(eq(mfaChallenges.tokenHash, tokenHash), isNull(mfaChallenges.usedAt), gt(mfaChallenges.expiresAt, now), lt(mfaChallenges.attempts, CHALLENGE_MAX_ATTEMPTS)))
    .returning({ attempts: mfaChallenges.attempts });
  return rows[0]?.attempts;
}

/**
 * Spend the challenge and open the session in one batch. The spend requires used_at IS NULL and marks the row with
 * the session id; the session and its audit row are inserted only from a row so marked, so two concurrent right
 * answers open one session. The person's last step only moves forward (a code is good once), the attempts counted
 * up to this one are given back (not a lock set by later ones, R31), and an enrolment stores its secret.
 */
export async function completeChallenge(
  db: Db,
  c: { tokenHash: string; personId: number; step: number; enrolSecret: string | null; attempts: number },
  s: NewSession,
  now: number,
  audit: { source: string; detail: Record<string, unknown> },
  extra: BatchItem[],
): Promise<boolean> {
  const spent = sql`from ${mfaChallenges} join ${people} on ${people.id} = ${mfaChallenges.personId} where ${mfaChallenges.tokenHash} = ${c.tokenHash} and ${mfaChallenges.sessionId} = ${s.id}`;
  await db.batch([
    db
      .update(mfaChallenges)
      .set({ usedAt: now, sessionId: s.id })
      .where(and(eq(mfaChallenges.tokenHash, c.tokenHash), isNull(mfaChallenges.usedAt), gt(mfaChallenges.expiresAt, now))),
    // Column order of an insert-select is the table's: sessions (id, person_id, csrf, created_at, last_seen_at, ended_at).
    db.insert(sessions).select(sql`select ${s.id}, ${mfaChallenges.personId}, ${s.csrf}, ${now}, ${now}, null ${spent}`),
    // audit_log (id, at, actor, action, object, result, source, detail)
    db.insert(auditLog).select(sql`select null, ${now}, ${people.userId}, 'auth.mfa', 'person:' || ${people.id}, 'ok', ${audit.source}, ${JSON.stringify(audit.detail)} ${spent}`),
    db
      .update(people)
      .set({ totpLastStep: c.step, failedLogins: sql`max(${people.failedLogins} - ${c.attempts}, 0)`, ...(c.enrolSecret ? { totpSecret: c.enrolSecret } : {}) })
      .where(and(eq(people.id, c.personId), sql`exists (select 1 ${spent})`, sql`coalesce(${people.totpLastStep}, -1) < ${c.step}`)),
    ...extra,
  ]);
  return (await findSession(db, s.id)) !== undefined;
}

/**
 * Burn a login link into a challenge instead of a session (an administrator still owes a code): the same
 * one-use guarantee as a link that opens a session — the challenge exists only if this burn won.
 */
export async function redeemLinkForChallenge(db: Db, linkHash: string, c: Omit<NewChallenge, "personId" | "via">, now: number, source: string): Promise<number | undefined> {
  const mark = `mfa:${c.tokenHash}`;
  const from = sql`from ${loginLinks} join ${people} on ${people.id} = ${loginLinks.personId} where ${loginLinks.sessionId} = ${mark} and ${people.active} = 1`;
  await db.batch([
    db
      .update(loginLinks)
      .set({ usedAt: now, sessionId: mark })
      .where(and(eq(loginLinks.tokenHash, linkHash), eq(loginLinks.purpose, "login"), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now))),
    // mfa_challenges (token_hash, person_id, via, pending_secret, next, attempts, created_at, expires_at, used_at, session_id)
    db.insert(mfaChallenges).select(sql`select ${c.tokenHash}, ${loginLinks.personId}, 'link', ${c.pendingSecret}, ${c.next}, 0, ${now}, ${now + CHALLENGE_TTL_MS}, null, null ${from}`),
    // audit_log (id, at, actor, action, object, result, source, detail)
    db.insert(auditLog).select(sql`select null, ${now}, ${people.userId}, 'auth.login_link', 'person:' || ${people.id}, 'ok', ${source}, '{"mfa":"required"}' ${from}`),
  ]);
  const [row] = await db.select({ personId: mfaChallenges.personId }).from(mfaChallenges).where(eq(mfaChallenges.tokenHash, c.tokenHash)).limit(1);
  return row?.personId;
}

/**
 * Forget a person's authenticator (lost phone): the next sign-in enrols again. Open challenges are spent and open
 * sessions ended, so nobody stays signed in on the strength of the old device.
 */
export function resetMfa(db: Db, personId: number, now: number): BatchItem[] {
  return [
    endSessionsOf(db, personId, now),
    db.update(people).set({ totpSecret: null, totpLastStep: null }).where(eq(people.id, personId)),
    db
      .update(mfaChallenges)
      .set({ usedAt: now })
      .where(and(eq(mfaChallenges.personId, personId), isNull(mfaChallenges.usedAt))),
  ];
}
