/**
 * Handling rounds (spec §2.2): a round starts at dispatch, at each 反弹, at each 改派 to another unit and at 驳回
 * (for the items the leader names). The closure gate reads only the current round; these rules are pure.
 */
import type { RoundReason } from "./codes.js";

/** The four items of 四不放过 as people name them in chat (`驳回 #12 整改 照片不清楚`). */
export const GATE_KEYS = ["核查", "整改", "责任", "回访"] as const;
export type GateKey = (typeof GATE_KEYS)[number];

/** The case columns each item owns; 整改 also owns the after-photos of its round. */
export const ITEM_COLUMNS = {
  核查: ["finding", "verdict"],
  整改: ["rectification", "handlingClass"],
  责任: ["accountableParty", "accountabilityAction", "penaltyAmount"],
  回访: ["callbackResult", "callbackNote"],
} as const satisfies Record<GateKey, readonly string[]>;

type ItemColumn = (typeof ITEM_COLUMNS)[GateKey][number];
export type RoundItems = { [K in ItemColumn]: string | number | null };

export const ROUND_REASON_LABEL: Record<RoundReason, string> = { dispatch: "交办", rebound: "反弹重办", reassign: "改派", rejected: "驳回重报" };

/** Words that name an item at the start of a 驳回 reason (several may be listed: `整改、回访 …`). */
const ITEM_WORDS: [RegExp, GateKey][] = [
  [/^(?:核查|查清|调查核实|核实)/, "核查"],
  [/^(?:整改到位|整改|照片|整改后照片)/, "整改"],
  [/^(?:责任落实|责任|问责)/, "责任"],
  [/^(?:回访|群众满意|满意度)/, "回访"],
];

/**
 * Split a 驳回 reason into the items it names and the reason itself: `整改 照片不清楚` → [整改], "照片不清楚".
 * Names count only as leading words separated from the rest, so `照片不能反映整改效果` names nothing (all items).
 */
export function namedItems(reason: string): { items: GateKey[]; reason: string } {
  const items: GateKey[] = [];
  let rest = reason.trim();
  for (;;) {
    const hit = ITEM_WORDS.map(([re, key]) => [re.exec(rest), key] as const).find(([m]) => m && /^(?:[\s、,，;；:：]|$)/.test(rest.slice(m[0].length)));
    if (!hit) break;
    const [m, key] = hit;
    if (!items.includes(key)) items.push(key);
    rest = rest.slice(m![0].length).replace(/^[\s、,，;；:：]+/, "");
  }
  return { items, reason: rest || reason.trim() };
}

/** The four items as stored on the case row (the snapshot kept when a round ends). */
export function itemsOf(c: RoundItems): RoundItems {
  const out = {} as Record<string, unknown>;
  for (const k of GATE_KEYS) for (const col of ITEM_COLUMNS[k]) out[col] = c[col] ?? null;
  return out as RoundItems;
}

/** Column values that clear `keys` on the case row. */
export function clearedColumns(keys: readonly GateKey[]): Partial<Record<ItemColumn, null>> {
  const out: Record<string, null> = {};
  for (const k of keys) for (const col of ITEM_COLUMNS[k]) out[col] = null;
  return out;
}

/**
 * The first round whose after-photos still count for the current one: a 驳回 that did not name 整改 keeps the
 * rectification (and its photos) of the round before; 反弹, 改派 and a 驳回 of 整改 start the photos afresh.
 * `ended` are the ended rounds with the items each one's successor had to redo.
 */
export function photoRoundFrom(ended: readonly { round: number; cleared: readonly string[] }[], current: number): number {
  const byRound = new Map(ended.map((r) => [r.round, r]));
  let from = current;
  while (from > 1) {
    const prev = byRound.get(from - 1);
    if (!prev || prev.cleared.includes("整改")) break;
    from--;
  }
  return from;
}
