/**
 * runDue(deps, at): run whatever is due at instant `at` — the one scheduler core behind croner (Node),
 * Cron Triggers (Workers) and `duban tick`.
 *
 * 1. Lease: take the `schedules` lease row (expiring after policy.runLeaseSeconds) or return "busy".
 * 2. Plan from the watermark: is the morning pass due (late?), which mornings were missed (skipped).
 * 3. Collect reminder items from case state, minus lines already in schedule_slots, up to the budget.
 * 4. Compose one message per group; hand out mentions under the per-person daily limit.
 * 5. One batch: lease fence + outbox rows + their slot rows + mention rows + reminder events + audit +
 *    markers + lease release (with the watermark moved to `at` only when nothing is left pending).
 * A duplicate or overlapping run either finds the lease taken or fails on a slot key and changes nothing.
 */
import type { Deps } from "../deps.js";
import { loadPolicy } from "../db/policy.js";
import { commit, DuplicateKey, insertAudit, insertOutbox, VersionConflict, type BatchItem } from "../db/write.js";
import { composeRun, type Composed } from "./compose.js";
import { acquireLease, leaseGuard, releaseLease } from "./lease.js";
import { insertReminderEvents, insertSlots, type SlotRow } from "./ledger.js";
import { startOfDate } from "./business-time.js";
import { planRun } from "./plan.js";

export type RunResult = {
  status: "ran" | "busy" | "conflict";
  at: number;
  /** Business date of `at` (the slot of daily jobs); empty when the lease was busy. */
  today: string;
  morning: boolean;
  late?: string;
  skippedDays: string[];
  queued: Composed["queued"];
  /** Reminder items queued by this run, and those left for the next run by the budget. */
  processed: number;
  pending: number;
};

type RunDeps = Pick<Deps, "db" | "clock" | "log" | "calendar"> & { config?: Pick<Deps["config"], "publicBaseUrl"> };

export async function runDue(deps: RunDeps, at: number, opts: { holder?: string } = {}): Promise<RunResult> {
  const { db, log } = deps;
  const policy = await loadPolicy(db);
  const holder = opts.holder ?? crypto.randomUUID();
  const lease = await acquireLease(db, holder, deps.clock(), policy.runLeaseSeconds * 1000);
  const empty = { at, today: "", morning: false, skippedDays: [], queued: [], processed: 0, pending: 0 };
  if (!lease) return { status: "busy", ...empty };
  try {
    const cal = await deps.calendar();
    const plan = await planRun(db, cal, policy, at, lease.watermark);
    const { today } = plan.bt;
    const work: Composed = plan.silent ? { outbox: [], slots: [], selected: [], pending: 0, queued: [] } : await composeRun(db, cal, policy, plan, deps.clock(), deps.config?.publicBaseUrl);
    const markers: SlotRow[] = plan.skippedDays.map((d) => ({ job: "morning", slot: d, target: "skipped" }));
    if (plan.morning && work.pending === 0) markers.push({ job: "morning", slot: today, target: "done" });
    if (plan.firstStart) markers.push({ job: "morning", slot: today, target: "first_start" });
    const items: BatchItem[] = [
      leaseGuard(db, holder),
      ...work.outbox.map((o) => insertOutbox(db, o)),
      ...insertSlots(db, [...work.slots, ...markers], at),
      ...insertReminderEvents(db, work.selected, at, startOfDate(today, cal.timeZone)),
    ];
    for (const d of plan.skippedDays) {
      log.warn("scheduled morning run was missed; recorded as skipped", { date: d });
      items.push(insertAudit(db, { at, actor: "system", action: "schedule.skipped", object: `morning:${d}`, result: "ok", detail: { date: d, watermark: lease.watermark } }));
    }
    if (plan.firstStart) {
      log.info("first scheduled run after today's digest time: no 补发 digest or reports today", { date: today });
      items.push(insertAudit(db, { at, actor: "system", action: "schedule.first_start", object: `morning:${today}`, result: "ok", detail: { date: today } }));
    }
    if (work.outbox.length) {
      const detail = { messages: work.outbox.length, processed: work.selected.length, pending: work.pending, late: plan.late ?? null };
      items.push(insertAudit(db, { at, actor: "system", action: "schedule.run", object: `schedule:${today}`, result: "ok", detail }));
    }
    items.push(releaseLease(db, holder, work.pending === 0 ? at : undefined));
    await commit(db, items);
    const result: RunResult = { status: "ran", at, today, morning: plan.morning, late: plan.late, skippedDays: plan.skippedDays, queued: work.queued, processed: work.selected.length, pending: work.pending };
    if (result.queued.length || result.pending) log.info("scheduled run", { at, today, messages: result.queued.length, processed: result.processed, pending: result.pending });
    return result;
  } catch (e) {
    await commit(db, [releaseLease(db, holder)]).catch((r: unknown) => log.error("could not release the schedules lease; it lapses by itself", { error: String(r) }));
    // Another run got there first (lost lease, or the same slot): nothing was written; the next run re-reads.
    if (e instanceof DuplicateKey || e instanceof VersionConflict) {
      log.warn("scheduled run lost a race and wrote nothing", { at, error: e.message });
      return { status: "conflict", ...empty };
    }
    throw e;
  }
}
