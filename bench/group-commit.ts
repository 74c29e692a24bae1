/**
 * In-process benchmark of group commit (issue 12): `connections` concurrent loops send one chat command each
 * through the same pipeline as every channel (no HTTP, no crypto), once with group commit and once on the plain
 * single connection, on the seeded demo district. Reports commands/s, CPU per command, p50/p99 and, with group
 * commit, how many commands shared one COMMIT.
 *
 *   npx tsx bench/group-commit.ts [--seconds 5] [--connections 32] [--command 进展|我的]
 *
 * Writes its section of docs/performance.md; bench/callback.ts is the end-to-end figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { parseConfig } from "../src/config.js";
import { handleMessage } from "../src/bot/pipeline.js";
import { seedInstalledCalendar } from "../src/db/calendar-package-node.js";
import { migrateNodeDb, openNodeDb } from "../src/db/open-node.js";
import { cases, groups, people } from "../src/db/schema.js";
import { seedDemo } from "../src/db/seed-demo.js";
import { diskFiles } from "../src/files/disk.js";
import { nodeDeps } from "../src/runtime/node-deps.js";
import { createLogger } from "../src/log.js";
import { fmt, machine, writeSection } from "./report.js";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" }, connections: { type: "string", default: "32" }, command: { type: "string", default: "进展" } } });
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const KIND = values.command!;

async function run(groupCommit: boolean) {
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-gc-"));
  const config = parseConfig({ DATABASE_URL: `file:${join(dir, "gc.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error", WECOM_MODE: "off" });
  const store = await openNodeDb(config.databaseUrl, undefined, groupCommit ? {} : { groupCommit: false });
  try {
    await migrateNodeDb(store.db);
    await seedInstalledCalendar(store.db, config.timezone);
    await seedDemo(store.db, { now: Date.now(), files: diskFiles(config.filesDir) });
    const { deps } = nodeDeps(config, store.db, { clock: () => Date.now(), log: createLogger("error") });
    const quiet = { ...deps, waitUntil: (p: Promise<unknown>) => void p.catch(() => {}) };
    const db = store.db;
    const ppl = await db.select().from(people).where(eq(people.active, true));
    const grp = await db.select().from(groups);
    const open = await db.select({ id: cases.id, unit: cases.leadUnitId }).from(cases).where(eq(cases.state, "in_progress"));
    const targets = open.flatMap((c) => {
      const g = grp.find((x) => x.purpose === "unit" && x.unitId === c.unit);
      const o = ppl.find((p) => p.unitId === c.unit && p.roles.includes("officer"));
      return g && o ? [{ id: c.id, user: o.userId, chat: g.chatId }] : [];
    });
    let seq = 0;
    const one = () => {
      const t = targets[seq++ % targets.length];
      const text = KIND === "进展" ? `进展 #${t.id} 压测第${seq}次：已现场检查，整改进行中` : KIND;
      return handleMessage(quiet, { channel: "sim", msgId: `gc-${groupCommit}-${seq}`, chatId: t.chat, chatType: "group", senderId: t.user, text, uploads: [] });
    };
    for (let i = 0; i < 100; i++) await one(); // warm-up
    const s0 = store.groupCommit?.();
    const lat: number[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const end = t0 + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (performance.now() < end) {
          const s = performance.now();
          await one();
          lat.push(performance.now() - s);
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const s1 = store.groupCommit?.();
    lat.sort((a, b) => a - b);
    const n = lat.length;
    return {
      n,
      perSecond: n / wall,
      cpuMs: (cpu.user + cpu.system) / 1000 / n,
      p50: lat[Math.floor(n / 2)],
      p99: lat[Math.min(n - 1, Math.ceil(n * 0.99) - 1)],
      perCommit: s0 && s1 ? (s1.batches - s0.batches) / Math.max(1, s1.commits - s0.commits) : 1,
      commits: s0 && s1 ? s1.commits - s0.commits : NaN,
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadBefore = loadavg()[0];
const plain = await run(false);
const grouped = await run(true);
const rows = ([["plain connection (one COMMIT per command)", plain], ["group commit + read connection", grouped]] as const).map(
  ([name, r]) => `| ${name} | ${r.n} | ${fmt(r.perSecond)} | ${fmt(r.cpuMs)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${Number.isNaN(r.commits) ? "–" : r.commits} | ${fmt(r.perCommit)} |`,
);
const section = [
  "### Group commit in process (`bench/group-commit.ts`)",
  "",
  `Measured ${machine()}; ${KIND}, ${CONNECTIONS} concurrent loops, ${SECONDS} s each after 100 warm-up commands; 1-minute load average ${fmt(loadBefore)} before, ${fmt(loadavg()[0])} after (shared host).`,
  "",
  "| path | commands | commands/s | CPU ms/command | p50 (ms) | p99 (ms) | COMMITs | batches per COMMIT |",
  "|---|---:|---:|---:|---:|---:|---:|---:|",
  ...rows,
  "",
  "Method: the seeded demo district on a fresh file with the production pragmas; each command goes through",
  "`handleMessage` (the path every channel takes: dedupe, sender, parse, use case, one batch with the inbox row),",
  "without HTTP or crypto. CPU is this process's user + system time divided by the commands; COMMITs and batches",
  "come from the group-commit counters.",
].join("\n");
writeSection("group-commit", section);
console.log(section);
