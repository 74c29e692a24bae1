/** /api/v1/units, /api/v1/people and /api/v1/stats — read-only reference data and the completion figures. */
import type { Context } from "hono";
import { loadDirectory } from "../db/ledger.js";
import { activePeople } from "../db/people-list.js";
import { loadPolicy } from "../db/policy.js";
import { rankOptions, rankUnits, statsBySource, statsByUnit, totals } from "../db/stats.js";
import { scoreNote } from "../domain/fair-rank.js";
import type { WebEnv } from "../env.js";
import { scopeOf, userOf } from "../http/auth.js";
import { unitRef } from "./shapes.js";

type C = Context<WebEnv>;

export async function unitsApi(c: C) {
  const dir = await loadDirectory(c.get("deps").db);
  return c.json({ items: dir.units.map((u) => ({ id: u.id, name: u.name, kind: u.kind, aliases: u.aliases, active: u.active })) });
}

/** People without contact details or credentials: userid, name, unit, roles. */
export async function peopleApi(c: C) {
  const deps = c.get("deps");
  const [dir, rows] = await Promise.all([loadDirectory(deps.db), activePeople(deps.db)]);
  return c.json({ items: rows.map((p) => ({ userId: p.userId, name: p.name, unit: unitRef(dir, p.unitId), roles: p.roles })) });
}

export async function statsApi(c: C) {
  const deps = c.get("deps");
  const scope = scopeOf(userOf(c));
  const unitId = scope.all ? undefined : (scope.unitId ?? -1);
  const now = deps.clock();
  const [rows, bySource, dir, policy] = await Promise.all([statsByUnit(deps.db, now, unitId), statsBySource(deps.db, now, unitId), loadDirectory(deps.db), loadPolicy(deps.db)]);
  // A unit sees its own totals only; the ranking is the office's view. Every unit is listed; rank is null for a
  // unit with too few 应结件 (domain/fair-rank). Fields were only added, so older clients keep working.
  const opts = rankOptions(policy);
  const units = !scope.all
    ? []
    : rankUnits(rows, dir.units, opts).map((r) => ({ rank: r.rank, unit: unitRef(dir, r.unitId), ...figures(r), due: r.due, onTimeShare: r.onTimeShare, score: r.score, card: r.card }));
  const ranking = { minCases: Math.max(1, opts.minCases), cards: opts.cards, note: scoreNote(opts.minCases) };
  return c.json({ at: new Date(now).toISOString(), totals: figures(totals(rows)), units, ranking, bySource: bySource.map((s) => ({ source: s.key, ...figures(s) })) });
}

function figures(f: ReturnType<typeof totals>) {
  return { total: f.total, closed: f.closed, staged: f.staged, open: f.open, overdue: f.overdue, closedOnTime: f.closedOnTime, rebounds: f.rebounds, completionRate: f.completionRate, onTimeRate: f.onTimeRate };
}
