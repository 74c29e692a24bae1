/** Run every reminder job, drop the lines already sent in their slot, and take the most pressing items up to the run's budget (R24). */
import { ackItems } from "./ack-reminders.js";
import { dueSoonItems } from "./due-soon.js";
import { flaggedItems } from "./flagged.js";
import { REMINDER_JOBS, type Item, type JobCtx } from "./items.js";
import { lineTarget, slotKey } from "./ledger.js";
import { overdueItems } from "./overdue.js";
import { milestoneItems, patrolItems } from "./patrols.js";

const JOBS = [overdueItems, ackItems, dueSoonItems, flaggedItems, patrolItems, milestoneItems];

export type Collected = { selected: Item[]; pending: Item[] };

export async function collectItems(ctx: JobCtx, taken: Set<string>, budget: number): Promise<Collected> {
  const all = (await Promise.all(JOBS.map((job) => job(ctx)))).flat();
  const open: Item[] = [];
  for (const it of all) {
    const deliveries = it.deliveries.filter((d) => !taken.has(slotKey({ job: it.job, slot: it.slot, target: lineTarget(it.caseId, d.chatId) })));
    if (deliveries.length) open.push({ ...it, deliveries });
  }
  // Most pressing first: 紧急 cases, then overdue before unsigned before warnings before patrols, oldest case first.
  const rank = (i: Item) => REMINDER_JOBS.indexOf(i.job);
  open.sort((a, b) => Number(b.urgent) - Number(a.urgent) || rank(a) - rank(b) || a.caseId - b.caseId || (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0));
  const n = Math.max(1, Math.floor(budget));
  return { selected: open.slice(0, n), pending: open.slice(n) };
}
