/**
 * 修改案件信息: the office completes or corrects a case's descriptive fields — title, content, address, area, 污染类型,
 * source, batch (issue 11: a case dispatched in chat has no 污染类型/地址/区域 and would export blank disclosure
 * columns). Versioned: the form carries the version it was drawn from, and a case changed since is not overwritten.
 * The timeline keeps what changed, from what to what.
 */
import { eq } from "drizzle-orm";
import type { CaseRef } from "../domain/values.js";
import { batches, POLLUTION_TYPES, SOURCES } from "../db/schema.js";
import { complainantNames, stripPii } from "../domain/pii.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, type CaseRow } from "./common.js";
import { caseNo } from "./text.js";

export type EditCaseInput = {
  ref: CaseRef;
  /** The version the form was drawn from; a case changed since is refused, not overwritten. */
  version?: number;
  title?: string;
  content?: string;
  address?: string | null;
  area?: string | null;
  pollutionTypes?: string[];
  source?: string;
  batchId?: number | null;
};

const LABEL = { title: "标题", content: "问题描述", address: "地址", area: "行政区域", pollutionTypes: "污染类型", source: "来源", batchId: "交办批次" } as const;
type Field = keyof typeof LABEL;

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export async function editCase({ ctx, input }: UseCaseArgs<EditCaseInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "edit_fields", c);
  if (input.version !== undefined && input.version !== c.version) {
    throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} 在您打开页面后已被修改（版本 ${input.version} → ${c.version}），请刷新页面后再改。`);
  }
  const set: Partial<CaseRow> = {};
  if (input.title !== undefined) {
    // Titles reach every group: no names or numbers in them (R40a), as at 交办.
    const t = stripPii(input.title.trim(), complainantNames(c.complainant ?? undefined));
    if (!t) throw new DomainError("BAD_INPUT", "标题不能为空，也不能只有姓名或号码。");
    set.title = t.slice(0, 60);
  }
  if (input.content !== undefined) {
    if (!input.content.trim()) throw new DomainError("BAD_INPUT", "问题描述不能为空。");
    set.content = input.content.trim();
  }
  if (input.address !== undefined) set.address = input.address?.trim() || null;
  if (input.area !== undefined) set.area = input.area?.trim() || null;
  if (input.pollutionTypes !== undefined) {
    const bad = input.pollutionTypes.filter((t) => !(POLLUTION_TYPES as readonly string[]).includes(t));
    if (bad.length) throw new DomainError("BAD_INPUT", `污染类型「${bad.join("、")}」不在分类中，可选：${POLLUTION_TYPES.join("、")}。`);
    set.pollutionTypes = [...new Set(input.pollutionTypes)];
  }
  if (input.source !== undefined) {
    if (!(SOURCES as readonly string[]).includes(input.source)) throw new DomainError("BAD_INPUT", `来源「${input.source}」不正确，可选：${SOURCES.join("、")}。`);
    set.source = input.source;
  }
  if (input.batchId !== undefined) {
    if (input.batchId !== null) {
      const [b] = await ctx.deps.db.select({ id: batches.id }).from(batches).where(eq(batches.id, input.batchId));
      if (!b) throw new DomainError("BAD_INPUT", "所选交办批次不存在。");
    }
    set.batchId = input.batchId;
  }
  const changed = (Object.keys(set) as Field[]).filter((k) => !same(set[k], c[k]));
  if (changed.length === 0) throw new DomainError("BAD_INPUT", "没有修改任何内容。");
  const changes = Object.fromEntries(changed.map((k) => [k, { from: c[k] ?? null, to: set[k] ?? null }]));
  const what = changed.map((k) => LABEL[k]).join("、");
  return {
    caseId: c.id,
    reply: `已修改 ${caseNo(c)} 的${what}。`,
    writes: changeCase(ctx, c, {
      set: Object.fromEntries(changed.map((k) => [k, set[k]])),
      // The complaint text may hold what the title may not; the timeline keeps the field names, the audit the version.
      event: { kind: "note", text: `修改了${what}`, data: { edited: changed, changes: Object.fromEntries(Object.entries(changes).filter(([k]) => k !== "content")) } },
      action: "case.edit",
    }),
  };
}
