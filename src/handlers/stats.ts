/** 统计: completion figures; the office sees every unit ranked, a unit sees its own line. */
import { rankUnits, statsByUnit, totals } from "../db/stats.js";
import { seesAll } from "../domain/permissions.js";
import type { NoInput, Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { unitName } from "./text.js";
import { line, msg, strong, warn } from "../domain/message.js";

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export async function showStats({ ctx }: UseCaseArgs<NoInput>): Promise<Outcome> {
  const all = seesAll(ctx.actor);
  if (!all && ctx.actor.unitId === null) throw new DomainError("FORBIDDEN", "您未绑定单位，暂无可查看的统计。");
  const rows = await statsByUnit(ctx.deps.db, ctx.now, all ? undefined : ctx.actor.unitId!);
  const t = totals(rows);
  const units = await ctx.units();
  const head = [
    line(strong(`${all ? "全区" : unitName(units, ctx.actor.unitId)}办理情况`)),
    line(`总数 ${t.total}，办结 ${t.closed}（其中阶段性 ${t.staged}），完成率 `, strong(pct(t.completionRate))),
    line(`办理中 ${t.open}，`, warn(`逾期 ${t.overdue}`), `，反弹 ${t.rebounds}，按时办结率 ${pct(t.onTimeRate)}`),
  ];
  if (!all) return { reply: msg(head), writes: [] };
  const ranked = rankUnits(rows.filter((r) => r.unitId !== null)).slice(0, 20);
  const table = ranked.map((r, i) => `${i + 1}. ${unitName(units, r.unitId)} ${pct(r.completionRate)}（${r.closed}/${r.total}）逾期${r.overdue} 反弹${r.rebounds}`);
  return { reply: msg(head, "单位排名（完成率、按时率、逾期、反弹）：", ...table), writes: [] };
}
