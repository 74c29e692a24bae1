/**
 * Issue 16 item 6 (R26): another process holds the write lock for ~10 s; the app's own connection must not stay
 * stuck afterwards ("cannot commit transaction - SQL statements in progress"), and /healthz must say so while
 * the lock is held. Nothing here measures time: each step waits for the previous one to finish.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { count } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { testClock, testDeps } from "../helpers/fixture.js";
import { createApp } from "../../src/app.js";
import { auditLog } from "../../src/db/schema.js";
import { commit, insertAudit } from "../../src/db/write.js";
import { verifyPragmas } from "../../src/db/open-node.js";

const HOLDER = fileURLToPath(new URL("../helpers/lock-holder.mjs", import.meta.url));

let t: Awaited<ReturnType<typeof tempDb>>;
beforeAll(async () => {
  t = await tempDb();
});
afterAll(() => t.cleanup());

/** Start the other process and resolve once it holds BEGIN IMMEDIATE. */
async function holdLock(file: string): Promise<{ child: ChildProcess; release: () => Promise<void> }> {
  const child = spawn(process.execPath, [HOLDER, file], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout! });
  const seen = (word: string) => new Promise<void>((resolve) => lines.on("line", (l) => l === word && resolve()));
  await seen("locked");
  return {
    child,
    release: async () => {
      const done = Promise.all([seen("released"), once(child, "exit")]);
      child.stdin!.write("release\n");
      await done;
    },
  };
}

let n = 0;
const write = () => commit(t.db, [insertAudit(t.db, { at: ++n, actor: "u", action: "probe.write", result: "ok" })]);
const writes = async () => (await t.db.select({ n: count() }).from(auditLog))[0].n;

describe("the embedded database after an outside write lock", () => {
  it("refuses writes while the lock is held, then the first write after release succeeds; /healthz follows", { timeout: 60_000 }, async () => {
    const deps = { ...(await testDeps(t.db, t.dir, testClock())), dbHealth: t.probe };
    const app = createApp(deps);
    const health = async () => {
      const res = await app.request("/healthz");
      return { status: res.status, body: (await res.json()) as { ok: boolean; db: string } };
    };
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, db: "ok" } });
    await write();
    const before = await writes();

    const lock = await holdLock(join(t.dir, "test.db"));
    try {
      // Two attempts, each giving up after busy_timeout (5 s): the lock is held for about 10 s in all.
      await expect(write()).rejects.toThrow(/SQLITE_BUSY|locked/);
      expect(await health()).toEqual({ status: 503, body: { ok: false, db: "busy" } });
      await expect(write()).rejects.toThrow(/SQLITE_BUSY|locked/);
    } finally {
      await lock.release();
    }

    // The very first attempt after the release commits: no retry loop in the test, no waiting for GC.
    await write();
    expect(await writes()).toBe(before + 1);
    expect(await health()).toMatchObject({ status: 200, body: { ok: true, db: "ok" } });
    // The fresh connection carries the durability pragmas again (R26).
    expect(await verifyPragmas(t.client)).toEqual({ journal_mode: "wal", synchronous: 2, busy_timeout: 5000, foreign_keys: 1 });
    expect(t.resets!()).toBeGreaterThanOrEqual(1);
    // Ten more in a row: the connection is not merely lucky once.
    for (let i = 0; i < 10; i++) await write();
    expect(await writes()).toBe(before + 11);
  });
});
