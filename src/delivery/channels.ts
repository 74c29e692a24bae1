/**
 * Picks the platform channel by the outbox target's prefix ("wecom:<chat>", "dingtalk:<id>"; an unprefixed
 * target from before issue 15 is WeCom). A prefix no channel serves is a permanent failure, never "sent".
 */
import { parseTarget } from "../domain/targets.js";
import type { Channel, Chunk, DeliverResult, OutboxRow } from "./types.js";

export class UnknownPlatform extends Error {}

export function channels(byPlatform: Record<string, Channel | undefined>): Channel {
  const pick = (row: OutboxRow): { ch: Channel; row: OutboxRow } => {
    const { platform, chatId } = parseTarget(row.target);
    const ch = Object.hasOwn(byPlatform, platform) ? byPlatform[platform] : undefined;
    if (!ch) throw new UnknownPlatform(`没有可用的「${platform}」渠道 / no channel for platform "${platform}" (target ${row.target.slice(0, 60)})`);
    return { ch, row: { ...row, target: chatId } };
  };
  return {
    render: (row) => {
      const p = pick(row);
      return p.ch.render(p.row);
    },
    send: async (row, chunk) => {
      let p: { ch: Channel; row: OutboxRow };
      try {
        p = pick(row);
      } catch (e) {
        return { ok: false, retryable: false, error: (e as Error).message };
      }
      return p.ch.send(p.row, chunk);
    },
  };
}

/** Render and send a whole row now, outside the relay (no rate slot, no retry): for tests and one-off tools. */
export async function sendRow(ch: Channel, row: OutboxRow): Promise<DeliverResult> {
  let chunks: Chunk[];
  try {
    chunks = await ch.render(row);
  } catch (e) {
    return { ok: false, retryable: false, error: (e as Error).message };
  }
  for (const c of chunks) {
    const r = await ch.send(row, c);
    if (!r.ok) return r;
  }
  return { ok: true };
}
