/** `duban group …`: group-robot keys until the dashboard's admin page exists. Keys are only ever printed masked. */
import type { Db } from "./db/types.js";
import { listGroupRobots, maskKey, setRobotKey } from "./db/robot-keys.js";

export const GROUP_USAGE = `  group list            the groups with their purpose and (masked) robot key
  group set-robot <chatId> <key>
                        store a group's 群机器人 webhook key (the key=… part of its webhook URL, or the whole URL)
`;

/** Accepts the bare key or the whole webhook URL copied from the group's robot settings (wecom.md §2.1). */
export function robotKeyFrom(input: string): string | undefined {
  let key = input.trim();
  if (/^https?:\/\//.test(key)) {
    try {
      key = new URL(key).searchParams.get("key") ?? "";
    } catch {
      return undefined;
    }
  }
  return /^[A-Za-z0-9-]{8,128}$/.test(key) ? key : undefined;
}

export async function groupVerb(db: Db, args: string[], out: (line: string) => void = console.log): Promise<number> {
  const [verb, chatId, raw] = args;
  if (verb === "list") {
    for (const g of await listGroupRobots(db)) out(`${g.chatId}\t${g.purpose}\t${g.name}\trobot key ${maskKey(g.robotKey)}`);
    return 0;
  }
  if (verb === "set-robot") {
    if (!chatId || !raw) {
      out("Usage: duban group set-robot <chatId> <key>");
      return 2;
    }
    const key = robotKeyFrom(raw);
    if (!key) {
      out("That does not look like a group-robot key: copy the key=… value (or the whole webhook URL) from the robot's settings.");
      return 2;
    }
    if (!(await setRobotKey(db, chatId, key))) {
      out(`No group has chat id ${chatId}; see \`duban group list\`.`);
      return 1;
    }
    out(`Robot key for ${chatId} stored: ${maskKey(key)}`);
    return 0;
  }
  out(`Usage:\n${GROUP_USAGE}`);
  return 2;
}
