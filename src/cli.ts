/** The `duban` command: serve, migrate, seed, backup, tick, digest (more verbs arrive with their features). */
import { parseArgs } from "node:util";
import { assertResidency, parseConfig } from "./config.js";
import { openNodeDb, migrateNodeDb } from "./db/open-node.js";
import { seedCalendar } from "./db/calendar-seed.js";
import { seedDemo } from "./db/seed-demo.js";
import { diskFiles } from "./files/disk.js";
import { backupDatabase } from "./db/backup.js";
import { groupVerb } from "./cli-group.js";
import { adminCommand } from "./cli-admin.js";
import { dataCommand } from "./cli-data.js";
import { auditVerb } from "./cli-audit.js";
import { smokeCommand } from "./cli-smoke.js";
import { helpText } from "./cli-help.js";
import { buildNodeDeps, startNode } from "./runtime/node.js";
import { parseInstant, previewDigest, tick } from "./schedules/operator.js";

async function withDb<T>(fn: (o: Awaited<ReturnType<typeof openNodeDb>>) => Promise<T>): Promise<T> {
  const config = parseConfig(process.env);
  assertResidency(config); // migrate, seed and backup touch complainant data too (R40)
  const store = await openNodeDb(config.databaseUrl, config.databaseAuthToken);
  try {
    return await fn(store);
  } finally {
    store.close();
  }
}

/** Deps for operator verbs: the configured database, never demo data (a tick must not add cases). */
async function withScheduleDeps(fn: (deps: Awaited<ReturnType<typeof buildNodeDeps>>["deps"]) => Promise<number>): Promise<number> {
  const config = { ...parseConfig(process.env), demoSeed: false };
  const { deps, store, idle } = await buildNodeDeps(config);
  try {
    return await fn(deps);
  } finally {
    await idle();
    store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "admin") return adminCommand(rest); // its own options (--user, --name, --unit)
  if (cmd === "import" || cmd === "export" || cmd === "token") return dataCommand(cmd, rest); // cli-data.ts
  if (cmd === "smoke") return smokeCommand(rest); // its own options (--max-tick-age, --timeout); HTTP only, no database
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { demo: { type: "boolean" }, at: { type: "string" }, preview: { type: "boolean" }, group: { type: "string" } },
  });
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
        return seedDemo(db, { now: Date.now(), files: diskFiles(parseConfig(process.env).filesDir) });
      });
      console.log(r.created ? `Demo data added: ${r.units} units, ${r.people} people, ${r.groups} groups, ${r.cases} cases.` : "Demo data is already present; nothing changed.");
      return 0;
    }
    case "group":
      return withDb(async ({ db }) => {
        await migrateNodeDb(db);
        return groupVerb(db, positionals);
      });
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
    case "tick":
    case "digest": {
      const at = values.at === undefined ? Date.now() : parseInstant(values.at);
      if (at === undefined) {
        console.error(`--at must be an ISO instant with a zone, e.g. 2026-12-02T08:30:00+08:00 (got "${values.at}")`);
        return 2;
      }
      if (cmd === "digest" && !values.preview) {
        console.error("Only previews are printed here (the schedules send the digest): duban digest --preview [--group <chatId>]");
        return 2;
      }
      return withScheduleDeps(async (deps) => {
        if (cmd === "tick") {
          console.log(await tick(deps, at));
          return 0;
        }
        const r = await previewDigest(deps, at, values.group);
        if ("error" in r) console.error(r.error);
        else console.log(r.text);
        return "error" in r ? 2 : 0;
      });
    }
    case "audit":
      return withDb(({ db }) => auditVerb(db, positionals, Date.now()));
    default:
      console.log(helpText());
      if (cmd) console.error(`未知命令 unknown command: ${cmd}`);
      return cmd ? 2 : 0;
  }
}
