// One plain @libsql/client connection's durable two-row commits per second (issue 12's "single-connection commit
// ceiling" as the issue measured it): WAL, synchronous=FULL, each batch awaited before the next, no statement cache
// and no group commit. Run as its own process so Duban's statement cache (installed per process) cannot help it.
//   node bench/plain-commit.mjs <seconds>   → prints {"commits":N,"perSecond":X}
import { createClient } from "@libsql/client";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const seconds = Number(process.argv[2] ?? 5);
const dir = mkdtempSync(join(tmpdir(), "duban-plain-commit-"));
const c = createClient({ url: `file:${join(dir, "c.db")}` });
try {
  for (const p of ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"]) await c.execute(p);
  await c.execute("create table inbox (key text primary key, received_at integer not null, replies text not null)");
  const two = (k) => [0, 1].map((i) => ({ sql: "insert into inbox values (?, ?, ?)", args: [`${k}-${i}`, 1, "[]"] }));
  for (let i = 0; i < 200; i++) await c.batch(two(`w${i}`), "write"); // warm-up
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) await c.batch(two(`c${n++}`), "write");
  console.log(JSON.stringify({ commits: n, perSecond: n / ((performance.now() - t0) / 1000) }));
} finally {
  c.close();
  rmSync(dir, { recursive: true, force: true });
}
