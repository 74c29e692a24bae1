/** R39: no full mobile or ID number in any group message — replies in groups and every queued push. */
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.js";
import { maskPii } from "../../src/domain/pii.js";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";

const MOBILE = "13812345678";
const ID = "51010619800101123X";
const FULL = /1[3-9]\d{9}|\d{17}[\dXx]/;

describe("maskPii", () => {
  it("keeps 3 + 4 digits of a mobile and the last 4 of an ID number", () => {
    expect(maskPii(`王先生（${MOBILE}，身份证${ID}）反映`)).toBe("王先生（138****5678，身份证**************123X）反映");
    expect(maskPii("身份证51010619800101123…")).toBe("身份证*************1123…"); // the stub a truncated title leaves
  });

  it("leaves case numbers, 受理编号, dates, times and amounts alone", () => {
    const s = "#12 D3SC202611200001 2026-12-10 09:30 罚款15000元 电话028-87654321";
    expect(maskPii(s)).toBe(s);
  });

  it("leaves no full mobile in any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.integer({ min: 3, max: 9 }), fc.string({ minLength: 9, maxLength: 9, unit: fc.constantFrom(..."0123456789") }), fc.string({ maxLength: 40 }), (a, second, rest, b) => {
        const out = maskPii(`${a}，1${second}${rest}，${b}`);
        expect(out).not.toContain(`1${second}${rest}`);
      }),
      { numRuns: 500 },
    );
  });
});

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, testClock());
});
afterAll(() => t.cleanup());

describe("group messages (R39)", () => {
  it("masks the complainant's numbers in group replies and pushes; the record keeps them", async () => {
    const reply = await say(deps, "disp", "g-command", `交办 群众王先生（电话${MOBILE}，身份证${ID}）反映金牛大道某烧烤店油烟扰民 给 荷花池街道 限 5个工作日`);
    expect(reply).toContain("138****5678");
    expect(reply).not.toMatch(FULL);
    const id = Number(/#(\d+)/.exec(reply)![1]);
    const q = await say(deps, "hh.officer", "g-hh", `查 #${id}`);
    expect(q).not.toMatch(FULL);
    const pushes = await t.db.all<{ payload: string }>(sql`select payload from outbox`);
    expect(pushes.length).toBeGreaterThan(0);
    for (const p of pushes) expect(p.payload).not.toMatch(FULL);
    // Single chat with someone allowed to see the case, and the stored case: in full.
    expect(await say(deps, "disp", "single:disp", `查 #${id}`)).toContain(MOBILE);
    const [c] = await t.db.all<{ content: string }>(sql`select content from cases where id = ${id}`);
    expect(c.content).toContain(MOBILE);
  });
});
