import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createClient } from "@libsql/client";
import { tempDb } from "../helpers/db.js";
import { verifyPragmas } from "../../src/db/open-node.js";
import { backupDatabase } from "../../src/db/backup.js";
import { auditLog, caseEvents, cases } from "../../src/db/schema.js";
import { commit, insertAudit, insertEvent, newToken, updateCase, VersionConflict } from "../../src/db/write.js";

let t: Awaited<ReturnType<typeof tempDb>>;
beforeAll(async () => {
  t = await tempDb();
});
afterAll(() => t.cleanup());

async function newCase(): Promise<number> {
  const token = newToken();
  await commit(t.db, [
    t.db.insert(cases).values({ source: "12345", title: "t", content: "c", createdBy: "u", createdAt: 1, updatedAt: 1, writeToken: token }),
    insertEvent(t.db, { caseId: { token }, at: 1, actor: "u", kind: "created" }),
    insertAudit(t.db, { at: 1, actor: "u", action: "case.create", object: { caseToken: token }, result: "ok" }),
  ]);
  const [row] = await t.db.select().from(cases).where(eq(cases.writeToken, token));
  return row.id;
}

describe("the embedded libSQL database", () => {
  it("enforces WAL, synchronous=FULL, busy_timeout >= 5000 and foreign keys (R26)", async () => {
    expect(await verifyPragmas(t.client)).toEqual({ journal_mode: "wal", synchronous: 2, busy_timeout: 5000, foreign_keys: 1 });
  });

  it("refuses a connection without the pragmas", async () => {
    const raw = createClient({ url: `file:${join(t.dir, "plain.db")}` });
    await expect(verifyPragmas(raw)).rejects.toThrow(/journal_mode=delete/);
    raw.close();
  });

  it("writes case, event and audit together, resolving the new case id inside the batch", async () => {
    const id = await newCase();
    const events = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, id));
    expect(events.map((e) => e.kind)).toEqual(["created"]);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.object, `case:${id}`));
    expect(audits).toHaveLength(1);
  });

  it("aborts the whole batch when the version moved on (optimistic concurrency)", async () => {
    const id = await newCase();
    const write = (text: string) => {
      const token = newToken();
      return commit(t.db, [...updateCase(t.db, id, 1, { title: text }, token, 2), insertEvent(t.db, { caseId: id, at: 2, actor: "u", kind: "note", text })]);
    };
    await write("first");
    await expect(write("second")).rejects.toBeInstanceOf(VersionConflict);
    const [row] = await t.db.select().from(cases).where(eq(cases.id, id));
    expect(row).toMatchObject({ title: "first", version: 2 });
    const notes = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, id));
    expect(notes.filter((e) => e.kind === "note").map((e) => e.text)).toEqual(["first"]);
  });

  it("keeps the timeline and the audit log append-only", async () => {
    await newCase();
    await expect(t.client.execute("update audit_log set actor = 'x'")).rejects.toThrow(/append-only/);
    await expect(t.client.execute("delete from case_events")).rejects.toThrow(/append-only/);
  });

  it("makes a consistent backup that passes integrity_check (R28)", async () => {
    await newCase();
    const r = await backupDatabase(t.client, join(t.dir, "backup.db"));
    expect(r.integrity).toBe("ok");
    const [{ n }] = (await t.client.execute("select count(*) as n from cases")).rows as unknown as { n: number }[];
    expect(r.tables.cases).toBe(Number(n));
    await expect(backupDatabase(t.client, join(t.dir, "backup.db"))).rejects.toThrow(/already exists/);
  });
});
