/** Dashboard sessions (R32): rows keyed by the SHA-256 of the cookie token, read together with their person. */
import { and, eq, isNull } from "drizzle-orm";
import { people, sessions } from "./schema.js";
import type { Db } from "./types.js";
import type { BatchItem } from "./write.js";
import { randomToken, sha256Hex } from "./tokens.js";

export type SessionWithPerson = {
  id: string;
  csrf: string;
  createdAt: number;
  lastSeenAt: number;
  endedAt: number | null;
  person: typeof people.$inferSelect;
};

/** The session row and its person, or undefined when the hash is unknown. */
export async function findSession(db: Db, id: string): Promise<SessionWithPerson | undefined> {
  const [row] = await db.select({ s: sessions, p: people }).from(sessions).innerJoin(people, eq(people.id, sessions.personId)).where(eq(sessions.id, id)).limit(1);
  return row ? { id: row.s.id, csrf: row.s.csrf, createdAt: row.s.createdAt, lastSeenAt: row.s.lastSeenAt, endedAt: row.s.endedAt, person: row.p } : undefined;
}

export type NewSession = { token: string; id: string; csrf: string };

/** A fresh 256-bit cookie token; the row stores only its hash. */
export async function newSessionToken(): Promise<NewSession> {
  const token = randomToken(32);
  return { token, id: await sha256Hex(token), csrf: randomToken(32) };
}

export function insertSession(db: Db, s: NewSession, personId: number, now: number): BatchItem {
  return db.insert(sessions).values({ id: s.id, personId, csrf: s.csrf, createdAt: now, lastSeenAt: now });
}

export function endSession(db: Db, id: string, now: number): BatchItem {
  return db.update(sessions).set({ endedAt: now }).where(and(eq(sessions.id, id), isNull(sessions.endedAt)));
}

/** End every open session of a person: disabling an account or an admin's "end sessions" (ASVS 7.4.2, 7.4.5). */
export function endSessionsOf(db: Db, personId: number, now: number): BatchItem {
  return db.update(sessions).set({ endedAt: now }).where(and(eq(sessions.personId, personId), isNull(sessions.endedAt)));
}

/** Record activity for the idle limit; the only write a GET may cause, and it adds no row. */
export async function touchSession(db: Db, id: string, now: number): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(and(eq(sessions.id, id), isNull(sessions.endedAt)));
}

/** How many sessions a person has open (shown on the admin's person page). */
export async function openSessionCount(db: Db, personId: number, since: number): Promise<number> {
  const rows = await db.select({ at: sessions.lastSeenAt, created: sessions.createdAt }).from(sessions).where(and(eq(sessions.personId, personId), isNull(sessions.endedAt)));
  return rows.filter((r) => r.at >= since).length;
}
