/**
 * Checks of the per-platform identifiers an administrator types in (CLI, groups and people pages, roster import):
 * one place, so every surface refuses the same input with the same Chinese message. Pure; imports nothing.
 */

export const PLATFORMS = ["wecom", "dingtalk"] as const;
export type Platform = (typeof PLATFORMS)[number];
export const PLATFORM_LABEL: Record<Platform, string> = { wecom: "企业微信", dingtalk: "钉钉" };

export const isPlatform = (s: string): s is Platform => (PLATFORMS as readonly string[]).includes(s);

/**
 * A group's chat id on its platform: WeCom chatid (`wr…`), DingTalk conversationId (`cid…`, base64, so `+ / =`).
 * Returns the problem, or undefined when the id is acceptable.
 */
export function chatIdProblem(platform: Platform, chatId: string): string | undefined {
  if (platform === "wecom") return /^[A-Za-z0-9_@.:-]{1,128}$/.test(chatId) ? undefined : "群 ID 格式不正确。";
  return /^[A-Za-z0-9+/=_.:@-]{1,128}$/.test(chatId)
    ? undefined
    : "钉钉群的 conversationId 格式不正确（通常以 cid 开头，可在机器人收到的消息中找到）。";
}

/** A DingTalk staff id (员工 userid, `senderStaffId` in messages): letters, digits and `_ . @ -`, up to 64. */
export function staffIdProblem(staffId: string): string | undefined {
  return /^[A-Za-z0-9_.@-]{1,64}$/.test(staffId) ? undefined : `钉钉 ID「${staffId.slice(0, 70)}」格式不正确：只能包含字母、数字和 _ . @ -，最长 64 位。`;
}

/**
 * A DingTalk custom robot's webhook (自定义机器人, dingtalk.md §4a): an http(s) URL with its access_token, e.g.
 * https://oapi.dingtalk.com/robot/send?access_token=…; any host, so private deployments and stand-ins work.
 */
export function webhookProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "群机器人 Webhook 地址不正确：请粘贴机器人设置中的完整地址（https://oapi.dingtalk.com/robot/send?access_token=…）。";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "群机器人 Webhook 地址须以 https:// 开头。";
  if (!/^[A-Za-z0-9_-]{8,200}$/.test(u.searchParams.get("access_token") ?? "")) return "群机器人 Webhook 地址缺少 access_token 参数：请粘贴完整地址。";
  return url.length > 500 ? "群机器人 Webhook 地址过长。" : undefined;
}

/** The webhook as stored: a bare access_token (copied alone) becomes the public robot URL; a URL is kept as typed. */
export const webhookUrlFrom = (input: string): string =>
  /^[A-Za-z0-9_-]{8,200}$/.test(input.trim()) ? `https://oapi.dingtalk.com/robot/send?access_token=${input.trim()}` : input.trim();

/** The 加签 secret shown when 加签 is chosen in the robot's security settings: `SEC` and printable characters. */
export function robotSecretProblem(secret: string): string | undefined {
  return /^SEC[\x21-\x7e]{8,200}$/.test(secret) ? undefined : "加签密钥格式不正确：应以 SEC 开头（在机器人安全设置中勾选「加签」后复制）。";
}

/** A WeCom group robot's key from the bare key or the whole webhook URL copied from its settings (wecom.md §2.1). */
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

/** "…abcd" of the webhook's access_token: enough to tell robots apart, never enough to send (R38). */
export function maskWebhook(url: string | null | undefined): string {
  if (!url) return "—";
  let token = "";
  try {
    token = new URL(url).searchParams.get("access_token") ?? "";
  } catch {
    token = "";
  }
  return `…${token.slice(-4)}`;
}
