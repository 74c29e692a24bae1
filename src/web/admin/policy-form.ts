/**
 * The policy form: its fields and zod schema are derived from DEFAULT_POLICY's shape, so a policy number added
 * to src/domain/policy.ts appears here without code; known keys get Chinese labels and tighter rules.
 */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { DEFAULT_POLICY, type Policy } from "../../domain/policy.js";

export const POLICY_LABEL: Record<string, string> = {
  ackWorkingDays: "签收时限（工作日）",
  urgentAckHours: "紧急件签收时限（小时）",
  defaultDueWorkingDays: "默认办理时限（工作日）",
  chaseMinIntervalMinutes: "同一案件催办最小间隔（分钟）",
  dueSoonWorkingDays: "临期黄灯提前量（工作日）",
  ladderDays: "逾期升级（逾期第几个工作日）",
  "ladderDays.officer": "提醒责任人和单位负责人",
  "ladderDays.leader": "加提醒包案领导",
  "ladderDays.accountability": "加提醒问责组",
  patrolOffsetsDays: "办结后巡查（第几天，逗号分隔）",
  digestTime: "每日通报时间",
  quietHours: "免打扰时段",
  "quietHours.start": "开始",
  "quietHours.end": "结束",
  mentionsPerPersonPerDay: "每人每日最多被 @ 次数",
  cards: "红黄绿牌（按排名评分）",
  "cards.red": "评分低于此值为红牌（0–1）",
  "cards.yellow": "评分低于此值为黄牌（0–1）",
  rankMinCases: "应结件少于此数的单位不排名、不评牌",
  urgentIgnoresQuietHours: "紧急件不受免打扰限制",
  runBudgetItems: "每次定时任务最多处理案件数",
  runLeaseSeconds: "定时任务租约（秒）",
  lateDigestAfterMinutes: "通报迟于多少分钟标注「补发」",
  listLinesPerSection: "每段消息详细列出的案件数",
  photoOldDays: "照片拍摄早于上传多少天标注核查",
  photoFarMeters: "照片拍摄地点距本案其他照片多远标注核查（米）",
};

export type Field = { path: string; label: string; kind: "int" | "number" | "bool" | "time" | "text" | "list"; value: string };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MAX = 100_000;

/** Flatten the policy into form fields ("cards.red" …), nested groups as dotted paths. */
export function policyFields(p: Policy): { key: string; label: string; fields: Field[] }[] {
  const leaf = (path: string, def: unknown, cur: unknown): Field => {
    const label = POLICY_LABEL[path] ?? path;
    if (typeof def === "boolean") return { path, label, kind: "bool", value: cur ? "1" : "0" };
    if (typeof def === "number") return { path, label, kind: Number.isInteger(def) ? "int" : "number", value: String(cur) };
    if (Array.isArray(def)) return { path, label, kind: "list", value: (cur as unknown[]).join(", ") };
    if (typeof def === "string") return { path, label, kind: TIME.test(def) ? "time" : "text", value: String(cur) };
    return { path, label, kind: "text", value: JSON.stringify(cur) };
  };
  return Object.entries(DEFAULT_POLICY).map(([key, def]) => {
    const cur = (p as Record<string, unknown>)[key];
    const isGroup = def !== null && typeof def === "object" && !Array.isArray(def);
    const fields = isGroup
      ? Object.entries(def as Record<string, unknown>).map(([k, d]) => leaf(`${key}.${k}`, d, (cur as Record<string, unknown>)?.[k] ?? d))
      : [leaf(key, def, cur)];
    return { key, label: POLICY_LABEL[key] ?? key, fields };
  });
}

function schemaFor(path: string, def: unknown): z.ZodType {
  if (typeof def === "boolean") return z.enum(["0", "1"]).transform((v) => v === "1");
  if (typeof def === "number") {
    const label = POLICY_LABEL[path] ?? path;
    let n = z.number({ message: `${label}：请填写数字` }).finite().min(0, `${label}：不能为负数`).max(MAX, `${label}：数值过大`);
    if (path.startsWith("cards.")) n = n.max(1, `${label}：应在 0 到 1 之间`);
    else if (Number.isInteger(def)) n = n.int(`${label}：应为整数`);
    return z.string().trim().min(1, `${label}：请填写数字`).transform(Number).pipe(n);
  }
  if (Array.isArray(def)) {
    return z
      .string()
      .transform((s) => s.split(/[,，、\s]+/).filter(Boolean).map(Number))
      .pipe(z.array(z.number().int().min(0).max(MAX), { message: `${POLICY_LABEL[path] ?? path}：应为用逗号分隔的整数` }).min(1).max(20))
      .refine((xs) => xs.every((x, i) => i === 0 || x > xs[i - 1]), `${POLICY_LABEL[path] ?? path}：应从小到大排列`);
  }
  if (typeof def === "string") return TIME.test(def) ? z.string().regex(TIME, `${POLICY_LABEL[path] ?? path}：时间格式应为 HH:mm`) : z.string().max(200);
  return z.never();
}

/** zod for the whole form: the shape of DEFAULT_POLICY plus the relations between numbers. */
export function policySchema() {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, def] of Object.entries(DEFAULT_POLICY)) {
    if (def !== null && typeof def === "object" && !Array.isArray(def)) {
      shape[key] = z.object(Object.fromEntries(Object.entries(def as Record<string, unknown>).map(([k, d]) => [k, schemaFor(`${key}.${k}`, d)])));
    } else shape[key] = schemaFor(key, def);
  }
  return z.object(shape).superRefine((p, ctx) => {
    const v = p as unknown as Policy;
    if (v.cards && !(v.cards.red < v.cards.yellow)) ctx.addIssue({ code: "custom", message: "红牌阈值应低于黄牌阈值。" });
    const l = v.ladderDays;
    if (l && !(l.officer <= l.leader && l.leader <= l.accountability)) ctx.addIssue({ code: "custom", message: "逾期升级的天数应逐级递增（责任人 ≤ 包案领导 ≤ 问责组）。" });
    if (v.runLeaseSeconds !== undefined && v.runLeaseSeconds < 10) ctx.addIssue({ code: "custom", message: "定时任务租约至少 10 秒。" });
    if (v.runBudgetItems !== undefined && v.runBudgetItems < 1) ctx.addIssue({ code: "custom", message: "每次定时任务至少处理 1 件。" });
  });
}

/** Form fields ("a.b" → value) into the nested object the schema reads. */
export function nestForm(form: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(DEFAULT_POLICY)) {
    if (def !== null && typeof def === "object" && !Array.isArray(def)) {
      out[key] = Object.fromEntries(Object.keys(def).map((k) => [k, form[`${key}.${k}`] ?? ""]));
    } else out[key] = form[key] ?? "";
  }
  return out;
}
