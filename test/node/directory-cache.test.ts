/**
 * The directory kept in memory (issue 12, src/db/directory-cache.ts): read once while nothing changes, read again
 * after any change to units, people or groups — by this process or by another connection through plain SQL — and
 * shared rows that cannot be changed by mistake.
 */
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { directory } from "../../src/db/directory-cache.js";
import { people } from "../../src/db/schema.js";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";

let t: Awaited<ReturnType<typeof tempDb>>;
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
});
afterAll(() => t.cleanup());

describe("the directory cache (migration 0035)", () => {
  it("is read once while nothing changes", async () => {
    const a = await directory(t.db);
    expect(await directory(t.db)).toBe(a);
    expect(a.activePeople.get("hh.officer")?.name).toBe("赵六");
    expect(a.activePeople.has("gone")).toBe(false); // inactive people are not senders
    expect(a.groups.get("g-hh")?.unitId).toBe(1);
  });

  it("is read again after another connection changes a person, a unit or a group by plain SQL", async () => {
    const a = await directory(t.db);
    const other = createClient({ url: `file:${join(t.dir, "test.db")}` });
    await other.execute("update people set name = '赵小六' where user_id = 'hh.officer'");
    const b = await directory(t.db);
    expect(b).not.toBe(a);
    expect(b.activePeople.get("hh.officer")?.name).toBe("赵小六");
    await other.execute("update units set name = '荷花池街道办' where id = 1");
    expect((await directory(t.db)).units.find((u) => u.id === 1)?.name).toBe("荷花池街道办");
    await other.execute("delete from groups where chat_id = 'g-acct'");
    expect((await directory(t.db)).groups.has("g-acct")).toBe(false);
    other.close();
  });

  it("a person added through this process is recognised by the very next message", async () => {
    const deps = await testDeps(t.db, t.dir, testClock());
    expect(await say(deps, "new.officer", "g-hh", "我的")).toContain("还未在督办系统登记");
    await t.db.insert(people).values({ userId: "new.officer", name: "刘新", unitId: 1, roles: ["officer"] });
    expect(await say(deps, "new.officer", "g-hh", "我的")).not.toContain("还未在督办系统登记");
  });

  it("hands out rows no caller can change by mistake", async () => {
    const d = await directory(t.db);
    expect(() => (d.units as unknown as { name: string }[]).sort()).toThrow(TypeError);
    expect(() => Object.assign(d.units[0], { name: "x" })).toThrow(TypeError);
  });
});
