/**
 * `duban group …`: register groups (WeCom or DingTalk) and store WeCom group-robot keys. Keys, webhooks and 加签
 * secrets are only ever printed masked; every change is committed with its audit row (source "cli").
 */
import { parseArgs } from "node:util";
import type { Db } from "./db/types.js";
import { listGroupRobots, maskKey, setRobotKey } from "./db/robot-keys.js";
import { groupByChatId, insertGroup, listGroups, type GroupFields, type GroupPurpose } from "./db/admin/groups.js";
import { listUnits } from "./db/admin/units.js";
import { commit, DuplicateKey, insertAudit } from "./db/write.js";
import { chatIdProblem, isPlatform, PLATFORM_LABEL, PLATFORMS, robotKeyFrom, robotSecretProblem, webhookProblem, webhookUrlFrom } from "./domain/channel-fields.js";

export const GROUP_USAGE = `  group list            the groups with their platform, purpose and (masked) robot credentials
  group add [--platform wecom|dingtalk] --chat <chatId|conversationId> --name <name> (--unit <unit name> | --purpose command|accountability|other)
            [--webhook <url> --secret <SEC…>]   (DingTalk only: a custom robot with 加签 for scheduled messages)
  group set-robot <chatId> <key>
                        store a WeCom group's 群机器人 webhook key (the key=… part of its webhook URL, or the whole URL)
`;

const PURPOSES: readonly GroupPurpose[] = ["command", "unit", "accountability", "other"];

export async function groupVerb(db: Db, args: string[], out: (line: string) => void = console.log, now = Date.now()): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === "list") {
    const robots = new Map((await listGroupRobots(db)).map((g) => [g.chatId, g]));
    for (const g of await listGroups(db)) {
      const cred = g.platform === "dingtalk" ? `webhook ${g.webhookMasked}${g.hasSecret ? " 加签" : ""}` : `robot key ${maskKey(robots.get(g.chatId)?.robotKey)}`;
      out(`${g.chatId}\t${g.platform}\t${g.purpose}\t${g.name}\t${cred}`);
    }
    return 0;
  }
  if (verb === "add") return addGroup(db, rest, out, now);
  if (verb === "set-robot") {
    const [chatId, raw] = rest;
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

function parseAddArgs(args: string[]) {
  try {
    const { values } = parseArgs({
      args,
      options: { platform: { type: "string" }, chat: { type: "string" }, name: { type: "string" }, unit: { type: "string" }, purpose: { type: "string" }, webhook: { type: "string" }, secret: { type: "string" } },
    });
    return values;
  } catch (e) {
    return (e as Error).message;
  }
}

/** `group add`: checks every option, names each problem in Chinese, and writes the group with its audit row. */
async function addGroup(db: Db, args: string[], out: (line: string) => void, now: number): Promise<number> {
  const v = parseAddArgs(args);
  const fail = (problems: string[]) => {
    for (const p of problems) out(p);
    out(`用法 Usage:\n${GROUP_USAGE}`);
    return 2;
  };
  if (typeof v === "string") return fail([`参数无法识别：${v}`]);
  const platform = v.platform ?? "wecom";
  if (!isPlatform(platform)) return fail([`平台「${platform}」不支持：请用 ${PLATFORMS.join(" 或 ")}。`]);
  const chatId = (v.chat ?? "").trim();
  const name = (v.name ?? "").trim();
  const problems: string[] = [];
  if (!chatId) problems.push(platform === "dingtalk" ? "请用 --chat 给出钉钉群的 conversationId（cid…）。" : "请用 --chat 给出企业微信群的 chatid。");
  else {
    const p = chatIdProblem(platform, chatId);
    if (p) problems.push(p);
  }
  if (!name) problems.push("请用 --name 给出群名称。");
  else if (name.length > 60) problems.push("群名称不超过 60 个字。");
  const purpose = (v.purpose ?? (v.unit !== undefined ? "unit" : "")) as GroupPurpose;
  if (!v.purpose && v.unit === undefined) problems.push("请用 --unit <单位名称> 登记单位群，或用 --purpose command 登记指挥群。");
  else if (!PURPOSES.includes(purpose)) problems.push(`用途「${v.purpose}」不支持：可选 ${PURPOSES.join("、")}。`);
  else if (purpose === "unit" && !v.unit) problems.push("单位群须用 --unit 给出所属单位。");
  let unitId: number | null = null;
  if (v.unit !== undefined && v.unit.trim()) {
    const units = await listUnits(db);
    const n = v.unit.trim();
    const unit = units.find((u) => u.name === n) ?? units.find((u) => u.aliases.includes(n));
    if (!unit) problems.push(`单位「${n}」不存在。现有单位：${units.map((u) => u.name).join("、") || "（无，请先在督办台添加单位）"}`);
    else if (!unit.active) problems.push(`单位「${unit.name}」已停用。`);
    else unitId = unit.id;
  }
  if ((v.webhook !== undefined || v.secret !== undefined) && platform !== "dingtalk") {
    problems.push("--webhook 和 --secret 只用于钉钉群；企业微信群的群机器人请用 duban group set-robot <chatId> <key>。");
  } else {
    if (v.secret !== undefined && v.webhook === undefined) problems.push("--secret 须与 --webhook 一起给出。");
    const w = v.webhook !== undefined ? webhookProblem(webhookUrlFrom(v.webhook)) : undefined;
    if (w) problems.push(w);
    const s = v.secret !== undefined ? robotSecretProblem(v.secret.trim()) : undefined;
    if (s) problems.push(s);
  }
  if (problems.length) return fail(problems);
  const existing = await groupByChatId(db, chatId);
  if (existing) {
    out(`群 ID ${chatId} 已登记为「${existing.name}」（${PLATFORM_LABEL[existing.platform]}）；请勿重复添加，修改请到督办台 → 管理 → 群聊。`);
    return 1;
  }
  const f: GroupFields = { name, purpose, unitId, platform };
  const robot = { webhook: v.webhook !== undefined ? webhookUrlFrom(v.webhook) : null, secret: v.secret?.trim() ?? null };
  try {
    await commit(db, [
      insertGroup(db, chatId, f, robot),
      // The audit row says whether a robot was given, never its URL or secret (R38).
      insertAudit(db, { at: now, actor: "(cli)", action: "admin.group.create", object: `group:${chatId}`, result: "ok", source: "cli", detail: { ...f, webhook: !!robot.webhook, secret: !!robot.secret } }),
    ]);
  } catch (e) {
    if (e instanceof DuplicateKey) {
      out(`群 ID ${chatId} 已登记；请勿重复添加。`);
      return 1;
    }
    throw e;
  }
  const robotNote = robot.webhook ? `，自定义机器人 Webhook 已保存${robot.secret ? "（含加签密钥）" : ""}` : "";
  out(`已登记${PLATFORM_LABEL[platform]}群「${name}」（${chatId}）${purpose === "unit" ? `，单位群` : purpose === "command" ? "，指挥群" : ""}${robotNote}。`);
  return 0;
}
