/**
 * The ledger (台账) query: one filter shape for the dashboard, the .xlsx export and the REST API, scoped to
 * what the viewer may see (a unit sees the cases it leads or co-handles; the office sees all).
 */
import { and, asc, count, desc, eq, inArray, lt, ne, or, sql, type SQL } from "drizzle-orm";
import { batches, cases, people, units, type CaseState } from "./schema.js";
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
  q?: string; // text over content, title, address, area and 受理编号
};

/** Who is looking: every case, or the cases of one unit (null = a person without a unit sees nothing). */
export type Scope = { all: true } | { all: false; unitId: number | null };

/** SQL for "this case belongs to unit u": lead unit or one of the co-units. */
export function ofUnit(unitId: number): SQL {
  return or(eq(cases.leadUnitId, unitId), sql`exists (select 1 from json_each(${cases.coUnitIds}) where value = ${unitId})`)!;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (ch) => `\\${ch}`);

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
  const q = f.q?.trim();
  if (q) {
    const pat = `%${escapeLike(q)}%`;
    const hit = (col: SQL) => sql`coalesce(${col}, '') like ${pat} escape '\\'`;
    parts.push(or(...[cases.content, cases.title, cases.address, cases.area, cases.externalNo].map((col) => hit(sql`${col}`))));
  }
  return and(...parts);
}

export type Page = { rows: CaseRow[]; total: number; page: number; pageSize: number; pages: number };

/** One page of the ledger, 挂牌 cases first, then newest first. */
export async function listCases(db: Db, f: LedgerFilter, scope: Scope, now: number, page = 1, pageSize = 20): Promise<Page> {
  const where = ledgerWhere(f, scope, now);
  const [{ n }] = await db.select({ n: count() }).from(cases).where(where);
  const pages = Math.max(1, Math.ceil(n / pageSize));
  const p = Math.min(Math.max(1, page), pages);
  const rows = await db.select().from(cases).where(where).orderBy(desc(cases.flagged), desc(cases.id)).limit(pageSize).offset((p - 1) * pageSize);
  return { rows, total: n, page: p, pageSize, pages };
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
