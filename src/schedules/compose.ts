/**
 * One message per group per run: a group's digest slice, its reports and all its reminder lines travel
 * together, as neutral content (src/domain/message.ts) that each channel renders and splits to its own limit.
 * Mentions are handed out here — each person at most `mentionsPerPersonPerDay` a business day, across groups
 * and runs; long sections list `policy.listLinesPerSection` cases in full and the rest by number. The command
 * group's digest lists every overdue, 待审核 and 挂牌 case itself (digest-lead.ts), so reminder lines about those
 * cases in the command group are not printed again: their slots are still recorded and their @s still handed out.
 */
import type { Db } from "../db/types.js";
import type { OutboxInput } from "../db/write.js";
import type { Calendar } from "../domain/calendar.js";
import { title, toPlain, type Block, type Message } from "../domain/message.js";
import type { Policy } from "../domain/policy.js";
import { targetOf } from "../domain/targets.js";
import { fmtDate, fmtDateTime } from "../handlers/text.js";
import { morningOf, prevWorkingDay } from "./business-time.js";
import { collectItems } from "./collect.js";
import { commandDigest, loadDigest, unitDigest, type DigestData } from "./digest.js";
import { leadCases, leadMentions } from "./digest-lead.js";
import { loadRouting, memoWorkdays, type Item, type JobCtx } from "./items.js";
import { lineTarget, mentionCounts, slotKey, takenSlots, type SlotRow } from "./ledger.js";
import type { Plan } from "./plan.js";
import { calendarPlanBlock } from "./calendar-plan.js";
import { commandReport, loadPeriodChanges, periodsOf, unitReport } from "./reports.js";
import { renderSections, sectionLink, type Line } from "./sections.js";

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;

/** `queued` describes each message for the operator (`duban tick`): its first line and its size as plain text. */
export type Composed = { outbox: OutboxInput[]; slots: SlotRow[]; selected: Item[]; pending: number; queued: { chatId: string; key: string; head: string; mentions: string[]; bytes: number }[] };

/**
 * A digest or report part of a group's message, with the slot it fills, the people it would like to @ and the
 * cases it lists in full (reminder lines of these sections about them are then left out of the same message).
 */
type Part = { slot: SlotRow; render: (lines: number) => Block[] | undefined; mentions?: string[]; covers?: Set<number> };

/** Reminder sections whose cases the command digest lists itself (each case once in the command group). */
const COVERED: ReadonlySet<string> = new Set(["overdue", "flagged", "leader", "accountability"]);

/** Digest and report blocks for each group not yet served in today's slots (morning pass only). */
async function morningParts(db: Db, cal: Calendar, policy: Policy, plan: Plan, chats: JobCtx["route"]["chats"], taken: Set<string>, workdays: JobCtx["workdays"], dashboardUrl?: string): Promise<Map<string, Part[]>> {
  const out = new Map<string, Part[]>();
  const { today, at, tz } = plan.bt;
  const periods = periodsOf(today, tz);
  const wants = (job: string, slot: string, chatId: string) => !taken.has(slotKey({ job, slot, target: chatId }));
  const due = chats.filter((c) => c.purpose !== "accountability" && (wants("digest", today, c.chatId) || periods.some((p) => wants(p.job, p.slot, c.chatId))));
  if (!due.length) return out;
  const d: DigestData = await loadDigest(db, cal, at, morningOf(prevWorkingDay(cal, today), tz, policy), workdays, policy.listLinesPerSection, { policy, dashboardUrl });
  const changes = await Promise.all(periods.map((p) => loadPeriodChanges(db, p)));
  for (const c of due) {
    const blocks: Part[] = [];
    const unit = c.purpose === "unit" ? c.unitId : null;
    if (wants("digest", today, c.chatId)) {
      const slot = { job: "digest", slot: today, target: c.chatId };
      if (unit === null) blocks.push({ slot, render: (lines) => commandDigest(d, { late: plan.late, lines }), mentions: leadMentions(d.lead), covers: leadCases(d.lead) });
      else blocks.push({ slot, render: () => unitDigest(d, unit, { late: plan.late }) });
    }
    periods.forEach((p, i) => {
      if (!wants(p.job, p.slot, c.chatId)) return;
      blocks.push({ slot: { job: p.job, slot: p.slot, target: c.chatId }, render: () => (unit === null ? commandReport(p, d, changes[i], policy.cards) : unitReport(p, d, unit, changes[i], policy.cards)) });
    });
    out.set(c.chatId, blocks);
  }
  return out;
}

/**
 * `now` is the wall clock: rows are due at min(at, now), so a tick for a future instant is still sent now.
 * `dashboardUrl` (config.publicBaseUrl) lets the digest link to the filtered 台账.
 */
export async function composeRun(db: Db, cal: Calendar, policy: Policy, plan: Plan, now: number, dashboardUrl?: string): Promise<Composed> {
  const { today, at, tz } = plan.bt;
  const route = await loadRouting(db);
  const workdays = memoWorkdays(cal);
  const periods = periodsOf(today, tz).map((p) => p.slot);
  const taken = await takenSlots(db, today, plan.since, periods);
  const ctx: JobCtx = { db, at, tz, today, cal, policy, route, urgentOnly: plan.urgentOnly, crossedAfter: plan.crossedAfter, since: plan.since, workdays };
  const { selected, pending } = await collectItems(ctx, taken, policy.runBudgetItems);
  const parts = plan.morning ? await morningParts(db, cal, policy, plan, route.chats, taken, workdays, dashboardUrl) : new Map<string, Part[]>();
  // December, while next year's holiday plan is missing: one line to the command group, once (issue 14, R21).
  const planBlock = plan.morning ? await calendarPlanBlock(db, cal, at, route.commandChat) : undefined;
  if (planBlock) parts.set(route.commandChat!, [...(parts.get(route.commandChat!) ?? []), planBlock]);
  const counts = await mentionCounts(db, today);
  const out: Composed = { outbox: [], slots: [], selected, pending, queued: [] };
  // Each chat's lines, grouped once: a city's morning has ~500 chats and the run's items (filtering the items per
  // chat was chats × items, ~45 ms of a 1 s tick at 1 M cases).
  const byChat = new Map<string, Line[]>();
  for (const i of selected) {
    for (const d of i.deliveries) {
      const line = { ...d, caseId: i.caseId, job: i.job, slot: i.slot };
      const list = byChat.get(d.chatId);
      if (list) list.push(line);
      else byChat.set(d.chatId, [line]);
    }
  }
  for (const chat of route.chats) {
    const lines: Line[] = byChat.get(chat.chatId) ?? [];
    const mine = (parts.get(chat.chatId) ?? []).map((b) => ({ ...b, blocks: b.render(policy.listLinesPerSection) })).filter((b) => b.blocks !== undefined);
    if (!lines.length && !mine.length) continue;
    const covered = new Set(mine.flatMap((b) => [...(b.covers ?? [])]));
    const shown = lines.filter((l) => !(COVERED.has(l.section) && covered.has(l.caseId)));
    // Each person at most N times per business day; people who left are never @-ed.
    const mentions: string[] = [];
    for (const u of new Set([...lines.flatMap((l) => l.mentions), ...mine.flatMap((b) => b.mentions ?? [])])) {
      const n = counts.get(u) ?? 0;
      if (!route.isActive(u) || n >= policy.mentionsPerPersonPerDay) continue;
      counts.set(u, n + 1);
      mentions.push(u);
      out.slots.push({ job: "mention", slot: today, target: `${u}#${n + 1}` });
    }
    const more = taken.has(slotKey({ job: "digest", slot: today, target: chat.chatId })) ? "（续）" : "";
    const header = mine.length ? [] : [title(plan.urgentOnly ? `紧急督办提醒 · ${fmtDateTime(at, tz)}` : `督办提醒 · ${fmtDate(at, tz)}${more}`)];
    // A shortened section ends with a link to the rest in the 台账 (the unit group's own cases), not numbers alone.
    const all = dashboardUrl ? (s: Parameters<typeof sectionLink>[1]) => sectionLink(`${dashboardUrl.replace(/\/$/, "")}/dashboard/cases`, s, chat.purpose === "unit" ? chat.unitId : null) : undefined;
    const message: Message = { blocks: [...header, ...mine.flatMap((b) => b.blocks!), ...renderSections(shown, policy.listLinesPerSection, all)] };
    const key = `sched:${today}:${chat.chatId}:${at}`;
    // "<platform>:<chat>": a DingTalk group's digest goes through the DingTalk channel (issue 15).
    out.outbox.push({ key, channel: "group", target: targetOf(chat), payload: { message, mentions }, at, sendAfter: Math.min(at, now) });
    const plain = toPlain(message);
    out.queued.push({ chatId: chat.chatId, key, head: plain.split("\n")[0], mentions, bytes: bytes(plain) });
    out.slots.push(...mine.map((b) => b.slot), ...lines.map((l) => ({ job: l.job, slot: l.slot, target: lineTarget(l.caseId, chat.chatId) })));
  }
  return out;
}
