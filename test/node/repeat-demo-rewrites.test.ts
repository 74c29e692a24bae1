/**
 * Repeat complaints about places of the demo district, written the way a caller or a dispatcher would retell them
 * (issue 13's check): through the real chat 交办, the earlier case is named; complaints about other places are not.
 * Each rewrite shares little wording with the earlier case (其他说法: 那家/有个, 又, 黄水, 倒机油 …).
 */
import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.js";
import { cases, groups, people, units } from "../../src/db/schema.js";
import { seedDemo } from "../../src/db/seed-demo.js";
import { tempDb } from "../helpers/db.js";
import { say, testClock, testDeps } from "../helpers/fixture.js";

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
let dispatcher: string;
let command: string;
const clock = testClock();

beforeAll(async () => {
  t = await tempDb();
  await seedDemo(t.db, { now: clock() });
  deps = await testDeps(t.db, t.dir, clock);
  dispatcher = (await t.db.select().from(people)).find((p) => p.roles.includes("dispatcher"))!.userId;
  command = (await t.db.select().from(groups).where(eq(groups.purpose, "command")))[0].chatId;
});
afterAll(() => t.cleanup());

/** A demo case of this kind, with its road (the demo's roads are drawn per seed): its title is "<road>某<kind…>". */
const demoCase = async (suffix: string) => {
  const rows = await t.db.select({ id: cases.id, title: cases.title }).from(cases).where(like(cases.title, `%某${suffix}`)).orderBy(cases.id);
  expect(rows.length, suffix).toBeGreaterThan(0);
  const road = rows[0].title.slice(0, rows[0].title.indexOf("某"));
  return { road, ids: rows.filter((r) => r.title.startsWith(road)).map((r) => r.id) };
};

const suggested = (reply: string) => [...reply.matchAll(/疑似重复：(?:<\/font>)?#(\d+)/g)].map((m) => Number(m[1]));

describe("repeat complaints retold in other words (demo district)", () => {
  it.each([
    ["印刷厂异味扰民", (road: string) => `${road}那家印刷厂又在排刺鼻的气味，晚上开窗都不行`],
    ["老旧小区化粪池污水外溢", (road: string) => `${road}那个老小区化粪池又冒污水了`],
    ["五金加工店切割噪声扰民", (road: string) => `${road}有家五金店切割声音很吵`],
    ["小区自来水发黄浑浊", (road: string) => `${road}某小区水龙头出黄水`],
    ["汽修店乱倒废机油", (road: string) => `${road}汽修店往地上倒机油`],
    ["拆迁工地夜间施工扰民", (road: string) => `群众来电：${road}一处拆迁工地晚上12点还在施工`],
  ])("某%s retold names the earlier case", async (suffix, retell) => {
    const earlier = await demoCase(suffix);
    const reply = await say(deps, dispatcher, command, `交办 ${retell(earlier.road)} 给 ${await unitOf(earlier.ids[0])}`);
    expect(reply).toContain("已交办");
    expect(suggested(reply).some((id) => earlier.ids.includes(id)), reply).toBe(true);
  });

  it("complaints about other places or other businesses name none of them", async () => {
    const { road } = await demoCase("五金加工店切割噪声扰民");
    for (const text of [`${road}某串串店油烟扰民`, "某某路阳光小区门口垃圾乱堆"]) {
      const reply = await say(deps, dispatcher, command, `交办 ${text} 给 ${await unitOf((await demoCase("五金加工店切割噪声扰民")).ids[0])}`);
      expect(reply).toContain("已交办");
      expect(suggested(reply), reply).toEqual([]);
    }
  });
});

/** The lead unit's name of a case (a 交办 names its unit). */
const unitOf = async (id: number) => {
  const [c] = await t.db.select({ unit: units.name }).from(cases).innerJoin(units, eq(units.id, cases.leadUnitId)).where(eq(cases.id, id));
  return c.unit;
};
