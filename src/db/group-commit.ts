/**
 * Group commit for the embedded libSQL file (Node only; D1 and libSQL over HTTP keep their plain path).
 *
 * Callers keep calling `client.batch()` (drizzle's `db.batch`, hence `commit()`): every write batch joins the next
 * group, and one group is ONE transaction (`BEGIN IMMEDIATE` … `COMMIT`, one fsync under synchronous=FULL) with
 * each batch inside its own SAVEPOINT. A batch whose statement fails (version guard, unique key, constraint,
 * trigger) is rolled back to its savepoint and only its caller gets the error; the rest of the group commits.
 * Promises resolve only after the group's COMMIT returned, so an acknowledged command is durable.
 *
 * A group is cut when the event loop has run once since its first batch (setImmediate) or after `windowMs`; the
 * libsql binding is synchronous, so everything that arrives while a group commits lands in the next one.
 * Read-only statements go to a second connection (WAL readers see every committed transaction and never wait
 * for the writer); statements that cannot run inside a transaction (PRAGMA, VACUUM, …) and migrations run alone
 * on the writer between groups.
 */
import type { Client, InStatement, ResultSet, Transaction, TransactionMode } from "@libsql/client";
import { leavesConnectionDirty, worthRetry } from "./node-connection.js";

export type StatementKind = "read" | "write" | "alone";

const ALONE = /^\s*(pragma|vacuum|begin|commit|rollback|end|savepoint|release|attach|detach|analyze|reindex)\b/i;
// A WITH … SELECT (the aggregates' materialized groups) is a read too; WITH … INSERT has a write word.
const READ = /^\s*(select|values|with)\b/i;
const WRITE_WORD = /\b(insert|update|delete|replace)\b/i;

/** Where a statement runs. Only plain selects (and WITH … SELECT) count as reads; anything doubtful goes to the writer. */
export function statementKind(sql: string): StatementKind {
  if (ALONE.test(sql)) return "alone";
  if (READ.test(sql) && !WRITE_WORD.test(sql)) return "read";
  return "write";
}

const sqlOf = (s: InStatement): string => (typeof s === "string" ? s : Array.isArray(s) ? String(s[0]) : s.sql);

export type GroupCommitStats = {
  /** COMMITs of groups: N concurrent batches that shared one transaction count once. */
  commits: number;
  /** Write batches (and single write statements) committed. */
  batches: number;
  /** Batches rolled back to their savepoint while their group committed. */
  rolledBack: number;
  largestGroup: number;
  /** Statements answered by the read connection. */
  reads: number;
};

export type GroupCommitOptions = {
  /** 0: cut the group after one turn of the event loop; > 0: wait this long for more batches. */
  windowMs?: number;
  /** Most batches in one transaction, so a burst cannot make one COMMIT wait for thousands. */
  maxGroup?: number;
  /** Replace the writer's connection (node-connection.ts) after an error that can leave it dirty (R26). */
  resetWriter?: () => Promise<void>;
};

type Entry = { stmts: InStatement[]; resolve: (r: ResultSet[]) => void; reject: (e: unknown) => void };

export type GroupCommitClient = { client: Client; stats: () => GroupCommitStats };

/** Wrap `writer` (and `reader`, a second connection to the same WAL file) into one Client with group commit. */
export function groupCommitClient(writer: Client, reader: Client, opts: GroupCommitOptions = {}): GroupCommitClient {
  const windowMs = opts.windowMs ?? 0;
  const maxGroup = opts.maxGroup ?? 512;
  const stats: GroupCommitStats = { commits: 0, batches: 0, rolledBack: 0, largestGroup: 0, reads: 0 };
  let queue: Entry[] = [];
  let scheduled = false;
  // Groups and lone writer work run strictly one after another on the writer.
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;

  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined);
    return run;
  };
  const tick = () => new Promise<void>((r) => (windowMs > 0 ? setTimeout(r, windowMs) : setImmediate(r)));

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    void serial(async () => {
      await tick();
      scheduled = false;
      const group = queue.slice(0, maxGroup);
      queue = queue.slice(group.length);
      if (queue.length) schedule();
      // Never leave a caller hanging: whatever escapes still settles every batch of the group (a no-op for settled ones).
      await runGroup(group, 0).catch((e: unknown) => group.forEach((g) => g.reject(e)));
    });
  }

  const afterFailure = async (e: unknown) => {
    if (leavesConnectionDirty(e) && !writer.closed) await opts.resetWriter?.().catch(() => undefined);
  };

  /** One transaction for the whole group; each batch in its own savepoint. */
  async function runGroup(group: Entry[], attempt: number): Promise<void> {
    if (!group.length) return;
    stats.largestGroup = Math.max(stats.largestGroup, group.length);
    let tx: Transaction;
    try {
      tx = await writer.transaction("write"); // BEGIN IMMEDIATE: a second process waits on busy_timeout, never on a stale snapshot
    } catch (e) {
      await afterFailure(e);
      if (attempt === 0 && worthRetry(e) && !writer.closed) return runGroup(group, 1);
      for (const g of group) g.reject(e);
      return;
    }
    const done: { entry: Entry; results: ResultSet[] }[] = [];
    const failed = new Set<Entry>(); // told of their own error already
    let again: Entry[] = [];
    let nextAttempt = attempt; // a batch dropped from the group is progress; a retry of the same group is not
    try {
      for (let i = 0; i < group.length; i++) {
        const entry = group[i];
        await tx.execute("SAVEPOINT g");
        try {
          const results: ResultSet[] = [];
          for (const s of entry.stmts) results.push(await tx.execute(s));
          await tx.execute("RELEASE g");
          done.push({ entry, results });
        } catch (e) {
          failed.add(entry);
          entry.reject(e);
          if (tx.closed) {
            // The error ended the whole transaction (ON CONFLICT ROLLBACK, RAISE(ROLLBACK), I/O): this batch
            // fails; the others did not commit and run again without it.
            again = [...done.map((d) => d.entry), ...group.slice(i + 1)];
            done.length = 0;
            break;
          }
          await tx.execute("ROLLBACK TO g");
          await tx.execute("RELEASE g");
          stats.rolledBack++;
        }
      }
      if (done.length) {
        await tx.commit();
        stats.commits++;
        stats.batches += done.length;
        for (const d of done) d.entry.resolve(d.results);
      } else tx.close();
    } catch (e) {
      // SAVEPOINT, RELEASE or COMMIT failed: nothing of this group is committed.
      try {
        tx.close();
      } catch {
        // the connection is gone; the reset below replaces it
      }
      await afterFailure(e);
      // Every batch not yet told of its own error: those done so far and those the failure stopped before.
      const pending = group.filter((g) => !failed.has(g));
      again = attempt === 0 && worthRetry(e) && !writer.closed ? pending : [];
      nextAttempt = 1;
      if (!again.length) for (const p of pending) p.reject(e);
    }
    if (again.length) await runGroup(again, nextAttempt);
  }

  function submit(stmts: InStatement[]): Promise<ResultSet[]> {
    if (closed) return Promise.reject(Object.assign(new Error("The client is closed"), { code: "CLIENT_CLOSED" }));
    return new Promise((resolve, reject) => {
      queue.push({ stmts, resolve, reject });
      schedule();
    });
  }

  const client = {
    protocol: "file",
    get closed() {
      return closed;
    },
    async execute(stmt: InStatement | string, args?: unknown) {
      const s = (typeof stmt === "string" ? { sql: stmt, args: args ?? [] } : stmt) as InStatement;
      const kind = statementKind(sqlOf(s));
      if (kind === "read") {
        stats.reads++;
        return reader.execute(s);
      }
      if (kind === "alone") return serial(() => writer.execute(s));
      return (await submit([s]))[0];
    },
    async batch(stmts: InStatement[], mode?: TransactionMode) {
      if (stmts.length && (mode === "read" || stmts.every((s) => statementKind(sqlOf(s)) === "read"))) {
        stats.reads += stmts.length;
        return reader.batch(stmts, "deferred"); // one snapshot for all of them
      }
      if (stmts.some((s) => statementKind(sqlOf(s)) === "alone")) return serial(() => writer.batch(stmts, "write"));
      return submit(stmts);
    },
    migrate: (stmts: InStatement[]) => serial(() => writer.migrate(stmts)),
    executeMultiple: (sql: string) => serial(() => writer.executeMultiple(sql)),
    /** An interactive transaction holds the writer: groups wait until it settles. */
    transaction(mode: TransactionMode = "write"): Promise<Transaction> {
      return new Promise((resolve, reject) => {
        void serial(async () => {
          let tx: Transaction;
          try {
            tx = await writer.transaction(mode);
          } catch (e) {
            reject(e);
            return;
          }
          let settle!: () => void;
          const held = new Promise<void>((r) => (settle = r));
          const ending = <R>(f: () => R): R => {
            try {
              const r = f();
              if (r instanceof Promise) return r.finally(settle) as R;
              settle();
              return r;
            } catch (e) {
              settle();
              throw e;
            }
          };
          resolve({
            execute: (s: InStatement) => tx.execute(s),
            batch: (s: InStatement[]) => tx.batch(s),
            executeMultiple: (sql: string) => tx.executeMultiple(sql),
            commit: () => ending(() => tx.commit()),
            rollback: () => ending(() => tx.rollback()),
            close: () => ending(() => tx.close()),
            get closed() {
              return tx.closed;
            },
          } as Transaction);
          await held;
        });
      });
    },
    sync: () => writer.sync(),
    async reconnect() {
      await serial(async () => {
        await writer.reconnect();
        await reader.reconnect();
      });
    },
    close() {
      closed = true;
      writer.close();
      reader.close();
    },
  };
  return { client: client as unknown as Client, stats: () => ({ ...stats }) };
}
