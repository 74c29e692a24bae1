/**
 * DingTalk identities and group robots (issue 15): people.dingtalk_id maps a sender's staffId to our user id;
 * groups.robot_webhook / robot_secret hold an optional custom robot with 加签. The secret and the webhook's
 * access_token are credentials: callers only ever show them masked (maskKey) and never log them.
 */
import { and, eq, inArray } from "drizzle-orm";
import { groups, people } from "./schema.js";
import type { Db } from "./types.js";

/** The active person whose DingTalk staffId this is; undefined for a stranger or a deactivated account. */
export async function personByDingtalkId(db: Db, staffId: string): Promise<{ userId: string; name: string } | undefined> {
  const [p] = await db
    .select({ userId: people.userId, name: people.name })
    .from(people)
    .where(and(eq(people.dingtalkId, staffId), eq(people.active, true)));
  return p;
}

/** user id → { name, dingtalkId } for the given user ids (unknown ids are absent; dingtalkId null when unmapped). */
export async function dingtalkIdsOf(db: Db, userIds: string[]): Promise<Map<string, { name: string; dingtalkId: string | null }>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await db.select({ userId: people.userId, name: people.name, dingtalkId: people.dingtalkId }).from(people).where(inArray(people.userId, ids));
  return new Map(rows.map((r) => [r.userId, { name: r.name, dingtalkId: r.dingtalkId }]));
}

/** Sets (or clears, with null) a person's DingTalk staffId; false when no person has that user id. */
export async function setDingtalkId(db: Db, userId: string, staffId: string | null): Promise<boolean> {
  const rows = await db.update(people).set({ dingtalkId: staffId }).where(eq(people.userId, userId)).returning({ id: people.id });
  return rows.length > 0;
}

export type DingtalkGroupRobot = { chatId: string; name: string; robotWebhook: string | null; robotSecret: string | null };

/** A group's custom-robot webhook and 加签 secret (both null when it sends through the app robot). */
export async function groupWebhook(db: Db, chatId: string): Promise<DingtalkGroupRobot | undefined> {
  const [g] = await db
    .select({ chatId: groups.chatId, name: groups.name, robotWebhook: groups.robotWebhook, robotSecret: groups.robotSecret })
    .from(groups)
    .where(eq(groups.chatId, chatId));
  return g;
}

/** Stores a group's custom robot (webhook + secret, or both null to go back to the app robot); false when unknown. */
export async function setGroupWebhook(db: Db, chatId: string, robot: { webhook: string | null; secret: string | null }): Promise<boolean> {
  const rows = await db.update(groups).set({ robotWebhook: robot.webhook, robotSecret: robot.secret }).where(eq(groups.chatId, chatId)).returning({ id: groups.id });
  return rows.length > 0;
}
