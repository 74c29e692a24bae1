/**
 * Fair unit rankings (issue 11). A raw completion rate punishes a unit for cases that are not yet due and lets a
 * unit with 4 cases outrank one with 12. The score therefore:
 *  1. rates only cases that should be finished by now — 应结件 = closed + open cases past their deadline;
 *  2. takes the Wilson lower bound (90 %) of the on-time share, so a small record needs more evidence to rank high;
 *  3. ranks a unit only with at least `minCases` 应结件; the others are listed below, "—", with no card.
 * The card thresholds apply to the score and are policy (`cards.red`, `cards.yellow`).
 */
export type RankInput = { unitId: number | null; closed: number; closedOnTime: number; overdueOpen: number; rebounds: number };
export type Card = "red" | "yellow" | "green";
export type RankOptions = { minCases: number; cards: { red: number; yellow: number } };
export type Ranked = RankInput & {
  due: number; // 应结件
  onTimeShare: number | null; // closedOnTime / due; null: nothing to rate ("—")
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

/** The one line every ranking surface prints under its table. */
export const scoreNote = (minCases: number): string =>
  `评分＝按期办结数÷应结件数（已办结＋逾期未结）的威尔逊区间下限（90%置信，百分制），件数少的单位须有更多记录才能靠前；应结件不足 ${Math.max(1, minCases)} 件不排名、不评牌。`;

/** The card rule in words, from the policy thresholds. */
export const cardNote = (cards: RankOptions["cards"]): string => `评牌按评分：低于 ${score100(cards.red)} 红牌，低于 ${score100(cards.yellow)} 黄牌，其余绿牌。`;

/** Every unit, ranked ones first by score (then fewer overdue, fewer rebounds, more cases), then the unrated. */
export function rankFairly<T extends RankInput>(rows: T[], opts: RankOptions): (T & Ranked)[] {
  const scored = rows.map((r) => {
    const due = r.closed + r.overdueOpen;
    const rated = due >= Math.max(1, opts.minCases);
    const score = rated ? wilsonLower(r.closedOnTime, due) : null;
    const card: Card | null = score === null ? null : score < opts.cards.red ? "red" : score < opts.cards.yellow ? "yellow" : "green";
    return { ...r, due, onTimeShare: due ? r.closedOnTime / due : null, score, rank: null as number | null, card };
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
/** A score on the 0–100 scale ("62.4") or "—" for an unranked unit. */
export const score100 = (x: number | null): string => (x === null ? "—" : (Math.round(x * 1000) / 10).toFixed(1));
/** The card's Chinese name. */
export const CARD_NAME: Record<Card, "红牌" | "黄牌" | "绿牌"> = { red: "红牌", yellow: "黄牌", green: "绿牌" };
