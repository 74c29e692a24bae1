/**
 * City scale (issue 12): a libSQL file grown BY SQL to 1,000,080 cases (100,052 open, 500 units; bench/scale-grow.ts),
 * then `duban reindex`, and every figure of the issue's table from this one run:
 *
 *   npm run bench:scale [-- --cases 1000080] [--keep <file>] [--requests 40] [--no-write] [--only serve,tick] [--cpu-prof <dir>]
 *
 * `--only` runs some of reindex, digest, serve, tick (and writes nothing); `--cpu-prof <dir>` profiles each child.
 *
 * The commands run as child processes of the compiled CLI (the same esbuild bundle as dist/node, built once into
 * dist/bench-scale so concurrent edits of src/ cannot trigger a rebuild mid-run). Each child reports the time from
 * its module load to the end of its work and its own peak RSS (VmHWM); a no-op start
 * (`duban --version`) is measured alongside. Pages and chat commands go to `duban serve` (schedules off) on
 * loopback: pages with a signed-in session cookie, chat as signed, encrypted WeCom callbacks.
 * Figures and method go into docs/performance.md (section "scale").
 */
import { spawn } from "node:child_process";
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { fmt, machine, writeSection } from "./report.js";
import { BIG_UNIT, grow, type Shape } from "./scale-grow.js";
import { openNodeDb } from "../src/db/open-node.js";
import { people } from "../src/db/schema.js";
import { insertSession, newSessionToken } from "../src/db/sessions.js";
import { openReply, sealCallback, TEST_AES_KEY, TEST_TOKEN } from "../test/helpers/fake-wecom-api.js";
import { freePort } from "../test/helpers/net.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "1000080" }, keep: { type: "string" }, requests: { type: "string", default: "40" }, "no-write": { type: "boolean" },
    only: { type: "string" }, "cpu-prof": { type: "string" },
  },
});
const ONLY = values.only ? new Set(values.only.split(",")) : undefined;
const runs = (part: "reindex" | "digest" | "serve" | "tick") => !ONLY || ONLY.has(part);
const PROF = values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${resolve(values["cpu-prof"])}`] : [];
const N = Number(values.cases);
const REQUESTS = Number(values.requests);
const FIGURE_BUDGET_MS = 90_000; // per page or command: stop early (with at least 5 samples) when it is this slow
const MORNING = "2026-12-02T08:30:00+08:00";
const ROOT = new URL("..", import.meta.url).pathname;
const NODE = join(ROOT, "node_modules/.bin/node");
const OUT = join(ROOT, "dist/bench-scale"); // two levels below the root, like dist/node: ../../drizzle resolves
const work = mkdtempSync(join(tmpdir(), "duban-scale-"));
const file = values.keep ? resolve(values.keep) : join(work, "city.db");
const log = (s: string) => console.error(`[scale] ${s}`);

/** The CLI bundle plus startNode (to serve with the in-process schedules off) and a runner that reports. */
async function buildBundle(): Promise<void> {
  const { build } = await import("esbuild");
  mkdirSync(OUT, { recursive: true });
  await build({
    absWorkingDir: ROOT,
    // startNode behind import(), as the CLI loads it: a static export would evaluate the whole server at every start.
    stdin: { contents: `export { main } from "./src/cli.ts"; export const startNode = (...a) => import("./src/runtime/node.ts").then((m) => m.startNode(...a));`, resolveDir: ROOT, sourcefile: "bench-scale-entry.ts", loader: "ts" },
    outfile: join(OUT, "cli.js"),
    bundle: true, platform: "node", format: "esm", target: "node22", external: ["@libsql/client", "libsql"],
    banner: { js: "import { createRequire as __dubanRequire } from 'node:module'; const require = __dubanRequire(import.meta.url);" },
    logLevel: "warning",
  });
  writeFileSync(join(OUT, "run.mjs"), `import { enableCompileCache } from "node:module";
import { readFileSync, writeFileSync } from "node:fs";
enableCompileCache?.();
const t0 = performance.now();
const m = await import("./cli.js");
const loaded = performance.now();
// Peak RSS of this process image: VmHWM. (getrusage's maxRSS keeps the parent's peak across fork + exec on Linux.)
const peakKb = () => { try { return Number(/VmHWM:\\s+(\\d+)/.exec(readFileSync("/proc/self/status", "utf8"))[1]); } catch { return process.resourceUsage().maxRSS; } };
const report = (code) => process.env.SCALE_REPORT && writeFileSync(process.env.SCALE_REPORT, JSON.stringify({ code, loadMs: loaded - t0, workMs: performance.now() - loaded, maxRssKb: peakKb() }));
const argv = process.argv.slice(2);
if (argv[0] === "serve") {
  const h = await m.startNode(process.env, { schedules: false });
  console.log("listening " + h.url);
  process.on("SIGTERM", () => { report(0); process.exit(0); });
} else {
  const code = await m.main(argv).catch((e) => { console.error(e); return 1; });
  report(code);
  process.exit(code);
}
`);
}

type Run = { code: number; loadMs: number; workMs: number; maxRssKb: number; wallMs: number; stdout: string; stderr: string };

function runCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const report = join(work, `r-${Math.random().toString(36).slice(2)}.json`);
  const t0 = performance.now();
  const child = spawn(NODE, [...PROF, join(OUT, "run.mjs"), ...args], { env: { ...process.env, DATABASE_URL: `file:${file}`, LOG_LEVEL: "warn", SCALE_REPORT: report, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((res, rej) => child.on("exit", (code) => {
    const wallMs = performance.now() - t0;
    if (!existsSync(report)) return rej(new Error(`duban ${args.join(" ")} exited ${code} without a report:\n${stderr.slice(-2000)}`));
    res({ ...JSON.parse(readFileSync(report, "utf8")), wallMs, stdout, stderr });
  }));
}

/** "stats 89.9 s, search 220.1 s" from reindex's result lines. */
const reindexParts = (out: string) =>
  [...out.matchAll(/已重建 \S+ \(([^)]*)\)，用时 ([\d.]+) s/g)].map((m) => `${m[1]} ${m[2]} s`).join("; ");

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const median = (xs: number[]) => percentile(xs, 50);
const mb = (kb: number) => `${Math.round(kb / 1024)} MB`;

/** `n` sequential requests after one warm-up (not counted), or fewer when the figure's time budget runs out. */
async function sample(label: string, send: () => Promise<void>): Promise<{ p95: number; p50: number; n: number }> {
  await send();
  const ms: number[] = [];
  const t0 = performance.now();
  while (ms.length < REQUESTS && (ms.length < 5 || performance.now() - t0 < FIGURE_BUDGET_MS)) {
    const s = performance.now();
    await send();
    ms.push(performance.now() - s);
  }
  log(`${label}: p95 ${fmt(percentile(ms, 95))} ms over ${ms.length}`);
  return { p95: percentile(ms, 95), p50: median(ms), n: ms.length };
}

async function waitHealthy(url: string, child: ReturnType<typeof spawn>, out: () => string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}:\n${out()}`);
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve did not become healthy:\n${out()}`);
}

async function measureServe() {
  // WeCom's API is across the network edge: a loopback stand-in answers robot sends and response_url posts.
  const fakeApi = createServer((req, res) => void req.resume().on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":0,"errmsg":"ok"}')));
  await new Promise<void>((r) => fakeApi.listen(0, "127.0.0.1", r));
  const apiBase = `http://127.0.0.1:${(fakeApi.address() as { port: number }).port}`;
  const port = await freePort();
  const report = join(work, "serve.json");
  const child = spawn(NODE, [...PROF, join(OUT, "run.mjs"), "serve"], {
    env: { ...process.env, DATABASE_URL: `file:${file}`, FILES_DIR: join(work, "files"), PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn", DEMO_SEED: "false", SCALE_REPORT: report,
      WECOM_MODE: "callback", WECOM_TOKEN: TEST_TOKEN, WECOM_ENCODING_AES_KEY: TEST_AES_KEY, WECOM_BOT_ID: "SCALEBOT", WECOM_API_BASE: apiBase, SESSION_SECRET: "s".repeat(40) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(`${base}/healthz`, child, () => out.slice(-3000));
    // A dispatcher's session (sees every unit), made the way the sign-in form makes one.
    const store = await openNodeDb(`file:${file}`);
    const s = await newSessionToken();
    const [disp] = await store.db.select({ id: people.id }).from(people).where(eq(people.userId, "disp"));
    await store.db.batch([insertSession(store.db, s, disp.id, Date.now())]);
    store.close();
    const cookie = `__Host-duban_session=${s.token}`;
    const page = (path: string, mustHave: string) => async () => {
      const r = await fetch(`${base}${path}`, { headers: { cookie } });
      const body = await r.text();
      if (r.status !== 200 || !body.includes(mustHave)) throw new Error(`GET ${path}: HTTP ${r.status}, "${mustHave}" ${body.includes(mustHave) ? "present" : "missing"}: ${body.slice(0, 300)}`);
    };
    const queries = ["油烟扰民", "金泉路", "SL00012345", "夜间施工", "污水"];
    let qi = 0;
    const figures = {
      overview: await sample("总览", page("/dashboard", "总览")),
      ranking: await sample("单位排名", page("/dashboard/ranking", "单位排名")),
      ledger: await sample("台账 first page", page("/dashboard/cases", "台账")),
      unitFilter: await sample("台账 unit filter", page(`/dashboard/cases?unit=${BIG_UNIT}`, "台账")),
      search: await sample("台账 q=", () => page(`/dashboard/cases?q=${encodeURIComponent(queries[qi++ % queries.length])}`, "台账")()),
    };
    let seq = 0;
    const deferred: Record<string, number> = {};
    const chat = (kind: string, userid: string, mustHave: string) => async () => {
      const msg = { msgid: `scale-${++seq}-${process.pid}`, aibotid: "SCALEBOT", chatid: `wr-u${BIG_UNIT}`, chattype: "group", from: { userid },
        response_url: `${apiBase}/cgi-bin/aibot/response?response_code=rc-${seq}`, msgtype: "text", text: { content: `@督办助手 ${kind}` } };
      const sealed = sealCallback(msg, { timestamp: Math.floor(Date.now() / 1000) });
      const r = await fetch(`${base}/wecom/callback?${sealed.query}`, { method: "POST", body: sealed.body, headers: { "content-type": "application/json" } });
      const text = JSON.stringify(openReply(await r.text(), sealed.nonce).json);
      // Past 800 ms the callback answers with an empty package and the reply follows by response_url (R08).
      if (!text.includes(mustHave)) deferred[kind] = (deferred[kind] ?? 0) + 1;
    };
    const chatFigures = {
      stats: await sample("统计", chat("统计", `h${BIG_UNIT}`, "办理情况")),
      mine: await sample("我的", chat("我的", `o${BIG_UNIT}`, "#")),
    };
    return { ...figures, ...chatFigures, deferred };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await new Promise<void>((r) => fakeApi.close(() => r()));
  }
}

/** The shape of a kept file, counted from it (what grow() reports for a fresh one). */
async function describeFile(): Promise<Omit<Shape, "ms">> {
  const store = await openNodeDb(`file:${file}`);
  try {
    const one = async (q: string) => Number(Object.values((await store.client.execute(q)).rows[0] ?? {})[0] ?? 0);
    const OPEN_STATES = "('pending_ack','in_progress','pending_review','returned')";
    return {
      cases: await one("SELECT count(*) FROM cases"),
      open: await one(`SELECT count(*) FROM cases WHERE state IN ${OPEN_STATES}`),
      units: await one("SELECT count(*) FROM units"),
      people: await one("SELECT count(*) FROM people"),
      groups: await one("SELECT count(*) FROM groups"),
      events: await one("SELECT count(*) FROM case_events"),
      bigUnitOpen: await one(`SELECT count(*) FROM cases WHERE lead_unit_id = ${BIG_UNIT} AND state IN ${OPEN_STATES}`),
    };
  } finally {
    store.close();
  }
}

const shapeText = (s: Omit<Shape, "ms">) =>
  `${s.cases.toLocaleString("en-US")} cases, ${s.open.toLocaleString("en-US")} open, ${s.units} units, ${s.people.toLocaleString("en-US")} people, ${s.groups} groups, ${s.events.toLocaleString("en-US")} timeline events; unit #${BIG_UNIT} has ${s.bigUnitOpen.toLocaleString("en-US")} open cases`;

async function runReindex(): Promise<Run> {
  const reindex = await runCli(["reindex"]);
  if (reindex.code !== 0) throw new Error(`reindex failed: ${reindex.stderr}`);
  log(`reindex: ${fmt(reindex.workMs / 1000)} s, ${mb(reindex.maxRssKb)}\n${reindex.stdout}`);
  return reindex;
}

async function runDigest(): Promise<Run[]> {
  const digest: Run[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await runCli(["digest", "--preview", "--at", MORNING]);
    if (r.code !== 0) throw new Error(`digest --preview failed (${r.code}): ${r.stderr.slice(-1000)}`);
    digest.push(r);
    if (r.workMs > 5000) break; // slow: one run is the figure
  }
  log(`digest --preview: ${digest.map((r) => fmt(r.workMs)).join(", ")} ms`);
  return digest;
}

/** tick writes (slots, reminders, outbox): each run on a fresh copy, so every run (and a kept file) measures the same morning. Sorted by time. */
async function runTick(): Promise<Run[]> {
  const tickFile = join(work, "tick.db");
  const ck = await openNodeDb(`file:${file}`);
  await ck.client.execute("PRAGMA wal_checkpoint(TRUNCATE)"); // the copy must hold every committed page
  ck.close();
  const ticks: Run[] = [];
  for (let i = 0; i < 3; i++) {
    for (const ext of ["", "-wal", "-shm"]) rmSync(tickFile + ext, { force: true });
    copyFileSync(file, tickFile);
    // Flushed before the run: otherwise the run's durable COMMIT waits behind the write-back of the whole copy.
    const fd = openSync(tickFile, "r+");
    fsyncSync(fd);
    closeSync(fd);
    const tick = await runCli(["tick", "--at", MORNING], { DATABASE_URL: `file:${tickFile}` });
    if (tick.code !== 0) throw new Error(`tick failed (${tick.code}): ${tick.stderr.slice(-1000)}`);
    log(`tick: ${fmt(tick.workMs)} ms, ${mb(tick.maxRssKb)}; ${tick.stdout.split("\n").slice(0, 2).join(" / ")}`);
    ticks.push(tick);
    if (tick.workMs > 10_000) break; // slow: one run is the figure
  }
  for (const ext of ["", "-wal", "-shm"]) rmSync(tickFile + ext, { force: true });
  return ticks.sort((a, b) => a.workMs - b.workMs);
}

async function main() {
  const loadBefore = loadavg()[0];
  log(`building the bundle into ${OUT}`);
  // A shared checkout may be mid-edit: try again for a few minutes before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      await buildBundle();
      break;
    } catch (e) {
      if (attempt >= 12) throw e;
      log(`build failed (attempt ${attempt}), retrying in 15 s`);
      await new Promise((r) => setTimeout(r, 15_000));
    }
  }
  let shape: Shape | undefined;
  if (!existsSync(file)) {
    log(`growing ${file} to ${N.toLocaleString("en-US")} cases`);
    shape = await grow(file, N, { onStep: (d) => d % 200_000 === 0 && log(`  ${d.toLocaleString("en-US")} cases`) });
    log(`grown in ${fmt(shape.ms / 1000)} s: ${JSON.stringify(shape)}`);
  } else log(`reusing ${file}`);
  const kept = shape ? undefined : await describeFile();
  const noop = [];
  for (let i = 0; i < 3; i++) noop.push(await runCli(["--version"]));
  if (ONLY) {
    // A partial run for profiling: the figures go to the log only.
    if (runs("reindex")) await runReindex();
    if (runs("digest")) await runDigest();
    if (runs("serve")) await measureServe();
    if (runs("tick")) await runTick();
    return;
  }
  const reindex = await runReindex();
  const digest = await runDigest();
  const serve = await measureServe();
  const ticks = await runTick();
  const tick = ticks[Math.floor(ticks.length / 2)];

  const d = median(digest.map((r) => r.workMs));
  const dRss = Math.max(...digest.map((r) => r.maxRssKb));
  const start = median(noop.map((r) => r.loadMs + r.workMs));
  const row = (what: string, v: string, goal: string) => `| ${what} | ${v} | ${goal} |`;
  const p = (f: { p95: number; n: number }) => `${fmt(f.p95)} ms (n = ${f.n})`;
  const body = [
    "## City scale: 1 M cases (`bench/scale.ts`, issue 12)",
    "",
    `${machine()}; 1-minute load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (a shared host: figures scale with it). File: ${shapeText(shape ?? kept!)}${shape ? `; grown by SQL in ${fmt(shape.ms / 1000)} s` : " (a kept file, grown earlier by the same code)"}.`,
    "",
    "| work | measured | goal |",
    "|---|---|---|",
    row(`\`duban reindex\` (all derived tables${shape ? ", from empty" : ""})`, `${fmt(reindex.workMs / 1000)} s, ${mb(reindex.maxRssKb)} peak (${reindexParts(reindex.stdout)})`, "bounded memory"),
    row("`duban digest --preview` (work beyond process start)", `${fmt(d)} ms${digest.length > 1 ? ` (median of ${digest.length})` : ""}, ${mb(dRss)} peak`, "≤ 1 s, ≤ 256 MB"),
    row(`\`duban tick --at ${MORNING}\` (a working morning)`, `${fmt(tick.workMs)} ms${ticks.length > 1 ? ` (median of ${ticks.length}, each on a fresh copy)` : ""}, ${mb(Math.max(...ticks.map((r) => r.maxRssKb)))} peak`, "≤ 1 s, ≤ 256 MB"),
    row("总览 `/dashboard`, p95", p(serve.overview), "≤ 100 ms"),
    row("单位排名 `/dashboard/ranking`, p95", p(serve.ranking), "≤ 100 ms"),
    row("台账 text search `?q=`, p95", p(serve.search), "≤ 100 ms"),
    row("台账 first page / unit filter, p95", `${p(serve.ledger)} / ${p(serve.unitFilter)}`, "≤ 50 ms"),
    row(`chat \`统计\` / \`我的\` (unit #${BIG_UNIT}, ${(shape ?? kept!).bigUnitOpen.toLocaleString("en-US")} open), p95`, `${p(serve.stats)} / ${p(serve.mine)}`, "≤ 100 ms each"),
    row("process start (`duban --version`: Node, bundle load)", `${fmt(start)} ms, ${mb(Math.max(...noop.map((r) => r.maxRssKb)))} peak`, "—"),
    "",
    "Method: the file is made by the project's migrations, then units, people, groups, cases and their timelines are",
    "inserted BY SQL (`INSERT … SELECT` over a recursive CTE, 50,000 cases per transaction, values a deterministic hash",
    "of the case number: sources, pollution types, addresses, states, dates over three years up to the measured",
    "morning) with the triggers on `cases` and `case_events` dropped during the load and restored after it, so every",
    "derived table starts empty and is filled by `duban reindex`. Each command is a child process of the compiled",
    "bundle (`dist/bench-scale`, the same esbuild build as `dist/node`); \"work beyond process start\" is the time from",
    "the bundle's load to the end of `main()`, measured inside the child, and peak memory is the child's own",
    "peak RSS (`VmHWM`; getrusage's maxRSS would carry over the parent's peak across exec). `tick` runs three times, each on a fresh copy of the",
    "file (it writes) flushed to disk first (fsync), so its COMMIT does not wait behind the copy's write-back. Pages: `duban serve` with the",
    `in-process schedules off, a dispatcher's session cookie, sequential requests after one warm-up, at most ${REQUESTS}`,
    "each (fewer when a figure is slow); the search rotates over 油烟扰民, 金泉路, a 受理编号, 夜间施工 and the 2-character 污水.",
    "Chat: signed, encrypted WeCom callbacks to `/wecom/callback` from the big unit's head (统计) and officer (我的) in its group.",
    ...(Object.keys(serve.deferred).length ? ["", `Answers deferred to response_url (slower than 800 ms): ${Object.entries(serve.deferred).map(([k, v]) => `${k} ${v}`).join(", ")}.`] : []),
  ].join("\n");
  if (!values["no-write"]) writeSection("scale", body);
  console.log(body);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
