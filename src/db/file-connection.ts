/** One connection to the embedded libSQL file with the durability pragmas enforced (R26). */
import { createClient, type Client } from "@libsql/client";
import { makeResilient } from "./node-connection.js";
import { cacheStatements } from "./statement-cache.js";

const REQUIRED_PRAGMAS = [
  "PRAGMA journal_mode=WAL",
  "PRAGMA synchronous=FULL",
  "PRAGMA busy_timeout=5000",
  "PRAGMA foreign_keys=ON",
];

/** Read the durability pragmas back; refuse to run on anything weaker (R26). */
export async function verifyPragmas(client: Pick<Client, "execute">): Promise<Record<string, unknown>> {
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

/** One connection to the embedded file with the pragmas applied, read back, and re-applied after every reset (R26). */
export async function fileConnection(file: string) {
  cacheStatements(); // each connection keeps its prepared statements (statement-cache.ts)
  const client = createClient({ url: `file:${file}`, concurrency: 1, timeout: 5000 } as Parameters<typeof createClient>[0]);
  const preparePragmas = async (c: Pick<Client, "execute">) => {
    for (const p of REQUIRED_PRAGMAS) await c.execute(p);
    await verifyPragmas(c);
  };
  await preparePragmas(client);
  // A connection left dirty by SQLITE_BUSY is replaced (with its pragmas) rather than failing on for a minute.
  return { client, ...makeResilient(client, preparePragmas) };
}

/** The writer: every write batch starts with BEGIN IMMEDIATE so a second process never hits SQLITE_BUSY_SNAPSHOT (R26). */
export async function writerConnection(file: string) {
  const writer = await fileConnection(file);
  const batch = writer.client.batch.bind(writer.client);
  writer.client.batch = ((stmts: Parameters<Client["batch"]>[0], mode?: Parameters<Client["batch"]>[1]) =>
    batch(stmts, mode ?? "write")) as Client["batch"];
  return writer;
}
