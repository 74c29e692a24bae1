/**
 * Live 并案 links of cases (issue 13), both directions: the complaints merged into a case and the case a complaint
 * was merged into. Read by id through case_links_case_idx / case_links_other_idx; undone merges are left out.
 */
import { sql } from "drizzle-orm";
import type { Db } from "./types.js";

export type CaseLinks = { mergedInto?: number; merged: number[] };

/** Links of many cases (the ledger export), in chunks of 500 ids, each bound once as JSON (D1: ≤ 100 parameters). */
export async function linksOfCases(db: Db, ids: number[]): Promise<Map<number, CaseLinks>> {
  const out = new Map<number, CaseLinks>();
  const of = (id: number) => out.get(id) ?? out.set(id, { merged: [] }).get(id)!;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = JSON.stringify(ids.slice(i, i + 500));
    const rows = await db.all<{ caseId: number; otherId: number }>(sql`
      select case_id as caseId, other_id as otherId from case_links
        where case_id in (select value from json_each(${chunk})) and kind = 'merged' and undone_at is null
      union
      select case_id, other_id from case_links
        where other_id in (select value from json_each(${chunk})) and kind = 'merged' and undone_at is null
      order by 2, 1`);
    const mine = new Set(ids.slice(i, i + 500));
    for (const r of rows) {
      const [a, b] = [Number(r.caseId), Number(r.otherId)];
      if (mine.has(a)) of(a).mergedInto = b;
      if (mine.has(b) && !of(b).merged.includes(a)) of(b).merged.push(a);
    }
  }
  return out;
}

