import { describe, expect, it } from "vitest";
import { pct, rankFairly, wilsonLower } from "../../src/domain/fair-rank.js";

const opts = { minCases: 3, cards: { red: 0.6, yellow: 0.85 } };
const unit = (unitId: number, closed: number, closedOnTime: number, overdueOpen: number, rebounds = 0) => ({ unitId, closed, closedOnTime, overdueOpen, rebounds });

describe("fair rankings (issue 11)", () => {
  it("Wilson lower bound: more evidence at the same rate ranks higher; 0 of 0 is 0", () => {
    expect(wilsonLower(4, 4)).toBeLessThan(wilsonLower(12, 12));
    expect(wilsonLower(3, 4)).toBeLessThan(3 / 4);
    expect(wilsonLower(0, 0)).toBe(0);
    expect(wilsonLower(10, 10)).toBeLessThanOrEqual(1);
  });

  it("a 4-case unit with a perfect record does not outrank a 12-case unit with a perfect record", () => {
    const r = rankFairly([unit(1, 4, 4, 0), unit(2, 12, 12, 0)], opts);
    expect(r.map((x) => x.unitId)).toEqual([2, 1]);
  });

  it("cases not yet due do not count against a unit; nothing to rate shows — and no card", () => {
    const r = rankFairly([unit(1, 0, 0, 0), unit(2, 5, 5, 0)], opts);
    const fresh = r.find((x) => x.unitId === 1)!;
    expect(fresh).toMatchObject({ score: null, rank: null, card: null, onTimeShare: null });
    expect(pct(fresh.onTimeShare)).toBe("—");
  });

  it("lists every unit: ranked first, then the ones with too few cases", () => {
    const r = rankFairly([unit(1, 1, 1, 0), unit(2, 6, 3, 3), unit(3, 10, 9, 0), unit(4, 0, 0, 0)], opts);
    expect(r.map((x) => [x.unitId, x.rank])).toEqual([[3, 1], [2, 2], [1, null], [4, null]]);
    expect(r).toHaveLength(4);
  });

  it("cards follow the policy thresholds on the score", () => {
    const r = rankFairly([unit(1, 40, 39, 0), unit(2, 20, 19, 1), unit(3, 10, 2, 8)], opts);
    expect(Object.fromEntries(r.map((x) => [x.unitId, x.card]))).toEqual({ 1: "green", 2: "yellow", 3: "red" });
    const lenient = rankFairly([unit(3, 10, 2, 8)], { ...opts, cards: { red: 0.02, yellow: 0.1 } });
    expect(lenient[0].card).toBe("yellow");
  });
});
