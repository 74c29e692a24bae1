/**
 * Crash drills (R15, R27): a real `duban serve` child process takes 交办 commands from several clients and is
 * killed with SIGKILL at a random moment; the database is then opened and checked, and the server restarted.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { openNodeDb } from "../../src/db/open-node.js";
import { sealAudit, verifyAudit } from "../../src/db/audit-chain.js";

const BIN = new URL("../../bin/duban.js", import.meta.url).pathname;

export type Child = { url: string; proc: ChildProcess; exited: Promise<unknown> };

/** `duban serve` in local mode (simulator on, demo district seeded) on a free port; resolves when it listens. */
export function startChild(dir: string): Promise<Child> {
  const env: Record<string, string | undefined> = { ...process.env, PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "crash.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error", WECOM_MODE: "off" };
  const proc = spawn(process.execPath, [BIN, "serve"], { env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((r) => proc.once("exit", r));
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${err || out}`)), 60_000);
    proc.stderr!.on("data", (d) => (err += d));
    proc.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], proc, exited });
      }
    });
    proc.once("exit", (code) => reject(new Error(`server exited (${code}) before listening: ${err || out}`)));
  });
}

type Target = { userId: string; chatId: string; units: string[] };

/** The demo district's dispatcher, command group and units, from the simulator's directory. */
export async function commandTarget(url: string): Promise<Target> {
  const d = (await (await fetch(`${url}/sim/directory`)).json()) as {
    people: { userId: string; roles: string[] }[];
    groups: { chatId: string; purpose: string; unit: string | null }[];
  };
  const units = d.groups.filter((g) => g.purpose === "unit" && g.unit).map((g) => g.unit!);
  return { userId: d.people.find((p) => p.roles.includes("dispatcher"))!.userId, chatId: d.groups.find((g) => g.purpose === "command")!.chatId, units };
}

/**
 * `clients` loops send 交办 until `total` were sent or the server dies. Returns the case numbers whose reply came
 * back: those are acknowledged to their sender and must survive any crash.
 */
export async function load(url: string, t: Target, total: number, clients = 4): Promise<number[]> {
  const acked: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < total) {
      const i = next++;
      try {
        const res = await fetch(`${url}/sim/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ chatId: t.chatId, userId: t.userId, text: `@督办助手 交办 崩溃演练第${i}件 某餐馆油烟扰民 给 ${t.units[i % t.units.length]} 限 5个工作日`, msgId: `crash-${Date.now()}-${i}` }),
        });
        const body = (await res.json()) as { replies: string[] };
        const m = /已交办[^#]*#(\d+)/.exec(body.replies.join("\n"));
        if (m) acked.push(Number(m[1]));
      } catch {
        return; // connection refused or reset: the server is gone
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return acked;
}

export type Inspection = { integrity: string; missing: number[]; withoutEvent: number; orphanOutbox: number; chain: string; pending: number; cases: number };

/** Open the file the dead server left (WAL recovery happens here) and check what R27 asks. */
export async function inspect(dir: string, acked: number[]): Promise<Inspection> {
  const store = await openNodeDb(`file:${join(dir, "crash.db")}`);
  try {
    const db = store.db;
    const integrity = (await db.all<Record<string, unknown>>(sql`pragma integrity_check`)).map((r) => String(Object.values(r)[0])).join("; ");
    const ids = new Set((await db.all<{ id: number }>(sql`select id from cases`)).map((r) => r.id));
    const missing = acked.filter((id) => !ids.has(id));
    const [{ n: withoutEvent }] = await db.all<{ n: number }>(sql`select count(*) as n from cases c where not exists (select 1 from case_events e where e.case_id = c.id and e.kind = 'created')`);
    const [{ n: orphanOutbox }] = await db.all<{ n: number }>(sql`select count(*) as n from outbox o where o.case_id is not null and not exists (select 1 from cases c where c.id = o.case_id)`);
    const [{ n: pending }] = await db.all<{ n: number }>(sql`select count(*) as n from outbox where status <> 'sent' and status <> 'failed'`);
    await sealAudit(db, Date.now(), 1_000_000);
    const v = await verifyAudit(db);
    return { integrity, missing, withoutEvent, orphanOutbox, chain: v.ok ? "ok" : JSON.stringify(v), pending, cases: ids.size };
  } finally {
    store.close();
  }
}

/**
 * The outbox by state. `claimed` rows were taken by a sender that was killed: they may have gone out (the R18
 * ambiguity), so they wait for their claim to lapse and are sent again — `resent` counts sends after a claim.
 */
export async function deliveryCounts(dir: string): Promise<{ queued: number; claimed: number; sent: number; resent: number }> {
  const store = await openNodeDb(`file:${join(dir, "crash.db")}`);
  try {
    const [r] = await store.db.all<Record<string, number | null>>(
      sql`select sum(status = 'pending') as queued, sum(status = 'sending') as claimed, sum(status = 'sent') as sent, sum(status = 'sent' and attempts > 1) as resent from outbox`,
    );
    return { queued: Number(r.queued ?? 0), claimed: Number(r.claimed ?? 0), sent: Number(r.sent ?? 0), resent: Number(r.resent ?? 0) };
  } finally {
    store.close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
