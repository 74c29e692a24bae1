/** The active people, for the REST API's directory (no credentials or contact details leave this module). */
import { asc, eq } from "drizzle-orm";
import { people } from "./schema.js";
import type { Db } from "./types.js";

export function activePeople(db: Db) {
  return db.select({ userId: people.userId, name: people.name, unitId: people.unitId, roles: people.roles }).from(people).where(eq(people.active, true)).orderBy(asc(people.id));
}
