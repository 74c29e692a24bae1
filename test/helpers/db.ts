/** Test helpers: a real libSQL file per test file, migrated; never :memory: (toolchain.md §9). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { settleBackground } from "./background.js";
import { openNodeDb, migrateNodeDb, type OpenDb } from "../../src/db/open-node.js";

export async function tempDb(opts: { migrate?: boolean } = {}): Promise<OpenDb & { dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "duban-test-"));
  // DUBAN_TEST_DB_THREADS=1 runs every test's database on the server's database threads (db/db-thread.ts).
  const store = await openNodeDb(`file:${join(dir, "test.db")}`, undefined, { thread: process.env.DUBAN_TEST_DB_THREADS ? {} : undefined });
  if (opts.migrate !== false) await migrateNodeDb(store.db);
  return {
    ...store,
    dir,
    cleanup: async () => {
      await settleBackground();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
