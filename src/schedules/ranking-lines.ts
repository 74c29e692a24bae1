/**
 * The digest's 单位排名 (issue 11): the one fair ranking of db/stats rankUnits (domain/fair-rank) — the ranked units
 * with score, card and on-time share, the unranked ones named in one line, the rule in one line — and a unit
 * group's place in it.
 */
import { rankOptions, rankUnits, type RankedUnit, type RankUnit, type UnitStats } from "../db/stats.js";
import { CARD_NAME, pct, score100, scoreNote, type RankOptions } from "../domain/fair-rank.js";
import { line, muted, strong, type Block } from "../domain/message.js";
import type { Policy } from "../domain/policy.js";

export type DigestRanking = { rows: RankedUnit[]; opts: RankOptions };

export function digestRanking(stats: UnitStats[], units: RankUnit[], policy: Pick<Policy, "rankMinCases" | "cards">): DigestRanking {
  const opts = rankOptions(policy);
  return { rows: rankUnits(stats, units, opts), opts };
}

const minOf = (r: DigestRanking) => Math.max(1, r.opts.minCases);

/** The command group's lines: a header, one line per ranked unit, the unranked in one line, the rule. */
export function rankingLines(r: DigestRanking, name: (id: number | null) => string): Block[] {
  if (!r.rows.length) return [];
  const ranked = r.rows.filter((x) => x.rank !== null);
  const rest = r.rows.filter((x) => x.rank === null);
  const out: Block[] = [line(strong("单位排名"), ranked.length ? "（评分｜评牌｜按期办结率｜逾期｜反弹）" : "：暂无应结件达到件数的单位")];
  for (const x of ranked) {
    out.push(line(`${x.rank}. ${name(x.unitId)} ${score100(x.score)}｜${x.card ? CARD_NAME[x.card] : "—"}｜${pct(x.onTimeShare)}（${x.closedOnTime}/${x.due}）｜${x.overdue}｜${x.rebounds}`));
  }
  if (rest.length) out.push(line(`暂不排名（应结件不足 ${minOf(r)} 件）：${rest.map((x) => `${name(x.unitId)}（${x.due}）`).join("、")}`));
  out.push(line(muted(scoreNote(r.opts.minCases))));
  return out;
}

/** "（全区第 2/5 名，评分 62.4）", or why the unit is not ranked; "" for a unit outside the ranking (the office). */
export function unitPlace(r: DigestRanking, unitId: number): string {
  const own = r.rows.find((x) => x.unitId === unitId);
  if (!own) return "";
  if (own.rank === null) return `（应结件 ${own.due} 件，不足 ${minOf(r)} 件，暂不排名）`;
  return `（全区第 ${own.rank}/${r.rows.filter((x) => x.rank !== null).length} 名，评分 ${score100(own.score)}）`;
}
