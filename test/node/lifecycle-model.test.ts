import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { PNG, say, seedFixture, testClock, testDeps, U } from "../helpers/fixture.js";
import { cases } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";

/** The in-memory model of spec §2.1 for one case, written independently of src/domain/lifecycle.ts. */
type Model = {
  state: "pending_ack" | "in_progress" | "pending_review" | "closed" | "returned" | "cancelled";
  lead: "hh" | "sm";
  returns: number;
  designated: boolean;
  rebounds: number;
  flagged: boolean;
  extOpen: boolean;
  requests: number;
};
type Real = { deps: Deps; id: number; lastVersion: number };

const OPEN = ["pending_ack", "in_progress", "pending_review", "returned"];
const CLOSE_ALL = "核查：属实，经现场核实\n整改：已整改到位\n分类：限期整改\n责任：约谈店主，责令整改\n回访：满意";
const unitOf = { hh: U.hehuachi, sm: U.simaqiao };
const chatOf = (m: Model) => (m.lead === "hh" ? "g-hh" : "g-sm");
const head = (m: Model) => `${m.lead}.head`;
const officer = (m: Model) => `${m.lead}.officer`;
const requestDate = (k: number) => new Date(Date.UTC(2027, 1, 1) + k * 10 * 86_400_000).toISOString().slice(0, 10);

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
const clock = testClock();
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, clock);
});
afterAll(() => t.cleanup());

/** One command: who sends what, when the model allows it, and what it does to the model. */
function command(name: string, send: (m: Model, id: number) => [user: string, chat: string, text: string, images?: Uint8Array[]], allowed: (m: Model) => boolean, apply: (m: Model) => void): fc.AsyncCommand<Model, Real> {
  return {
    check: () => true,
    toString: () => name,
    async run(m, r) {
      clock.advance(90 * 60_000);
      const [user, chat, text, images] = send(m, r.id);
      const legal = allowed(m);
      const reply = await say(r.deps, user, chat, text, { images });
      if (legal) apply(m);
      const [row] = await t.db.select().from(cases).where(eq(cases.id, r.id));
      const seen = {
        state: row.state,
        lead: row.leadUnitId === U.hehuachi ? "hh" : "sm",
        returns: row.returnCount,
        designated: row.designated,
        rebounds: row.reboundCount,
        flagged: row.flagged,
        extOpen: row.extRequestedDue !== null,
      };
      const { requests: _r, ...expected } = m;
      expect(seen, `${name} → ${reply}`).toEqual(expected);
      // An illegal command changes nothing and says why; a legal one is exactly one new version.
      expect(row.version, `${name} → ${reply}`).toBe(r.lastVersion + (legal ? 1 : 0));
      if (!legal) expect(reply).toMatch(/不能|没有|无需|不可|已是|未挂牌|已由/);
      r.lastVersion = row.version;
    },
  };
}

const commands = [
  fc.constant(command("签收", (m, id) => [officer(m), chatOf(m), `签收 #${id}`], (m) => m.state === "pending_ack", (m) => void (m.state = "in_progress"))),
  fc.constant(command("退回", (m, id) => [head(m), chatOf(m), `退回 #${id} 不属于本辖区`], (m) => m.state === "pending_ack" && !m.designated, (m) => void ((m.state = "returned"), m.returns++))),
  fc.constantFrom<"hh" | "sm">("hh", "sm").map((to) =>
    command(`改派 ${to}`, (_m, id) => ["disp", "g-command", `改派 #${id} 给 ${to === "hh" ? "荷花池街道" : "驷马桥街道"}`], (m) => ["pending_ack", "returned", "in_progress"].includes(m.state), (m) => {
      m.state = "pending_ack";
      m.lead = to;
      m.designated ||= m.returns >= 3;
      m.extOpen = false;
    }),
  ),
  fc.constant(command("进展", (m, id) => [officer(m), chatOf(m), `进展 #${id} 正在整改`], (m) => m.state === "in_progress", () => {})),
  fc.constant(
    command("延期", (m, id) => [head(m), chatOf(m), `延期 #${id} 至 ${requestDate(++m.requests)} 设备未到`], (m) => m.state === "in_progress" && !m.extOpen, (m) => void (m.extOpen = true)),
  ),
  fc.constant(command("同意延期", (_m, id) => ["lead", "g-command", `同意延期 #${id}`], (m) => m.state === "in_progress" && m.extOpen, (m) => void (m.extOpen = false))),
  fc.constant(command("不同意延期", (_m, id) => ["lead", "g-command", `不同意延期 #${id} 按原时限`], (m) => m.state === "in_progress" && m.extOpen, (m) => void (m.extOpen = false))),
  fc.constant(command("办结", (m, id) => [officer(m), chatOf(m), `办结 #${id}\n${CLOSE_ALL}`, [PNG]], (m) => m.state === "in_progress", (m) => void (m.state = "pending_review"))),
  // Every case gets the same 1×1 PNG, which the photo check flags as reused (issue 10): 通过 names what was checked.
  fc.constant(command("通过", (_m, id) => ["lead", "g-command", `通过 #${id} 已现场核实`], (m) => m.state === "pending_review", (m) => void (m.state = "closed"))),
  fc.constant(command("驳回", (_m, id) => ["lead", "g-command", `驳回 #${id} 不到位`], (m) => m.state === "pending_review", (m) => void (m.state = "in_progress"))),
  fc.constant(command("巡查正常", (_m, id) => ["disp", "g-command", `巡查 #${id} 正常`], (m) => m.state === "closed", () => {})),
  fc.constant(command("巡查反弹", (_m, id) => ["disp", "g-command", `巡查 #${id} 反弹 又有油烟`], (m) => m.state === "closed", (m) => void ((m.state = "in_progress"), m.rebounds++, (m.extOpen = false)))),
  fc.constant(command("挂牌", (_m, id) => ["lead", "g-command", `挂牌 #${id}`], (m) => OPEN.includes(m.state) && !m.flagged, (m) => void (m.flagged = true))),
  fc.constant(command("摘牌", (_m, id) => ["lead", "g-command", `摘牌 #${id}`], (m) => OPEN.includes(m.state) && m.flagged, (m) => void (m.flagged = false))),
  fc.constant(command("撤销", (_m, id) => ["disp", "g-command", `撤销 #${id} 重复交办`], (m) => OPEN.includes(m.state), (m) => void (m.state = "cancelled"))),
];

describe("the case state machine matches its model (R13)", () => {
  it("over random command sequences", async () => {
    const runs = Number(process.env.MODEL_RUNS ?? 500);
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 50 }), async (cmds) => {
        clock.set(Date.parse("2026-12-01T01:00:00Z")); // each sequence starts on the same working morning
        const created = await say(deps, "disp", "g-command", "交办 模型测试案件 给 荷花池街道 限 2027-01-15");
        const id = Number(/#(\d+)/.exec(created)![1]);
        const model: Model = { state: "pending_ack", lead: "hh", returns: 0, designated: false, rebounds: 0, flagged: false, extOpen: false, requests: 0 };
        await fc.asyncModelRun(() => ({ model, real: { deps, id, lastVersion: 1 } }), cmds);
      }),
      { numRuns: runs },
    );
  }, 300_000);
});
