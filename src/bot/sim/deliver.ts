/** The simulator's outbound channel: a push "arrives" in the simulated group by being published to the page. */
import type { Clock, Deliver } from "../../deps.js";
import type { SimHub } from "./hub.js";

export function simDeliver(hub: SimHub | undefined, clock: Clock): Deliver {
  return async (row) => {
    const p = row.payload as { markdown?: string; text?: string; mentions?: string[] };
    // A "user" row is addressed by userid; the simulator names that person's single chat "single:<userid>".
    const chatId = row.channel === "user" ? `single:${row.target}` : row.target;
    hub?.publish({ kind: "push", chatId, at: clock(), markdown: p.markdown ?? p.text ?? "", mentions: p.mentions, outboxId: row.id });
    return { ok: true };
  };
}
