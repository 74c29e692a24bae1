/**
 * Node's Deps from a Config, without the HTTP server: the CLI's operator verbs (tick, digest, import, token) build
 * them here, so they never evaluate the app, its routes, the long connection or the HTTP stack (issue 12 item 7:
 * a command's own start); `startNode` (node.ts) builds the same deps and adds the server.
 */
import { assertResidency, type Config } from "../config.js";
import { openNodeDb, migrateNodeDb, type OpenDb } from "../db/open-node.js";
import { createLogger, type Logger } from "../log.js";
import { seedInstalledCalendar } from "../db/calendar-package-node.js";
import { recomputeForNewPlan } from "../schedules/calendar-plan.js";
import type { Clock, Deps } from "../deps.js";
import { nodeDeps } from "./node-deps.js";

/** Build deps for Node: open and migrate the database, seed the calendar (and demo data in local mode). */
/**
 * `dbThreads`: run SQLite on threads of its own (db/db-thread.ts), as the server does; the CLI's one-shot verbs
 * stay on the main thread. `onDbExit`: a database thread died (logged here; the server's process then stops).
 */
export async function buildNodeDeps(config: Config, opts: { clock?: Clock; log?: Logger; dbThreads?: boolean; onDbExit?: () => void } = {}): Promise<{ deps: Deps; store: OpenDb; idle: () => Promise<void> }> {
  const log = opts.log ?? createLogger(config.logLevel);
  const clock = opts.clock ?? (() => Date.now());
  assertResidency(config); // R40(b): before anything connects to a database outside the approved places
  const thread = opts.dbThreads
    ? { onExit: (code: number) => {
        log.error("a database thread stopped: restart the server", { code });
        opts.onDbExit?.();
      } }
    : undefined;
  const store = await openNodeDb(config.databaseUrl, config.databaseAuthToken, { thread });
  await migrateNodeDb(store.db);
  // Read from node_modules, so a newer chinese-days brings its years in at start (issue 14).
  const newPlanFrom = await seedInstalledCalendar(store.db, config.timezone);
  if (config.demoSeed) {
    // Demo data only in local mode; its module (and the demo photo) is loaded only then.
    const [{ seedDemo }, { diskFiles }] = await Promise.all([import("../db/seed-demo.js"), import("../files/disk.js")]);
    const r = await seedDemo(store.db, { now: clock(), files: diskFiles(config.filesDir) });
    if (r.created) log.info("demo data seeded", { units: r.units, people: r.people, cases: r.cases });
  }
  const { deps, idle } = nodeDeps(config, store.db, { clock, log, dbHealth: store.probe });
  await recomputeForNewPlan(deps, newPlanFrom); // a newer chinese-days brought a year: its deadlines (issue 14)
  return { deps, store, idle };
}
