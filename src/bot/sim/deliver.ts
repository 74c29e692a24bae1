/** The simulator's outbound channel: a push "arrives" in the simulated group by being published to the page. */
import type { Clock, Deliver } from "../../deps.js";
import type { SimHub } from "./hub.js";
import { payloadView } from "./view.js";

export function simDeliver(hub: SimHub | undefined, clock: Clock): Deliver {
  return {
    // The page has no length limit: one chunk, shown as the group would see the whole message.
    render: (row) => [{ ...payloadView(row.payload) }],
    send: async (row, chunk) => {
      // A "user" row is addressed by userid; the simulator names that person's single chat "single:<userid>".
      const chatId = row.channel === "user" ? `single:${row.target}` : row.target;
      const v = chunk as ReturnType<typeof payloadView>;
      hub?.publish({ kind: "push", chatId, at: clock(), markdown: v.markdown, mentions: v.mentions, buttons: v.buttons, outboxId: row.id });
      return { ok: true };
    },
  };
}
