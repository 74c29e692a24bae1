/**
 * How fast the compiled command answers (issue 14: `duban --help` ≤ 1 s, start to a healthy /healthz ≤ 2 s; issue 12:
 * every command's own start ≤ 1 s) — `--help`, `--version` (loads the whole bundle, does nothing), `digest --preview`
 * and `tick` on an empty database and `tick` on the demo district — each the median of several runs of
 * `node bin/duban.js` on an already built dist/node.
 *
 *   npx tsx bench/start.ts [--runs 5]
 *
 * Writes its figures and method into docs/performance.md.
 */
import { execFileSync, spawn } from "node:child_process";
import { sql } from "drizzle-orm";
import { migrateNodeDb, openNodeDb } from "../src/db/open-node.js";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fmt, machine, writeSection } from "./report.js";
import { freePort } from "../test/helpers/net.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const RUNS = Number(values.runs);
const ROOT = new URL("..", import.meta.url).pathname;
const NODE = join(ROOT, "node_modules/.bin/node");
const BIN = join(ROOT, "bin/duban.js");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeCommand(args: string[], env: Record<string, string> = {}): number {
  const t0 = performance.now();
  execFileSync(NODE, [BIN, ...args], { env: { ...process.env, ...env }, stdio: "ignore" });
  return performance.now() - t0;
}

async function timeStart(dir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(NODE, [BIN, "serve"], { env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "d.db")}`, FILES_DIR: join(dir, "f"), LOG_LEVEL: "error" }, stdio: "ignore" });
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false);
      if (ok) return performance.now() - t0;
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    child.kill("SIGKILL");
  }
}

execFileSync("node", [join(ROOT, "scripts/build.mjs"), "--node-only"], { stdio: "ignore" });
const dir = mkdtempSync(join(tmpdir(), "duban-start-"));
const loadBefore = loadavg()[0];
try {
  timeCommand(["--help"]); // warm the V8 compile cache, as any second run has it
  const help = Array.from({ length: RUNS }, () => timeCommand(["--help"]));
  timeCommand(["--version"]);
  const version = Array.from({ length: RUNS }, () => timeCommand(["--version"]));
  // An empty database: migrated, one command group (the digest needs a group to address), no cases.
  const empty = { DATABASE_URL: `file:${join(dir, "empty.db")}`, LOG_LEVEL: "error" };
  const e = await openNodeDb(empty.DATABASE_URL);
  await migrateNodeDb(e.db);
  await e.db.run(sql`insert into groups (chat_id, name, purpose) values ('wr-cmd', '指挥群', 'command')`);
  e.close();
  const at = ["--at", "2026-12-02T08:30:00+08:00"];
  const digestEmpty = Array.from({ length: RUNS }, () => timeCommand(["digest", "--preview", ...at], empty));
  // tick writes (the morning's slots): each run gets its own copy of the empty file, so each does the same work.
  const tickEmpty = Array.from({ length: RUNS }, (_, i) => {
    copyFileSync(join(dir, "empty.db"), join(dir, `tick-${i}.db`));
    return timeCommand(["tick", ...at], { ...empty, DATABASE_URL: `file:${join(dir, `tick-${i}.db`)}` });
  });
  const first = await timeStart(dir); // creates the database, migrates, seeds the demo district
  const warm: number[] = [];
  for (let i = 0; i < RUNS; i++) warm.push(await timeStart(dir));
  const tick = Array.from({ length: RUNS }, () => timeCommand(["tick", "--at", "2026-12-02T08:30:00+08:00"], { DATABASE_URL: `file:${join(dir, "d.db")}`, LOG_LEVEL: "error" }));
  const body = `## Starting the compiled command (\`bench/start.ts\`)

${machine()}. \`node bin/duban.js\` on a built \`dist/node\` (esbuild bundle, V8 compile cache warm), median of ${RUNS} runs;
wall time from spawning the process to its exit, or to the first 200 from \`/healthz\`. Machine load (1-minute
load average) ${loadBefore.toFixed(1)} before the run and ${loadavg()[0].toFixed(1)} after it: on a shared host the figures scale with it.

| what | median ms | goal |
|---|---|---|
| \`duban --help\` | ${fmt(median(help))} | ≤ 1000 |
| \`duban --version\` (loads the whole bundle, no work) | ${fmt(median(version))} | ≤ 1000 |
| \`duban digest --preview --at …\` on an empty database | ${fmt(median(digestEmpty))} | ≤ 1000 |
| \`duban tick --at …\` on an empty database | ${fmt(median(tickEmpty))} | ≤ 1000 |
| \`duban serve\` to a healthy \`/healthz\`, existing database | ${fmt(median(warm))} | ≤ 2000 |
| \`duban serve\` to healthy, first start (create, migrate, seed the demo district) | ${fmt(first)} | — |
| \`duban tick --at …\` on the demo district | ${fmt(median(tick))} | — |

Before the build, the command ran TypeScript through tsx's loader: 8–10 s for \`--help\` cold, 5.6–9.5 s to healthy.`;
  writeSection("start", body);
  console.log(body);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
