/** Node storage: an embedded libSQL file (pragmas enforced, R26) or libSQL over HTTP/WebSocket (sqld, Turso). */
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient, type Client } from "@libsql/client";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.js";
import type { Db } from "./types.js";

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../drizzle", import.meta.url));

export type OpenDb = { db: Db; client: Client; close: () => void; file?: string };

/** Turn `file:./x.db` into an absolute path so the CLI and the server agree whatever the cwd. */
export function filePathOf(url: string): string | undefined {
  if (!url.startsWith("file:")) return undefined;
  const rest = url.slice("file:".length).replace(/^\/\/(localhost)?(?=\/)/, "");
  return resolve(decodeURIComponent(rest.split("?")[0]));
}

const REQUIRED_PRAGMAS = [
  "PRAGMA journal_mode=WAL",
  "PRAGMA synchronous=FULL",
  "PRAGMA busy_timeout=5000",
  "PRAGMA foreign_keys=ON",
];

/** Read the durability pragmas back; refuse to run on anything weaker (R26). */
export async function verifyPragmas(client: Client): Promise<Record<string, unknown>> {
  const read = async (name: string) => Object.values((await client.execute(`PRAGMA ${name}`)).rows[0] ?? {})[0];
  const got = {
    journal_mode: String(await read("journal_mode")).toLowerCase(),
    synchronous: Number(await read("synchronous")),
    busy_timeout: Number(await read("busy_timeout")),
    foreign_keys: Number(await read("foreign_keys")),
  };
  const bad: string[] = [];
  if (got.journal_mode !== "wal") bad.push(`journal_mode=${got.journal_mode} (need wal)`);
  if (got.synchronous !== 2) bad.push(`synchronous=${got.synchronous} (need 2 = FULL)`);
  if (!(got.busy_timeout >= 5000)) bad.push(`busy_timeout=${got.busy_timeout} (need >= 5000)`);
  if (got.foreign_keys !== 1) bad.push(`foreign_keys=${got.foreign_keys} (need 1)`);
  if (bad.length) throw new Error(`Database pragmas could not be enforced: ${bad.join(", ")}`);
  return got;
}

/** Open the database named by DATABASE_URL. */
export async function openNodeDb(url: string, authToken?: string): Promise<OpenDb> {
  const file = filePathOf(url);
  let client: Client;
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    // One connection: per-connection pragmas then hold for every statement, and
    // batches (BEGIN … COMMIT) run strictly one after another in this process.
    client = createClient({ url: `file:${file}`, concurrency: 1, timeout: 5000 } as Parameters<typeof createClient>[0]);
    for (const p of REQUIRED_PRAGMAS) await client.execute(p);
    await verifyPragmas(client);
    // Every write batch starts with BEGIN IMMEDIATE so a second process never hits SQLITE_BUSY_SNAPSHOT (R26).
    const batch = client.batch.bind(client);
    client.batch = ((stmts: Parameters<Client["batch"]>[0], mode?: Parameters<Client["batch"]>[1]) =>
      batch(stmts, mode ?? "write")) as Client["batch"];
  } else {
    client = createClient({ url, authToken });
  }
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, client, file, close: () => client.close() };
}

/** Apply drizzle-kit migrations; each runs in one transaction (R29). */
export async function migrateNodeDb(db: Db): Promise<void> {
  await migrate(db as never, { migrationsFolder: MIGRATIONS_DIR });
}
