/**
 * Roster (名册) rows → validated person changes. Columns matched by header in any order: 账号, 姓名, 手机, 单位, 角色,
 * 钉钉ID. Idempotent on 账号: a row equal to the stored person changes nothing; a blank 钉钉ID keeps the stored one. Privileged roles (admin, auditor)
 * are never granted or changed by an import — only on the person's own page.
 */
import type { Cell } from "../../sheets/read.js";
import { normalizeHeader } from "../../sheets/headers.js";
import { ROLES, type Role } from "../../db/schema.js";
import { ROLE_LABEL } from "../../domain/labels.js";
import { EXCLUSIVE_ROLES } from "../../domain/duties.js";
import type { PersonRow } from "../../db/admin/people.js";
import type { UnitRow } from "../../db/admin/units.js";
import { personSchema } from "./person-schema.js";

export const MAX_ROSTER_ROWS = 2000;
type Key = "userId" | "name" | "mobile" | "unit" | "roles" | "dingtalkId";
const HEADERS: Record<Key, string[]> = {
  userId: ["账号", "帐号", "userid", "企业微信账号", "成员账号", "企业微信id"],
  name: ["姓名", "名字", "成员姓名"],
  mobile: ["手机", "手机号", "手机号码", "联系电话", "电话"],
  unit: ["单位", "所属单位", "部门", "所在单位"],
  roles: ["角色", "岗位", "身份"],
  dingtalkId: ["钉钉id", "钉钉账号", "钉钉userid", "钉钉员工id", "staffid"],
};
const ROLE_WORDS: Record<string, Role> = {
  ...Object.fromEntries(ROLES.map((r) => [r, r])),
  ...Object.fromEntries(Object.entries(ROLE_LABEL).map(([r, l]) => [l, r as Role])),
  督办: "dispatcher", 区环督办: "dispatcher", 负责人: "unit_head", 联络员: "officer", 经办人: "officer", 问责: "accountability",
};

/** The import's unit of work: what the file says, normalised, before comparing with the database. */
export type RosterInput = { line: number; userId: string; name: string; mobile: string | null; unitName: string | null; roles: Role[]; dingtalkId?: string | null };
export type RosterRow = RosterInput & { action: "create" | "update" | "same" | "error"; errors: string[]; unitId: number | null; personId?: number };

const cellText = (v: Cell | undefined) => (v === null || v === undefined ? "" : v instanceof Date ? v.toISOString().slice(0, 10) : String(v).trim());

/** Find the header row among the first 10 and read every following non-empty row. */
export function readRoster(rows: Cell[][]): { inputs: RosterInput[]; errors: string[] } {
  for (let h = 0; h < Math.min(rows.length, 10); h++) {
    const index: Partial<Record<Key, number>> = {};
    (rows[h] ?? []).forEach((cell, i) => {
      const name = normalizeHeader(cell).toLowerCase();
      const key = (Object.keys(HEADERS) as Key[]).find((k) => index[k] === undefined && HEADERS[k].includes(name));
      if (key) index[key] = i;
    });
    if (index.userId === undefined || index.name === undefined) continue;
    const inputs: RosterInput[] = [];
    for (let i = h + 1; i < rows.length; i++) {
      const get = (k: Key) => (index[k] === undefined ? "" : cellText(rows[i]?.[index[k]!]));
      if ((rows[i] ?? []).every((c) => cellText(c) === "")) continue;
      const roles = get("roles")
        .split(/[,，、;；/\s]+/)
        .filter(Boolean)
        .map((w) => ROLE_WORDS[w] ?? (`?${w}` as Role));
      inputs.push({ line: i + 1, userId: get("userId"), name: get("name"), mobile: get("mobile") || null, unitName: get("unit") || null, roles, dingtalkId: get("dingtalkId") || null });
    }
    if (inputs.length > MAX_ROSTER_ROWS) return { inputs: [], errors: [`名册超过 ${MAX_ROSTER_ROWS} 行，请分批导入。`] };
    return { inputs, errors: inputs.length ? [] : ["名册中没有数据行。"] };
  }
  return { inputs: [], errors: ["没有找到表头：名册须包含「账号」和「姓名」两列（另可有「手机」「单位」「角色」「钉钉ID」）。"] };
}

/** Compare each row with the stored people and units; every problem is named per row. */
export function planRoster(inputs: RosterInput[], units: UnitRow[], people: PersonRow[]): RosterRow[] {
  const byUserId = new Map(people.map((p) => [p.userId, p]));
  const byDingtalkId = new Map(people.filter((p) => p.dingtalkId).map((p) => [p.dingtalkId!, p]));
  const seenDingtalk = new Set<string>();
  const unitOf = (n: string) => units.find((u) => u.name === n) ?? units.find((u) => u.aliases.includes(n));
  const seen = new Set<string>();
  return inputs.map((input) => {
    const errors: string[] = [];
    const roles: Role[] = input.roles.length ? [...new Set(input.roles)] : ["officer"];
    const unknownRole = roles.filter((r) => r.startsWith("?")).map((r) => r.slice(1));
    if (unknownRole.length) errors.push(`无法识别的角色：${unknownRole.join("、")}`);
    if (roles.some((r) => EXCLUSIVE_ROLES.includes(r))) errors.push("名册导入不能授予系统管理员或审计员角色，请在人员页面单独设置。");
    const unit = input.unitName ? unitOf(input.unitName) : undefined;
    if (input.unitName && !unit) errors.push(`单位「${input.unitName}」不存在`);
    if (seen.has(input.userId)) errors.push(`账号 ${input.userId} 在名册中重复`);
    seen.add(input.userId);
    const dt = input.dingtalkId ?? null;
    if (dt && seenDingtalk.has(dt)) errors.push(`钉钉 ID ${dt} 在名册中重复`);
    if (dt) seenDingtalk.add(dt);
    const holder = dt ? byDingtalkId.get(dt) : undefined;
    if (holder && holder.userId !== input.userId) errors.push(`钉钉 ID ${dt} 已属于 ${holder.name}（${holder.userId}）`);
    const valid = personSchema.safeParse({ userId: input.userId, name: input.name, mobile: input.mobile, unitId: unit?.id ?? null, roles: unknownRole.length ? [] : roles, dingtalkId: dt });
    if (!valid.success && !unknownRole.length) errors.push(...valid.error.issues.map((i) => i.message));
    if (!valid.success && unknownRole.length) errors.push(...valid.error.issues.filter((i) => i.path[0] !== "roles").map((i) => i.message));
    const cur = byUserId.get(input.userId);
    if (cur && cur.roles.some((r) => EXCLUSIVE_ROLES.includes(r))) errors.push(`账号 ${input.userId} 是系统管理员或审计员，不能通过名册修改。`);
    const row: RosterRow = { ...input, roles, unitId: unit?.id ?? null, errors, action: "error", personId: cur?.id };
    if (errors.length) return row;
    if (!cur) return { ...row, action: "create" };
    const same =
      cur.name === input.name &&
      (cur.mobile ?? null) === input.mobile &&
      cur.unitId === row.unitId &&
      [...cur.roles].sort().join() === [...roles].sort().join() &&
      (!dt || cur.dingtalkId === dt);
    return { ...row, action: same ? "same" : "update" };
  });
}
