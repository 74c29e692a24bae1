/** Reading the audit log (auditor only); the table itself is append-only (triggers, R35). */
import { and, desc, eq, gte, like, lt, type SQL } from "drizzle-orm";
import { auditLog } from "../schema.js";
import type { Db } from "../types.js";

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditFilter = { actor?: string; action?: string; object?: string; result?: AuditRow["result"]; from?: number; to?: number; beforeId?: number };

const prefix = (s: string) => `${s.replace(/[%_\\]/g, "")}%`;

/** Newest first, `limit` rows, continuing below `beforeId`. */
export async function listAudit(db: Db, f: AuditFilter, limit = 100): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (f.actor) where.push(eq(auditLog.actor, f.actor));
  if (f.action) where.push(like(auditLog.action, prefix(f.action)));
  if (f.object) where.push(like(auditLog.object, prefix(f.object)));
  if (f.result) where.push(eq(auditLog.result, f.result));
  if (f.from !== undefined) where.push(gte(auditLog.at, f.from));
  if (f.to !== undefined) where.push(lt(auditLog.at, f.to));
  if (f.beforeId !== undefined) where.push(lt(auditLog.id, f.beforeId));
  return db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(limit);
}
