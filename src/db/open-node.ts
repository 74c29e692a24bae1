/** Node storage: an embedded libSQL file (pragmas enforced, R26) or libSQL over HTTP/WebSocket (sqld, Turso). */
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { sql } from "drizzle-orm";
import * as schema from "./schema.js";
import { missingSchema, unknownMigrations } from "./schema-check.js";
import type { Db } from "./types.js";
import { writeProbe, type DbHealth } from "./node-connection.js";
import { fileConnection, writerConnection } from "./file-connection.js";
import { threadClient } from "./thread-client.js";
import { groupCommitClient, type GroupCommitOptions, type GroupCommitStats } from "./group-commit.js";

export { verifyPragmas } from "./file-connection.js";

/** Run SQLite on threads of its own (db-thread.ts); `onExit`: a thread died (the server should stop). */
export type ThreadOptions = { onExit?: (code: number) => void };

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * `probe`: can this process write right now (embedded file only; /healthz). `resets`: connections replaced.
 * `groupCommit`: the group-commit counters (embedded file only; see group-commit.ts).
 */
export type OpenDb = { db: Db; client: Client; close: () => void; file?: string; probe?: () => Promise<DbHealth>; resets?: () => number; groupCommit?: () => GroupCommitStats };

/** Turn `file:./x.db` into an absolute path so the CLI and the server agree whatever the cwd. */
export function filePathOf(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const rest = url.slice("file:".length).replace(/^\/\/(localhost)?(?=\/)/, "");
  return resolve(decodeURIComponent(rest.split("?")[0]));
}

/**
 * Open the database named by DATABASE_URL. An embedded file gets two connections: the writer, whose write
 * batches are group-committed (group-commit.ts), and a reader for plain selects (WAL). `thread` puts the two on
 * worker threads of their own (db-thread.ts; `duban serve`). `groupCommit: false` keeps the single plain
 * connection (benchmarks compare the two).
 */
export async function openNodeDb(url: string, authToken?: string, opts: { groupCommit?: GroupCommitOptions | false; thread?: ThreadOptions } = {}): Promise<OpenDb> {
  const file = filePathOf(url);
  let client: Client;
  let extra: Pick<OpenDb, "probe" | "resets" | "groupCommit"> = {};
  let closeExtra = () => {};
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    // Each connection has concurrency 1: per-connection pragmas then hold for every statement, and
    // batches (BEGIN … COMMIT) on the writer run strictly one after another in this process.
    if (opts.thread && opts.groupCommit !== false) {
      const t = await threadClient(file, { groupCommit: opts.groupCommit, onExit: opts.thread.onExit });
      client = t.client;
      // The probe runs in the writer thread, between its groups: from here it could meet a group holding the lock.
      extra = { probe: t.probe, resets: t.resets, groupCommit: t.stats };
    } else {
      const probe = writeProbe(file); // opens its connection only when first asked
      closeExtra = probe.close;
      const writer = await writerConnection(file);
      if (opts.groupCommit === false) {
        client = writer.client;
        extra = { probe: probe.check, resets: writer.resets };
      } else {
        const reader = await fileConnection(file);
        const gc = groupCommitClient(writer.client, reader.client, { ...opts.groupCommit, resetWriter: writer.reset });
        client = gc.client;
        extra = { probe: probe.check, resets: () => writer.resets() + reader.resets(), groupCommit: gc.stats };
      }
    }
  } else {
    client = createClient({ url, authToken });
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, client, file, ...extra, close: () => {
    closeExtra();
    client.close();
  } };
}

export class SchemaError extends Error {
  name = "SchemaError";
}

/**
 * Apply drizzle-kit migrations — all pending ones in one batch, so a failure leaves the file as it was (R29) —
 * then refuse a database that still lacks part of the schema or was migrated by a newer release.
 */
export async function migrateNodeDb(db: Db, folder = MIGRATIONS_DIR): Promise<void> {
  const journal = JSON.parse(readFileSync(join(folder, "meta", "_journal.json"), "utf8")) as { entries: { when: number }[] };
  // Checked before migrating too: the migrator compares timestamps only and would skip ours after a newer one.
  await refuseNewer(db, journal.entries.map((e) => e.when));
  await migrate(db as never, { migrationsFolder: folder });
  const missing = await missingSchema(db);
  if (missing.length) {
    throw new SchemaError(`The database is only partly migrated: missing ${missing.slice(0, 8).join(", ")}${missing.length > 8 ? ` and ${missing.length - 8} more` : ""}. Restore the last backup (duban backup) or rebuild it with duban migrate on an empty file; the app will not start on it.`);
  }
}

async function refuseNewer(db: Db, known: number[]): Promise<void> {
  const exists = await db.all<{ n: number }>(sql`select count(*) as n from sqlite_master where name = '__drizzle_migrations'`);
  if (!exists[0]?.n) return;
  const n = await unknownMigrations(db, known);
  if (n) throw new SchemaError(`The database holds ${n} migration(s) this release does not know: it was used by a newer Duban. Run that release, or restore a backup made with this one.`);
}
