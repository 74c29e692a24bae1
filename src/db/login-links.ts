/** One-time sign-in links (spec §5, 登录): 10 minutes, one use, only the token's SHA-256 stored. */
import { and, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import { auditLog, loginLinks, people, sessions } from "./schema.js";
import type { Db } from "./types.js";
import { commit, type BatchItem } from "./write.js";
import { randomToken, sha256Hex } from "./tokens.js";
import { findSession, type NewSession } from "./sessions.js";

export const LINK_TTL_MS = 10 * 60_000;

/** A new link token and the statement that stores its hash. */
export async function newLoginLink(db: Db, personId: number, now: number): Promise<{ token: string; write: BatchItem }> {
  const token = randomToken(32);
  const write = db.insert(loginLinks).values({ tokenHash: await sha256Hex(token), personId, createdAt: now, expiresAt: now + LINK_TTL_MS });
  return { token, write };
}

/** Read-only look at a link: whose it is (and whether they have an authenticator), if it can still be used. */
export async function peekLoginLink(db: Db, token: string, now: number): Promise<{ name: string; personId: number; roles: string[]; enrolled: boolean } | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const [row] = await db
    .select({ name: people.name, personId: people.id, roles: people.roles, enrolled: sql<number>`${people.totpSecret} is not null` })
    .from(loginLinks)
    .innerJoin(people, eq(people.id, loginLinks.personId))
    .where(and(eq(loginLinks.tokenHash, await sha256Hex(token)), eq(loginLinks.purpose, "login"), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now), eq(people.active, true)))
    .limit(1);
  return row && { ...row, enrolled: Boolean(row.enrolled) };
}

/**
 * Burn the link and open a session in one batch: the burn marks the row with the new session id, and the
 * session and its audit row are inserted only from a row so marked. A used, expired or foreign token inserts
 * nothing; two concurrent uses cannot both win because the burn requires used_at IS NULL.
 */
export async function redeemLoginLink(db: Db, token: string, s: NewSession, now: number, source: string): Promise<{ personId: number; roles: string[] } | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const hash = await sha256Hex(token);
  const from = sql`from ${loginLinks} join ${people} on ${people.id} = ${loginLinks.personId} where ${loginLinks.sessionId} = ${s.id} and ${people.active} = 1`;
  await commit(db, [
    db
      .update(loginLinks)
      .set({ usedAt: now, sessionId: s.id })
      .where(and(eq(loginLinks.tokenHash, hash), eq(loginLinks.purpose, "login"), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now))),
    // Column order of an insert-select is the table's: sessions (id, person_id, csrf, created_at, last_seen_at, ended_at).
    db.insert(sessions).select(sql`select ${s.id}, ${loginLinks.personId}, ${s.csrf}, ${now}, ${now}, null ${from}`),
    // audit_log (id, at, actor, action, object, result, source, detail)
    db.insert(auditLog).select(sql`select null, ${now}, ${people.userId}, 'auth.login_link', 'person:' || ${people.id}, 'ok', ${source}, null ${from}`),
  ]);
  const made = await findSession(db, s.id);
  return made ? { personId: made.person.id, roles: made.person.roles } : undefined;
}

/** A password-set link waits for the person to read the bot's message: a day, still one use (R34). */
export const PASSWORD_LINK_TTL_MS = 24 * 60 * 60_000;

/** A new password-set link (purpose "password": never a sign-in) and the statement that stores its hash. */
export async function newPasswordLink(db: Db, personId: number, now: number): Promise<{ token: string; tokenHash: string; write: BatchItem }> {
  const token = randomToken(32);
  const tokenHash = await sha256Hex(token);
  const write = db.insert(loginLinks).values({ tokenHash, personId, createdAt: now, expiresAt: now + PASSWORD_LINK_TTL_MS, purpose: "password" });
  return { token, tokenHash, write };
}

/** Read-only: whose password-set link this is, while it can still be used. */
export async function peekPasswordLink(db: Db, token: string, now: number): Promise<{ name: string; userId: string; personId: number } | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const [row] = await db
    .select({ name: people.name, userId: people.userId, personId: people.id })
    .from(loginLinks)
    .innerJoin(people, eq(people.id, loginLinks.personId))
    .where(and(eq(loginLinks.tokenHash, await sha256Hex(token)), eq(loginLinks.purpose, "password"), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now), eq(people.active, true)))
    .limit(1);
  return row;
}

/**
 * Burn a password-set link and store the new hash in one batch: the burn marks the row, and the password, the
 * lockout reset, the end of the person's sessions and the audit row all follow only from a row so marked.
 */
export async function setPasswordWithLink(db: Db, token: string, hash: string, now: number, source: string): Promise<{ userId: string } | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const tokenHash = await sha256Hex(token);
  const mark = `password:${randomToken(16)}`;
  const burnt = sql`(select ${loginLinks.personId} from ${loginLinks} where ${loginLinks.sessionId} = ${mark})`;
  const from = sql`from ${loginLinks} join ${people} on ${people.id} = ${loginLinks.personId} where ${loginLinks.sessionId} = ${mark}`;
  await commit(db, [
    db
      .update(loginLinks)
      .set({ usedAt: now, sessionId: mark })
      .where(and(eq(loginLinks.tokenHash, tokenHash), eq(loginLinks.purpose, "password"), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, now))),
    db.update(people).set({ passwordHash: hash, failedLogins: 0, lockedUntil: null }).where(and(inArray(people.id, burnt), eq(people.active, true))),
    db.update(sessions).set({ endedAt: now }).where(and(inArray(sessions.personId, burnt), isNull(sessions.endedAt))),
    // audit_log (id, at, actor, action, object, result, source, detail)
    db.insert(auditLog).select(sql`select null, ${now}, ${people.userId}, 'auth.password_set', 'person:' || ${people.id}, 'ok', ${source}, '{"via":"link"}' ${from}`),
  ]);
  const [row] = await db.select({ userId: people.userId }).from(loginLinks).innerJoin(people, eq(people.id, loginLinks.personId)).where(eq(loginLinks.sessionId, mark));
  return row;
}
