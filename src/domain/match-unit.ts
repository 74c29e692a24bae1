/**
 * Matching what people typed to units and people (spec §3): exact name, exact alias, unambiguous
 * prefix, then core-name equality / containment / in-order characters ("城管" → 区城管局,
 * "荷花池" → 荷花池街道). An ambiguous query returns every candidate; no match returns suggestions.
 */
import { fold } from "./fold.js";

export type UnitLike = { id: number; name: string; aliases: string[] };
export type PersonLike = { userId: string; name: string };

export type UnitMatch<U> = { kind: "one"; unit: U } | { kind: "ambiguous"; candidates: U[] } | { kind: "none"; suggestions: U[] };
export type PersonMatch<P> = { kind: "one"; person: P } | { kind: "ambiguous"; candidates: P[] } | { kind: "none"; suggestions: P[] };

type Tiered<T> = { kind: "one"; item: T } | { kind: "ambiguous"; candidates: T[] } | { kind: "none"; suggestions: T[] };

const MAX_SUGGESTIONS = 5;
const PREFIX = /^[区市县省]+/;
const SUFFIX = /(街道办事处|街道办|街道|办事处|委员会|管理局|局|办|委|中心)$/;

/** Comparison key: normalised (full-width folded), no spaces, ASCII lower case. */
export function unitKey(s: string): string {
  return fold(s).replace(/\s+/g, "").replace(/^@/, "").toLowerCase();
}

/** The distinctive part of a unit name: without 区/市 prefixes and 街道/局/办 suffixes (kept if that empties it). */
export function coreKey(s: string): string {
  const k = unitKey(s);
  const noPrefix = k.replace(PREFIX, "");
  const base = noPrefix.length >= 2 ? noPrefix : k;
  const noSuffix = base.replace(SUFFIX, "");
  return noSuffix.length >= 2 ? noSuffix : base;
}

function isSubsequence(needle: string, hay: string): boolean {
  const h = Array.from(hay);
  let j = 0;
  for (const ch of needle) {
    while (j < h.length && h[j] !== ch) j++;
    if (j === h.length) return false;
    j++;
  }
  return true;
}

function sharedChars(a: string, b: string): number {
  const set = new Set(Array.from(b));
  return new Set(Array.from(a).filter((c) => set.has(c))).size;
}

/** Runs the tiers in order; the first tier with any hit decides. */
function tiered<T>(items: readonly T[], q: string, keysOf: (t: T) => string[], tiers: ((key: string) => boolean)[]): Tiered<T> {
  for (const test of tiers) {
    const hits = items.filter((t) => keysOf(t).some(test));
    if (hits.length === 1) return { kind: "one", item: hits[0] };
    if (hits.length > 1) return { kind: "ambiguous", candidates: hits };
  }
  const scored = items
    .map((t) => ({ t, score: Math.max(0, ...keysOf(t).map((k) => sharedChars(q, k))) }))
    .filter((x) => x.score >= Math.min(2, Array.from(q).length) && x.score > 0)
    .sort((a, b) => b.score - a.score);
  return { kind: "none", suggestions: scored.slice(0, MAX_SUGGESTIONS).map((x) => x.t) };
}

export function matchUnit<U extends UnitLike>(query: string, units: readonly U[]): UnitMatch<U> {
  const q = unitKey(query);
  if (q === "") return { kind: "none", suggestions: [] };
  const qc = coreKey(query);
  const names = (u: U) => [unitKey(u.name)];
  const all = (u: U) => [u.name, ...u.aliases].map(unitKey).filter((k) => k !== "");
  const r1 = tiered(units, q, names, [(k) => k === q]);
  if (r1.kind !== "none") return asUnit(r1);
  const r2 = tiered(units, q, all, [(k) => k === q]);
  if (r2.kind !== "none") return asUnit(r2);
  const r3 = tiered(units, q, all, [(k) => k.startsWith(q)]);
  if (r3.kind !== "none") return asUnit(r3);
  const cores = (u: U) => [u.name, ...u.aliases].map(coreKey).filter((k) => k !== "");
  const r4 = tiered(units, q, cores, [(k) => k === qc]);
  if (r4.kind !== "none") return asUnit(r4);
  if (Array.from(qc).length < 2) return asUnit(tiered(units, q, all, []));
  const both = (u: U) => [...all(u), ...cores(u)];
  return asUnit(tiered(units, q, both, [(k) => k.includes(q) || k.includes(qc), (k) => isSubsequence(qc, k)]));
}

function asUnit<U>(r: Tiered<U>): UnitMatch<U> {
  return r.kind === "one" ? { kind: "one", unit: r.item } : r;
}

export function matchPerson<P extends PersonLike>(query: string, people: readonly P[]): PersonMatch<P> {
  const q = unitKey(query);
  if (q === "") return { kind: "none", suggestions: [] };
  const id = (p: P) => [unitKey(p.userId)];
  const name = (p: P) => [unitKey(p.name)];
  const both = (p: P) => [unitKey(p.userId), unitKey(p.name)];
  for (const [keys, test] of [
    [id, (k: string) => k === q],
    [name, (k: string) => k === q],
    [both, (k: string) => k.startsWith(q)],
  ] as const) {
    const r = tiered(people, q, keys, [test]);
    if (r.kind !== "none") return r.kind === "one" ? { kind: "one", person: r.item } : r;
  }
  const r = tiered(people, q, name, []);
  return { kind: "none", suggestions: r.kind === "none" ? r.suggestions : [] };
}
