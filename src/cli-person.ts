/**
 * `duban person set --user <userid> --dingtalk <staffId>`: map a person to their DingTalk staff id, so a DingTalk
 * message from that staff id acts as them. An empty staff id clears it. Committed with its audit row (source "cli").
 */
import { parseArgs } from "node:util";
import type { Db } from "./db/types.js";
import { personWithDingtalkId, personByUserIdRow, setDingtalkId } from "./db/admin/people.js";
import { commit, DuplicateKey, insertAudit } from "./db/write.js";
import { staffIdProblem } from "./domain/channel-fields.js";

export const PERSON_USAGE = `  person set --user <userid> --dingtalk <staffId>
                        map a person to their DingTalk staff id (钉钉 userid); --dingtalk "" clears it
`;

export async function personVerb(db: Db, args: string[], out: (line: string) => void = console.log, now = Date.now()): Promise<number> {
  const [verb, ...rest] = args;
  let values: { user?: string; dingtalk?: string };
  try {
    values = parseArgs({ args: rest, options: { user: { type: "string" }, dingtalk: { type: "string" } } }).values;
  } catch (e) {
    out(`参数无法识别：${(e as Error).message}\n用法 Usage:\n${PERSON_USAGE}`);
    return 2;
  }
  if (verb !== "set" || !values.user || values.dingtalk === undefined) {
    out(`用法 Usage:\n${PERSON_USAGE}`);
    return 2;
  }
  const staffId = values.dingtalk.trim();
  const problem = staffId ? staffIdProblem(staffId) : undefined;
  if (problem) {
    out(problem);
    return 2;
  }
  const person = await personByUserIdRow(db, values.user);
  if (!person) {
    out(`没有账号为「${values.user}」的人员：请先在督办台 → 管理 → 人员中添加，或用名册导入。`);
    return 1;
  }
  if (staffId) {
    const other = await personWithDingtalkId(db, staffId);
    if (other && other.id !== person.id) {
      out(`钉钉 ID ${staffId} 已属于 ${other.name}（${other.userId}）；一个钉钉 ID 只能对应一名人员，请先清除对方的钉钉 ID。`);
      return 1;
    }
  }
  if ((person.dingtalkId ?? "") === staffId) {
    out(`${person.name}（${person.userId}）的钉钉 ID 已是 ${staffId || "（空）"}，未作修改。`);
    return 0;
  }
  try {
    await commit(db, [
      setDingtalkId(db, person.id, staffId || null),
      insertAudit(db, { at: now, actor: "(cli)", action: "admin.person.dingtalk_id", object: `person:${person.id}`, result: "ok", source: "cli", detail: { before: person.dingtalkId ?? null, after: staffId || null } }),
    ]);
  } catch (e) {
    if (e instanceof DuplicateKey) {
      out(`钉钉 ID ${staffId} 已被其他人员使用。`);
      return 1;
    }
    throw e;
  }
  out(staffId ? `已将 ${person.name}（${person.userId}）的钉钉 ID 设为 ${staffId}。` : `已清除 ${person.name}（${person.userId}）的钉钉 ID。`);
  return 0;
}
