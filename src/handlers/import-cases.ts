/**
 * 导入: the office imports an inspection team's hand-over list. Preview first (per-row errors, nothing written),
 * then an all-or-nothing import that skips 受理编号 already stored (re-importing changes nothing). The import
 * writes itself (staged in short chunks, then one swap: src/db/import-cases.ts) so a 6,000-row file never holds
 * the single connection long enough to delay a WeCom callback (issue 16 item 7); it hands back no writes.
 */
import { existingExternalNos } from "../db/ledger.js";
import { commitImport, type NewCase } from "../db/import-cases.js";
import { loadPolicy } from "../db/policy.js";
import { SOURCES } from "../db/schema.js";
import { addWorkingDays, offsetAt } from "../domain/calendar.js";
import { canCreate } from "../domain/permissions.js";
import { planImport, type ImportPlan, type ImportRow } from "../sheets/import-rows.js";
import type { Sheet } from "../sheets/read.js";
import type { HandlerCtx, Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { repeatWrites, type RepeatChoices } from "./import-repeats.js";

/** `choices`: the preview's 并案 / 不是重复 per row (issue 13), applied in the same all-or-nothing import. */
export type ImportInput = { sheets: Sheet[]; source: string; fileName: string; sha256: string; choices?: RepeatChoices };
export type ImportPreview = { plan: ImportPlan; fresh: ImportRow[]; existing: ImportRow[] };

function authorizeImport(ctx: HandlerCtx, source: string): void {
  if (!canCreate(ctx.actor)) throw new DomainError("FORBIDDEN", "只有督办员或领导可以导入交办清单。");
  if (!(SOURCES as readonly string[]).includes(source)) throw new DomainError("BAD_INPUT", `来源「${source}」无效，可选：${SOURCES.join("、")}`);
}

/** Validate the list and say which rows are new; throws BAD_INPUT when no header row is found. */
export async function previewImport({ ctx, input }: UseCaseArgs<ImportInput>): Promise<ImportPreview> {
  authorizeImport(ctx, input.source);
  const policy = await loadPolicy(ctx.deps.db);
  const plan = planImport(input.sheets, {
    units: await ctx.units(),
    calendar: await ctx.deps.calendar(),
    now: ctx.now,
    source: input.source,
    defaultDueWorkingDays: policy.defaultDueWorkingDays,
  });
  if ("error" in plan) throw new DomainError("BAD_INPUT", plan.error);
  const stored = await existingExternalNos(ctx.deps.db, plan.rows.map((r) => r.externalNo));
  return { plan, fresh: plan.rows.filter((r) => !stored.has(r.externalNo)), existing: plan.rows.filter((r) => stored.has(r.externalNo)) };
}

export type ImportResult = Outcome & { preview: ImportPreview; imported: number; skipped: number };

/** The import itself: refused while any row has an error; otherwise every new row, all or nothing. */
export async function importCases({ ctx, input }: UseCaseArgs<ImportInput>): Promise<ImportResult> {
  const preview = await previewImport({ ctx, input });
  const { plan, fresh, existing } = preview;
  if (plan.errors.length) {
    throw new DomainError("BAD_INPUT", `有 ${plan.errors.length} 处错误，未导入任何数据。请修改表格后重新上传。`);
  }
  const skipped = existing.length;
  if (fresh.length === 0) {
    return { preview, imported: 0, skipped, writes: [], reply: `全部 ${skipped} 条受理编号均已存在，未作任何改动。` };
  }
  const policy = await loadPolicy(ctx.deps.db);
  const ackBy = addWorkingDays(await ctx.deps.calendar(), ctx.now, policy.ackWorkingDays);
  const rows: NewCase[] = fresh.map((r) => ({
    externalNo: r.externalNo,
    source: input.source,
    batch: r.batch,
    title: r.title,
    content: r.content,
    area: r.area,
    address: r.address,
    complainant: r.complainant,
    types: r.types,
    focus: r.focus,
    leadUnitId: r.leadUnitId,
    coUnitIds: r.coUnitIds,
    ackBy: r.leadUnitId === null ? null : Math.min(ackBy, r.dueAt),
    dueAt: r.dueAt,
    origin: { file: input.fileName, line: r.line, seq: r.seq || null, channel: r.channel },
  }));
  const offsetMs = offsetAt(ctx.now, ctx.deps.config.timezone);
  const repeats = await repeatWrites(ctx, rows, input.choices);
  await commitImport(ctx.deps.db, rows, { actor: ctx.actor.userId, source: input.source, at: ctx.now, fileName: input.fileName, sha256: input.sha256, offsetMs }, repeats.writes);
  const merged = repeats.merged ? `；其中 ${repeats.merged} 件并入原案件${repeats.reopened.length ? `（${repeats.reopened.map((id) => `#${id}`).join("、")} 已按反弹重新办理）` : ""}` : "";
  const notDup = repeats.notDuplicate ? `；${repeats.notDuplicate} 件已记录为不是重复` : "";
  const note = `${merged}${notDup}${skipped ? `；另有 ${skipped} 条受理编号已存在，已跳过，未作改动` : ""}`;
  // The swap queued one announcement per unit group; the per-minute relay sends it.
  return { preview, imported: rows.length, skipped, writes: [], reply: `已导入 ${rows.length} 件${note}，已通知各承办单位群。` };
}
