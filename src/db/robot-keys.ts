/** Group-robot webhook keys (groups.robot_key): a bearer credential, only ever shown masked (spec §1, wecom.md §2.1). */
import { asc, eq } from "drizzle-orm";
import { groups } from "./schema.js";
import type { Db } from "./types.js";

/** "…abcd": enough to tell keys apart, never enough to use one. */
export const maskKey = (key: string | null | undefined): string => (key ? `…${key.slice(-4)}` : "—");

export type GroupRobot = { chatId: string; name: string; robotKey: string | null };

export async function groupRobot(db: Db, chatId: string): Promise<GroupRobot | undefined> {
  const [g] = await db.select({ chatId: groups.chatId, name: groups.name, robotKey: groups.robotKey }).from(groups).where(eq(groups.chatId, chatId));
  return g;
}

/** Stores a group's robot key; false when no group has that chat id. */
export async function setRobotKey(db: Db, chatId: string, key: string): Promise<boolean> {
  const rows = await db.update(groups).set({ robotKey: key }).where(eq(groups.chatId, chatId)).returning({ id: groups.id });
  return rows.length > 0;
}

export async function listGroupRobots(db: Db): Promise<(GroupRobot & { purpose: string })[]> {
  return db.select({ chatId: groups.chatId, name: groups.name, purpose: groups.purpose, robotKey: groups.robotKey }).from(groups).orderBy(asc(groups.id));
}
