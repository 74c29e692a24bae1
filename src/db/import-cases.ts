/**
 * The write of an import: batches, cases, one `created` event and one audit row per case, and one audit row
 * for the import — all in ONE `db.batch` (all or nothing on libSQL and D1). Every statement binds at most
 * 100 parameters (D1's limit); rows refer to their batch and case through sub-selects, never assumed ids.
 */
import { sql } from "drizzle-orm";
import type { SQLiteInsertValue, SQLiteTable } from "drizzle-orm/sqlite-core";
import { batches, cases, caseEvents, auditLog } from "./schema.js";
import type { Db } from "./types.js";
import { caseIdSql, newToken, type BatchItem } from "./write.js";

export const MAX_PARAMS = 100;

export type NewCase = {
  externalNo: string;
  source: string;
  batch: { name: string; receivedOn: string };
  title: string;
  content: string;
  area: string | null;
  address: string | null;
  types: string[];
  focus: boolean;
  leadUnitId: number | null;
  coUnitIds: number[];
  ackBy: number | null;
  dueAt: number;
  /** Goes into the `created` event: where the row came from (line, 序号, 来电/来信). */
  origin: Record<string, unknown>;
};

export type ImportMeta = { actor: string; source: string; at: number; fileName: string; sha256: string };

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

/** The statements that import `rows` (already checked to be new); nothing runs until the caller commits. */
export function importStatements(db: Db, rows: NewCase[], meta: ImportMeta): BatchItem[] {
  const batchNames = new Map<string, string>();
  for (const r of rows) if (!batchNames.has(r.batch.name)) batchNames.set(r.batch.name, r.batch.receivedOn);
  const tokens = rows.map(() => newToken());
  const batchId = (name: string) => sql`(select ${batches.id} from ${batches} where ${batches.name} = ${name})` as unknown as number;
  const priority = (focus: boolean) => (focus ? ("focus" as const) : ("normal" as const));
  return [
    ...chunkedInsert(db, batches, [...batchNames].map(([name, receivedOn]) => ({ name, source: meta.source, receivedOn })), true),
    ...chunkedInsert(
      db,
      cases,
      rows.map((r, i) => ({
        externalNo: r.externalNo,
        source: r.source,
        batchId: batchId(r.batch.name),
        title: r.title,
        content: r.content,
        address: r.address,
        area: r.area,
        pollutionTypes: r.types,
        leadUnitId: r.leadUnitId,
        coUnitIds: r.coUnitIds,
        priority: priority(r.focus),
        state: "pending_ack" as const,
        ackBy: r.ackBy,
        dueAt: r.dueAt,
        createdBy: meta.actor,
        createdAt: meta.at,
        updatedAt: meta.at,
        writeToken: tokens[i],
      })),
    ),
    ...chunkedInsert(
      db,
      caseEvents,
      rows.map((r, i) => ({
        caseId: caseIdSql({ token: tokens[i] }) as number,
        at: meta.at,
        actorUserId: meta.actor,
        kind: "created" as const,
        text: r.content,
        data: { import: r.origin, leadUnitId: r.leadUnitId, coUnitIds: r.coUnitIds, dueAt: r.dueAt, ackBy: r.ackBy },
      })),
    ),
    ...chunkedInsert(
      db,
      auditLog,
      rows.map((_, i) => ({
        at: meta.at,
        actor: meta.actor,
        action: "case.create",
        object: sql`('case:' || ${caseIdSql({ token: tokens[i] })})` as unknown as string,
        result: "ok" as const,
        source: "import",
      })),
    ),
    db.insert(auditLog).values({
      at: meta.at,
      actor: meta.actor,
      action: "case.import",
      result: "ok",
      source: "import",
      detail: { file: meta.fileName, sha256: meta.sha256, count: rows.length, batches: [...batchNames.keys()] },
    }),
  ];
}
