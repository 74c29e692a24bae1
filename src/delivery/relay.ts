/**
 * Drains the outbox. Each destination ("robot") has its own ordered queue; queues run side by side so a slow
 * or rate-limited robot never holds up another (R16, R18). Rate and pauses live in the database, so every
 * process and isolate shares them.
 */
import { and, asc, eq, gt, inArray, lt, lte, sql } from "drizzle-orm";
import { leases, outbox, robotSends } from "../db/schema.js";
import { commit, insertAudit } from "../db/write.js";
import type { Deps } from "../deps.js";
import type { Chunk, OutboxPayload } from "./types.js";

export const MAX_ATTEMPTS = 10;
export const WINDOW_MS = 60_000;
export const MAX_PER_WINDOW = 18; // WeCom and DingTalk allow 20 a minute per robot; keep a margin (R16)
const CLAIM_MS = 60_000; // a claimed row whose sender died becomes due again after this
const BASE_MS = 5_000;
const CAP_MS = 600_000;

type Row = typeof outbox.$inferSelect;
type RelayDeps = Pick<Deps, "db" | "deliver" | "log" | "clock">;
export type DrainResult = { sent: number; retried: number; failed: number; deferred: number };

/** Full-jitter exponential backoff: uniform in [0, min(cap, base·2^(attempt-1))], at least 1 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.max(1_000, Math.floor(random() * ceiling));
}

// A response_url is single-use and a credential: its "robot" is its row, so the URL never lands in robot_sends.
const robotOf = (r: Row) => (r.channel === "response_url" ? `response_url:${r.id}` : `${r.channel}:${r.target}`);
const pauseName = (robot: string) => `pause:${robot}`;

/** Reserve one send in the robot's sliding window; one statement, so two relays cannot both take the last slot. */
async function reserve(deps: RelayDeps, robot: string, now: number): Promise<number | "ok"> {
  const res = await deps.db.run(
    sql`insert into robot_sends (robot, at) select ${robot}, ${now} where (select count(*) from robot_sends where robot = ${robot} and at > ${now - WINDOW_MS}) < ${MAX_PER_WINDOW}`,
  );
  if (Number((res as { rowsAffected?: number; meta?: { changes?: number } }).rowsAffected ?? (res as { meta?: { changes?: number } }).meta?.changes ?? 0) > 0) return "ok";
  const [oldest] = await deps.db
    .select({ at: robotSends.at })
    .from(robotSends)
    .where(and(eq(robotSends.robot, robot), gt(robotSends.at, now - WINDOW_MS)))
    .orderBy(asc(robotSends.at))
    .limit(1);
  return (oldest?.at ?? now) + WINDOW_MS + 1;
}

async function pausedUntil(deps: RelayDeps, robot: string, now: number): Promise<number | undefined> {
  const [p] = await deps.db.select().from(leases).where(eq(leases.name, pauseName(robot)));
  return p && p.expiresAt > now ? p.expiresAt : undefined;
}

async function pause(deps: RelayDeps, robot: string, until: number): Promise<void> {
  await deps.db
    .insert(leases)
    .values({ name: pauseName(robot), holder: "relay", expiresAt: until })
    .onConflictDoUpdate({ target: leases.name, set: { expiresAt: until } });
}

/** Keep a robot's later messages behind the one that has to wait, so a group reads them in order. */
const holdBack = (deps: RelayDeps, row: Row, until: number) =>
  deps.db
    .update(outbox)
    .set({ nextAttemptAt: sql`max(${outbox.nextAttemptAt}, ${until})` })
    .where(and(eq(outbox.channel, row.channel), eq(outbox.target, row.target), eq(outbox.status, "pending"), gt(outbox.id, row.id)));

const defer = (deps: RelayDeps, id: number, until: number) => deps.db.update(outbox).set({ status: "pending", nextAttemptAt: until }).where(eq(outbox.id, id));

/** Never silently dropped: the row stays visible as failed, with an audit row, for a person to retry (R17). */
async function fail(deps: RelayDeps, row: Row, now: number, attempts: number, error: string, payload: OutboxPayload): Promise<void> {
  await commit(deps.db, [
    deps.db.update(outbox).set({ status: "failed", lastError: error.slice(0, 500), payload }).where(eq(outbox.id, row.id)),
    insertAudit(deps.db, { at: now, actor: "system", action: "outbox.failed", object: `outbox:${row.id}`, result: "failed", detail: { error: error.slice(0, 200), attempts, target: row.channel } }),
  ]);
  deps.log.warn("delivery failed permanently", { outboxId: row.id, channel: row.channel, attempts });
}

/** Send one row, chunk by chunk; what is left after a failure stays in the row for the next attempt (R19). */
async function sendRow(deps: RelayDeps, row: Row, now: number, out: DrainResult): Promise<"continue" | "stop"> {
  const robot = robotOf(row);
  const claimed = await deps.db
    .update(outbox)
    .set({ status: "sending", attempts: sql`${outbox.attempts} + 1`, nextAttemptAt: now + CLAIM_MS })
    .where(and(eq(outbox.id, row.id), eq(outbox.attempts, row.attempts), inArray(outbox.status, ["pending", "sending"])))
    .returning({ attempts: outbox.attempts });
  if (claimed.length === 0) return "continue"; // another relay has it
  const attempts = claimed[0].attempts;
  const payload = row.payload as OutboxPayload;
  // A retry sends exactly what is left from the last attempt; a fresh row is rendered by its platform's channel.
  let chunks: Chunk[];
  try {
    chunks = Array.isArray(payload.chunks) ? payload.chunks : await deps.deliver.render(row);
  } catch (e) {
    await fail(deps, row, now, attempts, `render: ${(e as Error)?.message ?? e}`, payload);
    out.failed++;
    return "continue";
  }
  for (let i = 0; i < chunks.length; i++) {
    const slot = await reserve(deps, robot, now);
    const restPayload = { ...payload, chunks: chunks.slice(i) };
    if (slot !== "ok") {
      // Out of budget for this minute: keep the unsent part, give the attempt back, try when a slot frees.
      await deps.db.update(outbox).set({ status: "pending", nextAttemptAt: slot, attempts: attempts - 1, payload: restPayload }).where(eq(outbox.id, row.id));
      await holdBack(deps, row, slot);
      out.deferred++;
      return "stop";
    }
    const r = await deps.deliver.send(row, chunks[i]).catch((e: unknown) => ({ ok: false as const, retryable: true, error: String(e), pauseMs: 0 }));
    if (r.ok) continue;
    if (r.pauseMs) await pause(deps, robot, now + r.pauseMs);
    if (r.retryable && attempts < MAX_ATTEMPTS) {
      const wait = Math.max(r.pauseMs ?? 0, backoffMs(attempts));
      await deps.db.update(outbox).set({ status: "pending", lastError: r.error.slice(0, 500), nextAttemptAt: now + wait, payload: restPayload }).where(eq(outbox.id, row.id));
      await holdBack(deps, row, now + wait);
      out.retried++;
      return "stop";
    }
    await fail(deps, row, now, attempts, r.error, restPayload);
    out.failed++;
    return "continue"; // a dead message must not block the ones behind it
  }
  await deps.db.update(outbox).set({ status: "sent", sentAt: now, lastError: null }).where(eq(outbox.id, row.id));
  out.sent++;
  return "continue";
}

/** Deliver what is due; each robot's rows in order, robots concurrently. */
export async function drainOutbox(deps: RelayDeps, opts: { now?: number; limit?: number } = {}): Promise<DrainResult> {
  const now = opts.now ?? deps.clock();
  await deps.db.delete(robotSends).where(lt(robotSends.at, now - 10 * WINDOW_MS));
  const due = await deps.db
    .select()
    .from(outbox)
    .where(and(inArray(outbox.status, ["pending", "sending"]), lte(outbox.nextAttemptAt, now)))
    .orderBy(asc(outbox.id))
    .limit(opts.limit ?? 200);
  const queues = new Map<string, Row[]>();
  for (const r of due) queues.set(robotOf(r), [...(queues.get(robotOf(r)) ?? []), r]);
  const out: DrainResult = { sent: 0, retried: 0, failed: 0, deferred: 0 };
  await Promise.all(
    [...queues].map(async ([robot, rows]) => {
      const until = await pausedUntil(deps, robot, now);
      if (until) {
        for (const r of rows) await defer(deps, r.id, until);
        out.deferred += rows.length;
        return;
      }
      for (const r of rows) if ((await sendRow(deps, r, now, out)) === "stop") break;
    }),
  );
  return out;
}

/** A drain in progress per database, and whether more messages were queued since it began. */
const flights = new WeakMap<object, { again: boolean; done: Promise<DrainResult> }>();

/**
 * The pass a command asks for after it queued messages. One at a time per database in this process (or isolate):
 * a request during a pass is served by one more pass after it, so a burst of commands costs one or two passes,
 * not one each (R01: 50 交办 a second with a backlog behind rate-limited robots made every command sweep the
 * whole outbox). The returned promise settles after a pass that began after the call.
 */
export function drainSoon(deps: RelayDeps): Promise<DrainResult> {
  const running = flights.get(deps.db);
  if (running) {
    running.again = true;
    return running.done;
  }
  const flight = { again: false, done: Promise.resolve<DrainResult>({ sent: 0, retried: 0, failed: 0, deferred: 0 }) };
  flight.done = (async () => {
    const total: DrainResult = { sent: 0, retried: 0, failed: 0, deferred: 0 };
    try {
      do {
        flight.again = false;
        const r = await drainOutbox(deps);
        total.sent += r.sent;
        total.retried += r.retried;
        total.failed += r.failed;
        total.deferred += r.deferred;
      } while (flight.again);
      return total;
    } finally {
      flights.delete(deps.db);
    }
  })();
  flights.set(deps.db, flight);
  return flight.done;
}
