/**
 * R27 crash drill: 20 cycles of a 1,000-command load against `duban serve`, each cut by SIGKILL at a random
 * moment, then the file is opened and checked and the server restarted. Writes its section of docs/performance.md.
 * Run: npm run bench:crash [-- --cycles 20 --commands 1000 --clients 32]
 * 32 concurrent clients by default, so the server group-commits several commands in each transaction.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { commandTarget, deliveryCounts, inspect, load, sleep, startChild } from "../test/helpers/crash.js";
import { machine, writeSection } from "./report.js";

const { values } = parseArgs({ options: { cycles: { type: "string", default: "20" }, commands: { type: "string", default: "1000" }, clients: { type: "string", default: "32" } } });
const cycles = Number(values.cycles);
const commands = Number(values.commands);
const clients = Number(values.clients);
const dir = mkdtempSync(join(tmpdir(), "duban-crash-bench-"));
const rows: string[] = [];
let failures = 0;
let acknowledged = 0;
let restartMs = 0;
try {
  for (let c = 1; c <= cycles; c++) {
    const t0 = performance.now();
    const child = await startChild(dir);
    restartMs = Math.max(restartMs, performance.now() - t0);
    const target = await commandTarget(child.url);
    const startedAt = performance.now();
    const running = load(child.url, target, commands, clients);
    const killAfter = Math.round(200 + Math.random() * 4800); // a 1,000-command load lasts ~5 s here
    await sleep(killAfter);
    child.proc.kill("SIGKILL");
    await child.exited;
    const acked = await running;
    const ranMs = performance.now() - startedAt;
    acknowledged += acked.length;
    const r = await inspect(dir, acked);
    const q = await deliveryCounts(dir);
    const ok = r.integrity === "ok" && r.missing.length === 0 && r.withoutEvent === 0 && r.orphanOutbox === 0 && r.chain === "ok";
    if (!ok) failures++;
    rows.push(`| ${c} | ${killAfter} | ${Math.round(ranMs)} | ${acked.length} | ${r.cases} | ${r.integrity} | ${r.missing.length} | ${r.orphanOutbox} | ${r.chain} | ${q.queued}/${q.claimed} |`);
    console.log(rows.at(-1));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

writeSection(
  "crash",
  `### R27 crash drill (bench/crash.ts)

Measured ${machine()}; ${cycles} cycles, each a load of up to ${commands} 交办 commands from ${clients} concurrent simulator clients against \`duban serve\` (local mode, embedded libSQL, \`synchronous=FULL\`), cut by SIGKILL at a random moment.

| cycle | kill after (ms) | load ran (ms) | commands acknowledged | cases in file | integrity_check | acknowledged but missing | orphan outbox rows | audit chain | outbox queued/claimed at kill |
|---:|---:|---:|---:|---:|---|---:|---:|---|---|
${rows.join("\n")}

Cycles failing any check: **${failures} of ${cycles}**; commands acknowledged in all: ${acknowledged}. Slowest restart to listening: ${Math.round(restartMs)} ms.

Method: after each kill the file is opened in the bench process (WAL recovery), \`PRAGMA integrity_check\` is read, every case number
a client got back in a reply is looked up with its \`created\` event, outbox rows are matched to their cases, the audit rows are
sealed and the hash chain verified; then the next cycle restarts the server on the same file, whose start sends what was queued.
The queued column grows because group messages leave at WeCom's pace, 18 a minute per robot (R16), far slower than a
synthetic load of 200 交办 a second; none is lost. With group commit (docs/architecture.md) concurrent commands share a transaction, and a reply leaves only after its COMMIT returned. This proves app-crash durability only; power-loss durability rests on \`synchronous=FULL\` and the storage (R27 note).`,
);
console.log(`${failures} failing cycles of ${cycles}`);
process.exit(failures ? 1 : 0);
