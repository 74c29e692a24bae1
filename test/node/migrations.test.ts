/** Migrations are atomic and the app will not run on a partly migrated or newer database (R29). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrateNodeDb, openNodeDb, SchemaError } from "../../src/db/open-node.js";
import { missingSchema } from "../../src/db/schema-check.js";
import { startNode } from "../../src/runtime/node.js";
import type { Db } from "../../src/db/types.js";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "duban-mig-"));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The real migrations plus one more whose last statement fails. */
function folderWithBadMigration(): string {
  const folder = join(tmp(), "drizzle");
  cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  const journalPath = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(journalPath, "utf8"));
  const last = journal.entries.at(-1);
  journal.entries.push({ idx: last.idx + 1, version: last.version, when: last.when + 1000, tag: "9999_fails_last", breakpoints: true });
  writeFileSync(journalPath, JSON.stringify(journal));
  writeFileSync(
    join(folder, "9999_fails_last.sql"),
    "CREATE TABLE `r29_probe` (`id` integer);\n--> statement-breakpoint\nALTER TABLE `cases` ADD `r29_col` text;\n--> statement-breakpoint\nINSERT INTO `no_such_table` VALUES (1);",
  );
  return folder;
}

async function shape(db: Db) {
  const objects = await db.all<{ type: string; name: string }>(sql`select type, name from sqlite_master order by type, name`);
  const applied = await db.all<{ n: number }>(sql`select count(*) as n from sqlite_master where name = '__drizzle_migrations'`).then(async ([r]) =>
    r.n ? (await db.all<{ n: number }>(sql`select count(*) as n from __drizzle_migrations`))[0].n : 0,
  );
  const caseColumns = (await db.all<{ name: string }>(sql`select name from pragma_table_info('cases')`)).map((c) => c.name);
  return { objects, applied, caseColumns };
}

describe("migrations (R29)", () => {
  it("leave an existing database exactly as it was when the last statement fails", async () => {
    const store = await openNodeDb(`file:${join(tmp(), "a.db")}`);
    await migrateNodeDb(store.db);
    const before = await shape(store.db);
    await expect(migrateNodeDb(store.db, folderWithBadMigration())).rejects.toThrow(/no_such_table/);
    expect(await shape(store.db)).toEqual(before);
    expect(before.caseColumns).not.toContain("r29_col");
    expect(await missingSchema(store.db)).toEqual([]);
    store.close();
  });

  it("leave an empty database empty when any statement of the set fails (one batch)", async () => {
    const store = await openNodeDb(`file:${join(tmp(), "b.db")}`);
    await expect(migrateNodeDb(store.db, folderWithBadMigration())).rejects.toThrow();
    const { objects, applied } = await shape(store.db);
    expect(objects.filter((o) => !o.name.includes("__drizzle_migrations"))).toEqual([]); // the bookkeeping table is made first, on its own
    expect(applied).toBe(0);
    store.close();
  });

  it("refuse a database that lacks part of the schema, naming what is missing, and the server will not start", async () => {
    const dir = tmp();
    const url = `file:${join(dir, "c.db")}`;
    const store = await openNodeDb(url);
    await migrateNodeDb(store.db);
    await store.db.run(sql`drop table mfa_challenges`);
    await expect(migrateNodeDb(store.db)).rejects.toThrow(SchemaError);
    await expect(migrateNodeDb(store.db)).rejects.toThrow(/partly migrated: missing mfa_challenges/);
    store.close();
    await expect(startNode({ PORT: "0", DATABASE_URL: url, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error" }, { schedules: false })).rejects.toThrow(/partly migrated/);
  });

  it("refuse a database migrated by a newer release", async () => {
    const store = await openNodeDb(`file:${join(tmp(), "d.db")}`);
    await migrateNodeDb(store.db);
    await store.db.run(sql`insert into __drizzle_migrations (hash, created_at) values ('future', 4102444800000)`);
    await expect(migrateNodeDb(store.db)).rejects.toThrow(/newer Duban/);
    store.close();
  });
});
