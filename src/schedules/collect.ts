/**
 * Run every reminder job, drop the lines already sent in their slot, and take the most pressing items up to the
 * run's budget (R24): 紧急 cases first, then overdue before unsigned before warnings before patrols, oldest case
 * first. Each job is asked only for what still fits the budget and counts the rest, so a run reads about as many
 * cases as it reminds (issue 12).
 */
import { ackItems } from "./ack-reminders.js";
import { dueSoonItems } from "./due-soon.js";
import { flaggedItems } from "./flagged.js";
import type { Item, JobCtx } from "./items.js";
import { overdueItems } from "./overdue.js";
import { windowed, type Found, type Want } from "./page.js";
import { milestoneItems, patrolItems } from "./patrols.js";

/** The date-window jobs read their window once (bounded by dates, not by history) and are split per pass. */
const windowJob = (all: (ctx: JobCtx) => Promise<Item[]>) => {
  const memo = new WeakMap<JobCtx, Promise<Item[]>>();
  return async (ctx: JobCtx, want: Want): Promise<Found> => {
    let p = memo.get(ctx);
    if (!p) memo.set(ctx, (p = all(ctx)));
    return windowed(await p, want);
  };
};

/** In the order of REMINDER_JOBS. */
const JOBS: ((ctx: JobCtx, want: Want) => Promise<Found>)[] = [overdueItems, ackItems, windowJob(dueSoonItems), flaggedItems, windowJob(patrolItems), windowJob(milestoneItems)];

export type Collected = { selected: Item[]; pending: number };

export async function collectItems(ctx: JobCtx, taken: Set<string>, budget: number): Promise<Collected> {
  const n = Math.max(1, Math.floor(budget));
  const selected: Item[] = [];
  let pending = 0;
  for (const urgent of ctx.urgentOnly ? [true] : [true, false]) {
    for (const job of JOBS) {
      const r = await job(ctx, { urgent, limit: n - selected.length, taken });
      selected.push(...r.items);
      pending += r.more;
    }
  }
  return { selected, pending };
}
