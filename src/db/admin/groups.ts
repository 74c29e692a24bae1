/** Groups (chats) for the admin pages. Robot keys, webhooks and secrets are written here and read back only masked. */
import { asc, eq } from "drizzle-orm";
import { groups } from "../schema.js";
import type { Db } from "../types.js";
import type { BatchItem } from "../write.js";
import { maskKey } from "../robot-keys.js";
import { isPlatform, maskWebhook, type Platform } from "../../domain/channel-fields.js";

export type GroupPurpose = (typeof groups.$inferSelect)["purpose"];
/** A group as pages see it: credentials only masked ("…abcd"), never in full (R38). */
export type GroupView = {
  id: number;
  chatId: string;
  name: string;
  purpose: GroupPurpose;
  unitId: number | null;
  platform: Platform;
  robotKeyMasked: string;
  hasKey: boolean;
  /** DingTalk custom robot (自定义机器人): its webhook's token masked, and whether 加签 is set. */
  webhookMasked: string;
  hasWebhook: boolean;
  hasSecret: boolean;
};
export type GroupFields = { name: string; purpose: GroupPurpose; unitId: number | null; platform: Platform };
/** A DingTalk custom robot; `undefined` leaves a field as it is (a blank form field keeps the stored secret). */
export type DingtalkRobot = { webhook?: string | null; secret?: string | null };

const view = (g: typeof groups.$inferSelect): GroupView => ({
  id: g.id,
  chatId: g.chatId,
  name: g.name,
  purpose: g.purpose,
  unitId: g.unitId,
  platform: isPlatform(g.platform) ? g.platform : "wecom",
  robotKeyMasked: maskKey(g.robotKey),
  hasKey: !!g.robotKey,
  webhookMasked: maskWebhook(g.robotWebhook),
  hasWebhook: !!g.robotWebhook,
  hasSecret: !!g.robotSecret,
});

export async function listGroups(db: Db): Promise<GroupView[]> {
  return (await db.select().from(groups).orderBy(asc(groups.id))).map(view);
}

export async function getGroup(db: Db, id: number): Promise<GroupView | undefined> {
  const [g] = await db.select().from(groups).where(eq(groups.id, id));
  return g ? view(g) : undefined;
}

export async function groupByChatId(db: Db, chatId: string): Promise<GroupView | undefined> {
  const [g] = await db.select().from(groups).where(eq(groups.chatId, chatId));
  return g ? view(g) : undefined;
}

export const insertGroup = (db: Db, chatId: string, f: GroupFields, robot: DingtalkRobot = {}): BatchItem =>
  db.insert(groups).values({ chatId, ...f, robotWebhook: robot.webhook ?? null, robotSecret: robot.secret ?? null });
export const updateGroup = (db: Db, id: number, f: GroupFields): BatchItem => db.update(groups).set(f).where(eq(groups.id, id));
export const writeRobotKey = (db: Db, id: number, key: string | null): BatchItem => db.update(groups).set({ robotKey: key }).where(eq(groups.id, id));
export const writeDingtalkRobot = (db: Db, id: number, r: DingtalkRobot): BatchItem =>
  db
    .update(groups)
    .set({ ...(r.webhook !== undefined ? { robotWebhook: r.webhook } : {}), ...(r.secret !== undefined ? { robotSecret: r.secret } : {}) })
    .where(eq(groups.id, id));
