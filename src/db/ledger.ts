/**
 * The ledger (台账) query: one filter shape for the dashboard, the .xlsx export and the REST API, scoped to
 * what the viewer may see (a unit sees the cases it leads or co-handles; the office sees all).
 */
import { and, asc, desc, eq, inArray, lt, ne, sql, type SQL } from "drizzle-orm";
import { findHits, isShortOnly, SEARCH_CAP, searchHits, searchTerms } from "./case-search.js";
import { batches, cases, people, units, type CaseState } from "./schema.js";
import { casesInOrder } from "./work-lists.js";
import { OVERDUE_STATES } from "./stats.js";
import type { Db } from "./types.js";

export type CaseRow = typeof cases.$inferSelect;

export type LedgerFilter = {
  batchId?: number;
  source?: string;
  unitId?: number;
  state?: CaseState;
  type?: string; // one pollution type
  overdue?: boolean;
  flagged?: boolean;
  /** 重复/反复投诉 (issue 13): holds merged complaints (merged_count, kept by triggers) or has rebounded. */
  repeat?: boolean;
  q?: string; // full-text: title, content, area + address, 受理编号 and notes (case-search.ts)
};

/** Who is looking: every case, or the cases of one unit (null = a person without a unit sees nothing). */
export type Scope = { all: true } | { all: false; unitId: number | null };

/** SQL for "this case belongs to unit u": lead unit or one of the co-units. */
export function ofUnit(unitId: number): SQL {
  // As a set of ids from two indexes (lead unit; the partial index of cases with co-units), so a unit viewer's
  // ledger and its count never test every case.
  return sql`${cases.id} in (select id from cases where lead_unit_id = ${unitId}
    union all select id from cases indexed by cases_co_units_idx where co_unit_ids != '[]' and exists (select 1 from json_each(co_unit_ids) where value = ${unitId}))`;
}

/** The 重复/反复投诉 condition, the same expression as the partial index cases_repeat_idx (schema.ts). */
export const REPEAT = sql`(merged_count > 0 or rebound_count > 0)`;

export function ledgerWhere(f: LedgerFilter, scope: Scope, now: number): SQL | undefined {
  const parts: (SQL | undefined)[] = [];
  if (!scope.all) parts.push(scope.unitId === null ? sql`0` : ofUnit(scope.unitId));
  if (f.batchId !== undefined) parts.push(eq(cases.batchId, f.batchId));
  if (f.source) parts.push(eq(cases.source, f.source));
  if (f.unitId !== undefined) parts.push(eq(cases.leadUnitId, f.unitId));
  // Cancelled cases stay out of the ledger unless asked for by state.
  parts.push(f.state ? eq(cases.state, f.state) : ne(cases.state, "cancelled"));
  if (f.type) parts.push(sql`exists (select 1 from json_each(${cases.pollutionTypes}) where value = ${f.type})`);
  if (f.overdue === true) parts.push(and(sql`${cases.state} in ${OVERDUE_STATES}`, lt(cases.dueAt, now)));
  if (f.overdue === false) parts.push(sql`not (${cases.state} in ${OVERDUE_STATES} and coalesce(${cases.dueAt} < ${now}, 0))`);
  if (f.flagged !== undefined) parts.push(eq(cases.flagged, f.flagged));
  // Written exactly as cases_repeat_idx's WHERE, so SQLite reads that partial index in ledger order (keyset paging
  // over the repeat cases only, never the whole table).
  if (f.repeat === true) parts.push(REPEAT);
  if (f.repeat === false) parts.push(sql`not ${REPEAT}`);
  // Text: every hit of the full-text index (unranked; listCases ranks its bounded set itself).
  const q = f.q?.trim();
  if (q) parts.push(sql`${cases.id} in (select id from (${searchHits(searchTerms(q), undefined)}))`);
  return and(...parts);
}

/** Counting stops here: past it the page says "1 万+" instead of reading every matching row. */
export const COUNT_CAP = 10_000;
/** Pages reachable by number (OFFSET); further pages go by cursor. */
export const MAX_OFFSET_PAGE = 50;

export type Page = {
  rows: CaseRow[];
  /** Matching cases, exact unless `capped` (then at least this many). */
  total: number;
  capped: boolean;
  page: number;
  pageSize: number;
  /** Pages when `total` is exact; otherwise the pages known so far. */
  pages: number;
  /** Opaque position after the last row; undefined on the last page. */
  nextCursor?: string;
  /** Set for a search: "ranked" (bm25 over the newest SEARCH_CAP hits) or "recent" (1–2 character words). */
  search?: "ranked" | "recent";
  /** Words typed beyond MAX_SEARCH_WORDS, left out of the search. */
  ignoredWords?: string[];
};

export type PageRequest = { page?: number; cursor?: string; pageSize: number };

/** The ledger order's key of a row: 挂牌 first, then newest first; a search orders by rank, then newest. */
type Key = { f: number; id: number };
const encodeCursor = (k: Key) => `${k.f}.${k.id}`;
export function decodeCursor(s: string): Key | undefined {
  const m = /^([01])\.(\d{1,15})$/.exec(s);
  return m ? { f: Number(m[1]), id: Number(m[2]) } : undefined;
}

/** Count matches of `from … where` reading at most COUNT_CAP + 1 rows. */
async function cappedCount(db: Db, from: SQL, where: SQL | undefined): Promise<{ total: number; capped: boolean }> {
  const [{ n }] = await db.all<{ n: number }>(sql`select count(*) as n from (select 1 ${from} ${where ? sql`where ${where}` : sql``} limit ${COUNT_CAP + 1})`);
  return Number(n) > COUNT_CAP ? { total: COUNT_CAP, capped: true } : { total: Number(n), capped: false };
}

/**
 * One page of the ledger, 挂牌 cases first, then newest first — by keyset (`cursor`: the last row's key) so
 * a page reads about one page of index entries however deep it is; `page` (OFFSET) only up to MAX_OFFSET_PAGE.
 * With text, the hits are ranked by bm25 (see case-search.ts) and paged within their bounded set.
 */
export async function listCases(db: Db, f: LedgerFilter, scope: Scope, now: number, req: PageRequest): Promise<Page> {
  const { pageSize } = req;
  const page = Math.max(1, req.page ?? 1);
  const q = f.q?.trim();
  if (q) return searchPage(db, { ...f, q: undefined }, q, scope, now, page, pageSize);
  const where = ledgerWhere(f, scope, now);
  const cursor = req.cursor ? decodeCursor(req.cursor) : undefined;
  const after = cursor ? sql`(${cases.flagged}, ${cases.id}) < (${cursor.f}, ${cursor.id})` : undefined;
  const offset = cursor ? 0 : Math.min(page, MAX_OFFSET_PAGE) - 1;
  const [count, rows] = await Promise.all([
    cappedCount(db, sql`from ${cases}`, where),
    db.select().from(cases).where(and(where, after)).orderBy(desc(cases.flagged), desc(cases.id)).limit(pageSize + 1).offset(offset * pageSize),
  ]);
  const more = rows.length > pageSize;
  const shown = rows.slice(0, pageSize);
  const last = shown.at(-1);
  const known = Math.max(1, Math.ceil(count.total / pageSize));
  return {
    rows: shown,
    ...count,
    page: cursor ? page : offset + 1,
    pageSize,
    pages: count.capped ? Math.max(known, page + (more ? 1 : 0)) : known,
    nextCursor: more && last ? encodeCursor({ f: last.flagged ? 1 : 0, id: last.id }) : undefined,
  };
}

async function searchPage(db: Db, f: LedgerFilter, q: string, scope: Scope, now: number, page: number, pageSize: number): Promise<Page> {
  const terms = searchTerms(q);
  // The full-text index is read once (at most SEARCH_CAP hits, ranked); the other filters then keep some of them.
  const hits = await findHits(db, terms, SEARCH_CAP);
  const where = ledgerWhere(f, scope, now);
  const kept = hits.length
    ? new Set((await db.all<{ id: number }>(sql`select ${cases.id} as id from ${cases} where ${cases.id} in (select value from json_each(${JSON.stringify(hits)})) and ${where ?? sql`1`}`)).map((r) => Number(r.id)))
    : new Set<number>();
  const ids = hits.filter((id) => kept.has(id));
  const total = ids.length;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const p = Math.min(page, pages);
  const rows = await casesInOrder(db, ids.slice((p - 1) * pageSize, p * pageSize));
  // Reaching the cap means older hits were left out: said as "至少" in the UI.
  return { rows, total, capped: hits.length >= SEARCH_CAP, page: p, pageSize, pages, search: isShortOnly(terms) ? "recent" : "ranked", ignoredWords: terms.ignored };
}

/** Every matching case for the export, in ledger order (capped; the caller says so when the cap is hit). */
export async function allCases(db: Db, f: LedgerFilter, scope: Scope, now: number, cap = 20_000): Promise<CaseRow[]> {
  return db.select().from(cases).where(ledgerWhere(f, scope, now)).orderBy(desc(cases.flagged), asc(cases.id)).limit(cap);
}

export type Directory = {
  units: (typeof units.$inferSelect)[];
  batches: (typeof batches.$inferSelect)[];
  /** userid → name, for officers, leaders and event actors. */
  names: Map<string, string>;
};

/** The small reference tables a page needs to show names instead of ids. */
export async function loadDirectory(db: Db): Promise<Directory> {
  const [u, b, p] = await Promise.all([
    db.select().from(units).orderBy(asc(units.id)),
    db.select().from(batches).orderBy(desc(batches.receivedOn), desc(batches.id)),
    db.select({ userId: people.userId, name: people.name }).from(people),
  ]);
  return { units: u, batches: b, names: new Map(p.map((x) => [x.userId, x.name])) };
}

/** The 受理编号 among `nos` that are already stored (import idempotency). */
export async function existingExternalNos(db: Db, nos: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < nos.length; i += 90) {
    const rows = await db.select({ no: cases.externalNo }).from(cases).where(inArray(cases.externalNo, nos.slice(i, i + 90)));
    for (const r of rows) if (r.no) found.add(r.no);
  }
  return found;
}
