/** The handling-rounds migration on a database with data (issue 10): existing cases and their photos are round 1. */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/libsql/migrator";
import { afterAll, expect, it } from "vitest";
import { MIGRATIONS_DIR, migrateNodeDb, openNodeDb } from "../../src/db/open-node.js";

const dir = mkdtempSync(join(tmpdir(), "duban-rounds-mig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The migrations as they stood before handling rounds. */
function folderBefore(tag: string): string {
  const folder = join(dir, "drizzle");
  cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  const path = join(folder, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(path, "utf8")) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === tag));
  writeFileSync(path, JSON.stringify(journal));
  return folder;
}

it("gives existing cases round 1 and their attachments round 1, leaves pending photos without a round, and binds later ones to the case's round", async () => {
  const store = await openNodeDb(`file:${join(dir, "old.db")}`);
  // The raw migrator: the app's own refuses to stop short of the current schema.
  await migrate(store.db as never, { migrationsFolder: folderBefore("0009_handling_rounds") });
  await store.db.run(sql`insert into cases (id, source, title, content, state, finding, created_by, created_at, updated_at, write_token) values (7, '12345', '旧案件', '旧案件内容', 'closed', '已核实', 'disp', 1, 1, 'old-7')`);
  await store.db.run(sql`insert into attachments (case_id, kind, mime, size, sha256, storage_key, phase, uploader_user_id, created_at) values (7, 'image', 'image/png', 1, 'a', 'k1', 'after', 'u', 1), (null, 'image', 'image/png', 1, 'b', 'k2', null, 'u', 2)`);

  await migrateNodeDb(store.db); // every migration, including the rounds one
  expect(await store.db.all(sql`select round, round_reason as reason, round_started_at as startedAt, finding from cases`)).toEqual([{ round: 1, reason: "dispatch", startedAt: null, finding: "已核实" }]);
  expect(await store.db.all(sql`select storage_key as k, round from attachments order by id`)).toEqual([{ k: "k1", round: 1 }, { k: "k2", round: null }]);

  await store.db.run(sql`update cases set round = 3 where id = 7`);
  await store.db.run(sql`update attachments set case_id = 7 where storage_key = 'k2'`);
  await store.db.run(sql`insert into attachments (case_id, kind, mime, size, sha256, storage_key, uploader_user_id, created_at) values (7, 'image', 'image/png', 1, 'c', 'k3', 'u', 3)`);
  expect(await store.db.all(sql`select storage_key as k, round from attachments order by id`)).toEqual([{ k: "k1", round: 1 }, { k: "k2", round: 3 }, { k: "k3", round: 3 }]);
  store.close();
});
