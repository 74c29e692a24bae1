/**
 * A database thread of `duban serve` (issue 12). The writer thread owns the writer connection and its group commit
 * (group-commit.ts); the reader thread owns the WAL reader. The libsql binding is synchronous: on the main thread
 * every statement, and every COMMIT's fsync, stopped HTTP, crypto and parsing for all other requests.
 *
 * Messages in: [id, op, a, b] (thread-client.ts). Out: [id, ok, value, txGone] — a WireResult, WireResult[], a
 * transaction id or nothing; a WireError when !ok. Counters are written into a shared Int32Array after every
 * request, so the main thread reads them without a round trip.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Client, InStatement, Transaction, TransactionMode } from "@libsql/client";
import { fileConnection, writerConnection } from "./file-connection.js";
import { groupCommitClient } from "./group-commit.js";
import { writeProbe } from "./node-connection.js";
import { errorToWire, MANY, resultToWire, type ThreadData } from "./thread-wire.js";

const port = parentPort!;
const data = workerData as ThreadData;
const counters = new Int32Array(data.counters);

const writer = data.role === "writer" ? await writerConnection(data.file) : undefined;
const reader = writer ? undefined : await fileConnection(data.file);
// The main side sends plain reads to the reader thread, so the group commit's own reader is opened only if one ever
// reaches this thread (reads inside an interactive transaction go to the writer connection).
type Connection = Awaited<ReturnType<typeof fileConnection>>;
let spare: Promise<Connection> | undefined;
let spareOpen: Connection | undefined;
const spareReader = () => (spare ??= fileConnection(data.file).then((c) => (spareOpen = c)));
const gc = writer ? groupCommitClient(writer.client, lazyClient(spareReader), { ...data.groupCommit, resetWriter: writer.reset }) : undefined;
const client: Client = gc?.client ?? readOnly(reader!.client);
// /healthz's write probe (node-connection.ts) runs here, between groups, so it never meets our own group's lock.
const probe = writer ? writeProbe(data.file) : undefined;
const txs = new Map<number, Transaction>();
let nextTx = 1;

/** A reader Client that opens its connection on first use; closing an unopened one opens nothing. */
function lazyClient(open: () => Promise<Connection>): Client {
  const use = <T>(f: (c: Client) => Promise<T>) => open().then((r) => f(r.client));
  return {
    protocol: "file",
    execute: (s: InStatement) => use((c) => c.execute(s)),
    batch: (s: InStatement[], mode?: TransactionMode) => use((c) => c.batch(s, mode)),
    reconnect: () => (spare ? use(async (c) => c.reconnect()) : Promise.resolve()),
    close: () => void spare?.then((r) => r.client.close()),
  } as unknown as Client;
}

/** The reader thread's client: reads, in one snapshot per batch; anything else is a routing error of the main side. */
function readOnly(c: Client): Client {
  const refuse = () => Promise.reject(new Error("the reader thread runs reads only"));
  return { protocol: c.protocol, execute: (s: InStatement) => c.execute(s), batch: (s: InStatement[]) => c.batch(s, "deferred"), migrate: refuse, executeMultiple: refuse, transaction: refuse, sync: refuse, reconnect: () => c.reconnect(), close: () => c.close() } as unknown as Client;
}

function publish(): void {
  const s = gc?.stats();
  if (s) {
    counters[0] = s.commits;
    counters[1] = s.batches;
    counters[2] = s.rolledBack;
    counters[3] = s.largestGroup;
    counters[4] = s.reads;
  }
  counters[5] = (writer?.resets() ?? 0) + (reader?.resets() ?? 0) + (spareOpen?.resets() ?? 0);
}

function tx(id: unknown): Transaction {
  const t = txs.get(id as number);
  if (!t) throw Object.assign(new Error("The transaction is closed"), { code: "TRANSACTION_CLOSED" });
  return t;
}

async function run(op: string, a: unknown, b: unknown): Promise<unknown> {
  switch (op) {
    case "execute":
      return resultToWire(await client.execute(a as InStatement));
    case "batch":
      return (await client.batch(a as InStatement[], b as TransactionMode | undefined)).map(resultToWire);
    case "migrate":
      return (await client.migrate(a as InStatement[])).map(resultToWire);
    case "executeMultiple":
      return void (await client.executeMultiple(a as string));
    case "begin": {
      const id = nextTx++;
      txs.set(id, await client.transaction(b as TransactionMode | undefined));
      return id;
    }
    case "txExecute":
      return resultToWire(await tx(a).execute(b as InStatement));
    case "txBatch":
      return (await tx(a).batch(b as InStatement[])).map(resultToWire);
    case "txExecuteMultiple":
      return void (await tx(a).executeMultiple(b as string));
    case "txCommit":
    case "txRollback":
    case "txClose": {
      const t = tx(a);
      txs.delete(a as number);
      if (op === "txCommit") await t.commit();
      else if (op === "txRollback") await t.rollback();
      else t.close();
      return;
    }
    case "probe":
      return probe!.check();
    case "sync":
      return void (await client.sync());
    case "reconnect":
      return void (await client.reconnect());
    case "close":
      probe?.close();
      for (const t of txs.values()) t.close();
      txs.clear();
      client.close();
      return;
    default:
      throw new Error(`unknown database thread request: ${op}`);
  }
}

const isTx = (op: string, a: unknown): a is number => op.startsWith("tx") && typeof a === "number";

type Call = [id: number, op: string, a: unknown, b: unknown];
type Answer = [id: number, ok: boolean, value: unknown, txGone: boolean];

function answer([id, op, a, b]: Call): Promise<Answer> {
  return run(op, a, b).then(
    (value): Answer => [id, true, value, isTx(op, a) && !txs.has(a)],
    (e: unknown): Answer => {
      // A transaction the error ended is gone here; the caller learns it from the flag.
      if (isTx(op, a) && txs.get(a)?.closed) txs.delete(a);
      return [id, false, errorToWire(e), isTx(op, a) && !txs.has(a)];
    },
  );
}

// Answers that settle in the same tick (a group's batches, at its COMMIT) go back as one message. Each call is
// answered as soon as it settles, never held for another: a transaction's `begin` must not wait for a group.
let replies: Answer[] = [];
let closing = false;
function reply(a: Answer): void {
  if (!replies.length) setImmediate(flushReplies);
  replies.push(a);
}
function flushReplies(): void {
  const many = replies;
  replies = [];
  publish();
  port.postMessage(many.length === 1 ? many[0] : [MANY, true, many, false]);
  if (closing) port.close();
}

port.on("message", (m: Call) => {
  // Several calls at once (the main thread's writes of one loop turn): queued in this tick, so they share a group.
  for (const c of m[0] === MANY ? (m[2] as Call[]) : [m]) {
    if (c[1] === "close") closing = true;
    void answer(c).then(reply);
  }
});
publish();
port.postMessage([0, true, "ready"]);
