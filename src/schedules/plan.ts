/**
 * What is due at instant `at`, given the stored watermark: the morning pass (digest + every reminder) once
 * per working day from digestTime, 紧急 reminders at any other time, and which missed mornings to record
 * as skipped. Reminders themselves are found from case state (due times in the DB), so a gap of any length
 * loses none; the watermark decides which mornings were missed (R22).
 */
import { addCalendarDays, isWorkingDay, localDate, type Calendar } from "../domain/calendar.js";
import type { Policy } from "../domain/policy.js";
import type { Db } from "../db/types.js";
import { bizTime, morningOf, type BizTime } from "./business-time.js";
import { lastMorningDone, morningMarks } from "./ledger.js";

/** How far back a stopped scheduler looks for missed mornings; older ones are simply gone. */
const CATCH_UP_DAYS = 31;

export type Plan = {
  bt: BizTime;
  /** The morning pass is due (or still has work left from an earlier run of the same day). */
  morning: boolean;
  /** "08:30" when the morning pass runs later than lateDigestAfterMinutes: its messages say 补发. */
  late?: string;
  /** Only 紧急 cases: outside the morning pass (quiet hours, days off, or after it finished). */
  urgentOnly: boolean;
  /**
   * Outside the morning pass on working days and in quiet hours, 紧急 cases speak only when their limit
   * passed after this instant (the watermark): one immediate alert, not a nightly repeat. On a day off,
   * outside quiet hours, they get their daily reminder. (Limits in [watermark, at) are new: the run at the
   * watermark saw only limits before it.)
   */
  crossedAfter?: number;
  /** Nothing may be sent now (quiet hours or a day off, and urgent cases may not speak either). */
  silent: boolean;
  /** Date-based jobs (patrols) cover the dates after this one. */
  since: string;
  /** Working days whose morning pass never ran: recorded as skipped, never sent days later. */
  skippedDays: string[];
  /**
   * The very first run (no watermark) came after today's digest time: there is nothing to make up, so no 补发
   * digest and no weekly/monthly report pushes (issue 11: a calm first start). The morning is marked done.
   */
  firstStart: boolean;
};

export async function planRun(db: Db, cal: Calendar, policy: Policy, at: number, watermark: number | null): Promise<Plan> {
  const bt = bizTime(at, cal, policy);
  const w = watermark ?? at; // the first run ever has nothing to catch up on
  const floor = addCalendarDays(bt.today, -CATCH_UP_DAYS);
  const wDay = localDate(Math.min(w, at), cal.timeZone);
  const from = wDay < floor ? floor : wDay;
  const marks = await morningMarks(db, from, bt.today);
  const skippedDays: string[] = [];
  for (let d = from; d < bt.today; d = addCalendarDays(d, 1)) {
    if (isWorkingDay(cal, d) && morningOf(d, bt.tz, policy) > w && !marks.has(d)) skippedDays.push(d);
  }
  let morning = bt.working && at >= bt.morningAt && !marks.has(bt.today);
  const firstStart = morning && watermark === null && at - bt.morningAt > policy.lateDigestAfterMinutes * 60_000;
  if (firstStart) morning = false;
  if (morning && bt.evening) {
    // The whole window was missed (e.g. a catch-up at 21:00): a digest now would be noise.
    skippedDays.push(bt.today);
  }
  // A digestTime an admin put inside the early quiet hours waits for them to end.
  if (bt.quiet) morning = false;
  const late = morning && at - bt.morningAt > policy.lateDigestAfterMinutes * 60_000 ? policy.digestTime : undefined;
  const urgentMaySpeak = policy.urgentIgnoresQuietHours || (bt.working && !bt.quiet);
  // Patrol dates after the last completed morning (a skipped morning's patrols come on the next one).
  const done = (await lastMorningDone(db, bt.today)) ?? addCalendarDays(bt.today, -1);
  const crossedAfter = !morning && (bt.working || bt.quiet) ? w : undefined;
  return { bt, morning, late, urgentOnly: !morning, crossedAfter, silent: !morning && !urgentMaySpeak, since: done < floor ? floor : done, skippedDays, firstStart };
}
