/**
 * What every reminder job produces: items (one per case and job) with the lines they add to group
 * messages, and the context the jobs share (who sits in which group, working-day counting).
 */
import { asc, sql, type SQL } from "drizzle-orm";
import { cases, groups, people, units } from "../db/schema.js";
import type { Db } from "../db/types.js";
import { workingDaysBetween, type Calendar } from "../domain/calendar.js";
import { strong, type Span } from "../domain/message.js";
import type { Policy } from "../domain/policy.js";

export const REMINDER_JOBS = ["overdue", "ack", "due_soon", "flagged", "patrol", "milestone"] as const;
export type JobName = (typeof REMINDER_JOBS)[number];
/** Message sections; besides one per job, the escalation ladder adds lines to the command and accountability groups. */
export type Section = JobName | "leader" | "accountability" | "office_patrol";

/** One line for one group (neutral spans, src/domain/message.ts), with the people it would like to @. */
export type Delivery = { chatId: string; section: Section; line: Span[]; mentions: string[] };
/** One reminder about one case in one slot (the business date, or the patrol/milestone date). */
export type Item = { job: JobName; slot: string; caseId: number; urgent: boolean; deliveries: Delivery[] };

export const CASE_COLS = {
  id: cases.id,
  title: cases.title,
  state: cases.state,
  priority: cases.priority,
  flagged: cases.flagged,
  leadUnitId: cases.leadUnitId,
  officerUserId: cases.officerUserId,
  leaderUserId: cases.leaderUserId,
  ackBy: cases.ackBy,
  dueAt: cases.dueAt,
  closedAt: cases.closedAt,
  outcome: cases.outcome,
  milestoneAt: cases.milestoneAt,
};
export type CaseLite = { [K in keyof typeof CASE_COLS]: (typeof cases.$inferSelect)[K] };

export type Routing = {
  commandChat?: string;
  accountabilityChat?: string;
  /** The unit's own group; its lines go to the command group when the unit has none, so nothing is lost. */
  unitChat: (unitId: number | null) => string | undefined;
  unitName: (unitId: number | null) => string;
  head: (unitId: number | null) => string[];
  liaisons: (unitId: number | null) => string[];
  isActive: (userId: string) => boolean;
  /** Every group that may receive a scheduled message, in the order mentions are handed out. */
  chats: { chatId: string; purpose: string; unitId: number | null; platform: string }[];
};

export async function loadRouting(db: Db): Promise<Routing> {
  const [gs, us, ps] = await Promise.all([
    db.select({ chatId: groups.chatId, purpose: groups.purpose, unitId: groups.unitId, platform: groups.platform }).from(groups).orderBy(asc(groups.id)),
    db.select().from(units),
    db.select({ userId: people.userId, active: people.active }).from(people),
  ]);
  const unitGroups = new Map<number, string>();
  for (const g of gs) if (g.purpose === "unit" && g.unitId !== null && !unitGroups.has(g.unitId)) unitGroups.set(g.unitId, g.chatId);
  const commandChat = gs.find((g) => g.purpose === "command")?.chatId;
  const accountabilityChat = gs.find((g) => g.purpose === "accountability")?.chatId ?? commandChat;
  const unit = (id: number | null) => us.find((u) => u.id === id);
  const active = new Set(ps.filter((p) => p.active).map((p) => p.userId));
  const order = (p: string) => (p === "unit" ? 0 : p === "command" ? 1 : 2);
  return {
    commandChat,
    accountabilityChat,
    unitChat: (id) => (id !== null && unitGroups.get(id)) || commandChat,
    unitName: (id) => unit(id)?.name ?? "未指定单位",
    head: (id) => [unit(id)?.headUserId ?? ""].filter(Boolean),
    liaisons: (id) => unit(id)?.liaisonUserIds ?? [],
    isActive: (u) => active.has(u),
    chats: gs.filter((g) => g.purpose !== "other" && (g.purpose !== "unit" || unitGroups.get(g.unitId ?? -1) === g.chatId)).sort((a, b) => order(a.purpose) - order(b.purpose) || (a.unitId ?? 0) - (b.unitId ?? 0)),
  };
}

export type JobCtx = {
  db: Db;
  at: number;
  tz: string;
  today: string;
  cal: Calendar;
  policy: Policy;
  route: Routing;
  /** Only 紧急 cases (a run outside the morning: quiet hours, days off, or after the morning pass). */
  urgentOnly: boolean;
  /** With urgentOnly: only limits that passed after this instant (see Plan.crossedAfter). */
  crossedAfter?: number;
  /** Date-based jobs (patrols, milestones) cover dates after this one: the last completed morning. */
  since: string;
  /** workingDaysBetween, memoised per pair of business dates for this run. */
  workdays: (fromMs: number, toMs: number) => number;
};

export function memoWorkdays(cal: Calendar): JobCtx["workdays"] {
  const memo = new Map<string, number>();
  return (a, b) => {
    const k = `${Math.floor(a / 60_000)}:${Math.floor(b / 60_000)}`;
    let v = memo.get(k);
    if (v === undefined) memo.set(k, (v = workingDaysBetween(cal, a, b)));
    return v;
  };
}

/**
 * Without a command group, a unit without its own group has nowhere to be reminded: its cases are left out in SQL,
 * so they are neither read nor counted as pending (R24's "processed + pending" stays true).
 */
export function routed(ctx: JobCtx): SQL {
  return ctx.route.commandChat ? sql`` : sql`AND lead_unit_id IN (SELECT unit_id FROM groups WHERE purpose = 'unit')`;
}

/** "#12 【紧急】【挂牌】title" — every line carries the case number so people can spot duplicates. */
export function caseHead(c: Pick<CaseLite, "id" | "title" | "priority" | "flagged">): Span[] {
  return [strong(`#${c.id}`), ` ${c.priority === "urgent" ? "【紧急】" : ""}${c.flagged ? "【挂牌】" : ""}${c.title}`];
}

/** The people who do the work: the officer, or the unit's liaisons while no officer is named. */
export function doers(ctx: JobCtx, c: CaseLite): string[] {
  return c.officerUserId ? [c.officerUserId] : ctx.route.liaisons(c.leadUnitId);
}

export function unitLine(ctx: JobCtx, c: CaseLite, section: Section, line: Span[], mentions: string[]): Delivery[] {
  const chatId = ctx.route.unitChat(c.leadUnitId);
  if (!chatId) return [];
  const own = chatId !== ctx.route.commandChat;
  return [{ chatId, section, line: own ? line : [...line, `（${ctx.route.unitName(c.leadUnitId)}，未绑定单位群）`], mentions }];
}

/** One item; two lines for the same group (a unit without its own group) merge into the first. */
export function item(job: JobName, slot: string, c: CaseLite, deliveries: Delivery[]): Item {
  const byChat = new Map<string, Delivery>();
  for (const d of deliveries) {
    const first = byChat.get(d.chatId);
    if (first) first.mentions = [...first.mentions, ...d.mentions];
    else byChat.set(d.chatId, { ...d, mentions: [...d.mentions] });
  }
  return { job, slot, caseId: c.id, urgent: c.priority === "urgent", deliveries: [...byChat.values()] };
}
