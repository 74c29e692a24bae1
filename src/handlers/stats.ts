/** 统计: completion figures; the office sees every unit in the fair ranking (domain/fair-rank), a unit its own line and place. */
import { loadPolicy } from "../db/policy.js";
import { rankOptions, rankUnits, statsByUnit, totals, type RankedUnit } from "../db/stats.js";
import { CARD_NAME, pct, score100, scoreNote } from "../domain/fair-rank.js";
import { seesAll } from "../domain/permissions.js";
import type { NoInput, Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { unitName } from "./text.js";
import { line, msg, muted, strong, warn } from "../domain/message.js";

/** One ranked unit of the 统计 reply. */
const rankedLine = (name: string, r: RankedUnit) =>
  `${r.rank}. ${name} 评分 ${score100(r.score)}${r.card ? ` ${CARD_NAME[r.card]}` : ""}（按期 ${r.closedOnTime}/${r.due}）逾期${r.overdue} 反弹${r.rebounds}`;

export async function showStats({ ctx }: UseCaseArgs<NoInput>): Promise<Outcome> {
  const all = seesAll(ctx.actor);
  if (!all && ctx.actor.unitId === null) throw new DomainError("FORBIDDEN", "您未绑定单位，暂无可查看的统计。");
  // The place in the ranking needs every unit's figures, so a unit reads them all too (one grouped read of case_totals).
  const [rows, units, policy] = await Promise.all([statsByUnit(ctx.deps.db, ctx.now), ctx.units(), loadPolicy(ctx.deps.db)]);
  const mine = all ? rows : rows.filter((r) => r.unitId === ctx.actor.unitId);
  const t = totals(mine);
  const opts = rankOptions(policy);
  const ranked = rankUnits(rows, units, opts);
  const head = [
    line(strong(`${all ? "全区" : unitName(units, ctx.actor.unitId)}办理情况`)),
    line(`总数 ${t.total}，办结 ${t.closed}（其中阶段性 ${t.staged}），完成率 `, strong(pct(t.total ? t.completionRate : null))),
    line(`办理中 ${t.open}，`, warn(`逾期 ${t.overdue}`), `，反弹 ${t.rebounds}，按时办结率 ${pct(t.closed ? t.onTimeRate : null)}`),
  ];
  if (!all) {
    const own = ranked.find((r) => r.unitId === ctx.actor.unitId);
    const place = !own
      ? []
      : own.rank !== null
        ? [line(`单位排名：第 ${own.rank}/${ranked.filter((r) => r.rank !== null).length} 名，评分 ${score100(own.score)}${own.card ? `，${CARD_NAME[own.card]}` : ""}`)]
        : [line(`单位排名：应结件 ${own.due} 件，不足 ${Math.max(1, opts.minCases)} 件，暂不排名`)];
    return { reply: msg(head, ...place, line(muted(scoreNote(opts.minCases)))), writes: [] };
  }
  const rated = ranked.filter((r) => r.rank !== null).map((r) => line(rankedLine(unitName(units, r.unitId), r)));
  const rest = ranked.filter((r) => r.rank === null);
  const restLine = rest.length
    ? [line(`暂不排名（应结件不足 ${Math.max(1, opts.minCases)} 件）：`, rest.map((r) => `${unitName(units, r.unitId)}（${r.due}）`).join("、"))]
    : [];
  return { reply: msg(head, rated.length ? line(strong("单位排名")) : line(strong("单位排名"), "：暂无达到件数的单位"), ...rated, ...restLine, line(muted(scoreNote(opts.minCases)))), writes: [] };
}
