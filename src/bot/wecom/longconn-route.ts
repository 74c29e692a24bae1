/**
 * Outbound routing in long-connection mode (wecom.md §1.B.4, §2): a group that has a group-robot key keeps using its
 * webhook (`robots`, the callback-mode channel); a group without one, a chat we have no row for, and a person ("user"
 * rows) go through the bot's socket with `aibot_send_msg`. Anything else (response_url rows, which the socket never
 * produces, §1.B.2) is left to `robots`, which handles or fails it visibly (R17).
 * Rows for the socket that carry buttons become a `button_interaction` card (issue 11; the webhook cannot send one,
 * §4.1): the card alone when every line and @ fits it, else the markdown without the buttons and then the card.
 */
import { inArray } from "drizzle-orm";
import { groupRobot } from "../../db/robot-keys.js";
import { people } from "../../db/schema.js";
import type { Db } from "../../db/types.js";
import { isMessage, mentionsOf } from "../../domain/message.js";
import type { Channel, Chunk, OutboxPayload, OutboxRow, SendRow } from "../../delivery/types.js";
import { CARD_LIMITS, cardOf, taskIdOf, withoutButtons } from "./card.js";
import { renderWecomChunks } from "./render.js";

export function longConnRoute(db: Db, socket: SendRow, robots: Channel): Channel {
  const viaSocket = async (row: OutboxRow) => row.channel === "user" || (row.channel === "group" && !(await groupRobot(db, row.target))?.robotKey);

  /** Card chunks for a socket row with buttons; undefined when it has none (plain WeCom chunks then). */
  async function cardChunks(row: OutboxRow): Promise<Chunk[] | undefined> {
    const p = row.payload as OutboxPayload;
    if (!isMessage(p.message)) return undefined;
    // Unique per bot (§4.2), also across a database restored from a backup: the row id and a random tail.
    const made = cardOf(p.message, taskIdOf(`o${row.id}_${crypto.randomUUID().slice(0, 8)}`));
    if (!made) return undefined;
    const { card } = made;
    const who = [...new Set([...mentionsOf(p.message), ...(p.mentions ?? [])])];
    const list = (card.horizontal_content_list ?? []) as Record<string, unknown>[];
    const fits = made.complete && list.length + who.length <= CARD_LIMITS.horizontal;
    if (fits && who.length) {
      // A card cannot @; a member item (§4.2 type 3) names each person the text would have @-mentioned.
      const names = new Map((await db.select({ id: people.userId, name: people.name }).from(people).where(inArray(people.userId, who))).map((r) => [r.id, r.name]));
      card.horizontal_content_list = [...list, ...who.map((u) => ({ keyname: "提醒", value: names.get(u) ?? u, type: 3, userid: u }))];
    }
    if (fits) return [{ template_card: card }];
    const text = renderWecomChunks({ ...p, message: withoutButtons(p.message) });
    return [...text, { template_card: card }];
  }

  return {
    render: async (row) => ((await viaSocket(row)) ? ((await cardChunks(row)) ?? robots.render(row)) : robots.render(row)),
    send: async (row, chunk) => {
      if (row.channel === "user") return socket({ ...row, payload: chunk });
      if (row.channel === "group") return (await groupRobot(db, row.target))?.robotKey ? robots.send(row, chunk) : socket({ ...row, payload: chunk });
      return robots.send(row, chunk);
    },
  };
}
