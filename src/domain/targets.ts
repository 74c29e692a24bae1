/**
 * Where an outbox row goes: "<platform>:<chat id>", e.g. "wecom:wrkSFfCgAA…" or "dingtalk:cid6KeBBLo…"
 * (issue 15; like the Chat SDK's platform-prefixed thread ids). The platform comes from the stored group row,
 * so nothing below the channel adapters names a platform; the runtime routes each prefix to its sender.
 */
export type Target = { platform: string; chatId: string };

/** The platform a group row belongs to when the row predates the column. */
export const DEFAULT_PLATFORM = "wecom";

export const targetOf = (g: { platform?: string | null; chatId: string }): string => `${g.platform || DEFAULT_PLATFORM}:${g.chatId}`;

/** Split a target; an unprefixed one (rows written before issue 15) belongs to the default platform. */
export function parseTarget(t: string): Target {
  const i = t.indexOf(":");
  return i > 0 ? { platform: t.slice(0, i), chatId: t.slice(i + 1) } : { platform: DEFAULT_PLATFORM, chatId: t };
}
