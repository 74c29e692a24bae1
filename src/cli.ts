/** The `duban` command: serve, migrate, seed, backup (more verbs arrive with their features). */
import { parseArgs } from "node:util";
import { parseConfig } from "./config.js";
import { openNodeDb, migrateNodeDb } from "./db/open-node.js";
import { seedCalendar } from "./db/calendar-seed.js";
import { seedDemo } from "./db/seed-demo.js";
import { backupDatabase } from "./db/backup.js";
import { startNode } from "./runtime/node.js";

const USAGE = `Usage: duban <command>
  serve                 start the server (what \`npm start\` runs)
  migrate               apply database migrations
  seed --demo           add the demo district (idempotent; rows are labelled as demo)
  backup <file>         write a consistent copy of the database (VACUUM INTO) and verify it
`;

async function withDb<T>(fn: (o: Awaited<ReturnType<typeof openNodeDb>>) => Promise<T>): Promise<T> {
  const config = parseConfig(process.env);
  const store = await openNodeDb(config.databaseUrl, config.databaseAuthToken);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { demo: { type: "boolean" } } });
  switch (cmd) {
    case "serve": {
      const h = await startNode();
      console.log(`Duban is listening on ${h.url}  (simulator: ${h.deps.config.simulator ? `${h.url}/sim` : "off"})`);
      const stop = () => void h.close().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      return -1; // keep running
    }
    case "migrate":
      await withDb(async ({ db }) => {
        await migrateNodeDb(db);
        await seedCalendar(db);
      });
      console.log("Migrations applied.");
      return 0;
    case "seed": {
      if (!values.demo) {
        console.error("Only demo data can be seeded: duban seed --demo");
        return 2;
      }
      const r = await withDb(async ({ db }) => {
        await migrateNodeDb(db);
        return seedDemo(db, { now: Date.now() });
      });
      console.log(r.created ? `Demo data added: ${r.units} units, ${r.people} people, ${r.groups} groups, ${r.cases} cases.` : "Demo data is already present; nothing changed.");
      return 0;
    }
    case "backup": {
      const target = positionals[0];
      if (!target) {
        console.error("Name the backup file: duban backup <file>");
        return 2;
      }
      const r = await withDb(async ({ client, file }) => {
        if (!file) throw new Error("backup works on the embedded database file; for sqld/Turso use their own backups");
        return backupDatabase(client, target);
      });
      console.log(`Backup written to ${r.file}; integrity_check: ${r.integrity}; ${Object.keys(r.tables).length} tables.`);
      return 0;
    }
    default:
      console.log(USAGE);
      return cmd ? 2 : 0;
  }
}
