/** The one "run what is due at instant T" entry that croner (Node) and Cron Triggers (Workers) both call: schedules, then the outbox relay. */
import type { Deps } from "../deps.js";
import { drainOutbox } from "../delivery/relay.js";
import { sealAudit } from "../db/audit-chain.js";
import { runDue, type RunResult } from "./run-due.js";

export async function runScheduled(deps: Deps, at: number): Promise<{ run?: RunResult; delivered: number }> {
  let run: RunResult | undefined;
  let failure: unknown;
  try {
    run = await runDue(deps, at);
  } catch (e) {
    // Still drain: messages queued earlier must not wait for the schedules to be fixed.
    deps.log.error("scheduled jobs failed", { at, error: String(e) });
    failure = e;
  }
  try {
    await deps.recoverInbound?.(deps, at);
  } catch (e) {
    deps.log.error("inbound recovery failed", { at, error: String(e) });
  }
  try {
    await sealAudit(deps.db, at); // R35: chain the audit rows written since the last tick
  } catch (e) {
    deps.log.error("audit sealing failed", { at, error: String(e) });
  }
  const r = await drainOutbox(deps, { now: at });
  if (failure) throw failure;
  return { run, delivered: r.sent };
}
