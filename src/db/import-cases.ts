/**
 * The write of an import, in short transactions that still add up to all or nothing (issue 16 item 7):
 * the rows go into `import_staging` in chunks of STAGE_CHUNK, each chunk its own batch, so a WeCom callback's
 * write waits for one chunk at most, never for the whole file. Then ONE swap batch copies the staged rows into
 * cases, case_events and audit_log with INSERT … SELECT (a constant number of statements and bound parameters
 * whatever the row count) and writes the import's audit row; the staging rows are deleted after it in short
 * batches. Cases appear only
 * through the swap: a failed or abandoned import leaves none. Every statement binds at most 100 parameters
 * (D1's limit); rows refer to their batch and case through sub-selects, never assumed ids.
 */
import { announceImport } from "./import-announce.js";
import { selectAll } from "./select-all.js";
import { and, getTableColumns, gte, lt, sql, eq, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteInsertValue, SQLiteTable } from "drizzle-orm/sqlite-core";
import { batches, cases, caseEvents, auditLog, importStaging, writeGuard } from "./schema.js";
import type { Db } from "./types.js";
import { commit, newToken, VersionConflict, type BatchItem } from "./write.js";

export const MAX_PARAMS = 100;
/** Rows per staging batch: small enough that a callback's write behind it is not held up for long. */
export const STAGE_CHUNK = 250;
/** Staging rows older than this belong to an import that died (crash, closed tab); the next import deletes them. */
export const STALE_STAGING_MS = 60 * 60 * 1000;
const CLEANUP_CHUNK = 1000;

export type NewCase = {
  externalNo: string;
  source: string;
  batch: { name: string; receivedOn: string };
  title: string;
  content: string;
  area: string | null;
  address: string | null;
  /** 来电人/联系方式 columns: read only through the audited reveal, cleared by retention (R40). */
  complainant?: string | null;
  types: string[];
  focus: boolean;
  leadUnitId: number | null;
  coUnitIds: number[];
  ackBy: number | null;
  dueAt: number;
  /** Goes into the `created` event: where the row came from (line, 序号, 来电/来信). */
  origin: Record<string, unknown>;
  /** Set in advance when other statements of the swap batch must find this row's case (并案 per row, issue 13). */
  writeToken?: string;
};

/** `offsetMs`: the business zone's UTC offset at `at`; when given, each unit group is told of its new cases (issue 11). */
export type ImportMeta = { actor: string; source: string; at: number; fileName: string; sha256: string; offsetMs?: number };

type CaseInsert = typeof cases.$inferInsert;

/** The case row an imported line becomes — the one place the mapping lives (batch and write token come later). */
export function caseRow(r: NewCase, meta: Pick<ImportMeta, "actor" | "at">): Omit<CaseInsert, "batchId" | "writeToken"> {
  return {
    externalNo: r.externalNo,
    source: r.source,
    title: r.title,
    content: r.content,
    address: r.address,
    complainant: r.complainant ?? null,
    area: r.area,
    pollutionTypes: r.types,
    leadUnitId: r.leadUnitId,
    coUnitIds: r.coUnitIds,
    priority: r.focus ? "focus" : "normal",
    state: "pending_ack",
    ackBy: r.ackBy,
    dueAt: r.dueAt,
    createdBy: meta.actor,
    createdAt: meta.at,
    updatedAt: meta.at,
  };
}

/** The properties caseRow sets: the same for every row, so the swap names them once. */
const CASE_KEYS = Object.keys(
  caseRow({ externalNo: "", source: "", batch: { name: "", receivedOn: "" }, title: "", content: "", area: null, address: null, types: [], focus: false, leadUnitId: null, coUnitIds: [], ackBy: null, dueAt: 0, origin: {} }, { actor: "", at: 0 }),
);

/** The row as stored: column name → the value drizzle would bind (JSON columns as text, booleans as 0/1). */
function storedColumns(row: Record<string, unknown>): Record<string, unknown> {
  const columns = getTableColumns(cases) as Record<string, SQLiteColumn>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const col = columns[key];
    if (!col) throw new Error(`caseRow names an unknown column: ${key}`);
    out[col.name] = value === null || value === undefined ? null : col.mapToDriverValue(value);
  }
  return out;
}

/** Insert `values` in statements of at most MAX_PARAMS bound parameters, measured on the real statement. */
export function chunkedInsert<T extends SQLiteTable>(db: Db, table: T, values: SQLiteInsertValue<T>[], conflictDoNothing = false): BatchItem[] {
  if (values.length === 0) return [];
  const perRow = Math.max(1, db.insert(table).values(values[0]).toSQL().params.length);
  const size = Math.max(1, Math.floor(MAX_PARAMS / perRow));
  const out: BatchItem[] = [];
  for (let i = 0; i < values.length; i += size) {
    const q = db.insert(table).values(values.slice(i, i + size));
    out.push((conflictDoNothing ? q.onConflictDoNothing() : q) as BatchItem);
  }
  return out;
}

/** The staging batches of an import: one list of statements per chunk of STAGE_CHUNK rows. */
export function stageChunks(db: Db, importId: string, rows: NewCase[], meta: ImportMeta): BatchItem[][] {
  const chunks: BatchItem[][] = [];
  for (let i = 0; i < rows.length; i += STAGE_CHUNK) {
    const values = rows.slice(i, i + STAGE_CHUNK).map((r, j) => ({
      importId,
      seq: i + j,
      writeToken: r.writeToken ?? newToken(),
      batchName: r.batch.name,
      row: JSON.stringify(storedColumns(caseRow(r, meta))),
      event: JSON.stringify({ text: r.content, data: { import: r.origin, leadUnitId: r.leadUnitId, coUnitIds: r.coUnitIds, dueAt: r.dueAt, ackBy: r.ackBy } }),
      createdAt: meta.at,
    }));
    chunks.push(chunkedInsert(db, importStaging, values));
  }
  return chunks;
}


/** The swap: a constant number of statements; `count` staged rows must all be there or nothing happens. */
export function swapStatements(db: Db, importId: string, count: number, batchList: Map<string, string>, meta: ImportMeta): BatchItem[] {
  const s = sql`from ${importStaging} s where s.import_id = ${importId}`;
  const staged = sql`s.row`;
  const caseExprs: Record<string, SQL> = {
    batchId: sql`(select ${batches.id} from ${batches} where ${batches.name} = s.batch_name)`,
    writeToken: sql`s.write_token`,
  };
  // Only the columns caseRow writes are read from the JSON (one json_extract each); the rest take their defaults.
  const columns = getTableColumns(cases) as Record<string, SQLiteColumn>;
  for (const key of CASE_KEYS) caseExprs[key] = sql`json_extract(${staged}, ${sql.raw(`'$."${columns[key].name}"'`)})`;
  const joined = sql`from ${importStaging} s join ${cases} c on c.write_token = s.write_token where s.import_id = ${importId} order by s.seq`;
  return [
    ...chunkedInsert(db, batches, [...batchList].map(([name, receivedOn]) => ({ name, source: meta.source, receivedOn })), true),
    // Every staged row must still be there (none swept as stale): otherwise the CHECK aborts the whole swap.
    db.insert(writeGuard).select(sql`select 0 where (select count(*) ${s}) <> ${count}`),
    db.insert(cases).select(selectAll(cases, caseExprs, sql`${s} order by s.seq`)),
    db.insert(caseEvents).select(
      selectAll(caseEvents, {
        caseId: sql`c.id`, at: sql`${meta.at}`, actorUserId: sql`${meta.actor}`, kind: sql`'created'`,
        text: sql`json_extract(s.event, '$.text')`, data: sql`json_extract(s.event, '$.data')`,
      }, joined),
    ),
    db.insert(auditLog).select(
      selectAll(auditLog, {
        at: sql`${meta.at}`, actor: sql`${meta.actor}`, action: sql`'case.create'`, object: sql`'case:' || c.id`,
        result: sql`'ok'`, source: sql`'import'`, detail: sql`null`,
      }, joined),
    ),
    db.insert(auditLog).values({
      at: meta.at,
      actor: meta.actor,
      action: "case.import",
      result: "ok",
      source: "import",
      detail: { file: meta.fileName, sha256: meta.sha256, count, batches: [...batchList.keys()] },
    }),
  ];
}

/** After the swap: the import's staging rows, deleted in short batches too (a leftover is swept as stale). */
function cleanupChunks(db: Db, importId: string, count: number): BatchItem[][] {
  const out: BatchItem[][] = [];
  for (let i = 0; i < count; i += CLEANUP_CHUNK) {
    out.push([db.delete(importStaging).where(and(eq(importStaging.importId, importId), gte(importStaging.seq, i), lt(importStaging.seq, i + CLEANUP_CHUNK)))]);
  }
  return out;
}

/** Let other work (a callback's write) take the connection between two chunks. */
const yieldTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Import `rows` (already checked to be new): stage in chunks, then swap. On any failure this import's staging
 * rows are deleted (best effort; the stale sweep catches the rest) and the error is passed on. `also` rides in the
 * swap batch after the cases exist and before the announcement (the per-row 并案 and 不是重复 decisions, which find
 * their rows by write token; a row merged away gets a new token, so it is not announced as new).
 */
export async function commitImport(db: Db, rows: NewCase[], meta: ImportMeta, also: BatchItem[] = []): Promise<void> {
  const importId = newToken();
  await commit(db, [db.delete(importStaging).where(lt(importStaging.createdAt, meta.at - STALE_STAGING_MS))]);
  const batchList = new Map<string, string>();
  for (const r of rows) if (!batchList.has(r.batch.name)) batchList.set(r.batch.name, r.batch.receivedOn);
  try {
    for (const chunk of stageChunks(db, importId, rows, meta)) {
      await commit(db, chunk);
      await yieldTurn();
    }
    const announce = meta.offsetMs === undefined ? [] : [announceImport(db, importId, { at: meta.at, source: meta.source, offsetMs: meta.offsetMs })];
    await commit(db, [...swapStatements(db, importId, rows.length, batchList, meta), ...also, ...announce]);
  } catch (e) {
    await commit(db, [db.delete(importStaging).where(eq(importStaging.importId, importId))]).catch(() => undefined);
    // With decisions in the batch a conflict may be their target changed meanwhile: the caller says so (409).
    if (e instanceof VersionConflict) throw also.length ? e : new Error("import staging incomplete: rows were removed before the swap");
    throw e;
  }
  // The cases are in; what is left is housekeeping, which must not turn a done import into an error.
  for (const chunk of cleanupChunks(db, importId, rows.length)) {
    await yieldTurn();
    await commit(db, chunk).catch(() => undefined);
  }
}
