/** Units for the admin pages: reads, and the statements of each change (committed with an audit row by the caller). */
import { asc, eq, inArray } from "drizzle-orm";
import { people, units } from "../schema.js";
import type { Db } from "../types.js";
import type { BatchItem } from "../write.js";

export type UnitRow = typeof units.$inferSelect;
export type UnitFields = { name: string; kind: UnitRow["kind"]; aliases: string[]; headUserId: string | null; deputyUserId: string | null; liaisonUserIds: string[] };

export const listUnits = (db: Db): Promise<UnitRow[]> => db.select().from(units).orderBy(asc(units.kind), asc(units.id));

export async function getUnit(db: Db, id: number): Promise<UnitRow | undefined> {
  const [u] = await db.select().from(units).where(eq(units.id, id));
  return u;
}

/** Which of these userids belong to nobody (the form names heads and liaisons by userid). */
export async function unknownUserIds(db: Db, userIds: string[]): Promise<string[]> {
  if (userIds.length === 0) return [];
  const found = await db.select({ userId: people.userId }).from(people).where(inArray(people.userId, userIds));
  const known = new Set(found.map((p) => p.userId));
  return userIds.filter((u) => !known.has(u));
}

export const insertUnit = (db: Db, f: UnitFields): BatchItem => db.insert(units).values(f);
export const updateUnit = (db: Db, id: number, f: UnitFields): BatchItem => db.update(units).set(f).where(eq(units.id, id));
export const setUnitActive = (db: Db, id: number, active: boolean): BatchItem => db.update(units).set({ active }).where(eq(units.id, id));

/** Everyone, for pickers (userid — name). */
export const peopleDirectory = (db: Db) => db.select({ userId: people.userId, name: people.name, unitId: people.unitId }).from(people).where(eq(people.active, true)).orderBy(asc(people.id));
