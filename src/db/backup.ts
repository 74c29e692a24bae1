/** Consistent online backup of the embedded database with VACUUM INTO, verified by integrity_check (R28). */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createClient, type Client } from "@libsql/client";

export async function backupDatabase(client: Client, target: string): Promise<{ file: string; integrity: string; tables: Record<string, number> }> {
  const file = resolve(target);
  if (existsSync(file)) throw new Error(`Backup target already exists: ${file} (choose a new file name)`);
  await client.execute({ sql: "VACUUM INTO ?", args: [file] });
  const copy = createClient({ url: `file:${file}` });
  try {
    const integrity = String(Object.values((await copy.execute("PRAGMA integrity_check")).rows[0] ?? {})[0]);
    if (integrity !== "ok") throw new Error(`Backup ${file} failed integrity_check: ${integrity}`);
    const names = (await copy.execute("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")).rows.map((r) => String(r.name));
    const tables: Record<string, number> = {};
    for (const n of names) tables[n] = Number((await copy.execute(`select count(*) as n from "${n}"`)).rows[0].n);
    return { file, integrity, tables };
  } finally {
    copy.close();
  }
}
