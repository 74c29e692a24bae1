/** The one "run what is due at instant T" entry that croner (Node) and Cron Triggers (Workers) both call. */
import type { Deps } from "../deps.js";
import { drainOutbox } from "../delivery/relay.js";

export async function runScheduled(deps: Deps, at: number): Promise<{ delivered: number }> {
  const r = await drainOutbox(deps, { now: at });
  return { delivered: r.sent };
}
