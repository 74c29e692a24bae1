/**
 * The directory — units, people, groups — kept in memory per database handle and read again only when
 * `directory_version` moved (bumped by triggers on the three tables, migration 0035, so a change by any process or
 * by plain SQL counts). A chat message read the whole units table and the sender's and the chat's rows each time
 * (issue 12: a third of the database time of a read command); now it reads one integer.
 *
 * The rows are frozen: callers share them and must not change them.
 */
import { sql } from "drizzle-orm";
import { groups, people, units } from "./schema.js";
import type { Db } from "./types.js";

export type UnitRow = typeof units.$inferSelect;
export type PersonRow = typeof people.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;

export type Directory = {
  version: number;
  units: readonly UnitRow[];
  /** Active people by user id. */
  activePeople: ReadonlyMap<string, PersonRow>;
  /** Everyone's name by user id, active or not (a timeline names people who have left). */
  names: ReadonlyMap<string, string>;
  groups: ReadonlyMap<string, GroupRow>;
};

const kept = new WeakMap<object, Promise<Directory>>();

const version = async (db: Db): Promise<number> => Number((await db.all<{ v: number }>(sql`select v from directory_version where id = 1`))[0]?.v ?? -1);

async function load(db: Db, v: number): Promise<Directory> {
  const [u, p, g] = await Promise.all([db.select().from(units), db.select().from(people), db.select().from(groups)]);
  const freeze = <T extends object>(rows: T[]) => Object.freeze(rows.map((r) => Object.freeze(r)));
  return {
    version: v,
    units: freeze(u),
    activePeople: new Map(freeze(p).filter((x) => x.active).map((x) => [x.userId, x])),
    names: new Map(p.map((x) => [x.userId, x.name])),
    groups: new Map(freeze(g).map((x) => [x.chatId, x])),
  };
}

/** The directory as of now: from memory when nothing changed since it was read, else read again. */
export async function directory(db: Db): Promise<Directory> {
  const v = await version(db);
  const known = kept.get(db);
  if (known) {
    const d = await known.catch(() => undefined);
    if (d && d.version === v) return d;
  }
  // Read after the version: a change during the read bumps it again, and the next call reads once more.
  const fresh = load(db, v);
  kept.set(db, fresh);
  return fresh;
}
