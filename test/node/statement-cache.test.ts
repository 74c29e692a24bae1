/**
 * Kept prepared statements (src/db/statement-cache.ts): the same SQL on one connection reuses its statement, which
 * still works after a failed run and after a schema change made by another connection; the cache is bounded.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, describe, expect, it } from "vitest";
import { cacheStatements, keptStatements, STATEMENTS_PER_CONNECTION } from "../../src/db/statement-cache.js";

type Db = { prepare: (sql: string) => object; exec: (sql: string) => void; close: () => void };
const Database = createRequire(import.meta.url)("libsql") as new (file: string) => Db;
const dir = mkdtempSync(join(tmpdir(), "duban-stmt-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kept prepared statements", () => {
  it("reuses a statement per connection and keeps at most the bound", () => {
    cacheStatements();
    const a = new Database(join(dir, "a.db"));
    const b = new Database(join(dir, "a.db"));
    expect(a.prepare("SELECT 1")).toBe(a.prepare("SELECT 1"));
    expect(b.prepare("SELECT 1")).not.toBe(a.prepare("SELECT 1"));
    for (let i = 0; i < STATEMENTS_PER_CONNECTION + 20; i++) a.prepare(`SELECT ${i}`);
    expect(keptStatements(a)).toBe(STATEMENTS_PER_CONNECTION);
    a.close();
    expect(keptStatements(a)).toBe(0);
    b.close();
  });

  it("runs again after a failed run, and sees another connection's schema change", async () => {
    cacheStatements();
    const url = `file:${join(dir, "b.db")}`;
    const c = createClient({ url });
    const other = createClient({ url });
    await c.execute("CREATE TABLE t (x INTEGER UNIQUE)");
    const insert = (x: number) => c.execute({ sql: "INSERT INTO t (x) VALUES (?)", args: [x] });
    await insert(1);
    await expect(insert(1)).rejects.toThrow(/UNIQUE/);
    await insert(2);
    expect((await c.execute("SELECT * FROM t ORDER BY x")).rows.map((r) => r.x)).toEqual([1, 2]);
    await other.execute("ALTER TABLE t ADD COLUMN y TEXT DEFAULT 'z'");
    // The client reads a statement's columns before running it, so the first read after another connection's
    // schema change names the old ones, kept statements or not (SQLite re-prepares at the step); the next is right.
    await c.execute("SELECT * FROM t ORDER BY x");
    const after = await c.execute("SELECT * FROM t ORDER BY x");
    expect(after.columns).toEqual(["x", "y"]);
    expect(after.rows.map((r) => [r.x, r.y])).toEqual([[1, "z"], [2, "z"]]);
    c.close();
    other.close();
  });
});
