/**
 * Benchmark: signed, encrypted WeCom callbacks carrying real commands against `duban serve` (what `npm start`
 * runs) on loopback, beside a Hono hello-world on the same machine in the same run.
 *
 *   npx tsx bench/callback.ts [--seconds 15] [--connections 32] [--r01-seconds 60]
 *
 * Each server runs in its own child process; this process is the load generator (closed loop: each
 * connection sends its next request when the previous answer arrives). The same run measures the two
 * ceilings the chat path is compared with (issue 12): bare Hono's req/s, and one connection's durable
 * two-row commits per second on a file with the production pragmas. Callbacks are sealed beforehand with
 * the official `@wecom/crypto` package — a closed-loop run's before it starts — so the client's crypto is neither
 * timed nor competing with the server for CPU. Every reply is
 * opened and checked afterwards: a request only counts if it carried a real, correctly signed bot reply.
 * Figures and method are written into docs/performance.md between the callback markers.
 *
 * BENCH_TIMELINE=<file>: print the R01 run's slowest answer per 2 s of sending (where a stall began) and write the
 * server's log, at info level, to <file>. BENCH_CPU_PROF=<dir>: a V8 CPU profile of the server. BENCH_NODE_FLAGS:
 * more Node flags for the server (e.g. --trace-gc, printed into the BENCH_TIMELINE file). BENCH_SLOW=1: after each
 * closed-loop run, the load generator's CPU per request and when the slowest 1 % happened (250 ms buckets: bursts
 * across all connections mean a stall of the server or the host, not of one request).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fmt, machine, writeSection } from "./report.js";
import { openReply, sealCallback, TEST_AES_KEY, TEST_TOKEN } from "../test/helpers/fake-wecom-api.js";
import { eq } from "drizzle-orm";
import { migrateNodeDb, openNodeDb } from "../src/db/open-node.js";
import { cases, groups, inbox, people, units } from "../src/db/schema.js";
import { commit } from "../src/db/write.js";
import { freePort } from "../test/helpers/net.js";
import { leanClient } from "./http-client.js";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "15" }, connections: { type: "string", default: "32" }, "r01-seconds": { type: "string", default: "60" }, only: { type: "string" } },
});
// --only reads|writes|mixed|r01 (comma-separated), or --only hello: run just those, print them and leave
// docs/performance.md alone.
const ONLY = values.only ? new Set(values.only.split(",")) : null;
const runs = (what: string) => !ONLY || ONLY.has(what);
const NONE = { samples: [] as Sample[], wallMs: 1 };
const R01_SECONDS = Number(values["r01-seconds"]);
const R01_RATE = 50; // reliability R01: 50 req/s, each a real command with a DB write
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROOT = new URL("..", import.meta.url).pathname;

type Sample = { ms: number; kind: string; status: number; body: string; nonce: string; at?: number };
type Result = { requests: number; rps: number; p50: number; p90: number; p99: number; max: number; errors: number; byKind: Record<string, { n: number; p50: number; p99: number }> };

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function waitHealthy(url: string, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy:\n${log()}`);
}

function startChild(args: string[], env: Record<string, string>): { child: ChildProcess; log: (all?: boolean) => string } {
  let out = "";
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the Duban server (open it in Chrome DevTools).
  // BENCH_NODE_FLAGS="--trace-gc …": more Node flags for the Duban server (its output goes to BENCH_TIMELINE).
  const prof = args[0] !== "bin/duban.js" ? [] : [
    ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ...(process.env.BENCH_NODE_FLAGS?.split(/\s+/).filter(Boolean) ?? []),
  ];
  const child = spawn(process.execPath, [...prof, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  return { child, log: (all?: boolean) => (all ? out : out.slice(-4000)) };
}

/** Closed-loop load: `connections` workers take requests from `next` until the deadline. */
async function load(next: () => { kind: string; send: () => Promise<{ status: number; body: string; nonce: string }> }, seconds: number): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < deadline) {
        const { kind, send } = next();
        const s = performance.now();
        const r = await send().catch((e) => ({ status: 0, body: String(e), nonce: "" }));
        samples.push({ ms: performance.now() - s, kind, ...r, at: s - t0 });
      }
    }),
  );
  if (process.env.BENCH_SLOW) {
    const sorted = samples.map((x) => x.ms).sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)];
    const slow = samples.filter((x) => x.ms >= p99);
    const buckets = new Map<number, number>();
    for (const x of slow) buckets.set(Math.floor(x.at! / 250), (buckets.get(Math.floor(x.at! / 250)) ?? 0) + 1);
    const c = process.cpuUsage(cpu0);
    console.log(`client CPU ${((c.user + c.system) / 1000 / samples.length).toFixed(3)} ms/request, ${((c.user + c.system) / 1000 / (performance.now() - t0) * 100).toFixed(0)} % of a core`);
    console.log(`p99 ${p99.toFixed(1)} ms; slow by 250 ms bucket:`, [...buckets].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}:${v}`).join(" "));
  }
  return { samples, wallMs: performance.now() - t0 };
}

/** Open loop (R01): one request every 1000/rate ms whatever the answers do, so slow answers cannot slow the load. */
async function openLoop(next: () => { kind: string; send: () => Promise<{ status: number; body: string; nonce: string }> }, rate: number, seconds: number): Promise<{ samples: Sample[]; wallMs: number }> {
  const samples: Sample[] = [];
  const inflight: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < rate * seconds; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const { kind, send } = next();
    const s = performance.now();
    inflight.push(send().catch((e) => ({ status: 0, body: String(e), nonce: "" })).then((r) => void samples.push({ ms: performance.now() - s, kind, at: s - t0, ...r })));
  }
  await Promise.all(inflight);
  if (process.env.BENCH_TIMELINE) {
    // Per 2 s of sending: how many were sent, their slowest answer (finds a stall's start).
    const by = new Map<number, number[]>();
    for (const x of samples) by.set(Math.floor((x.at ?? 0) / 2000), [...(by.get(Math.floor((x.at ?? 0) / 2000)) ?? []), x.ms]);
    for (const [k, v] of [...by].sort((a, b) => a[0] - b[0])) console.error(`t=${k * 2}s n=${v.length} max=${Math.max(...v).toFixed(0)}ms`);
  }
  return { samples, wallMs: performance.now() - t0 };
}

function summarise(samples: Sample[], wallMs: number, ok: (s: Sample) => boolean): Result {
  const lat = samples.map((s) => s.ms).sort((a, b) => a - b);
  const byKind: Result["byKind"] = {};
  for (const kind of new Set(samples.map((s) => s.kind))) {
    const l = samples.filter((s) => s.kind === kind).map((s) => s.ms).sort((a, b) => a - b);
    byKind[kind] = { n: l.length, p50: percentile(l, 50), p99: percentile(l, 99) };
  }
  return { requests: samples.length, rps: samples.length / (wallMs / 1000), p50: percentile(lat, 50), p90: percentile(lat, 90), p99: percentile(lat, 99), max: lat.at(-1) ?? NaN, errors: samples.filter((s) => !ok(s)).length, byKind };
}

async function benchHello(): Promise<Result> {
  const port = await freePort();
  const { child, log } = startChild(["bench/hello.mjs"], { PORT: String(port) });
  const http = leanClient(`http://127.0.0.1:${port}`);
  try {
    await waitHealthy(`http://127.0.0.1:${port}/`, child, log);
    const send = async () => ({ ...(await http.call("/")), nonce: "" });
    await load(() => ({ kind: "hello", send }), 2); // warm-up
    const { samples, wallMs } = await load(() => ({ kind: "hello", send }), SECONDS);
    return summarise(samples, wallMs, (s) => s.status === 200 && s.body === "Hello Hono!");
  } finally {
    http.close();
    child.kill();
  }
}

/**
 * The durable commit ceiling: a tight loop of two-row commits on ONE plain connection (no group commit) to a
 * migrated file with the production pragmas (WAL, synchronous=FULL), each awaited before the next.
 */
async function commitCeiling(seconds: number): Promise<{ commits: number; perSecond: number }> {
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-ceiling-"));
  const { db, close } = await openNodeDb(`file:${join(dir, "ceiling.db")}`, undefined, { groupCommit: false });
  try {
    await migrateNodeDb(db);
    const row = (k: string) => db.insert(inbox).values({ key: k, receivedAt: 1, replies: [] });
    for (let i = 0; i < 200; i++) await commit(db, [row(`w${i}a`), row(`w${i}b`)]); // warm-up
    let n = 0;
    const t0 = performance.now();
    const deadline = t0 + seconds * 1000;
    while (performance.now() < deadline) {
      await commit(db, [row(`c${n}a`), row(`c${n}b`)]);
      n++;
    }
    return { commits: n, perSecond: n / ((performance.now() - t0) / 1000) };
  } finally {
    close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same loop on a plain @libsql/client connection in a process of its own (bench/plain-commit.mjs). */
function plainCommitCeiling(seconds: number): { commits: number; perSecond: number } {
  return JSON.parse(execFileSync(process.execPath, [join(ROOT, "bench/plain-commit.mjs"), String(seconds)], { cwd: ROOT, encoding: "utf8" })) as { commits: number; perSecond: number };
}

/** People and groups of the seeded demo district, with unit names, read from the server's database file. */
async function demoDirectory(file: string) {
  const { db, close } = await openNodeDb(`file:${file}`);
  try {
    const unitName = new Map((await db.select({ id: units.id, name: units.name }).from(units)).map((u) => [u.id, u.name]));
    const nameOf = (id: number | null) => (id ? (unitName.get(id) ?? null) : null);
    return {
      people: (await db.select().from(people).where(eq(people.active, true))).map((p) => ({ userId: p.userId, unit: nameOf(p.unitId), roles: p.roles })),
      groups: (await db.select().from(groups)).map((g) => ({ chatId: g.chatId, purpose: g.purpose, unit: nameOf(g.unitId) })),
      inProgress: (await db.select({ id: cases.id, unit: cases.leadUnitId }).from(cases).where(eq(cases.state, "in_progress"))).map((c) => ({ id: c.id, unit: nameOf(c.unit) })),
    };
  } finally {
    close();
  }
}

async function benchCallback(): Promise<Result & { notes: string[]; r01: Result; reads: Result; writes: Result }> {
  const dir = mkdtempSync(join(tmpdir(), "duban-bench-"));
  // WeCom's API is across the network edge: a loopback stand-in answers robot sends with errcode 0.
  const fakeApi = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":0,"errmsg":"ok"}'));
  });
  await new Promise<void>((r) => fakeApi.listen(0, "127.0.0.1", r));
  const apiBase = `http://127.0.0.1:${(fakeApi.address() as { port: number }).port}`;
  const port = await freePort();
  const { child, log } = startChild(["bin/duban.js", "serve"], {
    PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "duban.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: process.env.BENCH_TIMELINE ? "info" : "warn",
    WECOM_MODE: "callback", WECOM_TOKEN: TEST_TOKEN, WECOM_ENCODING_AES_KEY: TEST_AES_KEY, WECOM_BOT_ID: "BENCHBOT", WECOM_API_BASE: apiBase,
    SESSION_SECRET: "b".repeat(40), DEMO_SEED: "true", // the demo district; its people are read from the file below
  });
  const base = `http://127.0.0.1:${port}`;
  const http = leanClient(base);
  try {
    await waitHealthy(`${base}/healthz`, child, log);
    // The demo district seeded on first start: a dispatcher in the command group, officers in their unit groups.
    const dir0 = await demoDirectory(join(dir, "duban.db")); // the simulator (and its directory) is local mode only
    const dispatcher = dir0.people.find((p) => p.roles.includes("dispatcher"))!;
    const command = dir0.groups.find((g) => g.purpose === "command")!;
    const unitGroups = dir0.groups.filter((g) => g.purpose === "unit" && g.unit);
    const officers = unitGroups.flatMap((g) => dir0.people.filter((p) => p.unit === g.unit && p.roles.includes("officer")).map((p) => ({ p, g })));
    let seq = 0;
    let caseNo = 0;
    const msg = (userid: string, chatid: string, content: string) => ({
      msgid: `bench-${++seq}-${process.pid}`, aibotid: "BENCHBOT", chatid, chattype: "group", from: { userid },
      response_url: `${apiBase}/cgi-bin/aibot/response?response_code=rc-${seq}`, msgtype: "text", text: { content: `@督办助手 ${content}` },
    });
    // A dispatcher's and an officer's working day in miniature: new cases, lookups, to-do lists, standings.
    const mix = [
      { kind: "交办", make: () => { const g = unitGroups[seq % unitGroups.length]; return msg(dispatcher.userId, command.chatId, `交办 压测点位${seq}号餐饮店油烟扰民 给 ${g.unit} 限 5个工作日`); } },
      { kind: "查", make: () => msg(dispatcher.userId, command.chatId, `查 #${1 + (caseNo++ % 40)}`) },
      { kind: "我的", make: () => { const o = officers[seq % officers.length]; return msg(o.p.userId, o.g.chatId, "我的"); } },
      { kind: "统计", make: () => msg(dispatcher.userId, command.chatId, "统计") },
    ];
    // 进展 on in-progress cases by an officer of the lead unit, in the unit's group: each request changes a case.
    const progressTargets = dir0.inProgress.flatMap((c) => {
      const g = unitGroups.find((u) => u.unit === c.unit);
      const o = officers.find((x) => x.p.unit === c.unit);
      return g && o ? [{ id: c.id, userId: o.p.userId, chatId: g.chatId }] : [];
    });
    const progress = { kind: "进展", make: () => { const t = progressTargets[seq % progressTargets.length]; return msg(t.userId, t.chatId, `进展 #${t.id} 压测第${seq}次：已现场检查，整改进行中`); } };
    const readMine = mix[2];
    const send = (m: { kind: string; make: () => Record<string, unknown> }) => {
      const sealed = sealCallback(m.make(), { timestamp: Math.floor(Date.now() / 1000) });
      return {
        kind: m.kind,
        send: async () => {
          return { ...(await http.call(`/wecom/callback?${sealed.query}`, sealed.body)), nonce: sealed.nonce };
        },
      };
    };
    const phase = async (pick: () => { kind: string; make: () => Record<string, unknown> }) => {
      const warm = await load(() => send(pick()), 2); // warm-up: JIT, statement cache, page cache
      // The run's callbacks are sealed before it starts (1.5 × the warm-up's rate), so the load generator spends
      // the run's CPU on HTTP only, as in the bare-Hono run; should the pool run dry, the rest are sealed as sent.
      const pool = Array.from({ length: Math.ceil((warm.samples.length / 2) * SECONDS * 1.5) }, () => send(pick()));
      let next = 0;
      return load(() => pool[next++] ?? send(pick()), SECONDS);
    };
    const reads = runs("reads") ? await phase(() => readMine) : NONE;
    const writes = runs("writes") ? await phase(() => progress) : NONE;
    let turn = 0;
    const { samples, wallMs } = runs("mixed") ? await phase(() => mix[turn++ % mix.length]) : NONE;
    // R01: every request a 交办, which writes a case, its timeline, audit and outbox rows.
    const assign = mix[0];
    const r01 = runs("r01") ? await openLoop(() => send(assign), R01_RATE, R01_SECONDS) : NONE;
    const notes: string[] = [];
    const ok = (s: Sample) => {
      if (s.status !== 200) return false;
      try {
        const { json } = openReply(s.body, s.nonce);
        const content = JSON.stringify(json);
        if (s.kind === "进展" && !content.includes("已记录")) return false;
        return json.msgtype === "stream" && !content.includes("未登记") && !content.includes("用法：");
      } catch {
        return false;
      }
    };
    for (const [what, run] of [["我的", reads], ["进展", writes], ["mixed", { samples, wallMs }], ["R01", r01]] as const) {
      const bad = run.samples.find((x) => !ok(x));
      if (bad) notes.push(`first rejected answer in the ${what} run (${bad.kind}, HTTP ${bad.status}): ${bad.body.slice(0, 200)}`);
    }
    notes.push(`进展 spread over ${progressTargets.length} in-progress demo cases (concurrent changes to one case conflict and are retried).`);
    return { ...summarise(samples, wallMs, ok), notes, r01: summarise(r01.samples, r01.wallMs, ok), reads: summarise(reads.samples, reads.wallMs, ok), writes: summarise(writes.samples, writes.wallMs, ok) };
  } finally {
    http.close();
    child.kill();
    if (child.exitCode === null) await new Promise((r) => child.once("exit", r)); // its last words (DUBAN_STMT_TIMER) too
    if (process.env.BENCH_TIMELINE) writeFileSync(process.env.BENCH_TIMELINE, log(true));
    await new Promise<void>((r) => fakeApi.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}


const loadBefore = loadavg()[0];
if (ONLY?.has("hello")) {
  const h = await benchHello();
  console.log(`hello: ${fmt(h.rps)} req/s, p99 ${fmt(h.p99)} ms`);
  process.exit(0);
}
if (ONLY) {
  const cb = await benchCallback();
  for (const [name, r] of [["我的", cb.reads], ["进展", cb.writes], ["mixed", cb], ["R01", cb.r01]] as const) {
    if (r.requests) console.log(`${name}: ${r.requests} requests, ${fmt(r.rps)} req/s, p50 ${fmt(r.p50)} ms, p90 ${fmt(r.p90)} ms, p99 ${fmt(r.p99)} ms, max ${fmt(r.max)} ms, ${r.errors} rejected`);
  }
  for (const n of cb.notes) console.log(n);
  process.exit(cb.errors || cb.r01.errors || cb.reads.errors || cb.writes.errors ? 1 : 0);
}
const hello = await benchHello();
const plain = plainCommitCeiling(5);
const ceiling = await commitCeiling(5);
const cb = await benchCallback();
const pct = (x: number, of: number) => `${fmt((100 * x) / of)} %`;
const row = (name: string, r: Result) => `| ${name} | ${r.requests} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${fmt(r.max)} | ${r.errors} |`;
const section = [
  "## WeCom callbacks (`bench/callback.ts`)",
  "",
  `Measured ${machine()}; ${CONNECTIONS} connections, ${SECONDS} s per run after a 2 s warm-up, closed loop.`,
  `Machine load (1-minute load average) before the run ${fmt(loadBefore)}, after it ${fmt(loadavg()[0])}: this host is shared, so other work may have taken CPU during the run.`,
  "",
  "| run | requests | throughput (req/s) | p50 (ms) | p99 (ms) | max (ms) | rejected |",
  "|---|---:|---:|---:|---:|---:|---:|",
  row("Hono hello-world (`bench/hello.mjs`)", hello),
  row("`duban serve`, reads: 我的", cb.reads),
  row("`duban serve`, state changes: 进展", cb.writes),
  row("`duban serve`, mixed 交办/查/我的/统计", cb),
  "",
  `Ceilings measured in the same run: bare Hono ${fmt(hello.rps)} req/s; one connection's durable two-row commits, a tight loop`,
  `each awaited before the next on a file with WAL and synchronous=FULL: ${fmt(ceiling.perSecond)} commits/s through Duban's own`,
  `\`commit()\` on one connection without group commit (its statement cache keeps the prepared statements), and`,
  `${fmt(plain.perSecond)} commits/s on a plain @libsql/client connection (\`bench/plain-commit.mjs\`, its own process; the issue measured 2.3 k/s).`,
  "",
  "| ratio | measured | goal (issue 12) |",
  "|---|---:|---:|",
  `| 我的 ÷ bare Hono | ${pct(cb.reads.rps, hello.rps)} | ≥ 10 % |`,
  `| 进展 ÷ single-connection commit ceiling (Duban's \`commit()\`) | ${pct(cb.writes.rps, ceiling.perSecond)} | ≥ 100 % |`,
  `| 进展 ÷ single-connection commit ceiling (plain @libsql/client) | ${pct(cb.writes.rps, plain.perSecond)} | ≥ 100 % |`,
  `| p99 我的 / 进展 | ${fmt(cb.reads.p99)} / ${fmt(cb.writes.p99)} ms | ≤ 50 ms |`,
  "",
  `Reliability R01 (open loop, ${R01_RATE} 交办 callbacks per second for ${R01_SECONDS} s, each writing a case): ${cb.r01.requests} requests,`,
  `p50 ${fmt(cb.r01.p50)} ms, p99 ${fmt(cb.r01.p99)} ms, max ${fmt(cb.r01.max)} ms, ${cb.r01.errors} rejected (${fmt((100 * cb.r01.errors) / Math.max(1, cb.r01.requests))}%) —`,
  `${cb.r01.p99 <= 1000 && cb.r01.max <= 3000 && cb.r01.errors / Math.max(1, cb.r01.requests) < 0.001 ? "within" : "**outside**"} the bar of p99 ≤ 1000 ms, max ≤ 3000 ms, < 0.1 % failures.`,
  "",
  "Per command (mixed run):",
  "",
  "| command | requests | p50 (ms) | p99 (ms) |",
  "|---|---:|---:|---:|",
  ...Object.entries(cb.byKind).map(([k, v]) => `| ${k} | ${v.n} | ${fmt(v.p50)} | ${fmt(v.p99)} |`),
  "",
  "Method: both servers run as child processes of the load generator on the same machine in the same run; the",
  "load generator shares the CPU with them. It speaks HTTP/1.1 on raw keep-alive sockets (`bench/http-client.ts`, ~20 µs",
  "of CPU per request): with fetch it spent ~0.24 ms per request and capped bare Hono at ~9 k req/s, so the ceiling",
  "measured the client. The server runs SQLite on its database threads (docs/architecture.md). Each callback",
  "is a real smart-bot message (unique `msgid` and nonce, current timestamp) sealed with the official `@wecom/crypto`",
  "package before it is timed (a closed-loop run's callbacks all before the run, so that during it the load generator",
  "does HTTP only, as against bare Hono); the server verifies the signature, checks the replay window, decrypts, validates,",
  "dedupes in the database, runs the command through the same pipeline as every channel, commits its writes",
  "(交办 writes the case, timeline, audit and outbox rows in one batch) and answers with an encrypted finished",
  "stream. Afterwards every answer is opened and its signature checked; \"rejected\" counts answers that were not a",
  "correctly signed bot reply to a valid command. The demo district (seeded on first start) provides the people,",
  "groups and cases; WeCom's API is a loopback stand-in that answers robot sends with errcode 0. The server",
  "group-commits (docs/architecture.md, \"Group commit\"): concurrent commands' batches share one durable COMMIT,",
  "and a request is answered only after the COMMIT that holds its writes returned.",
  ...(cb.notes.length ? ["", ...cb.notes.map((n) => `Note: ${n}`)] : []),
].join("\n");

writeSection("callback", section);
console.log(section);
if (cb.errors || cb.r01.errors || cb.reads.errors || cb.writes.errors) process.exitCode = 1;
