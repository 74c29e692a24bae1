/**
 * Outbound routing in long-connection mode (wecom.md §1.B.4, §2): a group that has a group-robot key keeps using its
 * webhook (`robots`, the callback-mode channel); a group without one, a chat we have no row for, and a person ("user"
 * rows) go through the bot's socket with `aibot_send_msg`. Anything else (response_url rows, which the socket never
 * produces, §1.B.2) is left to `robots`, which handles or fails it visibly (R17). Both render the same WeCom chunks.
 */
import { groupRobot } from "../../db/robot-keys.js";
import type { Db } from "../../db/types.js";
import type { Channel, SendRow } from "../../delivery/types.js";

export function longConnRoute(db: Db, socket: SendRow, robots: Channel): Channel {
  return {
    render: (row) => robots.render(row),
    send: async (row, chunk) => {
      if (row.channel === "user") return socket({ ...row, payload: chunk });
      if (row.channel === "group") return (await groupRobot(db, row.target))?.robotKey ? robots.send(row, chunk) : socket({ ...row, payload: chunk });
      return robots.send(row, chunk);
    },
  };
}
