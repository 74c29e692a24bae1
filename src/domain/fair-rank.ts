/**
 * Fair unit rankings (issue 11). A raw completion rate punishes a unit for cases that are not yet due and lets a
 * unit with 4 cases outrank one with 12. The score therefore:
 *  1. rates only cases that should be finished by now — 应结件 = closed + open cases past their deadline;
 *  2. takes the Wilson lower bound (90 %) of the on-time share, so a small record needs more evidence to rank high;
 *  3. ranks a unit only with at least `minCases` 应结件; the others are listed below, "—", with no card.
 * The card thresholds apply to the score and are policy (`cards.red`, `cards.yellow`).
 * 评分 = 按期办结数 / 应结件数 的威尔逊区间下限（90%）；应结件不足 minCases 件不排名、不评牌。
 */
export type RankInput = { unitId: number | null; closed: number; closedOnTime: number; overdueOpen: number; rebounds: number };
export type Card = "red" | "yellow" | "green";
export type Ranked = RankInput & {
  due: number; // 应结件
  onTimeRate: number | null; // null: nothing to rate ("—")
  score: number | null;
  rank: number | null; // 1-based among ranked units; null = not ranked (too few 应结件)
  card: Card | null;
};

const Z = 1.645; // one-sided 95 % / two-sided 90 %

/** Wilson score interval lower bound of k successes in n trials; 0 when n = 0. */
export function wilsonLower(k: number, n: number, z = Z): number {
  if (n <= 0) return 0;
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const margin = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return Math.max(0, (centre - margin) / (1 + z2 / n));
}

export const SCORE_NOTE = "排名按「按期办结率」的威尔逊下限（90%置信）计算：只计应结件（已办结 + 已过期限未结），件数少的单位需要更多记录才能排前；应结件不足 {min} 件的单位不排名、不评牌，比率显示为「—」。";

/** Every unit, ranked ones first by score (then fewer overdue, fewer rebounds, more cases), then the unrated. */
export function rankFairly(rows: RankInput[], opts: { minCases: number; cards: { red: number; yellow: number } }): Ranked[] {
  const scored: Ranked[] = rows.map((r) => {
    const due = r.closed + r.overdueOpen;
    const rated = due >= Math.max(1, opts.minCases);
    const score = rated ? wilsonLower(r.closedOnTime, due) : null;
    const card: Card | null = score === null ? null : score < opts.cards.red ? "red" : score < opts.cards.yellow ? "yellow" : "green";
    return { ...r, due, onTimeRate: due ? r.closedOnTime / due : null, score, rank: null, card };
  });
  const ranked = scored
    .filter((r) => r.score !== null)
    .sort((a, b) => b.score! - a.score! || a.overdueOpen - b.overdueOpen || a.rebounds - b.rebounds || b.due - a.due || (a.unitId ?? 0) - (b.unitId ?? 0));
  ranked.forEach((r, i) => (r.rank = i + 1));
  const rest = scored.filter((r) => r.score === null).sort((a, b) => b.due - a.due || (a.unitId ?? 0) - (b.unitId ?? 0));
  return [...ranked, ...rest];
}

/** "87.5%" or "—" when there is nothing to rate. */
export const pct = (x: number | null): string => (x === null ? "—" : `${(Math.round(x * 1000) / 10).toFixed(1)}%`);
