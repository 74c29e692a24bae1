/**
 * The main thread's side of the database threads (db-thread.ts): a `Client` whose every call is a message to the
 * writer thread or, for a plain select, to the reader thread — routed as group-commit.ts routes them — so drizzle,
 * the statement builders and every caller stay as they are. An answer comes back only after the thread's work is
 * done — for a write, after its group's COMMIT — so "acknowledged means durable" holds.
 *
 * The threads start from the compiled bundle (dist/node/db-thread.js) or, when running from source (tests, tsx),
 * from the TypeScript file through tsx's loader. If one dies, every waiting and later call fails with
 * CLIENT_CLOSED and `onExit` is told, so the server can stop instead of answering without a database.
 */
import { Worker } from "node:worker_threads";
import type { Client, InStatement, Transaction, TransactionMode } from "@libsql/client";
import type { DbHealth } from "./node-connection.js";
import { statementKind, type GroupCommitOptions, type GroupCommitStats } from "./group-commit.js";
import { COUNTERS, MANY, errorFromWire, resultFromWire, type ThreadData, type WireError, type WireResult } from "./thread-wire.js";

/** `gone`: told when the thread reports that the call's transaction no longer exists there. */
type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; gone?: () => void };

export type ThreadClient = { client: Client; stats: () => GroupCommitStats; resets: () => number; probe: () => Promise<DbHealth>; threads: Worker[] };

const closedError = () => Object.assign(new Error("The client is closed"), { code: "CLIENT_CLOSED" });

/** Where the thread's code is: beside this module, compiled or not. */
function threadEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith(".ts");
  return { url: new URL(fromSource ? "./db-thread.ts" : "./db-thread.js", import.meta.url), execArgv: fromSource ? ["--import", "tsx"] : [] };
}

type Thread = { worker: Worker; view: Int32Array; call: (op: string, a?: unknown, b?: unknown, gone?: () => void) => Promise<unknown>; isDead: () => boolean };

async function startThread(file: string, role: ThreadData["role"], groupCommit: GroupCommitOptions | undefined, onDeath: (code: number) => void, isClosed: () => boolean): Promise<Thread> {
  // The writer gathers a whole loop turn (a group); the reader only what was asked before the current microtasks
  // end (a command's independent reads, e.g. nonce look, inbox and directory version), so no read waits a turn.
  const flushSoon = role === "writer" ? setImmediate : queueMicrotask;
  const counters = new SharedArrayBuffer(COUNTERS.length * 4);
  const { url, execArgv } = threadEntry();
  const data: ThreadData = { file, role, groupCommit, counters };
  const worker = new Worker(url, { workerData: data, execArgv, stdout: false, stderr: false });
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let dead = false;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: unknown) => reject(e);
    const onExit = (code: number) => reject(new Error(`the database thread stopped while opening the file (exit ${code})`));
    worker.once("error", onError);
    worker.once("exit", onExit);
    worker.once("message", () => {
      worker.off("error", onError);
      worker.off("exit", onExit);
      resolve();
    });
  });
  // The thread keeps the process alive only while a call waits for it.
  worker.unref();
  type Answer = [id: number, ok: boolean, value: unknown, txGone: boolean];
  const settle = ([id, ok, value, txGone]: Answer) => {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    if (!pending.size) worker.unref();
    if (txGone) p.gone?.();
    if (ok) p.resolve(value);
    else p.reject(errorFromWire(value as WireError));
  };
  worker.on("message", (m: Answer) => {
    if (m[0] !== MANY) return settle(m);
    for (const a of m[2] as Answer[]) settle(a);
  });
  worker.on("error", () => undefined); // the exit below settles everything
  worker.on("exit", (code) => {
    dead = true;
    for (const p of pending.values()) p.reject(closedError());
    pending.clear();
    onDeath(code);
  });
  // The writer's calls of one turn of the event loop travel as one message (and come back as one): the thread
  // then queues them in one tick, so they share one group and one COMMIT as they would in process. Reads asked
  // together travel together too: one message and one wake-up of the reader thread instead of three.
  let outgoing: unknown[][] = [];
  const flush = () => {
    const many = outgoing;
    outgoing = [];
    if (!dead) worker.postMessage([MANY, "many", many]);
  };
  const call = (op: string, a?: unknown, b?: unknown, gone?: () => void): Promise<unknown> => {
    if (dead || (isClosed() && op !== "close")) return Promise.reject(closedError());
    const id = nextId++;
    return new Promise((resolve, reject) => {
      if (!pending.size) worker.ref();
      pending.set(id, { resolve, reject, gone });
      if (!outgoing.length) flushSoon(flush);
      outgoing.push([id, op, a, b]);
    });
  };
  return { worker, view: new Int32Array(counters), call, isDead: () => dead };
}

export async function threadClient(file: string, opts: { groupCommit?: GroupCommitOptions; onExit?: (code: number) => void } = {}): Promise<ThreadClient> {
  let closed = false;
  const onDeath = (code: number) => {
    if (!closed) opts.onExit?.(code);
  };
  const writerThread = await startThread(file, "writer", opts.groupCommit, onDeath, () => closed);
  const readerThread = await startThread(file, "reader", undefined, onDeath, () => closed).catch((e: unknown) => {
    void writerThread.worker.terminate();
    throw e;
  });
  const call = writerThread.call;
  const read = readerThread.call;
  const dead = () => writerThread.isDead() || readerThread.isDead();
  const view = writerThread.view;
  // InStatement may be a string or [sql, args]; the thread takes what the client takes, all of it cloneable.
  const one = (r: unknown) => resultFromWire(r as WireResult);
  const many = (r: unknown) => (r as WireResult[]).map(resultFromWire);

  function transactionProxy(id: number): Transaction {
    let done = false;
    const tx = <T>(op: string, b?: unknown, map?: (r: unknown) => T): Promise<T> => {
      if (done) return Promise.reject(Object.assign(new Error("The transaction is closed"), { code: "TRANSACTION_CLOSED" }));
      const ending = op === "txCommit" || op === "txRollback" || op === "txClose";
      if (ending) done = true;
      // An error that ended the transaction in the thread (ROLLBACK by a trigger, I/O) ends it here too.
      return call(op, id, b, () => (done = true)).then((r) => (map ? map(r) : (r as T)));
    };
    return {
      execute: (s: InStatement) => tx("txExecute", s, one),
      batch: (s: InStatement[]) => tx("txBatch", s, many),
      executeMultiple: (sql: string) => tx<void>("txExecuteMultiple", sql),
      migrate: (s: InStatement[]) => tx("txBatch", s, many),
      commit: () => tx<void>("txCommit"),
      rollback: () => tx<void>("txRollback"),
      close: () => void tx<void>("txClose").catch(() => undefined),
      get closed() {
        return done || dead();
      },
    } as unknown as Transaction;
  }

  let readCount = 0; // the reads the reader thread answered, plus those the writer's group commit counts
  const sqlOf = (s: InStatement): string => (typeof s === "string" ? s : Array.isArray(s) ? String(s[0]) : s.sql);
  const client = {
    protocol: "file",
    get closed() {
      return closed || dead();
    },
    execute(stmt: InStatement | string, args?: unknown) {
      const s = (typeof stmt === "string" ? { sql: stmt, args: args ?? [] } : stmt) as InStatement;
      if (statementKind(sqlOf(s)) !== "read") return call("execute", s).then(one);
      readCount++;
      return read("execute", s).then(one);
    },
    batch(stmts: InStatement[], mode?: TransactionMode) {
      const reads = stmts.length > 0 && (mode === "read" || stmts.every((s) => statementKind(sqlOf(s)) === "read"));
      if (!reads) return call("batch", stmts, mode).then(many);
      readCount += stmts.length;
      return read("batch", stmts).then(many);
    },
    migrate: (stmts: InStatement[]) => call("migrate", stmts).then(many),
    executeMultiple: (sql: string) => call("executeMultiple", sql) as Promise<void>,
    transaction: (mode?: TransactionMode) => call("begin", undefined, mode).then((id) => transactionProxy(id as number)),
    sync: () => call("sync") as Promise<never>,
    reconnect: () => Promise.all([call("reconnect"), read("reconnect")]).then(() => undefined),
    close() {
      if (closed) return;
      closed = true;
      // Let the threads close their connections (a WAL checkpoint) and end; the process need not wait for them.
      void call("close").catch(() => undefined);
      void read("close").catch(() => undefined);
    },
  };
  const stat = (k: (typeof COUNTERS)[number]) => Atomics.load(view, COUNTERS.indexOf(k));
  return {
    client: client as unknown as Client,
    threads: [writerThread.worker, readerThread.worker],
    probe: () => call("probe") as Promise<DbHealth>,
    resets: () => stat("resets") + Atomics.load(readerThread.view, COUNTERS.indexOf("resets")),
    stats: () => ({ commits: stat("commits"), batches: stat("batches"), rolledBack: stat("rolledBack"), largestGroup: stat("largestGroup"), reads: stat("reads") + readCount }),
  };
}
