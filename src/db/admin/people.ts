/** People for the admin pages: reads and change statements (the caller commits them with an audit row). */
import { and, asc, eq, like, or, type SQL } from "drizzle-orm";
import { people, type Role } from "../schema.js";
import type { Db } from "../types.js";
import type { BatchItem } from "../write.js";
import { endSessionsOf } from "../sessions.js";

export type PersonRow = typeof people.$inferSelect;
export type PersonFields = { userId: string; name: string; mobile: string | null; unitId: number | null; roles: Role[]; dingtalkId?: string | null };

export async function listPeople(db: Db, f: { unitId?: number; q?: string; inactive?: boolean }): Promise<PersonRow[]> {
  const where: SQL[] = [];
  if (f.unitId) where.push(eq(people.unitId, f.unitId));
  if (!f.inactive) where.push(eq(people.active, true));
  if (f.q) {
    const q = `%${f.q.replace(/[%_\\]/g, "")}%`;
    where.push(or(like(people.name, q), like(people.userId, q))!);
  }
  return db.select().from(people).where(and(...where)).orderBy(asc(people.unitId), asc(people.id)).limit(500);
}

export async function getPerson(db: Db, id: number): Promise<PersonRow | undefined> {
  const [p] = await db.select().from(people).where(eq(people.id, id));
  return p;
}

export async function personByUserIdRow(db: Db, userId: string): Promise<PersonRow | undefined> {
  const [p] = await db.select().from(people).where(eq(people.userId, userId));
  return p;
}

/** Who has this DingTalk staff id; one person per staff id (the CLI and the forms check it before writing). */
export async function personWithDingtalkId(db: Db, staffId: string): Promise<PersonRow | undefined> {
  const [p] = await db.select().from(people).where(eq(people.dingtalkId, staffId));
  return p;
}

export const setDingtalkId = (db: Db, id: number, staffId: string | null): BatchItem => db.update(people).set({ dingtalkId: staffId }).where(eq(people.id, id));

export const allPeople = (db: Db): Promise<PersonRow[]> => db.select().from(people);

export const insertPerson = (db: Db, f: PersonFields): BatchItem => db.insert(people).values(f);

export const updatePerson = (db: Db, id: number, f: Omit<PersonFields, "userId">): BatchItem => db.update(people).set(f).where(eq(people.id, id));

/** Disabling ends every session at once (ASVS 7.4.2); enabling also clears a lockout. */
export function setPersonActive(db: Db, id: number, active: boolean, now: number): BatchItem[] {
  return active
    ? [db.update(people).set({ active: true, failedLogins: 0, lockedUntil: null }).where(eq(people.id, id))]
    : [db.update(people).set({ active: false }).where(eq(people.id, id)), endSessionsOf(db, id, now)];
}

/** A new password (already hashed) clears the lockout and ends the person's sessions. */
export function setPasswordHash(db: Db, id: number, hash: string, now: number): BatchItem[] {
  return [db.update(people).set({ passwordHash: hash, failedLogins: 0, lockedUntil: null }).where(eq(people.id, id)), endSessionsOf(db, id, now)];
}
