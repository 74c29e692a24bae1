/** The ledger's query string ↔ LedgerFilter, validated once (zod) and shared by the page, the export and the API. */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { MAX_OFFSET_PAGE, type LedgerFilter } from "./ledger.js";
import { CASE_STATES, POLLUTION_TYPES, SOURCES } from "./schema.js";

const id = z.coerce.number({ error: "应为数字" }).int("应为整数").positive("应为正整数");
const flag = z.enum(["1", "0", "true", "false", "yes", "no"], { error: "应为 1 或 0" }).transform((v) => ["1", "true", "yes"].includes(v));
const blankToUndefined = (v: unknown) => (v === "" || v === null ? undefined : v);

export const ledgerQuery = z.object({
  batch: z.preprocess(blankToUndefined, id.optional()),
  source: z.preprocess(blankToUndefined, z.enum(SOURCES, { error: `来源无效，可选：${SOURCES.join("、")}` }).optional()),
  unit: z.preprocess(blankToUndefined, id.optional()),
  state: z.preprocess(blankToUndefined, z.enum(CASE_STATES, { error: `状态无效，可选：${CASE_STATES.join("、")}` }).optional()),
  type: z.preprocess(blankToUndefined, z.enum(POLLUTION_TYPES, { error: `污染类型无效，可选：${POLLUTION_TYPES.join("、")}` }).optional()),
  overdue: z.preprocess(blankToUndefined, flag.optional()),
  flagged: z.preprocess(blankToUndefined, flag.optional()),
  // 重复/反复投诉 (issue 13): cases that hold merged complaints or have rebounded.
  repeat: z.preprocess(blankToUndefined, flag.optional()),
  q: z.preprocess(blankToUndefined, z.string().trim().max(100, "搜索词不能超过 100 个字").optional()),
  page: z.preprocess(blankToUndefined, id.max(100_000, "页码过大").optional()),
  // Keyset position from a 下一页 link (ledger.ts); with it, `page` only labels the page.
  cursor: z.preprocess(blankToUndefined, z.string().regex(/^[01]\.\d{1,15}$/, "翻页位置无效，请从第一页重新翻页").optional()),
});

export type LedgerQuery = z.infer<typeof ledgerQuery>;

export function toFilter(q: LedgerQuery): LedgerFilter {
  return { batchId: q.batch, source: q.source, unitId: q.unit, state: q.state, type: q.type, overdue: q.overdue, flagged: q.flagged, repeat: q.repeat, q: q.q };
}

/** The filter back as query parameters (for paging links and the export link). */
export function toParams(q: LedgerQuery): Record<string, string | number | undefined> {
  const b = (v?: boolean) => (v === undefined ? undefined : v ? "1" : "0");
  return { batch: q.batch, source: q.source, unit: q.unit, state: q.state, type: q.type, overdue: b(q.overdue), flagged: b(q.flagged), repeat: b(q.repeat), q: q.q };
}

/** Why this query's page number cannot be served by OFFSET (deep pages go by cursor), or undefined. */
export function pagingProblem(q: LedgerQuery): string | undefined {
  if (q.cursor || (q.page ?? 1) <= MAX_OFFSET_PAGE || q.q) return undefined;
  return `参数 page：按页码最多翻到第 ${MAX_OFFSET_PAGE} 页，更后面的页请用“下一页”（cursor）继续`;
}

/** Chinese text for the first problem of a failed parse: "参数 state：状态无效…". */
export function issuesText(e: z.ZodError): string {
  return e.issues.map((i) => `${i.path.length ? `参数 ${i.path.join(".")}：` : ""}${i.message}`).join("；");
}
