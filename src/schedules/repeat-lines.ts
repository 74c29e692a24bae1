/**
 * 反复投诉 in the command group's digest (issue 13): the places that got a repeat complaint (a live 并案) since the
 * last digest — the window the digest's 较上期 uses, so a place is named once, in the first digest after it
 * happened, and a missed morning loses nothing (`since` is the previous working day's digest time). One line per
 * case that received the complaints: its place, how many complaints it now holds, the case numbers, its rebounds.
 * Bounded: the merges of the window through case_links_kind_at_idx (at most `limit` cases), then those cases and
 * their links by id (case_links_other_idx) — never a scan of cases or of all links.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../db/types.js";
import type { CaseState } from "../domain/codes.js";
import { STATE_LABEL } from "../domain/labels.js";
import { line, link, strong, warn, type Block, type Span } from "../domain/message.js";
import { placeLabel } from "../domain/place-label.js";
import { capped } from "./sections.js";

export type RepeatPlace = {
  caseId: number;
  title: string;
  place: string;
  leadUnitId: number | null;
  state: CaseState;
  /** Complaints about the place held by this case: its own and every live merged one. */
  complaints: number;
  /** The merged complaints' case numbers, oldest first. */
  merged: number[];
  rebounds: number;
};

export type RepeatData = { rows: RepeatPlace[]; /** cases with a repeat complaint in the window (rows may be fewer) */ count: number };

/** Cases with a repeat complaint merged in [since, at), most recent first, at most `limit`. */
export async function loadRepeatPlaces(db: Db, since: number, at: number, limit: number): Promise<RepeatData> {
  const window = sql`from case_links indexed by case_links_kind_at_idx where kind = 'merged' and at >= ${since} and at < ${at} and undone_at is null`;
  const [heads, [total]] = await Promise.all([
    db.all<{ id: number }>(sql`select other_id as id, max(at) as last ${window} group by other_id order by last desc, other_id desc limit ${Math.max(0, Math.floor(limit))}`),
    db.all<{ n: number }>(sql`select count(distinct other_id) as n ${window}`),
  ]);
  const ids = JSON.stringify(heads.map((h) => Number(h.id)));
  if (!heads.length) return { rows: [], count: 0 };
  // One bound parameter each (json_each), whatever the number of ids: D1 allows 100 per statement.
  const [rows, links] = await Promise.all([
    db.all<{ id: number; title: string; content: string; address: string | null; area: string | null; leadUnitId: number | null; state: CaseState; rebounds: number }>(sql`
      select id, title, content, address, area, lead_unit_id as leadUnitId, state, rebound_count as rebounds
      from cases where id in (select value from json_each(${ids}))`),
    db.all<{ caseId: number; otherId: number }>(sql`
      select case_id as caseId, other_id as otherId from case_links indexed by case_links_other_idx
      where other_id in (select value from json_each(${ids})) and kind = 'merged' and undone_at is null order by at, id`),
  ]);
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  const out: RepeatPlace[] = [];
  for (const h of heads) {
    const c = byId.get(Number(h.id));
    if (!c) continue;
    const merged = links.filter((l) => Number(l.otherId) === c.id).map((l) => Number(l.caseId));
    out.push({ caseId: c.id, title: c.title, place: placeLabel(c), leadUnitId: c.leadUnitId, state: c.state, complaints: 1 + merged.length, merged, rebounds: Number(c.rebounds) });
  }
  return { rows: out, count: Number(total?.n ?? 0) };
}

/** One line per place: "金牛大道18号 老王烧烤店：投诉 3 次（#57，并入 #91、#95）· 荷花池街道 · 办理中 · 反弹 1 次". */
/** `ledgerUrl` (".../dashboard/cases", when the public address is known) ends a shortened list with the 重复 filter. */
export function repeatLines(d: RepeatData, unitName: (id: number | null) => string, lines: number, maxNumbers = 100, ledgerUrl?: string): Block[] {
  if (!d.count) return [];
  const render = (r: RepeatPlace): Span[] => [
    `${r.place}：`,
    warn(`投诉 ${r.complaints} 次`),
    `（#${r.caseId}，并入 ${r.merged.map((id) => `#${id}`).join("、")}）· ${unitName(r.leadUnitId)} · ${STATE_LABEL[r.state]}`,
    r.rebounds ? ` · 反弹 ${r.rebounds} 次` : "",
  ];
  return [line(strong("反复投诉"), `（${d.count} 处，同一地点再次投诉并已并案）`), ...capped(d.rows, lines, render, (r) => r.caseId, maxNumbers, d.count, ledgerUrl ? link(`${ledgerUrl}?repeat=1`, "督办台 台账 · 重复/反复投诉") : undefined)];
}
