/** zod schemas of the API's inputs, with Chinese messages where zod's own (zh-CN) would be vague. */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { POLLUTION_TYPES, PRIORITIES, SOURCES } from "../db/schema.js";
import { ledgerQuery } from "../db/ledger-query.js";

export const listQuery = ledgerQuery.extend({
  pageSize: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int("每页条数应为整数").min(1, "每页至少 1 条").max(200, "每页最多 200 条").optional()),
});

const ymd = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD");

export const createCaseBody = z
  .object({
    content: z.string({ error: "请提供交办问题基本情况（content）" }).trim().min(4, "交办问题基本情况至少 4 个字").max(5000, "交办问题基本情况不能超过 5000 字"),
    leadUnit: z.string({ error: "请提供牵头单位名称（leadUnit）" }).trim().min(1, "请提供牵头单位名称（leadUnit）").max(50),
    coUnits: z.array(z.string().trim().min(1).max(50)).max(10, "配合单位最多 10 个").default([]),
    externalNo: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{3,39}$/, "受理编号应为 4–40 位字母和数字").optional(),
    source: z.enum(SOURCES, { error: `来源无效，可选：${SOURCES.join("、")}` }).default("12345"),
    dueDate: ymd.optional(),
    workingDays: z.number().int("办理工作日应为整数").min(1, "办理工作日至少 1 天").max(365, "办理工作日最多 365 天").optional(),
    priority: z.enum(PRIORITIES, { error: "优先级应为 normal、urgent 或 focus" }).default("normal"),
    leader: z.string().trim().min(1).max(50).optional(),
    area: z.string().trim().max(60, "行政区域不能超过 60 字").optional(),
    address: z.string().trim().max(200, "地址不能超过 200 字").optional(),
    complainant: z.string().trim().min(1, "来电人信息不能为空").max(100, "来电人信息不能超过 100 字").optional(), // R40: stored apart, never in a message
    pollutionTypes: z.array(z.enum(POLLUTION_TYPES, { error: `污染类型无效，可选：${POLLUTION_TYPES.join("、")}` })).max(8).default([]),
  })
  .strict()
  .refine((b) => !(b.dueDate && b.workingDays), { message: "dueDate 与 workingDays 只能提供一个", path: ["dueDate"] });

export type CreateCaseBody = z.infer<typeof createCaseBody>;
