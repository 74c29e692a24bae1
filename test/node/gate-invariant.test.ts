/**
 * The closure gate is an invariant (issue 10 item 2, spec §2.2): random sequences of chat and dashboard commands —
 * 办结 with any subset of the four items with or without a photo, 通过, 驳回 naming any items, 反弹, 改派, 撤销 —
 * and imports, against a model of handling rounds written independently of src/domain/rounds.ts. After every
 * step the case is where the model says, and every closed case in the database passes the gate for its last round.
 */
import { toPlain } from "../../src/domain/message.js";
import { and, eq, gte } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attachments, caseRounds, cases } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";
import { missingForStored } from "../../src/domain/closure-gate.js";
import { decideClosure } from "../../src/handlers/decide-closure.js";
import { DomainError } from "../../src/handlers/errors.js";
import { importCases } from "../../src/handlers/import-cases.js";
import { runUseCase } from "../../src/handlers/run.js";
import { tempDb } from "../helpers/db.js";
import { distinctPhoto } from "../helpers/distinct-photo.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";

type Item = "核查" | "整改" | "责任" | "回访";
const ITEMS: Item[] = ["核查", "整改", "责任", "回访"];
const LINE: Record<Item, string> = { 核查: "核查：属实，经现场核实", 整改: "整改：已整改到位\n分类：限期整改", 责任: "责任：约谈店主，责令整改", 回访: "回访：满意" };

/** One case: its state, lead unit, the items its current round holds and whether an after-photo counts for it. */
type Model = { state: "pending_ack" | "in_progress" | "pending_review" | "closed" | "cancelled"; lead: "hh" | "sm"; given: Set<Item>; photo: boolean; later?: boolean };
/** How many closures the runs reached, and how many of them after a 反弹, 改派 or 驳回 (so the test cannot pass idle). */
const closures = { total: 0, laterRound: 0 };
type Real = { id: number };

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
const clock = testClock();
let seed = 1000;
let imported = 0;
beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, clock);
});
afterAll(() => t.cleanup());

const chatOf = (m: Model) => (m.lead === "hh" ? "g-hh" : "g-sm");
const officer = (m: Model) => `${m.lead}.officer`;
const OPEN = ["pending_ack", "in_progress", "pending_review"];

/** Every closed case in the database has all four items and an after-photo from a round the gate may count. */
async function everyClosedCasePasses() {
  for (const c of await t.db.select().from(cases).where(eq(cases.state, "closed"))) {
    // The earliest round whose photos count: walk back over 驳回 rounds that kept 整改 (read from case_rounds).
    const ended = await t.db.select().from(caseRounds).where(eq(caseRounds.caseId, c.id));
    let from = c.round;
    while (from > 1 && !ended.find((r) => r.round === from - 1)!.cleared.includes("整改")) from--;
    const photos = await t.db.select().from(attachments).where(and(eq(attachments.caseId, c.id), eq(attachments.phase, "after"), gte(attachments.round, from)));
    expect(missingForStored(c, photos.length), `closed #${c.id}`).toEqual([]);
    expect(photos.length, `closed #${c.id} after-photos of round ≥ ${from}`).toBeGreaterThan(0);
  }
}

function command(name: string, run: (m: Model, r: Real) => Promise<string>, apply: (m: Model) => void): fc.AsyncCommand<Model, Real> {
  return {
    check: () => true,
    toString: () => name,
    async run(m, r) {
      clock.advance(60 * 60_000);
      const reply = await run(m, r);
      apply(m);
      const [c] = await t.db.select().from(cases).where(eq(cases.id, r.id));
      expect({ state: c.state, lead: c.leadUnitId === 1 ? "hh" : "sm" }, `${name} → ${reply}`).toEqual({ state: m.state, lead: m.lead });
      await everyClosedCasePasses();
    },
  };
}

// Half the 办结 carry all four items, so closures (and re-closures after a new round) happen often.
const submit = fc.record({ items: fc.oneof(fc.constant(ITEMS), fc.subarray(ITEMS)), photo: fc.boolean() }).map(({ items, photo }) =>
  command(
    `办结 ${items.join("") || "（空）"}${photo ? "+照片" : ""}`,
    (m, r) => say(deps, officer(m), chatOf(m), [`办结 #${r.id}`, ...items.map((i) => LINE[i])].join("\n"), { images: photo ? [distinctPhoto(seed++)] : [] }),
    (m) => {
      if (m.state !== "in_progress") return;
      m.photo ||= photo; // photos sent with a refused 办结 are kept as this round's after-photos
      const all = new Set([...m.given, ...items]);
      if (all.size === 4 && m.photo) {
        m.given = all;
        m.state = "pending_review";
      }
    },
  ),
);

const reject = fc.subarray(ITEMS).map((named) =>
  command(
    `驳回 ${named.join("、") || "（全部）"}`,
    (_m, r) => say(deps, "lead", "g-command", `驳回 #${r.id} ${named.length ? `${named.join("、")} ` : ""}不符合要求`),
    (m) => {
      if (m.state !== "pending_review") return;
      const redo = named.length ? named : ITEMS;
      for (const i of redo) m.given.delete(i);
      if (redo.includes("整改")) m.photo = false;
      m.state = "in_progress";
      m.later = true;
    },
  ),
);

const approve = (via: "chat" | "web") =>
  command(
    `通过（${via}）`,
    async (_m, r) => {
      // With a note: small test photos can look alike to the photo check (issue 10), which then asks for one.
      if (via === "chat") return say(deps, "lead", "g-command", `通过 #${r.id} 已现场核实`);
      const lead = { userId: "lead", name: "李明华", unitId: 4, roles: ["leader" as const] };
      return runUseCase({ deps, actor: lead, source: "web", action: "web.approve_closure" }, (ctx) => decideClosure({ ctx, input: { ref: { kind: "id", id: r.id }, approve: true, note: "已现场核实" } })).then(
        (d) => toPlain(d.reply),
        (e) => (e instanceof DomainError ? e.message : Promise.reject(e)),
      );
    },
    (m) => {
      if (m.state !== "pending_review") return;
      m.state = "closed";
      closures.total++;
      if (m.later) closures.laterRound++;
    },
  );

const ack = fc.constant(command("签收", (m, r) => say(deps, officer(m), chatOf(m), `签收 #${r.id}`), (m) => void (m.state === "pending_ack" && (m.state = "in_progress"))));
// Repeats weigh the draw towards the steps that move a case forward; 撤销 (the end of a case) stays rare.
const commands = [
  ack,
  ack,
  ack,
  submit,
  submit,
  submit,
  submit,
  submit,
  submit,
  reject,
  reject,
  fc.constant(approve("chat")),
  fc.constant(approve("chat")),
  fc.constant(approve("chat")),
  fc.constant(approve("web")),
  fc.constant(approve("web")),
  ...[1, 2, 3].map(() => fc.constant(
    command("巡查反弹", (_m, r) => say(deps, "disp", "g-command", `巡查 #${r.id} 反弹 又有油烟`), (m) => {
      if (m.state !== "closed") return;
      m.state = "in_progress";
      m.given = new Set();
      m.photo = false;
      m.later = true;
    }),
  )),
  fc.constant(command("巡查正常", (_m, r) => say(deps, "disp", "g-command", `巡查 #${r.id} 正常`), () => {})),
  fc.constant(
    command("改派", (m, r) => say(deps, "disp", "g-command", `改派 #${r.id} 给 ${m.lead === "hh" ? "驷马桥街道" : "荷花池街道"}`), (m) => {
      if (m.state !== "pending_ack" && m.state !== "in_progress") return;
      m.state = "pending_ack";
      m.lead = m.lead === "hh" ? "sm" : "hh";
      m.given = new Set();
      m.photo = false;
      m.later = true;
    }),
  ),
  fc.constant(command("撤销", (_m, r) => say(deps, "disp", "g-command", `撤销 #${r.id} 重复交办`), (m) => void (OPEN.includes(m.state) && (m.state = "cancelled")))),
  fc.constant(
    command(
      "导入（表中写着已办结）",
      async () => {
        const no = `D3SX2026120${String(++imported).padStart(5, "0")}`;
        const rows = [
          ["序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "责任单位", "办理时限", "是否办结", "调查核实情况", "是否属实", "处理和整改情况"],
          [1, no, "群众来电反映某餐馆油烟扰民", "金牛区", "大气", "荷花池街道", "2027-01-15", "已办结", "经核实属实", "属实", "已整改"],
        ];
        const disp = { userId: "disp", name: "张敏", unitId: 4, roles: ["dispatcher" as const] };
        const done = await runUseCase({ deps, actor: disp, source: "web", action: "web.import" }, (ctx) => importCases({ ctx, input: { sheets: [{ name: "清单", rows }], source: "中央督察", fileName: "清单.xlsx", sha256: no } }));
        const [c] = await t.db.select().from(cases).where(eq(cases.externalNo, no));
        expect(c, toPlain(done.reply)).toMatchObject({ state: "pending_ack", round: 1, finding: null, rectification: null, outcome: null });
        return toPlain(done.reply);
      },
      () => {},
    ),
  ),
];

describe("no path closes a case that fails the gate of its current round (spec §2.2)", () => {
  it("over random sequences of 办结, 通过, 驳回, 反弹, 改派, 撤销 and imports", async () => {
    const runs = Number(process.env.GATE_RUNS ?? 12);
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: "xlarge" }), async (cmds) => {
        clock.set(Date.parse("2026-12-01T01:00:00Z"));
        const id = Number(/#(\d+)/.exec(await say(deps, "disp", "g-command", "交办 闸门不变式测试案件 给 荷花池街道 限 2027-01-15"))![1]);
        const model: Model = { state: "pending_ack", lead: "hh", given: new Set(), photo: false };
        await fc.asyncModelRun(() => ({ model, real: { id } }), cmds);
      }),
      // A fixed seed keeps CI deterministic (the coverage check below must not depend on luck); GATE_SEED explores.
      { numRuns: runs, seed: Number(process.env.GATE_SEED ?? 20261202) },
    );
    expect(closures.laterRound, JSON.stringify(closures)).toBeGreaterThan(0);
  }, 600_000);
});
