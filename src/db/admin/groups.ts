/** Groups (chats) for the admin pages. The robot key is written here and read back only through `maskKey`. */
import { asc, eq } from "drizzle-orm";
import { groups } from "../schema.js";
import type { Db } from "../types.js";
import type { BatchItem } from "../write.js";
import { maskKey } from "../robot-keys.js";

export type GroupPurpose = (typeof groups.$inferSelect)["purpose"];
/** A group as pages see it: the key only masked ("…abcd"), never in full (R38). */
export type GroupView = { id: number; chatId: string; name: string; purpose: GroupPurpose; unitId: number | null; robotKeyMasked: string; hasKey: boolean };
export type GroupFields = { name: string; purpose: GroupPurpose; unitId: number | null };

const view = (g: typeof groups.$inferSelect): GroupView => ({
  id: g.id,
  chatId: g.chatId,
  name: g.name,
  purpose: g.purpose,
  unitId: g.unitId,
  robotKeyMasked: maskKey(g.robotKey),
  hasKey: !!g.robotKey,
});

export async function listGroups(db: Db): Promise<GroupView[]> {
  return (await db.select().from(groups).orderBy(asc(groups.id))).map(view);
}

export async function getGroup(db: Db, id: number): Promise<GroupView | undefined> {
  const [g] = await db.select().from(groups).where(eq(groups.id, id));
  return g ? view(g) : undefined;
}

export const insertGroup = (db: Db, chatId: string, f: GroupFields): BatchItem => db.insert(groups).values({ chatId, ...f });
export const updateGroup = (db: Db, id: number, f: GroupFields): BatchItem => db.update(groups).set(f).where(eq(groups.id, id));
export const writeRobotKey = (db: Db, id: number, key: string | null): BatchItem => db.update(groups).set({ robotKey: key }).where(eq(groups.id, id));
