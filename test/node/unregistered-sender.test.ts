/** A WeCom user without an account learns how to get one, but never who works in the office (issue 16). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";
import { auditLog, people } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";

describe("an unregistered sender", () => {
  let t: Awaited<ReturnType<typeof tempDb>>;
  let deps: Deps;
  beforeAll(async () => {
    t = await tempDb();
    await seedFixture(t.db);
    deps = await testDeps(t.db, t.dir, testClock());
  });
  afterAll(() => t.cleanup());

  it("is told to ask the office's administrator, in group and single chat, without any person's name", async () => {
    const everyone = await t.db.select({ name: people.name, userId: people.userId }).from(people);
    expect(everyone.length).toBeGreaterThan(3); // dispatchers and admins exist, so there were names to leak
    for (const [chat, text] of [["g-hh", "签收 #1"], ["single:stranger", "登录"], ["g-command", "帮助"]] as const) {
      const reply = await say(deps, "stranger", chat, text);
      expect(reply).toContain("未在督办系统登记");
      expect(reply).toContain("请联系区督办办公室的系统管理员");
      for (const p of everyone) {
        expect(reply).not.toContain(p.name);
        expect(reply).not.toContain(p.userId);
      }
    }
    const denied = await t.db.select().from(auditLog).where(eq(auditLog.actor, "stranger"));
    expect(denied.map((a) => a.action)).toEqual(["chat.unregistered", "chat.unregistered", "chat.unregistered"]);
  });

  it("gets the same answer when the only staff are disabled, so nothing about the roster shows", async () => {
    const first = await say(deps, "stranger2", "g-hh", "我的");
    await t.db.update(people).set({ active: false });
    const second = await say(deps, "stranger3", "g-hh", "我的");
    expect(second).toBe(first);
  });
});
