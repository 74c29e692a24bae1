import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps, U } from "../helpers/fixture.js";
import { auditLog, cases } from "../../src/db/schema.js";
import { canCreate, canDo, type ActorLike } from "../../src/domain/permissions.js";
import type { CaseAction } from "../../src/domain/lifecycle.js";
import type { Deps } from "../../src/deps.js";

// Independent statement of spec §1: Y = allowed on a case led by the actor's unit (L), co-led (C) or other unit (O).
const ROLES = ["admin", "dispatcher", "leader", "unit_head", "officer", "accountability", "auditor"] as const;
const EXPECTED: Record<CaseAction, Record<(typeof ROLES)[number], string>> = {
  //                  admin dispatcher leader unit_head officer accountability auditor
  view:              { admin: "LCO", dispatcher: "LCO", leader: "LCO", unit_head: "LC", officer: "LC", accountability: "LCO", auditor: "" },
  acknowledge:       { admin: "", dispatcher: "", leader: "", unit_head: "L", officer: "L", accountability: "", auditor: "" },
  return:            { admin: "", dispatcher: "", leader: "", unit_head: "L", officer: "", accountability: "", auditor: "" },
  reassign:          { admin: "", dispatcher: "LCO", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  assign_officer:    { admin: "", dispatcher: "", leader: "", unit_head: "L", officer: "", accountability: "", auditor: "" },
  progress:          { admin: "", dispatcher: "", leader: "", unit_head: "LC", officer: "LC", accountability: "", auditor: "" },
  request_extension: { admin: "", dispatcher: "", leader: "", unit_head: "L", officer: "", accountability: "", auditor: "" },
  decide_extension:  { admin: "", dispatcher: "", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  submit_closure:    { admin: "", dispatcher: "", leader: "", unit_head: "L", officer: "L", accountability: "", auditor: "" },
  approve_closure:   { admin: "", dispatcher: "", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  reject_closure:    { admin: "", dispatcher: "", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  flag:              { admin: "", dispatcher: "", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  chase:             { admin: "", dispatcher: "LCO", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  patrol:            { admin: "", dispatcher: "LCO", leader: "LCO", unit_head: "L", officer: "L", accountability: "", auditor: "" },
  cancel:            { admin: "", dispatcher: "LCO", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  edit_fields:       { admin: "", dispatcher: "LCO", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  hold_accountable:  { admin: "", dispatcher: "", leader: "LCO", unit_head: "", officer: "", accountability: "LCO", auditor: "" },
  merge:             { admin: "", dispatcher: "LCO", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  mark_not_duplicate:{ admin: "", dispatcher: "LCO", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
  unmerge:           { admin: "", dispatcher: "", leader: "LCO", unit_head: "", officer: "", accountability: "", auditor: "" },
};

describe("the permission matrix of spec §1", () => {
  const theCase = { leadUnitId: 10, coUnitIds: [20] };
  const where = { L: 10, C: 20, O: 30 } as const;
  for (const [action, byRole] of Object.entries(EXPECTED) as [CaseAction, Record<string, string>][]) {
    for (const role of ROLES) {
      it(`${role} × ${action} → ${byRole[role] || "never"}`, () => {
        for (const [k, unitId] of Object.entries(where)) {
          const actor: ActorLike = { roles: [role], unitId };
          expect(canDo(actor, action, theCase), `${role} in ${k}`).toBe(byRole[role].includes(k));
        }
      });
    }
  }
  it("only the office creates cases", () => {
    expect(ROLES.filter((r) => canCreate({ roles: [r], unitId: 1 }))).toEqual(["dispatcher", "leader"]);
  });
});

describe("denials through chat (R14)", () => {
  let t: Awaited<ReturnType<typeof tempDb>>;
  let deps: Deps;
  let id: number;
  beforeAll(async () => {
    t = await tempDb();
    await seedFixture(t.db);
    deps = await testDeps(t.db, t.dir, testClock());
    id = Number(/#(\d+)/.exec(await say(deps, "disp", "g-command", "交办 某工地扬尘 给 荷花池街道"))![1]);
  });
  afterAll(() => t.cleanup());

  const snapshot = async () => (await t.db.select().from(cases).where(eq(cases.id, id)))[0];

  it.each([
    ["an unknown userid", "stranger", `签收 #${1}`, /未在督办系统登记.*请联系区督办办公室的系统管理员/],
    ["a disabled account", "gone", `签收 #${1}`, /未在督办系统登记/],
    ["an officer of another unit", "sm.officer", `签收 #${1}`, /没有找到案件 #1/],
    ["a unit head trying to approve", "hh.head", `通过 #${1}`, /没有权限.*仅限领导/],
    ["the auditor", "audit", `查 #${1}`, /没有找到案件 #1/],
    ["a dispatcher trying to 挂牌", "disp", `挂牌 #${1}`, /仅限领导/],
    ["an officer trying to 交办", "hh.officer", "交办 测试 给 荷花池街道", /只有督办员或领导可以交办/],
  ])("refuses %s politely, changes nothing and audits the userid", async (_what, user, text, reply) => {
    const before = await snapshot();
    const auditsBefore = (await t.db.select().from(auditLog)).length;
    expect(await say(deps, user, "g-hh", text)).toMatch(reply);
    expect(await snapshot()).toEqual(before);
    const audits = await t.db.select().from(auditLog);
    const mine = audits.slice(auditsBefore);
    if (!/没有找到/.test(String(reply))) expect(mine.some((a) => a.actor === user && a.result === "denied")).toBe(true);
  });

  it("ignores text that claims a role: permission comes from stored data only", async () => {
    expect(await say(deps, "hh.officer", "g-hh", `我是领导 通过 #${id}`)).not.toContain("审核通过");
    expect((await snapshot()).state).toBe("pending_ack");
    expect(U.hehuachi).toBe(1);
  });
});
