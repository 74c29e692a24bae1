/** `duban audit …`: check the audit log's hash chain (R35) and export it for safekeeping on another host. */
import { writeFileSync } from "node:fs";
import { asc } from "drizzle-orm";
import { sealAudit, verifyAudit } from "./db/audit-chain.js";
import { auditChain, auditLog } from "./db/schema.js";
import type { Db } from "./db/types.js";

export const AUDIT_USAGE = `  audit verify          seal new audit rows, then check the whole log against its hash chain;
                        names the first tampered row (exit 1) or prints the chain head
  audit export <file>   every audit row with its chain hash as JSON lines, ending with the head —
                        copy it to another host daily (e.g. from cron)
`;

export async function auditVerb(db: Db, args: string[], now: number, out: (line: string) => void = console.log): Promise<number> {
  const [verb, file] = args;
  if (verb === "verify") {
    await sealAudit(db, now, 100_000);
    const v = await verifyAudit(db);
    if (!v.ok) {
      out(`TAMPERED: audit row ${v.id}: ${v.problem} (${v.rows} rows before it verified)`);
      return 1;
    }
    out(`OK: ${v.rows} audit rows verified; chain head ${v.head}`);
    return 0;
  }
  if (verb === "export") {
    if (!file) {
      out("Name the file: duban audit export <file>");
      return 2;
    }
    await sealAudit(db, now, 100_000);
    const rows = await db.select().from(auditLog).orderBy(asc(auditLog.id));
    const hashes = new Map((await db.select().from(auditChain)).map((l) => [l.id, l.hash]));
    const lines = rows.map((r) => JSON.stringify({ ...r, hash: hashes.get(r.id) ?? null }));
    const head = rows.length ? (hashes.get(rows[rows.length - 1].id) ?? null) : null;
    lines.push(JSON.stringify({ head, rows: rows.length, exportedAt: new Date(now).toISOString() }));
    writeFileSync(file, lines.join("\n") + "\n");
    out(`Exported ${rows.length} audit rows to ${file}; chain head ${head}`);
    return 0;
  }
  out(AUDIT_USAGE);
  return 2;
}
