/**
 * Node's timer for the schedules: croner every minute in BUSINESS_TIMEZONE. `protect` skips a tick while
 * the previous one still runs (the DB lease does the same across processes). Each tick asks runScheduled
 * what is due at the clock's instant; the jobs decide, not the cron pattern.
 */
import { Cron } from "croner";
import type { Deps } from "../deps.js";
import { runScheduled } from "./run.js";

export function startSchedules(deps: Deps): { stop: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const job = new Cron("* * * * *", { name: "duban-schedules", timezone: deps.config.timezone, protect: true }, () => {
    running = runScheduled(deps, deps.clock()).then(
      () => undefined,
      (e: unknown) => deps.log.error("scheduled tick failed", { error: String(e) }),
    );
    return running;
  });
  return {
    stop: async () => {
      job.stop();
      await running; // let a tick in flight finish its batch before the database closes
    },
  };
}
