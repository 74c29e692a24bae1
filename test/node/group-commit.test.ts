/**
 * Group commit on the embedded file (src/db/group-commit.ts): concurrent `commit()` calls share one transaction,
 * each batch stays all-or-nothing in its own savepoint, a failing batch fails alone, results reach their own
 * caller, and plain selects run on the read connection yet see every commit that has resolved.
 * Durability across a kill after acknowledgement is the crash drill's job (crash.test.ts, bench/crash.ts).
 */
import { createClient } from "@libsql/client";
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statementKind } from "../../src/db/group-commit.js";
import { inbox, wecomNonces, writeGuard } from "../../src/db/schema.js";
import { NONCE_TAKEN, NONCE_TTL_MS, nonceWrites, peekNonce } from "../../src/db/wecom-replay.js";
import { commit, DuplicateKey, VersionConflict } from "../../src/db/write.js";
import { tempDb } from "../helpers/db.js";

let t: Awaited<ReturnType<typeof tempDb>>;
beforeAll(async () => {
  t = await tempDb();
});
afterAll(() => t.cleanup());

const row = (key: string) => t.db.insert(inbox).values({ key, receivedAt: 1, replies: [key] });
const keysIn = async (keys: string[]) => (await t.db.select({ key: inbox.key }).from(inbox).where(inArray(inbox.key, keys))).map((r) => r.key).sort();
const stats = () => t.groupCommit!();

describe("group commit on the embedded file", () => {
  it("commits N concurrent batches in one transaction, durable when the promises resolve", async () => {
    const before = stats();
    const keys = Array.from({ length: 20 }, (_, i) => `gc-a-${String(i).padStart(2, "0")}`);
    await Promise.all(keys.map((k) => commit(t.db, [row(k), row(`${k}-b`)])));
    const after = stats();
    expect(after.commits - before.commits).toBe(1);
    expect(after.batches - before.batches).toBe(20);
    expect(after.largestGroup).toBeGreaterThanOrEqual(20);
    // A separate connection (as after a restart) sees all 40 rows: the COMMIT happened before anyone resolved.
    const other = createClient({ url: `file:${t.file}` });
    try {
      const n = (await other.execute("select count(*) as n from inbox where key like 'gc-a-%'")).rows[0].n;
      expect(Number(n)).toBe(40);
    } finally {
      other.close();
    }
  });

  it("rolls a conflicting batch back to its savepoint; only its caller gets VersionConflict", async () => {
    const before = stats();
    const outcomes = await Promise.allSettled([
      commit(t.db, [row("gc-b-1")]),
      commit(t.db, [row("gc-b-2"), t.db.insert(writeGuard).select(sql`select 0`)]), // the version guard fails
      commit(t.db, [row("gc-b-3")]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(VersionConflict);
    expect(await keysIn(["gc-b-1", "gc-b-2", "gc-b-3"])).toEqual(["gc-b-1", "gc-b-3"]); // gc-b-2 went with its batch
    const after = stats();
    expect(after.commits - before.commits).toBe(1);
    expect(after.rolledBack - before.rolledBack).toBe(1);
  });

  it("does not let a statement error or a duplicate key poison the group", async () => {
    await commit(t.db, [row("gc-c-dup")]);
    const before = stats();
    const outcomes = await Promise.allSettled([
      commit(t.db, [row("gc-c-1")]),
      commit(t.db, [row("gc-c-2"), row("gc-c-dup")]), // unique key taken
      commit(t.db, [row("gc-c-3"), t.db.run(sql`insert into no_such_table values (1)`)]), // not even valid SQL here
      commit(t.db, [row("gc-c-4")]),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(DuplicateKey);
    expect(String((outcomes[2] as PromiseRejectedResult).reason)).toMatch(/no such table/);
    expect(await keysIn(["gc-c-1", "gc-c-2", "gc-c-3", "gc-c-4"])).toEqual(["gc-c-1", "gc-c-4"]);
    expect(stats().commits - before.commits).toBe(1);
  });

  it("runs the others again when one batch's error ends the whole transaction", async () => {
    // RAISE(ROLLBACK) undoes the transaction, savepoints and all: that batch fails, the rest are retried without it.
    await t.client.execute("CREATE TEMP TRIGGER gc_boom BEFORE INSERT ON inbox WHEN NEW.key = 'gc-d-boom' BEGIN SELECT RAISE(ROLLBACK, 'boom'); END");
    try {
      const outcomes = await Promise.allSettled([commit(t.db, [row("gc-d-1")]), commit(t.db, [row("gc-d-2"), row("gc-d-boom")]), commit(t.db, [row("gc-d-3")])]);
      expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/boom/);
      expect(await keysIn(["gc-d-1", "gc-d-2", "gc-d-3", "gc-d-boom"])).toEqual(["gc-d-1", "gc-d-3"]);
    } finally {
      await t.client.execute("DROP TRIGGER gc_boom");
    }
  });

  it("tells no caller 'done' when the COMMIT itself fails, and the writer goes on", async () => {
    // A deferred foreign key is checked only at COMMIT (the schema has none; temp tables make one here).
    await t.client.execute("CREATE TEMP TABLE gc_parent (id INTEGER PRIMARY KEY)");
    await t.client.execute("CREATE TEMP TABLE gc_child (pid INTEGER REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED)");
    const before = stats();
    const outcomes = await Promise.allSettled([commit(t.db, [row("gc-h-1")]), t.client.execute("insert into gc_child values (999)"), commit(t.db, [row("gc-h-2")])]);
    expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(String((outcomes[0] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(await keysIn(["gc-h-1", "gc-h-2"])).toEqual([]);
    expect(stats().commits).toBe(before.commits);
    await commit(t.db, [row("gc-h-3")]);
    expect(await keysIn(["gc-h-3"])).toEqual(["gc-h-3"]);
  });

  it("hands each caller its own statements' results", async () => {
    const got = await Promise.all(
      ["gc-e-1", "gc-e-2", "gc-e-3"].map((k) => t.db.insert(inbox).values({ key: k, receivedAt: 7, replies: [] }).returning({ key: inbox.key })),
    );
    expect(got).toEqual([[{ key: "gc-e-1" }], [{ key: "gc-e-2" }], [{ key: "gc-e-3" }]]);
  });

  it("reads on the read connection and sees a commit as soon as it resolved (read-your-writes)", async () => {
    for (let i = 0; i < 5; i++) {
      const before = stats().reads;
      await commit(t.db, [row(`gc-f-${i}`)]);
      const [r] = await t.db.select({ key: inbox.key }).from(inbox).where(eq(inbox.key, `gc-f-${i}`));
      expect(r?.key).toBe(`gc-f-${i}`);
      expect(stats().reads).toBeGreaterThan(before);
    }
  });

  it("keeps an interactive transaction whole: groups wait until it settles", async () => {
    const tx = t.db.transaction(async (d) => {
      await d.insert(inbox).values({ key: "gc-g-tx", receivedAt: 1, replies: [] });
      await new Promise((r) => setTimeout(r, 20));
      await d.insert(inbox).values({ key: "gc-g-tx2", receivedAt: 1, replies: [] });
    });
    await Promise.all([tx, commit(t.db, [row("gc-g-1")])]);
    expect(await keysIn(["gc-g-tx", "gc-g-tx2", "gc-g-1"])).toEqual(["gc-g-1", "gc-g-tx", "gc-g-tx2"]);
  });

  it("routes statements by kind", () => {
    expect(statementKind("select * from cases")).toBe("read");
    expect(statementKind("  SELECT 1")).toBe("read");
    expect(statementKind("insert into inbox values (1)")).toBe("write");
    expect(statementKind("with x as (select 1) insert into t select * from x")).toBe("write");
    expect(statementKind("WITH g AS MATERIALIZED (SELECT 1 AS n) SELECT sum(n) FROM g")).toBe("read"); // not a commit on the writer
    expect(statementKind("select * from t where x in (select 1) -- delete")).toBe("write"); // doubtful: writer
    expect(statementKind("PRAGMA journal_mode")).toBe("alone");
    expect(statementKind("VACUUM INTO '/tmp/x'")).toBe("alone");
  });
});

describe("the WeCom nonce row in the message's own batch (one commit per callback)", () => {
  const T = 1_000_000_000;
  it("refuses another payload under a live nonce inside the batch, even when both passed the first look", async () => {
    expect(await peekNonce(t.db, "n-1", "d-a", T)).toBe("fresh");
    expect(await peekNonce(t.db, "n-1", "d-b", T)).toBe("fresh"); // a racing replay gets past the read-only look…
    const outcomes = await Promise.allSettled([
      commit(t.db, [row("gc-n-a"), ...nonceWrites(t.db, "n-1", "d-a", T, "wecom:a")]),
      commit(t.db, [row("gc-n-b"), ...nonceWrites(t.db, "n-1", "d-b", T, "wecom:b")]),
    ]);
    // …but not past the insert: the second batch fails whole, with the typed error the callback turns into 403.
    expect(outcomes[0].status).toBe("fulfilled");
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ name: "DuplicateKey", constraint: NONCE_TAKEN });
    expect(await keysIn(["gc-n-a", "gc-n-b"])).toEqual(["gc-n-a"]);
    expect(await peekNonce(t.db, "n-1", "d-b", T + 1)).toBe("replay");
    expect(await peekNonce(t.db, "n-1", "d-a", T + 1)).toBe("redelivery");
  });

  it("writes nothing for the same payload again, and takes over a nonce whose sighting expired", async () => {
    await commit(t.db, nonceWrites(t.db, "n-2", "d-a", T, "wecom:x"));
    await commit(t.db, nonceWrites(t.db, "n-2", "d-a", T + 5, "wecom:x")); // redelivery / stored intent: no error
    const later = T + NONCE_TTL_MS + 1;
    await commit(t.db, nonceWrites(t.db, "n-2", "d-c", later, "wecom:y"));
    expect(await t.db.select({ digest: wecomNonces.digest, seenAt: wecomNonces.seenAt }).from(wecomNonces).where(eq(wecomNonces.nonce, "n-2"))).toEqual([{ digest: "d-c", seenAt: later }]);
  });
});
