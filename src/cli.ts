/** The `duban` command: serve, migrate, seed, backup, tick, digest (more verbs arrive with their features). */
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { assertResidency, parseConfig } from "./config.js";
import { openNodeDb, migrateNodeDb } from "./db/open-node.js";
import { helpText } from "./cli-help.js";
import { groupVerb } from "./cli-group.js";
import { personVerb } from "./cli-person.js";

// Verbs load their modules when they run: the server, schedules, import/export and PDF code need not be evaluated
// for a command that uses none of them (issue 12 item 7: a command's own start ≤ 1 s).
const runtime = () => import("./runtime/node.js"); // the server: only `serve` loads it
const nodeBuild = () => import("./runtime/node-build.js"); // deps without the app, for operator verbs
const operator = () => import("./schedules/operator.js");

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

/** This release's version from package.json: one level up from src/, two from the bundle in dist/node/. */
function version(): string {
  for (const rel of ["../package.json", "../../package.json"]) {
    const url = new URL(rel, import.meta.url);
    if (!existsSync(url)) continue;
    const pkg = JSON.parse(readFileSync(url, "utf8")) as { name?: string; version?: string };
    if (pkg.name === "duban" && pkg.version) return pkg.version;
  }
  return "unknown";
}

/** Deps for operator verbs: the configured database, never demo data (a tick must not add cases). */
type NodeDeps = Awaited<ReturnType<Awaited<ReturnType<typeof nodeBuild>>["buildNodeDeps"]>>["deps"];
async function withScheduleDeps(fn: (deps: NodeDeps) => Promise<number>): Promise<number> {
  const config = { ...parseConfig(process.env), demoSeed: false };
  const { deps, store, idle } = await (await nodeBuild()).buildNodeDeps(config);
  try {
    return await fn(deps);
  } finally {
    await idle();
    store.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "admin") return (await import("./cli-admin.js")).adminCommand(rest); // its own options (--user, --name, --unit)
  if (cmd === "import" || cmd === "export" || cmd === "token") return (await import("./cli-data.js")).dataCommand(cmd, rest);
  if (cmd === "smoke") return (await import("./cli-smoke.js")).smokeCommand(rest); // its own options; HTTP only, no database
  if (cmd === "--version" || cmd === "version") {
    console.log(`duban ${version()}`);
    return 0;
  }
  if (cmd === "group" || cmd === "person") {
    // Their own options (--platform, --chat, --dingtalk …); cli-group.ts and cli-person.ts parse them.
    return withDb(async ({ db }) => {
      await migrateNodeDb(db);
      return cmd === "group" ? groupVerb(db, rest, console.log, Date.now()) : personVerb(db, rest, console.log, Date.now());
    });
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { demo: { type: "boolean" }, at: { type: "string" }, preview: { type: "boolean" }, group: { type: "string" }, only: { type: "string", multiple: true } },
  });
  switch (cmd) {
    case "serve": {
      // Without its database threads the server cannot answer: stop, so the supervisor starts it afresh.
      const h = await (await runtime()).startNode(process.env, { onDbExit: () => process.exit(70) });
      console.log(`Duban is listening on ${h.url}  (simulator: ${h.deps.config.simulator ? `${h.url}/sim` : "off"})`);
      const stop = () => void h.close().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      return -1; // keep running
    }
    case "migrate":
      await withDb(async ({ db }) => {
        await migrateNodeDb(db);
        await (await import("./db/calendar-seed.js")).seedCalendar(db);
      });
      console.log("Migrations applied.");
      return 0;
    case "seed": {
      if (!values.demo) {
        console.error("Only demo data can be seeded: duban seed --demo");
        return 2;
      }
      const [{ seedDemo }, { diskFiles }] = await Promise.all([import("./db/seed-demo.js"), import("./files/disk.js")]);
      const r = await withDb(async ({ db }) => {
        await migrateNodeDb(db);
        return seedDemo(db, { now: Date.now(), files: diskFiles(parseConfig(process.env).filesDir) });
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
      const { backupDatabase } = await import("./db/backup.js");
      const r = await withDb(async ({ client, file }) => {
        if (!file) throw new Error("backup works on the embedded database file; for sqld/Turso use their own backups");
        return backupDatabase(client, target);
      });
      console.log(`Backup written to ${r.file}; integrity_check: ${r.integrity}; ${Object.keys(r.tables).length} tables.`);
      return 0;
    }
    case "tick":
    case "digest": {
      const { parseInstant, previewDigest, tick } = await operator();
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
    case "audit": {
      const { auditVerb } = await import("./cli-audit.js");
      return withDb(({ db }) => auditVerb(db, positionals, Date.now()));
    }
    case "reindex": {
      const { reindexCommand } = await import("./cli-reindex.js");
      return withDb(async ({ db }) => {
        await migrateNodeDb(db); // after a restore the file may predate the derived tables
        return reindexCommand(db, values.only ?? []);
      });
    }
    default:
      console.log(helpText());
      if (cmd) console.error(`未知命令 unknown command: ${cmd}`);
      return cmd ? 2 : 0;
  }
}
