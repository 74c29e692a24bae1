/**
 * The database threads of `duban serve` (db-thread.ts, thread-client.ts): the same Client contract as the in-process
 * group commit — results shaped as libSQL's, errors with their class and code, per-batch all-or-nothing inside a
 * shared commit, interactive transactions — across a real worker thread on a real file.
 */
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient, LibsqlError } from "@libsql/client";
import { eq, sql } from "drizzle-orm";
import { migrateNodeDb, openNodeDb, type OpenDb } from "../../src/db/open-node.js";
import { threadClient } from "../../src/db/thread-client.js";
import { MANY, resultFromWire } from "../../src/db/thread-wire.js";
import { inbox } from "../../src/db/schema.js";
import { commit, DuplicateKey } from "../../src/db/write.js";

let dirs: string[] = [];
let stores: { close: () => void }[] = [];
afterEach(() => {
  for (const s of stores) s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
  stores = [];
});
const file = () => {
  const d = mkdtempSync(join(tmpdir(), "duban-thread-"));
  dirs.push(d);
  return join(d, "t.db");
};
async function open(): Promise<OpenDb> {
  const s = await openNodeDb(`file:${file()}`, undefined, { thread: {} });
  stores.push(s);
  return s;
}

describe("database threads", () => {
  it("migrates, writes through group commit and reads what was committed, with libSQL-shaped rows", async () => {
    const s = await open();
    await migrateNodeDb(s.db);
    const row = (k: string) => s.db.insert(inbox).values({ key: k, receivedAt: 7, replies: [{ text: k }] as never });
    const before = s.groupCommit!();
    await Promise.all(Array.from({ length: 20 }, (_, i) => commit(s.db, [row(`k${i}a`), row(`k${i}b`)])));
    // The main thread's writes of one loop turn cross as one message, so they share one group and one COMMIT.
    expect(s.groupCommit!().commits - before.commits).toBe(1);
    const got = await s.db.select().from(inbox).where(eq(inbox.key, "k3b"));
    expect(got).toEqual([expect.objectContaining({ key: "k3b", receivedAt: 7, replies: [{ text: "k3b" }] })]);
    // A raw result: column names enumerable, indices and length not, as @libsql/client gives them.
    const rs = await s.client.execute({ sql: "select key, received_at as at, x'00ff' as b from inbox where key = ?", args: ["k0a"] });
    expect(rs.columns).toEqual(["key", "at", "b"]);
    expect(Object.keys(rs.rows[0])).toEqual(["key", "at", "b"]);
    expect([rs.rows[0][0], rs.rows[0].length, Array.prototype.slice.call(rs.rows[0]).length]).toEqual(["k0a", 3, 3]);
    expect(new Uint8Array(rs.rows[0].b as ArrayBuffer)).toEqual(new Uint8Array([0, 255]));
    const stats = s.groupCommit!();
    expect(stats.batches).toBeGreaterThanOrEqual(20);
    expect(stats.reads).toBeGreaterThan(0);
  });

  it("fails only the batch that broke a constraint, with libSQL's error class and code", async () => {
    const s = await open();
    await migrateNodeDb(s.db);
    await commit(s.db, [s.db.insert(inbox).values({ key: "taken", receivedAt: 1, replies: [] })]);
    const results = await Promise.allSettled([
      commit(s.db, [s.db.insert(inbox).values({ key: "fine-1", receivedAt: 1, replies: [] })]),
      commit(s.db, [s.db.insert(inbox).values({ key: "half", receivedAt: 1, replies: [] }), s.db.insert(inbox).values({ key: "taken", receivedAt: 1, replies: [] })]),
      commit(s.db, [s.db.insert(inbox).values({ key: "fine-2", receivedAt: 1, replies: [] })]),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    // write.ts recognises the thread's error as it would the in-process one.
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKey);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ constraint: "inbox.key" });
    const raw = await s.client.batch([{ sql: "insert into inbox (key, received_at, replies) values ('taken', 1, '[]')", args: [] }]).catch((e: unknown) => e);
    expect(raw).toBeInstanceOf(LibsqlError);
    expect(raw).toMatchObject({ code: expect.stringMatching(/^SQLITE_CONSTRAINT/), message: expect.stringMatching(/UNIQUE constraint failed: inbox\.key/) });
    const keys = (await s.db.select({ k: inbox.key }).from(inbox)).map((r) => r.k).sort();
    expect(keys).toEqual(["fine-1", "fine-2", "taken"]); // "half" rolled back with its batch
    expect(s.groupCommit!().rolledBack).toBe(2); // the failed batch and the raw one
  });

  it("runs interactive transactions: commit keeps, rollback drops", async () => {
    const s = await open();
    await migrateNodeDb(s.db);
    await s.db.transaction(async (tx) => {
      await tx.insert(inbox).values({ key: "kept", receivedAt: 1, replies: [] });
    });
    await expect(
      s.db.transaction(async (tx) => {
        await tx.insert(inbox).values({ key: "dropped", receivedAt: 1, replies: [] });
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect((await s.db.select({ k: inbox.key }).from(inbox)).map((r) => r.k)).toEqual(["kept"]);
    expect(await s.db.all(sql`select count(*) as n from inbox`)).toEqual([{ n: 1 }]);
  });

  it("answers a transaction begun beside a group of batches without waiting for that group", async () => {
    const s = await open();
    await migrateNodeDb(s.db);
    const batch = (k: string) => commit(s.db, [s.db.insert(inbox).values({ key: k, receivedAt: 1, replies: [] })]);
    // The transaction and the batches leave in one message; the batches' group waits for the transaction to end,
    // so its `begin` must be answered on its own or neither could finish.
    const tx = s.db.transaction(async (t) => {
      await t.insert(inbox).values({ key: "in-tx", receivedAt: 1, replies: [] });
      return "done";
    });
    await Promise.resolve(); // the transaction's `begin` first in the message, the batches after it
    const batches = [batch("beside-1"), batch("beside-2")];
    expect(await tx).toBe("done");
    await Promise.all(batches);
    expect((await s.db.select({ k: inbox.key }).from(inbox)).map((r) => r.k).sort()).toEqual(["beside-1", "beside-2", "in-tx"]);
  });

  it("probes for /healthz in the writer thread: ok, busy while another process holds the lock, ok again", async () => {
    const f = file();
    const s = await openNodeDb(`file:${f}`, undefined, { thread: {} });
    stores.push(s);
    await migrateNodeDb(s.db);
    expect(await s.probe!()).toBe("ok");
    const other = createClient({ url: `file:${f}` });
    stores.push(other);
    const held = await other.transaction("write"); // BEGIN IMMEDIATE: the write lock, as another process would hold it
    expect(await s.probe!()).toBe("busy");
    await held.rollback();
    expect(await s.probe!()).toBe("ok");
  });

  it("fails every waiting and later call when a thread dies, and says so", async () => {
    let exited: number | undefined;
    const t = await threadClient(file(), { onExit: (code) => (exited = code) });
    stores.push(t.client);
    await t.client.execute("create table t (x)");
    await Promise.all(t.threads.map((w) => w.terminate()));
    await expect(t.client.execute("select 1")).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    await expect(t.client.batch([{ sql: "insert into t values (1)", args: [] }])).rejects.toMatchObject({ code: "CLIENT_CLOSED" });
    expect(exited).toBeDefined();
  });

  it.skipIf(!existsSync("/proc/self/fd"))("opens two connections, the writer thread's spare reader only when a read reaches it", async () => {
    const path = file();
    const t = await threadClient(path);
    stores.push(t.client);
    // Connections to the file = descriptors of this process (all threads) open on it.
    const open = () => readdirSync("/proc/self/fd").filter((fd) => { try { return readlinkSync(`/proc/self/fd/${fd}`) === path; } catch { return false; } }).length;
    await t.client.execute("create table t (x)");
    await t.client.execute("select count(*) from t");
    expect(open()).toBe(2); // the writer's and the reader thread's
    // A read posted straight to the writer thread (the main side never routes one there) is still answered.
    const answer = new Promise<unknown[]>((resolve) => {
      const on = (m: unknown[]) => {
        const a = m[0] === MANY ? (m[2] as unknown[][]).find((x) => x[0] === 424242) : m[0] === 424242 ? m : undefined;
        if (a) t.threads[0].off("message", on), resolve(a);
      };
      t.threads[0].on("message", on);
    });
    t.threads[0].ref();
    t.threads[0].postMessage([MANY, "many", [[424242, "execute", { sql: "select 7 as n", args: [] }]]]);
    const [, ok, value] = await answer;
    t.threads[0].unref();
    expect(ok).toBe(true);
    expect(resultFromWire(value as never).rows[0].n).toBe(7);
    expect(open()).toBe(3);
  });

  it("sends reads asked together to the reader thread as one message, and a read asked later at once", async () => {
    const t = await threadClient(file());
    stores.push(t.client);
    await t.client.execute("create table t (x)");
    const reader = t.threads[1];
    let posted = 0;
    const post = reader.postMessage.bind(reader);
    reader.postMessage = (m: unknown) => (posted++, post(m));
    const got = await Promise.all([1, 2, 3].map((n) => t.client.execute({ sql: "select ? as n", args: [n] })));
    expect(got.map((r) => r.rows[0].n)).toEqual([1, 2, 3]);
    expect(posted).toBe(1);
    for (const n of [4, 5]) expect((await t.client.execute({ sql: "select ? as n", args: [n] })).rows[0].n).toBe(n);
    expect(posted).toBe(3);
  });

  it("refuses to open a file it cannot use, with the reason", async () => {
    await expect(threadClient(join(file(), "no-such-dir", "x.db"))).rejects.toThrow(/unable to open|SQLITE_CANTOPEN|no such/i);
  });
});

describe("rows from the database threads", () => {
  it("read exactly as @libsql/client's rows, repeated and awkward column names included", async () => {
    const f = file();
    const s = await openNodeDb(`file:${f}`, undefined, { thread: {} });
    stores.push(s);
    const plain = createClient({ url: `file:${f}` });
    stores.push(plain);
    const q = "select 1 as a, 'x' as b, 2 as a, 3 as length, 4 as \"0\", null as n, x'0102' as blob";
    const [mine, theirs] = [(await s.client.execute(q)).rows[0], (await plain.execute(q)).rows[0]];
    expect(Object.keys(mine)).toEqual(Object.keys(theirs));
    expect({ ...mine, blob: undefined }).toEqual({ ...theirs, blob: undefined });
    expect(Array.prototype.slice.call(mine, 0, 6)).toEqual(Array.prototype.slice.call(theirs, 0, 6));
    expect([mine.length, mine.a, mine[2], mine[0]]).toEqual([theirs.length, theirs.a, theirs[2], theirs[0]]);
    expect(new Uint8Array(mine.blob as ArrayBuffer)).toEqual(new Uint8Array(theirs.blob as ArrayBuffer));
    expect(JSON.stringify((await s.client.execute(q)).toJSON().rows)).toEqual(JSON.stringify((await plain.execute(q)).toJSON().rows));
  });
});
