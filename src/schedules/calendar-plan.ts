/**
 * A missing official holiday plan (issue 14 item 6): said at start in the log, and once (R21: a schedule_slots row
 * in the same batch as the message) in the command group during December, in the morning pass.
 */
import { and, eq } from "drizzle-orm";
import { scheduleSlots } from "../db/schema.js";
import type { Db } from "../db/types.js";
import type { Deps } from "../deps.js";
import { localParts, missingPlanYear, type Calendar } from "../domain/calendar.js";
import { line, quote, title, toPlain, type Block } from "../domain/message.js";
import { recomputeDeadlines } from "../handlers/recompute-deadlines.js";
import type { SlotRow } from "./ledger.js";

export const CALENDAR_JOB = "calendar_plan";

export function missingPlanBlocks(year: number): Block[] {
  return [
    title("节假日安排提醒"),
    line(`${year} 年的法定节假日安排尚未录入系统，跨${year}年元旦、春节的办结时限会把节假日算作工作日。`),
    quote("国务院办公厅通知发布后，请管理员在督办台「管理 → 日历」粘贴通知正文并保存，已交办案件的时限会自动重算并通知各单位。"),
  ];
}

/** The same as plain text (logs, tests). */
export const missingPlanText = (year: number): string => toPlain({ blocks: missingPlanBlocks(year) });

/** The December block for the command group, unless already sent for that year. */
export async function calendarPlanBlock(db: Db, cal: Calendar, at: number, commandChat: string | undefined): Promise<{ slot: SlotRow; render: () => Block[] } | undefined> {
  const year = missingPlanYear(cal, at);
  if (!year || !commandChat || localParts(at, cal.timeZone).month !== 12) return undefined;
  const slot = { job: CALENDAR_JOB, slot: String(year), target: commandChat };
  const [sent] = await db.select({ job: scheduleSlots.job }).from(scheduleSlots).where(and(eq(scheduleSlots.job, slot.job), eq(scheduleSlots.slot, slot.slot), eq(scheduleSlots.target, slot.target)));
  return sent ? undefined : { slot, render: () => missingPlanBlocks(year) };
}

/** When a newer chinese-days brought a year at start (on any path that seeds it): recompute what it changes. */
export async function recomputeForNewPlan(deps: Deps, newFrom: string | undefined): Promise<void> {
  if (!newFrom) return;
  const r = await recomputeDeadlines(deps, newFrom, { now: deps.clock(), actor: "system", year: Number(newFrom.slice(0, 4)) });
  deps.log.info("holiday plan loaded from the chinese-days package; deadlines recomputed", { from: newFrom, changed: r.changed.length, unknown: r.unknown.map((u) => u.caseId) });
}

/** At server start: say in the log, in Chinese and English, that a year's plan is missing. */
export async function warnMissingPlan(deps: Deps): Promise<void> {
  const year = missingPlanYear(await deps.calendar(), deps.clock());
  if (year) {
    deps.log.warn(`${year} 年法定节假日安排未收录，节假日将按工作日计算时限；请在 管理 → 日历 粘贴国务院通知 / the official holiday plan for ${year} is not loaded: holidays count as working days until an admin pastes the State Council notice at /admin/calendar or a newer chinese-days is installed`, { year });
  }
}

/** Both, for a server start. */
export async function calendarAtStart(deps: Deps, newFrom: string | undefined): Promise<void> {
  await recomputeForNewPlan(deps, newFrom);
  await warnMissingPlan(deps);
}
