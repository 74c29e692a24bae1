/**
 * The one "run what is due at instant T" entry that croner (Node) and Cron Triggers (Workers) both call:
 * the schedules, then the housekeeping that rides on every tick, then the outbox relay.
 */
import type { Deps } from "../deps.js";
import { drainOutbox } from "../delivery/relay.js";
import { sealAudit } from "../db/audit-chain.js";
import { checkEvidence } from "./evidence-check.js";
import { deidentifyExpiredComplainants } from "./retention.js";
import { runDue, type RunResult } from "./run-due.js";

export async function runScheduled(deps: Deps, at: number): Promise<{ run?: RunResult; delivered: number }> {
  let run: RunResult | undefined;
  let failure: unknown;
  try {
    run = await runDue(deps, at);
  } catch (e) {
    // Still do the rest: messages queued earlier must not wait for the schedules to be fixed.
    deps.log.error("scheduled jobs failed", { at, error: String(e) });
    failure = e;
  }
  // Each step on its own: one failing must not stop the others.
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (e) {
      deps.log.error(`${what} failed`, { at, error: String(e) });
    }
  };
  await step("inbound recovery", async () => deps.recoverInbound?.(deps, at)); // R08: acknowledged, never finished
  await step("evidence check", () => checkEvidence(deps, at)); // R37: nightly, a bounded slice per tick
  await step("complainant retention", () => deidentifyExpiredComplainants(deps, at)); // R40(c): nightly, bounded per tick
  await step("audit sealing", () => sealAudit(deps.db, at)); // R35: chain the audit rows written since the last tick
  const r = await drainOutbox(deps, { now: at });
  if (failure) throw failure;
  return { run, delivered: r.sent };
}
