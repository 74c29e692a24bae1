/**
 * Tamper evidence for the audit log (R35). Audit rows are written inside each use case's batch, where no hash of
 * the previous row can be computed portably (D1 has no SHA-256 in SQL); so a sealer appends the chain afterwards,
 * in id order, on every scheduler tick. The triggers stop UPDATE and DELETE; the chain catches anyone who gets
 * past them (a dropped trigger, an edited file), and an exported chain head catches a rewritten chain.
 */
import { asc, desc, gt, sql } from "drizzle-orm";
import { auditChain, auditLog } from "./schema.js";
import type { Db } from "./types.js";
import { DuplicateKey, commit } from "./write.js";

export const GENESIS = "0".repeat(64);

type AuditRow = typeof auditLog.$inferSelect;

/** The row as hashed: every column, in a fixed order, `detail` as stored JSON text. */
export function canonical(r: AuditRow): string {
  return JSON.stringify([r.id, r.at, r.actor, r.action, r.object ?? null, r.result, r.source ?? null, r.detail === null || r.detail === undefined ? null : JSON.stringify(r.detail)]);
}

export async function chainHash(prev: string, r: AuditRow): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${prev}\n${canonical(r)}`));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Seals up to `limit` audit rows not yet in the chain; returns how many. Two sealers at once: one wins, one retries later. */
export async function sealAudit(db: Db, now: number, limit = 500): Promise<number> {
  const [head] = await db.select().from(auditChain).orderBy(desc(auditChain.id)).limit(1);
  const rows = await db.select().from(auditLog).where(gt(auditLog.id, head?.id ?? 0)).orderBy(asc(auditLog.id)).limit(limit);
  if (!rows.length) return 0;
  let prev = head?.hash ?? GENESIS;
  const links: (typeof auditChain.$inferInsert)[] = [];
  for (const r of rows) {
    const hash = await chainHash(prev, r);
    links.push({ id: r.id, prevHash: prev, hash, sealedAt: now });
    prev = hash;
  }
  try {
    await commit(db, [db.insert(auditChain).values(links)]);
  } catch (e) {
    if (e instanceof DuplicateKey) return 0;
    throw e;
  }
  return rows.length;
}

export type Verdict =
  | { ok: true; rows: number; head: string; unsealed: number }
  | { ok: false; id: number; problem: string; rows: number };

/** Walks the whole log against the chain and names the first row that does not match. */
export async function verifyAudit(db: Db, pageSize = 1000): Promise<Verdict> {
  let prev = GENESIS;
  let after = 0;
  let checked = 0;
  for (;;) {
    const links = await db.select().from(auditChain).where(gt(auditChain.id, after)).orderBy(asc(auditChain.id)).limit(pageSize);
    if (!links.length) break;
    const last = links[links.length - 1].id;
    const rows = await db.select().from(auditLog).where(sql`${auditLog.id} > ${after} and ${auditLog.id} <= ${last}`).orderBy(asc(auditLog.id));
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const r of rows) if (!links.some((l) => l.id === r.id)) return { ok: false, id: r.id, problem: "审计记录不在哈希链中（被插入）", rows: checked };
    for (const link of links) {
      if (link.prevHash !== prev) return { ok: false, id: link.id, problem: "哈希链断裂（链记录被改动或删除）", rows: checked };
      const row = byId.get(link.id);
      if (!row) return { ok: false, id: link.id, problem: "审计记录被删除", rows: checked };
      if ((await chainHash(prev, row)) !== link.hash) return { ok: false, id: link.id, problem: "审计记录内容被篡改", rows: checked };
      prev = link.hash;
      checked++;
    }
    after = last;
  }
  const [{ n }] = await db.select({ n: sql<number>`count(*)` }).from(auditLog).where(gt(auditLog.id, after));
  return { ok: true, rows: checked, head: prev, unsealed: Number(n) };
}
